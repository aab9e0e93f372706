"""Small openpyxl helpers shared by the workbook writers, and the rules of
the look every workbook shares.

The roster, the one big workbook, is written with XlsxWriter by
:mod:`planner.io.fastxlsx` on the same rules (:func:`cell_text`,
:func:`fit_widths`, :func:`row_height`, the colours, :data:`MARGINS`,
:data:`PAGE_FOOTER`); the smaller workbooks (scenario template, notices,
sweep results, scenario files, the archive's ledger) use the openpyxl
helpers here: they are small, so openpyxl's speed does not matter there,
and the template inserts rows above rows already written, which a writer
that streams rows cannot.

* :func:`write_cell` stores values safely: every ``str`` stays a literal text
  cell (never a formula, whatever its first character), ids are text cells
  with the text number format ``@`` so ``007`` stays ``007``, characters
  Excel cannot store are dropped.
* :func:`fit_widths` works out column widths and wrapped rows from the
  values of a table; :func:`fit_columns` applies it to an openpyxl sheet.
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
import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import cast

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
    "Fit",
    "cell_text",
    "cell_value",
    "display_width",
    "fill_row",
    "fit_columns",
    "fit_widths",
    "row_height",
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

# Margins of printed sheets in inches: left, right, top, bottom, header, footer.
MARGINS = (0.4, 0.4, 0.6, 0.6, 0.25, 0.25)

HEADER_RGB = "FFDDEBF7"  # the header row
HIGHLIGHT_RGB = "FFFFF2CC"  # a need with a gap
VIOLATION_RGB = "FFF8CBAD"  # a violated rule


def _solid(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


HEADER_FILL = _solid(HEADER_RGB)
HIGHLIGHT_FILL = _solid(HIGHLIGHT_RGB)
VIOLATION_FILL = _solid(VIOLATION_RGB)
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


def cell_text(value: object, text: bool = False) -> CellValue:
    """``value`` as :func:`write_cell` stores it: a cell value, as text if
    ``text`` (ids), without the characters Excel cannot store."""
    kind = type(value)  # the common cases first: half a million cells in a big roster
    if kind is str:
        return _safe_text(cast(str, value))
    if kind is int and not text:
        return cast(int, value)
    value = str(cell_value(value)) if text and value is not None else cell_value(value)
    return _safe_text(value) if isinstance(value, str) else value


def write_cell(ws: Worksheet, row: int, col: int, value: object, *, text: bool = False) -> None:
    """Write ``value`` to ``ws[row, col]``.

    A ``str`` is always a literal text cell (data type ``s``): one starting
    with ``=``, ``+``, ``-`` or ``@`` is never a formula. ``text=True`` (ids)
    writes the value as text with number format ``@`` even if it looks like
    a number. Decimals become numbers, enums their value, dates ISO text.
    """
    cell = ws.cell(row=row, column=col)
    value = cell_text(value, text)
    if isinstance(value, str):
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
        return max(map(len, text.splitlines()), default=0)
    return _wide_width(text)


@functools.lru_cache(maxsize=8192)  # names of schools and subjects come back often
def _wide_width(text: str) -> int:
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines() or [""]
        ),
        default=0,
    )


def row_height(lines: int) -> float:
    """Points of a row of ``lines`` lines: whole pixels (3/4 point each), as
    Excel and XlsxWriter store a row's height."""
    return LINE_HEIGHT * lines + 2.25


@dataclass
class Fit:
    """Column widths and wrapped cells of a table (0-based rows and columns)."""

    widths: dict[int, float] = field(default_factory=dict)
    wrapped: set[tuple[int, int]] = field(default_factory=set)
    lines: dict[int, int] = field(default_factory=dict)  # row: lines of text, wrapped rows


def fit_widths(
    rows: Sequence[Sequence[object]],
    max_width: float = MAX_WIDTH,
    min_width: float = MIN_WIDTH,
    header_extra: int = 2,
) -> Fit:
    """Each column's width from its longest cell text (CJK counts 2), capped.

    The header (row 0) gets ``header_extra`` more, room for the filter
    button. A cell wider than the cap wraps and its row gets the lines it
    needs, so that nothing is cut on screen or in print.
    """
    longest: dict[int, int] = {}
    fit = Fit()
    extra = header_extra
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            width = display_width(value) + extra
            if width > longest.get(c, -1):
                longest[c] = width
            if width + 2.0 > max_width:
                fit.wrapped.add((r, c))
        extra = 0
    fit.widths = {c: min(max_width, max(min_width, w + 2.0)) for c, w in longest.items()}
    for r, c in sorted(fit.wrapped):
        room = max(1.0, fit.widths[c] - 2.0)
        needed = sum(
            max(1, math.ceil(display_width(line) / room))
            for line in str(rows[r][c]).splitlines() or [""]
        )
        fit.lines[r] = max(fit.lines.get(r, 1), needed)
    return fit


def fit_columns(
    ws: Worksheet,
    max_width: float = MAX_WIDTH,
    min_width: float = MIN_WIDTH,
    header_extra: int = 2,
) -> None:
    """Set each column's width by :func:`fit_widths` (row 1 the header).

    A cell whose text is wider than the cap wraps (top-aligned) and its row
    gets the height of its lines, so that nothing is cut on screen or in print.
    """
    fit = fit_widths(list(ws.iter_rows(values_only=True)), max_width, min_width, header_extra)
    for col, width in fit.widths.items():
        ws.column_dimensions[get_column_letter(col + 1)].width = width
    for row, col in fit.wrapped:
        ws.cell(row + 1, col + 1).alignment = _WRAP
    for row, count in fit.lines.items():
        # an explicit height: LibreOffice keeps one line per row of an .xlsx otherwise
        ws.row_dimensions[row + 1].height = row_height(count)
        for col in range(1, ws.max_column + 1):
            cell = ws.cell(row + 1, col)
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
    m = ws.page_margins
    m.left, m.right, m.top, m.bottom, m.header, m.footer = MARGINS
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
