"""The solver's settings: :class:`SolveParams` and the CP-SAT solver they make."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

Logger = Callable[[str], None]


@dataclass(frozen=True)
class SolveParams:
    """Solver settings. Same scenario, seed and workers: same plan.

    Defaults were chosen by measurement (``benchmarks/bench.py``, figures in
    ``benchmarks/README.md``) on the 2-core machines:

    - one CP-SAT worker with full LP linearization (``linearization_level``
      2): its LP proves the coverage bound at once, and a single worker is
      deterministic by construction. More workers on two cores only share
      them (with several, ``interleave`` keeps the search deterministic);
    - CP-SAT's presolve off: on these models it costs more than it saves
      (each level is a new solve and was presolved again), about 40% of the
      solve time of the built-in scenario;
    - independent groups solved in one process per core (``processes``);
      the plan does not depend on how many.

    A run that stops at ``time_limit`` is reproducible only if it stops at
    the same point, so the time limit is a safety net, not the normal way
    to stop.
    """

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 1
    interleave: bool = True
    decompose: bool = True
    processes: int | None = None  # for independent parts; None: one per core
    # A Dask scheduler's address (tcp://HOST:PORT): the parts are solved on
    # its cluster instead of local processes, with the same plan.
    scheduler: str | None = None
    linearization_level: int = 2
    presolve: bool = False
    gap: float = 0.0  # stop a level within this relative gap of its bound (0: prove it)
    # CP-SAT's deterministic work units for the whole solve (None: no limit):
    # a run that stops there stops at the same point on any machine.
    work_limit: float | None = None
    relax: frozenset[str] = frozenset()
    log: Logger | None = None
    extra: dict[str, object] = field(default_factory=dict)


def make_solver(
    params: SolveParams, time_left: float, work_left: float | None = None
) -> cp_model.CpSolver:
    """A CP-SAT solver with ``params``' settings, limited to ``time_left``
    seconds and ``work_left`` deterministic work."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(time_left, 0.01)
    if work_left is not None:
        p.max_deterministic_time = max(work_left, 0.001)
    p.random_seed = params.seed
    p.num_workers = params.workers
    p.linearization_level = params.linearization_level
    p.cp_model_presolve = params.presolve
    p.relative_gap_limit = params.gap
    if params.workers > 1 and params.interleave:
        p.interleave_search = True
    for key, value in params.extra.items():
        setattr(p, key, value)
    return solver
