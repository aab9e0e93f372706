"""The lexicographic level solver for one model.

A :class:`Task` is one stage of one independent part: its scenario, the
levels fixed so far, the goals to optimise now and the last plan as a hint.
:func:`run_task` builds the part's model (:func:`build_model`), or takes it
back as it was built from a :class:`ModelCache` that kept it since an earlier
stage, fixes the levels reached, and optimises each goal in turn with the
previous plan as a complete hint, fixing each level reached before the next. It hands back an
:class:`Outcome`: every level's value and bound, the plan and its values.
The same task always gives the same outcome, in this process or another.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from ortools.sat.python import cp_model

from planner.data import Exchange, Scenario
from planner.i18n import N_, _
from planner.model.constraints import Constraints
from planner.model.objective import FAIR_SCALE, Goal, Objective, PricedLimit, Prices, as_decimal
from planner.model.params import Logger, SolveParams, make_solver
from planner.model.quantities import exact_decimal
from planner.model.variables import Variables
from planner.results import BoundSource, Shortfall, SolveStatus

Constrain = Callable[[Variables], None]

STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


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


# The log's progress lines, in the reader's language; planner.web.jobs reads
# them back as progress in either language.
PROGRESS_LINE = N_("  [{goal}] {seconds:6.1f}s  best {value}  bound {bound}")
LEVEL_LINE = N_("  {goal} {part}: {status} {value} in {seconds:.1f}s")


class ModelCache:
    """The parts' built models, kept between the stages of one solve.

    Building a part's model is a large share of a stage's work (city40:
    about a third). A kept model is handed back exactly as it was built:
    its proto is restored from a copy taken right after building (every
    goal, fixed level, hint and cap a stage added to it is gone), so a
    task gives the same outcome with or without the cache. Keyed by
    :attr:`Task.model_key`; tasks without one are built every time.
    """

    def __init__(self) -> None:
        self.models: dict[str, tuple[BuiltModel, cp_model.CpModel]] = {}

    def built(self, task: Task, constrain: Constrain | None) -> BuiltModel:
        """The task's part's model as built (``constrain`` applied)."""
        kept = self.models.get(task.model_key) if task.model_key else None
        if kept is not None:
            start = time.perf_counter()
            built, copy = kept
            built.model.proto.copy_from(copy.proto)
            built.model.rebuild_constant_map()
            built.seconds = time.perf_counter() - start
            return built
        built = build_model(task.scenario, relax=task.params.relax)
        if constrain is not None:
            constrain(built.variables)
        if task.model_key:
            self.models[task.model_key] = (built, built.model.clone())
        return built


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution: goal value, bound, elapsed time."""

    def __init__(self, goal: Goal, log: Logger, offset: float, label: str = "") -> None:
        super().__init__()
        self.goal = goal
        self.label = f"{goal.name} {label}".strip()
        self.log = log
        self.offset = offset

    def on_solution_callback(self) -> None:
        value = as_decimal(self.value(self.goal.expr), self.goal.scale)
        bound = as_decimal(round(self.best_objective_bound), self.goal.scale)
        self.log(
            _(PROGRESS_LINE).format(
                goal=self.label, seconds=self.offset + self.wall_time, value=value, bound=bound
            )
        )


def aim(model: cp_model.CpModel, goal: Goal) -> None:
    """Make ``goal`` the model's objective, in its sense."""
    if goal.sense == "max":
        model.maximize(goal.expr)
    else:
        model.minimize(goal.expr)


