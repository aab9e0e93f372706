"""The fund's prices: a bound for groups that share a fund, a plan from the
groups' plans, and cuts for the whole model.

A fund per year (BUDGET) is all that couples the groups. With a price
``p_y >= 0`` per currency unit spent in year ``y``, the fund leaves the
model for the objective (its Lagrangian relaxation)::

    L(p) = sum_g max_x [COVER_g(x) - sum_y p_y spend_gy(x)] + sum_y p_y fund_y

bounds the whole's COVER for every ``p >= 0``: a plan within the fund
loses nothing by the prices, and each group's maximum is at least what the
plan gives it. Each maximum is a group's PRICED level
(:meth:`planner.model.objective.Objective.priced`), solved apart in the
group's model kept between rounds; its proven bound is what counts, so an
unproven solve still gives a valid bound.

The prices come from column generation (Dantzig-Wolfe): every group plan met
so far is a :class:`Column` (its COVER and what it spends each year); the
master LP mixes each group's columns within the fund, and its duals on the
fund rows are the next prices. Each round prices every group once and adds
its plan as a column. The rounds stop when the best plan reaches the bound
(proven), when the master's value meets the bound (no better prices), or
by deterministic work or time.

Two more things come out of the columns and prices:

* :func:`best_combination`: one column per group within the fund, by a
  small CP-SAT model. Each column keeps every rule of its group and the
  combination keeps the fund, so it is a plan of the whole;
* :func:`cuts`: for a plan of COVER >= T within the fund, the groups'
  losses ``U_g - PRICED_g`` (``U_g`` a group's bound at the prices) are each
  >= 0 and add up to at most ``L - T``, so every group's PRICED is at least
  ``U_g - (L - T)``. The whole model with these limits (and COVER <= L)
  searches only where plans of COVER >= T can be, and its optimum is the
  whole's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from planner.data import Exchange, Scenario
from planner.i18n import _
from planner.model.decompose import Stages
from planner.model.levels import Outcome, Task
from planner.model.objective import PricedLimit, Prices, as_fraction
from planner.model.pool import Runner
from planner.model.quantities import integer_weights, time_and_work_shares

# Prices are kept on this grid (currency units), so that PRICED's integers
# stay small: 1/10000 of a COVER unit per currency unit.
PRICE_GRID = 10_000
# CP-SAT's deterministic work a group's PRICED solve may use, per staff.
PRICE_WORK_PER_STAFF = 0.004
# At most this many rounds of prices (nearby ones included).
PRICE_ROUNDS = 60
# The master's value and the bound meet within this (COVER units).
PRICE_TOLERANCE = Fraction(1, 100)
# Each round's prices go this share of the way from the best so far to the
# master's duals.
SMOOTHING = Fraction(1, 2)
# Nearby prices: one year's price this share higher or lower.
NEARBY_STEP = Fraction(5, 100)
# Deterministic work of the best combination's CP-SAT model.
COMBINE_WORK = 5.0


@dataclass(frozen=True)
class Column:
    """One group's plan: its COVER and what it spends in each budget row's year."""

    plan: tuple[Exchange, ...]
    cover: Fraction
    spend: tuple[Decimal, ...]


@dataclass
class PriceSearch:
    """What the rounds found: the best bound and its prices, each group's
    bound at those prices, every group's columns and the best combination."""

    columns: list[list[Column]]
    bound: Fraction | None = None
    prices: Prices = ()
    group_bounds: list[Fraction] = field(default_factory=list)
    best: list[Column] | None = None
    rounds: int = 0
    settled: bool = False  # the master's value met the bound: more rounds lower it no more
    step: Fraction = Fraction(1)  # COVER's smallest step (1 / its priorities' scale)

    @property
    def best_cover(self) -> Fraction | None:
        return None if self.best is None else sum((c.cover for c in self.best), Fraction())

    @property
    def proven(self) -> bool:
        """The best combination reaches the bound, down to COVER's step."""
        best = self.best_cover
        if self.bound is None or best is None:
            return False
        return math.floor(self.bound / self.step) * self.step <= best


