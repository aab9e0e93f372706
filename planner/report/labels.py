"""The roster workbook's words: sheet names, column headers, summary items,
Chinese codes and notice labels in English and Chinese, and which fields are
written as text or as percentages.

Plain data (no spreadsheet library), used by :mod:`planner.report.roster`,
the template and the tests.
"""

from __future__ import annotations

from enum import Enum

from planner.enums import Honor, Position, Role, Stage
from planner.results import SolveStatus

__all__ = [
    "CHECK_STATUS_ZH",
    "CODES_ZH",
    "HEADERS",
    "LANGS",
    "NOTICE_COLUMNS",
    "NOTICE_LABELS",
    "OBJECTIVE_ZH",
    "PERCENT_FIELDS",
    "PERCENT_FORMAT",
    "SHEET_NAMES",
    "SHEET_ORDER",
    "SUMMARY_ITEMS",
    "TEXT_FIELDS",
    "YES_NO",
    "check_lang",
    "header",
    "pick",
    "sheet_name",
]

LANGS = ("en", "zh")

# ---------------------------------------------------------------------------
# Labels: sheet names, column headers, coded values (key -> (en, zh))
# ---------------------------------------------------------------------------

SHEET_NAMES: dict[str, tuple[str, str]] = {
    "summary": ("summary", "概要"),
    "roster": ("roster", "交流名单"),
    "by_school": ("by_school", "按学校"),
    "coverage": ("coverage", "需求覆盖"),
    "rule_checks": ("rule_checks", "规则检查"),
    "staff": ("staff", "教职工"),
    "evaluation": ("evaluation", "捆绑评价"),
    "mutual": ("mutual", "互派"),
    "conflicts": ("conflicts", "冲突"),
    "changes": ("changes", "变更"),
    "notices": ("notices", "交流通知"),
}

SHEET_ORDER: tuple[str, ...] = (
    "summary",
    "roster",
    "by_school",
    "coverage",
    "rule_checks",
    "staff",
    "evaluation",
    "mutual",
    "notices",
)

