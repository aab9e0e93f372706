"""Look-ups and text helpers the report tables share (names of groups,
schools and people; ratios; shortened lists)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from planner.data import Exchange, Plan, Scenario

__all__ = [
    "RATIO_PLACES",
    "core_school_id",
    "group_name",
    "listed_text",
    "locked_keys",
    "people_text",
    "person_text",
    "ratio_of",
    "school_name",
    "serving_at",
]

RATIO_PLACES = Decimal("0.0001")
_MAX_LISTED = 12  # people named in one note


def locked_keys(scenario: Scenario) -> set[tuple[str, str, int, int]]:
    """Keys (staff, school, start, end) of the scenario's commitments."""
    return {c.key() for c in scenario.commitments}


def group_name(scenario: Scenario, group_id: str | None) -> str | None:
    if group_id is None:
        return None
    group = scenario.group_by_id.get(group_id)
    return group.name if group is not None else group_id


def school_name(scenario: Scenario, school_id: str | None) -> str | None:
    school = scenario.school_by_id.get(school_id) if school_id is not None else None
    return school.name if school is not None else None


def person_text(scenario: Scenario, staff_id: str) -> str:
    person = scenario.staff_by_id.get(staff_id)
    if person is None:
        return staff_id
    return f"{staff_id} {person.name} ({person.subject})"


def people_text(scenario: Scenario, staff_ids: Iterable[str]) -> str:
    return "; ".join(person_text(scenario, s) for s in sorted(set(staff_ids)))


def serving_at(plan: Plan, school_id: str, year: int) -> list[Exchange]:
    return plan.at_school(school_id, year)


def core_school_id(scenario: Scenario, group_id: str) -> str | None:
    try:
        return scenario.core_school(group_id).school_id
    except KeyError:
        return None


def ratio_of(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part / whole).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def listed_text(items: Sequence[str]) -> str:
    shown = list(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown.append(f"... (+{len(items) - _MAX_LISTED})")
    return "; ".join(shown)
