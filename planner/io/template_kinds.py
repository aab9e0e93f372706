"""The kinds of template columns: what each holds, its number format, its
validation and the format text the instructions show (:data:`KINDS`), and
which kind each column of each sheet is (:func:`column_kind`).

Used by the template writer (:mod:`planner.io.template`) and its texts
(:mod:`planner.io.template_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from planner.enums import Honor, Position, Role, Stage
from planner.io.cells import YEAR_MAX, YEAR_MIN
from planner.io.limits import (
    AMOUNT_DECIMALS,
    COUNT_MAX,
    PRIORITY_DECIMALS,
    PRIORITY_MAX,
    PRIORITY_MIN,
)
from planner.io.schema import SHEET_COLUMNS
from planner.io.xlsx import TEXT_FORMAT

__all__ = ["DATE_FORMAT", "KINDS", "YEAR_FORMAT", "Kind", "column_kind"]

DATE_FORMAT = "yyyy-mm-dd"
YEAR_FORMAT = "0"


# ---------------------------------------------------------------------------
# Column kinds: what a column holds, its format, its validation, its help
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How a kind of column is formatted, validated and explained."""

    number_format: str | None  # of the whole data column
    fmt: tuple[str, str]  # what to write, (en, zh)
    list_name: str | None = None  # drop-down from this named range
    enum: type[Enum] | None = None  # coded values of this enum
    whole: tuple[int, int | None] | None = None  # whole number lo..hi
    decimal_min: tuple[float, bool] | None = None  # (minimum, strictly greater)
    date: bool = False


_YEARS_TEXT = f"{YEAR_MIN}..{YEAR_MAX}"

KINDS: dict[str, Kind] = {
    "id": Kind(
        TEXT_FORMAT,
        ("an id (text; 007 stays 007)", "编号（文本；007 保持为 007）"),
    ),
    "school_ref": Kind(
        TEXT_FORMAT,
        ("a school_id of the schools sheet (drop-down)", "学校表中的学校编号（下拉选择）"),
        list_name="ids_school",
    ),
    "ban_school_ref": Kind(
        TEXT_FORMAT,
        (
            "a school_id of the schools sheet (drop-down); blank = never sent at all",
            "学校表中的学校编号（下拉选择）；空白 = 此人不得派出",
        ),
        list_name="ids_school",
    ),
    "group_ref": Kind(
        TEXT_FORMAT,
        ("a group_id of the groups sheet (drop-down)", "集团表中的集团编号（下拉选择）"),
        list_name="ids_group",
    ),
    "staff_ref": Kind(
        TEXT_FORMAT,
        ("a staff_id of the staff sheet (drop-down)", "教职工表中的工号（下拉选择）"),
        list_name="ids_staff",
    ),
    "subject_ref": Kind(
        TEXT_FORMAT,
        ("a subject of the staff sheet (drop-down)", "教职工表中的学科（下拉选择）"),
        list_name="ids_subject",
    ),
    "text": Kind(TEXT_FORMAT, ("text", "文本")),
    "year": Kind(
        YEAR_FORMAT,
        (
            f"a four-digit school year {_YEARS_TEXT} (2022 = school year 2022-2023)",
            f"四位数学年 {_YEARS_TEXT}（2022 即 2022—2023 学年）",
        ),
        whole=(YEAR_MIN, YEAR_MAX),
    ),
    "count": Kind(
        YEAR_FORMAT,
        (f"a whole number 0..{COUNT_MAX}", f"0—{COUNT_MAX} 的整数"),
        whole=(0, COUNT_MAX),
    ),
    "capacity": Kind(
        YEAR_FORMAT,
        (
            f"a whole number 0..{COUNT_MAX}; blank = no limit",
            f"0—{COUNT_MAX} 的整数；空白 = 不限",
        ),
        whole=(0, COUNT_MAX),
    ),
    "date": Kind(
        DATE_FORMAT,
        (
            "a date YYYY-MM-DD, e.g. 1985-03-01 (a date cell)",
            "日期，格式 YYYY-MM-DD，如 1985-03-01（日期单元格）",
        ),
        date=True,
    ),
    "bool": Kind(
        None,
        ("yes or no (drop-down); blank = no", "是 或 否（下拉选择）；空白 = 否"),
        "list_yes_no",
    ),
    "bool_yes": Kind(
        None,
        ("yes or no (drop-down); blank = yes", "是 或 否（下拉选择）；空白 = 是"),
        "list_yes_no",
    ),
    "role": Kind(None, ("a school type (drop-down)", "学校类型（下拉选择）"), "list_role", Role),
    "stage": Kind(None, ("a stage (drop-down)", "学段（下拉选择）"), "list_stage", Stage),
    "staff_stage": Kind(
        None,
        ("primary or junior (drop-down)", "小学 或 初中（下拉选择）"),
        "list_staff_stage",
        Stage,
    ),
    "position": Kind(
        None, ("a position (drop-down)", "职务（下拉选择）"), "list_position", Position
    ),
    "honor": Kind(
        None, ("the highest honor (drop-down)", "最高荣誉（下拉选择）"), "list_honor", Honor
    ),
    "priority": Kind(
        None,
        (
            f"a number {PRIORITY_MIN}..{PRIORITY_MAX}, at most {PRIORITY_DECIMALS} decimal "
            "places; blank = 1",
            f"{PRIORITY_MIN}—{PRIORITY_MAX} 的数，最多 {PRIORITY_DECIMALS} 位小数；空白 = 1",
        ),
        decimal_min=(0.0, True),
    ),
    "amount": Kind(
        None,
        (
            f"an amount >= 0 and below 10^15, at most {AMOUNT_DECIMALS} decimal places",
            f"不小于 0、小于 10^15 的金额，最多 {AMOUNT_DECIMALS} 位小数",
        ),
        decimal_min=(0.0, False),
    ),
    "years": Kind(
        TEXT_FORMAT,
        ("school years separated by commas, e.g. 2023,2024", "学年，用逗号分隔，如 2023,2024"),
    ),
    "settings_key": Kind(
        TEXT_FORMAT, ("a settings key (drop-down)", "设置项（下拉选择）"), "list_settings_key"
    ),
    "policy_key": Kind(
        TEXT_FORMAT, ("a policy parameter (drop-down)", "政策参数名（下拉选择）"), "list_policy_key"
    ),
    "value": Kind(None, ("the value of the key", "该项的取值")),
}