# Every column header of every sheet: a row field's name -> (en, zh).
HEADERS: dict[str, tuple[str, str]] = {
    # changes (replanning)
    "kind": ("kind", "变更类型"),
    "before": ("before", "原计划"),
    "after": ("after", "新计划"),
    "why": ("why", "原因"),
    # roster (the four contract columns first in importance)
    "staff_id": ("staff_id", "工号"),
    "school_id": ("school_id", "接收学校编号"),  # the receiving school
    "start_year": ("start_year", "开始学年"),
    "end_year": ("end_year", "结束学年"),
    "name": ("name", "姓名"),
    "position": ("position", "职务"),
    "subject": ("subject", "学科"),
    "stage": ("stage", "学段"),
    "home_school_id": ("home_school_id", "派出学校编号"),
    "home_school_name": ("home_school_name", "派出学校名称"),
    "school_name": ("school_name", "接收学校名称"),
    "group": ("group", "教育集团"),
    "term": ("term", "交流年限"),
    "age_at_start": ("age_at_start", "开始时周岁"),
    "honor": ("honor", "荣誉"),
    "volunteer": ("volunteer", "自愿"),
    "locked": ("locked", "已定交流"),
    "ended_early": ("ended_early", "提前结束"),
    "end_reason": ("reason", "原因"),
    # by_school
    "member_school_id": ("school_id", "学校编号"),
    "member_school_name": ("school_name", "学校名称"),
    "role": ("role", "类型"),
    "year": ("year", "学年"),
    "member": ("member", "集团成员"),
    "staff": ("staff", "交流人员"),
    "count": ("count", "人数"),
    "capacity": ("capacity", "接收上限"),
    "mutual": ("mutual", "互派人员"),
    # coverage
    "need_school_id": ("school_id", "学校编号"),
    "need_school_name": ("school_name", "学校名称"),
    "need_stage": ("stage", "学段"),
    "priority": ("priority", "优先级"),
    "need_count": ("count", "需求人数"),
    "covered": ("covered", "已覆盖"),
    "gap": ("gap", "缺口"),
    "weighted_need": ("weighted_need", "加权需求"),
    "weighted_covered": ("weighted_covered", "加权覆盖"),
    "serving": ("serving", "在岗交流人员"),
    "reason": ("reason", "原因代码"),
    "reason_note": ("reason_note", "原因说明"),
    "mutual_from": ("mutual_from", "因互派新增"),
    # rule_checks
    "rule": ("rule", "规则"),
    "scope": ("scope", "范围"),
    "required": ("required", "要求"),
    "achieved": ("achieved", "实际"),
    "checked": ("checked", "检查数"),
    "violated": ("violated", "违反数"),
    "shortfall": ("shortfall", "不足量"),
    "status": ("status", "结果"),
    "note": ("note", "说明"),
    # staff
    "staff_school_id": ("school_id", "学校编号"),
    "staff_school_name": ("school_name", "学校名称"),
    "age_first_year": ("age_first_year", "首学年周岁"),
    "level_ok": ("level_ok", "水平认定"),
    "age_exception": ("age_exception", "年龄例外"),
    "needs_experience": ("needs_experience", "需交流经历"),
    "eligible_first_year": ("eligible_first_year", "首学年符合条件"),
    "reasons": ("reasons", "不符合规则"),
    "placed": ("placed", "已安排"),
    "placements": ("placements", "交流安排"),
    "exchange_years": ("exchange_years", "累计交流年数"),
    # evaluation
    "group_id": ("group_id", "集团编号"),
    "core_headcount": ("core_headcount", "核心校人数"),
    "staff_started": ("staff_started", "当年派出人数"),
    "cadres_started": ("cadres_started", "当年派出干部数"),
    "staff_serving": ("staff_serving", "在成员校交流人数"),
    "mutual_arrivals": ("mutual_arrivals", "成员校互派到核心校人数"),
    "coverage_ratio": ("coverage_ratio", "需求覆盖率"),
    "teacher_quota_required": ("teacher_quota_required", "教师交流最低人数"),
    "cadre_quota_required": ("cadre_quota_required", "干部交流最低人数"),
    # mutual
    "from_school_id": ("from_school", "派出学校编号"),
    "from_school_name": ("from_school_name", "派出学校名称"),
    "to_school_id": ("to_school", "接收学校编号"),
    "to_school_name": ("to_school_name", "接收学校名称"),
    "needs_cover": ("needs_cover", "需补位"),
    # summary
    "item": ("item", "项目"),
    "value": ("value", "值"),
    # conflicts
    "rules": ("rules", "规则"),
    "possible": ("possible", "可达"),
    "message": ("message", "说明"),
    "instances": ("instances", "规则实例"),
}

# Summary items: key -> (en, zh); "{arg}" is the row's argument.
SUMMARY_ITEMS: dict[str, tuple[str, str]] = {
    "scenario": ("scenario", "方案名称"),
    "policy": ("policy", "政策"),
    "first_year": ("first_year", "起始学年"),
    "horizon": ("horizon", "规划年数"),
    "status": ("status", "求解状态"),
    "objective": ("{arg}", "{arg}"),
    "made": ("made", "制表日期"),
    "version": ("planner version", "程序版本"),
    "source": ("scenario file", "方案文件"),
    "need_total": ("need (staff, all years)", "需求人数（各学年合计）"),
    "covered_total": ("covered", "已覆盖人数"),
    "covered_share": ("share covered", "覆盖率"),
    "lowest_school": ("lowest school", "覆盖率最低的学校"),
    "people": ("people on exchange", "交流人数"),
    "cadres": ("cadres on exchange", "其中干部人数"),
    "group_line": ("group {arg}", "{arg}"),
    "exchanges": ("exchanges", "交流人次"),
    "locked": ("locked_exchanges", "已定交流"),
    "staff_placed": ("staff_placed", "安排交流人数"),
    "staff_total": ("staff_total", "教职工总数"),
    "level_value": ("level {arg} value", "目标层级 {arg} 取值"),
    "level_bound": ("level {arg} bound", "目标层级 {arg} 上下界"),
    "level_status": ("level {arg} status", "目标层级 {arg} 状态"),
    "audit_valid": ("audit_valid", "审核通过"),
    "audit_coverage": ("audit_coverage", "审核覆盖（加权）"),
    "violations": ("violations", "违规数"),
    "violation": ("violation {arg}", "违规 {arg}"),
    "shortfall": ("shortfall {arg}", "缺口（放宽） {arg}"),
    "build_seconds": ("build_seconds", "建模秒数"),
    "solve_seconds": ("solve_seconds", "求解秒数"),
    "message": ("message", "消息"),
}

