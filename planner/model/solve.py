"""Build the CP-SAT model of a scenario and solve it lexicographically.

Goals are taken in the policy's ``objective_order`` (COVER, FAIR, PREFER,
COST by default): solve for the first, fix the level reached, solve for the
next with the previous plan as a hint, and so on. Each level is reported.

Groups that share nothing are independent parts, each its own model
(:mod:`planner.model.decompose`), solved in stages, each stage a task per
part that may run in its own process (``SolveParams.processes``,
:mod:`planner.model.pool`) or on a Dask cluster (``SolveParams.scheduler``,
:mod:`planner.model.cluster`):

1. the levels before FAIR, every part on its own;
2. FAIR in two waves: first the part whose coverage leaves it the lowest
   possible ratio, then every other part with its ratio capped at that
   part's optimum (a part that reaches the cap has shown it is not the
   minimum; only parts below it need their own optimum);
3. the levels after FAIR, every part keeping the whole's FAIR.

A task (:mod:`planner.model.levels`) takes its part's model as built (kept
from an earlier stage by the process that solves it, else built anew), fixes
the levels reached so far and starts from the last plan as a complete hint. The
stages, waves and hints do not depend on how many processes run them, so the
plan does not either: same scenario, seed and workers, same plan, locally
or on a cluster.
"""

from __future__ import annotations

import time

from planner.data import Plan, Scenario
from planner.i18n import N_, _, ngettext, rule_label
from planner.model import domain
from planner.model.decompose import (
    Stages,
    combine,
    independent_parts,
    run_stages,
    shared_fund,
    split_by_group,
)
from planner.model.fund import FundStart, fund_hint, tighten_cover_bound
from planner.model.levels import BuiltModel, Constrain, build_model
from planner.model.params import Logger, SolveParams
from planner.model.pool import Runner, default_processes
from planner.model.ranges import range_problems
from planner.problems import Problem, ScenarioError
from planner.results import SolveResult, SolveStatus
from planner.rules import Rule

__all__ = [
    "OBJECTIVE_KEYS",
    "BuiltModel",
    "Logger",
    "SolveParams",
    "build_model",
    "goal_order",
    "solve",
]

# The log's line for each goal level reached (planner.web.jobs reads it back).
SUMMARY_LINE = N_("{goal}: {status}, {value} (bound {bound}) in {seconds:.1f}s")

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


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    constrain: Constrain | None = None,
) -> SolveResult:
    """Solve ``scenario`` under its policy; never raises for an infeasible one.

    Raises :class:`planner.problems.ScenarioError` before building a model
    if a number of the scenario is beyond what CP-SAT holds exactly
    (:mod:`planner.model.ranges`).

    ``constrain`` may add constraints over the decisions before solving
    (``planner explain`` forbids or forces one person's exchanges with it);
    with independent groups it is called for each group's model, and the
    parts are then solved in this process.
    """
    params = params or SolveParams()
    log = params.log
    pieces = independent_parts(scenario) if params.decompose else [scenario]
    order = goal_order(scenario, relaxed=bool(params.relax))
    refuse_out_of_range(pieces, order, params.relax)
    # Groups that share only a fund: solved on their own first, for a hint.
    coupled = (
        split_by_group(scenario)
        if params.decompose and constrain is None and shared_fund(scenario)
        else None
    )
    units = len(coupled) if coupled else len(pieces)
    processes = 1 if constrain is not None else params.processes or default_processes(units)
    processes = max(1, min(processes, units))
    with Runner(processes, log, constrain, params.scheduler, units) as runner:
        stages = Stages(pieces, params, runner.processes)
        if log is not None:
            parts = ngettext(
                "solving {n} independent part", "solving {n} independent parts", len(pieces)
            ).format(n=len(pieces))
            if runner.processes > 1:
                parts += _(" in {processes} processes").format(processes=runner.processes)
            if runner.client is not None:
                parts += _(" on Dask {scheduler}").format(scheduler=params.scheduler)
            log(parts)
        start = _start(stages, scenario, coupled, runner)
        # The cuts keep every plan at least as good on COVER: only where
        # COVER comes first (not after a relaxed run's shortfalls, nor after
        # a goal a policy puts before it).
        stages.limits = start.limits if order[0] == "COVER" else ()
        failed = run_stages(stages, runner, order, start.hint)
    result = stages.result
    result.solve_seconds = time.perf_counter() - stages.started - result.build_seconds
    if failed is not None or any(outcome is None for outcome in stages.last):
        result.status = failed or SolveStatus.UNKNOWN
        if result.status is SolveStatus.UNKNOWN:
            result.messages.append(
                _("no plan found within {limit:g}s and infeasibility not proven").format(
                    limit=params.time_limit
                )
            )
        return result
    tighten_cover_bound(stages, start)
    _assemble(stages, order)
    _report(result, log)
    for c in domain.banned_commitments(scenario):
        result.messages.append(
            _(
                "{ban}: the commitment {staff} {school} {start}-{end} goes against a ban and is "
                "kept as the rule says (a ban binds new decisions only)."
            ).format(
                ban=rule_label(Rule.BAN),
                staff=c.staff_id,
                school=c.school_id,
                start=c.start_year,
                end=c.end_year,
            )
        )
    return result


def _start(
    stages: Stages, scenario: Scenario, coupled: list[Scenario] | None, runner: Runner
) -> FundStart:
    """What the stages start from: the groups' plan, bound and cuts for a
    shared fund; a replan's published plan; else nothing."""
    if coupled:
        return fund_hint(stages, scenario, coupled, runner)
    if scenario.published:
        # A replan starts from the published plan where it still keeps
        # every rule: often still optimal, and then STABLE has nothing
        # to change (Part.optimise keeps a plan at its goal's floor).
        return FundStart(hint=tuple(scenario.published))
    return FundStart()


def refuse_out_of_range(pieces: list[Scenario], order: list[str], relax: frozenset[str]) -> None:
    """Raise ScenarioError naming every number CP-SAT could not hold exactly
    in the models of ``pieces`` (each piece is its own model)."""
    problems: list[Problem] = []
    for piece in pieces:
        for problem in range_problems(piece, order, relax):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise ScenarioError(problems)


def _assemble(stages: Stages, order: list[str]) -> None:
    """The whole's plan, shortfalls, levels and status from the parts'."""
    result = stages.result
    outcomes = [o for o in stages.last if o is not None]
    unfinished = set(stages.skipped_levels)
    for outcome in outcomes:
        if outcome.skipped:
            unfinished.update(order[order.index(outcome.skipped) :])
            note = _("time limit reached before {goal} was optimised").format(goal=outcome.skipped)
            if note not in result.messages:
                result.messages.append(note)
    combine(result, order, stages.reached, unfinished)
    result.plan = Plan.of(e for o in outcomes for e in o.exchanges)
    result.shortfalls = [s for o in outcomes for s in o.shortfalls]
    proven = not unfinished and all(lv.status is SolveStatus.OPTIMAL for lv in result.levels)
    result.status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE


def _report(result: SolveResult, log: Logger | None) -> None:
    """Each level's value in the result's objective, and in the log."""
    for level in result.levels:
        result.objective[OBJECTIVE_KEYS[level.name]] = level.value
        if level.name == "COVER":
            result.objective["coverage_bound"] = level.bound
    if log is not None:
        for level in result.levels:
            log(
                _(SUMMARY_LINE).format(
                    goal=level.name,
                    status=level.status.label(),
                    value=level.value,
                    bound=level.bound,
                    seconds=level.seconds,
                )
            )
