"""Why a need is left (partly) uncovered: reason codes and plain-language
notes (English or Chinese) for the coverage sheet.

The codes are ``NO-ELIGIBLE`` (nobody at the core school can serve that
year), ``NOT-CHOSEN`` (some could, the plan placed them elsewhere or kept
them home) with the rules found binding there (CAPACITY, CORE-KEEP, BUDGET),
and MEMBERSHIP (the school cannot receive staff that year).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from planner.audit import eligibility_reasons
from planner.data import Plan, Scenario, School, Staff
from planner.enums import Stage
from planner.i18n import _, use_language
from planner.report.tables.common import (
    core_school_id,
    listed_text,
    school_name,
    serving_at,
)
from planner.results import NeedCoverage
from planner.rules import Rule

__all__ = [
    "NOTES",
    "NOT_CHOSEN",
    "NO_ELIGIBLE",
    "UNKNOWN_SCHOOL",
    "note",
    "unmet_reason",
]

# Reason codes that are not rule ids.
NO_ELIGIBLE = "NO-ELIGIBLE"
NOT_CHOSEN = "NOT-CHOSEN"
UNKNOWN_SCHOOL = "UNKNOWN-SCHOOL"

# The notes of an unmet need, by key: English msgids, translated when used.
NOTES: dict[str, Callable[[], str]] = {
    "covered": lambda: _("{covered} of {count} covered"),
    "not_receiving": lambda: _(
        "{school} is a {role} school, which does not receive staff under the policy"
    ),
    "not_member": lambda: _("{school} is not a member of its group in {year}"),
    "no_staff": lambda: _("the core school {core} has no staff of {subject} ({stages})"),
    "all_serving": lambda: _("all {n} staff of {subject} ({stages}) at {core} already serve here"),
    "no_eligible": lambda: _(
        "none of the {n} staff of {subject} ({stages}) at {core} can serve in {year}: {who}"
    ),
    "not_chosen": lambda: _(
        "{n} staff of {subject} ({stages}) could serve in {year} but are not placed here: {who}"
    ),
    "serving_at": lambda: _("serving at {school}"),
    "at_home": lambda: _("not on exchange"),
    "capacity": lambda: _("{school} already hosts {hosted}, its capacity, in {year}"),
    "core_keep": lambda: _(
        "{core} keeps {home} {subject} staff at home in {year}, its minimum ({min_home})"
    ),
    "budget": lambda: _(
        "the {year} fund ({amount}) has {left} left, less than one more staff-year ({cost})"
    ),
    "no_start": lambda: _("no start year in the horizon reaches {year}"),
}


def _codes(codes: Iterable[str], lang: str) -> str:
    """Rule ids as listed in a note: ``AGE,LEVEL``, in Chinese ``年龄 AGE、水平 LEVEL``."""
    if lang == "zh":
        return "、".join(Rule(c).label if c in Rule.__members__.values() else c for c in codes)
    return ",".join(codes)


def note(lang: str, key: str, **values: object) -> str:
    """The note ``key`` in ``lang`` with ``values`` filled in."""
    with use_language(lang):
        return NOTES[key]().format(**values)


_STAGE_WORDS: dict[Stage, tuple[str, str]] = {
    Stage.PRIMARY: ("primary", "小学"),
    Stage.JUNIOR: ("junior", "初中"),
    Stage.NINE_YEAR: ("nine_year", "九年一贯制"),
}


def stage_text(stages: Iterable[Stage], lang: str) -> str:
    words = _STAGE_WORDS
    return "/".join(words[s][1] if lang == "zh" else words[s][0] for s in sorted(stages))


def start_window(scenario: Scenario, year: int) -> list[int]:
    """Horizon start years of an exchange that can cover ``year`` (within term_max)."""
    lo = year - scenario.policy.term_max + 1
    return [t for t in scenario.years if lo <= t <= year]


def ineligible_in(scenario: Scenario, person: Staff, year: int) -> list[str]:
    """Rule ids keeping ``person`` from serving in ``year`` (empty: they could).

    They could when they are available in ``year`` and eligible
    (:func:`planner.audit.eligibility_reasons`) at some start year of the
    horizon from which an exchange within ``term_max`` reaches ``year``.
    """
    window = start_window(scenario, year)
    codes: list[str] = []
    if year in person.unavailable:
        codes.append(Rule.AVAILABLE)
    per_start = [eligibility_reasons(scenario, person, t) for t in window]
    if not window:
        codes.append(Rule.TERM)
    elif all(per_start):
        # the reasons at the start nearest the year, the most telling
        codes.extend(per_start[-1])
    return list(dict.fromkeys(codes))


def _home_count(scenario: Scenario, plan: Plan, core_id: str, subject: str, year: int) -> int:
    away = {e.staff_id for e in plan.in_year(year)}
    own = sum(
        1
        for s in scenario.staff_of(core_id)
        if s.subject == subject and s.staff_id not in away and year not in s.unavailable
    )
    return own + scenario.arrivals(core_id, subject, year)


@dataclass(frozen=True)
class _Gap:
    """A need with a gap, and what every reason about it looks up."""

    scenario: Scenario
    plan: Plan
    cov: NeedCoverage
    school: School
    core_id: str | None
    core: str | None  # the core school's name (its id if unnamed)
    stages: str  # the need's stages as text
    lang: str
    spent: Mapping[int, Decimal]  # the plan's cost by year

    def note(self, key: str, **values: object) -> str:
        return note(self.lang, key, **values)


def unmet_reason(
    scenario: Scenario,
    plan: Plan,
    cov: NeedCoverage,
    lang: str,
    spent: Mapping[int, Decimal] | None = None,
) -> tuple[list[str], list[str]]:
    """Reason codes and notes for a need the plan leaves (partly) uncovered;
    ``spent`` is the plan's :meth:`Scenario.cost_by_year`, made once by a
    caller that asks for many needs."""
    need = cov.need
    school = scenario.school_by_id.get(need.school_id)
    if school is None:
        return [UNKNOWN_SCHOOL], [need.school_id]
    if school.role not in scenario.policy.receiving_roles:
        return [Rule.MEMBERSHIP], [
            note(lang, "not_receiving", school=school.name, role=school.role.value)
        ]
    if not scenario.is_member(school, need.year):
        return [Rule.MEMBERSHIP], [note(lang, "not_member", school=school.name, year=need.year)]
    core_id = core_school_id(scenario, school.group_id)
    gap = _Gap(
        scenario,
        plan,
        cov,
        school,
        core_id,
        school_name(scenario, core_id) or core_id,
        stage_text(scenario.need_stages(need), lang),
        lang,
        spent if spent is not None else scenario.cost_by_year(plan.exchanges),
    )
    candidates = _candidates(gap)
    nobody = _nobody_note(gap, candidates)
    if nobody is not None:
        return [NO_ELIGIBLE], [nobody]
    blocked: dict[str, list[str]] = {}
    able: list[Staff] = []
    for person in candidates:
        codes = ineligible_in(scenario, person, need.year)
        if codes:
            blocked[person.staff_id] = codes
        else:
            able.append(person)
    if not able:
        return [NO_ELIGIBLE], [_no_eligible_note(gap, len(candidates), blocked)]
    return _not_chosen(gap, able)


def _candidates(gap: _Gap) -> list[Staff]:
    """Core-school staff of the need's subject and stages not already serving it."""
    need = gap.cov.need
    stages = gap.scenario.need_stages(need)
    return [
        s
        for s in (gap.scenario.staff_of(gap.core_id) if gap.core_id is not None else [])
        if s.subject == need.subject and s.stage in stages and s.staff_id not in gap.cov.serving
    ]


