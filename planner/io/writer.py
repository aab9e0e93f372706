"""Write a scenario as a workbook of the contract (``scenario-format.md``).

:func:`write_scenario` writes exactly the contract's sheets with their
canonical column names and codes, so that
:func:`~planner.io.reader.read_scenario` of the file gives the same
scenario; :func:`scenario_rows` gives those cells (the template fills its
sheets from them too).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import fields
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from planner.data import DocumentSettings, Scenario
from planner.enums import Role
from planner.io.outputs import write_atomic
from planner.io.schema import DOCUMENT_KEYS, SHEET_COLUMNS
from planner.policy import Policy

if TYPE_CHECKING:
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["scenario_rows", "write_scenario"]

# Whole numbers below this are exact as floats.
_EXACT_FLOAT_LIMIT = 2**53
_TEXT_FORMAT = "@"
# Columns written as text cells (ids, dates, year lists).
_TEXT_COLUMNS = frozenset(
    {
        "group_id",
        "school_id",
        "staff_id",
        "preferred_school",
        "birth_date",
        "unavailable",
        "key",
        "from_school",
        "to_school",
    }
)


def _number_cell(value: Decimal) -> int | float | str:
    """A Decimal as a number cell if that is exact, else as text."""
    if value == value.to_integral_value() and abs(value) < _EXACT_FLOAT_LIMIT:
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return _number_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return ",".join(str(y) for y in sorted(value)) or None
    return value


def _policy_cell(value: object) -> object:
    if isinstance(value, frozenset):
        return ",".join(r.value for r in Role if r in value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return _cell(value)


def _policy_rows(policy: Policy) -> list[tuple[object, ...]]:
    default = Policy()
    return [
        (f.name, _policy_cell(getattr(policy, f.name)))
        for f in fields(Policy)
        if getattr(policy, f.name) != getattr(default, f.name)
    ]


def _document_rows(documents: DocumentSettings) -> list[tuple[object, ...]]:
    """The document settings that are set, as settings rows (dates as ISO text)."""
    return [
        (key, _cell(getattr(documents, key)))
        for key in DOCUMENT_KEYS
        if getattr(documents, key) is not None
    ]


def scenario_rows(scenario: Scenario) -> dict[str, list[tuple[object, ...]]]:
    """The cells of every sheet of ``scenario`` (canonical column order and codes)."""

    def attrs(items: Iterable[object], columns: Sequence[str]) -> list[tuple[object, ...]]:
        return [tuple(_cell(getattr(item, c)) for c in columns) for item in items]

    return {
        "settings": [
            ("name", scenario.name),
            ("first_year", scenario.first_year),
            ("horizon", scenario.horizon),
            *_document_rows(scenario.documents),
        ],
        "policy": _policy_rows(scenario.policy),
        "groups": attrs(scenario.groups, SHEET_COLUMNS["groups"]),
        "schools": attrs(scenario.schools, SHEET_COLUMNS["schools"]),
        "staff": attrs(scenario.staff, SHEET_COLUMNS["staff"]),
        "needs": attrs(scenario.needs, SHEET_COLUMNS["needs"]),
        "core_keep": attrs(scenario.core_keep, SHEET_COLUMNS["core_keep"]),
        "commitments": attrs(scenario.commitments, SHEET_COLUMNS["commitments"]),
        "budget": attrs(scenario.budget, SHEET_COLUMNS["budget"]),
        "history": attrs(scenario.history, SHEET_COLUMNS["history"]),
        "mutual": attrs(scenario.mutual, SHEET_COLUMNS["mutual"]),
        "bans": attrs(scenario.bans, SHEET_COLUMNS["bans"]),
    }


def _display_width(value: object) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    widths = [_display_width(h) for h in header]
    for row in rows[:500]:  # enough to size the columns
        for i, value in enumerate(row):
            if value is not None:
                widths[i] = max(widths[i], _display_width(value))
    return [min(60.0, max(8.0, w + 2.0)) for w in widths]


def write_scenario(
    scenario: Scenario, path: str | Path, notes: Sequence[str] | None = None
) -> None:
    """Write ``scenario`` as a workbook of the contract (canonical names).

    ``read_scenario`` of the file gives back an equal scenario. The
    ``policy`` sheet holds only the values that differ from the Taishan
    defaults. ``notes`` (e.g. "synthetic example data") go to a first sheet
    ``about``. The file is written atomically (a temporary file in the same
    directory, then renamed over ``path``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = Path(path)
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    bold = Font(bold=True)
    if notes is not None:
        about = wb.create_sheet("about")
        for line in notes:
            about.append([line])
        about.column_dimensions["A"].width = min(
            120.0, max([20.0, *(_display_width(n) + 2.0 for n in notes)])
        )
    for sheet, rows in scenario_rows(scenario).items():
        _write_sheet(wb.create_sheet(sheet), SHEET_COLUMNS[sheet], rows, bold)

    def save(tmp: Path) -> None:
        wb.save(tmp)
        _share_strings(tmp)

    write_atomic(target, save)


def _write_sheet(
    ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[object]], bold: Font
) -> None:
    """One sheet: bold frozen header, sized columns, ids and dates as text cells."""
    from openpyxl.utils import get_column_letter

    ws.append(list(header))
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    for i, width in enumerate(_widths(header, rows), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    text_columns = [i + 1 for i, name in enumerate(header) if name in _TEXT_COLUMNS]
    for row_number, row in enumerate(rows, start=2):
        ws.append(row)
        for column in text_columns:
            cell = ws.cell(row_number, column)
            if cell.value is not None:
                cell.value = str(cell.value)
                cell.number_format = _TEXT_FORMAT
        for column, value in enumerate(row, start=1):
            if isinstance(value, str) and value.startswith("="):
                ws.cell(row_number, column).data_type = "s"  # text, not a formula


# openpyxl writes every text cell as an inline string, which openpyxl itself
# reads back several times slower than the shared strings Excel writes. So the
# writer turns them into shared strings, as Excel would save the same file.
_INLINE_CELL = re.compile(
    r'<c ((?:[a-z]+="[^"]*" )*)t="inlineStr"((?: [a-z]+="[^"]*")*)>'
    r"<is>(<t(?: [^>]*)?>[^<]*</t>|<t(?: [^>]*)?/>)</is></c>"
)
_WORKSHEET_PART = re.compile(r"xl/worksheets/sheet\d+\.xml")
_SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)
_SHARED_STRINGS_REL = (
    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSharedStrings" />'
)


