"""One variant of a sweep, solved in a worker process or on a Dask worker:
the task carries file contents and raw strings only, never solver objects."""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from planner import api
from planner.io.reader import read_scenario
from planner.model.solve import SolveParams
from planner.problems import ScenarioError
from planner.report.kpi import KPI_COLUMNS

__all__ = ["Row", "SweepTask", "empty_row", "solve_variant"]

Row = dict[str, object]


@dataclass(frozen=True)
class SweepTask:
    """What a worker needs for one variant: file contents and raw strings only."""

    scenario_name: str
    scenario_data: bytes
    policy_name: str | None
    policy_data: bytes | None
    overrides: tuple[tuple[str, str], ...]
    time_limit: float
    seed: int


_CACHE: dict[str, api.Scenario] = {}
_CACHE_LOCK = threading.Lock()


def _base_scenario(task: SweepTask) -> api.Scenario:
    """The task's scenario as read from its bytes, once per worker."""
    digest = hashlib.sha256(task.scenario_data + b"\0" + (task.policy_data or b"")).hexdigest()
    with _CACHE_LOCK:
        cached = _CACHE.get(digest)
        if cached is not None:
            return cached
        with tempfile.TemporaryDirectory(prefix="planner-sweep-") as tmp:
            scenario_path = Path(tmp) / Path(task.scenario_name).name
            scenario_path.write_bytes(task.scenario_data)
            policy_path: Path | None = None
            if task.policy_data is not None:
                policy_path = Path(tmp) / Path(task.policy_name or "policy.yaml").name
                policy_path.write_bytes(task.policy_data)
            scenario = read_scenario(scenario_path, policy_path)
        _CACHE[digest] = scenario
        return scenario


def empty_row(status: str, message: str) -> Row:
    row: Row = dict.fromkeys(KPI_COLUMNS)
    row["status"] = status
    row["message"] = message
    return row


def solve_variant(task: SweepTask) -> Row:
    """Solve one variant (one CP-SAT worker, the task's seed); its KPI row.

    Never raises for a bad variant: an inconsistent policy gives status
    ``invalid``, and so does a number beyond what the solver holds exactly;
    any other failure status ``error``, each with a message.
    """
    started = time.perf_counter()
    try:
        base = _base_scenario(task)
        params = SolveParams(time_limit=task.time_limit, seed=task.seed, workers=1, processes=1)
        try:
            scenario = api.with_policy(base, **dict(task.overrides))
            outcome = api.solve_scenario(scenario, params)
        except ScenarioError as exc:  # a policy or number the model cannot take
            return empty_row("invalid", " ".join(str(exc).split()))
        row = api.kpis(outcome)
        notes = [*outcome.result.messages, *(str(c) for c in outcome.conflicts)]
        row["message"] = "; ".join(notes)
        row["seconds"] = round(time.perf_counter() - started, 3)
        return row
    except Exception as exc:  # a sweep reports a broken variant, it does not stop
        row = empty_row("error", f"{type(exc).__name__}: {exc}")
        row["seconds"] = round(time.perf_counter() - started, 3)
        return row
