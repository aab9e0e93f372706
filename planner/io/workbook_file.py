"""What a workbook file is, and what openpyxl's read-only values do not show.

* :func:`sniff` tells an old ``.xls`` file and a password-protected
  (encrypted) workbook, both OLE files, from an ``.xlsx`` (a zip file), so
  that the message says which it is.
* :data:`BROKEN` is what openpyxl raises on a damaged file (bad zip, bad
  XML, a shared-string index out of range, ...): the readers turn it into a
  problem naming the file, never a traceback.
* :func:`scan_sheet` reads a worksheet's XML once for its merged cells and
  whether it holds formulas; :func:`formula_cells` (only for a sheet that
  does) finds the formula cells whose value Excel did not save, which a
  values-only read gives as blank.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from planner.i18n import _

__all__ = ["BROKEN", "SheetScan", "formula_cells", "scan_sheet", "sniff"]

# What reading a missing, foreign or damaged file raises (SyntaxError: bad XML).
BROKEN: tuple[type[BaseException], ...] = (
    OSError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    InvalidFileException,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
    RecursionError,
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML workbook is an OLE file with these streams (UTF-16 names).
_ENCRYPTED_MARKS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

# Why a file is not an .xlsx workbook (catalog messages, translated when said).
_FORMAT_MESSAGES: dict[str, Callable[[], str]] = {
    "encrypted": lambda: _(
        "this workbook has a password (it is encrypted): remove the password in Excel, "
        "save it as .xlsx and read it again."
    ),
    "xls": lambda: _(
        "this is an old .xls file: save it as .xlsx (Excel workbook) in Excel and read it again."
    ),
    "not_zip": lambda: _(
        "this is not an .xlsx workbook (the file does not start as an .xlsx does): save it "
        "as .xlsx in Excel."
    ),
    "empty": lambda: _("the file is empty: save it as .xlsx in Excel."),
}


def sniff(path: Path) -> str | None:
    """Why ``path`` is not an .xlsx file (a sentence), or None if it may be one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head[:8] == _OLE_MAGIC:
                body = handle.read(4_000_000)
                kind = "encrypted" if any(m in body for m in _ENCRYPTED_MARKS) else "xls"
                return _FORMAT_MESSAGES[kind]()
    except OSError:
        return None  # the reader reports it
    if not head:
        return _FORMAT_MESSAGES["empty"]()
    if head[:4] != _ZIP_MAGIC:
        return _FORMAT_MESSAGES["not_zip"]()
    return None


@dataclass
class SheetScan:
    """What the XML of one worksheet says beyond its values."""

    merged: list[str] = field(default_factory=list)  # ranges such as "A1:B1"
    has_formulas: bool = False

    def merged_boxes(self) -> Iterator[tuple[str, int, int, int, int]]:
        """Each merged range with its (min col, min row, max col, max row), 1-based."""
        for ref in self.merged:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except (ValueError, TypeError):
                continue
            if None not in (min_col, min_row, max_col, max_row):
                yield ref, min_col, min_row, max_col, max_row


_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})\""
)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def scan_sheet(ws: Any) -> SheetScan:
    """Merged ranges and formulas of a read-only worksheet, from its XML."""
    get_source = getattr(ws, "_get_source", None)
    if get_source is None:
        return SheetScan()
    with get_source() as source:
        data = source.read()
    merged = [m.decode("ascii") for m in _MERGE.findall(data)]
    return SheetScan(merged, _FORMULA.search(data) is not None)


def formula_cells(
    path: Path, title: str, values: list[tuple[Any, ...]]
) -> Iterator[tuple[int, int, str]]:
    """(Excel row, 0-based column, formula) of each formula cell of sheet ``title``
    whose saved value is missing (``values``: the values-only rows of the sheet)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[title]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        for number, formulas in enumerate(ws.iter_rows(values_only=True), start=1):
            saved = values[number - 1] if number <= len(values) else ()
            for col, formula in enumerate(formulas):
                formula = getattr(formula, "text", formula)  # an array formula
                missing = col >= len(saved) or saved[col] is None
                if isinstance(formula, str) and formula.startswith("=") and missing:
                    yield number, col, formula
    finally:
        wb.close()