def _share_strings(path: Path) -> None:
    """Rewrite the inline-string cells of an openpyxl-written file as shared strings.

    Leaves the file as it is if it does not look as expected (already has
    shared strings, or an unexpected layout).
    """
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "xl/sharedStrings.xml" in names:
            return
        parts = {name: archive.read(name) for name in names}
    content_types = parts["[Content_Types].xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    if "</Types>" not in content_types or "</Relationships>" not in rels:
        return
    strings: dict[str, int] = {}
    total = 0

    def shared(match: re.Match[str]) -> str:
        nonlocal total
        total += 1
        index = strings.setdefault(match.group(3), len(strings))
        return f'<c {match.group(1)}t="s"{match.group(2)}><v>{index}</v></c>'

    for name in names:
        if _WORKSHEET_PART.fullmatch(name):
            parts[name] = _INLINE_CELL.sub(shared, parts[name].decode("utf-8")).encode("utf-8")
    table = "".join(f"<si>{t}</si>" for t in strings)
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{total}" uniqueCount="{len(strings)}">{table}</sst>'
    ).encode()
    parts["[Content_Types].xml"] = content_types.replace(
        "</Types>", _SHARED_STRINGS_TYPE + "</Types>"
    ).encode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", _SHARED_STRINGS_REL + "</Relationships>"
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["[Content_Types].xml", *(n for n in names if n != "[Content_Types].xml")]:
            archive.writestr(name, parts[name])
        archive.writestr("xl/sharedStrings.xml", parts["xl/sharedStrings.xml"])
