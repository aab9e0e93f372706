"""Whether CP-SAT can hold a scenario's numbers exactly: checked before any
model is built, so that a scenario it cannot hold is refused with the input
to change, never solved into a different plan.

Priorities and money are exact decimals. Each goal and BUDGET turn them into
the smallest exact integers (:mod:`planner.model.quantities`: the least
common denominator, divided by the greatest common divisor). CP-SAT refuses a
model in which a linear expression could exceed
:data:`planner.model.quantities.CP_SAT_LIMIT` (2^62 - 1, about 4.6 x 10^18),
summing |coefficient| x each variable's largest value. Every such sum the
model makes from these numbers is bounded here the way the model makes it:

COVER     sum of weight x count over need rows (covered units never exceed
          the count);
FAIR      10,000 (basis points) x each school's weight x count, the school's
          weights in lowest terms on their own;
COST      the cost of every possible exchange, every year of it;
BUDGET    each year's fund, and the cost of every possible exchange running
          that year; with BUDGET relaxed, OVERSPEND adds up the excesses.

Counts of people (quotas, CAPACITY, CORE-KEEP, PREFER's penalties, STABLE)
stay far below the limit. Arithmetic on the inputs: no model is built.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from fractions import Fraction

from planner.data import Scenario
from planner.i18n import _, rule_label
from planner.model.objective import FAIR_SCALE
from planner.model.quantities import (
    CP_SAT_LIMIT,
    budget_weights,
    cost_weights,
    priority_weights,
    school_weights,
)
from planner.model.variables import possible_exchanges
from planner.problems import Problem
from planner.rules import Rule


def _limit() -> str:
    """The solver's limit for a reader: ``9223372036854775807 (about 4.6×10^18)``."""
    return _("{limit} (about 4.6×10^18)").format(limit=CP_SAT_LIMIT)


def range_problems(
    scenario: Scenario, order: Collection[str], relax: Collection[str] = ()
) -> list[Problem]:
    """What makes a number of ``scenario`` too large for CP-SAT to hold
    exactly, for the goals in ``order`` and the relaxed rules ``relax``;
    empty if the model fits."""
    problems = _cover(scenario)
    if "FAIR" in order:
        problems += _fair(scenario)
    policy = scenario.policy
    money = bool(policy.cost_teacher or policy.cost_cadre)
    exchanges: list[tuple[bool, int, int]] = []
    if money and ("COST" in order or scenario.budget):
        exchanges = [
            (p.is_cadre, start, n) for p, _school, start, n, _w in possible_exchanges(scenario)
        ]
    if money and "COST" in order:
        problems += _cost(scenario, exchanges)
    if scenario.budget:
        problems += _budget(scenario, exchanges, Rule.BUDGET in relax)
    return problems


def _need_label(scenario: Scenario, index: int) -> str:
    need = scenario.all_needs[index]
    return _("need (school {school}, {year}, {subject})").format(
        school=need.school_id, year=need.year, subject=need.subject
    )


def _need_problem(scenario: Scenario, index: int, weight: int, expected: str) -> Problem:
    """The need row whose priority (or count) makes a sum too large."""
    need = scenario.all_needs[index]
    # A need left by mutual moves alone (互派) comes from the mutual sheet.
    sheet = "mutual" if len(need.mutual_from) == need.count else "needs"
    if need.count > weight and sheet == "needs":
        return Problem(sheet, None, "count", str(need.count), expected)
    return Problem(sheet, None, "priority", str(need.priority), expected)


def _cover(scenario: Scenario) -> list[Problem]:
    weights, _scale = priority_weights(scenario.all_needs)
    terms = {i: w * scenario.all_needs[i].count for i, w in weights.items()}
    total = sum(terms.values())
    if total <= CP_SAT_LIMIT:
        return []
    worst = max(terms, key=lambda i: (terms[i], -i))
    expected = _(
        "{need}: priorities are computed exactly as written; the need rows' priorities as "
        "integers times their counts sum to {total}, beyond the largest number the solver "
        "handles exactly, {limit}. Write priorities with fewer decimals (e.g. 0.33, or the "
        "integers 1, 2, 3 for their weight), or smaller counts."
    ).format(need=_need_label(scenario, worst), total=total, limit=_limit())
    return [_need_problem(scenario, worst, weights[worst], expected)]


