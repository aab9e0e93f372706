"""Mutual exchange (互派): member-school staff at the core school.

Hand-worked tiny worlds (conftest's group G1: core C1, fusion M1, alliance
M2, all junior; maths teachers S1.. at C1, eligible):

* CORE-KEEP binds: three maths teachers, two must stay home, so one may go;
  M1 needs 3 maths in 2022 and in 2023. One exchange 2022-2023 covers one
  unit in each year: COVER 2. A maths teacher of M2 at C1 in 2022-2023
  counts as at home, so two may go: COVER 4, exactly the 2 units the second
  teacher covers.
* A departure: X1 leaves M1 for C1 in 2022-2023 (priority 2); M1 gains a
  maths need in each of those years; S1 at M1 2022-2023 covers both:
  COVER 2 x 1 + 2 x 1 = 4.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_scenario, need, quiet_policy, school, two_group_scenario
from conftest import staff as person

from planner.analysis.replan import prepare_replan
from planner.api import BUILTIN_SCENARIO
from planner.audit import audit
from planner.cli import EXIT_OK, EXIT_VIOLATIONS, main
from planner.data import CoreKeep, Exchange, MutualMove, Plan, Scenario
from planner.enums import Role, Stage
from planner.examples.synthetic import notes
from planner.io.reader import read_scenario
from planner.io.template import write_template
from planner.io.validation import scenario_findings
from planner.io.writer import write_scenario
from planner.model.diagnose import precheck
from planner.model.solve import SolveParams, solve
from planner.problems import ScenarioError
from planner.report.roster import write_roster
from planner.report.tables import evaluation_rows
from planner.results import SolveResult, SolveStatus
from planner.rules import Rule


def move(staff_id: str = "X1", **overrides: Any) -> MutualMove:
    """A junior maths teacher of M1 at C1 in 2022-2023, priority 1, needing cover."""
    values: dict[str, Any] = {
        "staff_id": staff_id,
        "name": "李四",
        "from_school": "M1",
        "to_school": "C1",
        "subject": "数学",
        "stage": Stage.JUNIOR,
        "start_year": 2022,
        "end_year": 2023,
    }
    values.update(overrides)
    return MutualMove(**values)


def run(scenario: Scenario) -> SolveResult:
    result = solve(scenario, SolveParams(time_limit=20, workers=1))
    assert result.status is SolveStatus.OPTIMAL
    report = audit(scenario, result.plan)
    assert report.violations == []
    assert report.total_coverage == result.objective["coverage"]
    return result


def keep_world(*moves: MutualMove) -> Scenario:
    return make_scenario(
        horizon=2,
        policy=quiet_policy(),
        staff=[person("S1"), person("S2"), person("S3")],
        needs=[need("M1", 2022, count=3), need("M1", 2023, count=3)],
        core_keep=[CoreKeep("C1", "数学", 2)],
        mutual=moves,
    )


ARRIVAL = move(from_school="M2", needs_cover=False)


# ---------------------------------------------------------------------------
# CORE-KEEP: an arrival lets exactly one more teacher go


def test_an_arrival_lets_one_more_teacher_go() -> None:
    before = run(keep_world())
    assert before.objective["coverage"] == 2
    after = run(keep_world(ARRIVAL))
    assert after.objective["coverage"] == 4
    assert len(after.plan.exchanges) == 2


def test_the_audit_counts_arrivals_at_home() -> None:
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S2", "M1", 2022, 2023)])
    without = audit(keep_world(), plan)
    assert [(v.rule, v.year) for v in without.violations] == [
        (Rule.CORE_KEEP, 2022),
        (Rule.CORE_KEEP, 2023),
    ]
    report = audit(keep_world(ARRIVAL), plan)
    assert report.violations == []
    keeps = [c for c in report.checks if c.rule == Rule.CORE_KEEP]
    # 3 own - 2 away + 1 arrived = 2 at home, each year
    assert [(c.year, c.achieved) for c in keeps] == [(2022, 2), (2023, 2)]


def test_planner_check_recomputes_core_keep_with_arrivals(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    exchanges = [
        {"staff_id": s, "school_id": "M1", "start_year": 2022, "end_year": 2023}
        for s in ("S1", "S2")
    ]
    plan.write_text(json.dumps({"status": "feasible", "exchanges": exchanges, "objective": {}}))
    with_arrival, without = tmp_path / "with.xlsx", tmp_path / "without.xlsx"
    write_scenario(keep_world(ARRIVAL), with_arrival)
    write_scenario(keep_world(), without)
    result = CliRunner().invoke(main, ["check", str(with_arrival), str(plan)])
    assert result.exit_code == EXIT_OK, result.output
    result = CliRunner().invoke(main, ["check", str(without), str(plan)])
    assert result.exit_code == EXIT_VIOLATIONS
    assert "CORE-KEEP" in result.output


def test_precheck_counts_arrivals() -> None:
    # ceil(0.5 x 3) = 2 must start in 2022; CORE-KEEP lets 3 - 2 = 1 go
    # without the arrival, 3 - 2 + 1 = 2 with it.
    policy = quiet_policy(ratio_first_year=Decimal("0.5"))
    only_2022 = [need("M1", 2022, count=3)]
    lone = replace(keep_world(), horizon=1, policy=policy, needs=only_2022)
    conflicts = precheck(lone)
    assert any(Rule.CORE_KEEP in c.rules for c in conflicts)
    helped = replace(keep_world(ARRIVAL), horizon=1, policy=policy, needs=only_2022)
    assert precheck(helped) == []
    assert run(helped).objective["coverage"] == 2


# ---------------------------------------------------------------------------
# Departures: a need at the member school


def test_a_departure_adds_a_need_the_plan_covers(tmp_path: Path) -> None:
    sc = make_scenario(
        horizon=2,
        policy=quiet_policy(),
        staff=[person("S1")],
        needs=[],
        mutual=(move(priority=Decimal(2)),),
    )
    assert [(n.school_id, n.year, n.count, n.priority, n.mutual_from) for n in sc.all_needs] == [
        ("M1", 2022, 1, 2, ("X1",)),
        ("M1", 2023, 1, 2, ("X1",)),
    ]
    assert sc.needs == []  # the needs sheet is left as it was
    result = run(sc)
    assert result.plan.exchanges == (Exchange("S1", "M1", 2022, 2023),)
    assert result.objective["coverage"] == 4
    out = tmp_path / "roster.xlsx"
    write_roster(out, sc, result, audit(sc, result.plan), lang="zh")
    wb = openpyxl.load_workbook(out)
    rows = list(wb["需求覆盖"].iter_rows(values_only=True))
    head = rows[0]
    got = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [
        (r["学校编号"], r["学年"], r["已覆盖"], r["加权覆盖"], r["因互派新增"]) for r in got
    ] == [
        ("M1", 2022, 1, 2, "X1 李四 (数学, 融合校→核心校)"),
        ("M1", 2023, 1, 2, "X1 李四 (数学, 融合校→核心校)"),
    ]
    mutual = list(wb["互派"].iter_rows(values_only=True))
    assert mutual[1][:3] == ("X1", "李四", "M1")
    by_school = list(wb["按学校"].iter_rows(values_only=True))
    core_rows = [r for r in by_school[1:] if r[0] == "C1"]
    assert [r[-1] for r in core_rows] == ["X1 李四 (数学, 融合校→核心校)"] * 2


def test_a_departure_without_cover_adds_no_need() -> None:
    sc = make_scenario(needs=[], mutual=(move(needs_cover=False),))
    assert sc.all_needs == ()


def test_a_departure_adds_to_a_matching_needs_row() -> None:
    sc = make_scenario(
        needs=[need("M1", 2022, count=1, priority=Decimal(2))],
        mutual=(move(priority=Decimal(2)),),
    )
    # 2022: the sheet's row, one more; 2023: a row of its own after the sheet's.
    assert [(n.year, n.count, n.mutual_from) for n in sc.all_needs] == [
        (2022, 2, ("X1",)),
        (2023, 1, ("X1",)),
    ]


def test_an_unmet_departure_need_is_a_gap() -> None:
    sc = make_scenario(
        horizon=2, policy=quiet_policy(), staff=[person("S1", subject="语文")], needs=[],
        mutual=(move(),),
    )  # fmt: skip
    report = audit(sc, run(sc).plan)
    assert [(c.need.year, c.covered) for c in report.coverage] == [(2022, 0), (2023, 0)]


# ---------------------------------------------------------------------------
# Quotas: mutual moves never count


def test_mutual_moves_do_not_count_towards_quotas() -> None:
    # ceil(0.5 x 2) = 1 must start in 2022: the headcount is the core's own
    # 2 staff (not 4 with the arrivals), and the arrivals are no starts.
    sc = make_scenario(
        horizon=1,
        policy=quiet_policy(ratio_first_year=Decimal("0.5")),
        staff=[person("S1"), person("S2")],
        needs=[],
        mutual=(move("X1", needs_cover=False), move("X2", from_school="M2", needs_cover=False)),
    )
    result = run(sc)
    report = audit(sc, result.plan)
    quota = [c for c in report.checks if c.rule == Rule.TEACHER_QUOTA]
    starts = sum(1 for e in result.plan.exchanges if e.start_year == 2022)
    assert starts >= 1
    assert [(c.required, c.achieved) for c in quota] == [(1, starts)]
    row = evaluation_rows(sc, result.plan, report)[0]
    assert (row.staff_started, row.mutual_arrivals) == (starts, 2)
    empty = audit(sc, Plan.of([]))
    assert [v.rule for v in empty.violations] == [Rule.TEACHER_QUOTA]


# ---------------------------------------------------------------------------
# Validation of the mutual sheet


def findings(*moves: MutualMove, **kw: Any) -> list[tuple[str, object, str | None]]:
    sc = two_group_scenario(mutual=moves, **kw)
    return [(f.column or "", f.value, f.rule) for f in scenario_findings(sc) if f.sheet == "mutual"]


def test_a_valid_move_has_no_finding() -> None:
    assert findings(move()) == []


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (move(from_school="C1"), ("from_school", "C1", Rule.MEMBERSHIP)),
        (move(to_school="C2"), ("to_school", "C2", Rule.MEMBERSHIP)),
        (move(to_school="M2"), ("to_school", "M2", Rule.MEMBERSHIP)),
        (move(end_year=2022), ("end_year", 2022, Rule.TERM)),
        (move(start_year=2022, end_year=2027), ("end_year", 2027, Rule.TERM)),
        (move(start_year=2024, end_year=2023), ("end_year", 2023, None)),
        (move(start_year=2030, end_year=2031), ("start_year", 2030, None)),
        (move(from_school="Z9"), ("from_school", "Z9", None)),
        (move(to_school="Z9"), ("to_school", "Z9", None)),
        (move("S1"), ("staff_id", "S1", None)),
        (move(from_school="M2"), ("stage", "junior", None)),
    ],
)
def test_each_bad_move_is_named(bad: MutualMove, expected: tuple[str, object, str | None]) -> None:
    assert findings(bad) == [expected]


def test_to_school_names_the_right_core() -> None:
    sc = two_group_scenario(mutual=(move(to_school="C2"),))
    (finding,) = scenario_findings(sc)
    assert "C1" in finding.expected


def test_membership_in_every_year() -> None:
    got = findings(move(), school_overrides={"M1": {"left_year": 2023}})
    assert got == [("end_year", 2023, Rule.MEMBERSHIP)]


def test_moves_of_one_person_may_not_overlap() -> None:
    got = findings(
        move(),
        move(start_year=2023, end_year=2024),
        move(start_year=2025, end_year=2026),
        horizon=5,
    )
    assert got == [("start_year", 2023, Rule.ONE_PLACE)]


def test_the_reader_names_sheet_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    write_scenario(make_scenario(mutual=(move(), move("X2", to_school="M2"))), path)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "mutual",
        3,
        "to_school",
        "M2",
    )
    assert "C1" in problem.expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sheet_reads_back_from_the_template(tmp_path: Path, lang: str) -> None:
    sc = make_scenario(mutual=(move(priority=Decimal("1.5")), move("X2", needs_cover=False)))
    path = tmp_path / "t.xlsx"
    write_template(path, lang=lang, scenario=sc)
    if lang == "zh":
        ws = openpyxl.load_workbook(path)["互派"]
        assert [c.value for c in ws[1]] == [
            "工号", "姓名", "派出学校", "接收学校", "学科", "学段", "开始学年", "结束学年",
            "优先级", "需补位", "提前结束", "原因",
        ]  # fmt: skip
    assert read_scenario(path).mutual == sc.mutual


def test_mutual_rows_round_trip_through_the_writer(tmp_path: Path) -> None:
    sc = make_scenario(mutual=(move(from_school="M2", stage=Stage.JUNIOR),))
    path = tmp_path / "s.xlsx"
    write_scenario(sc, path)
    assert read_scenario(path).mutual == sc.mutual
    assert sc.school_by_id["M2"].role is Role.ALLIANCE


# ---------------------------------------------------------------------------
# Replanning: a mutual move whose member leaves the group ends early


def test_replan_cuts_a_move_whose_member_leaves() -> None:
    sc = make_scenario(
        horizon=3,
        policy=quiet_policy(),
        schools=[
            school("C1", Role.CORE),
            school("M1", Role.FUSION, left_year=2024),
            school("M2", Role.ALLIANCE),
        ],
        needs=[],
        core_keep=[CoreKeep("C1", "数学", 2)],
        mutual=(move(end_year=2024), move("X2", from_school="M2", end_year=2022)),
    )
    prepared = prepare_replan(sc, Plan.of([]), 2023)
    # X1 served 2022-2023 (M1 leaves in 2024), marked ended early with the
    # reason; X2 ended before 2023: dropped.
    (served,) = prepared.scenario.mutual
    assert served == move(end_year=2023, ended_early=True)
    assert served.reason == "M1 2024年起退出集团"
    assert any("X1" in m and "2023" in m for m in prepared.messages)
    # The departure's need follows the years served: 2023 only (2024: none).
    assert [(n.school_id, n.year) for n in prepared.scenario.all_needs] == [("M1", 2023)]
    assert prepared.scenario.arrivals("C1", "数学", 2023) == 1
    assert prepared.scenario.arrivals("C1", "数学", 2024) == 0


# ---------------------------------------------------------------------------
# The built-in scenario


def test_builtin_scenario_has_example_mutual_moves_and_solves_to_optimal() -> None:
    sc = read_scenario(BUILTIN_SCENARIO)
    assert len(sc.mutual) == 8  # two per group: one needing cover, one not
    assert sum(m.needs_cover for m in sc.mutual) == 4
    assert len(sc.all_needs) == len(sc.needs) + 8  # 4 moves x 2 years, rows of their own
    assert any("互派" in line for line in notes(2022))
    result = solve(sc, SolveParams(time_limit=120))
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective["coverage"] == 1836 == result.objective["coverage_bound"]
    report = audit(sc, result.plan)
    assert report.violations == [] and report.total_coverage == 1836
    # Every arrival is at a core school and subject with a CORE-KEEP row.
    kept = {(k.school_id, k.subject) for k in sc.core_keep}
    assert all((m.to_school, m.subject) in kept for m in sc.mutual)


def _shortened(tmp_path: Path, **marks: Any) -> Path:
    """A workbook whose 2022-2024 move was cut by the user to 2022 (one year,
    under TERM's minimum of 2), with ``marks`` on the row."""
    sc = make_scenario(horizon=3, mutual=(move(end_year=2022, **marks),))
    path = tmp_path / "short.xlsx"
    write_scenario(sc, path)
    return path


def test_a_move_marked_ended_early_may_be_shorter_than_the_term(tmp_path: Path) -> None:
    path = _shortened(tmp_path, ended_early=True, reason="调回成员校")
    (read,) = read_scenario(path).mutual  # no ScenarioError: TERM's minimum is waived
    assert (read.term, read.ended_early, read.reason) == (1, True, "调回成员校")


def test_a_shortened_move_without_the_mark_breaks_term_and_says_how_to_fix(
    tmp_path: Path,
) -> None:
    with pytest.raises(ScenarioError) as caught:
        read_scenario(_shortened(tmp_path))
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "mutual",
        2,
        "end_year",
        2022,
    )
    assert "2022-2022 is 1 school years, not within the term 2..5" in problem.expected
    assert "mark the move as ended early" in problem.expected


def test_ended_early_is_never_exempt_from_the_maximum(tmp_path: Path) -> None:
    sc = make_scenario(horizon=3, mutual=(move(start_year=2022, end_year=2027, ended_early=True),))
    found = [f.expected for f in scenario_findings(sc) if f.column == "end_year"]
    assert any("2022-2027 is 6 school years, not within the term 1..5" in e for e in found)
