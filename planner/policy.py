"""Policy rule sets as data.

A policy is the parameter set of the rules in ``docs/rules.en.md``. The
Taishan 2022 defaults live in ``models/taishan-2022.yaml``; a scenario's
``policy`` sheet overrides single keys; ``--policy FILE`` picks another file
(reading those files and sheets: :mod:`planner.io.policy_file`). Every value
is checked here, with an error that names the key, the value and what is
expected.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from planner.enums import Honor, Role
from planner.io.cells import (
    EXPECT_AMOUNT,
    enum_parser,
    norm,
    parse_amount,
    parse_bool,
    parse_decimal,
)
from planner.io.schema import (
    CODE_ALIASES,
    GOAL_ALIASES,
    LIST_SEPARATORS,
    POLICY_BY_NAME,
    POLICY_KEY_ALIASES,
    RATIO_BASE_ALIASES,
    code_expected,
)
from planner.problems import Problem, ScenarioError

# The soft goals of rules.md, in their default priority order. STABLE
# (change little of a published plan) only applies when replanning; a
# replan puts it right after COVER unless the order names it.
OBJECTIVES = ("COVER", "FAIR", "PREFER", "COST")
GOALS = (*OBJECTIVES, "STABLE")


@dataclass(frozen=True)
class Policy:
    """Rule parameters. Defaults are those of the Taishan 2022 plan.

    ``models/taishan-2022.yaml`` states the same values with their source
    clauses; a test keeps the two equal.
    """

    name: str = "taishan-2022"
    # TERM: 交流时间以2—5年为限
    term_min: int = 2
    term_max: int = 5
    # TEACHER-QUOTA: 第一年 ... 不低于15%，以后每年不低于5%
    ratio_first_year: Decimal = Decimal("0.15")
    ratio_later_years: Decimal = Decimal("0.05")
    # CADRE-QUOTA: 中层以上的干部不少于2人
    cadre_min_first_year: int = 2
    cadre_min_later_years: int = 0
    # AGE: 原则上不超过45周岁
    max_age: int = 45
    # HONOR: 获得过区级以上荣誉
    min_honor: Honor = Honor.DISTRICT
    # LEVEL: 具有较高管理或者教学水平
    require_level: bool = True
    # MEMBERSHIP: which member kinds receive staff
    receiving_roles: frozenset[Role] = frozenset({Role.FUSION, Role.ALLIANCE})
    # BUDGET: cost per staff-year on exchange
    cost_teacher: Decimal = Decimal(0)
    cost_cadre: Decimal = Decimal(0)
    # Soft goals: lexicographic priority order (COVER first by default).
    objective_order: tuple[str, ...] = OBJECTIVES
    # PREFER: penalty per exchange for a non-volunteer, for a placement other
    # than a stated preferred school, and for someone who does not need
    # exchange experience. Lower total penalty is better.
    prefer_volunteer: int = 3
    prefer_preferred_school: int = 2
    prefer_needs_experience: int = 1
    # REPEAT-GAP: 交流期满回原单位 (an exchange ends with the return home):
    # at least this many school years back at the core school between the
    # end of one exchange of a person (past ones in the history sheet
    # included) and the start of their next; 0 = no gap required.
    repeat_gap_years: int = 1
    # TEACHER-QUOTA base: "headcount" (Taishan: the core school's whole staff)
    # or "eligible" (national 2014 guidance: staff eligible to go that year).
    ratio_base: str = "headcount"
    # BACKBONE-SHARE (national 2014): backbone teachers at least this share of
    # each year's starts from a core school; 0 = no such rule.
    backbone_min_share: Decimal = Decimal(0)
    # TENURE (national 2014 / Beijing-style): staff who have been at their
    # school this many years by the first plan year, and can go, start an
    # exchange within the horizon; 0 = no such rule.
    tenure_years: int = 0

    def __post_init__(self) -> None:
        problems = self.problems("policy")
        if problems:
            raise ScenarioError(problems)

    def problems(self, where: str) -> list[Problem]:
        """Checks between parameters (each value alone is checked on parsing)."""
        out: list[Problem] = []
        if self.term_min < 1:
            out.append(Problem(where, None, "term_min", self.term_min, "expected at least 1"))
        if self.term_min > self.term_max:
            out.append(
                Problem(
                    where,
                    None,
                    "term_min",
                    self.term_min,
                    f"term_min must not exceed term_max ({self.term_max})",
                )
            )
        for key in ("ratio_first_year", "ratio_later_years"):
            value = getattr(self, key)
            if not Decimal(0) <= value <= Decimal(1):
                out.append(Problem(where, None, key, str(value), "expected a ratio in 0..1"))
        if not self.receiving_roles:
            out.append(Problem(where, None, "receiving_roles", "", "name fusion and/or alliance"))
        return out

    def cost_per_year(self, is_cadre: bool) -> Decimal:
        return self.cost_cadre if is_cadre else self.cost_teacher

    def with_overrides(self, overrides: Mapping[str, Any], where: str = "overrides") -> Policy:
        """A copy with ``overrides`` (raw values, parsed and checked here)."""
        values, problems = parse_parameters(overrides, where)
        if problems:
            raise ScenarioError(problems)
        return build_policy(self, values, where)


def _parse_int(raw: Any, lo: int, hi: int) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError
        raw = int(raw)
    value = int(str(raw).strip())
    if not lo <= value <= hi:
        raise ValueError
    return value


def _parse_ratio(raw: Any) -> Decimal:
    """0.15, 15% or 15％ (a full-width percent sign)."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    value = parse_decimal(text[:-1]) / 100 if text.endswith("%") else parse_decimal(raw)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError
    return value


