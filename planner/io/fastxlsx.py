"""The roster workbook's writer: XlsxWriter, row by row, shared formats.

openpyxl keeps every cell as an object with its own style until it saves;
for the roster of a city (half a million cells) that was most of the time
spent writing. Here each row goes to disk as it is written (XlsxWriter's
``constant_memory``) and every combination of styles is one shared
:class:`~xlsxwriter.format.Format`. Column widths and wrapped rows are worked
out from the values before writing (:func:`planner.io.xlsx.fit_widths`, the
rule :func:`planner.io.xlsx.fit_columns` applies to openpyxl sheets), so the
sheets look as those of :mod:`planner.io.xlsx`: the same cell values, number
formats, fills, fonts, widths, frozen header, filter and print setup.

Values are stored as :func:`planner.io.xlsx.write_cell` stores them: a
``str`` is always literal text (``write_string``, never a formula), ids are
text with the number format ``@``, characters Excel cannot store are dropped.

* :class:`Style` and :class:`Book`: the workbook being written, one format per style.
* :func:`write_book`: a workbook written atomically.
* :func:`write_value`, :func:`write_table`, :func:`set_widths`,
  :func:`setup_print`: cells, a table sheet, widths, print setup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from planner.io.outputs import write_atomic
from planner.io.xlsx import (
    HEADER_RGB,
    MARGINS,
    TEXT_FORMAT,
    CellValue,
    cell_text,
    fit_widths,
    row_height,
)

__all__ = [
    "Book",
    "Style",
    "set_widths",
    "setup_print",
    "write_book",
    "write_table",
    "write_value",
]

_PIXELS_PER_CHAR = 7  # XlsxWriter's maximum digit width of Calibri 11
_PAPER_A4 = 9


@dataclass(frozen=True)
class Style:
    """What a cell looks like; ``fill`` an ARGB colour such as ``FFDDEBF7``.
    ``wrap`` wraps the text (and aligns it to the top); ``top`` only aligns."""

    bold: bool = False
    size: int | None = None
    fill: str | None = None
    num_format: str | None = None
    wrap: bool = False
    top: bool = False
    border: bool = False

    def properties(self) -> dict[str, object]:
        props: dict[str, object] = {}
        if self.bold:
            props["bold"] = True
        if self.size is not None:
            props["font_size"] = self.size
        if self.fill is not None:
            props.update(pattern=1, bg_color="#" + self.fill[-6:])
        if self.num_format is not None:
            props["num_format"] = self.num_format
        if self.wrap:
            props["text_wrap"] = True
        if self.wrap or self.top:
            props["valign"] = "top"
        if self.border:
            props["border"] = 1
        return props


PLAIN = Style()


class Book:
    """A workbook being written to ``path``: one shared format per :class:`Style`."""

    def __init__(self, path: str | Path) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "nan_inf_to_errors": True,
            },
        )
        self._formats: dict[Style, Format | None] = {PLAIN: None}

    def format(self, style: Style) -> Format | None:
        """The shared format of ``style`` (``None``: the default look)."""
        if style not in self._formats:
            self._formats[style] = self.workbook.add_format(style.properties())
        return self._formats[style]

    def sheet(self, name: str) -> Worksheet:
        return self.workbook.add_worksheet(name)


def write_book(path: str | Path, write: Callable[[Book], object]) -> None:
    """Write a workbook to ``path`` by ``write(book)``, atomically
    (:func:`planner.io.outputs.write_atomic`)."""

    def save(tmp: Path) -> None:
        book = Book(tmp)
        write(book)
        book.workbook.close()

    write_atomic(path, save)


def write_value(ws: Worksheet, row: int, col: int, value: object, fmt: Format | None) -> None:
    """Write a value already made a cell value (0-based ``row`` and ``col``);
    ``None`` or ``""`` leaves the cell blank (with ``fmt``, if any)."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def set_widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    """Column widths in characters, stored exactly as openpyxl stores them
    (XlsxWriter's ``set_column`` would add Excel's padding of 5 pixels)."""
    for col, width in widths.items():
        ws.set_column_pixels(col, col, round(width * _PIXELS_PER_CHAR))


def setup_print(
    ws: Worksheet, *, header: str | None = None, footer: str | None = None, title_row: bool = True
) -> None:
    """:func:`planner.io.xlsx.setup_print` for a sheet being written: landscape A4,
    one page wide, the header row on every page (``title_row``), ``header``
    centred at the top (a ``&`` printed as it is), ``footer`` at the foot."""
    ws.set_landscape()
    ws.set_paper(_PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    left, right, top, bottom, head, foot = MARGINS
    ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    ws.set_header(f"&C&10 {header.replace('&', '&&')}" if header else "", {"margin": head})
    ws.set_footer(f"&C&9 {footer}" if footer else "", {"margin": foot})
    if title_row:
        ws.repeat_rows(0)


def _row_styles(look: tuple[Any, ...], valued: list[Style], blank: list[Style]) -> list[Style]:
    """The styles of a row of a table that is not plain: ``look`` is (header?,
    fill, top-aligned?, wrapped columns, which values are None, number formats)."""
    head, fill, top, wrapped, nones, marked = look
    styles = [
        replace(
            PLAIN if head else blank[c] if none else valued[c],
            bold=head,
            fill=fill,
            top=top,
            wrap=c in wrapped,
        )
        for c, none in enumerate(nones)
    ]
    for c, number_format in marked:
        styles[c] = replace(styles[c], num_format=number_format)
    return styles


def write_table(
    book: Book,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    text_columns: frozenset[int] = frozenset(),
    formats: Mapping[int, str] | None = None,
    cell_formats: Mapping[tuple[int, int], str] | None = None,
    fills: Sequence[str | None] | None = None,
) -> Worksheet:
    """A sheet ``name``: the bold filled ``header``, frozen, with a filter; then ``rows``.

    0-based ``text_columns`` hold ids (text, format ``@``); ``formats`` gives a
    column's number format and ``cell_formats`` one cell's (data row, column),
    for cells with a value; ``fills`` a colour per data row. Widths as
    :func:`planner.io.xlsx.fit_columns` sets them: a text too wide wraps.
    """
    ncols = max(1, len(header))
    pad: list[CellValue] = [None] * ncols
    table = [
        [cell_text(v) for v in header],
        *(
            [cell_text(v, c in text_columns) for c, v in enumerate(values)] + pad[len(values) :]
            for values in rows
        ),
    ]
    fit = fit_widths(table)
    formats = formats or {}
    blank = [Style(num_format=TEXT_FORMAT if c in text_columns else None) for c in range(ncols)]
    valued = [
        replace(blank[c], num_format=formats.get(c, blank[c].num_format)) for c in range(ncols)
    ]
    plain = ([book.format(s) for s in valued], [book.format(s) for s in blank])
    marked: dict[int, list[tuple[int, str]]] = {}  # row: (column, number format)
    for (row, col), number_format in (cell_formats or {}).items():
        marked.setdefault(row + 1, []).append((col, number_format))
    wrapped: dict[int, set[int]] = {}
    for row, col in fit.wrapped:
        wrapped.setdefault(row, set()).add(col)
    special = {0, *fit.lines, *marked, *(r + 1 for r, fill in enumerate(fills or ()) if fill)}
    cache: dict[tuple[object, ...], list[Format | None]] = {}
    ws = book.sheet(name)
    for r, values in enumerate(table):
        if r not in special:
            for c, value in enumerate(values):
                write_value(ws, r, c, value, plain[value is None][c])
            continue
        lines = fit.lines.get(r)
        if lines:
            ws.set_row(r, row_height(lines))
        nones = tuple(v is None for v in values)
        look = (
            r == 0,
            HEADER_RGB if r == 0 else fills[r - 1] if fills else None,
            bool(lines),
            frozenset(wrapped.get(r, ())),
            nones,
            tuple((c, f) for c, f in marked.get(r, ()) if not nones[c]),
        )
        if look not in cache:
            cache[look] = [book.format(style) for style in _row_styles(look, valued, blank)]
        for c, value in enumerate(values):
            write_value(ws, r, c, value, cache[look][c])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(0, len(rows)), ncols - 1)
    set_widths(ws, fit.widths)
    return ws
