"""Eligibility computed afresh: age in full years, honour rank, certification.

Stated here again on purpose (not taken from the model) so the audit and the
model check each other.
"""

from __future__ import annotations

import datetime as dt

from planner.data import Scenario, Staff
from planner.enums import Honor, Position
from planner.rules import Rule

# Honour levels from lowest to highest, stated here again on purpose.
HONOR_LEVEL: dict[Honor, int] = {
    Honor.NONE: 0,
    Honor.SCHOOL: 1,
    Honor.DISTRICT: 2,
    Honor.CITY: 3,
    Honor.PROVINCE: 4,
    Honor.NATIONAL: 5,
}
CADRE_POSITIONS = frozenset({Position.MIDDLE, Position.SENIOR})


def age_in_full_years(birth_date: dt.date, school_year: int) -> int:
    """Full years (周岁) on 1 September of ``school_year``.

    Counted in whole months, then whole years: someone born on 1 September
    has their birthday that day (a month completes on the same day number).
    """
    months = (school_year - birth_date.year) * 12 + (9 - birth_date.month)
    if birth_date.day > 1:  # the month to 1 September is not complete yet
        months -= 1
    return months // 12


def age_over(scenario: Scenario, person: Staff, year: int) -> tuple[int, int]:
    """(age at the start, years over the limit; 0 when within it or excepted)."""
    age = age_in_full_years(person.birth_date, year)
    over = age - scenario.policy.max_age
    return age, (over if over > 0 and not person.age_exception else 0)


def honor_short(scenario: Scenario, person: Staff) -> int:
    """Honour levels ``person`` lacks for the policy's ``min_honor`` (0: enough)."""
    return max(HONOR_LEVEL[scenario.policy.min_honor] - HONOR_LEVEL[person.honor], 0)


def level_missing(scenario: Scenario, person: Staff) -> bool:
    """The policy requires certified level and ``person`` does not have it."""
    return scenario.policy.require_level and not person.level_ok


def eligibility_reasons(scenario: Scenario, staff: Staff, start_year: int) -> list[str]:
    """Rule ids keeping ``staff`` from starting an exchange in ``start_year``.

    In order: AGE (over ``max_age`` on 1 September without an approved
    exception), HONOR (below ``min_honor``), LEVEL (not certified while the
    policy requires it), AVAILABLE (marked unavailable that year), BAN (a
    ban with a blank school: never sent at all). Empty: eligible. A ban to
    one school only leaves the others open: see :func:`banned_schools`.
    """
    reasons: list[str] = []
    if age_over(scenario, staff, start_year)[1] > 0:
        reasons.append(Rule.AGE)
    if honor_short(scenario, staff) > 0:
        reasons.append(Rule.HONOR)
    if level_missing(scenario, staff):
        reasons.append(Rule.LEVEL)
    if start_year in staff.unavailable:
        reasons.append(Rule.AVAILABLE)
    if None in banned_schools(scenario, staff):
        reasons.append(Rule.BAN)
    return reasons


def banned_schools(scenario: Scenario, staff: Staff) -> set[str | None]:
    """The schools a ban keeps ``staff`` from (None in it: every school)."""
    return {b.school_id for b in scenario.bans if b.staff_id == staff.staff_id}
