"""The fill-in scenario template (planner.io.template, ``planner template``).

A template written empty and filled programmatically with openpyxl, as a
planner would type it (Chinese codes in the Chinese template), reads back
as the same scenario and solves; ids stay exact; formula-like names stay
text; every coded column has a drop-down from the hidden lists sheet.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_scenario, need, school, staff
from openpyxl.worksheet.worksheet import Worksheet

from planner.api import BUILTIN_SCENARIO
from planner.cli import main
from planner.cli.template import template
from planner.data import Scenario
from planner.enums import Position, Role
from planner.io.plans import read_plan
from planner.io.reader import read_scenario
from planner.io.schema import (
    CODE_ALIASES,
    COLUMN_ALIASES,
    SETTINGS_KEY_ALIASES,
    SHEET_ALIASES,
    SHEET_COLUMNS,
)
from planner.io.template import ID_RANGES, INSTRUCTIONS_SHEET, LISTS_SHEET, write_template
from planner.io.template_kinds import KINDS, column_kind
from planner.io.template_text import (
    column_label,
    data_sheet_name,
    settings_key_label,
)
from planner.io.writer import scenario_rows
from planner.problems import ScenarioError
from planner.report.labels import CODES_ZH

LONG_ID = "110105198503011234"  # 18 digits, an id-card number
DANGEROUS_NAMES = ["=SUM(A1)", "+8613800000000", "-x", "@x"]


def make_template(tmp_path: Path, lang: str, *extra: str) -> Path:
    path = tmp_path / f"t-{lang}.xlsx"
    result = CliRunner().invoke(template, [str(path), "--lang", lang, *extra])
    assert result.exit_code == 0, result.output
    return path


def tricky_scenario() -> Scenario:
    """The tiny factory world, solvable, with digit ids and formula-like names."""
    people = [staff("007", name=DANGEROUS_NAMES[0]), staff(LONG_ID, name=DANGEROUS_NAMES[1])]
    people += [staff(f"S{i}", name=DANGEROUS_NAMES[i % 4]) for i in range(2, 10)]
    people += [staff(f"K{i}", position=Position.MIDDLE, volunteer=True) for i in range(2)]
    people.append(staff("S10", preferred_school="0042", unavailable=frozenset({2023, 2024})))
    schools = [
        school("C1", Role.CORE, name="核心校"),
        school("M1", Role.FUSION, name="=融合校", capacity=3),
        school("0042", Role.ALLIANCE, name="联合校", joined_year=2023),
    ]
    needs = [need("M1", 2022, "数学"), need("0042", 2023, "数学", count=2, priority=Decimal("1.5"))]
    return make_scenario(staff=people, schools=schools, needs=needs)


# ---------------------------------------------------------------------------
# filling the empty template the way a planner would


def _typed(sheet: str, column: str, value: object, lang: str) -> object:
    """A canonical cell as typed into the template of ``lang`` (independent tables)."""
    if value is None:
        return None
    kind = KINDS[column_kind(sheet, column)]
    if kind.date:
        return dt.date.fromisoformat(str(value))
    if lang == "en":
        return value
    if kind.list_name == "list_yes_no":
        return "是" if value == "yes" else "否"
    if kind.enum is not None:
        return CODES_ZH[kind.enum][str(value)]
    return value


def fill(path: Path, scenario: Scenario, lang: str) -> None:
    """Type ``scenario`` into the empty template at ``path`` (by header, not position)."""
    wb = openpyxl.load_workbook(path)
    for sheet, rows in scenario_rows(scenario).items():
        ws = wb[data_sheet_name(sheet, lang)]
        heads = {c.value: c.column for c in ws[1]}
        cols = [heads[column_label(sheet, column, lang)] for column in SHEET_COLUMNS[sheet]]
        if sheet == "settings":
            keys = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
            for key, value in rows:
                ws.cell(keys[settings_key_label(str(key), lang)], 2).value = value
            continue
        for r, values in enumerate(rows, start=2):
            for column, col, value in zip(SHEET_COLUMNS[sheet], cols, values, strict=True):
                cell = ws.cell(r, col)
                cell.value = _typed(sheet, column, value, lang)
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # typed into a text-formatted cell: text
    wb.save(path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filled_template_reads_back_and_solves(tmp_path: Path, lang: str) -> None:
    scenario = tricky_scenario()
    path = make_template(tmp_path, lang)
    fill(path, scenario, lang)
    back = read_scenario(path)
    assert back == scenario
    assert back.staff_by_id[LONG_ID].name == "+8613800000000"
    assert back.staff_by_id["007"].name == "=SUM(A1)"
    assert back.school_by_id["0042"].joined_year == 2023
    roster, plan = tmp_path / "roster.xlsx", tmp_path / "plan.json"
    result = CliRunner().invoke(
        main,
        ["solve", str(path), "--time-limit", "60", "--quiet", "--out", str(roster),
         "--json", str(plan), "--lang", lang],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert read_plan(roster) == read_plan(plan)
    check = CliRunner().invoke(main, ["check", str(path), str(roster)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_builtin_scenario_typed_into_template_reads_back(tmp_path: Path, lang: str) -> None:
    builtin = read_scenario(BUILTIN_SCENARIO)
    path = make_template(tmp_path, lang)
    fill(path, builtin, lang)
    assert read_scenario(path) == builtin


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_from_scenario_reads_back(tmp_path: Path, lang: str) -> None:
    builtin = read_scenario(BUILTIN_SCENARIO)
    path = make_template(tmp_path, lang, "--from", str(BUILTIN_SCENARIO))
    assert read_scenario(path) == builtin
    scenario = tricky_scenario()
    tricky = tmp_path / f"tricky-{lang}.xlsx"
    write_template(tricky, lang, scenario)
    assert read_scenario(tricky) == scenario


def test_ids_and_formula_like_names_are_text_cells(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, "zh", tricky_scenario())
    wb = openpyxl.load_workbook(path)
    ws = wb[data_sheet_name("staff", "zh")]
    ids = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for sid in ("007", LONG_ID):
        cell = ws.cell(ids[sid], 1)
        assert cell.data_type == "s" and cell.number_format == "@"
    names = {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert set(DANGEROUS_NAMES) <= names
    for r in range(2, ws.max_row + 1):
        assert ws.cell(r, 2).data_type == "s"
    birth = ws.cell(2, SHEET_COLUMNS["staff"].index("birth_date") + 1)
    assert isinstance(birth.value, dt.datetime) and birth.number_format == "yyyy-mm-dd"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert not re.search(r"<f[ >/]", archive.read(name).decode()), name


# ---------------------------------------------------------------------------
# layout: sheets, headers, instructions, lists, validations, formats


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_contract_sheet_with_accepted_headers(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(make_template(tmp_path, lang))
    names = [data_sheet_name(s, lang) for s in SHEET_COLUMNS]
    assert wb.sheetnames == [INSTRUCTIONS_SHEET[lang], *names, LISTS_SHEET]
    assert wb.active is not None and wb.active.title == INSTRUCTIONS_SHEET[lang]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    for sheet in SHEET_COLUMNS:
        name = data_sheet_name(sheet, lang)
        assert name == sheet or name in SHEET_ALIASES[sheet]
        heads = [c.value for c in wb[name][1]]
        for column, head in zip(SHEET_COLUMNS[sheet], heads, strict=True):
            assert head == column or head in COLUMN_ALIASES[column], (sheet, column, head)
            if lang == "en":
                assert head == column
    settings = wb[data_sheet_name("settings", lang)]
    keys = [settings.cell(r, 1).value for r in range(2, 5)]
    for key, label in zip(("name", "first_year", "horizon"), keys, strict=True):
        assert label == key or label in SETTINGS_KEY_ALIASES[key]


def test_empty_template_only_asks_for_data(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        read_scenario(make_template(tmp_path, "zh"))
    sheets = {p.sheet for p in info.value.problems}
    assert INSTRUCTIONS_SHEET["zh"] not in sheets and LISTS_SHEET not in sheets
    assert sheets <= {data_sheet_name(s, "zh") for s in SHEET_COLUMNS} | set(SHEET_COLUMNS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_instructions_explain_every_column_and_code(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(make_template(tmp_path, lang))
    ws = wb[INSTRUCTIONS_SHEET[lang]]
    text = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    cells = {str(c) for row in text for c in row if c is not None}
    for sheet, columns in SHEET_COLUMNS.items():
        if sheet == "settings":
            continue
        for column in columns:
            rows = [r for r in text if r[0] and str(r[0]).startswith(data_sheet_name(sheet, lang))
                    and r[1] == column_label(sheet, column, lang)]  # fmt: skip
            assert len(rows) == 1, (sheet, column)
            assert rows[0][3] and rows[0][4], (sheet, column)  # meaning and format
    assert rows[0][5] is not None  # an example value
    for enum, aliases in CODE_ALIASES.items():
        for value in {v for v in aliases.values()}:
            label = value if lang == "en" else CODES_ZH[enum][value]
            assert label in cells, (enum, value)
    if lang == "zh":
        assert any("下拉" in c for c in cells)


def _validations(ws: Worksheet) -> dict[str, Any]:
    """Column letter -> the data validation covering rows 2.. of that column."""
    found: dict[str, Any] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            match = re.fullmatch(r"([A-Z]+)2:([A-Z]+)(\d+)", rng)
            if match and match.group(1) == match.group(2) and int(match.group(3)) >= 1000:
                found[match.group(1)] = dv
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_coded_columns_have_dropdowns_from_the_lists_sheet(tmp_path: Path, lang: str) -> None:
    wb = openpyxl.load_workbook(make_template(tmp_path, lang))
    names = wb.defined_names
    lists = wb[LISTS_SHEET]
    for sheet, columns in SHEET_COLUMNS.items():
        ws = wb[data_sheet_name(sheet, lang)]
        dvs = _validations(ws)
        for i, column in enumerate(columns, start=1):
            kind = KINDS[column_kind(sheet, column)]
            letter = openpyxl.utils.get_column_letter(i)
            if kind.list_name is not None:
                dv = dvs[letter]
                assert dv.type == "list" and dv.formula1 == f"={kind.list_name}", (sheet, column)
                ref = names[kind.list_name].attr_text
                if kind.list_name.startswith("ids_"):
                    target, source = ID_RANGES[kind.list_name]
                    col = openpyxl.utils.get_column_letter(SHEET_COLUMNS[target].index(source) + 1)
                    assert data_sheet_name(target, lang) in ref and f"!${col}$2:${col}$" in ref
                else:
                    assert ref.split("!")[0].strip("'") == LISTS_SHEET
            elif kind.whole is not None:
                assert dvs[letter].type == "whole", (sheet, column)
            elif kind.date:
                assert dvs[letter].type == "date", (sheet, column)
            if kind.number_format == "@":
                assert ws.column_dimensions[letter].number_format == "@", (sheet, column)
    values = {
        lists.cell(1, c).value: [
            lists.cell(r, c).value for r in range(2, lists.max_row + 1) if lists.cell(r, c).value
        ]
        for c in range(1, lists.max_column + 1)
    }
    if lang == "zh":
        assert values["list_role"] == ["核心校", "融合型", "联合型"]
        assert values["list_staff_stage"] == ["小学", "初中"]
        assert values["list_yes_no"] == ["是", "否"]
        assert values["list_honor"][0] == "无"
        assert values["list_policy_key"][1:3] == ["最短任期", "最长任期"]
        assert "term_max" not in values["list_policy_key"]
    else:
        assert values["list_role"] == ["core", "fusion", "alliance"]
        assert values["list_yes_no"] == ["yes", "no"]
        assert "term_max" in values["list_policy_key"]


def test_print_setup_of_template(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(make_template(tmp_path, "zh"))
    for ws in wb.worksheets:
        if ws.title == LISTS_SHEET:
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"
        assert ws.print_title_rows, ws.title


# ---------------------------------------------------------------------------
# the command


def test_template_refuses_to_overwrite(tmp_path: Path) -> None:
    path = make_template(tmp_path, "zh")
    before = path.read_bytes()
    result = CliRunner().invoke(template, [str(path)])
    assert result.exit_code == 2 and "--force" in result.output
    assert path.read_bytes() == before
    result = CliRunner().invoke(template, [str(path), "--force", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "instructions" in openpyxl.load_workbook(path).sheetnames
    result = CliRunner().invoke(template, [str(path), "--from", str(path), "--force"])
    assert result.exit_code == 2 and "input file" in result.output


def test_template_from_a_broken_scenario_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(template, [str(out), "--from", str(bad)])
    assert result.exit_code == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.xlsx"]


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lang"):
        write_template(tmp_path / "x.xlsx", "fr")
    result = CliRunner().invoke(template, [str(tmp_path / "y.xlsx"), "--lang", "fr"])
    assert result.exit_code == 2
