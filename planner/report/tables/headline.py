"""The figures a head of section reads first: total need, covered, share,
the lowest school, exchanges, people and cadres, overall and per group.

Counts are of staff (a need row of 3 covered by 2 counts 3 and 2), not the
priority-weighted figures COVER maximises; the weighted ones stay in the
summary's objective rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planner.data import Plan, Scenario
from planner.report.tables.common import ratio_of
from planner.results import AuditReport

__all__ = ["GroupHeadline", "Headline", "headline"]


@dataclass(frozen=True)
class GroupHeadline:
    """One group's (or the whole district's) figures."""

    name: str
    need: int
    covered: int
    share: Decimal | None  # covered / need, None without needs
    lowest_school: str | None  # the school with the lowest share (its name)
    lowest_share: Decimal | None
    exchanges: int
    people: int
    cadres: int


@dataclass(frozen=True)
class Headline:
    total: GroupHeadline
    groups: tuple[GroupHeadline, ...]


def _figures(
    scenario: Scenario,
    plan: Plan,
    report: AuditReport,
    name: str,
    group_id: str | None,
) -> GroupHeadline:
    def in_group(school_id: str) -> bool:
        school = scenario.school_by_id.get(school_id)
        return group_id is None or (school is not None and school.group_id == group_id)

    per_school: dict[str, list[int]] = {}
    for cov in report.coverage:
        if not in_group(cov.need.school_id):
            continue
        entry = per_school.setdefault(cov.need.school_id, [0, 0])
        entry[0] += cov.need.count
        entry[1] += cov.covered
    need = sum(n for n, _ in per_school.values())
    covered = sum(c for _, c in per_school.values())
    shares = {sid: ratio_of(Decimal(c), Decimal(n)) for sid, (n, c) in per_school.items() if n > 0}
    lowest = min(shares, key=lambda sid: (shares[sid], sid), default=None)
    exchanges = [e for e in plan.exchanges if in_group(e.school_id)]
    people = {e.staff_id for e in exchanges}
    cadres = {
        sid for sid in people if (p := scenario.staff_by_id.get(sid)) is not None and p.is_cadre
    }
    school = scenario.school_by_id.get(lowest) if lowest is not None else None
    return GroupHeadline(
        name=name,
        need=need,
        covered=covered,
        share=ratio_of(Decimal(covered), Decimal(need)),
        lowest_school=(school.name or school.school_id) if school else lowest,
        lowest_share=shares[lowest] if lowest is not None else None,
        exchanges=len(exchanges),
        people=len(people),
        cadres=len(cadres),
    )


def headline(scenario: Scenario, plan: Plan, report: AuditReport) -> Headline:
    """The headline figures of ``plan``, overall and per group."""
    return Headline(
        total=_figures(scenario, plan, report, "", None),
        groups=tuple(_figures(scenario, plan, report, g.name, g.group_id) for g in scenario.groups),
    )
