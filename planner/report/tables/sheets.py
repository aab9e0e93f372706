"""The sheets about people and places: roster, by-school, staff, summary,
and the conflict and change sheets of a diagnosis or a replan."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from planner.analysis.replan import Change
from planner.audit import eligibility_reasons
from planner.data import Exchange, MutualMove, Plan, Scenario, School
from planner.i18n import _, pgettext, use_language
from planner.report.tables.common import (
    group_name,
    locked_keys,
    people_text,
    school_name,
    serving_at,
)
from planner.report.tables.headline import GroupHeadline, headline
from planner.report.tables.mutual import arrivals_at, departures_from, movers_text
from planner.report.tables.rows import (
    BySchoolRow,
    ChangeRow,
    ConflictRow,
    RosterRow,
    StaffRow,
    SummaryRow,
)
from planner.results import AuditReport, SolveResult

if TYPE_CHECKING:
    from planner.model.diagnose import Conflict

__all__ = [
    "by_school_rows",
    "change_rows",
    "conflict_rows",
    "group_line",
    "headline_rows",
    "roster_rows",
    "staff_rows",
    "summary_rows",
]


def roster_rows(scenario: Scenario, plan: Plan) -> list[RosterRow]:
    """One row per exchange of ``plan``, in the plan's order."""
    locked = locked_keys(scenario)
    rows: list[RosterRow] = []
    for ex in plan.exchanges:
        person = scenario.staff_by_id.get(ex.staff_id)
        home = scenario.school_by_id.get(person.school_id) if person is not None else None
        receiving = scenario.school_by_id.get(ex.school_id)
        group_id = receiving.group_id if receiving is not None else home.group_id if home else None
        rows.append(
            RosterRow(
                staff_id=ex.staff_id,
                name=person.name if person else None,
                position=person.position if person else None,
                subject=person.subject if person else None,
                stage=person.stage if person else None,
                home_school_id=person.school_id if person else None,
                home_school_name=home.name if home else None,
                school_id=ex.school_id,
                school_name=receiving.name if receiving else None,
                group=group_name(scenario, group_id),
                start_year=ex.start_year,
                end_year=ex.end_year,
                term=ex.term,
                age_at_start=person.age_at(ex.start_year) if person else None,
                honor=person.honor if person else None,
                volunteer=person.volunteer if person else None,
                locked=ex.key() in locked,
                ended_early=ex.ended_early,
                end_reason=ex.reason,
            )
        )
    return rows


def by_school_rows(scenario: Scenario, plan: Plan) -> list[BySchoolRow]:
    """Each member school of each group, each horizon year: who serves there
    and who left it on a mutual move (互派); before them the group's core
    school, when member staff arrive there on mutual moves, with who arrived."""
    rows: list[BySchoolRow] = []
    for group in scenario.groups:
        core = next((s for s in scenario.iter_core_schools() if s.group_id == group.group_id), None)
        if core is not None and any(m.to_school == core.school_id for m in scenario.mutual):
            for year in scenario.years:
                came = arrivals_at(scenario, core.school_id, year)
                rows.append(_by_school_row(scenario, group.name, core, year, [], came))
        for school in scenario.members(group.group_id):
            for year in scenario.years:
                serving = [e.staff_id for e in serving_at(plan, school.school_id, year)]
                left = departures_from(scenario, school.school_id, year)
                rows.append(_by_school_row(scenario, group.name, school, year, serving, left))
    return rows


def _by_school_row(
    scenario: Scenario,
    group: str,
    school: School,
    year: int,
    serving: list[str],
    mutual: list[MutualMove],
) -> BySchoolRow:
    return BySchoolRow(
        member_school_id=school.school_id,
        member_school_name=school.name,
        role=school.role,
        group=group,
        year=year,
        member=scenario.is_member(school, year),
        staff=people_text(scenario, serving),
        count=len(set(serving)),
        capacity=school.capacity,
        mutual=movers_text(scenario, (m.staff_id for m in mutual)),
    )


def staff_rows(scenario: Scenario, plan: Plan) -> list[StaffRow]:
    """Every staff member: eligibility in the first year and exchange record."""
    first = scenario.first_year
    rows: list[StaffRow] = []
    for person in scenario.staff:
        reasons = eligibility_reasons(scenario, person, first)
        mine = sorted(plan.by_staff(person.staff_id), key=lambda e: e.start_year)
        rows.append(
            StaffRow(
                staff_id=person.staff_id,
                name=person.name,
                staff_school_id=person.school_id,
                staff_school_name=school_name(scenario, person.school_id),
                subject=person.subject,
                stage=person.stage,
                position=person.position,
                age_first_year=person.age_at(first),
                honor=person.honor,
                level_ok=person.level_ok,
                age_exception=person.age_exception,
                volunteer=person.volunteer,
                needs_experience=person.needs_experience,
                eligible_first_year=not reasons,
                reasons=",".join(reasons),
                placed=bool(mine),
                placements="; ".join(
                    " ".join(
                        x
                        for x in (
                            e.school_id,
                            school_name(scenario, e.school_id),
                            f"{e.start_year}-{e.end_year}",
                        )
                        if x
                    )
                    for e in mine
                ),
                exchange_years=scenario.exchange_years(person.staff_id, plan),
            )
        )
    return rows