def _nobody_note(gap: _Gap, candidates: list[Staff]) -> str | None:
    """The note when nobody could be a candidate at all, else None."""
    need, serving = gap.cov.need, gap.cov.serving
    if not candidates and not serving:
        return gap.note("no_staff", core=gap.core, subject=need.subject, stages=gap.stages)
    if not candidates:
        return gap.note(
            "all_serving", n=len(serving), core=gap.core, subject=need.subject, stages=gap.stages
        )
    if not start_window(gap.scenario, need.year):
        return gap.note("no_start", year=need.year)
    return None


def _no_eligible_note(gap: _Gap, n: int, blocked: dict[str, list[str]]) -> str:
    """Every candidate is ineligible: who, by which rules."""
    need = gap.cov.need
    who = listed_text(
        [f"{sid} {_codes(codes, gap.lang)}" for sid, codes in sorted(blocked.items())]
    )
    return gap.note(
        "no_eligible",
        n=n,
        subject=need.subject,
        stages=gap.stages,
        core=gap.core,
        year=need.year,
        who=who,
    )


def _not_chosen(gap: _Gap, able: list[Staff]) -> tuple[list[str], list[str]]:
    """Some could serve: who and where they are, then the rules binding here."""
    need = gap.cov.need
    where: dict[str, str] = {}  # the last of a person's exchanges that year
    for person in able:
        for e in gap.plan.by_staff(person.staff_id):
            if e.covers(need.year):
                where[e.staff_id] = e.school_id
    who = listed_text(
        [
            f"{p.staff_id} "
            + (
                gap.note(
                    "serving_at",
                    school=school_name(gap.scenario, where[p.staff_id]) or where[p.staff_id],
                )
                if p.staff_id in where
                else gap.note("at_home")
            )
            for p in sorted(able, key=lambda p: p.staff_id)
        ]
    )
    codes: list[str] = [NOT_CHOSEN]
    notes = [
        gap.note(
            "not_chosen",
            n=len(able),
            subject=need.subject,
            stages=gap.stages,
            year=need.year,
            who=who,
        )
    ]
    # Rules found binding at this need (computed from the plan, not proven causes).
    for code, text in (*_capacity(gap), *_core_keep(gap), *_budget(gap, able)):
        codes.append(code)
        notes.append(text)
    return codes, notes


