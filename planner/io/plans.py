"""Plan input and output: the contract's JSON form and the roster workbook.

* :func:`plan_to_json` makes the JSON document of ``scenario-format.md``:
  ``{"status": ..., "exchanges": [{"staff_id", "school_id", "start_year",
  "end_year"}, ...], "objective": {...}}``, extra keys (``shortfalls``,
  ``conflicts``) merged at the top level; :func:`write_json` writes it
  atomically.
* :func:`read_plan` reads a plan back from either form: a JSON document (only
  ``exchanges`` is required) or a roster workbook whose sheet ``roster``
  (``交流名单``) has the columns ``staff_id``, ``school_id``, ``start_year``,
  ``end_year`` (``工号``, ``接收学校编号`` or ``学校编号``, ``开始学年``,
  ``结束学年``) in header row 1; other sheets and columns are ignored.
* :func:`read_kept` reads the rows of a roster workbook marked locked
  (column ``locked``, ``已定交流``: 是/否) for ``planner solve --keep``.

Ids stay text (``007`` stays ``007``; a number cell 7 is ``7``). Every
problem found raises one :class:`~planner.problems.ScenarioError` naming the
file, the sheet (or JSON path), the row, the column, the value found and
the form expected. The input file is only ever read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from planner.data import Exchange, Plan
from planner.i18n import N_, _
from planner.io.cells import EXPECT_ID, blank, expect, norm, parse_bool, parse_id, parse_whole
from planner.io.outputs import write_atomic
from planner.io.workbook_file import BROKEN, sniff
from planner.problems import Problem, ScenarioError

__all__ = [
    "PLAN_COLUMNS",
    "ROSTER_SHEETS",
    "KeptRow",
    "exchange_document",
    "json_value",
    "plan_from_document",
    "plan_to_json",
    "read_kept",
    "read_plan",
    "write_json",
]

PLAN_COLUMNS: tuple[str, ...] = ("staff_id", "school_id", "start_year", "end_year")
# Header names accepted per column, best first (the canonical name, then aliases).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "staff_id": ("staff_id", "工号"),
    "school_id": ("school_id", "接收学校编号", "学校编号"),
    "start_year": ("start_year", "开始学年"),
    "end_year": ("end_year", "结束学年"),
    # The roster's yes/no column marking commitments; ``--keep`` keeps the rows
    # marked yes (是) as commitments.
    "locked": ("locked", "已定交流", "锁定"),
}
# Optional roster columns: an exchange that ended early, and why.
EARLY_ALIASES: dict[str, tuple[str, ...]] = {
    "ended_early": ("ended_early", "提前结束"),
    "reason": ("reason", "原因"),
}
ROSTER_SHEETS: tuple[str, ...] = ("roster", "交流名单")

# A plan's years are only read here; the scenario's horizon bounds them.
PLAN_YEAR_MIN, PLAN_YEAR_MAX = 1000, 9999
# What a cell or a JSON value holds (catalog messages, translated where said).
EXPECT_BOOL = N_("yes or no (是/否, true/false, 1/0)")
EXPECT_YEAR = N_("a four-digit school year as a whole number (e.g. 2022)")


def expect_json() -> str:
    """What a plan file holds, in the current language."""
    return _("a plan in the contract form {form}").format(
        form='{"status": ..., "exchanges": [{"staff_id", "school_id", "start_year", '
        '"end_year"}, ...], "objective": {...}}'
    )


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def json_value(value: object) -> object:
    """``value`` with Decimals as int (integral) or float, enums as their value,
    dates as ISO text, tuples and sets as lists, recursively."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return [json_value(v) for v in sorted(value, key=str)]
    return str(value)


