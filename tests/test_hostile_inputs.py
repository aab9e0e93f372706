"""Each defect of issue 13 on its own, with the exact message or number it gives.

The fuzz suite (``test_fuzz_inputs.py``) throws a few hundred mutations at the
CLI; these tests pin down one hostile input each: outputs that are inputs or
cannot be written, YAML bombs and GBK policies, absurd numbers, formulas
without saved values, merged headers, impossible birth dates, look-alike ids,
corrupt and wrong-format workbooks, deep or huge JSON plans, temporary files
left by a killed run, file permissions and symbolic links.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import make_scenario, staff

from planner import api
from planner.cli import main
from planner.io.outputs import remove_stale_temps, write_atomic
from planner.io.plans import read_plan, write_json
from planner.io.reader import read_scenario
from planner.io.writer import write_scenario
from planner.problems import Problem, ScenarioError


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.xlsx"
    write_scenario(make_scenario(), path)
    return path


def problems_of(path: Path, policy: Path | None = None) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        read_scenario(path, policy)
    return caught.value.problems


def edited(path: Path, change: object) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)  # type: ignore[operator]
    wb.save(path)
    return path


# -- 1. inputs overwritten; 4. outputs checked before solving ----------------------


def test_solve_never_overwrites_the_builtin_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builtin = tmp_path / "taishan.xlsx"
    write_scenario(make_scenario(), builtin)
    before = builtin.read_bytes()
    monkeypatch.setattr(api, "BUILTIN_SCENARIO", builtin)
    result = run("solve", "--quiet", "--out", str(builtin))
    assert result.exit_code == 2
    assert "this is an input file (built-in scenario)" in result.output
    assert builtin.read_bytes() == before


@pytest.mark.zh
@pytest.mark.parametrize("option", ["--json", "--out"])
def test_solve_never_overwrites_the_policy_file(
    scenario_file: Path, tmp_path: Path, option: str
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("parameters:\n  term_min: 2\n", encoding="utf-8")
    result = run("solve", str(scenario_file), "--policy", str(policy), option, str(policy))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1  # one line
    assert f"{option} {policy}：这是输入文件（--policy）" in result.output
    assert policy.read_text(encoding="utf-8") == "parameters:\n  term_min: 2\n"


@pytest.mark.zh
def test_solve_refuses_one_file_for_both_outputs(scenario_file: Path, tmp_path: Path) -> None:
    same = tmp_path / "x.out"
    result = run("solve", str(scenario_file), "--out", str(same), "--json", str(same))
    assert result.exit_code == 2 and "--out 与 --json 是同一个文件" in result.output
    assert not same.exists()


@pytest.mark.zh
def test_unwritable_outputs_are_refused_before_solving(scenario_file: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    parent_file = run("solve", str(scenario_file), "--out", str(tmp_path / "file" / "r.xlsx"))
    assert parent_file.exit_code == 2
    assert "是文件而不是文件夹" in parent_file.output and "status" not in parent_file.output
    read_only = run("solve", str(scenario_file), "--lang", "en", "--json", "/proc/x/p.json")
    assert read_only.exit_code == 2
    assert "cannot write in the directory /proc" in read_only.output
    assert "status" not in read_only.output  # refused before the solve


# -- 5. policy YAML ------------------------------------------------------------------


@pytest.mark.zh
def test_yaml_alias_bomb_is_refused(scenario_file: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    layers = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        layers.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb.write_text("\n".join(layers) + "\nparameters: {term_min: 2}\n", encoding="utf-8")
    (problem,) = problems_of(scenario_file, bomb)
    assert problem.location() == f"文件“{bomb}”"
    assert "锚点和别名" in problem.expected


def test_gbk_policy_file_is_read(scenario_file: Path, tmp_path: Path) -> None:
    policy = tmp_path / "gbk.yaml"
    policy.write_bytes("# 交流政策：任期两年\nparameters:\n  term_min: 2\n".encode("gbk"))
    assert read_scenario(scenario_file, policy).policy.term_min == 2


@pytest.mark.zh
def test_policy_file_too_big_or_not_text(scenario_file: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("parameters:\n  term_min: 2\n" + "#" * 1_000_001)
    assert "超过 1,000,000 字节" in problems_of(scenario_file, big)[0].expected
    utf16 = tmp_path / "u16.yaml"
    utf16.write_bytes("parameters:\n  term_min: 2\n".encode("utf-16"))
    assert "UTF-8 或 GB18030" in problems_of(scenario_file, utf16)[0].expected


# -- 6. absurd numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "column", "value", "expected"),
    [
        ("needs", "count", 1e300, "a whole number 0..100000"),
        ("schools", "capacity", 1e30, "a whole number 0..100000"),
        ("needs", "priority", 1e308, "out of every supported range"),
        ("needs", "priority", 1e-300, "out of every supported range"),
        ("needs", "priority", 2_000_000, "out of range 1E-16..1000000"),
        ("needs", "priority", "0.33333333333333333", "more than 16 decimal places"),
        ("budget", "amount", 10**28, "out of range: at most 999,999,999,999,999"),
        ("budget", "amount", 1e20, "amount < 1,000,000,000,000,000"),
        ("budget", "amount", "12.345", "more than 2 decimal places"),
    ],
)
def test_absurd_numbers_are_refused_with_the_range(
    scenario_file: Path, sheet: str, column: str, value: object, expected: str
) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        if sheet == "budget":
            wb["budget"].append([2022, value])
            return
        ws = wb[sheet]
        col = next(c.column for c in ws[1] if c.value == column)
        ws.cell(row=2 if sheet == "needs" else 3, column=col, value=value)

    (problem,) = problems_of(edited(scenario_file, change))
    assert (problem.sheet, problem.column) == (sheet, column)
    assert expected in problem.expected


def test_absurd_policy_cost_is_refused(scenario_file: Path, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("parameters:\n  cost_teacher: 1e300\n")
    (problem,) = problems_of(scenario_file, policy)
    assert problem.column == "cost_teacher" and "< 1,000,000,000,000,000" in problem.expected


# -- 7. formulas; 8. merged headers, birth dates, ids ------------------------------------


@pytest.mark.zh
def test_formula_without_saved_value_is_refused_naming_the_cell(scenario_file: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["schools"]["F3"] = "=1+1"  # capacity of M1

    (problem,) = problems_of(edited(scenario_file, change))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "schools",
        3,
        "capacity",
        "=1+1",
    )
    assert "公式没有保存的计算结果" in problem.expected


def test_formula_with_saved_value_reads_the_value(scenario_file: Path) -> None:
    edited(scenario_file, lambda wb: wb["schools"].__setitem__("F3", "=1+1"))
    with zipfile.ZipFile(scenario_file) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(scenario_file, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>"))
    assert read_scenario(scenario_file).school_by_id["M1"].capacity == 2


@pytest.mark.zh
def test_merged_header_is_refused(scenario_file: Path) -> None:
    problems = problems_of(edited(scenario_file, lambda wb: wb["staff"].merge_cells("A1:B1")))
    merged = [p for p in problems if p.column == "A1:B1"]
    assert [(p.sheet, p.row) for p in merged] == [("staff", 1)]
    assert "已合并" in merged[0].expected


@pytest.mark.zh
@pytest.mark.parametrize(("born", "age"), [(dt.date(2030, 1, 1), -8), (dt.date(1950, 1, 1), 72)])
def test_birth_dates_outside_18_to_70_are_refused(tmp_path: Path, born: dt.date, age: int) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(make_scenario(staff=[staff("S1", birth_date=born)]), path)
    (problem,) = problems_of(path)
    assert (problem.sheet, problem.row, problem.column) == ("staff", 2, "birth_date")
    assert f"年龄为 {age} 岁，不在 18..70 岁之间" in problem.expected


@pytest.mark.zh
def test_ids_are_normalised_with_a_note_and_lookalikes_are_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    people = [staff("C001-001\u200b"), staff("S2")]
    write_scenario(make_scenario(staff=people), path)
    scenario = read_scenario(path)
    assert [s.staff_id for s in scenario.staff] == ["C001-001", "S2"]
    assert len(scenario.notes) == 1 and "第 2 行" in scenario.notes[0]
    result = run("validate", str(path))
    assert result.exit_code in (0, 3)  # 3: certain conflicts of the smaller staff
    assert "说明：工作表“staff”第 2 行“staff_id”列：编号" in result.output
    write_scenario(make_scenario(staff=[staff("C001-001"), staff("Ｃ００１-００１")]), path)
    (problem,) = problems_of(path)
    assert (problem.sheet, problem.row, problem.value) == ("staff", 3, "C001-001")


# -- 9. corrupt and wrong-format workbooks --------------------------------------------


def test_shared_string_index_out_of_range(scenario_file: Path) -> None:
    with zipfile.ZipFile(scenario_file) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    pattern = re.compile(rb'(t="s"[^>]*><v>)\d+(</v>)')
    with zipfile.ZipFile(scenario_file, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, pattern.sub(rb"\g<1>99999\g<2>", data, count=1))
    result = run("validate", str(scenario_file))
    assert result.exit_code == 2 and "IndexError" in result.output
    assert f"file '{scenario_file.name}'" in result.output


@pytest.mark.zh
@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"\x00" * 600, "旧版 .xls 文件"),
        (b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le"), "设置了密码的工作簿"),
    ],
)
def test_xls_and_encrypted_files_say_which(tmp_path: Path, body: bytes, says: str) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    (problem,) = problems_of(path)
    assert says in problem.expected
    assert says in run("check", str(path), str(path)).output


# -- 10. check and diff on hostile JSON -----------------------------------------------


@pytest.mark.zh
def test_deep_json_and_huge_year(scenario_file: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    huge = tmp_path / "huge.json"
    exchange = '{"staff_id": "S1", "school_id": "M1", "start_year": %s, "end_year": 2024}'
    huge.write_text('{"exchanges": [' + exchange % ("9" * 5000) + "]}")
    for plan, says in ((deep, "JSON 嵌套过深"), (huge, "无法读取的数字")):
        for args in (("check", str(scenario_file), str(plan)), ("diff", str(plan), str(plan))):
            result = run(*args)
            assert result.exit_code == 2, result.output
            assert f"文件“{plan}”" in result.output and says in result.output


# -- 11. temporary files, permissions, links, file labels --------------------------------


def test_stale_temp_file_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    dead = tmp_path / ".plan.json.999999999-ab12.planner.tmp"  # no such process
    mine = tmp_path / f".plan.json.{os.getpid()}-cd34.planner.tmp"  # a live run's
    other = tmp_path / ".other.json.999999999-ab12.planner.tmp"
    for path in (dead, mine, other):
        path.write_text("partial")
    write_json({"exchanges": []}, target)
    assert not dead.exists() and mine.exists() and other.exists()
    assert remove_stale_temps(tmp_path / "other.json") == [other]


def test_json_plan_gets_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_json({"exchanges": []}, tmp_path / "p.json")
        write_atomic(tmp_path / "r.bin", lambda tmp: tmp.write_bytes(b"x"))
    finally:
        os.umask(old)
    assert (tmp_path / "p.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "r.bin").stat().st_mode & 0o777 == 0o644


def test_json_through_a_symlink_writes_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_json({"exchanges": []}, link)
    assert link.is_symlink() and json.loads(target.read_text()) == {"exchanges": []}


def test_file_problems_are_labelled_as_files(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{not json")
    with pytest.raises(ScenarioError) as caught:
        read_plan(bad)
    assert str(caught.value.problems[0]).startswith(f"file '{bad}'")
    assert (
        Problem("staff", 2, "name", None, "x").location() == "sheet 'staff', row 2, column 'name'"
    )


def test_limits_hold_exact_decimals(scenario_file: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["needs"]["F2"] = "0.000001"
        wb["budget"].append([2022, "999999999999999.99"])

    scenario = read_scenario(edited(scenario_file, change))
    assert scenario.needs[0].priority == Decimal("0.000001")
    assert scenario.budget[0].amount == Decimal("999999999999999.99")
