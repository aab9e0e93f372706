"""Pure quantities of a scenario: plain arithmetic, no solver.

What a quota requires, who could start an exchange and what rules keep the
others from it, what commitments and quotas cost at least, how a shared
fund is split among groups and how time and work are shared among parts.
The model (:mod:`planner.model.constraints`), the pre-checks
(:mod:`planner.model.diagnose`) and the decomposition
(:mod:`planner.model.decompose`) all count with these; nothing here imports
OR-Tools.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal, Inexact, localcontext
from fractions import Fraction

from planner.data import BudgetRow, Exchange, Need, Scenario, Staff
from planner.model import domain
from planner.policy import Policy
from planner.rules import Rule


def required_count(ratio: Decimal, headcount: int) -> int:
    """ceil(ratio x headcount) in exact decimal arithmetic (0.15 x 120 = 18)."""
    return math.ceil(ratio * headcount)


def quota_base(scenario: Scenario, staff: list[Staff], year: int) -> int:
    """TEACHER-QUOTA's base: the core school's headcount (Taishan), or with
    ratio_base 'eligible' the staff who may start an exchange that year
    (AGE, HONOR, LEVEL, and available that year: national 2014 guidance)."""
    policy = scenario.policy
    if policy.ratio_base == "headcount":
        return len(staff)
    return sum(
        1 for p in staff if domain.eligible_to_start(p, year, policy) and year not in p.unavailable
    )


def money_scale(values: Iterable[Decimal]) -> int:
    """Smallest power of ten making every amount an integer."""
    digits = 0
    for value in values:
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            digits = max(digits, -exponent)
    return 10**digits


# CP-SAT (cp_model_checker.cc, PossibleIntegerOverflow) refuses a model in
# which any linear expression could reach beyond +-(2^63 - 1) / 2, summing
# |coefficient| x the largest value of each variable; variable domains must
# stay within the same range.
CP_SAT_LIMIT = (2**63 - 1) // 2


def integer_weights(values: Sequence[Decimal]) -> tuple[list[int], Fraction]:
    """Exact integers proportional to ``values`` and the scale between them:
    ``values[i] == weights[i] / scale``. The values are multiplied by the
    least common denominator of their exact fractions and divided by the
    greatest common divisor of the results, so the weights are as small as
    exactness allows (0.5, 0.25, 0.125 give 4, 2, 1 and scale 8; 30000 and
    50000 give 3 and 5 and scale 1/10000)."""
    exact = [Fraction(v) for v in values]
    lcd = math.lcm(*(f.denominator for f in exact)) if exact else 1
    scaled = [int(f * lcd) for f in exact]
    gcd = math.gcd(*scaled) or 1
    return [v // gcd for v in scaled], Fraction(lcd, gcd)


def priority_weights(needs: Sequence[Need]) -> tuple[dict[int, int], Fraction]:
    """COVER's integer weight of each need row that wants someone (by its
    index in ``needs``) and their scale."""
    rows = [i for i, n in enumerate(needs) if n.count > 0]
    weights, scale = integer_weights([needs[i].priority for i in rows])
    return dict(zip(rows, weights, strict=True)), scale


def school_weights(needs: Sequence[Need]) -> dict[str, dict[int, int]]:
    """FAIR's integer weights: a school's coverage ratio does not change when
    its rows' weights are scaled together, so each school's are in lowest
    terms on their own (by school id, then need index)."""
    rows: dict[str, list[int]] = {}
    for i, n in enumerate(needs):
        if n.count > 0:
            rows.setdefault(n.school_id, []).append(i)
    out: dict[str, dict[int, int]] = {}
    for school_id, indices in rows.items():
        weights, _ = integer_weights([needs[i].priority for i in indices])
        out[school_id] = dict(zip(indices, weights, strict=True))
    return out


def cost_weights(policy: Policy) -> tuple[dict[bool, int], Fraction]:
    """COST's integer cost of a staff-year (by is_cadre) and its scale."""
    (teacher, cadre), scale = integer_weights([policy.cost_teacher, policy.cost_cadre])
    return {False: teacher, True: cadre}, scale


