"""``planner validate`` on a workbook with ten typical mistakes speaks the
user's language: every message in Chinese by default (sheet, row and column
as the workbook names them), in English with ``--lang en``; nothing is
written and the exit code is 2."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_scenario

from planner import i18n
from planner.cli import main
from planner.cli.common import EXIT_BAD_INPUT
from planner.data import Exchange
from planner.enums import Honor, Position, Role, Stage
from planner.i18n import use_language
from planner.io.schema import DOCUMENT_KEYS, SETTINGS_KEYS, SHEET_COLUMNS
from planner.io.template_text import column_label, data_sheet_name
from planner.io.writer import write_scenario
from planner.rules import Rule

# (sheet, Excel row, column, value written there): the ten mistakes.
MISTAKES: list[tuple[str, int, str, object]] = [
    ("staff", 2, "birth_date", "1985-13-40"),  # a date that does not exist
    ("staff", 3, "school_id", "M9"),  # a school id no sheet has
    ("staff", 4, "staff_id", "S1"),  # the id of row 2 again
    ("staff", 5, "position", "boss"),  # a code that is not one
    ("needs", 2, "count", -1),  # a negative count
    ("needs", 3, "year", 1899),  # a school year outside 1990..2100
    ("schools", 3, "role", None),  # a required cell left blank
    ("commitments", 2, "staff_id", "S99"),  # a commitment of nobody
]
# Two more made differently: a required column deleted, a settings row added.
MISSING_COLUMN = ("groups", "founded_year")
UNKNOWN_KEY = ("settings", "colour", "blue")


def _workbook(path: Path, chinese: bool) -> None:
    """The tiny scenario (with one commitment), written by the writer, then
    edited cell by cell; with ``chinese``, its sheets and headers renamed to
    the Chinese names a bureau's workbook uses."""
    write_scenario(make_scenario(commitments=[Exchange("S1", "M1", 2022, 2023)]), path)
    wb = openpyxl.load_workbook(path)
    for sheet, row, column, value in MISTAKES:
        ws = wb[sheet]
        heads = [c.value for c in ws[1]]
        ws.cell(row, heads.index(column) + 1).value = value
    sheet, column = MISSING_COLUMN
    heads = [c.value for c in wb[sheet][1]]
    wb[sheet].delete_cols(heads.index(column) + 1)
    wb[UNKNOWN_KEY[0]].append(list(UNKNOWN_KEY[1:]))
    if chinese:
        for ws in wb.worksheets:
            for cell in ws[1]:
                if cell.value:
                    cell.value = column_label(ws.title, str(cell.value), "zh")
            ws.title = data_sheet_name(ws.title, "zh")
    wb.save(path)


def _validate(path: Path, *args: str) -> tuple[int, list[str]]:
    """Exit code and the message lines of ``planner validate PATH ARGS``,
    with no language in the environment."""
    before = sorted(p.name for p in path.parent.iterdir())
    with use_language(None):
        result = CliRunner().invoke(
            main, ["validate", str(path), *args], env=dict.fromkeys(i18n.ENV_VARS)
        )
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing written
    lines = [line.strip()[2:] for line in result.output.splitlines() if line.strip()[:2] == "- "]
    return result.exit_code, lines


def _expected_places(chinese: bool) -> list[tuple[str, int, str]]:
    """(sheet, row, column) of each mistake as the workbook names them."""

    def name(sheet: str, row: int, column: str) -> tuple[str, int, str]:
        if not chinese:
            return sheet, row, column
        return data_sheet_name(sheet, "zh"), row, column_label(sheet, column, "zh")

    places = [name(sheet, row, column) for sheet, row, column, _value in MISTAKES]
    places.append(name(MISSING_COLUMN[0], 1, MISSING_COLUMN[1]))
    places.append(name(UNKNOWN_KEY[0], 5, "key"))
    return places


# ASCII words a Chinese message may hold: ids of the scenario, the values
# found, codes a cell takes, settings keys, rule ids and the date pattern.
_CODES = {m.value for enum in (Role, Stage, Position, Honor) for m in enum}
_COLUMNS = {c for columns in SHEET_COLUMNS.values() for c in columns}
_ALLOWED = {
    *_CODES,
    *SETTINGS_KEYS,
    *DOCUMENT_KEYS,
    *_COLUMNS,
    *(r.value for r in Rule),
    "YYYY-MM-DD",
}


def _names(path: Path) -> list[str]:
    """The workbook's own names: its sheets' titles and header cells, longest first."""
    wb = openpyxl.load_workbook(path, read_only=True)
    names = {ws.title for ws in wb.worksheets}
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=1, values_only=True):
            names |= {str(v) for v in row if v}
    wb.close()
    return sorted(names, key=len, reverse=True)


def _english_words(line: str) -> list[str]:
    """ASCII words of three letters or more outside quoted values and names
    (the workbook's own: its values, sheet and column names) and outside the
    allowed ids and codes."""
    unquoted = re.sub(r"'[^']*'|“[^”]*”", "", line)
    words = re.findall(r"[A-Za-z][A-Za-z_-]{2,}", unquoted)
    return [w for w in words if w not in _ALLOWED]


@pytest.fixture(params=[True, False], ids=["chinese-headers", "english-headers"])
def workbook(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, bool]:
    path = tmp_path / "mistakes.xlsx"
    _workbook(path, request.param)
    return path, request.param


def test_every_mistake_in_chinese_by_default(workbook: tuple[Path, bool]) -> None:
    path, chinese = workbook
    code, lines = _validate(path)
    assert code == EXIT_BAD_INPUT
    assert len(lines) == 10, lines
    for sheet, row, column in _expected_places(chinese):
        where = f"工作表“{sheet}”，第 {row} 行，“{column}”列："
        assert sum(line.startswith(where) for line in lines) == 1, (where, lines)
    assert [(line, w) for line in lines for w in _english_words(line)] == []
    assert all("：填写的是 " in line for line in lines), lines
    joined = "\n".join(lines)
    # What each says, in words a bureau planner reads.
    for words in ("没有这一天", "M9", "已在第 2 行使用", "boss", "1990", "S99", "colour"):
        assert words in joined, (words, joined)


def test_every_mistake_in_english_with_lang_en(workbook: tuple[Path, bool]) -> None:
    path, chinese = workbook
    code, lines = _validate(path, "--lang", "en")
    assert code == EXIT_BAD_INPUT
    assert len(lines) == 10, lines
    for sheet, row, column in _expected_places(chinese):
        where = f"sheet '{sheet}', row {row}, column '{column}': found "
        assert sum(line.startswith(where) for line in lines) == 1, (where, lines)
    names = _names(path)
    for line in lines:
        # Chinese only where the workbook has it: its names, values and aliases.
        outside = re.sub(r"'[^']*'|\([^)]*\)", "", line)
        for name in names:
            outside = outside.replace(name, "")
        assert not re.search(r"[\u4e00-\u9fff]", outside), line
    assert "no such day" in "\n".join(lines)
