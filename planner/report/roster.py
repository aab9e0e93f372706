"""The roster workbook: what planners print and file.

:func:`write_roster` writes the tables of :mod:`planner.report.tables` as sheets
(summary, roster, by_school, coverage, rule_checks, staff, evaluation,
mutual, notices), in English (``lang='en'``: the contract's canonical names) or
Chinese (``lang='zh'``, the default). This module only translates and formats: every
number comes from :mod:`planner.report.tables`.

The roster sheet is what ``planner check`` reads back: in English its
columns include ``staff_id``, ``school_id`` (the receiving school),
``start_year`` and ``end_year``; in Chinese 工号, 接收学校编号, 开始学年 and
结束学年 (the home school is 派出学校编号).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import astuple, fields, replace
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from planner.analysis.replan import Change
from planner.data import Scenario
from planner.enums import Honor, Position, Role, Stage
from planner.i18n import _, use_language
from planner.io.xlsx import (
    HEADER_FILL,
    HIGHLIGHT_FILL,
    PAGE_FOOTER,
    VIOLATION_FILL,
    display_width,
    fill_row,
    fit_columns,
    save_atomic,
    setup_print,
    style_header,
    write_cell,
)
from planner.report import zh
from planner.report.tables import (
    BySchoolRow,
    ChangeRow,
    ConflictRow,
    CoverageRow,
    EvaluationRow,
    MutualRow,
    ReportTables,
    RosterRow,
    RuleCheckRow,
    StaffRow,
    SummaryRow,
    build_tables,
    change_rows,
    conflict_rows,
    summary_rows,
)
from planner.report.tables.common import group_name
from planner.results import AuditReport, SolveResult, SolveStatus

if TYPE_CHECKING:
    from planner.model.diagnose import Conflict

__all__ = [
    "HEADERS",
    "LANGS",
    "SHEET_NAMES",
    "SHEET_ORDER",
    "header",
    "notice_blocks",
    "sheet_name",
    "write_diagnosis",
    "write_roster",
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
# The per-school notice sheet: block texts, key -> message (translated when used).
NOTICE_LABELS: dict[str, Callable[[], str]] = {
    "title": lambda: _("{scenario}: exchange staff arriving at {school} ({school_id}), {group}"),
    "count": lambda: _("{n} staff member(s)"),
    "continued": lambda: _(" (page {page} of {pages})"),
    "sign": lambda: _(
        "Sending school (seal): __________   Receiving school (seal): __________   "
        "Education bureau (seal): __________   Date: __________"
    ),
}


def _notice_label(key: str, lang: str) -> str:
    """A text of the notice sheet in ``lang``."""
    with use_language(lang):
        return NOTICE_LABELS[key]()


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
NOTICE_TITLE_FONT = Font(bold=True, size=14)
NOTICE_HEAD_FONT = Font(bold=True)
_THIN = Side(style="thin")
THIN_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def sheet_name(key: str, lang: str = "zh") -> str:
    """The sheet name of ``key`` (``roster``, ``coverage``, ...) in ``lang``."""
    return _pick(SHEET_NAMES[key], lang)


def header(key: str, lang: str = "zh") -> str:
    """The column header of field ``key`` in ``lang``."""
    return _pick(HEADERS[key], lang)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------


def _format(value: object, lang: str, field: str = "") -> object:
    """A report value as shown in ``lang`` (translation only)."""
    if isinstance(value, bool):
        yes, no = YES_NO[lang]
        return yes if value else no
    if isinstance(value, Enum):
        code = str(value.value)
        if lang == "zh":
            return CODES_ZH.get(type(value), {}).get(code, code)
        return code
    if field == "status" and isinstance(value, str) and lang == "zh":
        return CHECK_STATUS_ZH.get(value, value)
    return value


def _write_sheet(
    wb: Workbook,
    key: str,
    lang: str,
    row_type: type[Any],
    rows: Sequence[Any],
    highlight: Callable[[Any], PatternFill | None] | None = None,
    labels: dict[str, str] | None = None,
) -> Worksheet:
    """One sheet: header from HEADERS, one line per row dataclass."""
    ws = wb.create_sheet(sheet_name(key, lang))
    names = [f.name for f in fields(row_type)]
    labels = labels or {}
    for col, name in enumerate(names, start=1):
        write_cell(ws, 1, col, labels.get(name) or header(name, lang))
    for r, row in enumerate(rows, start=2):
        for c, (name, value) in enumerate(zip(names, astuple(row), strict=True), start=1):
            write_cell(ws, r, c, _format(value, lang, name), text=name in TEXT_FIELDS)
            if name in PERCENT_FIELDS and value is not None:
                ws.cell(row=r, column=c).number_format = PERCENT_FORMAT
        fill = highlight(row) if highlight is not None else None
        if fill is not None:
            fill_row(ws, r, len(names), fill)
    _finish(ws, len(names))
    return ws


def _finish(ws: Worksheet, ncols: int) -> None:
    style_header(ws, ncols)
    fit_columns(ws)
    setup_print(ws)


def _page_setup(wb: Workbook, scenario: Scenario, lang: str) -> None:
    """Every sheet: the scenario's name as page header, page numbers as footer."""
    notices = sheet_name("notices", lang)
    for ws in wb.worksheets:
        setup_print(
            ws,
            header=scenario.name or None,
            footer=PAGE_FOOTER[lang],
            title_rows=None if ws.title == notices else "1:1",
        )


