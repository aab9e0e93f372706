"""The fill-in scenario workbook (``planner template``).

:func:`write_template` writes every sheet of the scenario contract
(``docs/scenario-format.en.md``) with its header row, empty or filled
from a :class:`~planner.data.Scenario`, so that a planner never has to guess a
sheet name, a column, a code or a format:

* headers: the canonical English names (``lang='en'``) or, with
  ``lang='zh'``, Chinese headers chosen from the aliases the reader accepts
  (:data:`planner.io.schema.COLUMN_ALIASES`; nothing is defined twice;
  the texts: :mod:`planner.io.template_text`);
* a first sheet ``instructions`` (填写说明) explaining each sheet, column and
  code, with an example value for every column;
* drop-down lists on every coded column (role, stage, position, honor,
  yes/no, settings and policy keys) from a hidden sheet ``lists`` through
  named ranges, and on the id references (school ids, group ids, staff ids)
  from the id column of the ``schools``, ``groups`` and ``staff`` sheets;
* date validation on ``birth_date`` (date cells, ``yyyy-mm-dd``), whole-number
  validation on years, counts and capacity, decimal validation on priority
  and amount;
* the text number format ``@`` on id and text columns (``007`` stays
  ``007``; a name typed as ``=x`` stays text).

:func:`planner.io.reader.read_scenario` reads a filled template as it is:
it ignores the ``instructions`` and ``lists`` sheets. The file is written
atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.data import Scenario
from planner.io.cells import HORIZON_MAX, YEAR_MAX, YEAR_MIN
from planner.io.policy_text import (
    POLICY_FORMATS,
    POLICY_HELP,
    policy_default,
    policy_key_label,
    policy_value_label,
)
from planner.io.schema import (
    DOCUMENT_KEYS,
    REQUIRED_COLUMNS,
    REQUIRED_SHEETS,
    SETTINGS_KEYS,
    SHEET_COLUMNS,
)
from planner.io.template_kinds import DATE_FORMAT, KINDS, Kind, column_kind
from planner.io.template_text import (
    CODE_HELP,
    CODE_LISTS,
    EXAMPLES,
    LABELS,
    SETTINGS_EXAMPLES,
    SETTINGS_HELP,
    SHEET_HELP,
    YES_NO,
    code_label,
    column_help,
    column_label,
    data_sheet_name,
    pick,
    settings_key_label,
)
from planner.io.writer import scenario_rows
from planner.io.xlsx import (
    PAGE_FOOTER,
    TEXT_FORMAT,
    fit_columns,
    save_atomic,
    setup_print,
    style_header,
    write_cell,
)
from planner.policy import PARAMETERS

__all__ = [
    "INSTRUCTIONS_SHEET",
    "LANGS",
    "LISTS_SHEET",
    "write_template",
]

LANGS = ("en", "zh")
LISTS_SHEET = "lists"
INSTRUCTIONS_SHEET: dict[str, str] = {"en": "instructions", "zh": "填写说明"}

# Rows of each data sheet that get the validations and formats (at least).
MIN_ROWS = 1000
SPARE_ROWS = 500
MIN_WIDTH = 12.0

# Id columns that the references point at: named range -> (sheet, column).
ID_RANGES: dict[str, tuple[str, str]] = {
    "ids_school": ("schools", "school_id"),
    "ids_group": ("groups", "group_id"),
    "ids_staff": ("staff", "staff_id"),
    "ids_subject": ("staff", "subject"),
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


def _translate(sheet: str, column: str, value: object, lang: str) -> object:
    """A canonical cell (as :func:`scenario_rows` gives it) as written in ``lang``."""
    if value is None:
        return None
    kind = KINDS[column_kind(sheet, column)]
    if kind.list_name == "list_yes_no":
        yes, no = YES_NO[lang]
        return yes if value in ("yes", True) else no
    if kind.enum is not None:
        return code_label(kind.enum, str(value), lang)
    if kind.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if sheet == "settings" and column == "key" and value in (*SETTINGS_KEYS, *DOCUMENT_KEYS):
        return settings_key_label(str(value), lang)
    if sheet == "policy" and column == "key" and value in PARAMETERS:
        return policy_key_label(str(value), lang)
    return value


def _translate_row(sheet: str, values: Sequence[object], lang: str) -> list[object]:
    """A canonical row as written in ``lang`` (a policy value by its key)."""
    columns = SHEET_COLUMNS[sheet]
    out = [_translate(sheet, c, v, lang) for c, v in zip(columns, values, strict=True)]
    if sheet == "policy" and values[0] in PARAMETERS:
        out[1] = policy_value_label(str(values[0]), values[1], lang)
    return out


def _put(ws: Worksheet, row: int, col: int, value: object, kind: Kind) -> None:
    """One data cell: a date cell, a text cell (ids, text) or a number."""
    if kind.date and isinstance(value, dt.date):
        cell = ws.cell(row=row, column=col)
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    write_cell(ws, row, col, value, text=kind.number_format == TEXT_FORMAT)


# ---------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------


def _lists_sheet(wb: Workbook, lang: str) -> dict[str, int]:
    """The hidden ``lists`` sheet and a named range per list; name -> rows used."""
    ws = wb.create_sheet(LISTS_SHEET)
    lists: dict[str, list[str]] = {
        name: [code_label(enum, code, lang) for code in codes]
        for name, (enum, codes) in CODE_LISTS.items()
    }
    lists["list_yes_no"] = list(YES_NO[lang])
    lists["list_settings_key"] = [
        settings_key_label(k, lang) for k in (*SETTINGS_KEYS, *DOCUMENT_KEYS)
    ]
    lists["list_policy_key"] = [policy_key_label(k, lang) for k in PARAMETERS]
    sizes: dict[str, int] = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        write_cell(ws, 1, col, name)
        for row, value in enumerate(values, start=2):
            write_cell(ws, row, col, value, text=True)
        letter = get_column_letter(col)
        ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        sizes[name] = len(values)
    fit_columns(ws)
    ws.sheet_state = "hidden"
    return sizes


def _validation(kind: Kind, lang: str, prompt: str) -> DataValidation | None:
    title = pick(LABELS["number_error_title"], lang)
    fmt = pick(kind.fmt, lang)
    common: dict[str, object] = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "prompt": prompt[:255],  # Excel's limit
    }
    dv: DataValidation | None = None
    if kind.list_name is not None:
        ref = kind.list_name.startswith("ids_")
        dv = DataValidation(
            type="list",
            formula1=f"={kind.list_name}",
            errorStyle="warning" if ref else "stop",
            errorTitle=pick(LABELS["list_error_title"], lang),
            error=pick(LABELS["ref_error" if ref else "list_error"], lang),
            **common,
        )
    elif kind.whole is not None:
        lo, hi = kind.whole
        bounds = {"operator": "greaterThanOrEqual", "formula1": str(lo)}
        if hi is not None:
            bounds = {"operator": "between", "formula1": str(lo), "formula2": str(hi)}
        dv = DataValidation(type="whole", errorTitle=title, error=fmt, **bounds, **common)
    elif kind.decimal_min is not None:
        low, strict = kind.decimal_min
        dv = DataValidation(
            type="decimal",
            operator="greaterThan" if strict else "greaterThanOrEqual",
            formula1=str(low),
            errorTitle=title,
            error=fmt,
            **common,
        )
    elif kind.date:
        dv = DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(dt.date(1900, 1, 1)))),
            formula2=str(int(to_excel(dt.date(YEAR_MAX, 12, 31)))),
            errorTitle=title,
            error=fmt,
            **common,
        )
    return dv


def _data_sheet(
    wb: Workbook, sheet: str, lang: str, rows: Sequence[Sequence[object]], last_row: int
) -> Worksheet:
    ws = wb.create_sheet(data_sheet_name(sheet, lang))
    columns = SHEET_COLUMNS[sheet]
    kinds = [KINDS[column_kind(sheet, c)] for c in columns]
    for col, column in enumerate(columns, start=1):
        write_cell(ws, 1, col, column_label(sheet, column, lang))
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(_translate_row(sheet, values, lang), start=1):
            _put(ws, r, c, value, kinds[c - 1])
    style_header(ws, len(columns))
    fit_columns(ws)
    for col, (column, kind) in enumerate(zip(columns, kinds, strict=True), start=1):
        letter = get_column_letter(col)
        dim = ws.column_dimensions[letter]
        dim.width = max(dim.width or 0.0, MIN_WIDTH)
        if kind.number_format is not None:
            dim.number_format = kind.number_format
        prompt = f"{column_help(sheet, column, lang)}: {pick(kind.fmt, lang)}"
        dv = _validation(kind, lang, prompt)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)
    if sheet == "settings":
        _settings_validations(ws, lang, rows)
    return ws


def _settings_validations(ws: Worksheet, lang: str, rows: Sequence[Sequence[object]]) -> None:
    """first_year and horizon values: whole numbers, on their own rows."""
    title = pick(LABELS["number_error_title"], lang)
    for r, values in enumerate(rows, start=2):
        key = values[0]
        if key == "first_year":
            dv = DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN),
                                formula2=str(YEAR_MAX), allow_blank=True, showErrorMessage=True,
                                errorTitle=title, error=pick(KINDS["year"].fmt, lang))  # fmt: skip
        elif key == "horizon":
            dv = DataValidation(type="whole", operator="between", formula1="1",
                                formula2=str(HORIZON_MAX), allow_blank=True,
                                showErrorMessage=True, errorTitle=title,
                                error=pick(SETTINGS_HELP["horizon"], lang))  # fmt: skip
        else:
            continue
        dv.add(f"B{r}")
        ws.add_data_validation(dv)


def _instructions(wb: Workbook, lang: str) -> Worksheet:
    """The first sheet: every sheet, column and code explained, with examples."""
    ws = wb.create_sheet(INSTRUCTIONS_SHEET[lang])
    heads = ["sheet", "column", "required", "meaning", "format", "example"]
    for col, key in enumerate(heads, start=1):
        write_cell(ws, 1, col, pick(LABELS[key], lang))
    row = 2
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in SHEET_COLUMNS:
        row = _sheet_instructions(ws, row, sheet, lang)
    row = _code_instructions(ws, row + 1, lang)
    style_header(ws, len(heads))
    fit_columns(ws, max_width=50.0)
    for col in (4, 5):
        for r in range(2, row):
            ws.cell(r, col).alignment = wrap
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    ws.insert_rows(1, 2)
    # insert_rows moves the cells, not the row heights that fit_columns set
    for r in heights:
        ws.row_dimensions[r].height = None
    for r, height in heights.items():
        ws.row_dimensions[r + 2].height = height
    write_cell(ws, 1, 1, pick(LABELS["title"], lang))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    write_cell(ws, 2, 1, pick(LABELS["intro"], lang))
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = None
    ws.print_title_rows = "3:3"
    return ws


def _sheet_instructions(ws: Worksheet, row: int, sheet: str, lang: str) -> int:
    """The rows explaining ``sheet`` from ``row`` on; returns the next free row."""
    yes, no = pick(LABELS["yes"], lang), pick(LABELS["no"], lang)
    name = data_sheet_name(sheet, lang)
    optional = ""
    if sheet not in REQUIRED_SHEETS:
        word = pick(LABELS["optional_sheet"], lang)
        optional = f"（{word}）" if lang == "zh" else f" ({word})"
    write_cell(ws, row, 1, f"{name}{optional}")
    write_cell(ws, row, 4, pick(SHEET_HELP[sheet], lang))
    for col in range(1, 7):
        ws.cell(row, col).font = Font(bold=True)
    row += 1
    example = EXAMPLES[sheet]
    if sheet == "settings":
        for key in SETTINGS_KEYS:
            write_cell(ws, row, 1, name)
            write_cell(ws, row, 2, settings_key_label(key, lang))
            write_cell(ws, row, 3, yes)
            write_cell(ws, row, 4, pick(SETTINGS_HELP[key], lang))
            key_kind = {"name": "text", "first_year": "year"}.get(key)
            write_cell(ws, row, 5, pick(KINDS[key_kind].fmt, lang) if key_kind else "")
            write_cell(ws, row, 6, example[key])
            row += 1
        for key in DOCUMENT_KEYS:
            write_cell(ws, row, 1, name)
            write_cell(ws, row, 2, settings_key_label(key, lang))
            write_cell(ws, row, 3, no)
            write_cell(ws, row, 4, pick(SETTINGS_HELP[key], lang))
            key_kind = "date" if key.endswith("_date") else "text"
            write_cell(ws, row, 5, pick(KINDS[key_kind].fmt, lang))
            write_cell(ws, row, 6, SETTINGS_EXAMPLES[key], text=True)
            row += 1
        return row
    for column in SHEET_COLUMNS[sheet]:
        kind = KINDS[column_kind(sheet, column)]
        write_cell(ws, row, 1, name)
        write_cell(ws, row, 2, column_label(sheet, column, lang))
        write_cell(ws, row, 3, yes if column in REQUIRED_COLUMNS[sheet] else no)
        write_cell(ws, row, 4, column_help(sheet, column, lang))
        fmt = pick(kind.fmt, lang)
        if kind.enum is not None and kind.list_name is not None:
            _, codes = CODE_LISTS[kind.list_name]
            fmt += ": " + ", ".join(code_label(kind.enum, c, lang) for c in codes)
        elif kind.list_name == "list_yes_no":
            fmt += ": " + ", ".join(YES_NO[lang])
        write_cell(ws, row, 5, fmt)
        value = _translate(sheet, column, example.get(column), lang)
        if isinstance(value, dt.date):
            value = value.isoformat()
        write_cell(ws, row, 6, value, text=True)
        row += 1
    if sheet == "policy":
        row = _policy_instructions(ws, row, name, lang)
    return row


def _policy_instructions(ws: Worksheet, row: int, name: str, lang: str) -> int:
    """One row per policy key: its name, meaning and source clause, values, default."""
    no = pick(LABELS["no"], lang)
    for key, (parse_expected, meaning) in _policy_rows(lang):
        write_cell(ws, row, 1, name)
        label = policy_key_label(key, lang)
        write_cell(ws, row, 2, f"{label}（{key}）" if lang == "zh" else key)
        write_cell(ws, row, 3, no)
        write_cell(ws, row, 4, meaning)
        write_cell(ws, row, 5, parse_expected)
        write_cell(ws, row, 6, policy_default(key, lang), text=True)
        row += 1
    return row


def _policy_rows(lang: str) -> list[tuple[str, tuple[str, str]]]:
    """(key, (values and default, meaning with its source clause)) of every policy key."""
    out = []
    for key, (expected_en, expected_zh) in POLICY_FORMATS.items():
        en, zh, clause = POLICY_HELP[key]
        default = policy_default(key, lang)
        if lang == "zh":
            out.append((key, (f"{expected_zh}；默认：{default}", f"{zh}。依据：{clause}")))
        else:
            out.append((key, (f"{expected_en}; default: {default}", f"{en}. Source: {clause}")))
    return out


def _code_instructions(ws: Worksheet, row: int, lang: str) -> int:
    """The codes' table from ``row`` on; returns the next free row."""
    write_cell(ws, row, 1, pick(LABELS["codes"], lang))
    ws.cell(row, 1).font = Font(bold=True)
    row += 1
    for enum, meanings in CODE_HELP.items():
        for code, pair in meanings.items():
            write_cell(ws, row, 1, enum.__name__.lower())
            write_cell(ws, row, 2, code_label(enum, code, lang))
            write_cell(ws, row, 4, pick(pair, lang))
            write_cell(ws, row, 5, code if lang == "zh" else "")
            row += 1
    return row