def plan_to_json(
    result_status: str,
    plan: Plan,
    objective: Mapping[str, object],
    extra: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """The contract's JSON document of ``plan``.

    ``objective`` values (Decimals) become int when integral, else float;
    ``extra`` keys are added at the top level and may not replace
    ``status``, ``exchanges`` or ``objective``.
    """
    doc: dict[str, Any] = {
        "status": str(json_value(result_status)),
        "exchanges": [exchange_document(ex) for ex in plan.exchanges],
        "objective": {str(k): json_value(v) for k, v in objective.items()},
    }
    if extra:
        clash = sorted(set(extra) & set(doc))
        if clash:
            raise ValueError(
                _("extra keys would replace the contract's keys: {keys}").format(
                    keys=", ".join(clash)
                )
            )
        for key, value in extra.items():
            doc[str(key)] = json_value(value)
    return doc


def exchange_document(ex: Exchange) -> dict[str, Any]:
    """One exchange of the JSON form; ``ended_early`` and ``reason`` only for
    an exchange that ended early."""
    doc: dict[str, Any] = {
        "staff_id": ex.staff_id,
        "school_id": ex.school_id,
        "start_year": ex.start_year,
        "end_year": ex.end_year,
    }
    if ex.ended_early:
        doc["ended_early"] = True
        doc["reason"] = ex.reason
    return doc


def write_json(doc: Mapping[str, object], path: str | Path) -> None:
    """Write ``doc`` as UTF-8 JSON (indent 2, Chinese kept as is) to ``path``.

    Written by :func:`planner.io.outputs.write_atomic`: a failed write leaves
    any earlier file untouched; the umask's permissions; a link's target written.
    """
    target = Path(path)
    text = json.dumps(json_value(doc), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    write_atomic(target, lambda tmp: tmp.write_bytes(text.encode("utf-8")))


# ---------------------------------------------------------------------------
# Reading: the year parser of a plan (raises ValueError)
# ---------------------------------------------------------------------------

_YEAR_TEXT = re.compile(r"([+-]?\d+)\s*(?:学年|年)?")


def _parse_year(raw: object) -> int:
    """A year ``PLAN_YEAR_MIN..PLAN_YEAR_MAX``: a whole number, or text such as 2022年."""
    if isinstance(raw, str):
        match = _YEAR_TEXT.fullmatch(unicodedata.normalize("NFKC", raw).strip())
        if match is None:
            raise ValueError
        raw = match.group(1)
    value = parse_whole(raw)
    if not PLAN_YEAR_MIN <= value <= PLAN_YEAR_MAX:
        raise ValueError
    return value


_PARSERS = {
    "staff_id": (parse_id, EXPECT_ID),
    "school_id": (parse_id, EXPECT_ID),
    "start_year": (_parse_year, EXPECT_YEAR),
    "end_year": (_parse_year, EXPECT_YEAR),
}


def _exchange(
    values: Mapping[str, object],
    sheet: str,
    row: int | None,
    column_name: Mapping[str, str],
    problems: list[Problem],
) -> Exchange | None:
    """One exchange from raw ``values`` by column; problems appended, None if any."""
    parsed: dict[str, Any] = {}
    for column in PLAN_COLUMNS:
        parser, expected = _PARSERS[column]
        raw = values.get(column)
        if blank(raw):
            problems.append(
                Problem(
                    sheet,
                    row,
                    column_name[column],
                    raw,
                    _("required: {expected}").format(expected=expect(expected)),
                )
            )
            continue
        try:
            parsed[column] = parser(raw)
        except ValueError:
            problems.append(
                Problem(
                    sheet,
                    row,
                    column_name[column],
                    raw,
                    _("expected {expected}").format(expected=expect(expected)),
                )
            )
    if len(parsed) < len(PLAN_COLUMNS):
        return None
    return Exchange(**parsed)


# ---------------------------------------------------------------------------
# Reading: JSON
# ---------------------------------------------------------------------------


def plan_from_document(doc: object, source: str = "plan") -> Plan:
    """A plan from a parsed JSON document in the contract form.

    Only ``exchanges`` is required; ``status`` and ``objective`` are not read.
    Problems name ``source`` and the JSON path (``exchanges[2].start_year``).
    """
    if not isinstance(doc, dict) or "exchanges" not in doc:
        shown = type(doc).__name__ if not isinstance(doc, dict) else f"keys {sorted(doc)}"
        raise ScenarioError([Problem(source, None, "exchanges", shown, expect_json())], source)
    items = doc["exchanges"]
    if not isinstance(items, list):
        raise ScenarioError(
            [Problem(source, None, "exchanges", type(items).__name__, _("a list of exchanges"))],
            source,
        )
    problems: list[Problem] = []
    exchanges: list[Exchange] = []
    for i, item in enumerate(items):
        where = f"exchanges[{i}]"
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    source,
                    None,
                    where,
                    type(item).__name__,
                    _("an object {keys}").format(
                        keys='{"staff_id", "school_id", "start_year", "end_year"}'
                    ),
                )
            )
            continue
        names = {column: f"{where}.{column}" for column in PLAN_COLUMNS}
        ex = _exchange(item, source, None, names, problems)
        early = _ended_early(item, source, where, problems)
        if ex is not None and early is not None:
            exchanges.append(early(ex))
    if problems:
        raise ScenarioError(problems, source)
    return Plan.of(exchanges)