def notice_blocks(scenario: Scenario, rows: Sequence[RosterRow]) -> list[list[RosterRow]]:
    """The roster rows grouped by receiving school: one block per school.

    Blocks follow the order of the groups and of the schools sheet (unknown
    schools last, by id); rows in a block by start year, then staff id.
    """
    order = {s.school_id: i for i, s in enumerate(scenario.schools)}
    groups = {g.group_id: i for i, g in enumerate(scenario.groups)}
    by_school: dict[str, list[RosterRow]] = {}
    for row in rows:
        by_school.setdefault(row.school_id, []).append(row)

    def rank(school_id: str) -> tuple[int, int, str]:
        school = scenario.school_by_id.get(school_id)
        if school is None:
            return (len(groups), len(order), school_id)
        return (groups.get(school.group_id, len(groups)), order[school_id], school_id)

    return [
        sorted(by_school[sid], key=lambda r: (r.start_year, r.staff_id))
        for sid in sorted(by_school, key=rank)
    ]


# Staff listed on one printed page of the notices sheet: a block longer than
# this goes on over pages that each repeat the school's title and the header
# row (a sheet has one set of print-title rows, so each page is made whole).
NOTICE_ROWS_PER_PAGE = 20


def _write_notices(
    wb: Workbook, scenario: Scenario, lang: str, rows: Sequence[RosterRow]
) -> Worksheet:
    """One block per receiving school, each printed page of it with the
    school's title and the header row; a page break after each page."""
    ws = wb.create_sheet(sheet_name("notices", lang))
    ncols = len(NOTICE_COLUMNS)
    widths = [display_width(header(c, lang)) for c in NOTICE_COLUMNS]
    r = 1
    for block in notice_blocks(scenario, rows):
        first = block[0]
        title = _notice_label("title", lang).format(
            scenario=scenario.name,
            school=first.school_name or first.school_id,
            school_id=first.school_id,
            group=first.group or "",
        )
        pages = [
            block[i : i + NOTICE_ROWS_PER_PAGE] for i in range(0, len(block), NOTICE_ROWS_PER_PAGE)
        ]
        for number, page in enumerate(pages, start=1):
            more = _notice_label("continued", lang).format(page=number, pages=len(pages))
            write_cell(ws, r, 1, title)
            ws.cell(r, 1).font = NOTICE_TITLE_FONT
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            r += 1
            count = _notice_label("count", lang).format(n=len(block))
            write_cell(ws, r, 1, count + (more if len(pages) > 1 else ""))
            r += 1
            for c, key in enumerate(NOTICE_COLUMNS, start=1):
                write_cell(ws, r, c, header(key, lang))
                cell = ws.cell(r, c)
                cell.font = NOTICE_HEAD_FONT
                cell.fill = HEADER_FILL
                cell.border = THIN_BOX
            r += 1
            for row in page:
                for c, key in enumerate(NOTICE_COLUMNS, start=1):
                    value = _format(getattr(row, key), lang, key)
                    write_cell(ws, r, c, value, text=key in TEXT_FIELDS)
                    ws.cell(r, c).border = THIN_BOX
                    widths[c - 1] = max(widths[c - 1], display_width(value))
                r += 1
            if number == len(pages):
                r += 1
                write_cell(ws, r, 1, _notice_label("sign", lang))
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            ws.row_breaks.append(Break(id=r))
            r += 2
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(40.0, max(8.0, width + 3.0))
    return ws


