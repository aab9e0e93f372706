"""A fund shared by groups: a first plan, a bound and cuts for the whole
model, from the groups.

A budget that costs money couples every group (one fund per year), so
:mod:`planner.model.solve` solves one whole model; it starts from what is
made here, group by group, which is much cheaper:

1. :func:`fund_hint`: each group is solved for COVER without the fund (its
   model kept for the prices), the fund is split
   (:func:`planner.model.quantities.split_fund`) and each group is solved
   again within its share; the shares add up to at most the fund, so the
   union of the plans keeps every rule;
2. the fund's prices (:mod:`planner.model.prices`): rounds of a price per
   budget year, every group solved for COVER less the price of what it
   spends; the bound they give (Lagrangian), the best combination of the
   groups' plans within the fund, and cuts for the whole model;
3. :func:`improve`, while the prices have not settled: a large-neighbourhood
   search over pairs of groups. Each
   round pairs the groups (round-robin, the group that loses most coverage
   per money unit to the split with the one that loses least first), and
   each pair is solved again as one model of its two groups, within what
   the pair spends now plus a share of the unspent fund, from its current
   plans; a pair that covers more keeps its new plans. Pairs of a round are
   disjoint and their funds add up to at most what is left, so they may run
   at once, and the rounds stop by deterministic work (the same plan on any
   number of processes), by a round-robin without a gain, or by time;
4. :func:`tighten_cover_bound`: without the fund each group is a relaxation
   of its part of the whole, so the sum of the groups' COVER bounds from the
   first pass bounds the whole's COVER, and so does the prices' bound; the
   lower of the two, where it is at most the whole model's own bound, is
   reported instead (with its source), and proves a plan that reaches it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from planner.audit.context import AuditContext
from planner.audit.coverage import coverage
from planner.audit.goals import cover
from planner.data import BudgetRow, Exchange, Plan, Scenario
from planner.i18n import _, goal_label
from planner.model.decompose import Stages
from planner.model.levels import Level, Outcome, Task
from planner.model.objective import PricedLimit, Prices, as_decimal, as_fraction
from planner.model.pool import Runner
from planner.model.prices import (
    PRICE_GRID,
    PriceRounds,
    PriceSearch,
    alone_key,
    column,
    cuts,
    search_prices,
    spend,
    spend_by_year,
)
from planner.model.quantities import (
    exact_decimal,
    money_unit,
    priority_weights,
    split_fund,
    time_and_work_shares,
)
from planner.model.ranges import range_problems
from planner.results import BoundSource, SolveStatus

# Of the time limit, what each of the two passes of a fund hint may take.
FUND_HINT_SHARE = 0.1
# The least time a group gets in a pass, time limit allowing.
HINT_GROUP_SECONDS = 1.5
# Of the time limit, what the rounds of the fund's prices may take at most.
PRICE_TIME_SHARE = 0.55
# Of the time limit, what the pair rounds may take at most.
PAIR_TIME_SHARE = 0.3
# Of the time limit, the least a round of pairs may be given.
PAIR_ROUND_MIN_SHARE = 0.1
# Of the time limit, what the pair rounds leave the whole model at least.
WHOLE_TIME_SHARE = 0.4
# CP-SAT's deterministic work a pair's solve may use, per staff of the pair.
PAIR_WORK_PER_STAFF = 0.004
# The deterministic work all rounds may use, in rounds' worth (a round: every
# group in one pair, each pair at PAIR_WORK_PER_STAFF).
PAIR_ROUNDS_WORK = 6


@dataclass(frozen=True)
class FundStart:
    """What the groups give the whole model: a first plan (empty: none), an
    upper bound on its COVER (None: a group had no plan alone) and where
    the bound comes from, and the limits that keep the whole model's search
    where plans at least as good as the first can be."""

    hint: tuple[Exchange, ...] = ()
    bound: Fraction | None = None
    source: BoundSource = BoundSource.GROUPS
    limits: tuple[PricedLimit, ...] = ()


@dataclass
class Plans:
    """Each group's plan within the fund and its COVER (in COVER's unit)."""

    plans: list[list[Exchange]]
    cover: list[Fraction]

    @property
    def total(self) -> Fraction:
        return sum(self.cover, Fraction())

    def union(self) -> tuple[Exchange, ...]:
        return tuple(e for plan in self.plans for e in plan)


def fund_hint(
    stages: Stages, scenario: Scenario, groups: list[Scenario], runner: Runner
) -> FundStart:
    """A plan within a fund shared by ``groups``, from the groups on their
    own, the fund's prices and pairs of groups (empty if none is found in
    time), with the best bound the groups give and the whole model's cuts."""
    log = stages.params.log
    started = time.perf_counter()
    keys = [alone_key(stages, g) for g in range(len(groups))]
    alone = _hint_pass(stages, [replace(g, budget=[]) for g in groups], runner, keys)
    if alone is None:
        if log is not None:
            log(
                _("fund hint: none ({took:.1f}s); the whole model starts on its own").format(
                    took=time.perf_counter() - started
                )
            )
        return FundStart()
    # Without the fund each group is a relaxation of its part of the whole,
    # so the sum of their proven bounds bounds the whole's COVER.
    bound = sum((_cover_bound(o) for o in alone), Fraction())
    within = _within_shares(stages, scenario, groups, runner, alone)
    # At no price the groups' bound is the prices' first: a plan that
    # reaches it needs no rounds.
    search = PriceSearch(
        [[column(g, o.exchanges, _cover(o))] for g, o in zip(groups, alone, strict=True)],
        bound=bound,
        prices=tuple((row.year, Fraction(0)) for row in scenario.budget),
        group_bounds=[_cover_bound(o) for o in alone],
        step=1 / priority_weights(scenario.all_needs)[1],
    )
    if within is not None:
        for g, (group, o) in enumerate(zip(groups, within, strict=True)):
            search.columns[g].append(column(group, o.exchanges, _cover(o)))
        if log is not None:
            total = sum((_cover(o) for o in within), Fraction())
            log(
                _("fund hint: coverage {got} from {n} groups within shares ({took:.1f}s)").format(
                    got=exact_decimal(total), n=len(groups), took=time.perf_counter() - started
                )
            )
    # A relaxed run puts SHORTFALL and OVERSPEND before COVER: the groups'
    # plans (each solved for COVER alone) may fall short or overspend more
    # than the whole needs to, so neither prices nor cuts, which hold for
    # plans within the rules, only the groups' plan and bound.
    relaxed = bool(stages.params.relax)
    if not relaxed:
        first = _first_prices(scenario, alone, within) if within is not None else None
        seconds = stages.params.time_limit * PRICE_TIME_SHARE
        rounds = PriceRounds(stages, scenario, groups, runner, search, alone, seconds)
        search_prices(rounds, first)
    plans = _best_plans(within, search)
    if plans is None:
        return FundStart(bound=bound, source=BoundSource.GROUPS)
    if not search.proven and not search.settled:
        losses = (
            [_loss_per_money(scenario, a, w) for a, w in zip(alone, within, strict=True)]
            if within is not None
            else [Fraction(0)] * len(groups)
        )
        improve(stages, scenario, groups, runner, plans, losses)
    gids = [g.groups[0].group_id for g in groups]
    if relaxed:
        return FundStart(plans.union(), bound, BoundSource.GROUPS)
    if search.bound is None or search.bound >= bound:
        return FundStart(plans.union(), bound, BoundSource.GROUPS, cuts(search, gids, plans.total))
    if search.proven:
        total = plans.total
        return FundStart(plans.union(), total, BoundSource.PRICES, cuts(search, gids, total, total))
    return FundStart(
        plans.union(), search.bound, BoundSource.PRICES, cuts(search, gids, plans.total)
    )


