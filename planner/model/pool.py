"""Runs a stage's tasks: in this process, in a pool of processes or on a
Dask cluster (:mod:`planner.model.cluster`).

Results never depend on which: every task is solved on its own
(:func:`planner.model.levels.run_task`). Processes that fail to start or die
fall back to solving in this process, with the same tasks and so the same
plan.

Each process keeps the models it has built (a
:class:`planner.model.levels.ModelCache`), and a part's next stage goes to a
process that holds its model when one is free, so a part is built once per
process that solves it rather than once per stage.

A worker process ends when the process that started it ends, whatever the
signal (:func:`stop_with_parent`): a solve killed by SIGKILL leaves no solver
behind holding its caller's pipes open.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any

from planner.i18n import _, current_language, set_language
from planner.model import cluster
from planner.model.levels import Constrain, ModelCache, Outcome, Task, run_task
from planner.model.params import Logger
from planner.model.quantities import part_size

# The models a worker process has built, for the later stages of its solve
# (a pool's processes serve one solve and end with it).
_WORKER_MODELS = ModelCache()


def _in_process(task: Task) -> Outcome:
    """A task in a worker process (module level, so it can be pickled)."""
    return run_task(task, models=_WORKER_MODELS)


class Runner:
    """Runs a stage's tasks: in this process, in a pool of processes or, with
    ``scheduler`` (a Dask address), on that cluster.

    Results never depend on which: every task is solved on its own. On a
    cluster, ``processes`` becomes its worker threads (at most ``parts``).
    """

    def __init__(
        self,
        processes: int,
        log: Logger | None,
        constrain: Constrain | None,
        scheduler: str | None = None,
        parts: int = 1,
    ) -> None:
        self.processes = processes
        self.log = log
        self.constrain = constrain
        self.scheduler = scheduler if constrain is None else None  # constrain: not picklable
        self.parts = parts
        # One single-process pool per process: a part's task can be sent
        # to the process that holds its model.
        self.pools: list[ProcessPoolExecutor] = []
        self.homes: dict[str, set[int]] = {}  # model key -> the processes holding it
        self.models = ModelCache()  # the models built in this process
        self.client: Any = None  # a dask.distributed.Client

    def __enter__(self) -> Runner:
        if self.scheduler is not None:
            self.client, slots = cluster.connect(self.scheduler)
            self.processes = max(1, min(slots, self.parts))
        elif self.processes > 1:
            context = _process_context()
            self.pools = [
                ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=context,
                    initializer=stop_with_parent,
                    initargs=(os.getpid(), current_language()),
                )
                for _n in range(self.processes)
            ]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        self._stop_pools(interrupted=exc[0] is not None)

    def _stop_pools(self, interrupted: bool) -> None:
        for pool in self.pools:
            if interrupted:  # do not wait for solves nobody reads
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
            pool.shutdown(wait=not interrupted, cancel_futures=True)
        self.pools = []

    def run(self, tasks: list[Task]) -> list[Outcome]:
        if not self.pools and self.client is None:
            sizes = [part_size(t.scenario) for t in tasks]
            return [
                run_task(
                    replace(t, rescue_share=sizes[k] / sum(sizes[k:])),
                    self.log,
                    self.constrain,
                    self.models,
                )
                for k, t in enumerate(tasks)
            ]
        # Largest first keeps the processes evenly busy.
        ordered = sorted(tasks, key=lambda t: -len(t.scenario.staff))
        sizes = [part_size(t.scenario) for t in ordered]
        ordered = [
            replace(t, rescue_share=min(1.0, self.processes * sizes[k] / sum(sizes[k:])))
            for k, t in enumerate(ordered)
        ]
        if self.client is not None:
            by_index = cluster.run_on_cluster(self.client, ordered, self.log)
            return self._logged([by_index[t.index] for t in tasks])
        try:
            by_index = self._dispatch(ordered)
        except BrokenProcessPool:
            # A worker could not start or died (e.g. a script without the
            # ``if __name__ == "__main__":`` guard under spawn): solve here
            # instead; the tasks, and so the plan, are the same.
            if self.log is not None:
                self.log(_("solver processes failed; solving the groups in this process"))
            self._stop_pools(interrupted=True)
            return self.run(tasks)
        return self._logged([by_index[t.index] for t in tasks])

    def _dispatch(self, ordered: list[Task]) -> dict[int, Outcome]:
        """Each task's outcome by its index, the tasks handed out in order
        as processes come free, each to a process holding its model if one
        is free (:meth:`_assign`)."""
        pending = list(ordered)
        idle = list(range(len(self.pools)))
        running: dict[Future[Outcome], tuple[int, Task]] = {}
        outcomes: dict[int, Outcome] = {}
        while pending or running:
            for worker, task in self._assign(pending, idle):
                self.homes.setdefault(task.model_key, set()).add(worker)
                running[self.pools[worker].submit(_in_process, task)] = (worker, task)
            done, _still = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f][0]):
                worker, task = running.pop(future)
                outcomes[task.index] = future.result()
                idle.append(worker)
        return outcomes

    def _assign(self, pending: list[Task], idle: list[int]) -> list[tuple[int, Task]]:
        """Tasks for the idle processes, taken out of ``pending`` and ``idle``:
        first each task whose model an idle process holds, in order; then
        tasks never built; then, rather than wait, the last (smallest)
        tasks, built again where they go."""
        out: list[tuple[int, Task]] = []
        for task in list(pending):
            holders = [w for w in idle if w in self.homes.get(task.model_key, ())]
            if holders:
                out.append((holders[0], task))
                idle.remove(holders[0])
                pending.remove(task)
        for task in list(pending):
            if idle and task.model_key not in self.homes:
                out.append((idle.pop(0), task))
                pending.remove(task)
        while idle and pending:
            out.append((idle.pop(0), pending.pop()))
        return out

    def _logged(self, outcomes: list[Outcome]) -> list[Outcome]:
        """The outcomes, their solver logs written to this process's logger."""
        if self.log is not None:
            for outcome in outcomes:
                for line in outcome.log:
                    self.log(line)
        return outcomes


def _process_context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (POSIX, no other thread in this process): no
    start-up cost; else spawn, a fresh interpreter per worker."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


# Linux prctl(2) option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.25


def stop_with_parent(parent: int, lang: str | None = None) -> None:
    """In a worker process (a pool's ``initializer``): end when the process
    ``parent`` that started the pool ends, whatever ended it.

    On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG);
    everywhere a watch thread ends the worker once it is handed to another
    parent or ``parent`` is gone (a forkserver's workers are its children,
    not the caller's). A solve stopped by SIGINT or SIGTERM shuts its pool
    down in order (:meth:`Runner.__exit__`); this is for the signals nobody
    can catch. ``lang``: the language of the worker's messages (the caller's).
    """
    set_language(lang)  # the worker's messages in the caller's language, fork or spawn
    # A forked worker inherits the caller's SIGTERM handler (the CLI's); the
    # pool stops its workers with SIGTERM, which must end them at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch thread below still ends the worker
    adopted_by = os.getppid()
    if not _alive(parent):  # the parent died before the death signal was set
        os._exit(1)
    watch = threading.Thread(
        target=_watch_parent, args=(parent, adopted_by), name="parent-watch", daemon=True
    )
    watch.start()


def _watch_parent(parent: int, adopted_by: int) -> None:
    while os.getppid() == adopted_by and _alive(parent):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, someone else's
    return True


def default_processes(parts: int) -> int:
    """One process per core, at most one per independent part."""
    return max(1, min(parts, os.cpu_count() or 1))
