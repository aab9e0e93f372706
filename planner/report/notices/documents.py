"""The notices workbook: the receiving schools' notices, their annexes and
the teachers' letters (see :mod:`planner.report.notices`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from planner.data import Plan, Scenario
from planner.io.xlsx import HEADER_FILL, save_atomic, write_cell
from planner.report.labels import CODES_ZH
from planner.report.notices.layout import (
    BODY_PT,
    COLUMNS,
    TABLE_PT,
    TITLE_PT,
    box,
    font,
    lines_needed,
    paragraph,
    row_height,
    rule_line,
    setup_page,
)
from planner.report.notices.texts import BLANK, text
from planner.report.roster import notice_blocks
from planner.report.tables import RosterRow, roster_rows

__all__ = ["DocumentValues", "SchoolNotice", "document_values", "school_notices", "write_notices"]


@dataclass(frozen=True)
class DocumentValues:
    """The settings of the documents as printed (blanks where not given)."""

    bureau: str
    number: str  # 泰山教体发〔2022〕15号
    date: str  # 成文日期: 2022年8月20日
    report_date: str
    cc: str | None


@dataclass(frozen=True)
class SchoolNotice:
    """One receiving school and the teachers it receives."""

    school_id: str
    school: str  # its name (its id if unnamed)
    group: str
    sending: str  # the sending schools' names, joined
    rows: tuple[RosterRow, ...]


def _date(value: dt.date | None, lang: str) -> str:
    if value is None:
        return text("date_blank", lang)
    return text("date", lang, y=value.year, m=value.month, d=value.day)


def document_values(scenario: Scenario, lang: str = "zh") -> DocumentValues:
    """The bureau, 文号 (year from the plan's first school year), dates and 抄送."""
    docs = scenario.documents
    number = text(
        "doc_number",
        lang,
        prefix=docs.doc_prefix or BLANK,
        year=scenario.first_year,
        number=docs.doc_number or "____",
    )
    return DocumentValues(
        bureau=docs.bureau or BLANK,
        number=number,
        date=_date(docs.doc_date, lang),
        report_date=_date(docs.report_date, lang),
        cc=docs.cc,
    )


def school_notices(scenario: Scenario, plan: Plan) -> list[SchoolNotice]:
    """One notice per receiving school, in the order of the roster's notices sheet."""
    notices = []
    for block in notice_blocks(scenario, roster_rows(scenario, plan)):
        first = block[0]
        sending = dict.fromkeys(r.home_school_name or r.home_school_id or "" for r in block)
        notices.append(
            SchoolNotice(
                school_id=first.school_id,
                school=first.school_name or first.school_id,
                group=first.group or "",
                sending="、".join(s for s in sending if s),
                rows=tuple(block),
            )
        )
    return notices


def _code(value: object, lang: str) -> str:
    if isinstance(value, Enum):
        code = str(value.value)
        return CODES_ZH.get(type(value), {}).get(code, code) if lang == "zh" else code
    return "" if value is None else str(value)


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(wb: Workbook, kind: str, school: str) -> str:
    """A unique sheet name ``kind-school`` within Excel's 31 characters."""
    base = _BAD_SHEET_CHARS.sub("", f"{kind}-{school}")[:31]
    title, n = base, 2
    while title in wb.sheetnames:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    return title


# ---------------------------------------------------------------------------
# The receiving school's notice
# ---------------------------------------------------------------------------


def _seal_lines(ws: Worksheet, row: int, lang: str, keys: Sequence[str]) -> int:
    """Seal labels side by side, space for the seals, a date line under each."""
    width = COLUMNS // len(keys)
    for i, key in enumerate(keys):
        first, last = i * width + 1, (i + 1) * width
        paragraph(ws, row, text(key, lang), size=14, first=first, last=last, align="center")
        paragraph(ws, row + 2, text("sign_date", lang), size=12, first=first, last=last,
                  align="center")  # fmt: skip
    ws.row_dimensions[row + 1].height = 48.0  # room for the seals
    return row + 3


def _notice_sheet(
    wb: Workbook, scenario: Scenario, notice: SchoolNotice, values: DocumentValues, lang: str
) -> Worksheet:
    ws = wb.create_sheet(_sheet_title(wb, text("sheet_notice", lang), notice.school))
    starts = sorted({r.start_year for r in notice.rows})
    if lang == "zh":
        years = f"{starts[0]}学年起" + ("分批" if len(starts) > 1 else "")
    else:
        years = f"school year {starts[0]}" + (f" to {starts[-1]}" if len(starts) > 1 else "")
    r = 1
    paragraph(ws, r, text("masthead", lang, bureau=values.bureau), size=26, bold=True,
              red=True, align="center")  # fmt: skip
    r += 2
    ws.row_dimensions[2].height = 10
    paragraph(ws, r, values.number, align="center")
    r += 1
    rule_line(ws, r)
    r += 2
    ws.row_dimensions[r - 1].height = 12
    title = text("notice_title", lang, school=notice.school, year=scenario.first_year)
    paragraph(ws, r, title, size=TITLE_PT, bold=True, align="center")
    r += 2
    ws.row_dimensions[r - 1].height = 10
    paragraph(ws, r, text("notice_to", lang, school=notice.school))
    r += 1
    body = text(
        "notice_body",
        lang,
        group=notice.group,
        sending=notice.sending,
        n=len(notice.rows),
        years=years,
    )
    paragraph(ws, r, body, indent=lang == "zh")
    r += 1
    paragraph(ws, r, text("notice_body2", lang, report_date=values.report_date),
              indent=lang == "zh")  # fmt: skip
    r += 2
    ws.row_dimensions[r - 1].height = 10
    paragraph(ws, r, text("annex_note", lang, school=notice.school), indent=lang == "zh")
    r += 2
    ws.row_dimensions[r - 1].height = 30  # above the signature: room for the seal
    paragraph(ws, r, text("signature", lang, bureau=values.bureau), first=6, align="center")
    r += 1
    paragraph(ws, r, values.date, first=6, align="center")
    r += 1
    paragraph(ws, r, text("seal", lang), size=12, first=6, align="center")
    r += 2
    ws.row_dimensions[r - 1].height = 10
    r = _seal_lines(ws, r, lang, ("sign_sending", "sign_receiving"))
    r += 1
    _imprint(ws, r, values, lang)
    setup_page(ws, text("page_footer", lang))
    ws.page_setup.fitToHeight = 1  # a letter: one page
    return ws


def _imprint(ws: Worksheet, row: int, values: DocumentValues, lang: str) -> int:
    """The 版记: 抄送 (when given) and who issued it when, between lines."""
    if values.cc:
        paragraph(ws, row, text("cc", lang, cc=values.cc), size=14)
        for col in range(1, COLUMNS + 1):
            ws.cell(row, col).border = _top_bottom()
        row += 1
    paragraph(ws, row, text("printed", lang, bureau=values.bureau, date=values.date), size=14)
    for col in range(1, COLUMNS + 1):
        ws.cell(row, col).border = _top_bottom()
    return row + 1


def _top_bottom() -> Border:
    side = Side(style="thin")
    return Border(top=side, bottom=side)


# ---------------------------------------------------------------------------
# The annex: the list of teachers, header repeated on every page
# ---------------------------------------------------------------------------

# (text key, width in character units, value of a row)
_ANNEX_COLUMNS: tuple[tuple[str, float], ...] = (
    ("col_no", 5.0),
    ("col_name", 9.0),
    ("col_staff_id", 13.0),
    ("col_subject", 9.0),
    ("col_position", 6.5),
    ("col_home", 18.0),
    ("col_years", 15.0),
    ("col_term", 6.0),
)


def _annex_values(i: int, row: RosterRow, lang: str) -> list[object]:
    return [
        i,
        row.name or "",
        row.staff_id,
        row.subject or "",
        _code(row.position, lang),
        row.home_school_name or row.home_school_id or "",
        text("years_span", lang, start=row.start_year, end=row.end_year),
        row.term,
    ]


def _annex_sheet(wb: Workbook, notice: SchoolNotice, lang: str) -> Worksheet:
    ws = wb.create_sheet(_sheet_title(wb, text("sheet_annex", lang), notice.school))
    ncols = len(_ANNEX_COLUMNS)
    widths = [w for _, w in _ANNEX_COLUMNS]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    total_pt = sum(widths) * 5.25

    def line(row: int, value: str, size: float, bold: bool, align: str) -> None:
        write_cell(ws, row, 1, value)
        ws.cell(row, 1).font = font(size, bold=bold)
        ws.cell(row, 1).alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.row_dimensions[row].height = row_height(size, lines_needed(value, size, total_pt))

    line(1, text("annex", lang), BODY_PT, True, "left")
    n = len(notice.rows)
    line(2, text("annex_title", lang, group=notice.group, school=notice.school, n=n),
         BODY_PT, True, "center")  # fmt: skip
    cells = [text(key, lang) for key, _ in _ANNEX_COLUMNS]
    _table_row(ws, 3, cells, widths, bold=True)
    for i, row in enumerate(notice.rows, start=1):
        _table_row(ws, 3 + i, _annex_values(i, row, lang), widths, text_cols={3})
    setup_page(ws, text("page_footer", lang), title_rows="1:3")
    for col, width in enumerate(widths, start=1):  # setup_page set the letter grid
        ws.column_dimensions[get_column_letter(col)].width = width
    for col in range(ncols + 1, COLUMNS + 1):
        ws.column_dimensions[get_column_letter(col)].width = 8.43
    ws.print_area = f"A1:{get_column_letter(ncols)}{ws.max_row}"
    return ws


def _table_row(
    ws: Worksheet,
    row: int,
    values: Sequence[object],
    widths: Sequence[float],
    *,
    bold: bool = False,
    text_cols: set[int] | None = None,
) -> None:
    lines = 1
    for col, (value, width) in enumerate(zip(values, widths, strict=True), start=1):
        write_cell(ws, row, col, value, text=col in (text_cols or ()))
        cell = ws.cell(row, col)
        cell.font = font(TABLE_PT, bold=bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _box_border()
        if bold:
            cell.fill = HEADER_FILL
        lines = max(lines, lines_needed(str(value), TABLE_PT, width * 5.25))
    ws.row_dimensions[row].height = row_height(TABLE_PT, lines)


def _box_border() -> Border:
    side = Side(style="thin")
    return Border(left=side, right=side, top=side, bottom=side)


# ---------------------------------------------------------------------------
# The teachers' letters (交流通知书), one page each
# ---------------------------------------------------------------------------


def _fact(ws: Worksheet, row: int, pairs: Sequence[tuple[str, str]]) -> None:
    """A row of the facts table: label and value, one pair across or two side by side."""
    spans = [(1, 2, 3, COLUMNS)] if len(pairs) == 1 else [(1, 2, 3, 6), (7, 8, 9, COLUMNS)]
    for (label, value), (l1, l2, v1, v2) in zip(pairs, spans, strict=True):
        paragraph(ws, row, label, size=14, first=l1, last=l2, align="center", bold=True)
        paragraph(ws, row, value, size=14, first=v1, last=v2, align="center")
        box(ws, row, l1, v2)


def _letter(
    ws: Worksheet, row: int, notice: SchoolNotice, r: RosterRow, values: DocumentValues, lang: str
) -> int:
    """One teacher's letter from ``row``; the row after it."""
    name = r.name or r.staff_id
    home = r.home_school_name or r.home_school_id or ""
    paragraph(ws, row, text("letter_title", lang), size=TITLE_PT, bold=True, align="center")
    paragraph(ws, row + 1, values.number, align="center")
    ws.row_dimensions[row + 2].height = 10
    paragraph(ws, row + 3, text("letter_to", lang, name=name))
    body = text(
        "letter_body",
        lang,
        start=r.start_year,
        end=r.end_year,
        term=r.term,
        home=home,
        school=notice.school,
        report_date=values.report_date,
    )
    paragraph(ws, row + 4, body, indent=lang == "zh")
    ws.row_dimensions[row + 5].height = 10
    at = row + 6
    facts: list[list[tuple[str, str]]] = [
        [(text("f_name", lang), name), (text("f_staff_id", lang), r.staff_id)],
        [
            (text("f_subject", lang), r.subject or ""),
            (text("f_position", lang), _code(r.position, lang)),
        ],
        [(text("f_home", lang), home)],
        [(text("f_school", lang), notice.school)],
        [(text("f_group", lang), notice.group)],
        [
            (text("f_years", lang), text("term_years", lang, start=r.start_year, end=r.end_year)),
            (text("f_term", lang), text("term_count", lang, term=r.term)),
        ],
        [(text("f_report", lang), values.report_date)],
    ]  # fmt: skip
    for pairs in facts:
        _fact(ws, at, pairs)
        at += 1
    ws.row_dimensions[at].height = 14
    at = _seal_lines(ws, at + 1, lang, ("sign_sending", "sign_receiving", "sign_bureau"))
    ws.row_dimensions[at].height = 10
    paragraph(ws, at + 1, f"{values.bureau}　　{values.number}　　{values.date}", size=12,
              align="right")  # fmt: skip
    return at + 2


def _letters_sheet(
    wb: Workbook, notice: SchoolNotice, values: DocumentValues, lang: str
) -> Worksheet:
    ws = wb.create_sheet(_sheet_title(wb, text("sheet_letters", lang), notice.school))
    row = 1
    for r in notice.rows:
        end = _letter(ws, row, notice, r, values, lang)
        ws.row_breaks.append(Break(id=end - 1))
        row = end
    setup_page(ws, text("page_footer", lang))
    return ws


# ---------------------------------------------------------------------------
# Index and workbook
# ---------------------------------------------------------------------------

_INDEX_WIDTHS = (5.0, 11.0, 24.0, 18.0, 6.0, 20.0)


def _index_sheet(wb: Workbook, scenario: Scenario, lang: str) -> Worksheet:
    ws = wb.create_sheet(text("index", lang), 0)
    write_cell(ws, 1, 1, text("index_title", lang, scenario=scenario.name))
    ws.cell(1, 1).font = font(BODY_PT, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_INDEX_WIDTHS))
    ws.row_dimensions[1].height = row_height(BODY_PT)
    return ws


def _index_rows(
    ws: Worksheet, entries: Sequence[tuple[str, str, str, int, str]], lang: str
) -> None:
    heads = [
        text(k, lang) for k in ("ix_no", "ix_kind", "ix_group", "ix_school", "ix_count", "ix_sheet")
    ]
    _table_row(ws, 2, heads, _INDEX_WIDTHS, bold=True)
    for i, (kind, group, school, n, sheet) in enumerate(entries, start=1):
        _table_row(ws, 2 + i, [i, kind, group, school, n, sheet], _INDEX_WIDTHS)
    setup_page(ws, text("page_footer", lang), title_rows="1:2")
    for col in range(1, COLUMNS + 1):
        width = _INDEX_WIDTHS[col - 1] if col <= len(_INDEX_WIDTHS) else 8.43
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.print_area = f"A1:{get_column_letter(len(_INDEX_WIDTHS))}{ws.max_row}"  # fmt: skip


def write_notices(path: str | Path, scenario: Scenario, plan: Plan, lang: str = "zh") -> list[str]:
    """Write the notices workbook of ``plan`` to ``path`` (atomically); its sheet names.

    Sheets: the index, then per receiving school its notice, its annex and
    its teachers' letters (one page each).
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be en or zh, not {lang!r}")
    values = document_values(scenario, lang)
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    index = _index_sheet(wb, scenario, lang)
    entries: list[tuple[str, str, str, int, str]] = []
    for notice in school_notices(scenario, plan):
        n = len(notice.rows)
        for kind, sheet in (
            ("kind_notice", _notice_sheet(wb, scenario, notice, values, lang)),
            ("kind_annex", _annex_sheet(wb, notice, lang)),
            ("kind_letters", _letters_sheet(wb, notice, values, lang)),
        ):
            entries.append((text(kind, lang), notice.group, notice.school, n, sheet.title))
    _index_rows(index, entries, lang)
    save_atomic(wb, path)
    return wb.sheetnames
