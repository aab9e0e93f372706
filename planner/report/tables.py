"""The report tables of a solved plan, as plain rows (no spreadsheet here).

One function per sheet of the roster workbook; each returns a list of frozen
row dataclasses whose field order is the sheet's column order. Values are
raw Python values (enums, bools, Decimals, None); the writer
(:mod:`planner.report.roster`) only translates and formats them. The only text made
here is the plain-language note of an unmet need (``lang`` picks English or
Chinese for it).

* :func:`roster_rows`: one row per exchange.
* :func:`by_school_rows`: who serves at each member school in each horizon year.
* :func:`coverage_rows`: each need, what the plan covers, and why a gap is left.
* :func:`rule_check_rows`: the audit's rule checks, per-exchange rules
  aggregated per rule, group and year.
* :func:`staff_rows`: every staff member, eligibility and exchange record.
* :func:`evaluation_rows`: the bundled evaluation (捆绑式评价) per group and year.
* :func:`summary_rows`: the solve's status and objective values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from planner.analysis.replan import Change
from planner.audit import eligibility_reasons
from planner.data import Exchange, Plan, Scenario, Staff
from planner.enums import Honor, Position, Role, Stage
from planner.results import AuditReport, NeedCoverage, RuleCheck, Shortfall, SolveResult
from planner.rules import PER_EXCHANGE, PLAN_RULE, Rule

if TYPE_CHECKING:
    from planner.model.diagnose import Conflict

__all__ = [
    "AGGREGATED_RULES",
    "RULE_ORDER",
    "BySchoolRow",
    "ConflictRow",
    "CoverageRow",
    "EvaluationRow",
    "ReportTables",
    "RosterRow",
    "RuleCheckRow",
    "StaffRow",
    "SummaryRow",
    "build_tables",
    "by_school_rows",
    "conflict_rows",
    "coverage_rows",
    "evaluation_rows",
    "locked_keys",
    "roster_rows",
    "rule_check_rows",
    "staff_rows",
    "summary_rows",
]

# Rule ids in the order of rules.md, after the audit's own PLAN (the
# rule-check sheet sorts by it).
RULE_ORDER: tuple[str, ...] = (PLAN_RULE, *Rule)

# Rules checked once per exchange (or exchange start): one sheet row per
# rule, group and year instead of one per exchange.
AGGREGATED_RULES: frozenset[str] = frozenset({PLAN_RULE, *PER_EXCHANGE})

RATIO_PLACES = Decimal("0.0001")
_MAX_LISTED = 12  # people named in one note


# ---------------------------------------------------------------------------
# Row types (field order = column order)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    staff_id: str
    name: str | None
    position: Position | None
    subject: str | None
    stage: Stage | None
    home_school_id: str | None
    home_school_name: str | None
    school_id: str  # the receiving school
    school_name: str | None
    group: str | None
    start_year: int
    end_year: int
    term: int
    age_at_start: int | None
    honor: Honor | None
    volunteer: bool | None
    locked: bool


@dataclass(frozen=True)
class BySchoolRow:
    member_school_id: str
    member_school_name: str
    role: Role
    group: str | None
    year: int
    member: bool  # a member of its group that year (MEMBERSHIP)
    staff: str  # "S1 张三 (数学); ..."
    count: int
    capacity: int | None


@dataclass(frozen=True)
class CoverageRow:
    need_school_id: str
    need_school_name: str | None
    group: str | None
    year: int
    subject: str
    need_stage: Stage | None
    priority: Decimal
    count: int
    covered: int
    gap: int
    weighted_need: Decimal
    weighted_covered: Decimal
    serving: str
    reason: str  # reason codes, comma-separated; blank when the need is met
    reason_note: str


@dataclass(frozen=True)
class RuleCheckRow:
    rule: str
    group: str | None
    year: int | None
    scope: str | None  # the instance (school, subject, ...), or the violators of an aggregate
    required: Decimal | None
    achieved: Decimal | None
    checked: int  # instances checked (1 unless aggregated)
    violated: int
    status: str  # "ok", "violated", or "shortfall" (allowed by --allow-shortfall)
    note: str
    shortfall: Decimal | None = None  # size of an allowed shortfall


@dataclass(frozen=True)
class StaffRow:
    staff_id: str
    name: str
    staff_school_id: str
    staff_school_name: str | None
    subject: str
    stage: Stage
    position: Position
    age_first_year: int
    honor: Honor
    level_ok: bool
    age_exception: bool
    volunteer: bool
    needs_experience: bool
    eligible_first_year: bool
    reasons: str  # rule ids making them ineligible in first_year, joined by ','
    placed: bool
    placements: str  # "M1 学校 2022-2023; ..."
    exchange_years: int  # ledger: past exchanges (history sheet) + years in the plan


@dataclass(frozen=True)
class EvaluationRow:
    group_id: str
    group: str
    year: int
    core_headcount: int
    staff_started: int
    cadres_started: int
    staff_serving: int
    weighted_need: Decimal
    weighted_covered: Decimal
    coverage_ratio: Decimal | None  # covered / need, 4 places; None without needs
    teacher_quota_required: Decimal | None
    cadre_quota_required: Decimal | None


@dataclass(frozen=True)
class SummaryRow:
    """``item`` is a fixed key the writer translates; ``arg`` fills its label."""

    item: str
    arg: str | None
    value: object


@dataclass(frozen=True)
class ConflictRow:
    rules: str  # rule ids, comma-separated
    group: str | None
    year: int | None
    required: int | None
    possible: int | None
    message: str
    instances: str  # "label: detail; ..."


@dataclass(frozen=True)
class ReportTables:
    summary: list[SummaryRow]
    roster: list[RosterRow]
    by_school: list[BySchoolRow]
    coverage: list[CoverageRow]
    rule_checks: list[RuleCheckRow]
    staff: list[StaffRow]
    evaluation: list[EvaluationRow]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def locked_keys(scenario: Scenario) -> set[tuple[str, str, int, int]]:
    """Keys (staff, school, start, end) of the scenario's commitments."""
    return {c.key() for c in scenario.commitments}


