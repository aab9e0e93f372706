"""What the fill-in template says: names, column kinds, help texts, examples.

Everything here is a pair (English, Chinese) or is chosen per language:

* the Chinese sheet names, headers and settings keys, picked from the
  reader's alias tables (:mod:`planner.io.schema`; never redefined here), and
  the Chinese codes (:data:`~planner.io.schema.CODE_ALIASES`);
* (the kinds of columns, their formats and validation:
  :mod:`planner.io.template_kinds`);
* the instructions sheet's texts: :data:`SHEET_HELP`, :data:`COLUMN_HELP`,
  :data:`SETTINGS_HELP`, :data:`CODE_HELP`, :data:`LABELS`, and an example
  row of every sheet (:data:`EXAMPLES`).

The workbook itself is written by :mod:`planner.io.template`.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from planner.enums import Honor, Position, Role, Stage
from planner.io.cells import HORIZON_MAX
from planner.io.schema import (
    CODE_ALIASES,
    COLUMN_ALIASES,
    SETTINGS_KEY_ALIASES,
    SHEET_ALIASES,
    SHEET_COLUMNS,
)

__all__ = [
    "CODE_HELP",
    "CODE_LISTS",
    "COLUMN_HELP",
    "EXAMPLES",
    "LABELS",
    "SETTINGS_EXAMPLES",
    "SETTINGS_HELP",
    "SHEET_HELP",
    "YES_NO",
    "code_label",
    "column_help",
    "column_label",
    "data_sheet_name",
    "pick",
    "settings_key_label",
]


# ---------------------------------------------------------------------------
# Chinese names: picked from the reader's alias tables (never redefined here)
# ---------------------------------------------------------------------------

# Sheet -> the alias of SHEET_ALIASES used as its Chinese name (else the first).
_ZH_SHEET_PICK: dict[str, str] = {"core_keep": "核心校留校", "mutual": "互派"}
# (sheet or "*", column) -> the alias of COLUMN_ALIASES used as its Chinese header.
_ZH_COLUMN_PICK: dict[tuple[str, str], str] = {
    ("*", "group_id"): "集团编号",
    ("*", "school_id"): "学校编号",
    ("groups", "name"): "集团名称",
    ("schools", "name"): "学校名称",
    ("*", "founded_year"): "成立学年",
    ("*", "joined_year"): "加入学年",
    ("*", "left_year"): "退出学年",
    ("*", "year"): "学年",
    ("*", "start_year"): "开始学年",
    ("*", "end_year"): "结束学年",
    ("*", "amount"): "金额",
    ("*", "level_ok"): "水平认定",
    ("*", "backbone"): "骨干教师",
    ("*", "from_school"): "派出学校",
    ("*", "to_school"): "接收学校",
}
_ZH_SETTINGS_PICK: dict[str, str] = {"name": "方案名称", "horizon": "规划年数"}

assert all(alias in SHEET_ALIASES[s] for s, alias in _ZH_SHEET_PICK.items())
assert all(alias in COLUMN_ALIASES[c] for (_, c), alias in _ZH_COLUMN_PICK.items())
assert all(alias in SETTINGS_KEY_ALIASES[k] for k, alias in _ZH_SETTINGS_PICK.items())


def data_sheet_name(sheet: str, lang: str = "zh") -> str:
    """The name of the contract sheet ``sheet`` in the template of ``lang``."""
    if lang == "en":
        return sheet
    return _ZH_SHEET_PICK.get(sheet) or SHEET_ALIASES[sheet][0]


def column_label(sheet: str, column: str, lang: str = "zh") -> str:
    """The header of ``column`` of ``sheet`` in the template of ``lang``."""
    if lang == "en":
        return column
    picked = _ZH_COLUMN_PICK.get((sheet, column)) or _ZH_COLUMN_PICK.get(("*", column))
    return picked or COLUMN_ALIASES[column][0]


def settings_key_label(key: str, lang: str = "zh") -> str:
    """A key of the ``settings`` sheet in the template of ``lang``."""
    if lang == "en":
        return key
    return _ZH_SETTINGS_PICK.get(key) or SETTINGS_KEY_ALIASES[key][0]


def code_label(enum: type[Enum], code: str, lang: str) -> str:
    """A coded value as written in ``lang``: Chinese from CODE_ALIASES."""
    if lang == "en":
        return code
    return next(
        (a for a, v in CODE_ALIASES[enum].items() if v == code and not a.isascii()),
        code,
    )


YES_NO: dict[str, tuple[str, str]] = {"en": ("yes", "no"), "zh": ("是", "否")}


# ---------------------------------------------------------------------------
# The help text (en, zh): sheets, columns, codes
# ---------------------------------------------------------------------------

SHEET_HELP: dict[str, tuple[str, str]] = {
    "settings": (
        "the plan: its name, first school year and number of years (one row per key)",
        "方案：名称、起始学年、规划年数（每项一行）",
    ),
    "policy": (
        "optional: policy parameters that differ from the Taishan 2022 defaults",
        "可选：与泰山区 2022 年政策默认值不同的政策参数",
    ),
    "groups": ("the education groups", "教育集团"),
    "schools": (
        "every school of every group, core school included",
        "各集团的全部学校（含核心校）",
    ),
    "staff": ("one row per staff member of a core school", "核心校教职工，每人一行"),
    "needs": (
        "what each member school needs: staff of a subject, per year",
        "成员校各学年各学科需要的交流人数",
    ),
    "core_keep": (
        "optional: staff of a subject a core school must keep at home every year",
        "可选：核心校每学年某学科至少留校人数",
    ),
    "commitments": (
        "optional: exchanges already decided or under way (kept as they are)",
        "可选：已确定或正在进行的交流（保持不变）",
    ),
    "budget": ("optional: the special fund of each year", "可选：各学年专项经费"),
    "history": (
        "optional: past exchanges (exchange experience)",
        "可选：以往交流记录（计入交流经历）",
    ),
    "mutual": (
        "optional: member-school staff agreed to serve at the core school (互派)",
        "可选：经协商到本集团核心校交流的成员校人员（互派）",
    ),
    "bans": (
        "optional (BAN): who is never to be sent to a school, or never sent at all "
        "(school left blank); binds new placements only, commitments are kept",
        "可选（禁派 BAN）：某人不得派往某校，或学校留空表示此人不得派出；"
        "只约束新的安排，既定交流照常保留",
    ),
}

# (sheet or "*", column) -> meaning (en, zh).
COLUMN_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("*", "key"): ("the setting or parameter", "设置项或参数名"),
    ("*", "value"): ("its value", "取值"),
    ("groups", "group_id"): ("the group's id", "集团编号"),
    ("groups", "name"): ("the group's name", "集团名称"),
    ("*", "founded_year"): ("school year the group was founded", "集团成立学年"),
    ("schools", "school_id"): ("the school's id", "学校编号"),
    ("schools", "name"): ("the school's name", "学校名称"),
    ("schools", "group_id"): ("the school's group", "所属集团"),
    ("*", "role"): (
        "core school, fusion member or alliance member",
        "核心校、融合型或联合型成员校",
    ),
    ("schools", "stage"): (
        "the school's stage (a nine-year school takes both)",
        "学校学段（九年一贯制学校两个学段都接收）",
    ),
    ("*", "capacity"): (
        "most exchange staff hosted in one year; blank = no limit",
        "每学年最多接收交流人数；空白 = 不限",
    ),
    ("*", "joined_year"): (
        "school year it joined; blank = the group's founding",
        "加入集团的学年；空白 = 集团成立时",
    ),
    ("*", "left_year"): (
        "first school year it is no longer a member; blank = never",
        "退出集团的第一个学年；空白 = 未退出",
    ),
    ("staff", "staff_id"): ("the staff member's id", "工号"),
    ("staff", "name"): ("name", "姓名"),
    ("staff", "school_id"): ("the core school where they work", "所在核心校"),
    ("staff", "subject"): ("subject taught, e.g. 数学", "任教学科，如 数学"),
    ("staff", "stage"): ("the stage they teach", "任教学段"),
    ("*", "birth_date"): ("date of birth (for the age rule)", "出生日期（用于年龄条件）"),
    ("*", "position"): (
        "teacher, middle-level cadre or senior (school-level) cadre",
        "教师、中层干部或校级干部",
    ),
    ("*", "honor"): ("highest honor held", "获得的最高荣誉"),
    ("*", "level_ok"): (
        "certified high teaching or management level",
        "已认定具有较高教学或管理水平",
    ),
    ("*", "age_exception"): ("approved exception to the age limit", "经批准不受年龄限制"),
    ("*", "volunteer"): ("volunteers for an exchange", "本人自愿交流"),
    ("*", "preferred_school"): ("preferred receiving school; optional", "意向接收学校；可不填"),
    ("*", "needs_experience"): (
        "still needs exchange experience for promotion",
        "晋升仍需交流经历",
    ),
    ("*", "unavailable"): (
        "school years they cannot go (leave, study...); optional",
        "不能派出的学年（休假、进修等）；可不填",
    ),
    ("*", "backbone"): (
        "a backbone teacher (national 2014 preset)",
        "骨干教师（2014 国家政策预设）",
    ),
    ("*", "school_since"): (
        "first school year at this school (tenure preset); optional",
        "在本校任教起始学年（任期预设）；可不填",
    ),
    ("needs", "school_id"): ("the member school that needs staff", "需要交流人员的成员校"),
    ("*", "year"): ("the school year", "学年"),
    ("needs", "subject"): ("the subject needed", "需要的学科"),
    ("needs", "stage"): (
        "stage; blank = the school's own (required for nine-year schools)",
        "学段；空白 = 学校本身学段（九年一贯制学校必填）",
    ),
    ("*", "count"): ("staff wanted", "需要人数"),
    ("*", "priority"): ("weight of this need; blank = 1", "该需求的权重；空白 = 1"),
    ("core_keep", "school_id"): ("a core school", "核心校"),
    ("core_keep", "subject"): ("the subject", "学科"),
    ("*", "min_home"): ("staff of the subject who stay home every year", "每学年至少留校人数"),
    ("commitments", "staff_id"): ("who", "交流人员工号"),
    ("commitments", "school_id"): ("the receiving school", "接收学校"),
    ("history", "staff_id"): ("who", "交流人员工号"),
    ("history", "school_id"): ("the receiving school", "接收学校"),
    ("bans", "staff_id"): ("who is banned", "禁派人员工号"),
    ("bans", "school_id"): (
        "the school they are never sent to; blank = never sent at all",
        "不得派往的学校；空白 = 不得派出",
    ),
    ("*", "note"): ("why (optional)", "原因（可不填）"),
    ("*", "start_year"): ("first school year of the exchange", "交流开始学年"),
    ("*", "end_year"): ("last school year of the exchange (inclusive)", "交流结束学年（含）"),
    ("*", "amount"): ("the fund of that year", "该学年专项经费"),
    ("mutual", "staff_id"): ("the member-school staff member's id", "互派人员工号"),
    ("mutual", "name"): ("name", "姓名"),
    ("*", "from_school"): ("the member school they come from", "派出的成员校"),
    ("*", "to_school"): ("their group's core school", "接收的本集团核心校"),
    ("mutual", "subject"): ("subject taught, e.g. 数学", "任教学科，如 数学"),
    ("mutual", "stage"): ("the stage they teach", "任教学段"),
    ("mutual", "priority"): (
        "weight of the need left at the member school; blank = 1",
        "成员校因此新增需求的权重；空白 = 1",
    ),
    ("*", "ended_early"): (
        "yes if it ended before its planned end (TERM's minimum does not apply); blank = no",
        "是：已提前结束（不受最短任期限制）；空白 = 否",
    ),
    ("*", "reason"): ("why it ended early (optional)", "提前结束的原因（可不填）"),
    ("*", "needs_cover"): (
        "whether the member school needs someone in their place; blank = yes",
        "成员校是否需要补位；空白 = 是",
    ),
}

SETTINGS_HELP: dict[str, tuple[str, str]] = {
    "name": ("the scenario's name", "方案名称"),
    "first_year": ("first school year of the plan", "规划起始学年"),
    "horizon": (
        f"number of school years planned, 1..{HORIZON_MAX}",
        f"规划学年数，1..{HORIZON_MAX}",
    ),
    "bureau": (
        "optional, official documents: the issuing bureau (e.g. 泰山区教育和体育局)",
        "选填，公文用：发文机关名称（如 泰山区教育和体育局）",
    ),
    "doc_prefix": (
        "optional, official documents: prefix of the document number (泰山教体发)",
        "选填，公文用：发文字号前缀（如 泰山教体发）",
    ),
    "doc_number": (
        "optional, official documents: running number; the year comes from the plan",
        "选填，公文用：发文序号（如 15，年份取方案起始学年）",
    ),
    "doc_date": (
        "optional, official documents: date the document is signed",
        "选填，公文用：成文日期",
    ),
    "report_date": (
        "optional, official documents: date the teachers report to the receiving school",
        "选填，公文用：到接收学校报到日期",
    ),
    "cc": (
        "optional, official documents: who gets copies (抄送)",
        "选填，公文用：抄送单位",
    ),
}
# Examples of the optional settings keys, shown in the instructions sheet.
SETTINGS_EXAMPLES: dict[str, object] = {
    "bureau": "泰山区教育和体育局",
    "doc_prefix": "泰山教体发",
    "doc_number": "15",
    "doc_date": "2022-08-20",
    "report_date": "2022-08-29",
    "cc": "区委教育工委",
}

CODE_HELP: dict[type[Enum], dict[str, tuple[str, str]]] = {
    Role: {
        "core": ("the core school, which sends staff", "核心校，派出交流人员"),
        "fusion": ("fusion member (融合型), receives staff", "融合型成员校，接收交流人员"),
        "alliance": ("alliance member (联合型)", "联合型成员校"),
    },
    Stage: {
        "primary": ("primary school", "小学"),
        "junior": ("junior middle school", "初中"),
        "nine_year": ("nine-year school: both stages", "九年一贯制：小学和初中"),
    },
    Position: {
        "teacher": ("teacher", "教师"),
        "middle": ("middle-level cadre (a cadre)", "中层干部（计入干部）"),
        "senior": ("school-level leader (a cadre)", "校级领导（计入干部）"),
    },
    Honor: {
        "none": ("no honor", "无"),
        "school": ("school level", "校级"),
        "district": ("district level", "区级"),
        "city": ("city level", "市级"),
        "province": ("province level", "省级"),
        "national": ("national level", "国家级"),
    },
}

# Labels of the instructions sheet, key -> (en, zh).
LABELS: dict[str, tuple[str, str]] = {
    "title": ("Scenario workbook: how to fill it in", "交流轮岗方案数据表填写说明"),
    "intro": (
        "Fill in the sheets below (one row per item, header row unchanged). Drop-downs list the "
        "allowed codes; ids are text. Sheets marked optional may stay empty. Then run: "
        "planner validate FILE.xlsx, planner solve FILE.xlsx.",
        "按下列各表填写（每行一项，勿改表头）。下拉列表给出可选代码；编号为文本。"
        "标为可选的表可以留空。填好后运行：planner validate 文件.xlsx，planner solve 文件.xlsx。",
    ),
    "sheet": ("sheet", "工作表"),
    "column": ("column", "列名"),
    "required": ("required", "必填"),
    "meaning": ("meaning", "说明"),
    "format": ("format / values", "填写格式 / 可选值"),
    "example": ("example", "示例"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "optional_sheet": ("optional", "可选"),
    "codes": ("Codes", "代码说明"),
    "code": ("code", "代码"),
    "template_header": ("scenario template", "交流轮岗方案模板"),
    "list_error_title": ("Not in the list", "不在可选范围"),
    "list_error": ("Pick a value from the drop-down list.", "请从下拉列表中选择。"),
    "ref_error": (
        "Not an id of that sheet (yet). Add it there, or check the spelling.",
        "该编号尚未在对应工作表中登记，请先登记或检查拼写。",
    ),
    "number_error_title": ("Not allowed here", "数值不符合要求"),
}

CODE_LISTS: dict[str, tuple[type[Enum], tuple[str, ...]]] = {
    "list_role": (Role, tuple(r.value for r in Role)),
    "list_stage": (Stage, tuple(s.value for s in Stage)),
    "list_staff_stage": (Stage, (Stage.PRIMARY.value, Stage.JUNIOR.value)),
    "list_position": (Position, tuple(p.value for p in Position)),
    "list_honor": (Honor, tuple(h.value for h in Honor)),
}

# Example row of each sheet, canonical values (translated when written).
EXAMPLES: dict[str, dict[str, object]] = {
    "settings": {"name": "泰山区 2022 年交流方案", "first_year": 2022, "horizon": 3},
    "policy": {"key": "term_max", "value": 5},
    "groups": {"group_id": "G01", "name": "泰安六中教育集团", "founded_year": 2022},
    "schools": {
        "school_id": "007", "name": "泰安第六中学", "group_id": "G01", "role": "core",
        "stage": "junior", "capacity": 3, "joined_year": 2022, "left_year": 2025,
    },
    "staff": {
        "staff_id": "0012", "name": "张三", "school_id": "007", "subject": "数学",
        "stage": "junior", "birth_date": dt.date(1985, 3, 1), "position": "teacher",
        "honor": "district", "level_ok": "yes", "age_exception": "no", "volunteer": "yes",
        "preferred_school": "008", "needs_experience": "no", "unavailable": "2024,2025",
        "backbone": "no", "school_since": 2010,
    },
    "needs": {
        "school_id": "008", "year": 2022, "subject": "数学", "stage": "junior", "count": 2,
        "priority": 1.5,
    },
    "core_keep": {"school_id": "007", "subject": "数学", "min_home": 4},
    "commitments": {"staff_id": "0012", "school_id": "008", "start_year": 2022, "end_year": 2023},
    "budget": {"year": 2022, "amount": 200000},
    "history": {"staff_id": "0013", "school_id": "008", "start_year": 2019, "end_year": 2020},
    "mutual": {
        "staff_id": "0801", "name": "李四", "from_school": "008", "to_school": "007",
        "subject": "数学", "stage": "junior", "start_year": 2022, "end_year": 2023,
        "priority": 1, "needs_cover": "yes",
    },
    "bans": {"staff_id": "0014", "school_id": "008", "note": "家庭原因"},
}  # fmt: skip


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def column_help(sheet: str, column: str, lang: str) -> str:
    pair = COLUMN_HELP.get((sheet, column)) or COLUMN_HELP[("*", column)]
    return pick(pair, lang)


assert all(
    (s, c) in COLUMN_HELP or ("*", c) in COLUMN_HELP for s, cs in SHEET_COLUMNS.items() for c in cs
)
