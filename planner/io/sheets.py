"""A scenario workbook's sheets as tables of cells (no values parsed yet).

:func:`read_tables` opens the workbook read-only, finds the contract's sheets
under their canonical or Chinese names, maps each header row to the
canonical columns and keeps the data rows that are not blank. A
:class:`Row` then parses its cells by the sheet's :data:`~planner.io.schema.FIELDS`,
recording a :class:`~planner.problems.Problem` for each bad cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from planner.i18n import _
from planner.io.cells import blank, expect, norm, parse_id
from planner.io.schema import (
    COLUMN_ALIASES,
    COLUMNS_BY_NAME,
    REQUIRED,
    REQUIRED_COLUMNS,
    REQUIRED_SHEETS,
    SHEET_ALIASES,
    SHEET_COLUMNS,
    SHEETS_BY_NAME,
    Field,
)
from planner.io.template_text import column_label
from planner.io.workbook_file import BROKEN, formula_cells, scan_sheet, sniff
from planner.problems import Problem, ScenarioError

__all__ = ["Row", "Table", "read_tables"]

# What openpyxl gives for a cell holding an Excel error (a broken formula).
_EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


@dataclass
class Table:
    """One sheet as read: header mapping and the non-blank data rows."""

    sheet: str  # canonical name
    title: str  # as in the workbook
    index: dict[str, int]  # canonical column -> position in a row
    labels: dict[str, str]  # canonical column -> header as written
    rows: list[tuple[int, tuple[Any, ...]]]  # Excel row number, values
    missing: set[str] = field(default_factory=set)  # required columns not found

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


class Row:
    """Reads the cells of one row, recording a problem for each bad cell."""

    def __init__(
        self,
        table: Table,
        row: int,
        values: tuple[Any, ...],
        out: list[Problem],
        notes: list[str] | None = None,
    ):
        self.table = table
        self.row = row
        self.values = values
        self.out = out
        self.notes = notes
        self.ok = True

    def raw(self, column: str) -> Any:
        i = self.table.index.get(column)
        if i is None or i >= len(self.values):
            return None
        value = self.values[i]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def fail(self, column: str, value: Any, expected: str) -> None:
        self.ok = False
        self.out.append(
            Problem(self.table.title, self.row, self.table.label(column), value, expected)
        )

    def parse(self, fields_: Sequence[Field]) -> dict[str, Any]:
        """Every field of the row (the dataclass's keyword arguments)."""
        values: dict[str, Any] = {}
        index = self.table.index
        row = self.values
        width = len(row)
        for f in fields_:
            i = index.get(f.column)
            raw = row[i] if i is not None and i < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if f.default is REQUIRED:
                    self.fail(
                        f.column,
                        None,
                        _("{column} is required here: expected {expected}").format(
                            column=self.table.label(f.column), expected=expect(f.expected)
                        ),
                    )
                    values[f.column] = None
                else:
                    values[f.column] = f.default
                continue
            if raw.__class__ is str and raw in _EXCEL_ERRORS:
                self.fail(
                    f.column,
                    raw,
                    _("{column}: an Excel error value; expected {expected}").format(
                        column=self.table.label(f.column), expected=expect(f.expected)
                    ),
                )
                values[f.column] = None
                continue
            try:
                values[f.column] = f.parse(raw)
                if f.parse is parse_id and isinstance(raw, str) and self.notes is not None:
                    self._note_normalized(f.column, raw, values[f.column])
            except (ValueError, TypeError) as exc:
                detail = _("; {reason}").format(reason=exc) if str(exc) else ""
                self.fail(
                    f.column,
                    raw,
                    _("{column}: expected {expected}{detail}").format(
                        column=self.table.label(f.column),
                        expected=expect(f.expected),
                        detail=detail,
                    ),
                )
                values[f.column] = None
        return values

    def _note_normalized(self, column: str, raw: str, value: str) -> None:
        """Note an id read other than as written (full-width, invisible characters)."""
        if value != raw.strip() and self.notes is not None:
            self.notes.append(
                _(
                    "sheet '{sheet}', row {row}, column '{column}': the id {raw!r} holds "
                    "full-width or invisible characters or surrounding blanks; read as {value!r}."
                ).format(
                    sheet=self.table.title,
                    row=self.row,
                    column=self.table.label(column),
                    raw=raw,
                    value=value,
                )
            )

    def readable_id(self, column: str) -> str | None:
        raw = self.raw(column)
        if raw is None:
            return None
        try:
            return parse_id(raw)
        except ValueError:
            return None


def _unreadable(path: Path, exc: BaseException | None) -> ScenarioError:
    reason = sniff(path) if exc is None or not isinstance(exc, FileNotFoundError) else None
    if reason is None:
        reason = _(
            "cannot open it as an .xlsx workbook ({error}); save the scenario as an Excel "
            ".xlsx file"
        ).format(error=f"{type(exc).__name__}: {exc}")
    return ScenarioError([Problem(path.name, None, None, str(path), reason)], source=str(path))


# Problems a values-only read cannot see.
def _merged(ref: str) -> str:
    return _(
        "cell {ref} is merged: only its top-left cell keeps a value, the others read as "
        "blank; unmerge it and give each cell its own value."
    ).format(ref=ref)


def _formula() -> str:
    return _(
        "a formula without a saved result (the file was written by a program and never "
        "saved in Excel) cannot be read as blank; open and save it in Excel, or type the "
        "value."
    )


def _hidden_problems(
    path: Path, ws: Any, table: Table, rows: list[tuple[Any, ...]]
) -> list[Problem]:
    """Merged cells over the header or a contract column, formulas without saved values."""
    scan = scan_sheet(ws)
    out: list[Problem] = []
    positions = {i + 1 for i in table.index.values()}
    for ref, min_col, min_row, max_col, _max_row in scan.merged_boxes():
        if min_row == 1 or any(min_col <= p <= max_col for p in positions):
            out.append(Problem(table.title, min_row, ref, None, _merged(ref)))
    if scan.has_formulas:
        by_position = {i: c for c, i in table.index.items()}
        for number, col, formula in formula_cells(path, ws.title, rows):
            column = by_position.get(col)
            if column is not None or number == 1:
                label = table.label(column) if column else get_column_letter(col + 1)
                out.append(Problem(table.title, number, label, formula, _formula()))
    return out


def read_tables(path: Path, problems: list[Problem]) -> dict[str, Table]:
    """The contract's sheets of the workbook at ``path``, by canonical name.

    Sheets of other names are ignored; a sheet given twice, a missing
    required sheet or column is appended to ``problems``. A file that is not
    a readable workbook raises :class:`ScenarioError`.
    """
    from openpyxl import load_workbook

    if sniff(path) is not None:
        raise _unreadable(path, None)
    tables: dict[str, Table] = {}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except BROKEN as exc:
        raise _unreadable(path, exc) from None
    try:
        for ws in wb.worksheets:
            sheet = SHEETS_BY_NAME.get(norm(ws.title))
            if sheet is None:
                continue  # not a sheet of the contract (notes, about, ...): ignored
            if sheet in tables:
                problems.append(
                    Problem(
                        ws.title,
                        None,
                        None,
                        ws.title,
                        _(
                            "sheets '{first}' and '{second}' both hold {sheet}; keep one of "
                            "them (the first one is read)"
                        ).format(first=tables[sheet].title, second=ws.title, sheet=sheet),
                    )
                )
                continue
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # stated dimensions may be wrong: read every row
            rows = list(ws.iter_rows(values_only=True))
            tables[sheet] = _read_table(sheet, ws.title, rows, problems)
            problems.extend(_hidden_problems(path, ws, tables[sheet], rows))
    except BROKEN as exc:
        raise _unreadable(path, exc) from None
    finally:
        wb.close()
    _missing_sheets(tables, problems)
    return tables


def _missing_sheets(tables: dict[str, Table], problems: list[Problem]) -> None:
    for sheet in SHEET_COLUMNS:
        if sheet in REQUIRED_SHEETS and sheet not in tables:
            columns = ", ".join(SHEET_COLUMNS[sheet])
            problems.append(
                Problem(
                    sheet,
                    None,
                    None,
                    None,
                    _(
                        "the workbook has no sheet '{sheet}'{also}; add it with the header "
                        "row {columns}"
                    ).format(sheet=sheet, also=_also(SHEET_ALIASES[sheet]), columns=columns),
                )
            )


def _read_table(
    sheet: str, title: str, rows: Iterable[tuple[Any, ...]], problems: list[Problem]
) -> Table:
    table = Table(sheet, title, {}, {}, [])
    iterator = iter(rows)
    header = next(iterator, ())
    if sheet not in REQUIRED_SHEETS and all(blank(cell) for cell in header):
        rest = list(iterator)
        if all(blank(v) for values in rest for v in values):
            return table  # an empty optional sheet: as if it were not there
        iterator = iter(rest)
    _read_header(table, header, problems)
    # A row is blank when every column of the contract is blank (an extra
    # column may hold a remark or a total).
    positions = sorted(table.index.values())
    for number, values in enumerate(iterator, start=2):
        width = len(values)
        for i in positions:
            v = values[i] if i < width else None
            if v is not None and not (isinstance(v, str) and not v.strip()):
                table.rows.append((number, values))
                break
    return table


def _read_header(table: Table, header: Iterable[Any], problems: list[Problem]) -> None:
    """Map the header row to canonical columns; note the required ones missing."""
    sheet, title = table.sheet, table.title
    lookup = COLUMNS_BY_NAME[sheet]
    for position, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        column = lookup.get(norm(cell))
        if column is None:
            continue  # extra column: ignored
        if column in table.index:
            problems.append(
                Problem(
                    title,
                    1,
                    str(cell).strip(),
                    str(cell).strip(),
                    _(
                        "columns '{first}' and '{second}' both mean {column}; keep one of them"
                    ).format(first=table.labels[column], second=str(cell).strip(), column=column),
                )
            )
            continue
        table.index[column] = position
        table.labels[column] = str(cell).strip()
    for column in SHEET_COLUMNS[sheet]:
        if column in REQUIRED_COLUMNS[sheet] and column not in table.index:
            table.missing.add(column)
            problems.append(_missing_column(table, column))


def _missing_column(table: Table, column: str) -> Problem:
    """A required column not in the header row, named as the workbook would
    name it: in Chinese where its other headers (or its sheet) are Chinese."""
    names = [column, *COLUMN_ALIASES.get(column, ())]
    shown = [table.title, *table.labels.values()]
    chinese = any(not n.isascii() for n in shown)
    # The header the Chinese template writes for it.
    name = column_label(table.sheet, column, "zh") if chinese else column
    others = [n for n in names if n != name]
    return Problem(
        table.title,
        1,
        name,
        None,
        _("the header row has no column '{column}'{also}; add it").format(
            column=name, also=_also(others)
        ),
    )


def _also(aliases: Iterable[str]) -> str:
    """`` (also accepted: a, b)`` for a message, or nothing without aliases."""
    names = list(aliases)
    return _(" (also accepted: {names})").format(names=", ".join(names)) if names else ""
