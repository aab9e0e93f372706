"""Page and paragraph layout of the official documents (after GB/T 9704-2012).

A4 portrait, margins about 37 mm top and 28 mm left, the standard's fonts
(方正小标宋简体 for the masthead and titles, 仿宋 for the text, 宋体 for the
page number: what a bureau's machines have; printing to PDF here puts a free
CJK serif face in where one is missing, :mod:`planner.report.notices.pdf`),
title 22 pt, body 16 pt, the page number as "— 1 —" at the foot. A sheet is a grid of
:data:`COLUMNS` equal columns; a paragraph is a merged row whose height is
set from its text, because spreadsheet programs do not grow merged rows.
"""

from __future__ import annotations

import math

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.xlsx import display_width, write_cell

__all__ = [
    "BODY_PT",
    "COLUMNS",
    "FONT_NAME",
    "TITLE_FONT",
    "TITLE_PT",
    "box",
    "font",
    "paragraph",
    "rule_line",
    "setup_page",
]

FONT_NAME = "仿宋"  # the text (GB/T 9704: 3号仿宋体字)
TITLE_FONT = "方正小标宋简体"  # masthead and titles (2号小标宋体字)
PAGE_NUMBER_FONT = "宋体"  # the page number (4号半角宋体)
TITLE_PT = 22
BODY_PT = 16
TABLE_PT = 12
RED = "FFC00000"

COLUMNS = 12  # the grid of every document sheet
COLUMN_WIDTH = 6.3  # character units: 12 columns fill the 156 mm text width
_POINTS_PER_UNIT = 5.25  # one width unit in points (7 px at 96 dpi, less padding)
TEXT_WIDTH_PT = COLUMNS * COLUMN_WIDTH * _POINTS_PER_UNIT
LINE_SPACING = 1.5

_MM = 1 / 25.4  # inches per millimetre
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def font(size: float = BODY_PT, *, bold: bool = False, red: bool = False) -> Font:
    """The text font; a title's (:data:`TITLE_PT` and above) is the title face."""
    name = TITLE_FONT if size >= TITLE_PT else FONT_NAME
    return Font(name=name, size=size, bold=bold, color=RED if red else None)


def setup_page(ws: Worksheet, footer: str, *, title_rows: str | None = None) -> None:
    """A4 portrait with the standard's margins, one page wide, page number at the foot."""
    for col in range(1, COLUMNS + 1):
        ws.column_dimensions[_letter(col)].width = COLUMN_WIDTH
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.top = 37 * _MM
    ws.page_margins.bottom = 35 * _MM
    ws.page_margins.left = 28 * _MM
    ws.page_margins.right = 26 * _MM
    ws.page_margins.header = 15 * _MM
    ws.page_margins.footer = 20 * _MM
    ws.oddFooter.center.text = footer
    ws.oddFooter.center.size = 14
    ws.oddFooter.center.font = f"{PAGE_NUMBER_FONT},Regular"
    ws.sheet_view.showGridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{_letter(COLUMNS)}{max(ws.max_row, 1)}"


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def lines_needed(text: str, size: float, width_pt: float) -> int:
    """Lines ``text`` takes at ``size`` points in a cell ``width_pt`` wide."""
    room = max(1.0, width_pt * 0.94 - 4.0)  # cell padding, and rounding on the safe side
    return sum(
        max(1, math.ceil(display_width(line) * size / 2 / room))
        for line in text.splitlines() or [""]
    )


def row_height(size: float, lines: int = 1) -> float:
    return round(lines * size * LINE_SPACING + 4.0, 1)


def paragraph(
    ws: Worksheet,
    row: int,
    text: str,
    *,
    size: float = BODY_PT,
    first: int = 1,
    last: int = COLUMNS,
    align: str = "left",
    bold: bool = False,
    red: bool = False,
    indent: bool = False,
    min_lines: int = 1,
) -> None:
    """``text`` in the merged cells ``first..last`` of ``row``, wrapped, the row
    as high as its lines. ``indent`` starts with two full-width spaces (首行缩进)."""
    if indent:
        text = "\u3000\u3000" + text
    write_cell(ws, row, first, text)
    cell = ws.cell(row, first)
    cell.font = font(size, bold=bold, red=red)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    width = (last - first + 1) * COLUMN_WIDTH * _POINTS_PER_UNIT
    lines = max(min_lines, lines_needed(text, size, width))
    height = row_height(size, lines)
    current = ws.row_dimensions[row].height
    ws.row_dimensions[row].height = max(height, current or 0)


def box(ws: Worksheet, row: int, first: int, last: int) -> None:
    """A thin border around the merged cells ``first..last`` of ``row``."""
    for col in range(first, last + 1):
        ws.cell(row, col).border = _BOX


def rule_line(ws: Worksheet, row: int, *, red: bool = True, height: float = 8.0) -> None:
    """A full-width line (the red separator under the document number)."""
    side = Side(style="medium", color=RED if red else None)
    for col in range(1, COLUMNS + 1):
        ws.cell(row, col).border = Border(bottom=side)
    ws.row_dimensions[row].height = height
