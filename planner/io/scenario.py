"""Read and write the scenario workbook of ``shared/spec/scenario-format.md``.

:func:`read_scenario` reads every sheet and column of the contract (plus
Chinese sheet names, header aliases and coded-value aliases, all in the
tables below), checks every cell and every cross reference, and raises one
:class:`~planner.problems.ScenarioError` carrying every problem found, each
naming the sheet, Excel row, column, the value found and the fix. It never
writes to the input file.

:func:`write_scenario` writes a scenario back in exactly the contract's
sheets and canonical column names, so that reading it gives the same
scenario.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from planner.data import (
    BudgetRow,
    Commitment,
    CoreKeep,
    DocumentSettings,
    Exchange,
    Group,
    Need,
    Scenario,
    School,
    Staff,
)
from planner.enums import Honor, Position, Role, Stage
from planner.io.validation import (
    HORIZON_MAX,
    ID_COLUMNS,
    YEAR_MAX,
    YEAR_MIN,
    Unparsed,
    duplicate_expected,
    scenario_findings,
)
from planner.policy import (
    PARAMETERS,
    Policy,
    build_policy,
    load_policy,
    parse_bool,
    parse_decimal,
    parse_parameters,
)
from planner.problems import Problem, ScenarioError

__all__ = [
    "CODE_ALIASES",
    "COLUMN_ALIASES",
    "DOCUMENT_KEYS",
    "REQUIRED_COLUMNS",
    "REQUIRED_SHEETS",
    "SETTINGS_KEY_ALIASES",
    "SHEET_ALIASES",
    "SHEET_COLUMNS",
    "read_scenario",
    "scenario_rows",
    "write_scenario",
]

# ---------------------------------------------------------------------------
# The contract's layout, and the aliases accepted on reading (data, one place)
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
    "commitments": ("staff_id", "school_id", "start_year", "end_year"),
    "budget": ("year", "amount"),
    "history": ("staff_id", "school_id", "start_year", "end_year"),
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
}

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
}

SETTINGS_KEYS: tuple[str, ...] = ("name", "first_year", "horizon")
# Optional settings of the official documents (planner notices): fields of
# planner.data.DocumentSettings.
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
_SHEET_ORDER = {name: i for i, name in enumerate(SHEET_COLUMNS)}


def _norm(text: object) -> str:
    """A header or key as compared: stripped, lower case, spaces/hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFKC", str(text)).strip().lower())


def _sheet_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for sheet, aliases in SHEET_ALIASES.items():
        for name in (sheet, *aliases):
            lookup[_norm(name)] = sheet
    return lookup


