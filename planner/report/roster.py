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
from planner.report.labels import (
    CHECK_STATUS_ZH,
    CODES_ZH,
    NOTICE_COLUMNS,
    NOTICE_LABELS,
    OBJECTIVE_ZH,
    PERCENT_FIELDS,
    PERCENT_FORMAT,
    SUMMARY_ITEMS,
    TEXT_FIELDS,
    YES_NO,
    check_lang,
    header,
    pick,
    sheet_name,
)
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
from planner.results import AuditReport, SolveResult

if TYPE_CHECKING:
    from planner.model.diagnose import Conflict

__all__ = ["notice_blocks", "write_diagnosis", "write_roster"]

NOTICE_TITLE_FONT = Font(bold=True, size=14)
NOTICE_HEAD_FONT = Font(bold=True)
_THIN = Side(style="thin")
THIN_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


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
        title = pick(NOTICE_LABELS["title"], lang).format(
            scenario=scenario.name,
            school=first.school_name or first.school_id,
            school_id=first.school_id,
            group=first.group or "",
        )
        pages = [
            block[i : i + NOTICE_ROWS_PER_PAGE] for i in range(0, len(block), NOTICE_ROWS_PER_PAGE)
        ]
        for number, page in enumerate(pages, start=1):
            more = pick(NOTICE_LABELS["continued"], lang).format(page=number, pages=len(pages))
            write_cell(ws, r, 1, title)
            ws.cell(r, 1).font = NOTICE_TITLE_FONT
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            r += 1
            count = pick(NOTICE_LABELS["count"], lang).format(n=len(block))
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
                write_cell(ws, r, 1, pick(NOTICE_LABELS["sign"], lang))
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
    return pick(SUMMARY_ITEMS[row.item], lang).format(arg=arg).strip()


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
    check_lang(lang)
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
    check_lang(lang)
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
            row = replace(row, value=str(row.value).replace(":", "：不足"))
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
    numbers = ""
    if conflict.required is not None and conflict.possible is not None:
        numbers = f"：需要 {conflict.required}，最多可达 {conflict.possible}"
    instances = "; ".join(
        " ".join(
            str(x)
            for x in (
                zh.rule_text(i.rule),
                group_name(scenario, i.group_id),
                f"{i.year} 学年" if i.year is not None else None,
                i.scope,
            )
            if x
        )
        for i in conflict.instances
    )
    return replace(
        row,
        rules=rules,
        message=f"{rules} 不能同时满足{numbers}",
        instances=instances,
    )