# Column -> kind; (sheet, column) overrides the column's kind.
_COLUMN_KINDS: dict[str, str] = {
    "group_id": "group_ref",
    "school_id": "school_ref",
    "staff_id": "staff_ref",
    "preferred_school": "school_ref",
    "name": "text",
    "subject": "text",
    "note": "text",
    "founded_year": "year",
    "joined_year": "year",
    "left_year": "year",
    "school_since": "year",
    "year": "year",
    "start_year": "year",
    "end_year": "year",
    "capacity": "capacity",
    "count": "count",
    "min_home": "count",
    "birth_date": "date",
    "level_ok": "bool",
    "age_exception": "bool",
    "volunteer": "bool",
    "needs_experience": "bool",
    "backbone": "bool",
    "role": "role",
    "stage": "stage",
    "position": "position",
    "honor": "honor",
    "priority": "priority",
    "amount": "amount",
    "unavailable": "years",
    "value": "value",
    "from_school": "school_ref",
    "to_school": "school_ref",
    "needs_cover": "bool_yes",
    "ended_early": "bool",
    "reason": "text",
}
_SHEET_KINDS: dict[tuple[str, str], str] = {
    ("groups", "group_id"): "id",
    ("schools", "school_id"): "id",
    ("staff", "staff_id"): "id",
    ("staff", "stage"): "staff_stage",
    ("mutual", "staff_id"): "id",
    ("mutual", "stage"): "staff_stage",
    ("mutual", "subject"): "subject_ref",
    ("bans", "school_id"): "ban_school_ref",
    ("settings", "key"): "settings_key",
    ("policy", "key"): "policy_key",
}


def column_kind(sheet: str, column: str) -> str:
    """The kind (a key of :data:`KINDS`) of ``column`` of ``sheet``."""
    return _SHEET_KINDS.get((sheet, column)) or _COLUMN_KINDS[column]


assert all(column_kind(s, c) in KINDS for s, cs in SHEET_COLUMNS.items() for c in cs)