# Objective keys and level names in Chinese (English: the key itself).
OBJECTIVE_ZH: dict[str, str] = {
    "coverage": "需求覆盖（加权）",
    "coverage_bound": "需求覆盖上界",
    "fairness": "公平性（最低覆盖率）",
    "preference_penalty": "偏好罚分",
    "cost": "经费",
    "COVER": "覆盖",
    "FAIR": "公平",
    "PREFER": "偏好",
    "STABLE": "稳定",
    "COST": "经费",
}

# Coded values in Chinese (English: the code itself).
CODES_ZH: dict[type[Enum], dict[str, str]] = {
    Position: {"teacher": "教师", "middle": "中层", "senior": "校级"},
    Honor: {
        "none": "无",
        "school": "校级",
        "district": "区级",
        "city": "市级",
        "province": "省级",
        "national": "国家级",
    },
    Stage: {"primary": "小学", "junior": "初中", "nine_year": "九年一贯制"},
    Role: {"core": "核心校", "fusion": "融合型", "alliance": "联合型"},
    SolveStatus: {
        "optimal": "最优",
        "feasible": "可行",
        "infeasible": "不可行",
        "unknown": "未知",
        "model_invalid": "模型无效",
    },
}
# The per-school notice sheet: block texts, key -> (en, zh).
NOTICE_LABELS: dict[str, tuple[str, str]] = {
    "title": (
        "{scenario}: exchange staff arriving at {school} ({school_id}), {group}",
        "{scenario}：{group} {school}（{school_id}）交流人员接收通知",
    ),
    "count": ("{n} staff member(s)", "共 {n} 人"),
    "continued": (" (page {page} of {pages})", "（第 {page} 页，共 {pages} 页）"),
    "sign": (
        "Sending school (seal): __________   Receiving school (seal): __________   "
        "Education bureau (seal): __________   Date: __________",
        "派出学校（盖章）：__________　接收学校（盖章）：__________　"
        "教育行政部门（盖章）：__________　日期：__________",
    ),
}
# Columns of a notice block (keys of HEADERS and fields of RosterRow).
NOTICE_COLUMNS: tuple[str, ...] = (
    "staff_id",
    "name",
    "position",
    "subject",
    "stage",
    "home_school_name",
    "start_year",
    "end_year",
    "term",
)

CHECK_STATUS_ZH: dict[str, str] = {"ok": "符合", "violated": "违反", "shortfall": "允许不足"}
YES_NO: dict[str, tuple[str, str]] = {"en": ("yes", "no"), "zh": ("是", "否")}

# Columns written as text cells with the text format (ids).
TEXT_FIELDS: frozenset[str] = frozenset(
    {
        "staff_id",
        "school_id",
        "home_school_id",
        "member_school_id",
        "need_school_id",
        "staff_school_id",
        "group_id",
        "from_school_id",
        "to_school_id",
    }
)
PERCENT_FIELDS: frozenset[str] = frozenset({"coverage_ratio"})
PERCENT_FORMAT = "0.0%"


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def sheet_name(key: str, lang: str = "zh") -> str:
    """The sheet name of ``key`` (``roster``, ``coverage``, ...) in ``lang``."""
    return pick(SHEET_NAMES[key], lang)


def header(key: str, lang: str = "zh") -> str:
    """The column header of field ``key`` in ``lang``."""
    return pick(HEADERS[key], lang)


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