def _summary_label(row: SummaryRow, lang: str) -> str:
    arg = row.arg or ""
    if row.item == "objective" or row.item.startswith("level_"):
        arg = OBJECTIVE_ZH.get(arg, arg) if lang == "zh" else arg
    elif row.item in ("violation", "shortfall") and lang == "zh" and arg:
        arg = zh.rule_text(arg)
    return _pick(SUMMARY_ITEMS[row.item], lang).format(arg=arg).strip()


def about_rows(source: str | None, today: dt.date | None = None) -> list[SummaryRow]:
    """When the workbook was made, by which version, from which scenario file."""
    try:
        version = metadata.version("teacher-rotation-planner")
    except metadata.PackageNotFoundError:
        version = "unknown"
    rows = [
        SummaryRow("made", None, (today or dt.date.today()).isoformat()),
        SummaryRow("version", None, version),
    ]
    if source:
        rows.append(SummaryRow("source", None, source))
    return rows


def _write_summary(wb: Workbook, lang: str, rows: Sequence[SummaryRow]) -> Worksheet:
    ws = wb.create_sheet(sheet_name("summary", lang))
    write_cell(ws, 1, 1, header("item", lang))
    write_cell(ws, 1, 2, header("value", lang))
    for r, row in enumerate(rows, start=2):
        write_cell(ws, r, 1, _summary_label(row, lang))
        write_cell(ws, r, 2, _format(row.value, lang))
        if row.item == "covered_share" and row.value is not None:
            ws.cell(r, 2).number_format = PERCENT_FORMAT
        if (row.item == "audit_valid" and row.value is False) or row.item == "violation":
            fill_row(ws, r, 2, VIOLATION_FILL)
    _finish(ws, 2)
    return ws


def _new_workbook() -> Workbook:
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    return wb


# ---------------------------------------------------------------------------
# The workbooks
# ---------------------------------------------------------------------------


def write_roster(
    path: str | Path,
    scenario: Scenario,
    result: SolveResult,
    report: AuditReport,
    lang: str = "zh",
    changes: Sequence[Change] | None = None,
    source: str | None = None,
) -> None:
    """Write the roster workbook of ``result.plan`` (audited by ``report``) to ``path``.

    ``source`` (the scenario's file name) goes into the summary with the
    date and the planner's version. In Chinese, rule ids are shown with
    their Chinese names and every note, reason and violation is a Chinese
    sentence made from its fields (:mod:`planner.report.zh`).

    With ``changes`` (a replan), a last sheet ``changes`` lists them.

    Sheets, in order: summary, roster, by_school, coverage, rule_checks,
    staff, evaluation, mutual (only with mutual moves, 互派), notices
    (Chinese names with ``lang='zh'``). Needs
    with a gap and violated rule checks are highlighted. ``notices`` has one
    block per receiving school (who arrives, from when, for how long), a
    page break after each, for printing and filing. Every sheet prints
    landscape, one page wide, with the scenario's name as page header and
    page numbers as footer. Written atomically.
    """
    _check_lang(lang)
    tables = build_tables(scenario, result, report, lang)
    summary = [*about_rows(source), *tables.summary]
    if lang == "zh":
        tables = _chinese(scenario, tables, report)
        summary = [*about_rows(source), *tables.summary]
    wb = _new_workbook()
    _write_summary(wb, lang, summary)
    _write_sheet(wb, "roster", lang, RosterRow, tables.roster)
    _write_sheet(wb, "by_school", lang, BySchoolRow, tables.by_school)
    _write_sheet(
        wb,
        "coverage",
        lang,
        CoverageRow,
        tables.coverage,
        highlight=lambda row: HIGHLIGHT_FILL if row.gap > 0 else None,
        labels={"count": header("need_count", lang)},
    )
    _write_sheet(
        wb,
        "rule_checks",
        lang,
        RuleCheckRow,
        tables.rule_checks,
        highlight=lambda row: VIOLATION_FILL if row.status != "ok" else None,
    )
    _write_sheet(wb, "staff", lang, StaffRow, tables.staff)
    _write_sheet(wb, "evaluation", lang, EvaluationRow, tables.evaluation)
    if tables.mutual:
        _write_sheet(wb, "mutual", lang, MutualRow, tables.mutual)
    _write_notices(wb, scenario, lang, tables.roster)
    if changes is not None:
        rows = change_rows(scenario, changes)
        if lang == "zh":
            rows = [replace(r, kind=zh.CHANGE_KINDS.get(r.kind, r.kind)) for r in rows]
        _write_sheet(wb, "changes", lang, ChangeRow, rows)
    _page_setup(wb, scenario, lang)
    save_atomic(wb, path)


