"""Every goal the solve optimises, recomputed in plain Python from the plan.

The definitions are the model's (``planner/model/objective.py``), stated here
again without importing it, so :attr:`planner.api.Outcome.consistent` can
compare each level the solve reports with the audit's value:

* COVER: the sum over need rows of priority x min(count, staff serving).
* FAIR: over member schools with needs (rows with a count above 0), the
  lowest ratio of covered to needed units, both weighted by priority, in
  basis points rounded down (0.4878); 1 when no school's needs weigh anything.
* PREFER: per decided (not locked) exchange, ``prefer_volunteer`` unless the
  person volunteers, ``prefer_preferred_school`` if they name another
  preferred school, ``prefer_needs_experience`` unless they need exchange
  experience.
* COST: ``cost_cadre`` or ``cost_teacher`` per year of each decided exchange
  (commitments are not decisions and cost nothing here).
* STABLE (replanning): published exchanges not kept exactly plus decided
  exchanges that were not published.
* SHORTFALL and OVERSPEND (relaxed runs): the staff by which relaxed count
  rules fail, and the money by which BUDGET rows are exceeded.

A goal without meaning for the scenario (FAIR without needs, STABLE without a
published plan) has no value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from planner.audit.context import AuditContext
from planner.data import Exchange
from planner.results import NeedCoverage, Violation
from planner.rules import RELAXABLE, Rule

# The unit of FAIR: basis points of the coverage ratio (the model's, stated again).
FAIR_SCALE = 10_000


def cover(coverage: Sequence[NeedCoverage]) -> Decimal:
    """COVER: weighted need units covered."""
    return sum((c.weighted for c in coverage), Decimal(0))


def school_coverage(coverage: Sequence[NeedCoverage]) -> dict[str, tuple[Decimal, Decimal]]:
    """Per school with needs (count above 0): (weighted need, weighted covered)."""
    need: dict[str, Decimal] = defaultdict(Decimal)
    covered: dict[str, Decimal] = defaultdict(Decimal)
    for cov in coverage:
        if cov.need.count <= 0:
            continue
        need[cov.need.school_id] += cov.need.priority * cov.need.count
        covered[cov.need.school_id] += cov.weighted
    return {school_id: (need[school_id], covered[school_id]) for school_id in need}


def fair(coverage: Sequence[NeedCoverage]) -> Decimal | None:
    """FAIR: the lowest school coverage ratio, in basis points rounded down."""
    schools = school_coverage(coverage)
    if not schools:
        return None
    ratios = [
        int(FAIR_SCALE * Fraction(got) // Fraction(wanted))
        for wanted, got in schools.values()
        if wanted
    ]
    return Decimal(min(ratios, default=FAIR_SCALE)) / Decimal(FAIR_SCALE)


def decided(ctx: AuditContext) -> list[Exchange]:
    """The plan's exchanges that are decisions: every one but the commitments."""
    return [ex for ex in ctx.exchanges if not ctx.is_locked(ex)]


def prefer(ctx: AuditContext) -> Decimal:
    """PREFER: the penalties of the decided exchanges."""
    policy = ctx.policy
    total = 0
    for ex in decided(ctx):
        person = ctx.staff.get(ex.staff_id)
        if person is None:
            continue
        if not person.volunteer:
            total += policy.prefer_volunteer
        if person.preferred_school and person.preferred_school != ex.school_id:
            total += policy.prefer_preferred_school
        if not person.needs_experience:
            total += policy.prefer_needs_experience
    return Decimal(total)


def cost(ctx: AuditContext) -> Decimal:
    """COST: the money of every year of each decided exchange."""
    policy = ctx.policy
    total = Decimal(0)
    for ex in decided(ctx):
        person = ctx.staff.get(ex.staff_id)
        if person is not None:
            total += policy.cost_per_year(person.is_cadre) * ex.term
    return total


def stable(ctx: AuditContext) -> Decimal | None:
    """STABLE: the size of the symmetric difference of the published and the
    decided exchanges (None without a published plan)."""
    published = set(ctx.scenario.published)
    if not published:
        return None
    mine = decided(ctx)
    kept = sum(1 for ex in mine if ex in published)
    new = len(mine) - kept
    return Decimal(new - kept + len(published))


def shortfall(violations: Sequence[Violation]) -> Decimal:
    """SHORTFALL: staff missing from the relaxable count rules."""
    staff_rules = RELAXABLE - {Rule.BUDGET}
    return sum((v.amount or Decimal(0) for v in violations if v.rule in staff_rules), Decimal(0))


def overspend(violations: Sequence[Violation]) -> Decimal:
    """OVERSPEND: money over the BUDGET rows."""
    return sum((v.amount or Decimal(0) for v in violations if v.rule == Rule.BUDGET), Decimal(0))


def goal_values(
    ctx: AuditContext, coverage: Sequence[NeedCoverage], violations: Sequence[Violation]
) -> dict[str, Decimal]:
    """Each goal's value by its name (COVER, FAIR, ...); void goals left out."""
    values: dict[str, Decimal | None] = {
        "SHORTFALL": shortfall(violations),
        "OVERSPEND": overspend(violations),
        "COVER": cover(coverage),
        "FAIR": fair(coverage),
        "PREFER": prefer(ctx),
        "COST": cost(ctx),
        "STABLE": stable(ctx),
    }
    return {name: value for name, value in values.items() if value is not None}
