"""Rules that decide which exchanges may exist at all (the decision domain).

TERM, AGE, HONOR, LEVEL, MEMBERSHIP, AVAILABLE, HORIZON and BAN say nothing
about how exchanges combine; they rule single exchanges in or out. The model enforces
them by never creating a decision for an exchange they forbid, which is exact
and keeps the model small. Each function is named by its rule id.

Locked commitments are not filtered: they are checked against TERM,
MEMBERSHIP and AVAILABLE by :meth:`Constraints.locked`, since the rules hold
for them too (``rules.md``: "every exchange, locked ones too"). HORIZON and
BAN bind decisions only: a commitment may start before the horizon, and one
against a ban is kept (:func:`banned_commitments` lists those, for a note).
"""

from __future__ import annotations

from planner.data import Ban, Exchange, Scenario, School, Staff
from planner.policy import Policy


def horizon(scenario: Scenario) -> range:
    """HORIZON: a decision starts only in a year of the horizon
    (``first_year .. first_year + horizon - 1``); it may run past its end."""
    return scenario.years


def ban(scenario: Scenario, staff: Staff, school: School) -> bool:
    """BAN: no ban in the input keeps ``staff`` from ``school`` (a ban with a
    blank school keeps them from every school). True: the exchange may exist."""
    return ban_of(scenario, staff.staff_id, school.school_id) is None


def ban_of(scenario: Scenario, staff_id: str, school_id: str) -> Ban | None:
    """The first ban that keeps ``staff_id`` from ``school_id``, if any."""
    return next(
        (b for b in scenario.bans if b.staff_id == staff_id and b.school_id in (None, school_id)),
        None,
    )


def banned_commitments(scenario: Scenario) -> list[Exchange]:
    """Commitments a ban would forbid: kept (bans bind decisions only), reported."""
    return [
        c for c in scenario.commitments if ban_of(scenario, c.staff_id, c.school_id) is not None
    ]


def term(policy: Policy) -> range:
    """TERM: an exchange lasts term_min..term_max whole school years."""
    return range(policy.term_min, policy.term_max + 1)


def term_of(policy: Policy, ended_early: bool) -> range:
    """TERM for one exchange: one that ended early ("Ended early" in
    ``rules.md``) is exempt from the minimum, never from the maximum."""
    lengths = term(policy)
    return range(1, lengths.stop) if ended_early else lengths


def age(staff: Staff, start_year: int, policy: Policy) -> bool:
    """AGE: at most max_age full years on 1 September of the start year,
    unless an approved exception is recorded."""
    return staff.age_exception or staff.age_at(start_year) <= policy.max_age


def honor(staff: Staff, policy: Policy) -> bool:
    """HONOR: holds an honour of at least min_honor (default: district)."""
    return staff.honor.at_least(policy.min_honor)


def level(staff: Staff, policy: Policy) -> bool:
    """LEVEL: certified high teaching or management level, where required."""
    return staff.level_ok or not policy.require_level


def membership(scenario: Scenario, staff: Staff, school: School, years: range) -> bool:
    """MEMBERSHIP: the school has a receiving role, its group's core school is
    the staff member's school, and it is a member in every year of the exchange."""
    if school.role not in scenario.policy.receiving_roles:
        return False
    home = scenario.school_by_id[staff.school_id]
    if home.group_id != school.group_id:
        return False
    return all(scenario.is_member(school, year) for year in years)


def available(staff: Staff, years: range) -> bool:
    """AVAILABLE: not marked unavailable in any year of the exchange."""
    return not any(year in staff.unavailable for year in years)


def eligible_to_start(staff: Staff, start_year: int, policy: Policy) -> bool:
    """AGE, HONOR and LEVEL together: may this person start an exchange then?"""
    return age(staff, start_year, policy) and honor(staff, policy) and level(staff, policy)