def write_diagnosis(
    path: str | Path,
    scenario: Scenario,
    result: SolveResult,
    conflicts: Sequence[Conflict],
    lang: str = "zh",
    source: str | None = None,
) -> None:
    """Write a workbook for a solve without a plan: summary and conflicts.

    It has no roster sheet, so nothing in it can be mistaken for a plan.
    """
    _check_lang(lang)
    wb = _new_workbook()
    _write_summary(wb, lang, [*about_rows(source), *summary_rows(scenario, result, None)])
    rows = conflict_rows(scenario, conflicts)
    if lang == "zh":
        rows = [_chinese_conflict(scenario, row, c) for row, c in zip(rows, conflicts, strict=True)]
    _write_sheet(wb, "conflicts", lang, ConflictRow, rows)
    _page_setup(wb, scenario, lang)
    save_atomic(wb, path)


# ---------------------------------------------------------------------------
# Chinese: the texts made from fields (planner.report.zh)
# ---------------------------------------------------------------------------


def _chinese(scenario: Scenario, tables: ReportTables, report: AuditReport) -> ReportTables:
    """``tables`` with every rule id named in Chinese beside it and every
    note, reason and violation a Chinese sentence."""
    violations = iter(report.violations)
    summary = []
    for row in tables.summary:
        if row.item == "violation" and row.arg is not None:
            v = next(violations, None)
            row = replace(row, value=zh.violation_text(scenario, v) if v else row.value)
        elif row.item == "shortfall":
            with use_language("zh"):
                short = _(": short by ")
            row = replace(row, value=str(row.value).replace(":", short))
        summary.append(row)
    return replace(
        tables,
        summary=summary,
        coverage=[replace(r, reason=zh.codes_text(r.reason)) for r in tables.coverage],
        rule_checks=[
            replace(r, rule=zh.rule_text(r.rule), note=zh.check_note(scenario, r))
            for r in tables.rule_checks
        ],
        staff=[replace(r, reasons=zh.codes_text(r.reasons)) for r in tables.staff],
    )


def _chinese_conflict(scenario: Scenario, row: ConflictRow, conflict: Conflict) -> ConflictRow:
    rules = zh.codes_text(conflict.rules)
    with use_language("zh"):
        numbers = ""
        if conflict.required is not None and conflict.possible is not None:
            numbers = _(": {required} required, at most {possible} possible").format(
                required=conflict.required, possible=conflict.possible
            )
        message = _("{rules} cannot all hold{numbers}").format(rules=rules, numbers=numbers)
        instances = _conflict_instances(scenario, conflict)
    return replace(row, rules=rules, message=message, instances=instances)


def _conflict_instances(scenario: Scenario, conflict: Conflict) -> str:
    """The rule instances of a conflict, named for a reader of the current language."""
    return _("; ").join(
        " ".join(
            str(x)
            for x in (
                zh.rule_text(i.rule),
                group_name(scenario, i.group_id),
                _("school year {year}").format(year=i.year) if i.year is not None else None,
                i.scope,
            )
            if x
        )
        for i in conflict.instances
    )