def budget_weights(
    cost_teacher: Decimal, cost_cadre: Decimal, rows: Sequence[BudgetRow]
) -> tuple[dict[bool, int], list[int], Fraction]:
    """BUDGET's integers: the cost of a staff-year (by is_cadre), each row's
    fund and the scale of both, exact."""
    weights, scale = integer_weights([cost_teacher, cost_cadre, *(b.amount for b in rows)])
    return {False: weights[0], True: weights[1]}, weights[2:], scale


def exact_decimal(value: Fraction) -> Decimal:
    """``value`` as a Decimal without rounding (its denominator must divide
    a power of ten, as every sum of decimal inputs does), written as the
    plain quotient of two integers would be (3/2 is 1.5, 30/10 is 3)."""
    numerator, denominator = value.numerator, value.denominator
    with localcontext() as ctx:
        # The quotient has at most the numerator's digits plus one per factor
        # 2 or 5 of the denominator; Inexact is trapped should it have more.
        ctx.prec = len(str(abs(numerator))) + denominator.bit_length() + 2
        ctx.traps[Inexact] = True
        return Decimal(numerator) / Decimal(denominator)


def quota_required(scenario: Scenario, group_id: str, year: int, cadres: bool) -> int:
    """How many must start from the group's core school in ``year``:
    CADRE-QUOTA's minimum with ``cadres``, else TEACHER-QUOTA's count."""
    policy = scenario.policy
    group = scenario.group_by_id[group_id]
    if year < group.founded_year or year not in scenario.years:
        return 0
    first = year == group.founded_year
    if cadres:
        return policy.cadre_min_first_year if first else policy.cadre_min_later_years
    staff = scenario.staff_of(scenario.core_school(group_id).school_id)
    ratio = policy.ratio_first_year if first else policy.ratio_later_years
    return required_count(ratio, quota_base(scenario, staff, year))


def exclusions(scenario: Scenario, person: Staff, year: int) -> list[Rule]:
    """Rule ids that keep ``person`` from starting any exchange in ``year``."""
    policy = scenario.policy
    reasons = []
    if not domain.age(person, year, policy):
        reasons.append(Rule.AGE)
    if not domain.honor(person, policy):
        reasons.append(Rule.HONOR)
    if not domain.level(person, policy):
        reasons.append(Rule.LEVEL)
    home = scenario.school_by_id[person.school_id]
    members = scenario.members(home.group_id)
    fits = banned = False
    for length in domain.term(policy):
        years = range(year, year + length)
        if not domain.available(person, years):
            continue
        open_ = [s for s in members if domain.membership(scenario, person, s, years)]
        if any(domain.ban(scenario, person, s) for s in open_):
            fits = True
            break
        banned = banned or bool(open_)
    if not fits:
        unavailable = not any(
            domain.available(person, range(year, year + n)) for n in domain.term(policy)
        )
        reasons.append(Rule.AVAILABLE if unavailable else (Rule.BAN if banned else Rule.MEMBERSHIP))
    return reasons


def gap_blocked(scenario: Scenario, person: Staff, year: int) -> bool:
    """REPEAT-GAP: a past (history) or committed exchange of ``person`` that
    does not cover ``year`` still keeps even their shortest exchange starting
    in ``year`` (term_min years) within repeat_gap_years of it."""
    gap = scenario.policy.repeat_gap_years
    if gap <= 0:
        return False
    last = year + scenario.policy.term_min - 1
    return any(
        not e.covers(year) and year <= e.end_year + gap and e.start_year <= last + gap
        for e in scenario.earlier_and_committed(person.staff_id)
    )