def _group_name(scenario: Scenario, group_id: str | None) -> str | None:
    if group_id is None:
        return None
    group = scenario.group_by_id.get(group_id)
    return group.name if group is not None else group_id


def _school_name(scenario: Scenario, school_id: str | None) -> str | None:
    school = scenario.school_by_id.get(school_id) if school_id is not None else None
    return school.name if school is not None else None


def _person(scenario: Scenario, staff_id: str) -> str:
    person = scenario.staff_by_id.get(staff_id)
    if person is None:
        return staff_id
    return f"{staff_id} {person.name} ({person.subject})"


def _people(scenario: Scenario, staff_ids: Iterable[str]) -> str:
    return "; ".join(_person(scenario, s) for s in sorted(set(staff_ids)))


def _serving(plan: Plan, school_id: str, year: int) -> list[Exchange]:
    return [e for e in plan.in_year(year) if e.school_id == school_id]


def _core_id(scenario: Scenario, group_id: str) -> str | None:
    try:
        return scenario.core_school(group_id).school_id
    except KeyError:
        return None


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part / whole).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def _listed(items: Sequence[str]) -> str:
    shown = list(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown.append(f"... (+{len(items) - _MAX_LISTED})")
    return "; ".join(shown)


# ---------------------------------------------------------------------------
# roster
# ---------------------------------------------------------------------------


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
                group=_group_name(scenario, group_id),
                start_year=ex.start_year,
                end_year=ex.end_year,
                term=ex.term,
                age_at_start=person.age_at(ex.start_year) if person else None,
                honor=person.honor if person else None,
                volunteer=person.volunteer if person else None,
                locked=ex.key() in locked,
            )
        )
    return rows


# ---------------------------------------------------------------------------
# by school
# ---------------------------------------------------------------------------


def by_school_rows(scenario: Scenario, plan: Plan) -> list[BySchoolRow]:
    """Each member school of each group, each horizon year: who serves there."""
    rows: list[BySchoolRow] = []
    for group in scenario.groups:
        for school in scenario.members(group.group_id):
            for year in scenario.years:
                serving = [e.staff_id for e in _serving(plan, school.school_id, year)]
                rows.append(
                    BySchoolRow(
                        member_school_id=school.school_id,
                        member_school_name=school.name,
                        role=school.role,
                        group=group.name,
                        year=year,
                        member=scenario.is_member(school, year),
                        staff=_people(scenario, serving),
                        count=len(set(serving)),
                        capacity=school.capacity,
                    )
                )
    return rows


