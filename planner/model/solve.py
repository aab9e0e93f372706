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
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ortools.sat.python import cp_model

from planner.data import Exchange, Plan, Scenario
from planner.model.constraints import Constraints
from planner.model.objective import Goal, Objective, as_decimal
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

    Defaults were chosen by measurement (``benchmarks/bench.py``) on the
    2-core machines: one worker with CP-SAT's full LP linearization
    (``linearization_level`` 2) proves the built-in scenario fastest and is
    deterministic by construction; with more workers ``interleave`` keeps
    the parallel search deterministic. A run that stops at ``time_limit`` is
    reproducible only if it stops at the same point, so the time limit is a
    safety net, not the normal way to stop.
    """

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 1
    interleave: bool = True
    decompose: bool = True
    linearization_level: int = 2
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


def _solver(params: SolveParams, time_left: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(time_left, 0.01)
    p.random_seed = params.seed
    p.num_workers = params.workers
    p.linearization_level = params.linearization_level
    if params.workers > 1 and params.interleave:
        p.interleave_search = True
    for key, value in params.extra.items():
        setattr(p, key, value)
    return solver


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
    policy = scenario.policy
    if scenario.budget and (policy.cost_teacher or policy.cost_cadre):
        return [scenario]
    if len(scenario.groups) < 2:
        return [scenario]
    group_of_school = {s.school_id: s.group_id for s in scenario.schools}
    group_of_staff = {p.staff_id: group_of_school.get(p.school_id) for p in scenario.staff}
    for c in scenario.commitments:
        if group_of_staff.get(c.staff_id) != group_of_school.get(c.school_id):
            return [scenario]
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


class _Part:
    """One independent model, optimised level by level."""

    def __init__(self, scenario: Scenario, params: SolveParams, built: BuiltModel) -> None:
        self.scenario = scenario
        self.params = params
        self.built = built
        self.chosen: list[bool] | None = None
        self.solution: list[int] = []
        self.shortfalls: list[Shortfall] = []
        self.goals: dict[str, Goal] = {}
        self.part_of_many = False

    def goal(self, name: str) -> Goal | None:
        if name not in self.goals:
            goal = self.built.objective.goal(name)
            if goal is None:
                return None
            self.goals[name] = goal
        return self.goals[name]

    def optimise(
        self, goal: Goal, time_left: float, log: Logger, offset: float
    ) -> tuple[SolveStatus, int, int]:
        model = self.built.model
        if self.chosen is None:
            # First any plan at all, without an objective: quotas, capacities
            # and CORE-KEEP make a first plan the hard part, and CP-SAT finds
            # one much sooner without an objective; it then hints the search.
            started = time.perf_counter()
            model.clear_objective()
            solver = _solver(self.params, time_left / 2)
            first = _STATUS[solver.solve(model)]
            if first is SolveStatus.INFEASIBLE or first is SolveStatus.MODEL_INVALID:
                return first, 0, 0
            if first.has_plan:
                self._keep(solver)
            time_left -= time.perf_counter() - started
        if goal.sense == "max":
            model.maximize(goal.expr)
        else:
            model.minimize(goal.expr)
        if self.solution:
            # Hint every variable of the last plan (a complete hint is checked
            # first and becomes the starting solution); variables made since,
            # such as a new goal's helpers, CP-SAT completes itself.
            model.clear_hints()
            for index, value in enumerate(self.solution):
                model.add_hint(model.get_int_var_from_proto_index(index), value)
        solver = _solver(self.params, time_left)
        label = self.scenario.groups[0].group_id if self.part_of_many else ""
        progress = _Progress(goal, log, offset, label) if self.params.log else None
        status = _STATUS[solver.solve(model, progress)]
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

    def _keep(self, solver: cp_model.CpSolver) -> None:
        """Remember the solver's plan: decisions, every value (for hints), shortfalls."""
        self.chosen = [bool(solver.boolean_value(c.var)) for c in self.built.variables.candidates]
        self.solution = list(solver.response_proto.solution)
        self.shortfalls = _shortfalls(self.built, solver)

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


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    constrain: Callable[[Variables], None] | None = None,
) -> SolveResult:
    """Solve ``scenario`` under its policy; never raises for an infeasible one.

    ``constrain`` may add constraints over the decisions before solving
    (``planner explain`` forbids or forces one person's exchanges with it);
    with independent groups it is called once for each group's model.
    """
    params = params or SolveParams()
    log = params.log or (lambda _msg: None)
    pieces = independent_parts(scenario) if params.decompose else [scenario]
    parts: list[_Part] = []
    for piece in pieces:
        built = build_model(piece, relax=params.relax)
        if constrain is not None:
            constrain(built.variables)
        parts.append(_Part(piece, params, built))
    for part in parts:
        part.part_of_many = len(parts) > 1
    result = SolveResult(
        status=SolveStatus.UNKNOWN,
        plan=Plan(()),
        objective={},
        build_seconds=sum(p.built.seconds for p in parts),
        num_variables=sum(len(p.built.model.proto.variables) for p in parts),
        num_constraints=sum(len(p.built.model.proto.constraints) for p in parts),
    )
    log(
        f"model: {sum(len(p.built.variables.candidates) for p in parts)} possible exchanges, "
        f"{result.num_variables} variables, {result.num_constraints} constraints"
        + (f" in {len(parts)} independent parts" if len(parts) > 1 else "")
        + f", built in {result.build_seconds:.2f}s"
    )
    order = goal_order(scenario, relaxed=bool(params.relax))
    started = time.perf_counter()
    all_proven = True
    solved_once = False
    for name in order:
        active = [(part, part.goal(name)) for part in parts]
        todo = [(part, goal) for part, goal in active if goal is not None]
        if not todo:
            continue
        level_start = time.perf_counter()
        if solved_once and params.time_limit - (level_start - started) <= 0.05:
            result.messages.append(f"time limit reached before {name} was optimised")
            all_proven = False
            break
        values: list[int] = []
        bounds: list[int] = []
        statuses: list[SolveStatus] = []
        for k, (part, goal) in enumerate(todo):
            elapsed = time.perf_counter() - started
            # Share what is left among the parts still to solve at this level,
            # by size; a part that finishes early leaves its time to the next.
            sizes = [len(p.built.variables.candidates) + 1 for p, _ in todo[k:]]
            budget = (params.time_limit - elapsed) * sizes[0] / sum(sizes)
            if name == "FAIR" and values:
                # Only the smallest part optimum matters: capping z (a lower
                # bound on every school's ratio, nothing more) at the smallest
                # so far lets the other parts stop as soon as they reach it.
                part.built.model.add(goal.expr <= min(values))
            status, value, bound = part.optimise(goal, budget, log, elapsed)
            if not status.has_plan and part.chosen is None:
                result.status = status
                result.levels.append(
                    LevelResult(
                        name, goal.sense, None, None, status, time.perf_counter() - level_start
                    )
                )
                result.solve_seconds = time.perf_counter() - started
                if status is SolveStatus.UNKNOWN:
                    result.messages.append(
                        f"no plan found within {params.time_limit:g}s and infeasibility not proven"
                    )
                return result
            if not status.has_plan:  # ran out of time: keep the plan so far
                result.messages.append(
                    f"{name}: no better plan found in time; kept the plan so far"
                )
                value = _current(part, goal)[0]
                # Nothing proven beyond the sense's trivial bound.
                bound = goal.upper if goal.sense == "max" else 0
                status = SolveStatus.FEASIBLE
            if len(parts) > 1:
                log(
                    f"  {name} {part.scenario.groups[0].group_id}: {status.value} "
                    f"{as_decimal(value, goal.scale)} "
                    f"in {time.perf_counter() - started - elapsed:.1f}s"
                )
            statuses.append(status)
            values.append(value)
            bounds.append(bound)
        solved_once = True
        sense = todo[0][1].sense
        # Parts may scale a goal differently (priorities, money): combine in
        # the goal's own unit, fix each part in its own integers.
        own_values = [as_decimal(v, g.scale) for v, (_, g) in zip(values, todo, strict=True)]
        own_bounds = [as_decimal(b, g.scale) for b, (_, g) in zip(bounds, todo, strict=True)]
        if name == "FAIR":  # the minimum over member schools: the smallest part decides
            total, total_bound = min(own_values), min(own_bounds)
            for part, goal in todo:
                part.fix(goal, min(values))  # FAIR_SCALE is common to all parts
        else:
            total, total_bound = sum(own_values, Decimal(0)), sum(own_bounds, Decimal(0))
            for (part, goal), own in zip(todo, values, strict=True):
                part.fix(goal, own)
        status = (
            SolveStatus.OPTIMAL
            if all(s is SolveStatus.OPTIMAL for s in statuses)
            else SolveStatus.FEASIBLE
        )
        all_proven = all_proven and status is SolveStatus.OPTIMAL
        seconds = time.perf_counter() - level_start
        result.levels.append(LevelResult(name, sense, total, total_bound, status, seconds))
        log(f"{name}: {status.value}, {total} (bound {total_bound}) in {seconds:.1f}s")
    result.plan = Plan.of(e for part in parts for e in part.exchanges())
    result.shortfalls = [s for part in parts for s in part.shortfalls]
    result.status = SolveStatus.OPTIMAL if all_proven else SolveStatus.FEASIBLE
    result.solve_seconds = time.perf_counter() - started
    for level in result.levels:
        result.objective[OBJECTIVE_KEYS[level.name]] = level.value
        if level.name == "COVER":
            result.objective["coverage_bound"] = level.bound
    return result


def _current(part: _Part, goal: Goal) -> tuple[int, int]:
    """The best value of ``goal`` for the part's current plan, and its bound.

    The decisions are fixed to the plan in a copy of the model and the goal
    optimised over the helper variables alone (covered units, the fairness
    floor), which is immediate.
    """
    assert part.chosen is not None
    copy = part.built.model.clone()
    copy.clear_hints()
    for cand, on in zip(part.built.variables.candidates, part.chosen, strict=True):
        copy.add(copy.get_bool_var_from_proto_index(cand.var.index) == int(on))
    if goal.sense == "max":
        copy.maximize(goal.expr)
    else:
        copy.minimize(goal.expr)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    solver.solve(copy)
    return round(solver.objective_value), round(solver.best_objective_bound)


def _shortfalls(built: BuiltModel, solver: cp_model.CpSolver) -> list[Shortfall]:
    """Relaxed rule instances that fall short in the solver's plan."""
    out: list[Shortfall] = []
    for posted in built.constraints.posted:
        if posted.shortfall is None:
            continue
        amount = solver.value(posted.shortfall)
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