class Part:
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
        self.prices: Prices = ()  # PRICED's prices, per budget year

    def _run(
        self,
        time_left: float,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> tuple[SolveStatus, cp_model.CpSolver]:
        solver = make_solver(self.params, time_left, self.work_left)
        status = STATUS[solver.solve(self.built.model, callback)]
        used = solver.response_proto.deterministic_time
        self.work_used += used
        if self.work_left is not None:
            self.work_left -= used
        return status, solver

    def goal(self, name: str) -> Goal | None:
        if name not in self.goals:
            objective = self.built.objective
            goal = objective.priced(self.prices) if name == "PRICED" else objective.goal(name)
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
        aim(model, goal)
        if self.solution:
            # Hint every variable of the last plan (a complete hint is checked
            # first and becomes the starting solution); variables made since,
            # such as a new goal's helpers, CP-SAT completes itself.
            model.clear_hints()
            hint = model.proto.solution_hint  # as add_hint per variable, at once
            hint.vars.extend(range(len(self.solution)))
            hint.values.extend(self.solution)
        reached = self._at_floor()
        if reached is not None:
            return SolveStatus.OPTIMAL, reached, reached
        progress = _Progress(goal, log, offset, self.label) if self.params.log else None
        status, solver = self._run(time_left, progress)
        if not status.has_plan:
            return status, 0, 0
        self._keep(solver)
        value = solver.value(goal.expr)
        if status is not SolveStatus.OPTIMAL:
            # A plan stopped by the time limit may leave helper variables
            # (covered units, the fairness floor) short of what its decisions
            # earn: report the plan's true value.
            value = _current(self, goal)[0]
        return status, value, exact_bound(solver, model)

    def _at_floor(self) -> int | None:
        """The goal's value in the last plan if no plan can do better by the
        variables' domains alone (STABLE when nothing has to change), else
        None. The plan is then kept as the level's optimum without a solve
        (one would only prove what the domains already do)."""
        proto = self.built.model.proto
        objective = proto.objective
        if not self.solution:
            return None
        inner = floor = 0
        for var, coef in zip(objective.vars, objective.coeffs, strict=True):
            if not 0 <= var < len(self.solution):
                return None  # a variable the last plan has no value for
            domain = proto.variables[var].domain
            # (the proto's repeated field reads [-1] as 0: index from the front)
            low, high = domain[0], domain[len(domain) - 1]
            inner += coef * self.solution[var]
            floor += min(coef * low, coef * high)
        if inner != floor:
            return None
        sense = -1 if objective.scaling_factor < 0 else 1
        return int(sense * (inner + round(objective.offset)))

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
class Task:
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
    rescue: bool = True  # without a plan in its time, take more (False: a probe, stop)
    plan_hint: tuple[Exchange, ...] = ()  # a plan to start from when there is no hint
    # The part's name in a ModelCache (the same part in every stage of a
    # solve); "": build its model afresh.
    model_key: str = ""
    prices: Prices = ()  # for the level PRICED: the fund's price per budget year
    limits: tuple[PricedLimit, ...] = ()  # posted before any level (valid cuts)


@dataclass(frozen=True)
class Level:
    """One level of one part: what the solver reached and proved."""

    name: str
    sense: str
    status: SolveStatus
    value: int
    bound: int
    scale: Fraction  # value / scale is the goal in its own unit
    seconds: float
    source: BoundSource = BoundSource.MODEL  # where the bound comes from


@dataclass
class Outcome:
    """What a task hands back."""

    index: int
    levels: list[Level] = field(default_factory=list)
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


def run_task(
    task: Task,
    log: Logger | None = None,
    constrain: Constrain | None = None,
    models: ModelCache | None = None,
) -> Outcome:
    """Build the part's model (or take it back from ``models``), keep the
    levels fixed so far, optimise the task's levels in order.
    Deterministic: the same task, the same outcome."""
    started = time.perf_counter()
    outcome = Outcome(task.index)
    say: Logger = log if log is not None else outcome.log.append
    part = _prepare(task, replace(task.params, log=say), outcome, constrain, models)
    for name in task.levels:
        goal = part.goal(name)
        if goal is None:
            continue
        time_left = min(task.budget - (time.perf_counter() - started), task.deadline - time.time())
        out_of_work = part.work_left is not None and part.work_left <= 0.001
        if part.chosen is not None and (time_left <= 0.05 or out_of_work):
            outcome.skipped = name
            break
        level = _optimise_level(task, part, name, goal, time_left, say, outcome)
        if level is None:
            return outcome
        outcome.levels.append(level)
        if name != "FAIR":  # FAIR is fixed at the whole's value, by the next stage
            part.fix(goal, level.value)
    outcome.solution = tuple(part.solution)
    outcome.work_used = part.work_used
    outcome.lowest_ratio = part.lowest_ratio()
    outcome.exchanges = part.exchanges()
    outcome.shortfalls = part.shortfalls
    return outcome


def _prepare(
    task: Task,
    params: SolveParams,
    outcome: Outcome,
    constrain: Constrain | None,
    models: ModelCache | None,
) -> Part:
    """The task's part: its model built, the levels so far fixed, the hint taken."""
    built = (models or ModelCache()).built(task, constrain)
    outcome.build_seconds = built.seconds
    outcome.num_variables = len(built.model.proto.variables)
    outcome.num_constraints = len(built.model.proto.constraints)
    part = Part(task.scenario, params, built, task.label)
    part.work_left = task.work
    part.prices = task.prices
    for limit in task.limits:
        built.objective.limit(limit)
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
    return part


def _optimise_level(
    task: Task,
    part: Part,
    name: str,
    goal: Goal,
    time_left: float,
    say: Logger,
    outcome: Outcome,
) -> Level | None:
    """Optimise one goal; the level reached, or None (``outcome.failed`` set)
    if the part has no plan at all."""
    if name == "FAIR" and task.cap is not None:
        part.built.model.add(goal.expr <= task.cap)
    level_start = time.perf_counter()
    status, value, bound = part.optimise(goal, time_left, say, time.time() - task.origin)
    if status is SolveStatus.UNKNOWN and part.chosen is None and task.rescue:
        status, value, bound = _rescue(task, part, name, goal, time_left, say, status)
    if status is SolveStatus.MODEL_INVALID:
        # Never kept as "no better plan in time": the scenario's numbers
        # passed planner.model.ranges, so this is a defect to report.
        detail = part.built.model.validate()
        outcome.messages.append(
            _(
                "{goal}: the solver rejected the model ({detail}), so no plan is given; "
                "this is a defect of the program, please report it."
            ).format(goal=name, detail=detail)
        )
        outcome.failed = status
        return None
    if not status.has_plan and part.chosen is None:
        outcome.failed = status
        return None
    if not status.has_plan:  # ran out of time: keep the plan so far
        outcome.messages.append(
            _("{goal}: no better plan found in time; kept the plan so far").format(goal=name)
        )
        value = _current(part, goal)[0]
        # Nothing proven beyond the sense's trivial bound.
        bound = goal.upper if goal.sense == "max" else 0
        status = SolveStatus.FEASIBLE
    seconds = time.perf_counter() - level_start
    if task.label:
        shown = as_decimal(value, goal.scale)
        say(
            _(LEVEL_LINE).format(
                goal=name, part=task.label, status=status.label(), value=shown, seconds=seconds
            )
        )
    return Level(name, goal.sense, status, value, bound, goal.scale, seconds)


def _rescue(
    task: Task,
    part: Part,
    name: str,
    goal: Goal,
    time_left: float,
    say: Logger,
    status: SolveStatus,
) -> tuple[SolveStatus, int, int]:
    """No plan at all within the part's share: without one the whole has
    none, so take a fair part of what is left before the deadline: any plan
    first, without the goal (CP-SAT finds one much sooner so), then the goal
    from it with what remains."""
    value, bound = 0, 0
    rest = (task.deadline - time.time()) * task.rescue_share
    if rest > 0.5:
        say(
            _("  {goal} {part}: no plan in {left:.1f}s, {rest:.1f}s more").format(
                goal=name, part=task.label, left=time_left, rest=rest
            )
        )
        rescue = time.perf_counter()
        status = part.any_plan(rest)
        if part.chosen is not None:
            left = max(rest - (time.perf_counter() - rescue), 0.1)
            offset = time.time() - task.origin
            status, value, bound = part.optimise(goal, left, say, offset)
    return status, value, bound


def _complete(part: Part, planned: set[Exchange], levels: Sequence[str]) -> list[int] | None:
    """Every variable's value for the plan ``planned`` (decisions fixed,
    helpers such as covered units at their best for the first of ``levels``),
    or None if the plan breaks a rule of the part's model."""
    # A commitment is a constant of the model, never its decision (a
    # decision equal to it is switched off by ONE-PLACE).
    planned = planned - {lk.exchange for lk in part.built.variables.locked}
    chosen = [cand.exchange() in planned for cand in part.built.variables.candidates]
    goal = next((g for name in levels if (g := part.goal(name)) is not None), None)
    status, _model, solver = _solve_fixed(part, chosen, goal)
    return list(solver.response_proto.solution) if status.has_plan else None


def _current(part: Part, goal: Goal) -> tuple[int, int]:
    """The best value of ``goal`` for the part's current plan, and its bound."""
    assert part.chosen is not None
    status, copy, solver = _solve_fixed(part, part.chosen, goal)
    if not status.has_plan:  # the plan's own decisions always make a plan
        raise RuntimeError(f"{goal.name}: the plan so far has no value ({status.value})")
    return solver.value(goal.expr), exact_bound(solver, copy)


def _solve_fixed(
    part: Part, chosen: Sequence[bool], goal: Goal | None
) -> tuple[SolveStatus, cp_model.CpModel, cp_model.CpSolver]:
    """The part's model with every decision fixed to ``chosen`` and ``goal``
    optimised over the helper variables alone (covered units, the fairness
    floor), which is immediate; in a copy, the model itself is left as is."""
    copy = part.built.model.clone()
    copy.clear_hints()
    for cand, on in zip(part.built.variables.candidates, chosen, strict=True):
        copy.add(copy.get_bool_var_from_proto_index(cand.var.index) == int(on))
    if goal is not None:
        aim(copy, goal)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    return STATUS[solver.solve(copy)], copy, solver


def exact_bound(solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
    """The solver's proven bound on the objective of ``model``, exactly: the
    integer bound CP-SAT keeps inside (its float ``best_objective_bound``
    rounds beyond 2^53), with the objective's offset and sense put back."""
    objective = model.proto.objective
    sense = -1 if objective.scaling_factor < 0 else 1
    inner = solver.response_proto.inner_objective_lower_bound
    return sense * (inner + round(objective.offset))


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
                    exact_decimal(Fraction(amount) / posted.scale),
                )
            )
    return out
