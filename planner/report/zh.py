"""Chinese texts of the report layer, made from the fields of a row, a
check, a violation or a conflict (the audit and the model keep their English
sentences; a Chinese roster shows these instead).

Rule ids are shown with their Chinese names beside them (``荣誉 HONOR``);
reason codes that are not rule ids get Chinese words.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from planner.audit import eligibility_reasons
from planner.data import Scenario
from planner.report.tables.rows import RuleCheckRow
from planner.report.tables.unmet import NO_ELIGIBLE, NOT_CHOSEN, UNKNOWN_SCHOOL
from planner.results import Violation
from planner.rules import PER_EXCHANGE, PLAN_RULE, Rule

__all__ = [
    "CHANGE_KINDS",
    "check_note",
    "codes_text",
    "percent",
    "rule_text",
    "violation_text",
]

REASONS: dict[str, str] = {
    NO_ELIGIBLE: "无符合条件人员",
    NOT_CHOSEN: "未选派",
    UNKNOWN_SCHOOL: "学校不存在",
    PLAN_RULE: "方案格式",
}
CHANGE_KINDS: dict[str, str] = {
    "added": "新增",
    "removed": "取消",
    "moved": "改派",
    "term": "调整任期",
}


def rule_text(code: str) -> str:
    """``荣誉 HONOR`` for a rule id, a Chinese word for another reason code."""
    if code in Rule.__members__.values():
        return Rule(code).label
    return REASONS.get(code, code)


def codes_text(codes: str | Iterable[str], sep: str = "、") -> str:
    """Comma-separated codes (or a list) as Chinese names with their ids."""
    items = [c.strip() for c in codes.split(",")] if isinstance(codes, str) else list(codes)
    return sep.join(rule_text(c) for c in items if c)


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


def check_note(scenario: Scenario, row: RuleCheckRow) -> str:
    """The 说明 of a rule-check row in Chinese, from its fields."""
    rule, req, got = row.rule, row.required, row.achieved
    which = {True: "首学年", False: "以后各学年", None: ""}[
        _first_year(scenario, row.group, row.year)
    ]
    if rule == Rule.TEACHER_QUOTA and req is not None and row.year is not None:
        policy = scenario.policy
        first = which == "首学年"
        ratio = policy.ratio_first_year if first else policy.ratio_later_years
        base = _headcount(scenario, row.group, row.year)
        where = f"核心校 {base} 人 × {percent(ratio, 0)} 向上取整 = " if base is not None else ""
        return f"{which}比例：{where}{_n(req)} 人，实际派出 {_n(got)} 人"
    if rule == Rule.CADRE_QUOTA and req is not None:
        return f"{which}至少派出中层以上干部 {_n(req)} 人，实际 {_n(got)} 人"
    if rule == Rule.CAPACITY and req is not None:
        return f"接收 {_n(got)} 人，上限 {_n(req)} 人"
    if rule == Rule.CORE_KEEP and req is not None:
        return f"留校 {_n(got)} 人，至少 {_n(req)} 人"
    if rule == Rule.BUDGET and req is not None:
        return f"交流经费 {_n(got)}，当年专项经费 {_n(req)}"
    if rule == Rule.BACKBONE_SHARE and req is not None:
        return f"骨干教师 {_n(got)} 人，至少 {_n(req)} 人"
    if row.violated == 0:
        return ""
    name = rule_text(rule)
    if rule in PER_EXCHANGE or rule == PLAN_RULE:
        return f"{row.violated} 项不符合（{name}）：{row.scope or ''}".rstrip("：")
    return f"不符合（{name}）"


_AMOUNT_WORDS: dict[str, str] = {
    Rule.TEACHER_QUOTA: "少派 {n} 人",
    Rule.CADRE_QUOTA: "少派干部 {n} 人",
    Rule.CAPACITY: "超出接收上限 {n} 人",
    Rule.CORE_KEEP: "留校人数少 {n} 人",
    Rule.BUDGET: "超出专项经费 {n}",
    Rule.BACKBONE_SHARE: "骨干教师少 {n} 人",
    Rule.TERM: "任期相差 {n} 年",
    Rule.AGE: "超龄 {n} 岁",
    Rule.HONOR: "荣誉差 {n} 级",
}


def violation_text(scenario: Scenario, v: Violation) -> str:
    """A violation as a Chinese sentence built from its fields."""
    parts: list[str] = []
    if v.group_id is not None:
        group = scenario.group_by_id.get(v.group_id)
        parts.append(group.name if group else v.group_id)
    if v.year is not None:
        parts.append(f"{v.year} 学年")
    if v.school_id is not None:
        school = scenario.school_by_id.get(v.school_id)
        parts.append(f"{school.name}（{v.school_id}）" if school else v.school_id)
    if v.subject is not None:
        parts.append(v.subject)
    if v.staff_id is not None:
        person = scenario.staff_by_id.get(v.staff_id)
        parts.append(f"{person.name}（{v.staff_id}）" if person else v.staff_id)
    sentence = f"{rule_text(v.rule)}：{' '.join(parts)} 不符合规则".replace("： ", "：")
    if v.amount is not None and v.rule in _AMOUNT_WORDS:
        sentence += "，" + _AMOUNT_WORDS[v.rule].format(n=_n(v.amount))
    return sentence