def _within_shares(
    stages: Stages,
    scenario: Scenario,
    groups: list[Scenario],
    runner: Runner,
    alone: list[Outcome],
) -> list[Outcome] | None:
    """Each group's COVER within its share of the fund
    (:func:`planner.model.quantities.split_fund`); None if a group has no
    plan within its share in time, or no split exists."""
    shares = split_fund(scenario, groups, [o.exchanges for o in alone])
    if not shares:
        return None
    bounded = [replace(g, budget=b) for g, b in zip(groups, shares, strict=True)]
    # The shares' decimals may need larger integers than the whole's.
    if any(range_problems(b, ("COVER",)) for b in bounded):
        return None
    return _hint_pass(stages, bounded, runner)


def _first_prices(scenario: Scenario, alone: list[Outcome], within: list[Outcome]) -> Prices | None:
    """A first price for every budget year: what the groups' COVER lost to
    their shares per currency unit they gave up, all groups together (None
    if they gave up nothing)."""
    saved = sum(
        (
            spend(scenario, a.exchanges) - spend(scenario, w.exchanges)
            for a, w in zip(alone, within, strict=True)
        ),
        Decimal(0),
    )
    lost = sum((_cover(a) - _cover(w) for a, w in zip(alone, within, strict=True)), Fraction())
    if saved <= 0 or lost <= 0:
        return None
    price = Fraction(round(lost / Fraction(saved) * PRICE_GRID), PRICE_GRID)
    return tuple((row.year, price) for row in scenario.budget)