def starters(
    scenario: Scenario, group_id: str, year: int, cadres: bool
) -> tuple[list[Staff], dict[Rule, int]]:
    """Who could start in ``year``, and how many each rule excludes."""
    core = scenario.core_school(group_id)
    locked_busy = {c.staff_id for c in scenario.commitments if c.covers(year)}
    pool: list[Staff] = []
    excluded: dict[Rule, int] = {}
    for person in scenario.staff_of(core.school_id):
        if cadres and not person.is_cadre:
            continue
        reasons = exclusions(scenario, person, year)
        if person.staff_id in locked_busy:
            reasons.append(Rule.ONE_PLACE)
        elif gap_blocked(scenario, person, year):
            reasons.append(Rule.REPEAT_GAP)
        for rule in reasons:
            excluded[rule] = excluded.get(rule, 0) + 1
        if not reasons:
            pool.append(person)
    return pool, excluded


def quota_cost_floor(scenario: Scenario, group_id: str, year: int) -> Decimal:
    """The least the group's quotas can cost in ``year``: the cheapest
    staff for every start the quotas require in the years whose shortest
    exchange still runs in ``year`` (TERM's minimum). A lower bound."""
    policy = scenario.policy
    spend = Decimal(0)
    for y in range(year - policy.term_min + 1, year + 1):
        staff = quota_required(scenario, group_id, y, False)
        cadres = quota_required(scenario, group_id, y, True)
        if not staff and not cadres:
            continue
        pool = starters(scenario, group_id, y, False)[0]
        cheapest = min(
            (policy.cost_per_year(p.is_cadre) for p in pool), default=policy.cost_teacher
        )
        others = max(staff - cadres, 0)
        spend += cadres * policy.cost_cadre + others * cheapest
    return spend


def locked_cost(scenario: Scenario, year: int, group_id: str | None = None) -> Decimal:
    """What the commitments (of ``group_id``'s staff, or all) cost in ``year``."""
    policy = scenario.policy
    group_of = {s.school_id: s.group_id for s in scenario.schools}
    total = Decimal(0)
    for c in scenario.commitments:
        person = scenario.staff_by_id[c.staff_id]
        if c.covers(year) and group_id in (None, group_of.get(person.school_id)):
            total += policy.cost_per_year(person.is_cadre)
    return total


def money_unit(scenario: Scenario) -> Decimal:
    """The smallest amount of money the scenario's costs and funds are
    written in (0.01 for amounts with cents): shares are whole units."""
    policy = scenario.policy
    return Decimal(1) / money_scale(
        [policy.cost_teacher, policy.cost_cadre, *(b.amount for b in scenario.budget)]
    )


def split_fund(
    scenario: Scenario, groups: list[Scenario], plans: list[list[Exchange]]
) -> list[list[BudgetRow]] | None:
    """Each group's share of every budget row, so that the shares add up to
    at most the fund: first what the group's quotas and commitments cost at
    least, then the rest in proportion to what the group's ``plans`` (made
    without the fund) spend beyond that. None if the floors alone overspend.
    """
    unit = money_unit(scenario)
    spent = [scenario.cost_by_year(plan) for plan in plans]
    shares: list[list[BudgetRow]] = [[] for _ in groups]
    for row in scenario.budget:
        floors, wants = [], []
        for part, cost in zip(groups, spent, strict=True):
            gid = part.groups[0].group_id
            floors.append(locked_cost(part, row.year, gid) + quota_cost_floor(part, gid, row.year))
            spend = cost.get(row.year, Decimal(0))
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


def part_size(scenario: Scenario) -> int:
    """How big a part is, for sharing time and work among parts."""
    return len(scenario.staff) + 1


def time_and_work_shares(
    parts: Sequence[Scenario], processes: int, seconds: float, work: float | None
) -> list[tuple[float, float | None]]:
    """Each part's seconds and deterministic work out of ``seconds`` and
    ``work``. Time is shared by size, and with several processes a part may
    use its share times the processes running beside it; work is shared by
    size alone, as if the parts ran one after the other, so that it is the
    same on any number of processes."""
    sizes = [part_size(p) for p in parts]
    total = sum(sizes)
    return [
        (
            seconds * min(1.0, processes * size / total),
            None if work is None else work * size / total,
        )
        for size in sizes
    ]
