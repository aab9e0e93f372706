"""Solve jobs: each solve runs in its own process (multiprocessing, spawn)
that leads its own process group, so cancelling ends the solver's worker
processes too; the server only relays progress and stores the plan.

A job's process sends messages through a pipe (no feeder thread in the
child, so CP-SAT's worker pool may still fork):

* ``("started", pid)``
* ``("progress", {"level", "best", "bound", "elapsed"})`` and ``("line", text)``
* ``("done", plan_document)`` or ``("failed", message, problems)``

One watcher thread per job reads them; a job whose process dies without a
last word ends ``failed``, and the server goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import string
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from planner.i18n import _, current_language, use_language

__all__ = ["Busy", "Job", "JobManager", "parse_progress"]

TERMINAL = ("done", "failed", "cancelled")

# What each field of a progress line looks like, whatever the language.
_FIELDS = {
    "goal": r"(?P<level>[A-Z]+)",
    "part": r"(?P<part>\S+)",
    "value": r"(?P<best>-?[\d.]+)",
    "bound": r"(?P<bound>-?[\d.]+)",
    "seconds": r"(?P<t>[\d.]+)",
}
# In a solution line the goal's brackets may hold its part too: "[COVER G1]".
_GOAL_AND_PART = r"(?P<level>[A-Z]+)(?: (?P<part>[^\]]+))?"


def _line_pattern(
    template: str, goal: str = _FIELDS["goal"], status: str = "optimal|feasible"
) -> re.Pattern[str]:
    """A regular expression for the lines ``template`` (a translated log
    message) makes: its words as they are, any run of spaces as any spaces
    (numbers are padded), each field as :data:`_FIELDS` says."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        out.append(r"\s*".join(re.escape(word) for word in re.split(r"\s+", literal)))
        if name:
            own = {"goal": goal, "status": f"(?P<status>{status})"}
            out.append(r"\s*" + (own[name] if name in own else _FIELDS[name]))
    return re.compile("".join(out))


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """The progress lines' patterns in ``lang``: a better plan, a goal level
    of one part done, a goal level of the whole done."""
    from planner.model.levels import LEVEL_LINE, PROGRESS_LINE
    from planner.model.solve import SUMMARY_LINE
    from planner.results import SolveStatus

    with use_language(lang):
        statuses = "|".join(
            re.escape(s.label()) for s in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
        )
        return (
            _line_pattern(_(PROGRESS_LINE), _GOAL_AND_PART),
            _line_pattern(_(LEVEL_LINE), status=statuses),
            _line_pattern(_(SUMMARY_LINE), status=statuses),
        )


def _number(text: str) -> float | int | str:
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def parse_progress(line: str, lang: str | None = None) -> dict[str, Any] | None:
    """A solver log line in ``lang`` (the current language if None) as
    progress (level, part, best, bound), or None."""
    better, part_done, whole_done = _patterns(lang or current_language())
    m = better.search(line)
    if m:
        return {
            "level": m["level"],
            "part": m["part"] or "",
            "best": _number(m["best"]),
            "bound": _number(m["bound"]),
        }
    m = part_done.search(line) or whole_done.search(line)
    if m:
        names = m.re.groupindex
        best = _number(m["best"])
        bound = _number(m["bound"]) if "bound" in names else best
        return {
            "level": m["level"],
            "part": m["part"] if "part" in names else "",
            "best": best,
            "bound": bound,
        }
    return None


class Busy(Exception):
    """A solve of this scenario is already running."""

    def __init__(self, job_id: str) -> None:
        super().__init__(job_id)
        self.job_id = job_id


@dataclass
class Job:
    id: str
    scenario_id: str
    spec: dict[str, Any]
    state: str = "queued"
    progress: dict[str, Any] = field(
        default_factory=lambda: {"level": None, "best": None, "bound": None, "elapsed": 0.0}
    )
    plan: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    lines: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    pid: int | None = None
    process: Any = None
    version: int = 0  # bumped on every change (for the event stream)

    def snapshot(self) -> dict[str, Any]:
        progress = dict(self.progress)
        if self.started is not None:
            end = self.finished if self.finished is not None else time.time()
            progress["elapsed"] = round(end - self.started, 1)
        return {
            "id": self.id,
            "scenario": self.scenario_id,
            "state": self.state,
            "progress": progress,
            "plan": self.plan,
            "problems": list(self.problems),
            "error": self.error,
            "log": self.lines[-12:],
            "version": self.version,
        }