def _ended_early(
    item: Mapping[str, Any], source: str, where: str, problems: list[Problem]
) -> Callable[[Exchange], Exchange] | None:
    """How to mark the exchange of ``item`` ended early (``ended_early``,
    ``reason``), or None after appending a problem."""
    flag = item.get("ended_early", False)
    reason = item.get("reason", "")
    if not isinstance(flag, bool):
        problems.append(
            Problem(source, None, f"{where}.ended_early", flag, _("true or false (or absent)"))
        )
        return None
    if not isinstance(reason, str) or (reason and not flag):
        expected = (
            _("text (the reason the exchange ended early)")
            if flag
            else _('absent: a reason goes only with "ended_early": true')
        )
        problems.append(Problem(source, None, f"{where}.reason", reason, expected))
        return None
    return lambda ex: replace(ex, ended_early=flag, reason=reason.strip()) if flag else ex


def _read_json(path: Path) -> Plan:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [
                Problem(
                    source,
                    None,
                    None,
                    "",
                    _("not UTF-8 text ({reason}); {expected}").format(
                        reason=exc.reason, expected=expect_json()
                    ),
                )
            ],
            source,
        ) from exc
    try:
        doc = json.loads(text)
    except RecursionError:
        too_deep = _(
            "the JSON is nested too deep to be a plan file; a plan file has one list, exchanges."
        )
        raise ScenarioError([Problem(source, None, None, "", too_deep)], source) from None
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):  # e.g. a number of 5,000 digits
            bad = _(
                "the JSON holds a number that cannot be read (too many digits) ({error}); "
                "{expected}"
            )
            raise ScenarioError(
                [Problem(source, None, None, "", bad.format(error=exc, expected=expect_json()))],
                source,
            ) from None
        raise ScenarioError(
            [
                Problem(
                    source,
                    exc.lineno,
                    None,
                    "",
                    _("not valid JSON ({error}, line {line} column {column}); {expected}").format(
                        error=exc.msg, line=exc.lineno, column=exc.colno, expected=expect_json()
                    ),
                )
            ],
            source,
        ) from exc
    return plan_from_document(doc, source)


# ---------------------------------------------------------------------------
# Reading: roster workbook
# ---------------------------------------------------------------------------


def _header_map(header: tuple[object, ...]) -> dict[str, tuple[int, str]]:
    """column -> (0-based position, header text) for the contract's columns."""
    found: dict[str, tuple[int, int, str]] = {}  # column -> (alias rank, position, text)
    for position, cell in enumerate(header):
        if blank(cell):
            continue
        name = norm(cell)
        for column, aliases in (COLUMN_ALIASES | EARLY_ALIASES).items():
            for rank, alias in enumerate(aliases):
                if name == norm(alias):
                    best = found.get(column)
                    if best is None or rank < best[0]:
                        found[column] = (rank, position, str(cell).strip())
    return {column: (pos, text) for column, (_, pos, text) in found.items()}


@dataclass(frozen=True)
class KeptRow:
    """A roster row marked locked: where it is and the exchange it holds."""

    sheet: str
    row: int
    exchange: Exchange


def _read_workbook(path: Path) -> Plan:
    return Plan.of(ex for _, ex, _ in _read_roster(path, with_locked=False)[1])


def read_kept(path: str | Path) -> list[KeptRow]:
    """The rows of a roster workbook marked locked (``locked``/``已定交流`` 是),
    in sheet order. A blank mark is no. Raises :class:`ScenarioError` naming
    the sheet, row, column and value of every unreadable row or mark."""
    file = Path(path)
    source = str(file)
    if file.suffix.lower() == ".json" or not file.is_file() or not _is_zip(file):
        raise ScenarioError(
            [
                Problem(
                    source,
                    None,
                    None,
                    source,
                    _(
                        "a roster workbook (.xlsx) whose column 已定交流 (locked) marks the "
                        "rows to keep with 是"
                    ),
                )
            ],
            source,
        )
    sheet, rows = _read_roster(file, with_locked=True)
    return [KeptRow(sheet, number, ex) for number, ex, locked in rows if locked]