def _best_plans(within: list[Outcome] | None, search: PriceSearch) -> Plans | None:
    """The better of the plans within shares and the prices' best
    combination (both within the fund); None if there is neither."""
    best = search.best
    if within is not None:
        covers = [_cover(o) for o in within]
        if best is None or sum(covers, Fraction()) >= sum((c.cover for c in best), Fraction()):
            return Plans([o.exchanges for o in within], covers)
    if best is None:
        return None
    return Plans([list(c.plan) for c in best], [c.cover for c in best])


def _cover(outcome: Outcome) -> Fraction:
    level = outcome.levels[0]
    return as_fraction(level.value, level.scale)


def _cover_bound(outcome: Outcome) -> Fraction:
    level = outcome.levels[0]
    return as_fraction(level.bound, level.scale)


def tighten_cover_bound(stages: Stages, start: FundStart) -> None:
    """Where the groups' bound on COVER (without the fund, or at the fund's
    prices) is below the whole model's, or is what the whole model's stands
    on (its limit COVER <= the bound), make it the COVER level's bound,
    with its source, and say so; a COVER that reaches it is proven.
    Where the whole model had no time for COVER and kept the groups' plan,
    that plan's COVER is the level's value, with the groups' bound.

    Runs before the levels are combined (the whole is one part), so that
    the status follows from the levels as for any other proof."""
    if start.bound is None or len(stages.reached) != 1:
        return
    reached = stages.reached[0]
    k = next((i for i, lv in enumerate(reached) if lv.name == "COVER"), None)
    if k is None:
        _cover_of_the_hint(stages, start)
        return
    level = reached[k]
    # COVER is an integer in the model's scale: the floor bounds it too.
    scaled = math.floor(start.bound * level.scale)
    if scaled > level.bound or (scaled == level.bound and not start.limits):
        return
    # (At the same bound with the limits posted, the model's bound is the
    # limit COVER <= the groups' bound: its source is theirs.)
    status = SolveStatus.OPTIMAL if level.value >= scaled else level.status
    reached[k] = replace(level, bound=scaled, status=status, source=start.source)
    note = _("{goal} bound {bound} from {source}; the whole model's own: {own}.").format(
        goal=goal_label("COVER"),
        bound=as_decimal(scaled, level.scale),
        source=start.source.label(),
        own=as_decimal(level.bound, level.scale),
    )
    stages.result.messages.append(note)
    if stages.params.log is not None:
        stages.params.log(note)


def _cover_of_the_hint(stages: Stages, start: FundStart) -> None:
    """The COVER level of a whole model stopped before COVER, from the plan
    it kept (the groups'), recomputed; exact: value and bound in a common
    scale."""
    outcome = stages.last[0]
    if start.bound is None or outcome is None or outcome.skipped != "COVER":
        return
    got = plan_cover(stages.pieces[0], outcome.exchanges)
    scale = math.lcm(got.denominator, start.bound.denominator)
    value, bound = got * scale, start.bound * scale
    level = Level(
        "COVER",
        "max",
        SolveStatus.FEASIBLE,
        int(value),
        int(bound),
        Fraction(scale),
        0.0,
        start.source,
    )
    stages.reached[0].append(level)


