"""Independent parts, their stages and FAIR's waves.

Groups that share nothing (no budget that costs money, no commitment across
groups) are independent: each is its own model, and the levels are combined
exactly. A sum goal (COVER, PREFER, COST, ...) is optimal for the whole
exactly when it is optimal for every group, so each group fixes its own
optimum; FAIR is the minimum over member schools, so the whole's optimum is
the smallest of the groups' optima, and every group then keeps at least that.

:class:`Stages` holds what the parts have reached between stages and makes
each stage's tasks (:class:`planner.model.levels.Task`); a
:class:`planner.model.pool.Runner` runs them.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import replace
from fractions import Fraction

from planner.data import Exchange, Plan, Scenario
from planner.i18n import _
from planner.model.levels import Level, Outcome, Task
from planner.model.objective import FAIR_SCALE, PricedLimit, Prices, as_fraction
from planner.model.params import SolveParams
from planner.model.pool import Runner
from planner.model.quantities import exact_decimal, time_and_work_shares
from planner.results import BoundSource, LevelResult, SolveResult, SolveStatus


def independent_parts(scenario: Scenario) -> list[Scenario]:
    """The scenario split by group where groups share nothing, else itself.

    A budget that costs money couples all groups (one fund), and so would a
    commitment to another group's school (a MEMBERSHIP conflict the whole
    model must report).
    """
    if shared_fund(scenario):
        return [scenario]
    return split_by_group(scenario) or [scenario]


def shared_fund(scenario: Scenario) -> bool:
    """Whether a budget that costs money ties the groups together."""
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
                mutual=tuple(m for m in scenario.mutual if m.to_school in ids),
                commitments=[c for c in scenario.commitments if c.staff_id in staff_ids],
                published=[e for e in scenario.published if e.staff_id in staff_ids],
                history=[e for e in scenario.history if e.staff_id in staff_ids],
                bans=tuple(b for b in scenario.bans if b.staff_id in staff_ids),
            )
        )
    return parts


class Stages:
    """The parts of one solve and what each has reached between stages.

    ``last`` is each part's last outcome, ``reached`` every level it reached,
    ``fixed`` the levels (and values) its next task keeps; ``result`` gathers
    the model sizes and messages.
    """

    def __init__(self, pieces: list[Scenario], params: SolveParams, processes: int) -> None:
        self.pieces = pieces
        self.params = params
        self.quiet = replace(params, log=None)  # a task's params: no logger across processes
        self.processes = processes
        self.started = time.perf_counter()
        self.deadline = time.time() + params.time_limit
        self.labels = [p.groups[0].group_id if len(pieces) > 1 else "" for p in pieces]
        self.result = SolveResult(status=SolveStatus.UNKNOWN, plan=Plan(()), objective={})
        self.last: list[Outcome | None] = [None] * len(pieces)
        self.reached: list[list[Level]] = [[] for _piece in pieces]
        self.fixed: list[list[tuple[str, int]]] = [[] for _piece in pieces]
        self.skipped_levels: list[str] = []  # levels no part reached before the time limit
        self.work_done = 0.0  # deterministic work used so far, summed over parts
        # Names the parts' models in a ModelCache: this solve's own, should
        # a process ever serve more than one solve.
        self.solve_id = uuid.uuid4().hex
        # Limits every task posts (valid cuts, from the fund's prices).
        self.limits: tuple[PricedLimit, ...] = ()

    @property
    def everyone(self) -> list[int]:
        return list(range(len(self.pieces)))

    def time_left(self) -> float:
        return self.params.time_limit - (time.perf_counter() - self.started)

    def tasks(
        self,
        indices: list[int],
        levels: list[str],
        cap: int | None = None,
        plan_hint: tuple[Exchange, ...] = (),
    ) -> list[Task]:
        """A task per part in ``indices`` to optimise ``levels``, sharing the
        time and work left."""
        params = self.params
        remaining = max(self.time_left(), 0.0)
        work_left = (
            None if params.work_limit is None else max(params.work_limit - self.work_done, 0.0)
        )
        parts = [self.pieces[i] for i in indices]
        shares = time_and_work_shares(parts, self.processes, remaining, work_left)
        out = []
        for i, (seconds, work) in zip(indices, shares, strict=True):
            previous = self.last[i]
            out.append(
                Task(
                    index=i,
                    scenario=self.pieces[i],
                    params=self.quiet,
                    label=self.labels[i],
                    fixed=tuple(self.fixed[i]),
                    levels=tuple(levels),
                    hint=previous.solution if previous is not None else (),
                    budget=seconds,
                    work=work,
                    deadline=self.deadline,
                    origin=self.deadline - params.time_limit,
                    cap=cap,
                    plan_hint=plan_hint if previous is None else (),
                    model_key=f"{self.solve_id} part {i}",
                    limits=self.limits,
                )
            )
        return out

    def side_task(
        self,
        index: int,
        scenario: Scenario,
        label: str,
        levels: tuple[str, ...],
        budget: float,
        work: float | None,
        *,
        hint: tuple[int, ...] = (),
        plan_hint: tuple[Exchange, ...] = (),
        model_key: str = "",
        prices: Prices = (),
    ) -> Task:
        """A task beside the stages (a group's hint, price or pair solve):
        no level fixed, this solve's deadline."""
        return Task(
            index=index,
            scenario=scenario,
            params=self.quiet,
            label=label,
            fixed=(),
            levels=levels,
            hint=hint,
            budget=budget,
            work=work,
            deadline=self.deadline,
            origin=self.deadline - self.params.time_limit,
            plan_hint=plan_hint,
            model_key=model_key,
            prices=prices,
        )

    def absorb(self, outcomes: list[Outcome]) -> SolveStatus | None:
        """Keep each part's outcome; the status of the first part without a plan."""
        result = self.result
        for outcome in outcomes:
            self.work_done += outcome.work_used
            for message in outcome.messages:
                if message not in result.messages:
                    result.messages.append(message)
            if outcome.failed is not None:
                return outcome.failed
            if outcome.build_seconds and self.last[outcome.index] is None:
                result.build_seconds += outcome.build_seconds
                result.num_variables += outcome.num_variables
                result.num_constraints += outcome.num_constraints
            self.last[outcome.index] = outcome
            self.reached[outcome.index].extend(outcome.levels)
            for level in outcome.levels:
                if level.name != "FAIR":
                    self.fixed[outcome.index].append((level.name, level.value))
        return None

    def run(
        self,
        runner: Runner,
        indices: list[int],
        levels: list[str],
        cap: int | None = None,
        plan_hint: tuple[Exchange, ...] = (),
    ) -> SolveStatus | None:
        """One stage: the tasks run and their outcomes kept."""
        return self.absorb(runner.run(self.tasks(indices, levels, cap, plan_hint)))


def run_stages(
    stages: Stages, runner: Runner, order: list[str], hint: tuple[Exchange, ...] = ()
) -> SolveStatus | None:
    """The levels before FAIR, FAIR in waves, the levels after FAIR; the
    status of the first part left without a plan, if any."""
    if "FAIR" in order:
        before, after = order[: order.index("FAIR")], order[order.index("FAIR") + 1 :]
    else:
        before, after = order, []
    failed: SolveStatus | None = None
    if before:
        failed = stages.run(runner, stages.everyone, before, plan_hint=hint)
    if failed is None and "FAIR" in order:
        failed = fair_waves(stages, runner)
    if failed is None and after and stages.time_left() > 0.05:
        failed = stages.run(runner, stages.everyone, after)
    elif failed is None and after:
        stages.result.messages.append(
            _("time limit reached before {goal} was optimised").format(goal=after[0])
        )
        stages.skipped_levels.extend(after)
    return failed


def fair_waves(stages: Stages, runner: Runner) -> SolveStatus | None:
    """FAIR over independent parts: the whole's value is the smallest part's.

    Wave 1 solves the part most likely to be the smallest: the one whose
    plan so far leaves a member school with the lowest ratio; it is capped
    at the smallest share of needs covered of any part, which no part's
    lowest ratio can exceed. Wave 2 caps every other part at wave 1's
    value, so a part that can reach it stops there. The whole keeps the
    smallest value reached, and every part is then held to it.
    """
    pieces = stages.pieces
    with_needs = [i for i, p in enumerate(pieces) if any(n.count > 0 for n in p.all_needs)]
    if not with_needs:
        return None
    # The whole's FAIR is at most every part's share; the part whose plan so
    # far has the lowest school ratio is the likeliest to decide it.
    ceiling = min(_cover_share(pieces[i], stages.reached[i]) for i in with_needs)
    first = min(with_needs, key=lambda i: (_lowest_now(stages.last[i]), i))
    failed = stages.run(runner, [first], ["FAIR"], ceiling)
    if failed is not None:
        return failed
    cap = _fair_value(stages.reached[first])
    others = [i for i in range(len(pieces)) if i != first]
    if others:
        failed = stages.run(runner, others, ["FAIR"], cap)
        if failed is not None:
            return failed
    values = [v for i in range(len(pieces)) if (v := _fair_value(stages.reached[i])) is not None]
    if values:
        whole = min(values)
        for i in range(len(pieces)):
            if _fair_value(stages.reached[i]) is not None:
                stages.fixed[i].append(("FAIR", whole))
    return None


def _cover_share(piece: Scenario, reached: list[Level]) -> int:
    """The part's coverage as a share of its needs, in FAIR units: its
    lowest school ratio cannot exceed that weighted average."""
    wanted = sum(
        (Fraction(n.priority) * n.count for n in piece.all_needs if n.count > 0), Fraction(0)
    )
    cover = [lv for lv in reached if lv.name == "COVER"]
    if not cover or not wanted:
        return FAIR_SCALE
    return math.floor(FAIR_SCALE * as_fraction(cover[-1].value, cover[-1].scale) / wanted)


def _lowest_now(outcome: Outcome | None) -> int:
    """The lowest school ratio of the part's plan so far (FAIR units)."""
    ratio = outcome.lowest_ratio if outcome is not None else None
    return FAIR_SCALE if ratio is None else ratio


def _fair_value(levels: list[Level]) -> int | None:
    fair = [lv.value for lv in levels if lv.name == "FAIR"]
    return fair[-1] if fair else None


def combine(
    result: SolveResult, order: list[str], reached: list[list[Level]], unfinished: set[str]
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
        values = [as_fraction(lv.value, lv.scale) for lv in levels]
        bounds = [as_fraction(lv.bound, lv.scale) for lv in levels]
        if name == "FAIR":
            total, total_bound = min(values), min(bounds)
        else:
            total, total_bound = sum(values, Fraction()), sum(bounds, Fraction())
        status = (
            SolveStatus.OPTIMAL
            if all(lv.status is SolveStatus.OPTIMAL for lv in levels) and name not in unfinished
            else SolveStatus.FEASIBLE
        )
        seconds = sum(lv.seconds for lv in levels)
        sense = levels[0].sense
        # Bounds from elsewhere than the model come only to a whole of one part.
        source = levels[0].source if len(levels) == 1 else BoundSource.MODEL
        result.levels.append(
            LevelResult(
                name,
                sense,
                exact_decimal(total),
                exact_decimal(total_bound),
                status,
                seconds,
                source,
            )
        )