# ---------------------------------------------------------------------------
# coverage and the reasons of unmet needs
# ---------------------------------------------------------------------------

# Plain-language notes, key -> (en, zh).
NOTES: dict[str, tuple[str, str]] = {
    "covered": ("{covered} of {count} covered", "已覆盖 {covered}/{count}"),
    "not_receiving": (
        "{school} is a {role} school, which does not receive staff under the policy",
        "{school} 为{role}学校，按政策不接收交流人员",
    ),
    "not_member": (
        "{school} is not a member of its group in {year}",
        "{school} 在 {year} 学年不是集团成员",
    ),
    "no_staff": (
        "the core school {core} has no staff of {subject} ({stages})",
        "核心校 {core} 没有 {subject}（{stages}）教职工",
    ),
    "all_serving": (
        "all {n} staff of {subject} ({stages}) at {core} already serve here",
        "{core} 的 {n} 名 {subject}（{stages}）教职工已全部在此校交流",
    ),
    "no_eligible": (
        "none of the {n} staff of {subject} ({stages}) at {core} can serve in {year}: {who}",
        "{core} 的 {n} 名 {subject}（{stages}）教职工在 {year} 学年均不能交流：{who}",
    ),
    "not_chosen": (
        "{n} staff of {subject} ({stages}) could serve in {year} but are not placed here: {who}",
        "{n} 名 {subject}（{stages}）教职工可在 {year} 学年交流，但未派到此校：{who}",
    ),
    "serving_at": ("serving at {school}", "在 {school} 交流"),
    "at_home": ("not on exchange", "未交流"),
    "capacity": (
        "{school} already hosts {hosted}, its capacity, in {year}",
        "{school} 在 {year} 学年已接收 {hosted} 人，达到接收上限",
    ),
    "core_keep": (
        "{core} keeps {home} {subject} staff at home in {year}, its minimum ({min_home})",
        "{core} 在 {year} 学年留校 {subject} 教职工 {home} 人，已是最低要求（{min_home}）",
    ),
    "budget": (
        "the {year} fund ({amount}) has {left} left, less than one more staff-year ({cost})",
        "{year} 学年经费（{amount}）仅余 {left}，不足再派一人一年（{cost}）",
    ),
    "no_start": (
        "no start year in the horizon reaches {year}",
        "规划期内没有可覆盖 {year} 学年的开始学年",
    ),
}


def _note(lang: str, key: str, **values: object) -> str:
    en, zh = NOTES[key]
    return (zh if lang == "zh" else en).format(**values)


_STAGE_WORDS: dict[Stage, tuple[str, str]] = {
    Stage.PRIMARY: ("primary", "小学"),
    Stage.JUNIOR: ("junior", "初中"),
    Stage.NINE_YEAR: ("nine_year", "九年一贯制"),
}


def _stage_text(stages: Iterable[Stage], lang: str) -> str:
    words = _STAGE_WORDS
    return "/".join(words[s][1] if lang == "zh" else words[s][0] for s in sorted(stages))


def _start_window(scenario: Scenario, year: int) -> list[int]:
    """Horizon start years of an exchange that can cover ``year`` (within term_max)."""
    lo = year - scenario.policy.term_max + 1
    return [t for t in scenario.years if lo <= t <= year]


def _ineligible_in(scenario: Scenario, person: Staff, year: int) -> list[str]:
    """Rule ids keeping ``person`` from serving in ``year`` (empty: they could).

    They could when they are available in ``year`` and eligible
    (:func:`planner.audit.eligibility_reasons`) at some start year of the
    horizon from which an exchange within ``term_max`` reaches ``year``.
    """
    window = _start_window(scenario, year)
    codes: list[str] = []
    if year in person.unavailable:
        codes.append("AVAILABLE")
    per_start = [eligibility_reasons(scenario, person, t) for t in window]
    if not window:
        codes.append("TERM")
    elif all(per_start):
        # the reasons at the start nearest the year, the most telling
        codes.extend(per_start[-1])
    return list(dict.fromkeys(codes))


def _home_count(scenario: Scenario, plan: Plan, core_id: str, subject: str, year: int) -> int:
    away = {e.staff_id for e in plan.in_year(year)}
    return sum(
        1
        for s in scenario.staff_of(core_id)
        if s.subject == subject and s.staff_id not in away and year not in s.unavailable
    )


