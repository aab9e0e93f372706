"""The scenario workbook's layout (``docs/scenario-format.en.md``) as data.

Sheets and their columns in canonical order, the sheets and columns that
must be there, the Chinese (and spelling) aliases accepted on reading for
sheet names, column headers, settings keys and coded values, and the kind of
value each column holds (:data:`FIELDS`: its parser, what it expects, its
default). The reader, the writer and the template all take these tables
from here; nothing is defined twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from planner.enums import Honor, Position, Role, Stage
from planner.i18n import _
from planner.io.cells import (
    EXPECT_AMOUNT,
    EXPECT_BOOL,
    EXPECT_CAPACITY,
    EXPECT_COUNT,
    EXPECT_DATE,
    EXPECT_ID,
    EXPECT_PRIORITY,
    EXPECT_TEXT,
    EXPECT_UNAVAILABLE,
    EXPECT_YEAR,
    enum_expected,
    enum_parser,
    norm,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_id,
    parse_priority,
    parse_text,
    parse_unavailable,
    parse_year,
)

__all__ = [
    "CODE_ALIASES",
    "COLUMNS_BY_NAME",
    "COLUMN_ALIASES",
    "DOCUMENT_KEYS",
    "FIELDS",
    "GENERIC_ID_ALIASES",
    "GOAL_ALIASES",
    "ID_COLUMNS",
    "LIST_SEPARATORS",
    "POLICY_BY_NAME",
    "POLICY_KEY_ALIASES",
    "RATIO_BASE_ALIASES",
    "REQUIRED",
    "REQUIRED_COLUMNS",
    "REQUIRED_SHEETS",
    "SETTINGS_BY_NAME",
    "SETTINGS_KEYS",
    "SETTINGS_KEY_ALIASES",
    "SHEETS_BY_NAME",
    "SHEET_ALIASES",
    "SHEET_COLUMNS",
    "SHEET_ORDER",
    "STAFF_STAGES",
    "Field",
    "also_accepted",
    "code_expected",
]

# ---------------------------------------------------------------------------
# Sheets and columns, and the aliases accepted on reading
# ---------------------------------------------------------------------------

# Sheet -> its columns in canonical order (the order write_scenario uses).
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "settings": ("key", "value"),
    "policy": ("key", "value"),
    "groups": ("group_id", "name", "founded_year"),
    "schools": (
        "school_id",
        "name",
        "group_id",
        "role",
        "stage",
        "capacity",
        "joined_year",
        "left_year",
    ),
    "staff": (
        "staff_id",
        "name",
        "school_id",
        "subject",
        "stage",
        "birth_date",
        "position",
        "honor",
        "level_ok",
        "age_exception",
        "volunteer",
        "preferred_school",
        "needs_experience",
        "unavailable",
        "backbone",
        "school_since",
    ),
    "needs": ("school_id", "year", "subject", "stage", "count", "priority"),
    "core_keep": ("school_id", "subject", "min_home"),
    "commitments": ("staff_id", "school_id", "start_year", "end_year", "ended_early", "reason"),
    "budget": ("year", "amount"),
    "history": ("staff_id", "school_id", "start_year", "end_year", "ended_early", "reason"),
    "mutual": (
        "staff_id",
        "name",
        "from_school",
        "to_school",
        "subject",
        "stage",
        "start_year",
        "end_year",
        "priority",
        "needs_cover",
        "ended_early",
        "reason",
    ),
    "bans": ("staff_id", "school_id", "note"),
}

REQUIRED_SHEETS: tuple[str, ...] = ("settings", "groups", "schools", "staff", "needs")

# Columns a sheet must have (the others may be left out: blank = default).
REQUIRED_COLUMNS: dict[str, frozenset[str]] = {
    "settings": frozenset({"key", "value"}),
    "policy": frozenset({"key", "value"}),
    "groups": frozenset({"group_id", "founded_year"}),
    "schools": frozenset({"school_id", "group_id", "role", "stage"}),
    "staff": frozenset({"staff_id", "school_id", "subject", "stage", "birth_date"}),
    "needs": frozenset({"school_id", "year", "subject", "count"}),
    "core_keep": frozenset({"school_id", "subject", "min_home"}),
    "commitments": frozenset({"staff_id", "school_id", "start_year", "end_year"}),
    "budget": frozenset({"year", "amount"}),
    "history": frozenset({"staff_id", "school_id", "start_year", "end_year"}),
    "mutual": frozenset(
        {"staff_id", "from_school", "to_school", "subject", "stage", "start_year", "end_year"}
    ),
    # Both: a school column left out must not turn every ban into "never sent".
    "bans": frozenset({"staff_id", "school_id"}),
}

# The sheets whose rows carry their own id, and the column that holds it.
ID_COLUMNS: dict[str, str] = {"groups": "group_id", "schools": "school_id", "staff": "staff_id"}

# Each sheet's own id column (ID_COLUMNS): a generic id header (编号, 代码, id) means it.
GENERIC_ID_ALIASES: tuple[str, ...] = ("id", "编号", "代码")

SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "settings": ("设置", "基本设置"),
    "policy": ("政策", "政策参数"),
    "groups": ("集团", "教育集团"),
    "schools": ("学校",),
    "staff": ("教职工", "人员", "教师"),
    "needs": ("需求", "学校需求"),
    "core_keep": ("留校", "核心校留校"),
    "commitments": ("已定交流", "已定"),
    "budget": ("经费", "预算"),
    "history": ("交流记录", "历史交流"),
    "mutual": ("互派", "互派人员"),
    "bans": ("禁派", "禁派名单"),
}

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "key": ("项目", "参数", "键"),
    "value": ("值", "数值", "取值"),
    "group_id": ("集团", "集团编号", "集团代码"),
    "school_id": ("学校", "学校编号", "学校代码"),
    "staff_id": ("工号", "编号", "教师编号", "人员编号"),
    "name": ("姓名", "名称", "学校名称", "集团名称"),
    "founded_year": ("成立年份", "成立学年"),
    "role": ("类型", "角色"),
    "stage": ("学段",),
    "capacity": ("接收上限", "容量"),
    "joined_year": ("加入年份", "加入学年"),
    "left_year": ("退出年份", "退出学年"),
    "subject": ("学科",),
    "birth_date": ("出生日期",),
    "position": ("职务",),
    "honor": ("荣誉",),
    "level_ok": ("水平认定", "较高水平"),
    "age_exception": ("年龄例外",),
    "volunteer": ("自愿", "志愿"),
    "preferred_school": ("意向学校",),
    "needs_experience": ("需交流经历",),
    "unavailable": ("不可派年份",),
    "backbone": ("骨干教师", "骨干"),
    "school_since": ("本校任教起始年", "入校年份"),
    "year": ("学年", "年份"),
    "count": ("需求人数", "人数"),
    "priority": ("优先级", "权重"),
    "min_home": ("最少留校",),
    "start_year": ("开始学年", "开始年份"),
    "end_year": ("结束学年", "结束年份"),
    "amount": ("经费", "金额"),
    "from_school": ("派出学校", "派出学校编号"),
    "to_school": ("接收学校", "接收学校编号"),
    "needs_cover": ("需补位", "需要补位"),
    "note": ("备注", "说明"),
    "ended_early": ("提前结束",),
    "reason": ("原因", "提前结束原因"),
}

SETTINGS_KEYS: tuple[str, ...] = ("name", "first_year", "horizon")
# Optional settings of the official documents (planner notices): the fields
# of planner.data.DocumentSettings.
DOCUMENT_KEYS: tuple[str, ...] = (
    "bureau",
    "doc_prefix",
    "doc_number",
    "doc_date",
    "report_date",
    "cc",
)
SETTINGS_KEY_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "方案名称"),
    "first_year": ("起始学年", "首学年", "第一学年"),
    "horizon": ("年数", "规划年数", "学年数"),
    "bureau": ("教育局", "发文机关"),
    "doc_prefix": ("发文字号前缀", "文号前缀"),
    "doc_number": ("文号", "发文序号"),
    "doc_date": ("成文日期", "发文日期"),
    "report_date": ("报到日期",),
    "cc": ("抄送",),
}

# Policy keys (planner.policy.PARAMETERS): the first alias is the Chinese name
# the template shows (drop-down, 填写说明).
POLICY_KEY_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("政策名称",),
    "term_min": ("最短任期", "最短交流年限"),
    "term_max": ("最长任期", "最长交流年限"),
    "ratio_first_year": ("首年交流比例", "第一年交流比例"),
    "ratio_later_years": ("以后每年交流比例", "以后各年交流比例"),
    "cadre_min_first_year": ("首年中层以上干部人数", "首年干部人数"),
    "cadre_min_later_years": ("以后每年干部人数", "以后每年中层以上干部人数"),
    "max_age": ("年龄上限", "最大年龄"),
    "min_honor": ("最低荣誉", "荣誉要求"),
    "require_level": ("须具较高水平", "要求较高水平"),
    "receiving_roles": ("接收学校类型", "接收成员校类型"),
    "cost_teacher": ("教师年经费", "教师每年经费"),
    "cost_cadre": ("干部年经费", "干部每年经费"),
    "objective_order": ("目标顺序", "优化顺序"),
    "prefer_volunteer": ("非自愿扣分",),
    "prefer_preferred_school": ("非意向学校扣分",),
    "prefer_needs_experience": ("无需交流经历扣分",),
    "repeat_gap_years": ("再次交流间隔年数", "再次交流间隔"),
    "ratio_base": ("比例基数",),
    "backbone_min_share": ("骨干教师最低比例", "骨干比例"),
    "tenure_years": ("任职年限",),
}
# The soft goals of objective_order in Chinese (docs/rules.zh.md).
GOAL_ALIASES: dict[str, str] = {
    "覆盖": "COVER", "均衡": "FAIR", "公平": "FAIR", "意愿": "PREFER", "偏好": "PREFER",
    "经费": "COST", "稳定": "STABLE",
}  # fmt: skip
# ratio_base's values in Chinese.
RATIO_BASE_ALIASES: dict[str, str] = {
    "全体人数": "headcount", "全体": "headcount", "符合条件人数": "eligible",
    "符合条件": "eligible",
}  # fmt: skip
# What separates the items of a list value (receiving_roles, objective_order).
LIST_SEPARATORS = r"[,，、;；\s]+"

# Coded values: Chinese (and spelling) aliases of each enum's values.
CODE_ALIASES: dict[type[Enum], dict[str, str]] = {
    Role: {"核心校": "core", "核心": "core", "融合型": "fusion", "融合": "fusion",
           "联合型": "alliance", "联合": "alliance"},
    Stage: {"小学": "primary", "初中": "junior", "九年一贯制": "nine_year",
            "九年一贯": "nine_year", "nine-year": "nine_year", "nineyear": "nine_year"},
    Position: {"教师": "teacher", "中层": "middle", "校级": "senior", "校级领导": "senior"},
    Honor: {"无": "none", "校级": "school", "区级": "district", "区县级": "district",
            "市级": "city", "省级": "province", "国家级": "national"},
}  # fmt: skip

# Where a problem of a sheet sorts in the report.
SHEET_ORDER = {name: i for i, name in enumerate(SHEET_COLUMNS)}


def _sheet_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for sheet, aliases in SHEET_ALIASES.items():
        for name in (sheet, *aliases):
            lookup[norm(name)] = sheet
    return lookup


def _column_lookup(sheet: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in SHEET_COLUMNS[sheet]:
        for name in (column, *COLUMN_ALIASES.get(column, ())):
            lookup.setdefault(norm(name), column)
    id_column = ID_COLUMNS.get(sheet)
    if id_column is not None:
        for name in GENERIC_ID_ALIASES:
            lookup.setdefault(norm(name), id_column)
    return lookup


# Normalized name (see cells.norm) -> canonical sheet, column per sheet, settings key.
SHEETS_BY_NAME = _sheet_lookup()
COLUMNS_BY_NAME = {sheet: _column_lookup(sheet) for sheet in SHEET_COLUMNS}
SETTINGS_BY_NAME = {
    norm(alias): key for key, aliases in SETTINGS_KEY_ALIASES.items() for alias in (key, *aliases)
}
POLICY_BY_NAME = {
    norm(alias): key for key, aliases in POLICY_KEY_ALIASES.items() for alias in (key, *aliases)
}


def also_accepted(aliases: Iterable[str]) -> str:
    """`` (also accepted: a, b)`` for a message, or nothing without aliases."""
    names = list(aliases)
    return _(" (also accepted: {names})").format(names=", ".join(names)) if names else ""


def _code_parser(enum: type[Enum]) -> Callable[[Any], Any]:
    return enum_parser(enum, CODE_ALIASES[enum])


def code_expected(enum: type[Enum], only: Sequence[Enum] | None = None) -> str:
    """What a coded cell of ``enum`` expects (its values and Chinese aliases)."""
    return enum_expected(enum, CODE_ALIASES.get(enum, {}), only)


# ---------------------------------------------------------------------------
# The cells of each table sheet
# ---------------------------------------------------------------------------

REQUIRED: Any = object()  # default marker: the cell must not be blank


@dataclass(frozen=True)
class Field:
    """One column of a table sheet: its parser, what it expects, its default."""

    column: str
    parse: Callable[[Any], Any]
    expected: str
    default: Any = REQUIRED


STAFF_STAGES = (Stage.PRIMARY, Stage.JUNIOR)
_OR_BLANK = ", or blank"

# Sheet -> the fields of its rows; the names are the dataclass fields.
# An exchange (or mutual move) that ended before its planned end: TERM's
# minimum does not apply to it (rules: "Ended early"); the reason is free text.
_ENDED_EARLY = (
    Field("ended_early", parse_bool, EXPECT_BOOL, False),
    Field("reason", parse_text, EXPECT_TEXT, ""),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "groups": (
        Field("group_id", parse_id, EXPECT_ID),
        Field("name", parse_text, EXPECT_TEXT, ""),
        Field("founded_year", parse_year, EXPECT_YEAR),
    ),
    "schools": (
        Field("school_id", parse_id, EXPECT_ID),
        Field("name", parse_text, EXPECT_TEXT, ""),
        Field("group_id", parse_id, EXPECT_ID),
        Field("role", _code_parser(Role), code_expected(Role)),
        Field("stage", _code_parser(Stage), code_expected(Stage)),
        Field("capacity", parse_count, EXPECT_CAPACITY, None),
        Field("joined_year", parse_year, EXPECT_YEAR + _OR_BLANK, None),
        Field("left_year", parse_year, EXPECT_YEAR + _OR_BLANK, None),
    ),
    "staff": (
        Field("staff_id", parse_id, EXPECT_ID),
        Field("name", parse_text, EXPECT_TEXT, ""),
        Field("school_id", parse_id, EXPECT_ID),
        Field("subject", parse_text, "the subject taught, e.g. 数学"),
        Field("stage", _code_parser(Stage), code_expected(Stage, STAFF_STAGES)),
        Field("birth_date", parse_date, EXPECT_DATE),
        Field("position", _code_parser(Position), code_expected(Position), Position.TEACHER),
        Field("honor", _code_parser(Honor), code_expected(Honor), Honor.NONE),
        Field("level_ok", parse_bool, EXPECT_BOOL, False),
        Field("age_exception", parse_bool, EXPECT_BOOL, False),
        Field("volunteer", parse_bool, EXPECT_BOOL, False),
        Field("preferred_school", parse_id, EXPECT_ID + _OR_BLANK, None),
        Field("needs_experience", parse_bool, EXPECT_BOOL, False),
        Field("unavailable", parse_unavailable, EXPECT_UNAVAILABLE, frozenset()),
        # Beyond the contract (optional): for the national 2014 and tenure presets.
        Field("backbone", parse_bool, EXPECT_BOOL, False),
        Field("school_since", parse_year, EXPECT_YEAR + _OR_BLANK, None),
    ),
    "needs": (
        Field("school_id", parse_id, EXPECT_ID),
        Field("year", parse_year, EXPECT_YEAR),
        Field("subject", parse_text, "the subject needed, e.g. 数学"),
        Field("stage", _code_parser(Stage), code_expected(Stage) + ", or blank for the "
               "school's own stage", None),
        Field("count", parse_count, EXPECT_COUNT),
        Field("priority", parse_priority, EXPECT_PRIORITY, Decimal(1)),
    ),
    "core_keep": (
        Field("school_id", parse_id, EXPECT_ID),
        Field("subject", parse_text, "a subject, e.g. 数学"),
        Field("min_home", parse_count, EXPECT_COUNT),
    ),
    "commitments": (
        Field("staff_id", parse_id, EXPECT_ID),
        Field("school_id", parse_id, EXPECT_ID),
        Field("start_year", parse_year, EXPECT_YEAR),
        Field("end_year", parse_year, EXPECT_YEAR),
        *_ENDED_EARLY,
    ),
    "budget": (
        Field("year", parse_year, EXPECT_YEAR),
        Field("amount", parse_amount, EXPECT_AMOUNT),
    ),
    # Past exchanges (the exchange-experience ledger); the same columns.
    "history": (
        Field("staff_id", parse_id, EXPECT_ID),
        Field("school_id", parse_id, EXPECT_ID),
        Field("start_year", parse_year, EXPECT_YEAR),
        Field("end_year", parse_year, EXPECT_YEAR),
        *_ENDED_EARLY,
    ),
    # Agreed moves of member-school staff to the core school (互派).
    "mutual": (
        Field("staff_id", parse_id, EXPECT_ID),
        Field("name", parse_text, EXPECT_TEXT, ""),
        Field("from_school", parse_id, EXPECT_ID),
        Field("to_school", parse_id, EXPECT_ID),
        Field("subject", parse_text, "the subject taught, e.g. 数学"),
        Field("stage", _code_parser(Stage), code_expected(Stage, STAFF_STAGES)),
        Field("start_year", parse_year, EXPECT_YEAR),
        Field("end_year", parse_year, EXPECT_YEAR),
        Field("priority", parse_priority, EXPECT_PRIORITY, Decimal(1)),
        Field("needs_cover", parse_bool, EXPECT_BOOL, True),
        *_ENDED_EARLY,
    ),
    # BAN: blank school = never sent at all in the horizon.
    "bans": (
        Field("staff_id", parse_id, EXPECT_ID),
        Field("school_id", parse_id, EXPECT_ID + ", or blank for never sent at all", None),
        Field("note", parse_text, EXPECT_TEXT, ""),
    ),
}  # fmt: skip

assert all(tuple(f.column for f in fs) == SHEET_COLUMNS[s] for s, fs in FIELDS.items())