_honor = enum_parser(Honor, CODE_ALIASES[Honor])
_role = enum_parser(Role, CODE_ALIASES[Role])


def _parse_honor(raw: Any) -> Honor:
    """district or 区级 (the staff sheet's honor codes)."""
    honor: Honor = _honor(raw)
    return honor


def _items(raw: Any) -> list[str]:
    """A list value: a YAML list, or text separated by commas (also ，、;)."""
    if isinstance(raw, (list, tuple, set, frozenset)):
        return [str(item).strip() for item in raw if str(item).strip()]
    return [t for t in re.split(LIST_SEPARATORS, str(raw).strip()) if t]


def _parse_roles(raw: Any) -> frozenset[Role]:
    """fusion,alliance or 融合型、联合型."""
    roles = frozenset(_role(item) for item in _items(raw))
    if not roles or Role.CORE in roles:
        raise ValueError
    return roles


def _parse_base(raw: Any) -> str:
    value = str(raw).strip()
    value = RATIO_BASE_ALIASES.get(value, value.lower())
    if value not in ("headcount", "eligible"):
        raise ValueError
    return value


def _parse_order(raw: Any) -> tuple[str, ...]:
    """COVER,FAIR,... or 覆盖、均衡、..."""
    order = tuple(GOAL_ALIASES.get(item, item.upper()) for item in _items(raw))
    if not order or set(order) - set(GOALS) or len(set(order)) != len(order):
        raise ValueError
    return order


