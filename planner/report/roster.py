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
from dataclasses import dataclass, fields, replace
from enum import Enum
from importlib import metadata
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from planner.analysis.replan import Change
from planner.data import Scenario
from planner.i18n import _, use_language
from planner.io.fastxlsx import (
    Book,
    Style,
    set_widths,
    setup_print,
    write_book,
    write_table,
    write_value,
)
from planner.io.xlsx import (
    HEADER_RGB,
    HIGHLIGHT_RGB,
    PAGE_FOOTER,
    TEXT_FORMAT,
    VIOLATION_RGB,
    cell_text,
    display_width,
)
from planner.report import zh
from planner.report.labels import (
    CHECK_STATUS_ZH,
    CODES_ZH,
    NOTICE_COLUMNS,
    OBJECTIVE_ZH,
    PERCENT_FIELDS,
    PERCENT_FORMAT,
    SUMMARY_ITEMS,
    TEXT_FIELDS,
    YES_NO,
    check_lang,
    header,
    notice_label,
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

NOTICE_TITLE = Style(bold=True, size=14)
NOTICE_HEAD = Style(bold=True, fill=HEADER_RGB, border=True)
NOTICE_CELL = Style(border=True)


@dataclass(frozen=True)
class Page:
    """What every printed page of the workbook shows: the scenario's name
    at the top, page numbers at the foot."""

    header: str | None
    footer: str


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
    book: Book,
    page: Page,
    key: str,
    lang: str,
    row_type: type[Any],
    rows: Sequence[Any],
    highlight: Callable[[Any], str | None] | None = None,
    labels: dict[str, str] | None = None,
) -> None:
    """One sheet: header from HEADERS, one line per row dataclass
    (``highlight`` gives a row its fill colour)."""
    names = [f.name for f in fields(row_type)]
    labels = labels or {}
    values = attrgetter(*names) if len(names) > 1 else lambda row: (getattr(row, names[0]),)
    ws = write_table(
        book,
        sheet_name(key, lang),
        [labels.get(name) or header(name, lang) for name in names],
        [[_format(v, lang, n) for n, v in zip(names, values(row), strict=True)] for row in rows],
        text_columns=frozenset(c for c, n in enumerate(names) if n in TEXT_FIELDS),
        formats={c: PERCENT_FORMAT for c, n in enumerate(names) if n in PERCENT_FIELDS},
        fills=[highlight(row) for row in rows] if highlight is not None else None,
    )
    setup_print(ws, header=page.header, footer=page.footer)


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
    book: Book, page: Page, scenario: Scenario, lang: str, rows: Sequence[RosterRow]
) -> None:
    """One block per receiving school, each printed page of it with the
    school's title and the header row; a page break after each page."""
    ws = book.sheet(sheet_name("notices", lang))
    ncols = len(NOTICE_COLUMNS)
    heads = [header(c, lang) for c in NOTICE_COLUMNS]
    widths = [display_width(h) for h in heads]
    cells = [
        book.format(replace(NOTICE_CELL, num_format=TEXT_FORMAT if k in TEXT_FIELDS else None))
        for k in NOTICE_COLUMNS
    ]
    breaks: list[int] = []
    r = 0  # 0-based rows here
    for block in notice_blocks(scenario, rows):
        first = block[0]
        title = notice_label("title", lang).format(
            scenario=scenario.name,
            school=first.school_name or first.school_id,
            school_id=first.school_id,
            group=first.group or "",
        )
        pages = [
            block[i : i + NOTICE_ROWS_PER_PAGE] for i in range(0, len(block), NOTICE_ROWS_PER_PAGE)
        ]
        for number, part in enumerate(pages, start=1):
            more = notice_label("continued", lang).format(page=number, pages=len(pages))
            _merged(ws, r, ncols, title, book.format(NOTICE_TITLE))
            count = notice_label("count", lang).format(n=len(block))
            ws.write_string(r + 1, 0, str(cell_text(count + (more if len(pages) > 1 else ""))))
            for c, head in enumerate(heads):
                ws.write_string(r + 2, c, head, book.format(NOTICE_HEAD))
            r += 3
            for row in part:
                for c, key in enumerate(NOTICE_COLUMNS):
                    value = cell_text(_format(getattr(row, key), lang, key), key in TEXT_FIELDS)
                    write_value(ws, r, c, value, cells[c])
                    widths[c] = max(widths[c], display_width(value))
                r += 1
            if number == len(pages):
                r += 1
                _merged(ws, r, ncols, notice_label("sign", lang), None)
            breaks.append(r + 1)  # after this row (1-based ids)
            r += 2
    ws.set_h_pagebreaks(breaks)
    set_widths(ws, {c: min(40.0, max(8.0, w + 3.0)) for c, w in enumerate(widths)})
    setup_print(ws, header=page.header, footer=page.footer, title_row=False)