def _column_lookup(sheet: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in SHEET_COLUMNS[sheet]:
        for name in (column, *COLUMN_ALIASES.get(column, ())):
            lookup.setdefault(_norm(name), column)
    id_column = ID_COLUMNS.get(sheet)
    if id_column is not None:
        for name in GENERIC_ID_ALIASES:
            lookup.setdefault(_norm(name), id_column)
    return lookup


def _code_lookup(enum: type[Enum]) -> dict[str, Enum]:
    lookup: dict[str, Enum] = {_norm(member.value): member for member in enum}
    for alias, value in CODE_ALIASES.get(enum, {}).items():
        lookup[_norm(alias)] = enum(value)
    return lookup


_SHEETS_BY_NAME = _sheet_lookup()
_COLUMNS_BY_NAME = {sheet: _column_lookup(sheet) for sheet in SHEET_COLUMNS}
_SETTINGS_BY_NAME = {
    _norm(alias): key for key, aliases in SETTINGS_KEY_ALIASES.items() for alias in (key, *aliases)
}
_CODES = {enum: _code_lookup(enum) for enum in CODE_ALIASES}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _also(aliases: Iterable[str]) -> str:
    names = list(aliases)
    return f" (also accepted: {', '.join(names)})" if names else ""


# ---------------------------------------------------------------------------
# Cell parsers: each returns the value or raises ValueError (with a detail)
# ---------------------------------------------------------------------------

EXPECT_ID = "an id (text; a whole number is read as its digits)"
EXPECT_TEXT = "text"
EXPECT_YEAR = f"a four-digit school year {YEAR_MIN}..{YEAR_MAX} (e.g. 2022)"
EXPECT_DATE = "a date as YYYY-MM-DD (a date cell or text such as 1985-03-01)"
EXPECT_BOOL = "yes or no (also true/false, 1/0, 是/否; blank = no)"
EXPECT_COUNT = "a whole number >= 0"
EXPECT_CAPACITY = "a whole number >= 0, or blank for no limit"
EXPECT_PRIORITY = "a number > 0 (blank = 1)"
EXPECT_AMOUNT = "an amount >= 0"
EXPECT_HORIZON = f"a whole number of school years 1..{HORIZON_MAX}"
EXPECT_UNAVAILABLE = (
    f"school years {YEAR_MIN}..{YEAR_MAX} separated by commas (e.g. 2023,2024), or blank"
)

# Excel keeps 15 significant digits: a longer number in an id cell has lost some.
_LONGEST_NUMBER_ID = 10**15
# Whole numbers below this are exact as floats.
_EXACT_FLOAT_LIMIT = 2**53


def _parse_id(raw: Any) -> str:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError("a number with a fraction is not an id")
        raw = int(raw)
    if isinstance(raw, int):
        if abs(raw) >= _LONGEST_NUMBER_ID:
            raise ValueError(
                "a number of more than 15 digits loses digits in Excel; format the column "
                "as text and type the id again"
            )
        return str(raw)
    text = str(raw).strip()
    if not text:
        raise ValueError
    return text


def _parse_text(raw: Any) -> str:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _parse_whole(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        return int(raw.strip())
    raise ValueError


def _parse_int_range(lo: int, hi: int | None) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        value = _parse_whole(raw)
        if value < lo or (hi is not None and value > hi):
            raise ValueError
        return value

    return parse


_SCHOOL_YEAR_SPAN = re.compile(r"(\d{4})\s*[-–—/~至]\s*(\d{4})\s*(?:学年)?")


def _parse_year(raw: Any) -> int:
    if isinstance(raw, str):
        text = raw.strip()
        span = _SCHOOL_YEAR_SPAN.fullmatch(text)  # "2022-2023学年" is school year 2022
        if span and int(span.group(2)) == int(span.group(1)) + 1:
            text = span.group(1)
        text = re.sub(r"\s*(学年|年)$", "", text)
        raw = text
    year = _parse_whole(raw)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError
    return year


def _parse_priority(raw: Any) -> Decimal:
    value = parse_decimal(raw)
    if value <= 0:
        raise ValueError
    return value


def _parse_amount(raw: Any) -> Decimal:
    value = parse_decimal(raw)
    if value < 0:
        raise ValueError
    return value


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str):
        match = _DATE_TEXT.fullmatch(raw.strip())
        if not match:
            raise ValueError
        year, month, day = (int(g) for g in match.groups())
        try:
            value = dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError("no such day") from exc
    else:
        raise ValueError
    if not 1900 <= value.year <= YEAR_MAX:
        raise ValueError("the year is out of range")
    return value


def _parse_unavailable(raw: Any) -> frozenset[int]:
    if isinstance(raw, str):
        tokens = [t for t in re.split(r"[,，、;；\s]+", raw.strip()) if t]
    else:
        tokens = [raw]
    years: set[int] = set()
    for token in tokens:
        try:
            years.add(_parse_year(token))
        except ValueError:
            raise ValueError(f"{token!r} is not a school year") from None
    return frozenset(years)


def _enum_parser(enum: type[Enum]) -> Callable[[Any], Any]:
    lookup = _CODES[enum]
    exact: dict[object, Enum] = {member.value: member for member in enum}

    def parse(raw: Any) -> Any:
        found = exact.get(raw) if isinstance(raw, str) else None
        if found is not None:
            return found
        try:
            return lookup[_norm(raw)]
        except KeyError:
            raise ValueError from None

    return parse


def _enum_expected(enum: type[Enum], only: Sequence[Enum] | None = None) -> str:
    members = list(only) if only is not None else list(enum)
    values = ", ".join(str(m.value) for m in members)
    chinese = [a for a, v in CODE_ALIASES.get(enum, {}).items()
               if enum(v) in members and not a.isascii()]  # fmt: skip
    return f"one of {values}" + (f" (or {', '.join(chinese)})" if chinese else "")


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_REQUIRED: Any = object()  # default marker: the cell must not be blank

# What openpyxl gives for a cell holding an Excel error (a broken formula).
_EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


@dataclass(frozen=True)
class _Field:
    """One column of a table sheet: its parser, what it expects, its default."""

    column: str
    parse: Callable[[Any], Any]
    expected: str
    default: Any = _REQUIRED


_STAFF_STAGES = (Stage.PRIMARY, Stage.JUNIOR)
_OR_BLANK = ", or blank"

# Sheet -> the fields of its rows; the names are the dataclass fields.
_FIELDS: dict[str, tuple[_Field, ...]] = {
    "groups": (
        _Field("group_id", _parse_id, EXPECT_ID),
        _Field("name", _parse_text, EXPECT_TEXT, ""),
        _Field("founded_year", _parse_year, EXPECT_YEAR),
    ),
    "schools": (
        _Field("school_id", _parse_id, EXPECT_ID),
        _Field("name", _parse_text, EXPECT_TEXT, ""),
        _Field("group_id", _parse_id, EXPECT_ID),
        _Field("role", _enum_parser(Role), _enum_expected(Role)),
        _Field("stage", _enum_parser(Stage), _enum_expected(Stage)),
        _Field("capacity", _parse_int_range(0, None), EXPECT_CAPACITY, None),
        _Field("joined_year", _parse_year, EXPECT_YEAR + _OR_BLANK, None),
        _Field("left_year", _parse_year, EXPECT_YEAR + _OR_BLANK, None),
    ),
    "staff": (
        _Field("staff_id", _parse_id, EXPECT_ID),
        _Field("name", _parse_text, EXPECT_TEXT, ""),
        _Field("school_id", _parse_id, EXPECT_ID),
        _Field("subject", _parse_text, "the subject taught, e.g. 数学"),
        _Field("stage", _enum_parser(Stage), _enum_expected(Stage, _STAFF_STAGES)),
        _Field("birth_date", _parse_date, EXPECT_DATE),
        _Field("position", _enum_parser(Position), _enum_expected(Position), Position.TEACHER),
        _Field("honor", _enum_parser(Honor), _enum_expected(Honor), Honor.NONE),
        _Field("level_ok", parse_bool, EXPECT_BOOL, False),
        _Field("age_exception", parse_bool, EXPECT_BOOL, False),
        _Field("volunteer", parse_bool, EXPECT_BOOL, False),
        _Field("preferred_school", _parse_id, EXPECT_ID + _OR_BLANK, None),
        _Field("needs_experience", parse_bool, EXPECT_BOOL, False),
        _Field("unavailable", _parse_unavailable, EXPECT_UNAVAILABLE, frozenset()),
        # Beyond the contract (optional): for the national 2014 and tenure presets.
        _Field("backbone", parse_bool, EXPECT_BOOL, False),
        _Field("school_since", _parse_year, EXPECT_YEAR + _OR_BLANK, None),
    ),
    "needs": (
        _Field("school_id", _parse_id, EXPECT_ID),
        _Field("year", _parse_year, EXPECT_YEAR),
        _Field("subject", _parse_text, "the subject needed, e.g. 数学"),
        _Field("stage", _enum_parser(Stage), _enum_expected(Stage) + ", or blank for the "
               "school's own stage", None),
        _Field("count", _parse_int_range(0, None), EXPECT_COUNT),
        _Field("priority", _parse_priority, EXPECT_PRIORITY, Decimal(1)),
    ),
    "core_keep": (
        _Field("school_id", _parse_id, EXPECT_ID),
        _Field("subject", _parse_text, "a subject, e.g. 数学"),
        _Field("min_home", _parse_int_range(0, None), EXPECT_COUNT),
    ),
    "commitments": (
        _Field("staff_id", _parse_id, EXPECT_ID),
        _Field("school_id", _parse_id, EXPECT_ID),
        _Field("start_year", _parse_year, EXPECT_YEAR),
        _Field("end_year", _parse_year, EXPECT_YEAR),
    ),
    "budget": (
        _Field("year", _parse_year, EXPECT_YEAR),
        _Field("amount", _parse_amount, EXPECT_AMOUNT),
    ),
    # Past exchanges (the exchange-experience ledger); the same columns.
    "history": (
        _Field("staff_id", _parse_id, EXPECT_ID),
        _Field("school_id", _parse_id, EXPECT_ID),
        _Field("start_year", _parse_year, EXPECT_YEAR),
        _Field("end_year", _parse_year, EXPECT_YEAR),
    ),
}  # fmt: skip

assert all(tuple(f.column for f in fs) == SHEET_COLUMNS[s] for s, fs in _FIELDS.items())


def _check_school(row: _Row, values: dict[str, Any]) -> None:
    joined, left = values["joined_year"], values["left_year"]
    if joined is not None and left is not None and left <= joined:
        row.fail(
            "left_year",
            left,
            f"left_year must be after joined_year ({joined}): it is the first year the "
            "school is no longer a member",
        )


def _check_staff(row: _Row, values: dict[str, Any]) -> None:
    if values["stage"] is Stage.NINE_YEAR:
        row.fail(
            "stage",
            row.raw("stage"),
            "stage: a staff member teaches one stage: " + _enum_expected(Stage, _STAFF_STAGES),
        )


@dataclass
class _Table:
    """One sheet as read: header mapping and the non-blank data rows."""

    sheet: str  # canonical name
    title: str  # as in the workbook
    index: dict[str, int]  # canonical column -> position in a row
    labels: dict[str, str]  # canonical column -> header as written
    rows: list[tuple[int, tuple[Any, ...]]]  # Excel row number, values
    missing: set[str] = field(default_factory=set)  # required columns not found

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


class _Row:
    """Reads the cells of one row, recording a problem for each bad cell."""

    def __init__(self, table: _Table, row: int, values: tuple[Any, ...], out: list[Problem]):
        self.table = table
        self.row = row
        self.values = values
        self.out = out
        self.ok = True

    def raw(self, column: str) -> Any:
        i = self.table.index.get(column)
        if i is None or i >= len(self.values):
            return None
        value = self.values[i]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def fail(self, column: str, value: Any, expected: str) -> None:
        self.ok = False
        self.out.append(
            Problem(self.table.title, self.row, self.table.label(column), value, expected)
        )

    def parse(self, fields_: Sequence[_Field]) -> dict[str, Any]:
        """Every field of the row (the dataclass's keyword arguments)."""
        values: dict[str, Any] = {}
        index = self.table.index
        row = self.values
        width = len(row)
        for f in fields_:
            i = index.get(f.column)
            raw = row[i] if i is not None and i < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if f.default is _REQUIRED:
                    self.fail(f.column, None, f"{f.column} is required here: expected {f.expected}")
                    values[f.column] = None
                else:
                    values[f.column] = f.default
                continue
            if raw.__class__ is str and raw in _EXCEL_ERRORS:
                self.fail(f.column, raw, f"{f.column}: an Excel error value; expected {f.expected}")
                values[f.column] = None
                continue
            try:
                values[f.column] = f.parse(raw)
            except (ValueError, TypeError) as exc:
                detail = f"; {exc}" if str(exc) else ""
                self.fail(f.column, raw, f"{f.column}: expected {f.expected}{detail}")
                values[f.column] = None
        return values

    def readable_id(self, column: str) -> str | None:
        raw = self.raw(column)
        if raw is None:
            return None
        try:
            return _parse_id(raw)
        except ValueError:
            return None


class _Reader:
    def __init__(self, path: Path, policy_file: str | Path | None) -> None:
        self.path = path
        self.policy_file = policy_file
        self.problems: list[Problem] = []
        self.tables: dict[str, _Table] = {}
        self.unparsed = Unparsed()
        self.documents = DocumentSettings()  # the optional settings of planner notices
        # Excel row of each built item, per canonical sheet (settings: by key).
        self.rows: dict[str, dict[int | str, int]] = {}
        # Per id sheet: (Excel row, id, built?) of every row with a readable id.
        self.id_rows: dict[str, list[tuple[int, str, bool]]] = {}

    # -- workbook and tables -------------------------------------------------

    def unreadable(self, exc: Exception) -> ScenarioError:
        return ScenarioError(
            [
                Problem(
                    self.path.name,
                    None,
                    None,
                    str(self.path),
                    f"cannot open it as an .xlsx workbook ({type(exc).__name__}: {exc}); "
                    "save the scenario as an Excel .xlsx file",
                )
            ],
            source=str(self.path),
        )

    def load(self) -> None:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        # What a missing, foreign or damaged file raises (SyntaxError: bad XML).
        broken = (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError,
                  TypeError, SyntaxError)  # fmt: skip
        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except broken as exc:
            raise self.unreadable(exc) from None
        try:
            for ws in wb.worksheets:
                sheet = _SHEETS_BY_NAME.get(_norm(ws.title))
                if sheet is None:
                    continue  # not a sheet of the contract (notes, about, ...): ignored
                if sheet in self.tables:
                    self.problems.append(
                        Problem(
                            ws.title,
                            None,
                            None,
                            ws.title,
                            f"sheets '{self.tables[sheet].title}' and '{ws.title}' both hold "
                            f"{sheet}; keep one of them (the first one is read)",
                        )
                    )
                    continue
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()  # stated dimensions may be wrong: read every row
                rows = list(ws.iter_rows(values_only=True))
                self.tables[sheet] = self.read_table(sheet, ws.title, rows)
        except broken as exc:
            raise self.unreadable(exc) from None
        finally:
            wb.close()
        for sheet in SHEET_COLUMNS:
            if sheet in REQUIRED_SHEETS and sheet not in self.tables:
                columns = ", ".join(SHEET_COLUMNS[sheet])
                self.problems.append(
                    Problem(
                        sheet,
                        None,
                        None,
                        None,
                        f"the workbook has no sheet '{sheet}'{_also(SHEET_ALIASES[sheet])}; "
                        f"add it with the header row {columns}",
                    )
                )

    def read_table(self, sheet: str, title: str, rows: Iterable[tuple[Any, ...]]) -> _Table:
        lookup = _COLUMNS_BY_NAME[sheet]
        table = _Table(sheet, title, {}, {}, [])
        iterator = iter(rows)
        header = next(iterator, ())
        if sheet not in REQUIRED_SHEETS and all(_blank(cell) for cell in header):
            rest = list(iterator)
            if all(_blank(v) for values in rest for v in values):
                return table  # an empty optional sheet: as if it were not there
            iterator = iter(rest)
        for position, cell in enumerate(header):
            if cell is None or not str(cell).strip():
                continue
            column = lookup.get(_norm(cell))
            if column is None:
                continue  # extra column: ignored
            if column in table.index:
                self.problems.append(
                    Problem(
                        title,
                        1,
                        str(cell).strip(),
                        str(cell).strip(),
                        f"columns '{table.labels[column]}' and '{str(cell).strip()}' both mean "
                        f"{column}; keep one of them",
                    )
                )
                continue
            table.index[column] = position
            table.labels[column] = str(cell).strip()
        for column in SHEET_COLUMNS[sheet]:
            if column in REQUIRED_COLUMNS[sheet] and column not in table.index:
                table.missing.add(column)
                self.problems.append(
                    Problem(
                        title,
                        1,
                        column,
                        None,
                        f"the header row has no column '{column}'"
                        f"{_also(COLUMN_ALIASES.get(column, ()))}; add it",
                    )
                )
        # A row is blank when every column of the contract is blank (an extra
        # column may hold a remark or a total).
        positions = sorted(table.index.values())
        for number, values in enumerate(iterator, start=2):
            width = len(values)
            for i in positions:
                v = values[i] if i < width else None
                if v is not None and not (isinstance(v, str) and not v.strip()):
                    table.rows.append((number, values))
                    break
        return table

    def table_rows(self, sheet: str) -> Iterable[_Row]:
        """The rows of a sheet that can be parsed (all required columns present).

        If columns are missing, the rows are not parsed, but their ids are
        noted so that references to them are not reported as unknown.
        """
        table = self.tables.get(sheet)
        if table is None:
            if sheet in ID_COLUMNS:
                self.unparsed.sheets.add(sheet)
            return
        if table.missing:
            id_column = ID_COLUMNS.get(sheet)
            if id_column is not None:
                if id_column in table.missing:
                    self.unparsed.sheets.add(sheet)
                else:
                    for item_id in self.readable_ids(sheet):
                        self._note_unparsed(sheet, item_id, None)
                if sheet == "schools":
                    # No school was built: no group's core schools can be counted.
                    self.unparsed.incomplete_groups.update(self.readable_ids("groups"))
            return
        for number, values in table.rows:
            yield _Row(table, number, values, self.problems)

    def readable_ids(self, sheet: str) -> set[str]:
        """The readable ids of every row of ``sheet``."""
        table = self.tables.get(sheet)
        id_column = ID_COLUMNS[sheet]
        if table is None or id_column not in table.index:
            return set()
        scratch: list[Problem] = []
        ids = (_Row(table, n, values, scratch).readable_id(id_column) for n, values in table.rows)
        return {i for i in ids if i is not None}

    def _note_unparsed(self, sheet: str, item_id: str, group_id: str | None) -> None:
        if sheet == "groups":
            self.unparsed.group_ids.add(item_id)
        elif sheet == "schools":
            self.unparsed.school_ids.add(item_id)
            if group_id is not None:
                self.unparsed.incomplete_groups.add(group_id)
        elif sheet == "staff":
            self.unparsed.staff_ids.add(item_id)

    def built(self, sheet: str, row: _Row, index: int) -> None:
        self.rows.setdefault(sheet, {})[index] = row.row

    def failed(self, sheet: str, row: _Row) -> None:
        id_column = ID_COLUMNS.get(sheet)
        if id_column is None:
            return
        item_id = row.readable_id(id_column)
        if item_id is not None:
            group_id = row.readable_id("group_id") if sheet == "schools" else None
            self._note_unparsed(sheet, item_id, group_id)
            self.id_rows.setdefault(sheet, []).append((row.row, item_id, False))
        elif sheet == "schools":
            group_id = row.readable_id("group_id")
            if group_id is not None:
                self.unparsed.incomplete_groups.add(group_id)

    def make(
        self,
        sheet: str,
        row: _Row,
        items: list[Any],
        factory: Callable[..., Any],
        values: dict[str, Any],
    ) -> None:
        """Append ``factory(**values)`` to ``items`` if every cell of ``row`` parsed."""
        if row.ok:
            try:
                item = factory(**values)
            except (ValueError, TypeError) as exc:
                row.fail(SHEET_COLUMNS[sheet][0], row.raw(SHEET_COLUMNS[sheet][0]), str(exc))
            else:
                self.built(sheet, row, len(items))
                items.append(item)
                id_column = ID_COLUMNS.get(sheet)
                if id_column is not None:
                    self.id_rows.setdefault(sheet, []).append((row.row, values[id_column], True))
                return
        self.failed(sheet, row)

    # -- key/value sheets ----------------------------------------------------

    def key_values(self, sheet: str) -> tuple[dict[str, Any], dict[str, int]]:
        """A key/value sheet as raw values and the row of each key."""
        raw: dict[str, Any] = {}
        rows: dict[str, int] = {}
        table = self.tables.get(sheet)
        for row in self.table_rows(sheet):
            key_cell = row.raw("key")
            value = row.raw("value")
            if key_cell is None:
                row.fail("key", None, "a key is required in every row that has a value")
                continue
            key = str(key_cell).strip()
            if sheet == "settings":
                key = _SETTINGS_BY_NAME.get(_norm(key), key)
            elif _norm(key) in PARAMETERS:
                key = _norm(key)  # policy keys match as headers do ("Term Min")
            if key in rows:
                row.fail(
                    "key",
                    key,
                    f"key '{key}' is given twice (first in row {rows[key]}); keep one row",
                )
                continue
            rows[key] = row.row
            if value is None:
                row.fail("value", None, f"{key}: a value is required; fill it in or delete the row")
                continue
            raw[key] = value
        if table is not None:
            by_key: dict[int | str, int] = {k: v for k, v in rows.items()}
            self.rows[sheet] = by_key
        return raw, rows

    def settings(self) -> tuple[str | None, int | None, int | None]:
        raw, rows = self.key_values("settings")
        table = self.tables.get("settings")
        if table is None or table.missing:
            return None, None, None
        parsers: dict[str, tuple[Callable[[Any], Any], str]] = {
            "name": (_parse_text, "the scenario's name"),
            "first_year": (_parse_year, f"the first school year of the plan: {EXPECT_YEAR}"),
            "horizon": (_parse_int_range(1, HORIZON_MAX), EXPECT_HORIZON),
            "bureau": (_parse_text, "the bureau's name (text)"),
            "doc_prefix": (_parse_text, "the prefix of the document number (text)"),
            "doc_number": (_parse_text, "the running number of the document (text)"),
            "doc_date": (_parse_date, EXPECT_DATE),
            "report_date": (_parse_date, EXPECT_DATE),
            "cc": (_parse_text, "who gets copies (text)"),
        }
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in parsers:
                self.problems.append(
                    Problem(
                        table.title,
                        rows[key],
                        table.label("key"),
                        key,
                        "unknown settings key; known keys: "
                        + ", ".join((*SETTINGS_KEYS, *DOCUMENT_KEYS)),
                    )
                )
                continue
            parse, expected = parsers[key]
            try:
                parsed = parse(value)
            except (ValueError, TypeError):
                parsed = None
            if parsed is None or parsed == "":
                self.problems.append(
                    Problem(
                        table.title,
                        rows[key],
                        table.label("value"),
                        value,
                        f"{key}: expected {expected}",
                    )
                )
                continue
            values[key] = parsed
        self.documents = DocumentSettings(**{k: values[k] for k in DOCUMENT_KEYS if k in values})
        for key in SETTINGS_KEYS:
            if key not in rows:
                _parse, expected = parsers[key]
                self.problems.append(
                    Problem(
                        table.title,
                        None,
                        table.label("key"),
                        None,
                        f"no row with key '{key}'"
                        f"{_also(SETTINGS_KEY_ALIASES[key])}; add one, value: {expected}",
                    )
                )
        return values.get("name"), values.get("first_year"), values.get("horizon")

    def policy(self) -> Policy:
        try:
            base = load_policy(self.policy_file)
        except ScenarioError as exc:
            self.problems.extend(exc.problems)
            base = Policy()
        raw, rows = self.key_values("policy")
        table = self.tables.get("policy")
        if table is None or not raw:
            return base
        values, problems = parse_parameters(raw, table.title, rows=rows)
        self.problems.extend(
            replace(p, column=table.label(p.column)) if p.column in ("key", "value") else p
            for p in problems
        )
        try:
            return build_policy(base, values, table.title)
        except ScenarioError as exc:
            for p in exc.problems:
                self.problems.append(self._policy_problem(p, raw, rows, table))
            return base

    @staticmethod
    def _policy_problem(
        p: Problem, raw: Mapping[str, Any], rows: Mapping[str, int], table: _Table
    ) -> Problem:
        """A problem between policy values, pointed at the row that set one of them."""
        key = p.column or ""
        if key in rows:
            return replace(p, row=rows[key], column=table.label("value"), value=raw[key])
        for other in _RELATED_POLICY_KEYS.get(key, ()):
            if other in rows:
                return replace(
                    p,
                    row=rows[other],
                    column=table.label("value"),
                    value=raw[other],
                    expected=f"{p.expected} ({key} is {p.value})",
                )
        return p

    # -- the tables ----------------------------------------------------------

    def items(
        self,
        sheet: str,
        factory: Callable[..., Any],
        check: Callable[[_Row, dict[str, Any]], None] | None = None,
    ) -> list[Any]:
        """Build one item per row of ``sheet`` from the cells of ``_FIELDS``."""
        items: list[Any] = []
        fields_ = _FIELDS[sheet]
        for row in self.table_rows(sheet):
            values = row.parse(fields_)
            if check is not None:
                check(row, values)
            self.make(sheet, row, items, factory, values)
        return items

    def read(self) -> Scenario:
        self.load()
        name, first_year, horizon = self.settings()
        policy = self.policy()
        settings_ok = name is not None and first_year is not None and horizon is not None
        self.unparsed.settings = not settings_ok
        scenario = Scenario(
            name=name or "",
            first_year=first_year if first_year is not None else YEAR_MIN,
            horizon=horizon if horizon is not None else 1,
            policy=policy,
            groups=self.items("groups", Group),
            schools=self.items("schools", School, _check_school),
            staff=self.items("staff", Staff, _check_staff),
            needs=self.items("needs", Need),
            core_keep=self.items("core_keep", CoreKeep),
            commitments=self.items("commitments", Commitment),
            budget=self.items("budget", BudgetRow),
            history=self.items("history", Exchange),
            documents=self.documents,
        )
        self.duplicates_of_unbuilt_rows()
        for finding in scenario_findings(scenario, self.unparsed):
            table = self.tables.get(finding.sheet)
            self.problems.append(
                finding.problem(
                    self.rows.get(finding.sheet),
                    sheet_title=table.title if table else None,
                    labels=table.labels if table else None,
                )
            )
        if self.problems:
            raise ScenarioError(self.sorted_problems(), source=str(self.path))
        return scenario

    def duplicates_of_unbuilt_rows(self) -> None:
        """Repeated ids where a row involved failed to parse.

        (Repeats between built rows are found by the validation.)
        """
        for sheet, entries in self.id_rows.items():
            table = self.tables[sheet]
            first: dict[str, tuple[int, bool]] = {}
            for row, item_id, built in entries:
                if item_id not in first:
                    first[item_id] = (row, built)
                    continue
                first_row, first_built = first[item_id]
                if not (built and first_built):
                    self.problems.append(
                        Problem(
                            table.title,
                            row,
                            table.label(ID_COLUMNS[sheet]),
                            item_id,
                            duplicate_expected(sheet, item_id, f"row {first_row}"),
                        )
                    )

    def sorted_problems(self) -> list[Problem]:
        order = {t.title: _SHEET_ORDER[t.sheet] for t in self.tables.values()}
        order.update({s: _SHEET_ORDER[s] for s in SHEET_COLUMNS if s not in self.tables})

        def key(p: Problem) -> tuple[int, int]:
            return (order.get(p.sheet, -1), p.row or 0)

        return sorted(self.problems, key=key)


# A problem between two policy values is named after the first key; if only
# the other key is set in the sheet, point at that row.
_RELATED_POLICY_KEYS: dict[str, tuple[str, ...]] = {"term_min": ("term_max",)}


def read_scenario(path: str | Path, policy_file: str | Path | None = None) -> Scenario:
    """Read and check a scenario workbook.

    The policy starts from ``policy_file`` (default: ``models/taishan-2022.yaml``)
    and takes the overrides of the workbook's ``policy`` sheet. Raises
    :class:`ScenarioError` with every problem found; never writes to ``path``.
    """
    return _Reader(Path(path), policy_file).read()


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_TEXT_FORMAT = "@"
# Columns written as text cells (ids, dates, year lists).
_TEXT_COLUMNS = frozenset(
    {"group_id", "school_id", "staff_id", "preferred_school", "birth_date", "unavailable", "key"}
)


def _number_cell(value: Decimal) -> int | float | str:
    """A Decimal as a number cell if that is exact, else as text."""
    if value == value.to_integral_value() and abs(value) < _EXACT_FLOAT_LIMIT:
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return _number_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return ",".join(str(y) for y in sorted(value)) or None
    return value


def _policy_cell(value: object) -> object:
    if isinstance(value, frozenset):
        return ",".join(r.value for r in Role if r in value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return _cell(value)


def _policy_rows(policy: Policy) -> list[tuple[object, ...]]:
    default = Policy()
    return [
        (f.name, _policy_cell(getattr(policy, f.name)))
        for f in fields(Policy)
        if getattr(policy, f.name) != getattr(default, f.name)
    ]


def _document_rows(documents: DocumentSettings) -> list[tuple[object, ...]]:
    """The document settings that are set, as settings rows (dates as ISO text)."""
    return [
        (key, _cell(getattr(documents, key)))
        for key in DOCUMENT_KEYS
        if getattr(documents, key) is not None
    ]


def scenario_rows(scenario: Scenario) -> dict[str, list[tuple[object, ...]]]:
    """The cells of every sheet of ``scenario`` (canonical column order and codes)."""

    def attrs(items: Iterable[object], columns: Sequence[str]) -> list[tuple[object, ...]]:
        return [tuple(_cell(getattr(item, c)) for c in columns) for item in items]

    return {
        "settings": [
            ("name", scenario.name),
            ("first_year", scenario.first_year),
            ("horizon", scenario.horizon),
            *_document_rows(scenario.documents),
        ],
        "policy": _policy_rows(scenario.policy),
        "groups": attrs(scenario.groups, SHEET_COLUMNS["groups"]),
        "schools": attrs(scenario.schools, SHEET_COLUMNS["schools"]),
        "staff": attrs(scenario.staff, SHEET_COLUMNS["staff"]),
        "needs": attrs(scenario.needs, SHEET_COLUMNS["needs"]),
        "core_keep": attrs(scenario.core_keep, SHEET_COLUMNS["core_keep"]),
        "commitments": attrs(scenario.commitments, SHEET_COLUMNS["commitments"]),
        "budget": attrs(scenario.budget, SHEET_COLUMNS["budget"]),
        "history": attrs(scenario.history, SHEET_COLUMNS["history"]),
    }


def _display_width(value: object) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    widths = [_display_width(h) for h in header]
    for row in rows[:500]:  # enough to size the columns
        for i, value in enumerate(row):
            if value is not None:
                widths[i] = max(widths[i], _display_width(value))
    return [min(60.0, max(8.0, w + 2.0)) for w in widths]


def write_scenario(
    scenario: Scenario, path: str | Path, notes: Sequence[str] | None = None
) -> None:
    """Write ``scenario`` as a workbook of the contract (canonical names).

    ``read_scenario`` of the file gives back an equal scenario. The
    ``policy`` sheet holds only the values that differ from the Taishan
    defaults. ``notes`` (e.g. "synthetic example data") go to a first sheet
    ``about``. The file is written atomically (a temporary file in the same
    directory, then renamed over ``path``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    target = Path(path)
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    bold = Font(bold=True)
    if notes is not None:
        about = wb.create_sheet("about")
        for line in notes:
            about.append([line])
        about.column_dimensions["A"].width = min(
            120.0, max([20.0, *(_display_width(n) + 2.0 for n in notes)])
        )
    for sheet, rows in scenario_rows(scenario).items():
        header = SHEET_COLUMNS[sheet]
        ws = wb.create_sheet(sheet)
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for i, width in enumerate(_widths(header, rows), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        text_columns = [i + 1 for i, name in enumerate(header) if name in _TEXT_COLUMNS]
        for row_number, row in enumerate(rows, start=2):
            ws.append(row)
            for column in text_columns:
                cell = ws.cell(row_number, column)
                if cell.value is not None:
                    cell.value = str(cell.value)
                    cell.number_format = _TEXT_FORMAT
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    ws.cell(row_number, column).data_type = "s"  # text, not a formula
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        wb.save(tmp_name)
        _share_strings(Path(tmp_name))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


# openpyxl writes every text cell as an inline string, which openpyxl itself
# reads back several times slower than the shared strings Excel writes. So the
# writer turns them into shared strings, as Excel would save the same file.
_INLINE_CELL = re.compile(
    r'<c ((?:[a-z]+="[^"]*" )*)t="inlineStr"((?: [a-z]+="[^"]*")*)>'
    r"<is>(<t(?: [^>]*)?>[^<]*</t>|<t(?: [^>]*)?/>)</is></c>"
)
_WORKSHEET_PART = re.compile(r"xl/worksheets/sheet\d+\.xml")
_SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)
_SHARED_STRINGS_REL = (
    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSharedStrings" />'
)


def _share_strings(path: Path) -> None:
    """Rewrite the inline-string cells of an openpyxl-written file as shared strings.

    Leaves the file as it is if it does not look as expected (already has
    shared strings, or an unexpected layout).
    """
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "xl/sharedStrings.xml" in names:
            return
        parts = {name: archive.read(name) for name in names}
    content_types = parts["[Content_Types].xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    if "</Types>" not in content_types or "</Relationships>" not in rels:
        return
    strings: dict[str, int] = {}
    total = 0

    def shared(match: re.Match[str]) -> str:
        nonlocal total
        total += 1
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c {match.group(1)}t="s"{match.group(2)}><v>{index}</v></c>'

    for name in names:
        if _WORKSHEET_PART.fullmatch(name):
            parts[name] = _INLINE_CELL.sub(shared, parts[name].decode("utf-8")).encode("utf-8")
    table = "".join(f"<si>{t}</si>" for t in strings)
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{total}" uniqueCount="{len(strings)}">{table}</sst>'
    ).encode()
    parts["[Content_Types].xml"] = content_types.replace(
        "</Types>", _SHARED_STRINGS_TYPE + "</Types>"
    ).encode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", _SHARED_STRINGS_REL + "</Relationships>"
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["[Content_Types].xml", *(n for n in names if n != "[Content_Types].xml")]:
            archive.writestr(name, parts[name])
        archive.writestr("xl/sharedStrings.xml", parts["xl/sharedStrings.xml"])