def _spent(scenario: Scenario, plan: Plan, year: int) -> Decimal:
    total = Decimal(0)
    for e in plan.in_year(year):
        person = scenario.staff_by_id.get(e.staff_id)
        if person is not None:
            total += scenario.policy.cost_per_year(person.is_cadre)
    return total


def _unmet_reason(
    scenario: Scenario, plan: Plan, cov: NeedCoverage, lang: str
) -> tuple[list[str], list[str]]:
    """Reason codes and notes for a need the plan leaves (partly) uncovered."""
    need = cov.need
    school = scenario.school_by_id.get(need.school_id)
    if school is None:
        return ["UNKNOWN-SCHOOL"], [need.school_id]
    if school.role not in scenario.policy.receiving_roles:
        return ["MEMBERSHIP"], [
            _note(lang, "not_receiving", school=school.name, role=school.role.value)
        ]
    if not scenario.is_member(school, need.year):
        return ["MEMBERSHIP"], [_note(lang, "not_member", school=school.name, year=need.year)]
    core_id = _core_id(scenario, school.group_id)
    core = _school_name(scenario, core_id) or core_id
    stages = scenario.need_stages(need)
    stage_text = _stage_text(stages, lang)
    candidates = [
        s
        for s in (scenario.staff_of(core_id) if core_id is not None else [])
        if s.subject == need.subject and s.stage in stages and s.staff_id not in cov.serving
    ]
    if not candidates and not cov.serving:
        return ["NO-ELIGIBLE"], [
            _note(lang, "no_staff", core=core, subject=need.subject, stages=stage_text)
        ]
    if not candidates:
        return ["NO-ELIGIBLE"], [
            _note(
                lang,
                "all_serving",
                n=len(cov.serving),
                core=core,
                subject=need.subject,
                stages=stage_text,
            )
        ]
    if not _start_window(scenario, need.year):
        return ["NO-ELIGIBLE"], [_note(lang, "no_start", year=need.year)]
    blocked: dict[str, list[str]] = {}
    able: list[Staff] = []
    for person in candidates:
        codes = _ineligible_in(scenario, person, need.year)
        if codes:
            blocked[person.staff_id] = codes
        else:
            able.append(person)
    if not able:
        who = _listed([f"{sid} {','.join(codes)}" for sid, codes in sorted(blocked.items())])
        return ["NO-ELIGIBLE"], [
            _note(
                lang,
                "no_eligible",
                n=len(candidates),
                subject=need.subject,
                stages=stage_text,
                core=core,
                year=need.year,
                who=who,
            )
        ]
    codes = ["NOT-CHOSEN"]
    where: dict[str, str] = {}
    for e in plan.in_year(need.year):
        where[e.staff_id] = e.school_id
    who = _listed(
        [
            f"{p.staff_id} "
            + (
                _note(
                    lang,
                    "serving_at",
                    school=_school_name(scenario, where[p.staff_id]) or where[p.staff_id],
                )
                if p.staff_id in where
                else _note(lang, "at_home")
            )
            for p in sorted(able, key=lambda p: p.staff_id)
        ]
    )
    notes = [
        _note(
            lang,
            "not_chosen",
            n=len(able),
            subject=need.subject,
            stages=stage_text,
            year=need.year,
            who=who,
        )
    ]
    # Rules found binding at this need (computed from the plan, not proven causes).
    hosted = len({e.staff_id for e in _serving(plan, school.school_id, need.year)})
    if school.capacity is not None and hosted >= school.capacity:
        codes.append("CAPACITY")
        notes.append(_note(lang, "capacity", school=school.name, hosted=hosted, year=need.year))
    if core_id is not None and need.year in scenario.years:
        for keep in scenario.core_keep:
            if keep.school_id == core_id and keep.subject == need.subject:
                home = _home_count(scenario, plan, core_id, need.subject, need.year)
                if home <= keep.min_home:
                    codes.append("CORE-KEEP")
                    notes.append(
                        _note(
                            lang,
                            "core_keep",
                            core=core,
                            home=home,
                            subject=need.subject,
                            year=need.year,
                            min_home=keep.min_home,
                        )
                    )
    budget = scenario.budget_by_year().get(need.year)
    if budget is not None:
        cost = min(scenario.policy.cost_per_year(p.is_cadre) for p in able)
        left = budget - _spent(scenario, plan, need.year)
        if cost > 0 and left < cost:
            codes.append("BUDGET")
            notes.append(_note(lang, "budget", year=need.year, amount=budget, left=left, cost=cost))
    return codes, notes


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
    """
    rows: list[CoverageRow] = []
    for cov in report.coverage:
        need = cov.need
        school = scenario.school_by_id.get(need.school_id)
        stage = need.stage if need.stage is not None else (school.stage if school else None)
        gap = need.count - cov.covered
        codes: list[str] = []
        notes: list[str] = []
        if gap > 0:
            codes, notes = _unmet_reason(scenario, plan, cov, lang)
            notes.insert(0, _note(lang, "covered", covered=cov.covered, count=need.count))
        rows.append(
            CoverageRow(
                need_school_id=need.school_id,
                need_school_name=school.name if school else None,
                group=_group_name(scenario, school.group_id) if school else None,
                year=need.year,
                subject=need.subject,
                need_stage=stage,
                priority=need.priority,
                count=need.count,
                covered=cov.covered,
                gap=gap,
                weighted_need=need.priority * need.count,
                weighted_covered=cov.weighted,
                serving=_people(scenario, cov.serving),
                reason=",".join(codes),
                reason_note="; ".join(notes),
            )
        )
    return rows


# ---------------------------------------------------------------------------
# rule checks
# ---------------------------------------------------------------------------


def _rule_rank(rule: str) -> int:
    return RULE_ORDER.index(rule) if rule in RULE_ORDER else len(RULE_ORDER)


def rule_check_rows(
    scenario: Scenario, report: AuditReport, shortfalls: Sequence[Shortfall] = ()
) -> list[RuleCheckRow]:
    """The audit's checks; per-exchange rules as one row per rule, group and year.

    A violated instance that the solve states as an allowed shortfall
    (``--allow-shortfall``) gets status ``shortfall`` and its size.

    An aggregated row counts the instances checked and violated; its
    ``scope`` names the violating instances and its ``note`` their notes.
    Quota, CAPACITY, CORE-KEEP and BUDGET rows stay one per instance.
    """
    aggregated: dict[tuple[str, str | None, int | None], list[RuleCheck]] = defaultdict(list)
    rows: list[RuleCheckRow] = []
    for check in report.checks:
        if check.rule in AGGREGATED_RULES:
            aggregated[(check.rule, check.group_id, check.year)].append(check)
            continue
        allowed = (
            next(
                (
                    x
                    for x in shortfalls
                    if (x.rule, x.group_id, x.year) == (check.rule, check.group_id, check.year)
                    and (x.scope is None or check.scope is None or x.scope == check.scope)
                ),
                None,
            )
            if check.status != "ok"
            else None
        )
        rows.append(
            RuleCheckRow(
                rule=check.rule,
                group=_group_name(scenario, check.group_id),
                year=check.year,
                scope=check.scope,
                required=check.required,
                achieved=check.achieved,
                checked=1,
                violated=int(check.status != "ok"),
                status="shortfall" if allowed else check.status,
                note=check.note,
                shortfall=allowed.amount if allowed else None,
            )
        )
    for (rule, group_id, year), checks in aggregated.items():
        bad: list[RuleCheck] = [c for c in checks if c.status != "ok"]
        rows.append(
            RuleCheckRow(
                rule=rule,
                group=_group_name(scenario, group_id),
                year=year,
                scope=", ".join(c.scope for c in bad if c.scope) or None,
                required=None,
                achieved=None,
                checked=len(checks),
                violated=len(bad),
                status="violated" if bad else "ok",
                note="; ".join(
                    f"{c.scope}: {c.note}" if c.scope else c.note for c in bad if c.note
                ),
            )
        )
    rows.sort(
        key=lambda r: (
            _rule_rank(r.rule),
            r.rule,
            r.group or "",
            r.year if r.year is not None else -1,
            r.scope or "",
        )
    )
    return rows


# ---------------------------------------------------------------------------
# staff
# ---------------------------------------------------------------------------


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
                staff_school_name=_school_name(scenario, person.school_id),
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
                            _school_name(scenario, e.school_id),
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


# ---------------------------------------------------------------------------
# bundled evaluation
# ---------------------------------------------------------------------------


def _quota_required(report: AuditReport, rule: str, group_id: str, year: int) -> Decimal | None:
    for check in report.checks:
        if check.rule == rule and check.group_id == group_id and check.year == year:
            return check.required
    return None


def evaluation_rows(scenario: Scenario, plan: Plan, report: AuditReport) -> list[EvaluationRow]:
    """The bundled evaluation (捆绑式评价), per group and horizon year.

    ``staff_started``/``cadres_started``: exchanges starting that year whose
    staff member belongs to the group's core school (locked ones included);
    ``staff_serving``: staff serving at the group's member schools that year;
    ``weighted_need``/``weighted_covered``: sums of priority x count and of
    priority x covered over the members' needs of that year (from the audit);
    the quota columns: what the audit's TEACHER-QUOTA and CADRE-QUOTA checks
    require that year (blank: no quota that year).
    """
    rows: list[EvaluationRow] = []
    for group in scenario.groups:
        core_id = _core_id(scenario, group.group_id)
        members: set[str] = {s.school_id for s in scenario.members(group.group_id)}
        headcount = len(scenario.staff_of(core_id)) if core_id is not None else 0
        for year in scenario.years:
            starts: list[Staff] = []
            for e in plan.exchanges:
                person = scenario.staff_by_id.get(e.staff_id)
                if e.start_year == year and person is not None and person.school_id == core_id:
                    starts.append(person)
            serving = {
                e.staff_id for e in plan.exchanges if e.covers(year) and e.school_id in members
            }
            covs = [
                c for c in report.coverage if c.need.year == year and c.need.school_id in members
            ]
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
                    weighted_need=need,
                    weighted_covered=covered,
                    coverage_ratio=_ratio(covered, need),
                    teacher_quota_required=_quota_required(
                        report, "TEACHER-QUOTA", group.group_id, year
                    ),
                    cadre_quota_required=_quota_required(
                        report, "CADRE-QUOTA", group.group_id, year
                    ),
                )
            )
    return rows


# ---------------------------------------------------------------------------
# summary
# ---------------------------------------------------------------------------

_MAX_VIOLATIONS_LISTED = 50


def summary_rows(
    scenario: Scenario, result: SolveResult, report: AuditReport | None = None
) -> list[SummaryRow]:
    """Scenario, status, objective values, levels, audit verdict, messages."""
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


def build_tables(
    scenario: Scenario, result: SolveResult, report: AuditReport, lang: str = "en"
) -> ReportTables:
    """Every table of the roster workbook for ``result.plan``."""
    plan = result.plan
    return ReportTables(
        summary=summary_rows(scenario, result, report),
        roster=roster_rows(scenario, plan),
        by_school=by_school_rows(scenario, plan),
        coverage=coverage_rows(scenario, plan, report, lang),
        rule_checks=rule_check_rows(scenario, report, result.shortfalls),
        staff=staff_rows(scenario, plan),
        evaluation=evaluation_rows(scenario, plan, report),
    )


def conflict_rows(scenario: Scenario, conflicts: Sequence[Conflict]) -> list[ConflictRow]:
    """The conflicts that leave a scenario without a plan, one row each."""
    return [
        ConflictRow(
            rules=",".join(c.rules),
            group=_group_name(scenario, c.group_id),
            year=c.year,
            required=c.required,
            possible=c.possible,
            message=c.message,
            instances="; ".join(
                f"{i.label()}: {i.detail}" if i.detail else i.label() for i in c.instances
            ),
        )
        for c in conflicts
    ]


@dataclass(frozen=True)
class ChangeRow:
    """One change of a replan against the published plan."""

    kind: str
    staff_id: str
    name: str
    group: str | None
    year: int
    before: str
    after: str
    why: str


def change_rows(scenario: Scenario, changes: Sequence[Change]) -> list[ChangeRow]:
    def show(e: Exchange | None) -> str:
        return f"{e.school_id} {e.start_year}-{e.end_year}" if e else ""

    rows = []
    for change in changes:
        person = scenario.staff_by_id.get(change.staff_id)
        rows.append(
            ChangeRow(
                change.kind,
                change.staff_id,
                person.name if person else "",
                _group_name(scenario, change.group_id),
                change.year,
                show(change.before),
                show(change.after),
                change.reason,
            )
        )
    return rows