def _merged(ws: Worksheet, row: int, ncols: int, text: str, fmt: Format | None) -> None:
    """``text`` across the first ``ncols`` cells of ``row``, ``fmt`` on its first cell only."""
    ws.merge_range(row, 0, row, ncols - 1, None)
    ws.write_string(row, 0, str(cell_text(text)), fmt)


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


def _write_summary(book: Book, page: Page, lang: str, rows: Sequence[SummaryRow]) -> None:
    ws = write_table(
        book,
        sheet_name("summary", lang),
        [header("item", lang), header("value", lang)],
        [[_summary_label(row, lang), _format(row.value, lang)] for row in rows],
        cell_formats={
            (r, 1): PERCENT_FORMAT for r, row in enumerate(rows) if row.item == "covered_share"
        },
        fills=[
            VIOLATION_RGB
            if (row.item == "audit_valid" and row.value is False) or row.item == "violation"
            else None
            for row in rows
        ],
    )
    setup_print(ws, header=page.header, footer=page.footer)


def _page(scenario: Scenario, lang: str) -> Page:
    return Page(header=scenario.name or None, footer=PAGE_FOOTER[lang])


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
    write_book(path, lambda book: _write_sheets(book, scenario, lang, tables, summary, changes))


def _write_sheets(
    book: Book,
    scenario: Scenario,
    lang: str,
    tables: ReportTables,
    summary: list[SummaryRow],
    changes: Sequence[Change] | None,
) -> None:
    """The sheets of the roster workbook, in order."""
    page = _page(scenario, lang)
    _write_summary(book, page, lang, summary)
    _write_sheet(book, page, "roster", lang, RosterRow, tables.roster)
    _write_sheet(book, page, "by_school", lang, BySchoolRow, tables.by_school)
    _write_sheet(
        book,
        page,
        "coverage",
        lang,
        CoverageRow,
        tables.coverage,
        highlight=lambda row: HIGHLIGHT_RGB if row.gap > 0 else None,
        labels={"count": header("need_count", lang)},
    )
    _write_sheet(
        book,
        page,
        "rule_checks",
        lang,
        RuleCheckRow,
        tables.rule_checks,
        highlight=lambda row: VIOLATION_RGB if row.status != "ok" else None,
    )
    _write_sheet(book, page, "staff", lang, StaffRow, tables.staff)
    _write_sheet(book, page, "evaluation", lang, EvaluationRow, tables.evaluation)
    if tables.mutual:
        _write_sheet(book, page, "mutual", lang, MutualRow, tables.mutual)
    _write_notices(book, page, scenario, lang, tables.roster)
    if changes is not None:
        rows = change_rows(scenario, changes)
        if lang == "zh":
            rows = [replace(r, kind=zh.CHANGE_KINDS.get(r.kind, r.kind)) for r in rows]
        _write_sheet(book, page, "changes", lang, ChangeRow, rows)


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
    summary = [*about_rows(source), *summary_rows(scenario, result, None)]
    rows = conflict_rows(scenario, conflicts)
    if lang == "zh":
        rows = [_chinese_conflict(scenario, row, c) for row, c in zip(rows, conflicts, strict=True)]
    page = _page(scenario, lang)

    def write(book: Book) -> None:
        _write_summary(book, page, lang, summary)
        _write_sheet(book, page, "conflicts", lang, ConflictRow, rows)

    write_book(path, write)


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
