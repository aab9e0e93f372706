"""Small openpyxl helpers shared by the workbook writers.

* :func:`write_cell` stores values safely: every ``str`` stays a literal text
  cell (never a formula, whatever its first character), ids are text cells
  with the text number format ``@`` so ``007`` stays ``007``, characters
  Excel cannot store are dropped.
* :func:`style_header`, :func:`fit_columns`, :func:`setup_print` and
  :func:`fill_row` give every sheet the same look: bold frozen header with a
  filter, columns wide enough for Chinese text, landscape print one page
  wide with the header repeated.
* :func:`save_atomic` writes a temporary file beside the target and renames
  it over the target, so a failed write never leaves a half file and never
  destroys the previous one.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.outputs import write_atomic

__all__ = [
    "HEADER_FILL",
    "HIGHLIGHT_FILL",
    "PAGE_FOOTER",
    "TEXT_FORMAT",
    "VIOLATION_FILL",
    "cell_value",
    "display_width",
    "fill_row",
    "fit_columns",
    "save_atomic",
    "setup_print",
    "style_header",
    "write_cell",
    "write_table",
]

TEXT_FORMAT = "@"
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
MAX_WIDTH = 60.0
MIN_WIDTH = 6.0
LINE_HEIGHT = 15.0  # points per line of 11-point text

# Page footer of printed sheets, per language (``&P`` page, ``&N`` pages).
PAGE_FOOTER: dict[str, str] = {"en": "Page &P of &N", "zh": "第 &P 页 / 共 &N 页"}

HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
HIGHLIGHT_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
VIOLATION_FILL = PatternFill(fill_type="solid", start_color="FFF8CBAD", end_color="FFF8CBAD")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

CellValue = str | int | float | bool | None


def cell_value(value: object) -> CellValue:
    """A Python value as the value of one cell (numbers stay numbers, the rest text)."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _safe_text(text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[:MAX_CELL_CHARS]


def write_cell(ws: Worksheet, row: int, col: int, value: object, *, text: bool = False) -> None:
    """Write ``value`` to ``ws[row, col]``.

    A ``str`` is always a literal text cell (data type ``s``): one starting
    with ``=``, ``+``, ``-`` or ``@`` is never a formula. ``text=True`` (ids)
    writes the value as text with number format ``@`` even if it looks like
    a number. Decimals become numbers, enums their value, dates ISO text.
    """
    cell = ws.cell(row=row, column=col)
    if text and value is not None:
        value = cell_value(value)
        value = str(value)
    else:
        value = cell_value(value)
    if isinstance(value, str):
        value = _safe_text(value)
        cell.value = value
        cell.data_type = "s"  # openpyxl takes a leading '=' for a formula: undo that
    else:
        cell.value = value
    if text:
        cell.number_format = TEXT_FORMAT


def write_table(
    ws: Worksheet,
    header: list[str],
    rows: list[list[object]],
    text_columns: frozenset[int] = frozenset(),
) -> None:
    """Header in row 1, ``rows`` below; 0-based ``text_columns`` are written as text."""
    for col, label in enumerate(header, start=1):
        write_cell(ws, 1, col, label)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            write_cell(ws, r, c, value, text=(c - 1) in text_columns)


def style_header(ws: Worksheet, ncols: int) -> None:
    """Bold filled header row, frozen, with a filter over the data range."""
    ncols = max(1, ncols)
    for col in range(1, ncols + 1):
        cell = ws.cell(row=1, column=col)
        cell.font = _BOLD
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"
    last_row = max(1, ws.max_row)
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{last_row}"


def fill_row(ws: Worksheet, row: int, ncols: int, fill: PatternFill) -> None:
    """Colour the first ``ncols`` cells of ``row``."""
    for col in range(1, ncols + 1):
        ws.cell(row=row, column=col).fill = fill


def display_width(value: object) -> int:
    """Width of ``value`` as shown: an East Asian wide or full-width character counts 2."""
    if value is None:
        return 0
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    if text.isascii():
        return max((len(line) for line in text.splitlines()), default=0)
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines() or [""]
        ),
        default=0,
    )


def fit_columns(
    ws: Worksheet,
    max_width: float = MAX_WIDTH,
    min_width: float = MIN_WIDTH,
    header_extra: int = 2,
) -> None:
    """Set each column's width from its longest cell text (CJK counts 2), capped.

    The header row (row 1) gets ``header_extra`` more, room for the filter
    button. A cell whose text is wider than the cap wraps (top-aligned) and
    its row gets the height of its lines, so that nothing is cut on screen
    or in print.
    """
    widths: dict[int, int] = {}
    too_wide = []
    rows: dict[int, tuple[Any, ...]] = {}
    for row in ws.iter_rows():
        if row:
            rows[row[0].row] = row
        for cell in row:
            if cell.value is None:
                continue
            col = cell.column
            if not isinstance(col, int):
                continue
            width = display_width(cell.value) + (header_extra if cell.row == 1 else 0)
            widths[col] = max(widths.get(col, 0), width)
            if width + 2.0 > max_width:
                too_wide.append(cell)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(
            max_width, max(min_width, width + 2.0)
        )
    lines: dict[int, int] = {}
    for cell in too_wide:
        cell.alignment = _WRAP
        room = max(1.0, (ws.column_dimensions[cell.column_letter].width or max_width) - 2.0)
        needed = sum(
            max(1, math.ceil(display_width(line) / room))
            for line in str(cell.value).splitlines() or [""]
        )
        lines[cell.row] = max(lines.get(cell.row, 1), needed)
    for row, count in lines.items():
        # an explicit height: LibreOffice keeps one line per row of an .xlsx otherwise
        ws.row_dimensions[row].height = LINE_HEIGHT * count + 2.0
        for cell in rows.get(row, ()):
            if not cell.alignment.wrap_text:
                cell.alignment = _TOP  # the row's cells side by side, not at its foot


def setup_print(
    ws: Worksheet,
    *,
    header: str | None = None,
    footer: str | None = None,
    title_rows: str | None = "1:1",
) -> None:
    """Landscape A4, fit to one page wide (any number tall), ``title_rows`` on every page.

    ``header`` (e.g. the scenario's name) is the page header, centred;
    ``footer`` the page footer (e.g. :data:`PAGE_FOOTER`, with Excel's page
    codes ``&P`` and ``&N``). A ``&`` in ``header`` is printed as it is.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if title_rows:
        ws.print_title_rows = title_rows
    if header:
        ws.oddHeader.center.text = header.replace("&", "&&")
        ws.oddHeader.center.size = 10
    if footer:
        ws.oddFooter.center.text = footer
        ws.oddFooter.center.size = 9


def save_atomic(wb: Workbook, path: str | Path) -> None:
    """Save ``wb`` to ``path`` through a temporary file in the same directory.

    :func:`planner.io.outputs.write_atomic`: renamed over ``path`` only once
    fully written; on any error ``path`` (if it existed) is left untouched;
    the permissions of the file it replaces, else those the umask gives; a
    symbolic link's target is written.
    """
    write_atomic(path, wb.save)
