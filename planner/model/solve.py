"""Build the CP-SAT model of a scenario and solve it lexicographically.

Goals are taken in the policy's ``objective_order`` (COVER, FAIR, PREFER,
COST by default): solve for the first, fix the level reached, solve for the
next with the previous plan as a hint, and so on. Each level is reported.

Groups that share nothing (no budget that costs money, no commitment across
groups) are independent: each is its own model, and the levels are combined
exactly. A sum goal (COVER, PREFER, COST, ...) is optimal for the whole
exactly when it is optimal for every group, so each group fixes its own
optimum; FAIR is the minimum over member schools, so the whole's optimum is
the smallest of the groups' optima, and every group then keeps at least that.

Independent parts are solved in stages, each stage a task per part that may
run in its own process (``SolveParams.processes``):

1. the levels before FAIR, every part on its own;
2. FAIR in two waves: first the part whose coverage leaves it the lowest
   possible ratio, then every other part with its ratio capped at that
   part's optimum (a part that reaches the cap has shown it is not the
   minimum; only parts below it need their own optimum);
3. the levels after FAIR, every part keeping the whole's FAIR.

A task rebuilds its part's model, fixes the levels reached so far and starts
from the last plan as a complete hint. The stages, waves and hints do not
depend on how many processes run them, so the plan does not either: same
scenario, seed and workers, same plan.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal

from ortools.sat.python import cp_model

from planner.data import BudgetRow, Exchange, Plan, Scenario
from planner.model.constraints import Constraints, money_scale
from planner.model.objective import FAIR_SCALE, Goal, Objective, as_decimal
from planner.model.variables import Variables
from planner.results import LevelResult, Shortfall, SolveResult, SolveStatus

Logger = Callable[[str], None]

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}

# What the JSON's objective calls each goal's value.
OBJECTIVE_KEYS = {
    "SHORTFALL": "shortfall",
    "OVERSPEND": "overspend",
    "COVER": "coverage",
    "FAIR": "fairness",
    "PREFER": "preference_penalty",
    "COST": "cost",
    "STABLE": "changes",
}


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
    linearization_level: int = 2
    presolve: bool = False
    gap: float = 0.0  # stop a level within this relative gap of its bound (0: prove it)
    # CP-SAT's deterministic work units for the whole solve (None: no limit):
    # a run that stops there stops at the same point on any machine.
    work_limit: float | None = None
    relax: frozenset[str] = frozenset()
    log: Logger | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class BuiltModel:
    """A scenario's CP-SAT model with its parts, before solving."""

    model: cp_model.CpModel
    variables: Variables
    constraints: Constraints
    objective: Objective
    seconds: float


def build_model(
    scenario: Scenario, *, relax: frozenset[str] = frozenset(), track: bool = False
) -> BuiltModel:
    """Variables, every hard rule and the goal expressions."""
    start = time.perf_counter()
    model = cp_model.CpModel()
    variables = Variables(model, scenario)
    constraints = Constraints(variables, track=track, relax=relax)
    constraints.add_constraints()
    objective = Objective(variables, constraints)
    return BuiltModel(model, variables, constraints, objective, time.perf_counter() - start)


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution: goal value, bound, elapsed time."""

    def __init__(self, goal: Goal, log: Logger, offset: float, label: str = "") -> None:
        super().__init__()
        self.goal = goal
        self.label = f"{goal.name} {label}".strip()
        self.log = log
        self.offset = offset

    def on_solution_callback(self) -> None:
        value = as_decimal(self.objective_value, self.goal.scale)
        bound = as_decimal(self.best_objective_bound, self.goal.scale)
        self.log(
            f"  [{self.label}] {self.offset + self.wall_time:6.1f}s  best {value}  bound {bound}"
        )


def _solver(
    params: SolveParams, time_left: float, work_left: float | None = None
) -> cp_model.CpSolver:
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


def _aim(model: cp_model.CpModel, goal: Goal) -> None:
    """Make ``goal`` the model's objective, in its sense."""
    if goal.sense == "max":
        model.maximize(goal.expr)
    else:
        model.minimize(goal.expr)


def _size(scenario: Scenario) -> int:
    """How big a part is, for sharing time and work among parts."""
    return len(scenario.staff) + 1


