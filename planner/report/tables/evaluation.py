"""The bundled evaluation sheet (捆绑式评价): per group and horizon year."""

from __future__ import annotations

from decimal import Decimal

from planner.data import Plan, Scenario, Staff
from planner.report.tables.common import core_school_id, ratio_of
from planner.report.tables.mutual import arrivals_at
from planner.report.tables.rows import EvaluationRow
from planner.results import AuditReport, NeedCoverage
from planner.rules import Rule

__all__ = ["evaluation_rows"]


def _quotas(report: AuditReport) -> dict[tuple[str, str | None, int | None], Decimal | None]:
    """What the audit's first check of each (rule, group, year) requires."""
    out: dict[tuple[str, str | None, int | None], Decimal | None] = {}
    for check in report.checks:
        if check.rule in (Rule.TEACHER_QUOTA, Rule.CADRE_QUOTA):
            out.setdefault((check.rule, check.group_id, check.year), check.required)
    return out


def evaluation_rows(scenario: Scenario, plan: Plan, report: AuditReport) -> list[EvaluationRow]:
    """The bundled evaluation (捆绑式评价), per group and horizon year.

    ``staff_started``/``cadres_started``: exchanges starting that year whose
    staff member belongs to the group's core school (locked ones included);
    ``staff_serving``: staff serving at the group's member schools that year;
    ``mutual_arrivals``: the other direction, member staff at the core school
    that year on a mutual move (互派; never counted towards the quotas);
    ``weighted_need``/``weighted_covered``: sums of priority x count and of
    priority x covered over the members' needs of that year (from the audit);
    the quota columns: what the audit's TEACHER-QUOTA and CADRE-QUOTA checks
    require that year (blank: no quota that year).
    """
    quotas = _quotas(report)
    starts_by: dict[tuple[int, str], list[Staff]] = {}  # (year, home school): staff starting
    for e in plan.exchanges:
        person = scenario.staff_by_id.get(e.staff_id)
        if person is not None:
            starts_by.setdefault((e.start_year, person.school_id), []).append(person)
    covs_by: dict[tuple[int, str], list[NeedCoverage]] = {}
    for c in report.coverage:
        covs_by.setdefault((c.need.year, c.need.school_id), []).append(c)
    rows: list[EvaluationRow] = []
    for group in scenario.groups:
        core_id = core_school_id(scenario, group.group_id)
        members = [s.school_id for s in scenario.members(group.group_id)]
        headcount = len(scenario.staff_of(core_id)) if core_id is not None else 0
        for year in scenario.years:
            starts = starts_by.get((year, core_id), []) if core_id is not None else []
            serving = {e.staff_id for m in members for e in plan.at_school(m, year)}
            covs = [c for m in dict.fromkeys(members) for c in covs_by.get((year, m), ())]
            need = sum((c.need.priority * c.need.count for c in covs), Decimal(0))
            covered = sum((c.weighted for c in covs), Decimal(0))
            rows.append(
                EvaluationRow(
                    group_id=group.group_id,
                    group=group.name,
                    year=year,
                    core_headcount=headcount,
                    staff_started=len(starts),
                    cadres_started=sum(1 for p in starts if p.is_cadre),
                    staff_serving=len(serving),
                    mutual_arrivals=len(arrivals_at(scenario, core_id, year)) if core_id else 0,
                    weighted_need=need,
                    weighted_covered=covered,
                    coverage_ratio=ratio_of(covered, need),
                    teacher_quota_required=quotas.get((Rule.TEACHER_QUOTA, group.group_id, year)),
                    cadre_quota_required=quotas.get((Rule.CADRE_QUOTA, group.group_id, year)),
                )
            )
    return rows