def _loss_per_money(scenario: Scenario, alone: Outcome, within: Outcome) -> Fraction:
    """What the group's COVER lost to its share, per money unit it gave up."""
    saved = spend(scenario, alone.exchanges) - spend(scenario, within.exchanges)
    lost = _cover(alone) - _cover(within)
    return lost / Fraction(saved) if saved > 0 else Fraction(0)


def round_pairs(order: list[int], round_no: int) -> list[tuple[int, int]]:
    """Round ``round_no`` of a round-robin over ``order`` (circle method):
    every two of them meet once in ``len(order) - 1`` rounds (an odd count
    leaves one out each round). Round 0 pairs the first with the last."""
    players: list[int | None] = list(order)
    if len(players) % 2:
        players.append(None)
    n = len(players)
    turn = round_no % (n - 1)
    rest = players[1:]
    rotated = [players[0], *rest[n - 1 - turn :], *rest[: n - 1 - turn]]
    pairs = []
    for k in range(n // 2):
        a, b = rotated[k], rotated[n - 1 - k]
        if a is not None and b is not None:
            pairs.append((a, b))
    return pairs


def merge(parts: list[Scenario], budget: list[BudgetRow]) -> Scenario:
    """One scenario of the groups ``parts`` (each one group's, from
    :func:`planner.model.decompose.split_by_group`) with the fund ``budget``."""
    first = parts[0]
    return replace(
        first,
        name=" + ".join(p.name for p in parts),
        groups=[g for p in parts for g in p.groups],
        schools=[s for p in parts for s in p.schools],
        staff=[s for p in parts for s in p.staff],
        needs=[n for p in parts for n in p.needs],
        core_keep=[k for p in parts for k in p.core_keep],
        mutual=tuple(m for p in parts for m in p.mutual),
        commitments=[c for p in parts for c in p.commitments],
        published=[e for p in parts for e in p.published],
        history=[e for p in parts for e in p.history],
        bans=tuple(b for p in parts for b in p.bans),
        budget=budget,
    )


def improve(
    stages: Stages,
    scenario: Scenario,
    groups: list[Scenario],
    runner: Runner,
    plans: Plans,
    losses: list[Fraction],
) -> None:
    """Rounds of pair solves (see the module's description); ``plans`` keep
    every gain."""
    if len(groups) < 2:
        return
    log = stages.params.log
    started = time.perf_counter()
    before = plans.total
    order = sorted(range(len(groups)), key=lambda g: (-losses[g], g))
    sizes = [len(g.staff) for g in groups]
    work_total = PAIR_ROUNDS_WORK * PAIR_WORK_PER_STAFF * sum(sizes)
    if stages.params.work_limit is not None:
        work_total = min(work_total, stages.params.work_limit * PAIR_TIME_SHARE)
    seconds_total = stages.params.time_limit * PAIR_TIME_SHARE
    work_used, idle_rounds, round_no = 0.0, 0, 0
    while idle_rounds < len(order) - 1 + len(order) % 2 and work_used < work_total:
        # The whole model keeps at least WHOLE_TIME_SHARE of the time limit.
        spare = stages.time_left() - WHOLE_TIME_SHARE * stages.params.time_limit
        seconds = min(seconds_total - (time.perf_counter() - started), spare)
        # A round also builds its models and completes their hints, outside
        # its solvers' time: too short a round only overruns.
        if seconds < PAIR_ROUND_MIN_SHARE * stages.params.time_limit:
            break
        pairs = round_pairs(order, round_no)
        round_no += 1
        tasks = _pair_tasks(stages, scenario, groups, plans, pairs, seconds)
        outcomes = runner.run(tasks)
        gained = False
        for (a, b), outcome in zip(pairs, outcomes, strict=True):
            work_used += outcome.work_used
            if outcome.failed is None and outcome.levels and _accept(groups, plans, a, b, outcome):
                gained = True
        idle_rounds = 0 if gained else idle_rounds + 1
    if log is not None:
        log(
            _(
                "fund hint: coverage {before} -> {after} in {rounds} rounds of pairs ({took:.1f}s)"
            ).format(
                before=exact_decimal(before),
                after=exact_decimal(plans.total),
                rounds=round_no,
                took=time.perf_counter() - started,
            )
        )


def _pair_tasks(
    stages: Stages,
    scenario: Scenario,
    groups: list[Scenario],
    plans: Plans,
    pairs: list[tuple[int, int]],
    seconds: float,
) -> list[Task]:
    """A COVER task per pair: its two groups within what they spend now and
    an equal share of the unspent fund, from their current plans."""
    unit = money_unit(scenario)
    spent = [spend_by_year(scenario, plan) for plan in plans.plans]
    unspent = [
        row.amount - sum((s[k] for s in spent), Decimal(0)) for k, row in enumerate(scenario.budget)
    ]
    parts = [merge([groups[a], groups[b]], []) for a, b in pairs]
    shares = time_and_work_shares(parts, stages.processes, seconds, None)
    tasks = []
    for k, ((a, b), part) in enumerate(zip(pairs, parts, strict=True)):
        budget = []
        for y, row in enumerate(scenario.budget):
            extra = (unspent[y] / len(pairs) / unit).to_integral_value(rounding=ROUND_FLOOR) * unit
            budget.append(BudgetRow(row.year, spent[a][y] + spent[b][y] + max(extra, Decimal(0))))
        tasks.append(
            stages.side_task(
                k,
                replace(part, budget=budget),
                f"pair {groups[a].groups[0].group_id}+{groups[b].groups[0].group_id}",
                ("COVER",),
                shares[k][0],
                PAIR_WORK_PER_STAFF * len(part.staff),
                plan_hint=(*plans.plans[a], *plans.plans[b]),
            )
        )
    return tasks


def _accept(groups: list[Scenario], plans: Plans, a: int, b: int, outcome: Outcome) -> bool:
    """Keep the pair's new plans if they cover more than its current ones.

    COVER is a sum over need rows, each a school's, so each group's share
    of the pair's is recomputed from its own plan (the audit's COVER, the
    model's definition stated again)."""
    staff_a = {p.staff_id for p in groups[a].staff}
    new_a = [e for e in outcome.exchanges if e.staff_id in staff_a]
    new_b = [e for e in outcome.exchanges if e.staff_id not in staff_a]
    cover_a, cover_b = plan_cover(groups[a], new_a), plan_cover(groups[b], new_b)
    if cover_a + cover_b != _cover(outcome):
        raise RuntimeError(f"{outcome.index}: a pair's COVER is not its groups' sum")
    if cover_a + cover_b <= plans.cover[a] + plans.cover[b]:
        return False
    plans.plans[a], plans.plans[b] = new_a, new_b
    plans.cover[a], plans.cover[b] = cover_a, cover_b
    return True


def plan_cover(scenario: Scenario, plan: list[Exchange]) -> Fraction:
    """COVER of ``plan`` (commitments included) in ``scenario``."""
    ctx = AuditContext.build(scenario, Plan.of(plan), None)
    return Fraction(cover(coverage(ctx)))


def _hint_pass(
    stages: Stages, parts: list[Scenario], runner: Runner, keys: list[str] | None = None
) -> list[Outcome] | None:
    """COVER for each group on its own, in a tenth of the time; None if a
    group has no plan."""
    params = stages.quiet
    # Many small groups: each still gets HINT_GROUP_SECONDS, as far as time allows.
    seconds = max(
        params.time_limit * FUND_HINT_SHARE, len(parts) * HINT_GROUP_SECONDS / runner.processes
    )
    seconds = min(seconds, max(stages.time_left(), 0.0))
    work = None if params.work_limit is None else params.work_limit * FUND_HINT_SHARE
    shares = time_and_work_shares(parts, runner.processes, seconds, work)
    todo = [
        stages.side_task(
            i,
            part,
            f"hint {part.groups[0].group_id}",
            ("COVER",),
            budget,
            work_share,
            model_key=keys[i] if keys else "",
        )
        for i, (part, (budget, work_share)) in enumerate(zip(parts, shares, strict=True))
    ]
    outcomes = runner.run(todo)
    if any(o.failed is not None or not o.levels for o in outcomes):
        return None
    return outcomes
