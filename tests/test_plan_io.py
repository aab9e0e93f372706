"""Plan input and output (planner.io.plans): JSON and roster workbooks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.audit import audit
from planner.data import Exchange, Group, Need, Plan, Scenario, School, Staff
from planner.enums import Honor, Role, Stage
from planner.io.plans import plan_from_document, plan_to_json, read_plan, write_json
from planner.policy import Policy
from planner.problems import ScenarioError
from planner.results import SolveResult, SolveStatus

PLAN = Plan.of(
    [
        Exchange("007", "M1", 2022, 2023),
        Exchange("S2", "学校2", 2023, 2025),
    ]
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def workbook(path: Path, sheet: str, rows: list[list[object]], *, other: bool = True) -> Path:
    wb = Workbook()
    first = wb.active
    assert first is not None
    if other:
        first.title = "summary"
        first.append(["item", "value"])
        ws = wb.create_sheet(sheet)
    else:
        first.title = sheet
        ws = first
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def test_plan_to_json_is_the_contract_form() -> None:
    doc = plan_to_json(
        "optimal",
        PLAN,
        {"coverage": Decimal("12"), "coverage_bound": Decimal("12.0"), "fairness": Decimal("0.5")},
        {"shortfalls": [{"rule": "BUDGET", "amount": Decimal("500.50")}]},
    )
    assert doc == {
        "status": "optimal",
        "exchanges": [
            {"staff_id": "007", "school_id": "M1", "start_year": 2022, "end_year": 2023},
            {"staff_id": "S2", "school_id": "学校2", "start_year": 2023, "end_year": 2025},
        ],
        "objective": {"coverage": 12, "coverage_bound": 12, "fairness": 0.5},
        "shortfalls": [{"rule": "BUDGET", "amount": 500.5}],
    }
    assert isinstance(doc["objective"]["coverage"], int)
    assert isinstance(doc["objective"]["coverage_bound"], int)
    assert set(plan_to_json("infeasible", Plan(()), {})) == {"status", "exchanges", "objective"}
    with pytest.raises(ValueError, match="status"):
        plan_to_json("optimal", PLAN, {}, {"status": "x"})


def test_json_round_trip_keeps_ids_as_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_json(plan_to_json("feasible", PLAN, {"coverage": Decimal(3), "x": None}), path)
    text = path.read_text(encoding="utf-8")
    assert "学校2" in text  # not escaped
    assert text.startswith('{\n  "status": "feasible"')
    assert json.loads(text)["objective"] == {"coverage": 3, "x": None}
    assert read_plan(path) == PLAN
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left


def test_write_json_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old", encoding="utf-8")
    write_json({"status": "optimal", "exchanges": [], "objective": {}}, path)
    assert json.loads(path.read_text(encoding="utf-8"))["status"] == "optimal"
    with pytest.raises(ValueError):  # strict JSON: no NaN
        write_json({"status": "feasible", "objective": {"x": float("nan")}}, path)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_json({"status": "feasible"}, path)
    assert json.loads(path.read_text(encoding="utf-8"))["status"] == "optimal"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # temporary file removed


def test_json_plan_without_status_and_with_numeric_id(tmp_path: Path) -> None:
    path = tmp_path / "hand.json"
    path.write_text(
        json.dumps(
            {
                "exchanges": [
                    {"staff_id": 7, "school_id": "M1", "start_year": "2022", "end_year": 2023.0}
                ]
            }
        ),
        encoding="utf-8",
    )
    assert read_plan(path) == Plan.of([Exchange("7", "M1", 2022, 2023)])


def test_json_not_in_the_contract_form(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_plan(path)
    assert "contract form" in str(err.value) and str(path) in str(err.value)

    path.write_text('{"exchanges": [{"staff_id": "S1", "school_id": "M1", "start_year": 2022.5}]}')
    with pytest.raises(ScenarioError) as err:
        read_plan(path)
    problems = err.value.problems
    assert [(p.column, p.value) for p in problems] == [
        ("exchanges[0].start_year", 2022.5),
        ("exchanges[0].end_year", None),
    ]
    assert "four-digit school year" in problems[0].expected

    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        read_plan(path)


def test_plan_from_document_names_its_source() -> None:
    with pytest.raises(ScenarioError, match="doc"):
        plan_from_document({"status": "optimal"}, "doc")


# ---------------------------------------------------------------------------
# roster workbooks
# ---------------------------------------------------------------------------


def test_roster_with_english_headers(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "roster.xlsx",
        "roster",
        [
            ["name", "staff_id", "home_school_id", "school_id", "start_year", "end_year", "note"],
            ["张三", "007", "C1", "M1", 2022, 2023, "x"],
            [None, None, None, None, None, None, None],  # blank row: skipped
            ["李四", 7, "C1", "M2", "2023", 2024.0, None],
        ],
    )
    before = digest(path)
    plan = read_plan(path)
    assert plan == Plan.of([Exchange("007", "M1", 2022, 2023), Exchange("7", "M2", 2023, 2024)])
    assert digest(path) == before  # never modified


def test_roster_with_chinese_headers(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "名单.xlsx",
        "交流名单",
        [
            ["姓名", "工号", "派出学校编号", "接收学校编号", "开始学年", "结束学年"],
            ["张三", "007", "C1", "M1", "2022学年", 2023],
        ],
    )
    assert read_plan(path) == Plan.of([Exchange("007", "M1", 2022, 2023)])
    short = workbook(
        tmp_path / "短.xlsx",
        "交流名单",
        [["工号", "学校编号", "开始学年", "结束学年"], ["008", "M2", 2022, 2024]],
        other=False,
    )
    assert read_plan(short) == Plan.of([Exchange("008", "M2", 2022, 2024)])


def test_roster_bad_year_cell_names_sheet_row_column_and_form(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "roster.xlsx",
        "roster",
        [
            ["staff_id", "school_id", "start_year", "end_year"],
            ["S1", "M1", 2022, 2023],
            ["S2", "M1", "next year", 2023],
            ["S3", None, 2022, 2022.5],
        ],
    )
    with pytest.raises(ScenarioError) as err:
        read_plan(path)
    text = str(err.value)
    assert str(path) in text
    assert (
        "sheet 'roster', row 3, column 'start_year': found 'next year'; "
        "expected a four-digit school year as a whole number (e.g. 2022)"
    ) in text
    assert [(p.sheet, p.row, p.column) for p in err.value.problems] == [
        ("roster", 3, "start_year"),
        ("roster", 4, "school_id"),
        ("roster", 4, "end_year"),
    ]
    assert "required" in err.value.problems[1].expected


def test_roster_missing_column_and_missing_sheet(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "roster.xlsx",
        "交流名单",
        [["工号", "接收学校编号", "开始学年"], ["S1", "M1", 2022]],
    )
    with pytest.raises(ScenarioError) as err:
        read_plan(path)
    (problem,) = err.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("交流名单", 1, "end_year")
    assert "结束学年" in problem.expected
    nosheet = workbook(tmp_path / "other.xlsx", "plan", [["staff_id"]])
    with pytest.raises(ScenarioError, match="a sheet named 'roster'"):
        read_plan(nosheet)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="exists"):
        read_plan(tmp_path / "nope.json")


# ---------------------------------------------------------------------------
# the roster writer's workbook reads back as the same plan
# ---------------------------------------------------------------------------


def tiny_scenario() -> Scenario:
    staff = [
        Staff(
            sid,
            f"教师{sid}",
            "C1",
            "数学",
            Stage.JUNIOR,
            dt.date(1985, 3, 1),
            honor=Honor.DISTRICT,
            level_ok=True,
        )
        for sid in ("007", "S2")
    ]
    return Scenario(
        "tiny",
        2022,
        2,
        Policy(
            cadre_min_first_year=0, ratio_first_year=Decimal("0.5"), ratio_later_years=Decimal(0)
        ),
        [Group("G1", "集团", 2022)],
        [
            School("C1", "核心校", "G1", Role.CORE, Stage.JUNIOR),
            School("M1", "成员校", "G1", Role.FUSION, Stage.JUNIOR),
        ],
        staff,
        needs=[Need("M1", 2022, "数学", 1)],
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_written_roster_reads_back(tmp_path: Path, lang: str) -> None:
    from planner.report.roster import write_roster

    sc = tiny_scenario()
    plan = Plan.of([Exchange("007", "M1", 2022, 2023)])
    report = audit(sc, plan)
    assert report.valid and report.total_coverage == 1
    result = SolveResult(SolveStatus.OPTIMAL, plan, {"coverage": Decimal(1)})
    path = tmp_path / f"roster-{lang}.xlsx"
    write_roster(path, sc, result, report, lang=lang)
    assert read_plan(path) == plan
