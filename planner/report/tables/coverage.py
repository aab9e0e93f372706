"""The coverage sheet: each need of the audit, what the plan covers and,
for a gap, why (:mod:`planner.report.tables.unmet`)."""

from __future__ import annotations

from planner.data import Plan, Scenario
from planner.report.tables.common import group_name, people_text
from planner.report.tables.mutual import movers_text
from planner.report.tables.rows import CoverageRow
from planner.report.tables.unmet import note, unmet_reason
from planner.results import AuditReport

__all__ = ["coverage_rows"]


def coverage_rows(
    scenario: Scenario, plan: Plan, report: AuditReport, lang: str = "en"
) -> list[CoverageRow]:
    """Each need row of the audit: need, covered, gap and, for a gap, why.

    ``reason`` codes: ``NO-ELIGIBLE`` (no staff of that subject and stage
    at the group's core school can serve that year: none exist, or each is
    ineligible by AGE/HONOR/LEVEL at every start year that reaches it, or
    unavailable, AVAILABLE); ``NOT-CHOSEN`` (some could, the plan placed them
    elsewhere or kept them home), with ``CAPACITY``, ``CORE-KEEP`` or
    ``BUDGET`` added when that rule is exactly at its limit there;
    ``MEMBERSHIP`` (the school cannot receive staff that year).
    ``mutual_from`` names the mutual movers (互派) whose departure added to
    the need (the audit's coverage covers the needs of ``Scenario.all_needs``).
    """
    rows: list[CoverageRow] = []
    spent = scenario.cost_by_year(plan.exchanges)
    for cov in report.coverage:
        need = cov.need
        school = scenario.school_by_id.get(need.school_id)
        stage = need.stage if need.stage is not None else (school.stage if school else None)
        gap = need.count - cov.covered
        codes: list[str] = []
        notes: list[str] = []
        if gap > 0:
            codes, notes = unmet_reason(scenario, plan, cov, lang, spent)
            notes.insert(0, note(lang, "covered", covered=cov.covered, count=need.count))
        rows.append(
            CoverageRow(
                need_school_id=need.school_id,
                need_school_name=school.name if school else None,
                group=group_name(scenario, school.group_id) if school else None,
                year=need.year,
                subject=need.subject,
                need_stage=stage,
                priority=need.priority,
                count=need.count,
                covered=cov.covered,
                gap=gap,
                weighted_need=need.priority * need.count,
                weighted_covered=cov.weighted,
                serving=people_text(scenario, cov.serving),
                reason=",".join(codes),
                reason_note="; ".join(notes),
                mutual_from=movers_text(scenario, need.mutual_from),
            )
        )
    return rows