def _fair(scenario: Scenario) -> list[Problem]:
    problems = []
    for school_id, weights in sorted(school_weights(scenario.all_needs).items()):
        terms = {i: w * scenario.all_needs[i].count for i, w in weights.items()}
        wanted = sum(terms.values())
        if FAIR_SCALE * wanted <= CP_SAT_LIMIT:
            continue
        worst = max(terms, key=lambda i: (terms[i], -i))
        expected = _(
            "{need}: school {school}'s need rows' priorities as integers times their counts "
            "sum to {wanted}; the fairness goal (FAIR) counts shares in ten-thousandths, and "
            "this sum times 10000 may not exceed the solver's limit {limit}. Write the "
            "school's priorities with fewer decimals, or smaller counts."
        ).format(need=_need_label(scenario, worst), school=school_id, wanted=wanted, limit=_limit())
        problems.append(_need_problem(scenario, worst, weights[worst], expected))
    return problems


def _money_culprit(values: Sequence[tuple[str, str, Decimal]]) -> tuple[str, str, Decimal]:
    """Of (sheet, column, amount), the one that most enlarges the integers:
    the most decimal places (they set the common denominator), else the largest."""
    return max(values, key=lambda v: (Fraction(v[2]).denominator, v[2]))


def _cost(scenario: Scenario, exchanges: list[tuple[bool, int, int]]) -> list[Problem]:
    policy = scenario.policy
    cost, _scale = cost_weights(policy)
    total = sum(cost[cadre] * length for cadre, _start, length in exchanges)
    if total <= CP_SAT_LIMIT:
        return []
    sheet, column, value = _money_culprit(
        [
            ("policy", "cost_teacher", policy.cost_teacher),
            ("policy", "cost_cadre", policy.cost_cadre),
        ]
    )
    expected = _(
        "costs are computed exactly as written: with cost_teacher and cost_cadre as "
        "integers, the yearly costs of the {n} possible exchanges sum to {total}, beyond the "
        "largest number the solver handles exactly, {limit}. Write costs with at most two "
        "decimals (fen), or give costs and funds in thousands or ten-thousands of yuan."
    ).format(n=len(exchanges), total=total, limit=_limit())
    return [Problem(sheet, None, column, str(value), expected)]


def _budget(
    scenario: Scenario, exchanges: list[tuple[bool, int, int]], relaxed: bool
) -> list[Problem]:
    policy = scenario.policy
    rows = scenario.budget
    cost, amounts, _scale = budget_weights(policy.cost_teacher, policy.cost_cadre, rows)
    problems: list[Problem] = []
    excess = 0
    for row, amount in zip(rows, amounts, strict=True):
        locked = sum(
            cost[scenario.staff_by_id[c.staff_id].is_cadre]
            for c in scenario.commitments
            if c.covers(row.year)
        )
        running = sum(cost[cadre] for cadre, start, n in exchanges if start <= row.year < start + n)
        most = locked + running
        excess += max(most - amount, 0)
        if max(most, amount) <= CP_SAT_LIMIT:
            continue
        sheet, column, value = _money_culprit(
            [
                ("budget", "amount", row.amount),
                ("policy", "cost_teacher", policy.cost_teacher),
                ("policy", "cost_cadre", policy.cost_cadre),
            ]
        )
        expected = _(
            "fund {amount} of {year}: costs and funds are computed exactly as written; as "
            "integers the year's fund is {scaled} and the costs of all possible exchanges "
            "sum to {most}, beyond the largest number the solver handles exactly, {limit}. "
            "Write amounts with at most two decimals (fen), or give funds and costs in "
            "ten-thousands of yuan."
        ).format(amount=row.amount, year=row.year, scaled=amount, most=most, limit=_limit())
        problems.append(Problem(sheet, None, column, str(value), expected))
    if relaxed and not problems and excess > CP_SAT_LIMIT:
        largest = max(rows, key=lambda r: r.amount)
        expected = _(
            "with {budget} relaxed, the overspending of all years (as integers at most "
            "{excess}) is beyond the largest number the solver handles exactly, {limit}. "
            "Write amounts with at most two decimals (fen), or give funds and costs in "
            "ten-thousands of yuan."
        ).format(budget=rule_label(Rule.BUDGET), excess=excess, limit=_limit())
        problems.append(Problem("budget", None, "amount", str(largest.amount), expected))
    return problems