def spend_by_year(scenario: Scenario, plan: list[Exchange]) -> list[Decimal]:
    """What ``plan`` costs in each budget row's year."""
    cost = scenario.cost_by_year(plan)
    return [cost.get(row.year, Decimal(0)) for row in scenario.budget]


def spend(scenario: Scenario, plan: list[Exchange]) -> Decimal:
    """What ``plan`` costs over the budget years, all rows together."""
    return sum(spend_by_year(scenario, plan), Decimal(0))


def column(scenario: Scenario, plan: list[Exchange], cover: Fraction) -> Column:
    """The column of a group's ``plan`` of COVER ``cover``."""
    return Column(tuple(sorted(plan, key=_order)), cover, tuple(spend_by_year(scenario, plan)))


def _order(e: Exchange) -> tuple[str, str, int, int]:
    return (e.staff_id, e.school_id, e.start_year, e.end_year)


def master_prices(scenario: Scenario, columns: list[list[Column]]) -> tuple[Prices, float]:
    """The master LP's prices (its duals on the fund rows, on the grid) and
    its value: the best convex mix of each group's columns within the fund.

    Spending beyond a year's fund is allowed at a price no plan would pay
    (a staff-year at most covers one need unit of the highest priority a
    year), so that the master always has a solution."""
    rows = scenario.budget
    top = max((n.priority for n in scenario.all_needs), default=Decimal(1))
    cheapest = min(Fraction(scenario.policy.cost_teacher), Fraction(scenario.policy.cost_cadre))
    ceiling = 2 * float(top) / float(cheapest) if cheapest > 0 else 1.0
    solver = pywraplp.Solver.CreateSolver("GLOP")
    mixes = [[solver.NumVar(0, 1, "") for _c in cols] for cols in columns]
    over = [solver.NumVar(0, solver.infinity(), "") for _r in rows]
    fund = []
    for y, row in enumerate(rows):
        limit = solver.Constraint(-solver.infinity(), float(row.amount))
        for cols, mix in zip(columns, mixes, strict=True):
            for c, var in zip(cols, mix, strict=True):
                limit.SetCoefficient(var, float(c.spend[y]))
        limit.SetCoefficient(over[y], -1.0)
        fund.append(limit)
    for mix in mixes:
        one = solver.Constraint(1.0, 1.0)
        for var in mix:
            one.SetCoefficient(var, 1.0)
    goal = solver.Objective()
    for cols, mix in zip(columns, mixes, strict=True):
        for c, var in zip(cols, mix, strict=True):
            goal.SetCoefficient(var, float(c.cover))
    for var in over:
        goal.SetCoefficient(var, -ceiling)
    goal.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the fund's master LP has no optimum")
    prices = tuple(
        (row.year, Fraction(max(0, round(limit.dual_value() * PRICE_GRID)), PRICE_GRID))
        for row, limit in zip(rows, fund, strict=True)
    )
    return prices, goal.Value()