def _shares(
    parts: Sequence[Scenario], processes: int, seconds: float, work: float | None
) -> list[tuple[float, float | None]]:
    """Each part's seconds and deterministic work out of ``seconds`` and
    ``work``. Time is shared by size, and with several processes a part may
    use its share times the processes running beside it; work is shared by
    size alone, as if the parts ran one after the other, so that it is the
    same on any number of processes."""
    sizes = [_size(p) for p in parts]
    total = sum(sizes)
    return [
        (
            seconds * min(1.0, processes * size / total),
            None if work is None else work * size / total,
        )
        for size in sizes
    ]


def goal_order(scenario: Scenario, relaxed: bool = False) -> list[str]:
    """The goals optimised, in order: shortfalls first when rules are relaxed,
    then the policy's order, COVER always included, and when replanning
    STABLE right after COVER unless the order places it."""
    order = (["SHORTFALL", "OVERSPEND"] if relaxed else []) + list(scenario.policy.objective_order)
    if "COVER" not in order:
        order.append("COVER")  # always report coverage
    if scenario.published and "STABLE" not in order:
        order.insert(order.index("COVER") + 1, "STABLE")
    return order


def independent_parts(scenario: Scenario) -> list[Scenario]:
    """The scenario split by group where groups share nothing, else itself.

    A budget that costs money couples all groups (one fund), and so would a
    commitment to another group's school (a MEMBERSHIP conflict the whole
    model must report).
    """
    if _shared_fund(scenario):
        return [scenario]
    return split_by_group(scenario) or [scenario]


def _shared_fund(scenario: Scenario) -> bool:
    policy = scenario.policy
    return bool(scenario.budget) and bool(policy.cost_teacher or policy.cost_cadre)


def split_by_group(scenario: Scenario) -> list[Scenario] | None:
    """One scenario per group, each with the whole's budget rows; None for a
    single group or when a commitment crosses groups."""
    if len(scenario.groups) < 2:
        return None
    group_of_school = {s.school_id: s.group_id for s in scenario.schools}
    group_of_staff = {p.staff_id: group_of_school.get(p.school_id) for p in scenario.staff}
    for c in scenario.commitments:
        if group_of_staff.get(c.staff_id) != group_of_school.get(c.school_id):
            return None
    parts = []
    for group in scenario.groups:
        gid = group.group_id
        schools = [s for s in scenario.schools if s.group_id == gid]
        ids = {s.school_id for s in schools}
        staff = [p for p in scenario.staff if p.school_id in ids]
        staff_ids = {p.staff_id for p in staff}
        parts.append(
            replace(
                scenario,
                name=f"{scenario.name} / {group.name}",
                groups=[group],
                schools=schools,
                staff=staff,
                needs=[n for n in scenario.needs if n.school_id in ids],
                core_keep=[k for k in scenario.core_keep if k.school_id in ids],
                commitments=[c for c in scenario.commitments if c.staff_id in staff_ids],
                published=[e for e in scenario.published if e.staff_id in staff_ids],
                history=[e for e in scenario.history if e.staff_id in staff_ids],
            )
        )
    return parts


def split_fund(
    scenario: Scenario, groups: list[Scenario], plans: list[list[Exchange]]
) -> list[list[BudgetRow]] | None:
    """Each group's share of every budget row, so that the shares add up to
    at most the fund: first what the group's quotas and commitments cost at
    least, then the rest in proportion to what the group's ``plans`` (made
    without the fund) spend beyond that. None if the floors alone overspend.
    """
    from planner.model.diagnose import locked_cost, quota_cost_floor

    policy = scenario.policy
    unit = Decimal(1) / money_scale(
        [policy.cost_teacher, policy.cost_cadre, *(b.amount for b in scenario.budget)]
    )
    cadre = {p.staff_id: p.is_cadre for p in scenario.staff}
    shares: list[list[BudgetRow]] = [[] for _ in groups]
    for row in scenario.budget:
        floors, wants = [], []
        for part, plan in zip(groups, plans, strict=True):
            gid = part.groups[0].group_id
            floors.append(locked_cost(part, row.year, gid) + quota_cost_floor(part, gid, row.year))
            spend = sum(
                (policy.cost_per_year(cadre[e.staff_id]) for e in plan if e.covers(row.year)),
                Decimal(0),
            )
            wants.append(max(spend - floors[-1], Decimal(0)))
        spare = row.amount - sum(floors, Decimal(0))
        if spare < 0:
            return None
        total = sum(wants, Decimal(0))
        for k, (floor, want) in enumerate(zip(floors, wants, strict=True)):
            extra = spare * want / total if total else spare / len(groups)
            amount = ((floor + extra) / unit).to_integral_value(rounding=ROUND_FLOOR) * unit
            shares[k].append(BudgetRow(row.year, max(amount, Decimal(0))))
    return shares


