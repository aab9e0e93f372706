"""The mutual-exchange sheet (互派) and the texts naming mutual movers."""

from __future__ import annotations

from collections.abc import Iterable

from planner.data import MutualMove, Scenario
from planner.report.tables.common import group_name, school_name
from planner.report.tables.rows import MutualRow

__all__ = ["arrivals_at", "departures_from", "movers_text", "mutual_rows"]


def mutual_rows(scenario: Scenario) -> list[MutualRow]:
    """One row per mutual move, by start year, then receiving school and person."""
    rows: list[MutualRow] = []
    for move in sorted(scenario.mutual, key=lambda m: (m.start_year, m.to_school, m.staff_id)):
        school = scenario.school_by_id.get(move.from_school)
        rows.append(
            MutualRow(
                staff_id=move.staff_id,
                name=move.name,
                from_school_id=move.from_school,
                from_school_name=school_name(scenario, move.from_school),
                to_school_id=move.to_school,
                to_school_name=school_name(scenario, move.to_school),
                group=group_name(scenario, school.group_id) if school else None,
                subject=move.subject,
                stage=move.stage,
                start_year=move.start_year,
                end_year=move.end_year,
                term=move.term,
                needs_cover=move.needs_cover,
                priority=move.priority,
                ended_early=move.ended_early,
                end_reason=move.reason,
            )
        )
    return rows


def arrivals_at(scenario: Scenario, school_id: str, year: int) -> list[MutualMove]:
    """The mutual moves at core school ``school_id`` in ``year``."""
    return [m for m in scenario.mutual if m.to_school == school_id and m.covers(year)]


def departures_from(scenario: Scenario, school_id: str, year: int) -> list[MutualMove]:
    """The mutual moves away from member school ``school_id`` in ``year``."""
    return [m for m in scenario.mutual if m.from_school == school_id and m.covers(year)]


def movers_text(scenario: Scenario, staff_ids: Iterable[str]) -> str:
    """ "X1 李四 (数学, 上高学校→泰安六中); ..." for the mutual movers ``staff_ids``
    (school names where the scenario has them, else ids)."""
    wanted = set(staff_ids)
    seen: dict[str, str] = {}

    def name(school_id: str) -> str:
        school = scenario.school_by_id.get(school_id)
        return school.name if school is not None and school.name else school_id

    for m in scenario.mutual:
        if m.staff_id in wanted and m.staff_id not in seen:
            where = f"{name(m.from_school)}→{name(m.to_school)}"
            seen[m.staff_id] = f"{m.staff_id} {m.name} ({m.subject}, {where})"
    return "; ".join(seen.get(s, s) for s in sorted(wanted))
