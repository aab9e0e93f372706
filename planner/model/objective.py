"""The soft goals of ``rules.md`` as linear expressions, one method each.

COVER  weighted need units covered, each need row capped at its count;
FAIR   the lowest coverage ratio among member schools with needs;
PREFER penalties for placing non-volunteers, ignoring a stated preferred
       school, and sending staff who do not need exchange experience;
COST   money spent on exchange staff-years (decided exchanges);
STABLE changes against a published plan (replanning only).
A relaxed run puts SHORTFALL (staff missing from relaxed count rules) and
OVERSPEND (money over relaxed BUDGET rows) first.

Each goal is an integer expression with a ``scale``: value / scale is the
goal in its own unit, exactly. Priorities and money are exact decimals; each
goal turns them into the smallest exact integers
(:func:`planner.model.quantities.integer_weights`), and
:mod:`planner.model.ranges` refuses a scenario whose integers CP-SAT could not
hold before any model is built.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ortools.sat.python import cp_model

from planner.data import Need
from planner.model.constraints import Constraints
from planner.model.quantities import (
    cost_weights,
    exact_decimal,
    priority_weights,
    school_weights,
)
from planner.model.variables import Candidate, LockedExchange, Variables
from planner.rules import Rule

FAIR_SCALE = 10_000  # fairness in basis points of the coverage ratio

# A price per budget year: (year, COVER units per currency unit spent that year).
Prices = tuple[tuple[int, Fraction], ...]


@dataclass(frozen=True)
class PricedLimit:
    """A limit on PRICED (:meth:`Objective.priced`) of one group (None: all
    groups), in COVER units: at least ``low``, at most ``high`` (None: no
    limit). The fund's price search (:mod:`planner.model.prices`) gives the
    whole model these: each group near its priced optimum, COVER at most
    the Lagrangian bound."""

    group_id: str | None
    prices: Prices
    low: Fraction | None = None
    high: Fraction | None = None


@dataclass(frozen=True)
class Goal:
    name: str
    sense: str  # "max" or "min"
    expr: cp_model.LinearExprT
    scale: Fraction  # expr / scale is the goal in its own unit
    upper: int  # a bound on |expr|, for display and sanity


@dataclass(frozen=True)
class NeedTerm:
    """A need row in the model: its covered-units variable and integer weight."""

    index: int
    need: Need
    covered: cp_model.IntVar
    weight: int


class Objective:
    """Builds the goal expressions over the decisions."""

    def __init__(self, variables: Variables, constraints: Constraints) -> None:
        self.vars = variables
        self.model = variables.model
        self.scenario = variables.scenario
        self.constraints = constraints
        self.priority_weights, self.priority_scale = priority_weights(self.scenario.all_needs)
        self.need_terms: list[NeedTerm] = self._need_terms()
        # PRICED's terms, candidates and commitments by group (made when first asked).
        self._by_group: (
            dict[str | None, tuple[list[NeedTerm], list[Candidate], list[LockedExchange]]] | None
        ) = None

    def _need_terms(self) -> list[NeedTerm]:
        terms: list[NeedTerm] = []
        for index, need in enumerate(self.scenario.all_needs):
            if need.count <= 0:
                continue
            stages = self.scenario.need_stages(need)
            cands = self.vars.serving(need.school_id, need.year, need.subject, stages)
            locked = self.vars.locked_serving(need.school_id, need.year, need.subject, stages)
            top = min(need.count, len(cands) + locked)
            label = f"cover[{need.school_id},{need.year},{need.subject},#{index}]"
            covered = self.model.new_int_var(0, top, label)
            if top > 0:
                self.model.add(covered <= cp_model.LinearExpr.sum([c.var for c in cands]) + locked)
            weight = self.priority_weights[index]
            terms.append(NeedTerm(index, need, covered, weight))
        return terms

    def goal(self, name: str) -> Goal | None:
        """The goal ``name`` (COVER, FAIR, PREFER, COST, SHORTFALL), or None if it is void."""
        builders = {
            "SHORTFALL": self.shortfall,
            "OVERSPEND": self.overspend,
            "COVER": self.cover,
            "FAIR": self.fair,
            "PREFER": self.prefer,
            "COST": self.cost,
            "STABLE": self.stable,
        }
        return builders[name]()

    def cover(self) -> Goal:
        """COVER: sum of priority x min(count, staff serving) over need rows."""
        terms = self.need_terms
        expr = cp_model.LinearExpr.weighted_sum(
            [t.covered for t in terms], [t.weight for t in terms]
        )
        upper = sum(t.weight * t.need.count for t in terms)
        return Goal("COVER", "max", expr, self.priority_scale, upper)

    def priced(self, prices: Prices, group_id: str | None = None) -> Goal:
        """PRICED: COVER less the price of the staff-years spent, of one
        group's schools and staff (None: all), in COVER units per ``scale``.

        With a price per budget year, BUDGET leaves the model for the
        objective (its Lagrangian relaxation): a staff-year in year y costs
        ``price_y`` x the staff-year's cost (cost_cadre or cost_teacher),
        commitments included (a constant).
        """
        terms, cands, locked = self._of_group(group_id)
        policy = self.scenario.policy
        cost = {False: Fraction(policy.cost_teacher), True: Fraction(policy.cost_cadre)}

        @functools.cache
        def charge(is_cadre: bool, first: int, last: int) -> Fraction:
            # One value per kind of staff and span of years: computed once.
            return cost[is_cadre] * sum((p for y, p in prices if first <= y <= last), Fraction())

        gains = [Fraction(t.weight) / self.priority_scale for t in terms]
        charges = [charge(c.staff.is_cadre, c.start, c.end) for c in cands]
        fixed = sum(
            (
                charge(lk.staff.is_cadre, lk.exchange.start_year, lk.exchange.end_year)
                for lk in locked
            ),
            Fraction(),
        )
        scale = math.lcm(1, *{f.denominator for f in (*gains, *charges, fixed)})
        scaled = {f: int(f * scale) for f in {*gains, *charges}}
        expr = (
            cp_model.LinearExpr.weighted_sum([t.covered for t in terms], [scaled[g] for g in gains])
            - cp_model.LinearExpr.weighted_sum([c.var for c in cands], [scaled[c] for c in charges])
            - int(fixed * scale)
        )
        upper = sum(scaled[g] * t.need.count for g, t in zip(gains, terms, strict=True))
        return Goal("PRICED", "max", expr, Fraction(scale), upper)

    def _of_group(
        self, group_id: str | None
    ) -> tuple[list[NeedTerm], list[Candidate], list[LockedExchange]]:
        """The need terms, candidates and commitments of one group's schools
        and staff (None: all), sorted once per model for every PRICED."""
        if group_id is None:
            return self.need_terms, self.vars.candidates, self.vars.locked
        if self._by_group is None:
            group_of = {s.school_id: s.group_id for s in self.scenario.schools}
            by: dict[str | None, tuple[list[NeedTerm], list[Candidate], list[LockedExchange]]]
            by = defaultdict(lambda: ([], [], []))
            for t in self.need_terms:
                by[group_of.get(t.need.school_id)][0].append(t)
            for c in self.vars.candidates:
                by[group_of.get(c.staff.school_id)][1].append(c)
            for lk in self.vars.locked:
                by[group_of.get(lk.staff.school_id)][2].append(lk)
            self._by_group = dict(by)
        return self._by_group.get(group_id, ([], [], []))

    def limit(self, limit: PricedLimit) -> None:
        """Post ``limit`` on the model."""
        goal = self.priced(limit.prices, limit.group_id)
        if limit.low is not None:
            self.model.add(goal.expr >= math.ceil(limit.low * goal.scale))
        if limit.high is not None:
            self.model.add(goal.expr <= math.floor(limit.high * goal.scale))

    def fair(self) -> Goal | None:
        """FAIR: raise the lowest coverage ratio among member schools with needs.

        z <= FAIR_SCALE x covered_s / need_s for every school s, maximised.
        """
        by_school: dict[str, list[NeedTerm]] = {}
        for term in self.need_terms:
            by_school.setdefault(term.need.school_id, []).append(term)
        if not by_school:
            return None
        z = self.model.new_int_var(0, FAIR_SCALE, "fair_min_ratio")
        weights = school_weights(self.scenario.all_needs)
        for school_id, terms in sorted(by_school.items()):
            # A school's ratio is the same with its weights in lowest terms.
            weight = [weights[school_id][t.index] for t in terms]
            wanted = sum(w * t.need.count for w, t in zip(weight, terms, strict=True))
            covered = cp_model.LinearExpr.weighted_sum([t.covered for t in terms], weight)
            self.model.add(z * wanted <= FAIR_SCALE * covered).with_name(f"fair[{school_id}]")
        return Goal("FAIR", "max", z, Fraction(FAIR_SCALE), FAIR_SCALE)

    def prefer(self) -> Goal | None:
        """PREFER: volunteers first, preferred schools honoured, staff who need
        exchange experience first: a penalty per decided exchange, minimised."""
        policy = self.scenario.policy
        coefs: list[int] = []
        xs: list[cp_model.IntVar] = []
        for cand in self.vars.candidates:
            person = cand.staff
            penalty = 0
            if not person.volunteer:
                penalty += policy.prefer_volunteer
            if person.preferred_school and person.preferred_school != cand.school.school_id:
                penalty += policy.prefer_preferred_school
            if not person.needs_experience:
                penalty += policy.prefer_needs_experience
            if penalty:
                coefs.append(penalty)
                xs.append(cand.var)
        if not xs:
            return None
        expr = cp_model.LinearExpr.weighted_sum(xs, coefs)
        return Goal("PREFER", "min", expr, Fraction(1), sum(coefs))

    def cost(self) -> Goal | None:
        """COST: money spent on decided exchanges, every year of each."""
        policy = self.scenario.policy
        if policy.cost_teacher == 0 and policy.cost_cadre == 0:
            return None
        cost, scale = cost_weights(policy)
        xs = [c.var for c in self.vars.candidates]
        coefs = [cost[c.staff.is_cadre] * c.length for c in self.vars.candidates]
        return Goal("COST", "min", cp_model.LinearExpr.weighted_sum(xs, coefs), scale, sum(coefs))

    def stable(self) -> Goal | None:
        """STABLE: exchanges that differ from the published plan, minimised.

        A change is a published exchange that is not kept exactly (same
        person, school, start and length) or a new exchange that was not
        published: the size of the symmetric difference of the two plans.
        """
        published = set(self.scenario.published)
        if not published:
            return None
        kept: list[cp_model.IntVar] = []
        new: list[cp_model.IntVar] = []
        for c in self.vars.candidates:
            (kept if c.exchange() in published else new).append(c.var)
        impossible = len(published) - len(kept)  # no longer allowed by the rules
        expr = cp_model.LinearExpr.sum(new) - cp_model.LinearExpr.sum(kept) + len(published)
        upper = len(published) + len(new) + impossible
        return Goal("STABLE", "min", expr, Fraction(1), upper)

    def shortfall(self) -> Goal | None:
        """SHORTFALL: total staff by which relaxed count rules (quotas,
        CAPACITY, CORE-KEEP) fail; relaxed runs only."""
        return self._slack_goal("SHORTFALL", lambda rule: rule != Rule.BUDGET)

    def overspend(self) -> Goal | None:
        """OVERSPEND: total money by which relaxed BUDGET rows are exceeded.

        Kept apart from SHORTFALL (staff and money do not add up) and
        minimised right after it.
        """
        return self._slack_goal("OVERSPEND", lambda rule: rule == Rule.BUDGET)

    def _slack_goal(self, name: str, keep: Callable[[str], bool]) -> Goal | None:
        posted = [
            p for p in self.constraints.posted if p.shortfall is not None and keep(p.instance.rule)
        ]
        if not posted:
            return None
        xs = [p.shortfall for p in posted if p.shortfall is not None]
        scale = posted[0].scale
        expr = cp_model.LinearExpr.sum(xs)
        return Goal(name, "min", expr, scale, 0)


def as_fraction(value: int, scale: Fraction) -> Fraction:
    """An integer objective value in its goal's unit, exactly."""
    return Fraction(value) / scale


def as_decimal(value: int, scale: Fraction) -> Decimal:
    """An integer objective value in its goal's unit, as an exact decimal."""
    return exact_decimal(as_fraction(value, scale))