# key -> (parser, what is expected)
PARAMETERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "name": (lambda raw: str(raw).strip(), "a name"),
    "term_min": (lambda raw: _parse_int(raw, 1, 20), "a whole number of years, 1..20"),
    "term_max": (lambda raw: _parse_int(raw, 1, 20), "a whole number of years, 1..20"),
    "ratio_first_year": (_parse_ratio, "a ratio in 0..1 (e.g. 0.15 or 15%)"),
    "ratio_later_years": (_parse_ratio, "a ratio in 0..1 (e.g. 0.05 or 5%)"),
    "cadre_min_first_year": (lambda raw: _parse_int(raw, 0, 10_000), "a whole number >= 0"),
    "cadre_min_later_years": (lambda raw: _parse_int(raw, 0, 10_000), "a whole number >= 0"),
    "max_age": (lambda raw: _parse_int(raw, 18, 80), "an age in whole years, 18..80"),
    "min_honor": (_parse_honor, code_expected(Honor)),
    "require_level": (parse_bool, "yes or no (是/否)"),
    "receiving_roles": (
        _parse_roles,
        "a comma-separated list of fusion, alliance (or 融合型、联合型)",
    ),
    "cost_teacher": (parse_amount, EXPECT_AMOUNT),
    "cost_cadre": (parse_amount, EXPECT_AMOUNT),
    "objective_order": (
        _parse_order,
        "a comma-separated order of "
        + ", ".join(GOALS)
        + " (or "
        + "、".join(GOAL_ALIASES)
        + "), each at most once",
    ),
    "prefer_volunteer": (lambda raw: _parse_int(raw, 0, 1000), "a whole number 0..1000"),
    "prefer_preferred_school": (lambda raw: _parse_int(raw, 0, 1000), "a whole number 0..1000"),
    "prefer_needs_experience": (lambda raw: _parse_int(raw, 0, 1000), "a whole number 0..1000"),
    "repeat_gap_years": (lambda raw: _parse_int(raw, 0, 20), "a whole number of years, 0..20"),
    "ratio_base": (_parse_base, "headcount or eligible (全体人数 or 符合条件人数)"),
    "backbone_min_share": (_parse_ratio, "a share in 0..1 (e.g. 0.2 or 20%)"),
    "tenure_years": (lambda raw: _parse_int(raw, 0, 40), "a whole number of years, 0..40"),
}

assert set(PARAMETERS) == {f.name for f in fields(Policy)} == set(POLICY_KEY_ALIASES)


def policy_key(name: object) -> str | None:
    """The policy key ``name`` means: a key or a Chinese name, as headers match
    ("Term Min", "最长任期"); None if it is none of them."""

    return POLICY_BY_NAME.get(norm(name))


def parse_parameters(
    raw: Mapping[str, Any], where: str, rows: Mapping[str, int] | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Parse raw parameter values; return the values and every problem found.

    ``rows`` maps a key to the Excel row it came from, for the message.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        row = rows.get(key) if rows else None
        name = policy_key(key)
        if name is None:
            problems.append(Problem(where, row, "key", str(key).strip(), unknown_key(key)))
            continue
        parser, expected = PARAMETERS[name]
        try:
            values[name] = parser(value)
        except (ValueError, TypeError):
            problems.append(
                Problem(
                    where,
                    row,
                    name if row is None else "value",
                    value,
                    f"{name}: expected {expected}",
                )
            )
    return values, problems


def unknown_key(key: object) -> str:
    """The message for a policy key that is none of PARAMETERS' keys or names."""
    names = {alias: k for k, aliases in POLICY_KEY_ALIASES.items() for alias in (k, *aliases)}
    close = difflib.get_close_matches(str(key).strip(), list(names), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]} ({names[close[0]]})? " if close else ""
    known = ", ".join(f"{k} ({POLICY_KEY_ALIASES[k][0]})" for k in PARAMETERS)
    return f"unknown policy key; {hint}known keys: {known}"


def build_policy(base: Policy, values: Mapping[str, Any], where: str) -> Policy:
    """``base`` with parsed ``values``; problems between parameters name ``where``."""
    try:
        return replace(base, **values)
    except ScenarioError as exc:
        raise ScenarioError([replace(p, sheet=where) for p in exc.problems]) from None


__all__ = [
    "GOALS",
    "OBJECTIVES",
    "PARAMETERS",
    "Policy",
    "build_policy",
    "parse_parameters",
    "policy_key",
    "unknown_key",
]