def _read_roster(path: Path, with_locked: bool) -> tuple[str, list[tuple[int, Exchange, bool]]]:
    """The roster sheet's name and its rows: (Excel row, exchange, marked locked)."""
    from openpyxl import load_workbook

    source = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any failure to open means: not a readable workbook
        reason = sniff(path) or _("cannot read as an .xlsx workbook: {error}").format(error=exc)
        raise ScenarioError([Problem(source, None, None, "", reason)], source) from exc
    try:
        wanted = {norm(name) for name in ROSTER_SHEETS}
        sheet_name = next((name for name in wb.sheetnames if norm(name) in wanted), None)
        if sheet_name is None:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        None,
                        None,
                        ", ".join(wb.sheetnames),
                        _("a sheet named 'roster' (or '交流名单') holding the plan"),
                    )
                ],
                source,
            )
        rows = wb[sheet_name].iter_rows(values_only=True)
        header = next(rows, None)
        columns = _header_map(tuple(header) if header is not None else ())
        needed = (*PLAN_COLUMNS, "locked") if with_locked else PLAN_COLUMNS
        missing = [c for c in needed if c not in columns]
        if missing:
            found = ", ".join(str(c) for c in (header or ()) if not blank(c)) or "(no header)"
            _raise_missing(source, sheet_name, missing, found)
        names = {column: text for column, (_, text) in columns.items()}
        problems: list[Problem] = []
        out: list[tuple[int, Exchange, bool]] = []
        for number, values in enumerate(rows, start=2):
            cells = {
                column: (values[pos] if pos < len(values) else None)
                for column, (pos, _) in columns.items()
            }
            if all(blank(cells.get(c)) for c in PLAN_COLUMNS):
                continue
            ex = _exchange(cells, sheet_name, number, names, problems)
            locked = with_locked and _locked_mark(cells, sheet_name, number, names, problems)
            if ex is not None:
                early = _roster_early(ex, cells, sheet_name, number, names, problems)
                out.append((number, early, locked))
        if problems:
            raise ScenarioError(problems, source)
        return sheet_name, out
    finally:
        wb.close()


def _roster_early(
    ex: Exchange,
    cells: Mapping[str, object],
    sheet: str,
    row: int,
    names: Mapping[str, str],
    problems: list[Problem],
) -> Exchange:
    """``ex`` marked ended early where the roster's 提前结束 cell says yes."""
    expected = _("expected {expected}").format(expected=expect(EXPECT_BOOL))
    if not _roster_yes(cells, "ended_early", sheet, row, names, problems, expected):
        return ex
    reason = cells.get("reason")
    text = "" if blank(reason) else str(reason).strip()
    return replace(ex, ended_early=True, reason=text)


def _locked_mark(
    cells: Mapping[str, object],
    sheet: str,
    row: int,
    names: Mapping[str, str],
    problems: list[Problem],
) -> bool:
    """The row's locked mark: 是/yes keeps it, 否/no or blank does not."""
    expected = _("是 (keep this exchange) or 否 (re-plan it)")
    return _roster_yes(cells, "locked", sheet, row, names, problems, expected)


def _roster_yes(
    cells: Mapping[str, object],
    column: str,
    sheet: str,
    row: int,
    names: Mapping[str, str],
    problems: list[Problem],
    expected: str,
) -> bool:
    """A yes/no cell of a roster row: blank is no; anything else unreadable
    is a problem naming the cell (and counts as no)."""
    raw = cells.get(column)
    if blank(raw):
        return False
    try:
        return parse_bool(raw)
    except ValueError:
        problems.append(Problem(sheet, row, names[column], raw, expected))
        return False
    try:
        return parse_bool(raw)
    except ValueError:
        problems.append(
            Problem(
                sheet, row, names["locked"], raw, _("是 (keep this exchange) or 否 (re-plan it)")
            )
        )
        return False


def _raise_missing(source: str, where: str, missing: list[str], found: str) -> NoReturn:
    problems = [
        Problem(
            where,
            1,
            column,
            found,
            _("a header cell '{column}' (also accepted: {aliases}) in row 1").format(
                column=column, aliases=", ".join(COLUMN_ALIASES[column][1:])
            ),
        )
        for column in missing
    ]
    raise ScenarioError(problems, source)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def read_plan(path: str | Path) -> Plan:
    """Read a plan from a JSON document or a roster workbook (by extension,
    else by content). Raises :class:`ScenarioError` naming every problem."""
    file = Path(path)
    source = str(file)
    if not file.is_file():
        raise ScenarioError(
            [Problem(source, None, None, source, _("a plan file (.json or .xlsx) that exists"))],
            source,
        )
    suffix = file.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_workbook(file)
        if suffix == ".json":
            return _read_json(file)
        return _read_workbook(file) if _is_zip(file) else _read_json(file)
    except OSError as exc:
        raise ScenarioError(
            [
                Problem(
                    source, None, None, source, _("cannot read the file: {error}").format(error=exc)
                )
            ],
            source,
        ) from exc
    except BROKEN as exc:  # a damaged workbook (e.g. a shared-string index out of range)
        reason = sniff(file) or _("cannot read as an .xlsx workbook ({error})").format(
            error=f"{type(exc).__name__}: {exc}"
        )
        raise ScenarioError([Problem(source, None, None, "", reason)], source) from None