class _Part:
    """One independent model, optimised level by level."""

    def __init__(
        self, scenario: Scenario, params: SolveParams, built: BuiltModel, label: str = ""
    ) -> None:
        self.scenario = scenario
        self.params = params
        self.built = built
        self.label = label
        self.chosen: list[bool] | None = None
        self.solution: list[int] = []
        self.shortfalls: list[Shortfall] = []
        self.goals: dict[str, Goal] = {}
        self.work_left: float | None = None  # deterministic work this part may still use
        self.work_used = 0.0

    def _run(
        self,
        time_left: float,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> tuple[SolveStatus, cp_model.CpSolver]:
        solver = _solver(self.params, time_left, self.work_left)
        status = _STATUS[solver.solve(self.built.model, callback)]
        used = solver.response_proto.deterministic_time
        self.work_used += used
        if self.work_left is not None:
            self.work_left -= used
        return status, solver

    def goal(self, name: str) -> Goal | None:
        if name not in self.goals:
            goal = self.built.objective.goal(name)
            if goal is None:
                return None
            self.goals[name] = goal
        return self.goals[name]

    def start_from(self, solution: Sequence[int]) -> None:
        """Take ``solution`` (every variable's value) as the plan so far."""
        self.solution = list(solution)
        self.chosen = [bool(solution[c.var.index]) for c in self.built.variables.candidates]
        self.shortfalls = _shortfalls(self.built, self.solution)

    def any_plan(self, time_left: float) -> SolveStatus:
        """Look for any plan, without an objective; keep it if found."""
        model = self.built.model
        model.clear_objective()
        status, solver = self._run(time_left)
        if status.has_plan:
            self._keep(solver)
        return status

    def optimise(
        self, goal: Goal, time_left: float, log: Logger, offset: float
    ) -> tuple[SolveStatus, int, int]:
        model = self.built.model
        _aim(model, goal)
        if self.solution:
            # Hint every variable of the last plan (a complete hint is checked
            # first and becomes the starting solution); variables made since,
            # such as a new goal's helpers, CP-SAT completes itself.
            model.clear_hints()
            for index, value in enumerate(self.solution):
                model.add_hint(model.get_int_var_from_proto_index(index), value)
        progress = _Progress(goal, log, offset, self.label) if self.params.log else None
        status, solver = self._run(time_left, progress)
        if not status.has_plan:
            return status, 0, 0
        self._keep(solver)
        value = round(solver.objective_value)
        if status is not SolveStatus.OPTIMAL:
            # A plan stopped by the time limit may leave helper variables
            # (covered units, the fairness floor) short of what its decisions
            # earn: report the plan's true value.
            value = _current(self, goal)[0]
        return status, value, round(solver.best_objective_bound)

    def lowest_ratio(self) -> int | None:
        """The plan's lowest coverage ratio among member schools with needs,
        in FAIR's units (a lower bound on the part's FAIR optimum)."""
        if not self.solution:
            return None
        per_school: dict[str, list[int]] = {}
        for term in self.built.objective.need_terms:
            got = per_school.setdefault(term.need.school_id, [0, 0])
            got[0] += term.weight * self.solution[term.covered.index]
            got[1] += term.weight * term.need.count
        ratios = [FAIR_SCALE * got // wanted for got, wanted in per_school.values() if wanted]
        return min(ratios) if ratios else None

    def _keep(self, solver: cp_model.CpSolver) -> None:
        """Remember the solver's plan: decisions, every value (for hints), shortfalls."""
        self.start_from(solver.response_proto.solution)

    def fix(self, goal: Goal, value: int) -> None:
        """Keep ``goal`` at least as good as ``value`` from now on."""
        if goal.sense == "max":
            self.built.model.add(goal.expr >= value)
        else:
            self.built.model.add(goal.expr <= value)

    def exchanges(self) -> list[Exchange]:
        out = [lk.exchange for lk in self.built.variables.locked]
        if self.chosen is not None:
            out += [
                c.exchange()
                for c, on in zip(self.built.variables.candidates, self.chosen, strict=True)
                if on
            ]
        return out


@dataclass(frozen=True)
class _Task:
    """One stage of one independent part: everything a process needs."""

    index: int  # the part's position among the parts
    scenario: Scenario
    params: SolveParams  # without a logger (it does not cross processes)
    label: str  # the group id when there are several parts, else ""
    fixed: tuple[tuple[str, int], ...]  # levels reached so far, in order, and their value
    levels: tuple[str, ...]  # goals to optimise now, in order
    hint: tuple[int, ...]  # the last plan, every variable; empty: none yet
    budget: float  # seconds this task may take
    deadline: float  # wall clock (time.time()) no task runs past
    origin: float  # wall clock when the solve began, for progress lines
    cap: int | None = None  # FAIR wave 2: the ratio a part need not exceed
    work: float | None = None  # deterministic work this task may use (work_limit)
    # Of the time left, the share this task may take if it has no plan yet:
    # its size over the size of the tasks from it on, times the processes.
    rescue_share: float = 1.0
    plan_hint: tuple[Exchange, ...] = ()  # a plan to start from when there is no hint


@dataclass(frozen=True)
class _Level:
    """One level of one part: what the solver reached and proved."""

    name: str
    sense: str
    status: SolveStatus
    value: int
    bound: int
    scale: int
    seconds: float


@dataclass
class _Outcome:
    """What a task hands back."""

    index: int
    levels: list[_Level] = field(default_factory=list)
    failed: SolveStatus | None = None  # no plan at all: infeasible, unknown, invalid
    solution: tuple[int, ...] = ()
    exchanges: list[Exchange] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # for the result
    log: list[str] = field(default_factory=list)  # progress lines, when run in a process
    skipped: str | None = None  # the level the time limit stopped before
    lowest_ratio: int | None = None  # the plan's lowest school coverage ratio (FAIR units)
    work_used: float = 0.0  # CP-SAT's deterministic time, summed over the task's solves
    build_seconds: float = 0.0
    num_variables: int = 0
    num_constraints: int = 0


def _run_task(
    task: _Task,
    log: Logger | None = None,
    constrain: Callable[[Variables], None] | None = None,
) -> _Outcome:
    """Rebuild the part's model, keep the levels fixed so far, optimise the
    task's levels in order. Deterministic: the same task, the same outcome."""
    started = time.perf_counter()
    outcome = _Outcome(task.index)
    say: Logger = log if log is not None else outcome.log.append
    params = replace(task.params, log=say)
    built = build_model(task.scenario, relax=params.relax)
    if constrain is not None:
        constrain(built.variables)
    outcome.build_seconds = built.seconds
    outcome.num_variables = len(built.model.proto.variables)
    outcome.num_constraints = len(built.model.proto.constraints)
    part = _Part(task.scenario, params, built, task.label)
    part.work_left = task.work
    for name, value in task.fixed:
        goal = part.goal(name)
        if goal is not None:
            part.fix(goal, value)
    if task.hint:
        part.start_from(task.hint)
    elif task.plan_hint:
        completed = _complete(part, set(task.plan_hint), task.levels)
        if completed is not None:
            part.start_from(completed)
    for name in task.levels:
        goal = part.goal(name)
        if goal is None:
            continue
        time_left = min(task.budget - (time.perf_counter() - started), task.deadline - time.time())
        out_of_work = part.work_left is not None and part.work_left <= 0.001
        if part.chosen is not None and (time_left <= 0.05 or out_of_work):
            outcome.skipped = name
            break
        if name == "FAIR" and task.cap is not None:
            part.built.model.add(goal.expr <= task.cap)
        level_start = time.perf_counter()
        status, value, bound = part.optimise(goal, time_left, say, time.time() - task.origin)
        if status is SolveStatus.UNKNOWN and part.chosen is None:
            # No plan at all within the part's share: without one the whole
            # has none, so take a fair part of what is left before the
            # deadline: any plan first, without the goal (CP-SAT finds one
            # much sooner so), then the goal from it with what remains.
            rest = (task.deadline - time.time()) * task.rescue_share
            if rest > 0.5:
                say(f"  {name} {task.label}: no plan in {time_left:.1f}s, {rest:.1f}s more")
                rescue = time.perf_counter()
                status = part.any_plan(rest)
                if part.chosen is not None:
                    left = max(rest - (time.perf_counter() - rescue), 0.1)
                    offset = time.time() - task.origin
                    status, value, bound = part.optimise(goal, left, say, offset)
        if not status.has_plan and part.chosen is None:
            outcome.failed = status
            return outcome
        if not status.has_plan:  # ran out of time: keep the plan so far
            outcome.messages.append(f"{name}: no better plan found in time; kept the plan so far")
            value = _current(part, goal)[0]
            # Nothing proven beyond the sense's trivial bound.
            bound = goal.upper if goal.sense == "max" else 0
            status = SolveStatus.FEASIBLE
        seconds = time.perf_counter() - level_start
        if task.label:
            shown = as_decimal(value, goal.scale)
            say(f"  {name} {task.label}: {status.value} {shown} in {seconds:.1f}s")
        outcome.levels.append(_Level(name, goal.sense, status, value, bound, goal.scale, seconds))
        if name != "FAIR":  # FAIR is fixed at the whole's value, by the next stage
            part.fix(goal, value)
    outcome.solution = tuple(part.solution)
    outcome.work_used = part.work_used
    outcome.lowest_ratio = part.lowest_ratio()
    outcome.exchanges = part.exchanges()
    outcome.shortfalls = part.shortfalls
    return outcome


def _in_process(task: _Task) -> _Outcome:
    """A task in a worker process (module level, so it can be pickled)."""
    return _run_task(task)


class _Runner:
    """Runs a stage's tasks: in this process, or in a pool of processes.

    Results never depend on which: every task is solved on its own.
    """

    def __init__(
        self,
        processes: int,
        log: Logger | None,
        constrain: Callable[[Variables], None] | None,
    ) -> None:
        self.processes = processes
        self.log = log
        self.constrain = constrain
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Runner:
        if self.processes > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=_process_context()
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            if exc[0] is not None:  # interrupted: do not wait for solves nobody reads
                for process in list(getattr(self.pool, "_processes", {}).values()):
                    process.terminate()
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def run(self, tasks: list[_Task]) -> list[_Outcome]:
        if self.pool is None:
            sizes = [_size(t.scenario) for t in tasks]
            return [
                _run_task(
                    replace(t, rescue_share=sizes[k] / sum(sizes[k:])), self.log, self.constrain
                )
                for k, t in enumerate(tasks)
            ]
        # Largest first keeps the processes evenly busy.
        ordered = sorted(tasks, key=lambda t: -len(t.scenario.staff))
        sizes = [_size(t.scenario) for t in ordered]
        ordered = [
            replace(t, rescue_share=min(1.0, self.processes * sizes[k] / sum(sizes[k:])))
            for k, t in enumerate(ordered)
        ]
        try:
            futures = {t.index: self.pool.submit(_in_process, t) for t in ordered}
            outcomes = [futures[t.index].result() for t in tasks]
        except BrokenProcessPool:
            # A worker could not start or died (e.g. a script without the
            # ``if __name__ == "__main__":`` guard under spawn): solve here
            # instead; the tasks, and so the plan, are the same.
            if self.log is not None:
                self.log("solver processes failed; solving the groups in this process")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            return self.run(tasks)
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


def default_processes(parts: int) -> int:
    """One process per core, at most one per independent part."""
    return max(1, min(parts, os.cpu_count() or 1))


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    constrain: Callable[[Variables], None] | None = None,
) -> SolveResult:
    """Solve ``scenario`` under its policy; never raises for an infeasible one.

    ``constrain`` may add constraints over the decisions before solving
    (``planner explain`` forbids or forces one person's exchanges with it);
    with independent groups it is called for each group's model, and the
    parts are then solved in this process.
    """
    params = params or SolveParams()
    log = params.log
    pieces = independent_parts(scenario) if params.decompose else [scenario]
    # Groups that share only a fund: solved on their own first, for a hint.
    coupled = (
        split_by_group(scenario)
        if params.decompose and constrain is None and _shared_fund(scenario)
        else None
    )
    units = len(coupled) if coupled else len(pieces)
    processes = params.processes or default_processes(units)
    if constrain is not None:
        processes = 1
    processes = max(1, min(processes, units))
    started = time.perf_counter()
    deadline = time.time() + params.time_limit
    quiet = replace(params, log=None)
    labels = [p.groups[0].group_id if len(pieces) > 1 else "" for p in pieces]
    order = goal_order(scenario, relaxed=bool(params.relax))
    if "FAIR" in order:
        before, after = order[: order.index("FAIR")], order[order.index("FAIR") + 1 :]
    else:
        before, after = order, []
    result = SolveResult(status=SolveStatus.UNKNOWN, plan=Plan(()), objective={})
    # The last outcome of each part, and every level reached, by part.
    last: list[_Outcome | None] = [None] * len(pieces)
    reached: list[list[_Level]] = [[] for _ in pieces]
    fixed: list[list[tuple[str, int]]] = [[] for _ in pieces]
    skipped_levels: list[str] = []  # levels no part reached before the time limit
    work_done = 0.0  # deterministic work used so far, summed over parts

    def tasks(
        indices: list[int],
        levels: list[str],
        cap: int | None = None,
        plan_hint: tuple[Exchange, ...] = (),
    ) -> list[_Task]:
        remaining = max(_time_left(params, started), 0.0)
        work_left = None if params.work_limit is None else max(params.work_limit - work_done, 0.0)
        shares = _shares([pieces[i] for i in indices], processes, remaining, work_left)
        out = []
        for i, (seconds, work) in zip(indices, shares, strict=True):
            previous = last[i]
            out.append(
                _Task(
                    index=i,
                    scenario=pieces[i],
                    params=quiet,
                    label=labels[i],
                    fixed=tuple(fixed[i]),
                    levels=tuple(levels),
                    hint=previous.solution if previous is not None else (),
                    budget=seconds,
                    work=work,
                    deadline=deadline,
                    origin=deadline - params.time_limit,
                    cap=cap,
                    plan_hint=plan_hint if previous is None else (),
                )
            )
        return out

    def absorb(outcomes: list[_Outcome]) -> SolveStatus | None:
        """Keep each part's outcome; the status of the first part without a plan."""
        nonlocal work_done
        for outcome in outcomes:
            work_done += outcome.work_used
            if outcome.failed is not None:
                return outcome.failed
            if outcome.build_seconds and last[outcome.index] is None:
                result.build_seconds += outcome.build_seconds
                result.num_variables += outcome.num_variables
                result.num_constraints += outcome.num_constraints
            last[outcome.index] = outcome
            reached[outcome.index].extend(outcome.levels)
            for level in outcome.levels:
                if level.name != "FAIR":
                    fixed[outcome.index].append((level.name, level.value))
            for message in outcome.messages:
                if message not in result.messages:
                    result.messages.append(message)
        return None

    everyone = list(range(len(pieces)))
    if log is not None:
        log(
            f"solving {len(pieces)} independent part{'s' if len(pieces) > 1 else ''}"
            + (f" in {processes} processes" if processes > 1 else "")
        )
    with _Runner(processes, log, constrain) as runner:
        failed: SolveStatus | None = None
        hint: tuple[Exchange, ...] = ()
        if coupled:
            hint = _fund_hint(scenario, coupled, runner, quiet, deadline, log)
        if before:
            failed = absorb(runner.run(tasks(everyone, before, plan_hint=hint)))
        if failed is None and "FAIR" in order:
            failed = _fair_waves(pieces, runner, tasks, absorb, reached, fixed, last)
        if failed is None and after and _time_left(params, started) > 0.05:
            failed = absorb(runner.run(tasks(everyone, after)))
        elif failed is None and after:
            result.messages.append(f"time limit reached before {after[0]} was optimised")
            skipped_levels.extend(after)
    result.solve_seconds = time.perf_counter() - started - result.build_seconds
    if failed is not None or any(outcome is None for outcome in last):
        result.status = failed or SolveStatus.UNKNOWN
        if result.status is SolveStatus.UNKNOWN:
            result.messages.append(
                f"no plan found within {params.time_limit:g}s and infeasibility not proven"
            )
        return result
    outcomes = [o for o in last if o is not None]
    unfinished = set(skipped_levels)
    for outcome in outcomes:
        if outcome.skipped:
            unfinished.update(order[order.index(outcome.skipped) :])
            note = f"time limit reached before {outcome.skipped} was optimised"
            if note not in result.messages:
                result.messages.append(note)
    _combine(result, order, reached, unfinished)
    result.plan = Plan.of(e for o in outcomes for e in o.exchanges)
    result.shortfalls = [s for o in outcomes for s in o.shortfalls]
    proven = not unfinished and all(lv.status is SolveStatus.OPTIMAL for lv in result.levels)
    result.status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
    for level in result.levels:
        result.objective[OBJECTIVE_KEYS[level.name]] = level.value
        if level.name == "COVER":
            result.objective["coverage_bound"] = level.bound
    if log is not None:
        for level in result.levels:
            log(
                f"{level.name}: {level.status.value}, {level.value} (bound {level.bound}) "
                f"in {level.seconds:.1f}s"
            )
    return result


# Of the time limit, what each of the two passes of a fund hint may take.
FUND_HINT_SHARE = 0.1


def _fund_hint(
    scenario: Scenario,
    groups: list[Scenario],
    runner: _Runner,
    params: SolveParams,
    deadline: float,
    log: Logger | None,
) -> tuple[Exchange, ...]:
    """A plan within a fund shared by groups, from the groups on their own.

    Each group is solved for COVER without the fund, the fund is split by
    :func:`split_fund`, and each group is solved again within its share; the
    shares add up to at most the fund, so the plans together keep every rule
    and make a complete first plan for the whole model (which alone decides
    the optimum). Empty if a group has no plan within its share or in time.
    """
    seconds = params.time_limit * FUND_HINT_SHARE

    def run(parts: list[Scenario]) -> list[_Outcome] | None:
        work = None if params.work_limit is None else params.work_limit * FUND_HINT_SHARE
        shares = _shares(parts, runner.processes, seconds, work)
        todo = [
            _Task(
                index=i,
                scenario=part,
                params=params,
                label=f"hint {part.groups[0].group_id}",
                fixed=(),
                levels=("COVER",),
                hint=(),
                budget=budget,
                work=work_share,
                deadline=deadline,
                origin=deadline - params.time_limit,
            )
            for i, (part, (budget, work_share)) in enumerate(zip(parts, shares, strict=True))
        ]
        outcomes = runner.run(todo)
        if any(o.failed is not None or not o.levels for o in outcomes):
            return None
        return outcomes

    started = time.perf_counter()
    alone = run([replace(g, budget=[]) for g in groups])
    shares = split_fund(scenario, groups, [o.exchanges for o in alone]) if alone else None
    within = (
        run([replace(g, budget=b) for g, b in zip(groups, shares, strict=True)]) if shares else None
    )
    if log is not None:
        took = time.perf_counter() - started
        if within is None:
            log(f"fund hint: none ({took:.1f}s); the whole model starts on its own")
        else:
            got = sum(as_decimal(o.levels[0].value, o.levels[0].scale) for o in within)
            log(f"fund hint: coverage {got} from {len(groups)} groups within shares ({took:.1f}s)")
    return tuple(e for o in within for e in o.exchanges) if within else ()


def _time_left(params: SolveParams, started: float) -> float:
    return params.time_limit - (time.perf_counter() - started)


def _fair_waves(
    pieces: list[Scenario],
    runner: _Runner,
    tasks: Callable[..., list[_Task]],
    absorb: Callable[[list[_Outcome]], SolveStatus | None],
    reached: list[list[_Level]],
    fixed: list[list[tuple[str, int]]],
    last: list[_Outcome | None],
) -> SolveStatus | None:
    """FAIR over independent parts: the whole's value is the smallest part's.

    Wave 1 solves the part most likely to be the smallest: the one whose
    plan so far leaves a member school with the lowest ratio; it is capped
    at the smallest share of needs covered of any part, which no part's
    lowest ratio can exceed. Wave 2 caps every other part at wave 1's
    value, so a part that can reach it stops there. The whole keeps the
    smallest value reached, and every part is then held to it.
    """
    with_needs = [i for i, p in enumerate(pieces) if any(n.count > 0 for n in p.needs)]
    if not with_needs:
        return None

    def share(i: int) -> int:
        """The part's coverage as a share of its needs, in FAIR units: its
        lowest school ratio cannot exceed that weighted average."""
        wanted = sum(n.priority * n.count for n in pieces[i].needs if n.count > 0)
        cover = [lv for lv in reached[i] if lv.name == "COVER"]
        if not cover or not wanted:
            return FAIR_SCALE
        return int(FAIR_SCALE * as_decimal(cover[-1].value, cover[-1].scale) / wanted)

    def lowest_now(i: int) -> int:
        outcome = last[i]
        ratio = outcome.lowest_ratio if outcome is not None else None
        return FAIR_SCALE if ratio is None else ratio

    # The whole's FAIR is at most every part's share; the part whose plan so
    # far has the lowest school ratio is the likeliest to decide it.
    ceiling = min(share(i) for i in with_needs)
    first = min(with_needs, key=lambda i: (lowest_now(i), i))
    failed = absorb(runner.run(tasks([first], ["FAIR"], ceiling)))
    if failed is not None:
        return failed
    cap = _fair_value(reached[first])
    others = [i for i in range(len(pieces)) if i != first]
    if others:
        failed = absorb(runner.run(tasks(others, ["FAIR"], cap)))
        if failed is not None:
            return failed
    values = [v for i in range(len(pieces)) if (v := _fair_value(reached[i])) is not None]
    if values:
        whole = min(values)
        for i in range(len(pieces)):
            if _fair_value(reached[i]) is not None:
                fixed[i].append(("FAIR", whole))
    return None


def _fair_value(levels: list[_Level]) -> int | None:
    fair = [lv.value for lv in levels if lv.name == "FAIR"]
    return fair[-1] if fair else None


def _combine(
    result: SolveResult, order: list[str], reached: list[list[_Level]], unfinished: set[str]
) -> None:
    """Each goal's value for the whole from the parts' levels.

    Parts may scale a goal differently (priorities, money): combine in the
    goal's own unit. FAIR is the minimum over member schools, so the smallest
    part decides; every other goal is a sum.
    """
    for name in order:
        levels = [lv for part in reached for lv in part if lv.name == name]
        if not levels:
            continue
        values = [as_decimal(lv.value, lv.scale) for lv in levels]
        bounds = [as_decimal(lv.bound, lv.scale) for lv in levels]
        if name == "FAIR":
            total, total_bound = min(values), min(bounds)
        else:
            total, total_bound = sum(values, Decimal(0)), sum(bounds, Decimal(0))
        status = (
            SolveStatus.OPTIMAL
            if all(lv.status is SolveStatus.OPTIMAL for lv in levels) and name not in unfinished
            else SolveStatus.FEASIBLE
        )
        seconds = sum(lv.seconds for lv in levels)
        sense = levels[0].sense
        result.levels.append(LevelResult(name, sense, total, total_bound, status, seconds))


def _complete(part: _Part, planned: set[Exchange], levels: Sequence[str]) -> list[int] | None:
    """Every variable's value for the plan ``planned`` (decisions fixed,
    helpers such as covered units at their best for the first of ``levels``),
    or None if the plan breaks a rule of the part's model."""
    # A commitment is a constant of the model, never its decision (a
    # decision equal to it is switched off by ONE-PLACE).
    planned = planned - {lk.exchange for lk in part.built.variables.locked}
    chosen = [cand.exchange() in planned for cand in part.built.variables.candidates]
    goal = next((g for name in levels if (g := part.goal(name)) is not None), None)
    status, solver = _solve_fixed(part, chosen, goal)
    return list(solver.response_proto.solution) if status.has_plan else None


def _current(part: _Part, goal: Goal) -> tuple[int, int]:
    """The best value of ``goal`` for the part's current plan, and its bound."""
    assert part.chosen is not None
    _, solver = _solve_fixed(part, part.chosen, goal)
    return round(solver.objective_value), round(solver.best_objective_bound)


def _solve_fixed(
    part: _Part, chosen: Sequence[bool], goal: Goal | None
) -> tuple[SolveStatus, cp_model.CpSolver]:
    """The part's model with every decision fixed to ``chosen`` and ``goal``
    optimised over the helper variables alone (covered units, the fairness
    floor), which is immediate; in a copy, the model itself is left as is."""
    copy = part.built.model.clone()
    copy.clear_hints()
    for cand, on in zip(part.built.variables.candidates, chosen, strict=True):
        copy.add(copy.get_bool_var_from_proto_index(cand.var.index) == int(on))
    if goal is not None:
        _aim(copy, goal)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    return _STATUS[solver.solve(copy)], solver


def _shortfalls(built: BuiltModel, solution: Sequence[int]) -> list[Shortfall]:
    """Relaxed rule instances that fall short in a plan (every variable's value)."""
    out: list[Shortfall] = []
    for posted in built.constraints.posted:
        if posted.shortfall is None:
            continue
        amount = solution[posted.shortfall.index]
        if amount:
            inst = posted.instance
            out.append(
                Shortfall(
                    inst.rule,
                    inst.group_id,
                    inst.year,
                    inst.scope,
                    Decimal(amount) / Decimal(posted.scale),
                )
            )
    return out
