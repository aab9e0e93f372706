"""REPEAT-GAP, HORIZON and BAN end to end, ``solve --keep`` and the bare
``--allow-shortfall``: through the CLI and the scenario workbook.

The tiny scenario is conftest's (group G1 founded 2022: core C1, fusion M1,
alliance M2; horizon 2022-2024) with ten teachers S0..S9 and two middle
cadres K0, K1 at C1, under the Taishan defaults: 2 staff and 2 cadres start
in 2022 (15% of 12, rounded up; cadre minimum 2), 1 in 2023 and in 2024.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_scenario, staff

from planner.audit import audit
from planner.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, EXIT_VIOLATIONS, main
from planner.data import Ban, Exchange, Honor, Plan, Position
from planner.examples.generate import generate_scenario
from planner.io.reader import read_scenario
from planner.io.template import write_template
from planner.io.writer import write_scenario
from planner.model.solve import SolveParams, solve
from planner.policy import Policy
from planner.problems import ScenarioError
from planner.results import SolveStatus


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    people = [staff(f"S{i}") for i in range(10)]
    people += [staff(f"K{i}", position=Position.MIDDLE) for i in range(2)]
    write_scenario(make_scenario(staff=people), path)
    return path


def write_plan(path: Path, *exchanges: tuple[str, str, int, int]) -> Path:
    keys = ("staff_id", "school_id", "start_year", "end_year")
    doc = {"status": "feasible", "exchanges": [dict(zip(keys, e, strict=True)) for e in exchanges]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def closest_repeat(plan: Plan) -> int | None:
    """The fewest school years at home between two exchanges of one person."""
    rests = []
    for person in {e.staff_id for e in plan.exchanges}:
        mine = sorted(plan.by_staff(person), key=lambda e: e.start_year)
        rests += [b.start_year - a.end_year - 1 for a, b in itertools.pairwise(mine)]
    return min(rests, default=None)


# -- REPEAT-GAP and HORIZON through `planner check` ----------------------------


def test_check_rejects_back_to_back_exchanges_of_one_person(tiny: Path, tmp_path: Path) -> None:
    # A valid plan (quotas met), then S0 sent again straight after 2022-2023.
    valid = [
        ("K0", "M1", 2022, 2023),
        ("K1", "M2", 2022, 2023),
        ("S0", "M1", 2022, 2023),
        ("S1", "M2", 2023, 2024),
        ("S2", "M1", 2024, 2025),
    ]
    code, out = run("check", str(tiny), str(write_plan(tmp_path / "ok.json", *valid)))
    assert code == EXIT_OK, out
    again = [*valid[:4], ("S0", "M1", 2024, 2025)]
    code, out = run("check", str(tiny), str(write_plan(tmp_path / "bad.json", *again)))
    assert code == EXIT_VIOLATIONS
    lines = [line for line in out.splitlines() if line.strip().startswith("REPEAT-GAP")]
    assert len(lines) == 1 and "S0" in lines[0] and "2024" in lines[0], out


def test_check_rejects_an_invented_past_exchange(tiny: Path, tmp_path: Path) -> None:
    plan = [
        ("K0", "M1", 2022, 2023),
        ("K1", "M2", 2022, 2023),
        ("S0", "M1", 2022, 2023),
        ("S1", "M2", 2023, 2024),
        ("S2", "M1", 2024, 2025),
        ("S3", "M2", 2020, 2021),  # before the horizon, no commitment
    ]
    code, out = run("check", str(tiny), str(write_plan(tmp_path / "past.json", *plan)))
    assert code == EXIT_VIOLATIONS
    lines = [line for line in out.splitlines() if line.strip().startswith("HORIZON")]
    assert len(lines) == 1 and "S3" in lines[0] and "2020" in lines[0], out


# -- REPEAT-GAP on real-sized plans --------------------------------------------


def test_generated_plan_keeps_a_year_home_between_exchanges() -> None:
    scenario = generate_scenario("district", 1, seed=5)
    assert scenario.policy.repeat_gap_years == 1
    result = solve(scenario, SolveParams(time_limit=60, workers=1))
    assert result.status.has_plan
    assert audit(scenario, result.plan).violations == []
    rest = closest_repeat(result.plan)
    assert rest is None or rest >= 1


def test_builtin_plan_keeps_a_year_home_and_is_proven_optimal() -> None:
    from planner import api

    scenario = api.load_scenario()
    result = solve(scenario, SolveParams(time_limit=300, workers=1))
    assert result.status is SolveStatus.OPTIMAL
    # The proven optimum with REPEAT-GAP 1 (README, benchmarks/README.md).
    assert result.objective["coverage"] == 1836
    assert str(result.objective["fairness"]) == "0.4844"
    assert result.objective["preference_penalty"] == 835
    rest = closest_repeat(result.plan)
    assert rest is None or rest >= 1
    assert audit(scenario, result.plan).violations == []


# -- --allow-shortfall without a value -----------------------------------------


@pytest.fixture
def short(tmp_path: Path) -> Path:
    """15% of 20 = 3 must start in 2022; only 2 staff hold a district honour."""
    people = [staff("E0"), staff("E1")] + [staff(f"H{i}", honor=Honor.SCHOOL) for i in range(18)]
    path = tmp_path / "short.xlsx"
    write_scenario(
        make_scenario(staff=people, needs=[], policy=Policy(cadre_min_first_year=0)), path
    )
    return path


def test_bare_allow_shortfall_relaxes_every_count_rule(short: Path, tmp_path: Path) -> None:
    bare, named = tmp_path / "bare.json", tmp_path / "named.json"
    code, out = run("solve", str(short), "--json", str(bare), "--quiet", "--allow-shortfall")
    assert code == EXIT_OK, out
    code, out = run(
        "solve", str(short), "--json", str(named), "--quiet",
        "--allow-shortfall", "TEACHER-QUOTA", "--allow-shortfall", "CAPACITY",
    )  # fmt: skip
    assert code == EXIT_OK, out
    total = [
        sum(s["amount"] for s in json.loads(p.read_text(encoding="utf-8"))["shortfalls"])
        for p in (bare, named)
    ]
    # Starts required 3 + 1 + 1 = 5; E0 and E1 can start once each in the
    # horizon (2-year terms and a year home between): 3 short either way.
    assert total == [3, 3]
    code, out = run("solve", str(short), "--quiet", "--allow-shortfall", "NOPE")
    assert code == EXIT_BAD_INPUT and "NOPE" in out


# -- BAN: the sheet ------------------------------------------------------------


def test_bans_sheet_round_trip_and_chinese_template(tmp_path: Path) -> None:
    scenario = make_scenario(bans=(Ban("S1", "M1", "家庭原因"), Ban("S2", None)))
    path = tmp_path / "s.xlsx"
    write_scenario(scenario, path)
    assert read_scenario(path).bans == scenario.bans
    zh = tmp_path / "zh.xlsx"
    write_template(zh, "zh", scenario)
    ws = openpyxl.load_workbook(zh)["禁派"]
    assert [c.value for c in ws[1]] == ["工号", "学校编号", "备注"]
    formulas = sorted(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert formulas == ["=ids_school", "=ids_staff"]
    assert read_scenario(zh).bans == scenario.bans


def test_bans_with_unknown_ids_are_refused_naming_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(make_scenario(bans=(Ban("S1", "M9"), Ban("X7", None))), path)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(path)
    found = {(p.sheet, p.row, p.column, p.value) for p in caught.value.problems}
    assert found == {("bans", 2, "school_id", "M9"), ("bans", 3, "staff_id", "X7")}


def test_a_total_ban_leaves_a_person_home_and_the_precheck_counts_it() -> None:
    from planner.model.diagnose import precheck

    # Two eligible teachers, 15% of 2 = 1 must start in 2022 (a one-year
    # horizon): fine until both are banned, then the pre-check names BAN as
    # what excludes them.
    people = [staff("S1"), staff("S2")]
    s = make_scenario(staff=people, needs=[], policy=Policy(cadre_min_first_year=0), horizon=1)
    assert precheck(s) == []
    banned = replace(s, bans=(Ban("S1", None), Ban("S2", "M1"), Ban("S2", "M2")))
    (conflict,) = precheck(banned)
    assert "BAN" in conflict.rules and "BAN excludes 2" in conflict.message


# -- solve --keep EDITED_ROSTER ------------------------------------------------


def edit_roster(source: Path, target: Path, rows: list[tuple[str, str, int, int, str]]) -> None:
    """``source``'s roster with its first data rows replaced by ``rows``
    (staff, school, start, end, 已定交流) and every other row marked 否."""
    wb = openpyxl.load_workbook(source)
    ws = wb["交流名单"]
    col = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        ws.cell(r, col["已定交流"], "否")
    for r, (sid, school, start, end, mark) in enumerate(rows, start=2):
        for header, value in zip(
            ("工号", "接收学校编号", "开始学年", "结束学年", "已定交流"),
            (sid, school, start, end, mark),
            strict=True,
        ):
            ws.cell(r, col[header], value)
    wb.save(target)


def test_keep_locked_rows_of_an_edited_roster(tiny: Path, tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    assert run("solve", str(tiny), "--out", str(roster), "--quiet")[0] == EXIT_OK
    edited = tmp_path / "edited.xlsx"
    chosen = [("S7", "M2", 2023, 2025, "是"), ("S8", "M1", 2024, 2026, "是")]
    edit_roster(roster, edited, chosen)
    plan = tmp_path / "kept.json"
    code, out = run("solve", str(tiny), "--keep", str(edited), "--json", str(plan), "--quiet")
    assert code == EXIT_OK, out
    doc = json.loads(plan.read_text(encoding="utf-8"))
    got = {
        (e["staff_id"], e["school_id"], e["start_year"], e["end_year"]) for e in doc["exchanges"]
    }
    assert {("S7", "M2", 2023, 2025), ("S8", "M1", 2024, 2026)} <= got
    # S7 and S8 have no exchange besides the kept one.
    assert sorted(e[0] for e in got if e[0] in ("S7", "S8")) == ["S7", "S8"]
    code, out = run("check", str(tiny), str(plan))
    assert code == EXIT_OK, out


def test_keep_a_row_that_breaks_a_rule_is_refused(tiny: Path, tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    assert run("solve", str(tiny), "--out", str(roster), "--quiet")[0] == EXIT_OK
    one_year = tmp_path / "one_year.xlsx"
    edit_roster(roster, one_year, [("S7", "M2", 2023, 2023, "是")])
    code, out = run("solve", str(tiny), "--keep", str(one_year), "--quiet")
    assert code == EXIT_INFEASIBLE
    assert "LOCKED commitments break TERM G1 2023 M2 S7" in out, out
    unknown = tmp_path / "unknown.xlsx"
    edit_roster(roster, unknown, [("X9", "M2", 2023, 2024, "是")])
    code, out = run("solve", str(tiny), "--keep", str(unknown), "--quiet")
    assert code == EXIT_BAD_INPUT
    assert "sheet '交流名单', row 2, column 'staff_id': found 'X9'" in out, out
    bad_mark = tmp_path / "mark.xlsx"
    edit_roster(roster, bad_mark, [("S7", "M2", 2023, 2024, "也许")])
    code, out = run("solve", str(tiny), "--keep", str(bad_mark), "--quiet")
    assert code == EXIT_BAD_INPUT and "也许" in out, out


def test_kept_exchange_is_a_commitment_of_the_solved_scenario(tiny: Path, tmp_path: Path) -> None:
    from planner import api

    roster = tmp_path / "r.xlsx"
    assert run("solve", str(tiny), "--out", str(roster), "--quiet")[0] == EXIT_OK
    edited = tmp_path / "edited.xlsx"
    edit_roster(roster, edited, [("S7", "M2", 2023, 2025, "是")])
    kept = api.keep_from_roster(read_scenario(tiny), edited)
    assert kept.commitments == [Exchange("S7", "M2", 2023, 2025)]


def test_explain_names_the_ban_of_an_unplaced_person() -> None:
    from planner.analysis.explain import explain
    from planner.rules import Rule

    s = make_scenario(
        staff=[staff("S1"), staff("S2")],
        needs=[],
        policy=Policy(cadre_min_first_year=0, ratio_first_year=0, ratio_later_years=0),
        bans=(Ban("S2", None, "病休"),),
    )
    out = explain(s, Plan.of([]), "S2")
    assert out.ineligible == {2022: ["BAN"], 2023: ["BAN"], 2024: ["BAN"]}
    assert Rule.BAN.zh == "禁派" and "BAN" in out.sentences[0]


def test_rule_checks_sheet_reports_a_commitment_kept_against_a_ban() -> None:
    from planner.report.tables import rule_check_rows

    lock = Exchange("S1", "M1", 2022, 2023)
    s = make_scenario(
        staff=[staff("S1"), staff("S2")],
        needs=[],
        policy=Policy(cadre_min_first_year=0, ratio_first_year=0, ratio_later_years=0),
        commitments=[lock],
        bans=(Ban("S1", "M1", "家庭原因"),),
    )
    report = audit(s, Plan.of([lock, Exchange("S2", "M2", 2022, 2023)]))
    assert report.violations == []
    (row,) = [r for r in rule_check_rows(s, report) if r.rule == "BAN"]
    assert (row.checked, row.violated, row.status) == (2, 0, "ok")
    assert row.note.startswith("S1: 既定交流照常保留") and "家庭原因" in row.note
