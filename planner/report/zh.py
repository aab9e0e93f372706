"""Chinese texts of the report layer, made from the fields of a row, a
check, a violation or a conflict (the audit and the model keep their English
sentences; a Chinese roster shows these instead). The sentences are English
msgids translated through the message catalog (planner/locale); each
function takes ``lang`` (default Chinese).

Rule ids are shown with their Chinese names beside them (``荣誉 HONOR``);
reason codes that are not rule ids get Chinese words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache

from planner.audit import eligibility_reasons
from planner.data import Scenario
from planner.i18n import _, pgettext, use_language
from planner.report.tables.rows import RuleCheckRow
from planner.report.tables.unmet import NO_ELIGIBLE, NOT_CHOSEN, UNKNOWN_SCHOOL
from planner.results import Violation
from planner.rules import PER_EXCHANGE, PLAN_RULE, Rule

__all__ = [
    "CHANGE_KINDS",
    "change_kind",
    "check_note",
    "codes_text",
    "percent",
    "rule_text",
    "violation_text",
]


@cache
def _reasons(lang: str) -> dict[str, str]:
    """Reason codes that are not rule ids, as words (English: the codes)."""
    if lang == "en":
        return {}
    with use_language(lang):
        return {
            NO_ELIGIBLE: pgettext("reason code", "nobody eligible"),
            NOT_CHOSEN: pgettext("reason code", "not chosen"),
            UNKNOWN_SCHOOL: pgettext("reason code", "no such school"),
            PLAN_RULE: pgettext("reason code", "plan format"),
        }


@cache
def _change_kinds(lang: str) -> dict[str, str]:
    with use_language(lang):
        return {
            "added": pgettext("change", "added"),
            "removed": pgettext("change", "removed"),
            "moved": pgettext("change", "moved"),
            "term": pgettext("change", "term"),
        }


# A change's kind (diff_plans) as the Chinese roster names it.
CHANGE_KINDS: dict[str, str] = _change_kinds("zh")


def change_kind(kind: str, lang: str = "zh") -> str:
    """``removed`` as 取消 (Chinese) or as it is (English)."""
    return _change_kinds(lang).get(kind, kind)


def rule_text(code: str, lang: str = "zh") -> str:
    """``荣誉 HONOR`` for a rule id, a Chinese word for another reason code
    (English: the code)."""
    if lang != "en" and code in Rule.__members__.values():
        return Rule(code).label
    return _reasons(lang).get(code, code)


def codes_text(codes: str | Iterable[str], sep: str = "、", lang: str = "zh") -> str:
    """Comma-separated codes (or a list) as Chinese names with their ids."""
    items = [c.strip() for c in codes.split(",")] if isinstance(codes, str) else list(codes)
    return sep.join(rule_text(c, lang) for c in items if c)


def _n(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def percent(value: Decimal | None, places: int = 1) -> str:
    """``59.9%`` (blank for None)."""
    if value is None:
        return ""
    return f"{value * 100:.{places}f}%"


def _first_year(scenario: Scenario, group: str | None, year: int | None) -> bool | None:
    found = next((g for g in scenario.groups if g.name == group or g.group_id == group), None)
    if found is None or year is None:
        return None
    return year == found.founded_year


def _headcount(scenario: Scenario, group: str | None, year: int) -> int | None:
    found = next((g for g in scenario.groups if g.name == group or g.group_id == group), None)
    if found is None:
        return None
    try:
        core = scenario.core_school(found.group_id)
    except KeyError:
        return None
    staff = scenario.staff_of(core.school_id)
    if scenario.policy.ratio_base == "eligible":
        return sum(1 for p in staff if not eligibility_reasons(scenario, p, year))
    return len(staff)


def check_note(scenario: Scenario, row: RuleCheckRow, lang: str = "zh") -> str:
    """The 说明 of a rule-check row in Chinese (or ``lang``), from its fields."""
    with use_language(lang):
        return _check_note(scenario, row, lang)


def _check_note(scenario: Scenario, row: RuleCheckRow, lang: str) -> str:
    rule, req, got = row.rule, row.required, row.achieved
    first = _first_year(scenario, row.group, row.year)
    which = {True: _("first year"), False: _("later years"), None: ""}[first]
    values = {"which": which, "required": _n(req), "achieved": _n(got)}
    if rule == Rule.TEACHER_QUOTA and req is not None and row.year is not None:
        policy = scenario.policy
        ratio = policy.ratio_first_year if first else policy.ratio_later_years
        base = _headcount(scenario, row.group, row.year)
        if base is None:
            return _("{which} quota: {required} to send, {achieved} sent").format(**values)
        return _(
            "{which} quota: ceil({base} core-school staff × {ratio}) = {required} to send, "
            "{achieved} sent"
        ).format(base=base, ratio=percent(ratio, 0), **values)
    if req is not None and rule in _NOTES:
        return _NOTES[rule]().format(**values)
    if row.violated == 0:
        return ""
    name = rule_text(rule, lang)
    if rule in PER_EXCHANGE or rule == PLAN_RULE:
        if row.scope:
            return _("{n} not met ({rule}): {scope}").format(
                n=row.violated, rule=name, scope=row.scope
            )
        return _("{n} not met ({rule})").format(n=row.violated, rule=name)
    return _("not met ({rule})").format(rule=name)


# The 说明 of a count rule's row: what was required and achieved.
_NOTES: dict[str, Callable[[], str]] = {
    Rule.CADRE_QUOTA: lambda: _("{which}: at least {required} cadre(s) to send, {achieved} sent"),
    Rule.CAPACITY: lambda: _("{achieved} received, limit {required}"),
    Rule.CORE_KEEP: lambda: _("{achieved} staying at the core school, at least {required}"),
    Rule.BUDGET: lambda: _("exchange cost {achieved}, fund of the year {required}"),
    Rule.BACKBONE_SHARE: lambda: _("{achieved} backbone teacher(s), at least {required}"),
}

# How much a violation misses by ({n}).
_AMOUNT_WORDS: dict[str, Callable[[], str]] = {
    Rule.TEACHER_QUOTA: lambda: _("{n} too few sent"),
    Rule.CADRE_QUOTA: lambda: _("{n} cadre(s) too few sent"),
    Rule.CAPACITY: lambda: _("{n} over the receiving limit"),
    Rule.CORE_KEEP: lambda: _("{n} too few staying at the core school"),
    Rule.BUDGET: lambda: _("{n} over the fund"),
    Rule.BACKBONE_SHARE: lambda: _("{n} backbone teacher(s) too few"),
    Rule.TERM: lambda: _("term off by {n} year(s)"),
    Rule.AGE: lambda: _("{n} year(s) over the age limit"),
    Rule.HONOR: lambda: _("honour {n} level(s) short"),
}


def violation_text(scenario: Scenario, v: Violation, lang: str = "zh") -> str:
    """A violation as a Chinese (or ``lang``) sentence built from its fields."""
    with use_language(lang):
        parts: list[str] = []
        if v.group_id is not None:
            group = scenario.group_by_id.get(v.group_id)
            parts.append(group.name if group else v.group_id)
        if v.year is not None:
            parts.append(_("school year {year}").format(year=v.year))
        if v.school_id is not None:
            school = scenario.school_by_id.get(v.school_id)
            parts.append(
                _("{name} ({id})").format(name=school.name, id=v.school_id)
                if school
                else v.school_id
            )
        if v.subject is not None:
            parts.append(v.subject)
        if v.staff_id is not None:
            person = scenario.staff_by_id.get(v.staff_id)
            parts.append(
                _("{name} ({id})").format(name=person.name, id=v.staff_id) if person else v.staff_id
            )
        rule = rule_text(v.rule, lang)
        if parts:
            sentence = _("{rule}: {where} breaks the rule").format(rule=rule, where=" ".join(parts))
        else:
            sentence = _("{rule}: breaks the rule").format(rule=rule)
        if v.amount is not None and v.rule in _AMOUNT_WORDS:
            amount = _AMOUNT_WORDS[v.rule]().format(n=_n(v.amount))
            sentence = _("{sentence}, {amount}").format(sentence=sentence, amount=amount)
        return sentence
