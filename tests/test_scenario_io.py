"""The scenario workbook: round trip, aliases, and one test per class of bad input.

Each bad-input test writes a valid scenario, breaks one cell (or adds one
row) with openpyxl, reads it back and checks that the error names the
sheet, the Excel row, the column and the value found.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import group, make_scenario, need, school, staff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.data import BudgetRow, Commitment, CoreKeep, Scenario
from planner.enums import Honor, Position, Role, Stage
from planner.io.reader import read_scenario
from planner.io.schema import SHEET_COLUMNS
from planner.io.validation import scenario_problems
from planner.io.writer import write_scenario
from planner.policy import Policy
from planner.problems import Problem, ScenarioError

# -- helpers -----------------------------------------------------------------


def written(tmp_path: Path, scenario: Scenario | None = None, name: str = "s.xlsx") -> Path:
    path = tmp_path / name
    write_scenario(scenario if scenario is not None else make_scenario(), path)
    return path


def column_of(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def set_cells(path: Path, sheet: str, updates: Mapping[tuple[int, str], object]) -> None:
    """Set cells given as (Excel row, header) -> value."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for (row, header), value in updates.items():
        ws.cell(row, column_of(ws, header)).value = value
    wb.save(path)


def add_row(path: Path, sheet: str, values: Mapping[str, object]) -> int:
    """Append a row (header -> value); return its Excel row."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row = ws.max_row + 1
    for header, value in values.items():
        ws.cell(row, column_of(ws, header)).value = value
    wb.save(path)
    return row


def problems_of(path: Path, policy_file: Path | None = None) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        read_scenario(path, policy_file)
    assert info.value.problems
    return info.value.problems


def find(problems: list[Problem], sheet: str, row: int | None, column: str | None) -> Problem:
    hits = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]
    assert hits, f"no problem at {sheet}/{row}/{column} in:\n" + "\n".join(map(str, problems))
    return hits[0]


def assert_names(problem: Problem, sheet: str, row: int, column: str, value: str) -> None:
    text = str(problem)
    assert f"sheet '{sheet}'" in text
    assert f"row {row}" in text
    assert f"column '{column}'" in text
    assert value in text


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# -- round trip ----------------------------------------------------------------


def rich_scenario() -> Scenario:
    """Everything the format can say, with awkward ids and Chinese text."""
    policy = replace(
        Policy(),
        term_min=1,
        term_max=4,
        ratio_first_year=Decimal("0.2"),
        ratio_later_years=Decimal("0.075"),
        cadre_min_later_years=1,
        max_age=50,
        min_honor=Honor.CITY,
        require_level=False,
        receiving_roles=frozenset({Role.FUSION}),
        cost_teacher=Decimal("12345.67"),
        cost_cadre=Decimal("123456789012.34"),
        objective_order=("COVER", "PREFER", "FAIR", "COST"),
    )
    long_id = "370902198503011234"
    return make_scenario(
        name="泰山区 2024 测试",
        first_year=2024,
        horizon=4,
        policy=policy,
        groups=[
            group("G1", name="泰安六中教育集团", founded_year=2022),
            group("007", founded_year=2023),
        ],
        schools=[
            school("C1", Role.CORE, name="泰安六中"),
            school("M1", Role.FUSION, name="上高学校", stage=Stage.NINE_YEAR, capacity=3),
            school("M2", Role.ALLIANCE, name="省庄一中", joined_year=2023, left_year=2027),
            school("0042", Role.CORE, group_id="007", stage=Stage.PRIMARY, name="仓库路学校"),
            school("0043", Role.FUSION, group_id="007", stage=Stage.PRIMARY, capacity=0),
        ],
        staff=[
            staff("007", name="张三", honor=Honor.NATIONAL, unavailable=frozenset({2025, 2026})),
            staff(
                long_id,
                name="李四",
                position=Position.SENIOR,
                age_exception=True,
                volunteer=True,
                preferred_school="M1",
                needs_experience=True,
                birth_date=dt.date(1976, 9, 1),
            ),
            staff(
                "12",
                school_id="0042",
                stage=Stage.PRIMARY,
                subject="语文",
                unavailable=frozenset({2024}),
            ),
        ],
        needs=[
            need("M1", 2024, "数学", stage=Stage.JUNIOR, count=2, priority=Decimal("2.5")),
            need("M1", 2025, "英语", stage=Stage.PRIMARY, count=0),
            need("M2", 2026, "物理", priority=Decimal("0.123457")),
            need("0043", 2027, "语文"),
        ],
        core_keep=[CoreKeep("C1", "数学", 1), CoreKeep("0042", "语文", 0)],
        commitments=[Commitment("007", "M1", 2023, 2024), Commitment(long_id, "M2", 2024, 2026)],
        budget=[BudgetRow(2024, Decimal("100000")), BudgetRow(2025, Decimal("99999.99"))],
    )


def test_round_trip_small(tmp_path: Path) -> None:
    scenario = make_scenario()
    assert read_scenario(written(tmp_path, scenario)) == scenario


def test_round_trip_everything(tmp_path: Path) -> None:
    scenario = rich_scenario()
    back = read_scenario(written(tmp_path, scenario))
    assert back == scenario
    assert back.staff[0].staff_id == "007"
    assert back.staff[1].staff_id == "370902198503011234"
    assert back.schools[3].school_id == "0042"
    assert back.needs[0].stage is Stage.JUNIOR
    assert back.policy.cost_cadre == Decimal("123456789012.34")


def test_write_layout(tmp_path: Path) -> None:
    scenario = rich_scenario()
    path = tmp_path / "out" / "s.xlsx"
    write_scenario(scenario, path, notes=["Synthetic example data.", "合成数据"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["about", *SHEET_COLUMNS]
    assert [c.value for c in wb["about"]["A"]] == ["Synthetic example data.", "合成数据"]
    for sheet, columns in SHEET_COLUMNS.items():
        ws = wb[sheet]
        assert tuple(c.value for c in ws[1]) == columns
        assert ws.freeze_panes == "A2"
        assert ws[1][0].font.bold
    staff_ws = wb["staff"]
    id_cell = staff_ws.cell(2, column_of(staff_ws, "staff_id"))
    assert (id_cell.value, id_cell.number_format) == ("007", "@")
    assert staff_ws.cell(3, column_of(staff_ws, "birth_date")).value == "1976-09-01"
    assert staff_ws.cell(2, column_of(staff_ws, "unavailable")).value == "2025,2026"
    assert staff_ws.cell(3, column_of(staff_ws, "volunteer")).value == "yes"
    assert staff_ws.column_dimensions["A"].width >= len("370902198503011234")
    # The policy sheet holds only the values that differ from the defaults.
    keys = {ws_row[0].value for ws_row in wb["policy"].iter_rows(min_row=2)}
    assert "term_max" in keys and "term_min" in keys
    assert "cadre_min_first_year" not in keys and "prefer_volunteer" not in keys
    # Nothing left behind by the atomic write.
    assert sorted(os.listdir(path.parent)) == ["s.xlsx"]


def test_default_policy_writes_empty_policy_sheet(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(written(tmp_path))
    assert wb["policy"].max_row == 1


def test_write_replaces_existing_file(tmp_path: Path) -> None:
    path = written(tmp_path)
    write_scenario(make_scenario(name="second"), path)
    assert read_scenario(path).name == "second"
    assert sorted(os.listdir(tmp_path)) == ["s.xlsx"]


def test_reading_never_modifies_the_input(tmp_path: Path) -> None:
    good = written(tmp_path, name="good.xlsx")
    bad = written(tmp_path, name="bad.xlsx")
    set_cells(bad, "staff", {(2, "honor"): "legendary"})
    for path in (good, bad):
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        with contextlib.suppress(ScenarioError):
            read_scenario(path)
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["bad.xlsx", "good.xlsx"]


# -- what the reader accepts ---------------------------------------------------


def chinese_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "设置"
    for row in (("项目", "值"), ("名称", "中文表头"), ("起始学年", 2022), ("年数", "3")):
        ws.append(row)
    ws = wb.create_sheet("集团")
    ws.append(("集团编号", "集团名称", "成立年份"))
    ws.append(("G1", "泰安六中教育集团", 2022))
    ws = wb.create_sheet("学校")
    ws.append(("学校编号", "学校名称", "集团", "类型", "学段", "接收上限", "加入年份", "退出年份"))
    ws.append(("C1", "泰安六中", "G1", "核心校", "初中", None, None, None))
    ws.append(("M1", "上高学校", "G1", "融合型", "九年一贯制", 2, 2022, None))
    ws.append(("M2", "省庄一中", "G1", "联合型", "初中", None, None, None))
    ws = wb.create_sheet("教职工")
    ws.append(
        (
            "工号",
            "姓名",
            "学校",
            "学科",
            "学段",
            "出生日期",
            "职务",
            "荣誉",
            "水平认定",
            "年龄例外",
            "自愿",
            "意向学校",
            "需交流经历",
            "不可派年份",
            "备注",
        )
    )
    ws.append(
        (
            "007",
            "张三",
            "C1",
            "数学",
            "初中",
            dt.datetime(1985, 3, 1),
            "中层",
            "区级",
            "是",
            "否",
            "是",
            "M1",
            "否",
            "2023，2024、2025",
            "extra column",
        )
    )
    ws.append(
        (
            7,
            "李四",
            "C1",
            "语文",
            "初中",
            "1990-12-31",
            "教师",
            "市级",
            1,
            0,
            None,
            None,
            None,
            2024,
            None,
        )
    )
    ws = wb.create_sheet("需求")
    ws.append(("学校", "学年", "学科", "学段", "需求人数", "优先级"))
    ws.append(("M1", 2022, "数学", "初中", 1, 2))
    ws.append(("M2", "2023-2024学年", "语文", None, 2, None))
    ws = wb.create_sheet("留校")
    ws.append(("学校", "学科", "最少留校"))
    ws.append(("C1", "数学", 1))
    ws = wb.create_sheet("已定交流")
    ws.append(("工号", "学校", "开始学年", "结束学年"))
    ws.append(("007", "M1", 2022, 2023))
    ws = wb.create_sheet("经费")
    ws.append(("学年", "经费"))
    ws.append((2022, 50000))
    ws = wb.create_sheet("政策")
    ws.append(("参数", "值"))
    ws.append(("ratio_first_year", "20%"))
    wb.save(path)


def test_chinese_sheets_headers_and_values(tmp_path: Path) -> None:
    path = tmp_path / "zh.xlsx"
    chinese_workbook(path)
    s = read_scenario(path)
    assert (s.name, s.first_year, s.horizon) == ("中文表头", 2022, 3)
    assert s.school_by_id["M1"].role is Role.FUSION
    assert s.school_by_id["M1"].stage is Stage.NINE_YEAR
    assert s.school_by_id["M1"].capacity == 2
    first, second = s.staff
    assert first.staff_id == "007" and second.staff_id == "7"
    assert first.birth_date == dt.date(1985, 3, 1)
    assert (first.position, first.honor) == (Position.MIDDLE, Honor.DISTRICT)
    assert (first.level_ok, first.age_exception, first.volunteer) == (True, False, True)
    assert first.preferred_school == "M1"
    assert first.unavailable == frozenset({2023, 2024, 2025})
    assert second.unavailable == frozenset({2024}) and second.honor is Honor.CITY
    assert s.needs[0].stage is Stage.JUNIOR and s.needs[0].priority == 2
    assert s.needs[1].year == 2023 and s.needs[1].stage is None and s.needs[1].priority == 1
    assert s.core_keep == [CoreKeep("C1", "数学", 1)]
    assert s.commitments == [Commitment("007", "M1", 2022, 2023)]
    assert s.budget == [BudgetRow(2022, Decimal(50000))]
    assert s.policy.ratio_first_year == Decimal("0.2")


def test_headers_loose_blank_rows_and_extra_columns(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["staff"]
    ws.cell(1, column_of(ws, "staff_id")).value = "  Staff ID "
    ws.cell(1, column_of(ws, "birth_date")).value = "BIRTH_DATE"
    ws.cell(1, ws.max_column + 1).value = "remarks"
    ws.cell(3, ws.max_column).value = "a note that is ignored"
    ws.insert_rows(4)  # a fully blank row in the middle
    ws.cell(ws.max_row + 2, ws.max_column).value = "a total in the remarks column only"
    wb["needs"].insert_rows(2)
    wb.save(path)
    s = read_scenario(path)
    assert [p.staff_id for p in s.staff] == ["S1", "S2", "S3", "S4"]
    assert len(s.needs) == 2


def test_optional_sheets_may_be_missing(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    for name in ("policy", "core_keep", "commitments", "budget"):
        del wb[name]
    wb.save(path)
    s = read_scenario(path)
    assert s == make_scenario()


def test_optional_columns_take_defaults(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["staff"]
    keep = {"staff_id", "school_id", "subject", "stage", "birth_date"}
    for cell in reversed(list(ws[1])):
        if cell.value not in keep:
            ws.delete_cols(cell.column)
    wb.save(path)
    s = read_scenario(path)
    assert s.staff[1].position is Position.TEACHER and s.staff[1].honor is Honor.NONE
    assert s.staff[1].name == "" and not s.staff[1].level_ok


def test_numeric_ids_and_dates_in_various_forms(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(
        path,
        "staff",
        {
            (2, "staff_id"): 101,
            (3, "staff_id"): 102.0,
            (4, "birth_date"): "1985/3/1",
            (5, "birth_date"): dt.date(1985, 3, 1),
            (5, "unavailable"): 2023,
        },
    )
    s = read_scenario(path)
    assert [p.staff_id for p in s.staff[:2]] == ["101", "102"]
    assert s.staff[2].birth_date == s.staff[3].birth_date == dt.date(1985, 3, 1)
    assert s.staff[3].unavailable == frozenset({2023})


def test_policy_file_then_policy_sheet(tmp_path: Path) -> None:
    policy_file = tmp_path / "other.yaml"
    policy_file.write_text("id: other\nparameters:\n  term_max: 3\n  max_age: 50\n")
    path = written(tmp_path)
    add_row(path, "policy", {"key": " Max Age ", "value": 40})
    s = read_scenario(path, policy_file)
    assert (s.policy.term_max, s.policy.max_age, s.policy.name) == (3, 40, "other")


def test_reads_ten_thousand_staff_quickly(tmp_path: Path) -> None:
    people = [
        staff(f"{i:018d}", unavailable=frozenset({2023}) if i % 7 == 0 else frozenset())
        for i in range(10_000)
    ]
    scenario = make_scenario(staff=people)
    path = written(tmp_path, scenario)
    start = time.perf_counter()
    back = read_scenario(path)
    elapsed = time.perf_counter() - start
    assert back == scenario
    # About 1.2 s on an idle 2-core machine; the bound leaves room for a busy CI.
    assert elapsed < 15, f"reading 10,000 staff took {elapsed:.1f}s"


# -- bad input: structure ----------------------------------------------------------


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "not.xlsx"
    path.write_text("this is not a workbook")
    problem = only(problems_of(path))
    assert "xlsx" in problem.expected
    missing = only(problems_of(tmp_path / "nowhere.xlsx"))
    assert "cannot open" in missing.expected


def test_missing_required_sheet(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["needs"]
    wb.save(path)
    problem = only(problems_of(path))
    assert problem.sheet == "needs"
    assert "no sheet 'needs'" in problem.expected and "需求" in problem.expected


def test_missing_required_column_reports_once(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["schools"].delete_cols(column_of(wb["schools"], "role"))
    wb.save(path)
    # Only the missing column: the staff and needs that name these schools
    # are not also reported as unknown.
    problem = only(problems_of(path))
    assert (problem.sheet, problem.row, problem.column) == ("schools", 1, "role")
    assert "no column 'role'" in problem.expected


def test_missing_column_still_knows_the_ids(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["schools"].delete_cols(column_of(wb["schools"], "stage"))
    wb.save(path)
    set_cells(path, "staff", {(3, "school_id"): "X9"})
    problems = problems_of(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("schools", 1, "stage"),
        ("staff", 3, "school_id"),
    }


def test_missing_id_column_does_not_cascade(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["staff"].delete_cols(column_of(wb["staff"], "staff_id"))
    wb.save(path)
    add_row(
        path,
        "commitments",
        {"staff_id": "S1", "school_id": "M1", "start_year": 2022, "end_year": 2023},
    )
    problem = only(problems_of(path))
    assert (problem.sheet, problem.column) == ("staff", "staff_id")


def test_settings_missing_and_invalid(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "settings", {(3, "key"): "start", (4, "value"): 25})
    problems = problems_of(path)
    assert_names(find(problems, "settings", 3, "key"), "settings", 3, "key", "'start'")
    horizon = find(problems, "settings", 4, "value")
    assert_names(horizon, "settings", 4, "value", "25")
    assert "1..20" in horizon.expected
    missing = find(problems, "settings", None, "key")
    assert "first_year" in missing.expected
    assert len(problems) == 3


# -- bad input: one class per test -----------------------------------------------


def test_bad_birth_date(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(3, "birth_date"): "1985-13-01"})
    problem = only(problems_of(path))
    assert_names(problem, "staff", 3, "birth_date", "'1985-13-01'")
    assert "YYYY-MM-DD" in problem.expected


def test_unknown_honor_lists_allowed_values(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(4, "honor"): "legendary"})
    problem = only(problems_of(path))
    assert_names(problem, "staff", 4, "honor", "'legendary'")
    assert "none, school, district, city, province, national" in problem.expected
    assert "区级" in problem.expected


def test_unknown_role_and_stage(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(3, "role"): "partner", (4, "stage"): "high"})
    problems = problems_of(path)
    assert_names(find(problems, "schools", 3, "role"), "schools", 3, "role", "'partner'")
    assert "core, fusion, alliance" in find(problems, "schools", 3, "role").expected
    assert_names(find(problems, "schools", 4, "stage"), "schools", 4, "stage", "'high'")
    assert len(problems) == 2  # the needs at M1 and M2 are not also reported


def test_nine_year_staff_stage(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(2, "stage"): "nine_year"})
    problem = only(problems_of(path))
    assert_names(problem, "staff", 2, "stage", "'nine_year'")
    assert "primary, junior" in problem.expected


def test_wrong_types(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(
        path,
        "staff",
        {(2, "staff_id"): 3.5, (3, "level_ok"): "maybe", (4, "unavailable"): "2023, soon"},
    )
    set_cells(path, "needs", {(2, "count"): -1, (3, "priority"): 0, (3, "year"): "next"})
    set_cells(path, "schools", {(3, "capacity"): 1.5})
    set_cells(path, "groups", {(2, "founded_year"): 22})
    problems = problems_of(path)
    assert_names(find(problems, "staff", 2, "staff_id"), "staff", 2, "staff_id", "3.5")
    assert "fraction" in find(problems, "staff", 2, "staff_id").expected
    assert_names(find(problems, "staff", 3, "level_ok"), "staff", 3, "level_ok", "'maybe'")
    unavailable = find(problems, "staff", 4, "unavailable")
    assert "'soon' is not a school year" in unavailable.expected
    assert_names(find(problems, "needs", 2, "count"), "needs", 2, "count", "-1")
    assert_names(find(problems, "needs", 3, "priority"), "needs", 3, "priority", "0")
    assert_names(find(problems, "needs", 3, "year"), "needs", 3, "year", "'next'")
    assert_names(find(problems, "schools", 3, "capacity"), "schools", 3, "capacity", "1.5")
    assert_names(find(problems, "groups", 2, "founded_year"), "groups", 2, "founded_year", "22")
    assert len(problems) == 8


def test_long_numeric_id_is_refused(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(2, "staff_id"): 3.709021985030112e17})
    problem = only(problems_of(path))
    assert problem.column == "staff_id" and "format the column as text" in problem.expected
    path = written(tmp_path, name="int.xlsx")
    set_cells(path, "staff", {(2, "staff_id"): 370902198503011234})
    assert "15 digits" in only(problems_of(path)).expected


def test_required_cell_blank(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(5, "subject"): None})
    problem = only(problems_of(path))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "staff",
        5,
        "subject",
        None,
    )
    assert "(blank)" in str(problem) and "required" in problem.expected


def test_duplicate_staff_id_names_both_rows(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(5, "staff_id"): "S2"})
    problem = only(problems_of(path))
    assert_names(problem, "staff", 5, "staff_id", "'S2'")
    assert "row 3" in problem.expected


def test_duplicate_school_and_group_ids(tmp_path: Path) -> None:
    path = written(tmp_path)
    add_row(path, "groups", {"group_id": "G1", "name": "again", "founded_year": 2022})
    set_cells(path, "schools", {(4, "school_id"): "M1"})
    problems = problems_of(path)
    assert "row 2" in find(problems, "groups", 3, "group_id").expected
    assert "row 3" in find(problems, "schools", 4, "school_id").expected


def test_staff_at_unknown_school(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(3, "school_id"): "X9"})
    problem = only(problems_of(path))
    assert_names(problem, "staff", 3, "school_id", "'X9'")
    assert "not in sheet schools" in problem.expected


def test_staff_at_member_school(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(2, "school_id"): "M1"})
    problem = only(problems_of(path))
    assert_names(problem, "staff", 2, "school_id", "'M1'")
    assert "not a core school" in problem.expected


def test_unknown_preferred_school_and_school_group(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(4, "preferred_school"): "M9"})
    set_cells(path, "schools", {(4, "group_id"): "G9"})
    problems = problems_of(path)
    assert_names(
        find(problems, "staff", 4, "preferred_school"), "staff", 4, "preferred_school", "'M9'"
    )
    assert_names(find(problems, "schools", 4, "group_id"), "schools", 4, "group_id", "'G9'")
    assert len(problems) == 2


def test_group_needs_exactly_one_core(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(4, "role"): "core"})
    problem = find(problems_of(path), "schools", 4, "role")  # (M2's need is now at a core)
    assert_names(problem, "schools", 4, "role", "'core'")
    assert "already has core school C1 (row 2)" in problem.expected
    path = written(tmp_path, name="none.xlsx")
    set_cells(path, "schools", {(2, "role"): "fusion"})
    problems = problems_of(path)
    assert "no core school" in find(problems, "groups", 2, "group_id").expected


def test_need_outside_horizon(tmp_path: Path) -> None:
    path = written(tmp_path)
    row = add_row(path, "needs", {"school_id": "M1", "year": 2030, "subject": "数学", "count": 1})
    problem = only(problems_of(path))
    assert_names(problem, "needs", row, "year", "2030")
    assert "2022..2024" in problem.expected


def test_need_at_non_member_school_in_that_year(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(4, "joined_year"): 2024})  # M2 joins in 2024
    problem = only(problems_of(path))  # M2's need in 2023
    assert_names(problem, "needs", 3, "year", "2023")
    assert "not a member of group G1 in 2023" in problem.expected
    assert "joined 2024" in problem.expected


def test_need_after_school_left(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(3, "left_year"): 2022})  # M1 joined 2022 (founding)
    problems = problems_of(path)
    # left_year must be after the (explicit) joined year; with joined blank
    # the founding year counts, so this is a membership problem of the need.
    problem = find(problems, "needs", 2, "year")
    assert "left 2022" in problem.expected


def test_need_at_core_school(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "needs", {(2, "school_id"): "C1"})
    problem = only(problems_of(path))
    assert_names(problem, "needs", 2, "school_id", "'C1'")
    assert "core school" in problem.expected


def test_nine_year_need_without_stage(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(3, "stage"): "nine_year"})
    problem = only(problems_of(path))  # M1's need has no stage
    assert (problem.sheet, problem.row, problem.column) == ("needs", 2, "stage")
    assert "nine-year" in problem.expected and "M1" in problem.expected


def test_need_stage_not_taught(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "needs", {(3, "stage"): "primary"})
    problem = only(problems_of(path))
    assert_names(problem, "needs", 3, "stage", "'primary'")
    assert "does not teach primary" in problem.expected


def test_left_year_not_after_joined_year(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(4, "joined_year"): 2023, (4, "left_year"): 2023})
    problem = only(problems_of(path))
    assert_names(problem, "schools", 4, "left_year", "2023")


def test_core_keep_commitments_budget(tmp_path: Path) -> None:
    path = written(tmp_path)
    add_row(path, "core_keep", {"school_id": "M1", "subject": "数学", "min_home": 1})
    add_row(
        path,
        "commitments",
        {"staff_id": "S9", "school_id": "M1", "start_year": 2022, "end_year": 2023},
    )
    add_row(
        path,
        "commitments",
        {"staff_id": "S1", "school_id": "M1", "start_year": 2023, "end_year": 2022},
    )
    add_row(path, "budget", {"year": 2022, "amount": 100})
    add_row(path, "budget", {"year": 2022, "amount": 200})
    problems = problems_of(path)
    assert "not a core school" in find(problems, "core_keep", 2, "school_id").expected
    assert_names(find(problems, "commitments", 2, "staff_id"), "commitments", 2, "staff_id", "'S9'")
    assert "before start_year" in find(problems, "commitments", 3, "end_year").expected
    assert "row 2" in find(problems, "budget", 3, "year").expected
    assert len(problems) == 4


def test_unknown_policy_key(tmp_path: Path) -> None:
    path = written(tmp_path)
    row = add_row(path, "policy", {"key": "max_agee", "value": 50})
    problem = only(problems_of(path))
    assert_names(problem, "policy", row, "key", "'max_agee'")
    assert "max_age" in problem.expected


def test_policy_ratio_out_of_range(tmp_path: Path) -> None:
    path = written(tmp_path)
    row = add_row(path, "policy", {"key": "ratio_first_year", "value": 1.5})
    problem = only(problems_of(path))
    assert_names(problem, "policy", row, "value", "1.5")
    assert "ratio_first_year" in problem.expected


def test_policy_term_min_above_term_max(tmp_path: Path) -> None:
    path = written(tmp_path)
    add_row(path, "policy", {"key": "term_max", "value": 3})
    row = add_row(path, "policy", {"key": "term_min", "value": 4})
    problem = only(problems_of(path))
    assert_names(problem, "policy", row, "value", "4")
    assert "term_max (3)" in problem.expected
    # Only term_max in the sheet (below the default term_min 2): its row.
    path = written(tmp_path, name="max.xlsx")
    row = add_row(path, "policy", {"key": "term_max", "value": 1})
    problem = only(problems_of(path))
    assert_names(problem, "policy", row, "value", "1")


def test_duplicate_policy_key(tmp_path: Path) -> None:
    path = written(tmp_path)
    add_row(path, "policy", {"key": "max_age", "value": 40})
    row = add_row(path, "policy", {"key": "max_age", "value": 50})
    problem = only(problems_of(path))
    assert_names(problem, "policy", row, "key", "'max_age'")


def test_all_problems_are_collected(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(2, "birth_date"): "yesterday", (4, "honor"): "gold"})
    add_row(path, "needs", {"school_id": "M2", "year": 2040, "subject": "数学", "count": 1})
    problems = problems_of(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("staff", 2, "birth_date"),
        ("staff", 4, "honor"),
        ("needs", 4, "year"),
    }
    message = str(ScenarioError(problems, "s.xlsx"))
    assert "3 problem(s)" in message


def test_no_follow_on_errors_for_unparsed_rows(tmp_path: Path) -> None:
    path = written(tmp_path)
    # S1's row fails, but its id is readable: the commitment naming S1 is fine.
    set_cells(path, "staff", {(2, "birth_date"): "unknown"})
    add_row(
        path,
        "commitments",
        {"staff_id": "S1", "school_id": "M1", "start_year": 2022, "end_year": 2023},
    )
    # M2's row fails: the need at M2 and the preference for M2 are not reported.
    set_cells(path, "schools", {(4, "capacity"): "many"})
    problems = problems_of(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("staff", 2, "birth_date"),
        ("schools", 4, "capacity"),
    }


def test_core_school_row_fails_no_missing_core_report(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "schools", {(2, "stage"): "college"})
    problem = only(problems_of(path))  # not also "group G1 has no core school"
    assert (problem.sheet, problem.row, problem.column) == ("schools", 2, "stage")


def test_problems_use_the_workbook_names(tmp_path: Path) -> None:
    path = tmp_path / "zh.xlsx"
    chinese_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["教职工"]
    ws.cell(2, column_of(ws, "出生日期")).value = "31.02.1985"
    ws.cell(3, column_of(ws, "学校")).value = "M2"
    wb.save(path)
    problems = problems_of(path)
    assert_names(find(problems, "教职工", 2, "出生日期"), "教职工", 2, "出生日期", "31.02.1985")
    assert_names(find(problems, "教职工", 3, "学校"), "教职工", 3, "学校", "'M2'")


def test_duplicate_id_of_a_row_that_failed(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "staff", {(2, "birth_date"): "soon", (4, "staff_id"): "S1"})
    problems = problems_of(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("staff", 2, "birth_date"),
        ("staff", 4, "staff_id"),
    }
    assert "already used in row 2" in find(problems, "staff", 4, "staff_id").expected


def test_empty_optional_sheet_is_ignored(tmp_path: Path) -> None:
    path = written(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["budget"]
    wb.create_sheet("budget")
    wb.save(path)
    assert read_scenario(path).budget == []


def test_formula_like_text_is_written_as_text(tmp_path: Path) -> None:
    scenario = make_scenario(name="=SUM(A1)", staff=[staff("S1", name="=1+1", subject="=数学")])
    assert read_scenario(written(tmp_path, scenario)) == scenario


def test_excel_error_value(tmp_path: Path) -> None:
    path = written(tmp_path)
    set_cells(path, "needs", {(2, "count"): "#N/A"})
    problem = only(problems_of(path))
    assert_names(problem, "needs", 2, "count", "'#N/A'")
    assert "Excel error" in problem.expected


# -- round trip of random scenarios ----------------------------------------------

_ID_CHARS = "0123456789ABCxyz-_."
_TEXT_CHARS = "abcXYZ 019=-'\"&<>,.数学语文张三李四、，　"


def _stripped(s: str) -> bool:
    return s == s.strip()


ids = st.text(_ID_CHARS, min_size=1, max_size=20).filter(lambda s: s.strip() == s and s != "")
texts = st.text(_TEXT_CHARS, max_size=12).filter(_stripped)
subjects = st.text(_TEXT_CHARS, min_size=1, max_size=6).filter(lambda s: s.strip() == s and s)
years = st.integers(1990, 2100)
decimals = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("1e6"), allow_nan=False, places=2
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Valid scenarios (every reference resolves) with awkward values."""
    first_year = draw(st.integers(1990, 2080))
    horizon = draw(st.integers(1, 20))
    last_year = first_year + horizon - 1
    school_ids = draw(st.lists(ids, min_size=2, max_size=4, unique=True))
    core, members = school_ids[0], school_ids[1:]
    schools = [school(core, Role.CORE, name=draw(texts), stage=draw(st.sampled_from(Stage)))]
    for sid in members:
        schools.append(
            school(
                sid,
                draw(st.sampled_from([Role.FUSION, Role.ALLIANCE])),
                name=draw(texts),
                stage=draw(st.sampled_from(Stage)),
                capacity=draw(st.none() | st.integers(0, 50)),
                joined_year=draw(st.none() | st.integers(1990, first_year)),
                left_year=draw(st.none() | st.integers(last_year + 1, 2100)),
            )
        )
    people = [
        staff(
            sid,
            name=draw(texts),
            school_id=core,
            subject=draw(subjects),
            stage=draw(st.sampled_from([Stage.PRIMARY, Stage.JUNIOR])),
            birth_date=draw(
                st.dates(dt.date(first_year - 69, 1, 1), dt.date(first_year - 19, 12, 31))
            ),
            position=draw(st.sampled_from(Position)),
            honor=draw(st.sampled_from(Honor)),
            level_ok=draw(st.booleans()),
            age_exception=draw(st.booleans()),
            volunteer=draw(st.booleans()),
            preferred_school=draw(st.none() | st.sampled_from(members)),
            needs_experience=draw(st.booleans()),
            unavailable=frozenset(draw(st.lists(years, max_size=3))),
        )
        for sid in draw(st.lists(ids, max_size=5, unique=True))
    ]
    # A subject cell of needs/core_keep names a subject taught, or a standard one.
    known_subjects = st.sampled_from([p.subject for p in people] + ["语文", "道德与法治"])
    needs = []
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.sampled_from(schools[1:]))
        stages = sorted(at.stage.teaches()) + ([Stage.NINE_YEAR] if len(at.stage.teaches()) > 1
                                               else [None])  # fmt: skip
        needs.append(
            need(
                at.school_id,
                draw(st.integers(first_year, last_year)),
                draw(known_subjects),
                count=draw(st.integers(0, 9)),
                stage=draw(st.sampled_from(stages)),
                priority=draw(decimals),
            )
        )
    commitments = []
    if people:
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(max(1990, first_year - 3), last_year))
            commitments.append(
                Commitment(
                    draw(st.sampled_from(people)).staff_id,
                    draw(st.sampled_from(members)),
                    start,
                    draw(st.integers(start, min(2100, start + 4))),
                )
            )
    policy = replace(
        Policy(),
        term_max=draw(st.integers(2, 6)),
        ratio_later_years=draw(st.decimals(Decimal(0), Decimal(1), places=3)),
        cost_cadre=draw(decimals),
        min_honor=draw(st.sampled_from(Honor)),
    )
    return make_scenario(
        name=draw(texts.filter(bool)),
        first_year=first_year,
        horizon=horizon,
        policy=policy,
        groups=[group("G1", name=draw(texts), founded_year=draw(st.integers(1990, first_year)))],
        schools=schools,
        staff=people,
        needs=needs,
        core_keep=[CoreKeep(core, draw(known_subjects), draw(st.integers(0, 9)))],
        commitments=commitments,
        budget=[
            BudgetRow(y, draw(decimals)) for y in draw(st.lists(years, max_size=3, unique=True))
        ],
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios())
def test_round_trip_property(tmp_path: Path, scenario: Scenario) -> None:
    assert scenario_problems(scenario) == []
    path = tmp_path / "p.xlsx"
    write_scenario(scenario, path)
    assert read_scenario(path) == scenario