_MAX_VIOLATIONS_LISTED = 50


def headline_rows(
    scenario: Scenario, plan: Plan, report: AuditReport, lang: str = "en"
) -> list[SummaryRow]:
    """The head of section's figures: need, covered, share, the lowest school,
    people and cadres; then one line per group."""
    head = headline(scenario, plan, report)
    total = head.total
    rows = [
        SummaryRow("need_total", None, total.need),
        SummaryRow("covered_total", None, total.covered),
        SummaryRow("covered_share", None, total.share),
        SummaryRow("lowest_school", None, _lowest(total.lowest_school, total.lowest_share)),
        SummaryRow("people", None, total.people),
        SummaryRow("cadres", None, total.cadres),
    ]
    rows.extend(SummaryRow("group_line", g.name, group_line(g, lang)) for g in head.groups)
    return rows


def _lowest(name: str | None, share: Decimal | None) -> str:
    if name is None:
        return ""
    return f"{name} {share * 100:.1f}%" if share is not None else name


def group_line(g: GroupHeadline, lang: str = "en") -> str:
    """One group's figures as one line."""
    share = f"{g.share * 100:.1f}%" if g.share is not None else "-"
    lowest = _lowest(g.lowest_school, g.lowest_share)
    with use_language(lang):
        return _(
            "need {need}, covered {covered} ({share}), lowest {lowest}; "
            "{exchanges} exchanges, {people} people, {cadres} cadres"
        ).format(
            need=g.need,
            covered=g.covered,
            share=share,
            lowest=lowest or pgettext("no school", "-"),
            exchanges=g.exchanges,
            people=g.people,
            cadres=g.cadres,
        )


def summary_rows(
    scenario: Scenario,
    result: SolveResult,
    report: AuditReport | None = None,
    lang: str = "en",
) -> list[SummaryRow]:
    """Scenario, status, objective values, the headline figures (with a
    report), levels, audit verdict, messages."""
    plan = result.plan
    locked = locked_keys(scenario)
    rows = [
        SummaryRow("scenario", None, scenario.name),
        SummaryRow("policy", None, scenario.policy.name),
        SummaryRow("first_year", None, scenario.first_year),
        SummaryRow("horizon", None, scenario.horizon),
        SummaryRow("status", None, result.status),
    ]
    for key, value in result.objective.items():
        rows.append(SummaryRow("objective", key, value))
    if report is not None:
        rows.extend(headline_rows(scenario, plan, report, lang))
    rows.append(SummaryRow("exchanges", None, len(plan.exchanges)))
    rows.append(SummaryRow("locked", None, sum(1 for e in plan.exchanges if e.key() in locked)))
    rows.append(SummaryRow("staff_placed", None, len({e.staff_id for e in plan.exchanges})))
    rows.append(SummaryRow("staff_total", None, len(scenario.staff)))
    for level in result.levels:
        rows.append(SummaryRow("level_value", level.name, level.value))
        rows.append(SummaryRow("level_bound", level.name, level.bound))
        rows.append(SummaryRow("level_status", level.name, level.status))
    if report is not None:
        rows.append(SummaryRow("audit_valid", None, report.valid))
        rows.append(SummaryRow("audit_coverage", None, report.total_coverage))
        rows.append(SummaryRow("violations", None, len(report.violations)))
        for v in report.violations[:_MAX_VIOLATIONS_LISTED]:
            rows.append(SummaryRow("violation", v.rule, str(v)))
        more = len(report.violations) - _MAX_VIOLATIONS_LISTED
        if more > 0:
            rows.append(SummaryRow("violation", None, f"... (+{more})"))
    for s in result.shortfalls:
        where = " ".join(str(x) for x in (s.group_id, s.year, s.scope) if x is not None)
        rows.append(SummaryRow("shortfall", s.rule, f"{where}: {s.amount}" if where else s.amount))
    rows.append(SummaryRow("build_seconds", None, round(result.build_seconds, 3)))
    rows.append(SummaryRow("solve_seconds", None, round(result.solve_seconds, 3)))
    for message in result.messages:
        rows.append(SummaryRow("message", None, message))
    return rows


def conflict_rows(scenario: Scenario, conflicts: Sequence[Conflict]) -> list[ConflictRow]:
    """The conflicts that leave a scenario without a plan, one row each."""
    return [
        ConflictRow(
            rules=",".join(c.rules),
            group=group_name(scenario, c.group_id),
            year=c.year,
            required=c.required,
            possible=c.possible,
            message=c.message,
            instances="; ".join(str(i) for i in c.instances),
        )
        for c in conflicts
    ]


def change_rows(scenario: Scenario, changes: Sequence[Change]) -> list[ChangeRow]:
    """One row per change of a replan against the published plan."""

    def show(e: Exchange | None) -> str:
        return f"{e.school_id} {e.start_year}-{e.end_year}" if e else ""

    rows = []
    for change in changes:
        person = scenario.staff_by_id.get(change.staff_id)
        rows.append(
            ChangeRow(
                change.kind,
                change.staff_id,
                # Gone from this year's staff list (the reason says so):
                # the plan holds no names, so say it rather than leave it blank.
                person.name if person else _("(not on the staff list)"),
                group_name(scenario, change.group_id),
                change.year,
                show(change.before),
                show(change.after),
                change.reason,
            )
        )
    return rows
