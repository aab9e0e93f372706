"""Build the CP-SAT model of a scenario and solve it lexicographically.

Goals are taken in the policy's ``objective_order`` (COVER, FAIR, PREFER,
COST by default): solve for the first, fix the level reached, solve for the
next with the previous plan as a hint, and so on. Each level is reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ortools.sat.python import cp_model

from planner.data import Plan, Scenario
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
}


@dataclass(frozen=True)
class SolveParams:
    """Solver settings. Same scenario, seed and workers: same plan.

    ``interleave`` makes CP-SAT's parallel search deterministic; a run that
    stops at ``time_limit`` is reproducible only if it stops at the same
    point, so the time limit is a safety net, not the normal way to stop.
    """

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 8
    interleave: bool = True
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

    def __init__(self, goal: Goal, log: Logger, offset: float) -> None:
        super().__init__()
        self.goal = goal
        self.log = log
        self.offset = offset

    def on_solution_callback(self) -> None:
        value = as_decimal(self.objective_value, self.goal.scale)
        bound = as_decimal(self.best_objective_bound, self.goal.scale)
        self.log(
            f"  [{self.goal.name}] {self.offset + self.wall_time:6.1f}s  "
            f"best {value}  bound {bound}"
        )


def _solver(params: SolveParams, time_left: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(time_left, 0.01)
    p.random_seed = params.seed
    p.num_workers = params.workers
    if params.workers > 1 and params.interleave:
        p.interleave_search = True
    for key, value in params.extra.items():
        setattr(p, key, value)
    return solver


def solve(scenario: Scenario, params: SolveParams | None = None) -> SolveResult:
    """Solve ``scenario`` under its policy; never raises for an infeasible one."""
    params = params or SolveParams()
    log = params.log or (lambda _msg: None)
    built = build_model(scenario, relax=params.relax)
    model, objective = built.model, built.objective
    order = (["SHORTFALL", "OVERSPEND"] if params.relax else []) + list(
        scenario.policy.objective_order
    )
    goals = [g for g in (objective.goal(name) for name in order) if g is not None]
    if not goals:  # an order without COVER and nothing else to optimise
        goals = [objective.cover()]
    proto = model.proto
    result = SolveResult(
        status=SolveStatus.UNKNOWN,
        plan=Plan(()),
        objective={},
        build_seconds=built.seconds,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
    )
    log(
        f"model: {len(built.variables.candidates)} possible exchanges, "
        f"{result.num_variables} variables, {result.num_constraints} constraints, "
        f"built in {built.seconds:.2f}s"
    )
    started = time.perf_counter()
    chosen: list[bool] | None = None
    shortfalls: list[Shortfall] = []
    all_proven = True
    for index, goal in enumerate(goals):
        elapsed = time.perf_counter() - started
        time_left = params.time_limit - elapsed
        if index > 0 and time_left <= 0.05:
            result.messages.append(f"time limit reached before {goal.name} was optimised")
            all_proven = False
            break
        if goal.sense == "max":
            model.maximize(goal.expr)
        else:
            model.minimize(goal.expr)
        if chosen is not None:
            model.clear_hints()
            for cand, on in zip(built.variables.candidates, chosen, strict=True):
                model.add_hint(cand.var, on)
        solver = _solver(params, time_left)
        code = solver.solve(model, _Progress(goal, log, elapsed) if params.log else None)
        status = _STATUS[code]
        seconds = time.perf_counter() - started - elapsed
        if not status.has_plan:
            if index == 0:
                result.status = status
                result.levels.append(
                    LevelResult(goal.name, goal.sense, None, None, status, seconds)
                )
                result.solve_seconds = time.perf_counter() - started
                if status is SolveStatus.UNKNOWN:
                    result.messages.append(
                        f"no plan found within {params.time_limit:g}s and infeasibility not proven"
                    )
                return result
            result.messages.append(
                f"{goal.name}: no improvement proven in time; kept the plan so far"
            )
            all_proven = False
            break
        value = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        result.levels.append(
            LevelResult(
                goal.name,
                goal.sense,
                as_decimal(value, goal.scale),
                as_decimal(bound, goal.scale),
                status,
                seconds,
            )
        )
        log(
            f"{goal.name}: {status.value}, {as_decimal(value, goal.scale)} "
            f"(bound {as_decimal(bound, goal.scale)}) in {seconds:.1f}s"
        )
        if status is not SolveStatus.OPTIMAL:
            all_proven = False
        chosen = [bool(solver.boolean_value(c.var)) for c in built.variables.candidates]
        shortfalls = _shortfalls(built, solver)
        # Fix the level reached before optimising the next goal.
        if goal.sense == "max":
            model.add(goal.expr >= value)
        else:
            model.add(goal.expr <= value)
    assert chosen is not None
    result.shortfalls = shortfalls
    exchanges = [lk.exchange for lk in built.variables.locked]
    exchanges += [
        c.exchange() for c, on in zip(built.variables.candidates, chosen, strict=True) if on
    ]
    result.plan = Plan.of(exchanges)
    result.status = SolveStatus.OPTIMAL if all_proven else SolveStatus.FEASIBLE
    result.solve_seconds = time.perf_counter() - started
    for level in result.levels:
        result.objective[OBJECTIVE_KEYS[level.name]] = level.value
        if level.name == "COVER":
            result.objective["coverage_bound"] = level.bound
    if "coverage" not in result.objective:
        result.objective["coverage"] = Decimal(0)
    return result


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
                Shortfall(inst.rule, inst.group_id, inst.year, inst.scope,
                          Decimal(amount) / Decimal(posted.scale))
            )
    return out