# ---------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------


def _template_rows(scenario: Scenario | None) -> dict[str, list[tuple[object, ...]]]:
    """Canonical rows of each sheet: the scenario's, or the empty template's."""
    if scenario is not None:
        rows = scenario_rows(scenario)
        # birth dates as dates (scenario_rows gives ISO text)
        staff_columns = SHEET_COLUMNS["staff"]
        i = staff_columns.index("birth_date")
        rows["staff"] = [
            (*r[:i], dt.date.fromisoformat(str(r[i])), *r[i + 1 :]) for r in rows["staff"]
        ]
        return rows
    empty: dict[str, list[tuple[object, ...]]] = {sheet: [] for sheet in SHEET_COLUMNS}
    empty["settings"] = [(key, None) for key in SETTINGS_KEYS]
    return empty


def write_template(path: str | Path, lang: str = "zh", scenario: Scenario | None = None) -> None:
    """Write the scenario template to ``path``: empty, or filled from ``scenario``.

    ``lang='zh'`` (default) writes Chinese sheet names, headers, codes and
    instructions (all accepted by :func:`planner.io.reader.read_scenario`);
    ``lang='en'`` the contract's canonical names. Reading a template filled
    from ``scenario`` gives back an equal scenario. Written atomically.
    """
    _check_lang(lang)
    rows = _template_rows(scenario)
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    _instructions(wb, lang)
    header = scenario.name if scenario is not None and scenario.name else None
    header = header or pick(LABELS["template_header"], lang)
    last_rows: dict[str, int] = {}
    for sheet in SHEET_COLUMNS:
        last_rows[sheet] = max(MIN_ROWS, len(rows[sheet]) + 1 + SPARE_ROWS)
    for sheet in SHEET_COLUMNS:
        _data_sheet(wb, sheet, lang, rows[sheet], last_rows[sheet])
    for name, (sheet, column) in ID_RANGES.items():
        letter = get_column_letter(SHEET_COLUMNS[sheet].index(column) + 1)
        title = quote_sheetname(data_sheet_name(sheet, lang))
        ref = f"{title}!${letter}$2:${letter}${last_rows[sheet]}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    _lists_sheet(wb, lang)
    footer = PAGE_FOOTER[lang]
    for ws in wb.worksheets:
        if ws.title != LISTS_SHEET:
            title_rows = ws.print_title_rows or "1:1"
            setup_print(ws, header=header, footer=footer, title_rows=title_rows)
    wb.active = 0
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(wb, target)