def _capacity(gap: _Gap) -> list[tuple[Rule, str]]:
    """CAPACITY, when the school already hosts its capacity that year."""
    school, year = gap.school, gap.cov.need.year
    hosted = len({e.staff_id for e in serving_at(gap.plan, school.school_id, year)})
    if school.capacity is not None and hosted >= school.capacity:
        return [(Rule.CAPACITY, gap.note("capacity", school=school.name, hosted=hosted, year=year))]
    return []


def _core_keep(gap: _Gap) -> list[tuple[Rule, str]]:
    """CORE-KEEP, for each keep row of the core school and subject at its minimum."""
    need, scenario = gap.cov.need, gap.scenario
    if gap.core_id is None or need.year not in scenario.years:
        return []
    found: list[tuple[Rule, str]] = []
    for keep in scenario.core_keep:
        if keep.school_id == gap.core_id and keep.subject == need.subject:
            home = _home_count(scenario, gap.plan, gap.core_id, need.subject, need.year)
            if home <= keep.min_home:
                text = gap.note(
                    "core_keep",
                    core=gap.core,
                    home=home,
                    subject=need.subject,
                    year=need.year,
                    min_home=keep.min_home,
                )
                found.append((Rule.CORE_KEEP, text))
    return found


def _budget(gap: _Gap, able: list[Staff]) -> list[tuple[Rule, str]]:
    """BUDGET, when the year's fund has less left than one more staff-year."""
    scenario, year = gap.scenario, gap.cov.need.year
    budget = scenario.budget_by_year().get(year)
    if budget is None:
        return []
    cost = min(scenario.policy.cost_per_year(p.is_cadre) for p in able)
    left = budget - gap.spent.get(year, Decimal(0))
    if cost > 0 and left < cost:
        return [(Rule.BUDGET, gap.note("budget", year=year, amount=budget, left=left, cost=cost))]
    return []