def best_combination(scenario: Scenario, columns: list[list[Column]]) -> list[Column] | None:
    """One column per group, within every year's fund, of the highest COVER
    (None if no combination fits); deterministic (one worker, a work limit)."""
    amounts = [row.amount for row in scenario.budget]
    spends = [s for cols in columns for c in cols for s in c.spend]
    money, _scale = integer_weights([*amounts, *spends])
    fund, money = money[: len(amounts)], money[len(amounts) :]
    covers = [c.cover for cols in columns for c in cols]
    unit = math.lcm(1, *(f.denominator for f in covers))
    model = cp_model.CpModel()
    picks: list[list[cp_model.IntVar]] = []
    k = 0
    used: list[list[tuple[cp_model.IntVar, int]]] = [[] for _a in amounts]
    gains: list[tuple[cp_model.IntVar, int]] = []
    for cols in columns:
        mine = [model.new_bool_var("") for _c in cols]
        model.add_exactly_one(mine)
        picks.append(mine)
        for c, var in zip(cols, mine, strict=True):
            for y in range(len(amounts)):
                used[y].append((var, money[k * len(amounts) + y]))
            gains.append((var, int(c.cover * unit)))
            k += 1
    for y, terms in enumerate(used):
        model.add(
            cp_model.LinearExpr.weighted_sum([v for v, _w in terms], [w for _v, w in terms])
            <= fund[y]
        )
    model.maximize(cp_model.LinearExpr.weighted_sum([v for v, _w in gains], [w for _v, w in gains]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = COMBINE_WORK
    solver.parameters.max_time_in_seconds = 30.0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [
        next(c for c, var in zip(cols, mine, strict=True) if solver.value(var))
        for cols, mine in zip(columns, picks, strict=True)
    ]


def cuts(
    search: PriceSearch,
    group_ids: list[str],
    target: Fraction,
    ceiling: Fraction | None = None,
) -> tuple[PricedLimit, ...]:
    """The whole model's limits for plans of COVER at least ``target``:
    each group's PRICED at least its bound less ``L - target``, COVER from
    ``target`` to ``ceiling`` (a proven bound; default ``L``); none without
    a bound."""
    if search.bound is None:
        return ()
    slack = search.bound - target
    limits = [
        PricedLimit(gid, search.prices, low=u - slack)
        for gid, u in zip(group_ids, search.group_bounds, strict=True)
    ]
    high = search.bound if ceiling is None else ceiling
    limits.append(PricedLimit(None, (), low=target, high=high))
    return tuple(limits)


def search_prices(rounds: PriceRounds, first: Prices | None = None) -> None:
    """The ``rounds`` of prices (see the module's description), from
    ``first`` (None: the master's); their search keeps the best bound, the
    columns and the best combination.

    Once the master's prices settle, and while no plan reaches the bound,
    rounds at nearby prices (:func:`nearby`) add plans that spend a little
    more or less in one year: the combinations the settled columns lack."""
    search, scenario = rounds.search, rounds.scenario
    search.best = best_combination(scenario, search.columns)
    prices = first
    while search.rounds < PRICE_ROUNDS and not search.proven and rounds.time_left():
        if prices is None:
            duals, lp = master_prices(scenario, search.columns)
            if search.bound is not None and _settled(search.bound, lp, search.step):
                search.settled = True  # the master's prices can no longer lower the bound
                break
            prices = smooth(search.prices, duals) if search.prices else duals
        if not rounds.run(prices):
            return
        prices = None
    if not search.settled:
        return
    for prices in nearby(search.prices):
        if search.proven or not rounds.time_left() or not rounds.run(prices):
            break


def _settled(bound: Fraction, lp: float, step: Fraction) -> bool:
    """No prices give a bound of fewer COVER steps than the master's value
    (it is at most the least bound there is): the bound has no whole step
    left to lose, or the two meet within PRICE_TOLERANCE."""
    low = Fraction(lp) - PRICE_TOLERANCE  # the LP's float, with room for its rounding
    return bound - low <= 2 * PRICE_TOLERANCE or math.floor(bound / step) <= math.floor(low / step)


def smooth(best: Prices, duals: Prices) -> Prices:
    """The next prices: SMOOTHING of the way from the best prices so far to
    the master's duals (Wentges' smoothing: the duals alone swing from one
    extreme to another while the columns are few)."""
    return tuple(
        (year, _on_grid(SMOOTHING * d + (1 - SMOOTHING) * b))
        for (year, b), (_y, d) in zip(best, duals, strict=True)
    )


def nearby(prices: Prices) -> list[Prices]:
    """The prices with one year's price NEARBY_STEP higher, then lower, year
    by year, then twice the step."""
    out = []
    for step in (NEARBY_STEP, 2 * NEARBY_STEP):
        for k in range(len(prices)):
            for sign in (1, -1):
                moved = tuple(
                    (year, _on_grid(p * (1 + sign * step)) if i == k else p)
                    for i, (year, p) in enumerate(prices)
                )
                if moved != prices and moved not in out:
                    out.append(moved)
    return out


def _on_grid(price: Fraction) -> Fraction:
    return Fraction(round(price * PRICE_GRID), PRICE_GRID)


class PriceRounds:
    """Runs rounds of PRICED solves for a :class:`PriceSearch` within
    ``seconds``, each group's from its plan in ``start`` (the groups alone,
    in the models kept under the same keys)."""

    def __init__(
        self,
        stages: Stages,
        scenario: Scenario,
        groups: list[Scenario],
        runner: Runner,
        search: PriceSearch,
        start: list[Outcome],
        seconds: float,
    ) -> None:
        self.stages, self.scenario, self.groups = stages, scenario, groups
        self.runner, self.search, self.seconds = runner, search, seconds
        self.hints = [o.solution for o in start]
        self.sizes = [len(g.staff) for g in groups]
        self.started = time.perf_counter()
        self.work_used = 0.0
        # Of --work-limit, the rounds' share: as their share of the time.
        self.work_share = seconds / stages.params.time_limit

    def time_left(self) -> float:
        """Seconds the rounds may still take; 0 once ``--work-limit``'s share
        of deterministic work is used (a stop that is the same everywhere)."""
        limit = self.stages.params.work_limit
        if limit is not None and self.work_used >= limit * self.work_share:
            return 0.0
        left = self.seconds - (time.perf_counter() - self.started)
        return max(min(left, self.stages.time_left()), 0.0)

    def run(self, prices: Prices) -> bool:
        """Price every group at ``prices``, keep their plans as columns, the
        bound if lower, and the best combination; False if a group failed."""
        search, scenario = self.search, self.scenario
        tasks = _price_tasks(
            self.stages, self.groups, prices, self.hints, self.time_left(), self.sizes
        )
        outcomes = self.runner.run(tasks)
        search.rounds += 1
        self.work_used += sum(o.work_used for o in outcomes)
        if any(o.failed is not None or not o.levels for o in outcomes):
            return False
        bounds = [as_fraction(o.levels[0].bound, o.levels[0].scale) for o in outcomes]
        funds = [Fraction(row.amount) for row in scenario.budget]
        charged = sum((p * f for (_y, p), f in zip(prices, funds, strict=True)), Fraction())
        bound = sum(bounds, Fraction()) + charged
        for g, outcome in enumerate(outcomes):
            self.hints[g] = outcome.solution
            _add(search.columns[g], _priced_column(self.groups[g], outcome, prices))
        if search.bound is None or bound < search.bound:
            search.bound, search.prices, search.group_bounds = bound, prices, bounds
        search.best = best_combination(scenario, search.columns) or search.best
        log = self.stages.params.log
        if log is not None:
            log(
                _("fund prices: round {n}, bound {bound}, best plan {best} ({took:.1f}s)").format(
                    n=search.rounds,
                    bound=f"{float(search.bound):.2f}",
                    best=f"{float(search.best_cover or 0):.0f}",
                    took=time.perf_counter() - self.started,
                )
            )
        return True


def _priced_column(group: Scenario, outcome: Outcome, prices: Prices) -> Column:
    """The column of a PRICED outcome: its COVER is PRICED plus the prices
    of what it spends."""
    level = outcome.levels[0]
    unpriced = column(group, outcome.exchanges, Fraction(0))
    # Prices come one per budget row, in the rows' order, as the spending.
    spent = zip(prices, unpriced.spend, strict=True)
    charge = sum((p * Fraction(s) for (_year, p), s in spent), Fraction())
    return replace(unpriced, cover=as_fraction(level.value, level.scale) + charge)


def _add(columns: list[Column], new: Column) -> None:
    if all(c.plan != new.plan for c in columns):
        columns.append(new)


def _price_tasks(
    stages: Stages,
    groups: list[Scenario],
    prices: Prices,
    hints: list[tuple[int, ...]],
    seconds: float,
    sizes: list[int],
) -> list[Task]:
    """A PRICED task per group, in the model its alone pass built."""
    parts = [replace(g, budget=[]) for g in groups]
    shares = time_and_work_shares(parts, stages.processes, seconds, None)
    return [
        stages.side_task(
            g,
            part,
            f"price {part.groups[0].group_id}",
            ("PRICED",),
            shares[g][0],
            PRICE_WORK_PER_STAFF * sizes[g],
            hint=hints[g],
            model_key=alone_key(stages, g),
            prices=prices,
        )
        for g, part in enumerate(parts)
    ]


def alone_key(stages: Stages, g: int) -> str:
    """The ModelCache key of group ``g`` without the fund (alone pass and prices)."""
    return f"{stages.solve_id} alone {g}"