def _child(spec: dict[str, Any], conn: Any) -> None:
    """The job process: solve (or replan) and send the plan document back."""
    with contextlib.suppress(OSError):
        os.setsid()  # its own process group: cancel kills it and its workers
    started = time.time()

    def send(*message: Any) -> None:
        with contextlib.suppress(OSError, ValueError):
            conn.send(message)

    send("started", os.getpid())
    # The caller's language, not the server's environment: the log, the
    # conflicts and the plan's messages are read by the person who asked.
    from planner.i18n import set_language

    set_language(spec.get("lang"))
    try:
        from planner import api
        from planner.model.solve import SolveParams
        from planner.problems import ScenarioError
        from planner.rules import RELAXABLE
        from planner.web.scenarios import build_scenario, problem_documents

        def log(line: str) -> None:
            send("line", line.rstrip()[:300])
            progress = parse_progress(line)
            if progress is not None:
                progress["elapsed"] = round(time.time() - started, 1)
                send("progress", progress)

        settings = spec["settings"]
        shortfall = settings.get("allow_shortfall") or []
        relax = frozenset(RELAXABLE) if shortfall == "all" else frozenset(shortfall)
        params = SolveParams(
            time_limit=float(settings.get("time_limit") or 60),
            relax=relax,
            log=log,
            processes=spec.get("processes"),
        )
        try:
            scenario = build_scenario(spec["workbook"], settings)
            previous = spec.get("previous")
            if previous is not None:
                from planner.archive import plan_of_document

                replan = api.replan_scenario(
                    scenario, plan_of_document(previous), int(settings["from_year"]), params
                )
                outcome = replan.outcome
                document = api.plan_document(outcome)
                document["changes"] = [api.change_document(c) for c in replan.changes]
            else:
                outcome = api.solve_scenario(scenario, params)
                document = api.plan_document(outcome)
        except ScenarioError as exc:
            send("failed", "scenario", problem_documents(exc))
            return
        if not outcome.result.status.has_plan:
            problems = [
                {
                    "rule": ",".join(c.rules),
                    "group_id": c.group_id,
                    "year": c.year,
                    "message": c.message,
                }
                for c in outcome.conflicts
            ]
            send("failed", f"no_plan:{outcome.result.status.value}", problems)
            return
        send("done", document)
    except BaseException as exc:  # report, never hang the watcher
        send("failed", f"error:{type(exc).__name__}: {exc}", [])
        traceback.print_exc()
    finally:
        with contextlib.suppress(OSError):
            conn.close()


class JobManager:
    """Starts, watches and cancels solve jobs; at most ``slots`` run at once."""

    def __init__(
        self,
        on_done: Callable[[Job, dict[str, Any]], str],
        slots: int = 2,
        processes: int | None = None,
    ) -> None:
        self.on_done = on_done
        self.processes = processes
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(slots)
        self.ctx = multiprocessing.get_context("spawn")
        self.closed = False

    # -- public --------------------------------------------------------------

    def start(self, scenario_id: str, spec: dict[str, Any]) -> Job:
        """Queue a solve; raises :class:`Busy` if this scenario has one going."""
        with self.lock:
            for job in self.jobs.values():
                if job.scenario_id == scenario_id and job.state not in TERMINAL:
                    raise Busy(job.id)
            job = Job(uuid.uuid4().hex[:12], scenario_id, spec)
            self.jobs[job.id] = job
        threading.Thread(target=self._watch, args=(job,), name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        job = self.jobs.get(job_id)
        if job is None:
            return None
        with self.lock:
            if job.state in TERMINAL:
                return job
            self._finish(job, "cancelled")
        self._kill(job)
        return job

    def shutdown(self) -> None:
        self.closed = True
        for job in list(self.jobs.values()):
            if job.state not in TERMINAL:
                self.cancel(job.id)

    # -- the watcher ---------------------------------------------------------

    def _update(self, job: Job, **changes: Any) -> None:
        for key, value in changes.items():
            setattr(job, key, value)
        job.version += 1

    def _finish(self, job: Job, state: str, **changes: Any) -> None:
        """Caller holds the lock."""
        if job.state in TERMINAL:
            return
        changes.setdefault("finished", time.time())
        if job.started is None:
            changes.setdefault("started", changes["finished"])
        self._update(job, state=state, **changes)

    def _watch(self, job: Job) -> None:
        with self.slots:
            if job.state in TERMINAL or self.closed:
                return
            reader, writer = self.ctx.Pipe(duplex=False)
            spec = dict(job.spec, processes=self.processes)
            process = self.ctx.Process(target=_child, args=(spec, writer), daemon=False)
            with self.lock:
                if job.state in TERMINAL:
                    return
                process.start()
                with contextlib.suppress(OSError):
                    os.setpgid(process.pid or 0, process.pid or 0)
                self._update(
                    job, process=process, pid=process.pid, state="running", started=time.time()
                )
            writer.close()
            try:
                self._relay(job, reader, process)
            finally:
                reader.close()
                process.join(timeout=5)
                if process.is_alive():
                    self._kill(job)

    def _relay(self, job: Job, reader: Any, process: Any) -> None:
        while True:
            if job.state in TERMINAL:
                return
            try:
                ready = reader.poll(0.2)
            except (OSError, EOFError):
                ready = True
            if not ready:
                if not process.is_alive() and not reader.poll(0):
                    self._died(job, process)
                    return
                continue
            try:
                message = reader.recv()
            except (EOFError, OSError):
                self._died(job, process)
                return
            kind = message[0]
            if kind == "started":
                continue
            if kind == "line":
                job.lines.append(message[1])
                del job.lines[:-200]
                job.version += 1
            elif kind == "progress":
                with self.lock:
                    self._update(job, progress=dict(message[1]))
            elif kind == "failed":
                with self.lock:
                    self._finish(job, "failed", error=message[1], problems=list(message[2]))
                return
            elif kind == "done":
                try:
                    plan_id = self.on_done(job, message[1])
                except Exception as exc:  # the archive refused it
                    with self.lock:
                        self._finish(job, "failed", error=f"store:{exc}")
                    return
                with self.lock:
                    self._finish(job, "done", plan=plan_id)
                return

    def _died(self, job: Job, process: Any) -> None:
        process.join(timeout=1)
        with self.lock:
            self._finish(job, "failed", error=f"died:{process.exitcode}")

    @staticmethod
    def _kill(job: Job) -> None:
        """End the job's process group (the job process and its solver workers)."""
        if job.pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(job.pid, signal.SIGKILL)
        if job.process is not None:
            with contextlib.suppress(Exception):
                job.process.kill()
                job.process.join(timeout=5)
