"""The report tables (planner.report.tables) on tiny hand-made plans and audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import hand_report, make_scenario, need, school, staff

from planner.data import Commitment, CoreKeep, Exchange, Plan
from planner.enums import Honor, Position, Role, Stage
from planner.report.tables import (
    build_tables,
    by_school_rows,
    coverage_rows,
    evaluation_rows,
    roster_rows,
    rule_check_rows,
    staff_rows,
    summary_rows,
)
from planner.results import (
    AuditReport,
    LevelResult,
    RuleCheck,
    SolveResult,
    SolveStatus,
    Violation,
)


def check(
    rule: str, year: int | None, scope: str | None, ok: bool = True, **kw: object
) -> RuleCheck:
    values: dict[str, object] = {
        "rule": rule,
        "group_id": "G1",
        "year": year,
        "scope": scope,
        "required": None,
        "achieved": None,
        "status": "ok" if ok else "violated",
        "note": "",
    }
    values.update(kw)
    return RuleCheck(**values)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# roster


def test_roster_rows_one_per_exchange_with_receiving_school_and_locked_flag() -> None:
    sc = make_scenario(commitments=[Commitment("S1", "M1", 2022, 2023)])
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S3", "M2", 2023, 2024)])
    rows = roster_rows(sc, plan)
    assert [(r.staff_id, r.school_id, r.start_year, r.end_year) for r in rows] == [
        ("S1", "M1", 2022, 2023),
        ("S3", "M2", 2023, 2024),
    ]
    s1, s3 = rows
    assert s1.locked and not s3.locked
    assert s1.home_school_id == "C1" and s1.home_school_name == "核心校"
    assert s1.school_name == "融合校" and s1.group == "集团G1"
    assert s1.term == 2 and s1.age_at_start == 37  # born 1985-03-01
    assert s3.position is Position.SENIOR and s3.volunteer is True
    assert s3.age_at_start == 38


def test_roster_rows_tolerate_unknown_staff() -> None:
    sc = make_scenario()
    rows = roster_rows(sc, Plan.of([Exchange("X9", "M1", 2022, 2023)]))
    assert rows[0].name is None and rows[0].school_name == "融合校"


# ---------------------------------------------------------------------------
# by school


def test_by_school_rows_every_member_and_year() -> None:
    sc = make_scenario(
        schools=[
            school("C1", Role.CORE, name="核心校"),
            school("M1", Role.FUSION, name="融合校", capacity=2),
            school("M2", Role.ALLIANCE, name="联合校", left_year=2024),
        ]
    )
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S2", "M1", 2023, 2024)])
    rows = by_school_rows(sc, plan)
    assert [(r.member_school_id, r.year) for r in rows] == [
        ("M1", 2022), ("M1", 2023), ("M1", 2024), ("M2", 2022), ("M2", 2023), ("M2", 2024),
    ]  # fmt: skip
    m1_2023 = rows[1]
    assert m1_2023.count == 2 and m1_2023.capacity == 2
    assert m1_2023.staff == "S1 教师S1 (数学); S2 教师S2 (语文)"
    assert rows[2].count == 1
    assert [r.member for r in rows[3:]] == [True, True, False]
    assert rows[3].staff == "" and rows[3].count == 0


# ---------------------------------------------------------------------------
# coverage


def test_coverage_rows_gap_and_reasons() -> None:
    sc = make_scenario(
        schools=[
            school("C1", Role.CORE, name="核心校"),
            school("M1", Role.FUSION, name="融合校", capacity=1),
            school("M2", Role.ALLIANCE, name="联合校", left_year=2024),
        ],
        needs=[
            need("M1", 2022, "数学"),  # met by S1
            need("M1", 2022, "语文"),  # S2 could go, but M1 is full
            need("M2", 2022, "英语"),  # only S4 (school honour, no level)
            need("M2", 2022, "物理"),  # nobody teaches physics
            need("M2", 2024, "语文"),  # M2 has left the group
            need("M2", 2023, "数学", count=2, priority=Decimal(3)),  # S3 covers 1 of 2
        ],
    )
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S3", "M2", 2023, 2024)])
    rows = coverage_rows(sc, plan, hand_report(sc, plan))
    met, full, english, physics, left, partial = rows
    assert (met.gap, met.reason, met.reason_note) == (0, "", "")
    assert met.serving == "S1 教师S1 (数学)"
    assert full.gap == 1 and full.reason == "NOT-CHOSEN,CAPACITY"
    assert "S2 not on exchange" in full.reason_note
    assert english.reason == "NO-ELIGIBLE" and "S4 HONOR,LEVEL" in english.reason_note
    assert physics.reason == "NO-ELIGIBLE" and "no staff of 物理" in physics.reason_note
    assert left.reason == "MEMBERSHIP"
    assert (partial.count, partial.covered, partial.gap) == (2, 1, 1)
    assert partial.weighted_need == Decimal(6) and partial.weighted_covered == Decimal(3)
    assert partial.reason.startswith("NOT-CHOSEN")  # S1 serves at M1 in 2023
    assert "S1 serving at 融合校" in partial.reason_note
    assert partial.need_stage is Stage.JUNIOR  # blank stage: the school's


def test_coverage_reason_when_every_such_teacher_already_serves_there() -> None:
    sc = make_scenario(staff=[staff("S1")], needs=[need("M1", 2022, "数学", count=3)])
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    (row,) = coverage_rows(sc, plan, hand_report(sc, plan))
    assert (row.covered, row.gap, row.reason) == (1, 2, "NO-ELIGIBLE")
    assert "all 1 staff of 数学 (junior) at 核心校 already serve here" in row.reason_note


def test_coverage_reason_age_and_unavailable_and_chinese_note() -> None:
    sc = make_scenario(
        staff=[
            staff("S1", birth_date=dt.date(1970, 1, 1)),  # 52 in 2022: too old
            staff("S2", unavailable=frozenset({2022})),
        ],
        needs=[need("M1", 2022, "数学")],
    )
    plan = Plan.of([])
    (row,) = coverage_rows(sc, plan, hand_report(sc, plan), lang="zh")
    assert row.reason == "NO-ELIGIBLE"
    # rule ids with their Chinese names beside them
    assert "S1 年龄 AGE" in row.reason_note and "S2 可派 AVAILABLE" in row.reason_note
    assert "初中" in row.reason_note and "已覆盖 0/1" in row.reason_note


def test_coverage_reason_core_keep_binding() -> None:
    sc = make_scenario(
        staff=[staff("S1"), staff("S2")],
        needs=[need("M1", 2022, "数学"), need("M2", 2022, "数学")],
        core_keep=[CoreKeep("C1", "数学", 1)],
    )
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    rows = coverage_rows(sc, plan, hand_report(sc, plan))
    assert rows[1].reason == "NOT-CHOSEN,CORE-KEEP"
    assert "S2 not on exchange" in rows[1].reason_note


# ---------------------------------------------------------------------------
# rule checks


def test_rule_check_rows_aggregate_per_exchange_rules_only() -> None:
    sc = make_scenario()
    checks = [
        check("AGE", 2022, "S1"),
        check("AGE", 2022, "S2"),
        check("AGE", 2022, "S3", ok=False, note="age 50 > 45"),
        check("AGE", 2023, "S4"),
        check("TERM", None, "S1"),
        check("TEACHER-QUOTA", 2022, None, required=Decimal(2), achieved=Decimal(3)),
        check("CAPACITY", 2022, "M1", required=Decimal(1), achieved=Decimal(1)),
        check("CAPACITY", 2022, "M2", ok=False, required=Decimal(1), achieved=Decimal(2)),
    ]
    rows = rule_check_rows(sc, AuditReport([], checks, []))
    summary = [(r.rule, r.year, r.scope, r.checked, r.violated, r.status) for r in rows]
    assert summary == [
        ("TERM", None, None, 1, 0, "ok"),
        ("TEACHER-QUOTA", 2022, None, 1, 0, "ok"),
        ("AGE", 2022, "S3", 3, 1, "violated"),
        ("AGE", 2023, None, 1, 0, "ok"),
        ("CAPACITY", 2022, "M1", 1, 0, "ok"),
        ("CAPACITY", 2022, "M2", 1, 1, "violated"),
    ]
    age = rows[2]
    assert age.note == "S3: age 50 > 45" and age.group == "集团G1"
    assert rows[1].required == Decimal(2) and rows[1].achieved == Decimal(3)


# ---------------------------------------------------------------------------
# staff


def test_staff_rows_reasons_placement_and_record() -> None:
    sc = make_scenario(
        staff=[
            staff("S1"),
            staff("S2", birth_date=dt.date(1972, 5, 1), honor=Honor.NONE),  # 50 in 2022
            staff("S3", position=Position.MIDDLE),
        ],
        horizon=4,
    )
    plan = Plan.of([Exchange("S3", "M2", 2022, 2023), Exchange("S3", "M1", 2024, 2025)])
    rows = {r.staff_id: r for r in staff_rows(sc, plan)}
    old = rows["S2"]
    assert old.age_first_year == 50
    assert old.reasons == "AGE,HONOR" and old.eligible_first_year is False
    assert not old.placed and old.placements == "" and old.exchange_years == 0
    assert rows["S1"].reasons == "" and rows["S1"].eligible_first_year is True
    s3 = rows["S3"]
    assert s3.placed and s3.exchange_years == 4
    assert s3.placements == "M2 联合校 2022-2023; M1 融合校 2024-2025"
    assert s3.staff_school_name == "核心校"


# ---------------------------------------------------------------------------
# evaluation


def test_evaluation_rows_exact_numbers() -> None:
    sc = make_scenario(
        staff=[
            staff("S1"),
            staff("S2", position=Position.MIDDLE),
            staff("S3", position=Position.SENIOR),
            staff("S4", subject="语文"),
            staff("S5"),
        ],
        needs=[
            need("M1", 2022, "数学", count=2),  # S1, S2 serve: 2 of 2
            need("M2", 2022, "语文", count=1, priority=Decimal(2)),  # nobody: 0 of 2
            need("M2", 2023, "数学", count=1),  # S3: 1 of 1
            need("M1", 2023, "语文", count=2),  # S4: 1 of 2
        ],
        commitments=[Commitment("S5", "M1", 2021, 2022)],  # started before the horizon
    )
    plan = Plan.of(
        [
            Exchange("S5", "M1", 2021, 2022),
            Exchange("S1", "M1", 2022, 2023),
            Exchange("S2", "M1", 2022, 2023),
            Exchange("S3", "M2", 2023, 2024),
            Exchange("S4", "M1", 2023, 2024),
        ]
    )
    checks = [
        check("TEACHER-QUOTA", 2022, None, required=Decimal(1), achieved=Decimal(2)),
        check("CADRE-QUOTA", 2022, None, required=Decimal(2), achieved=Decimal(1), ok=False),
        check("TEACHER-QUOTA", 2023, None, required=Decimal(1), achieved=Decimal(2)),
        check("CADRE-QUOTA", 2023, None, required=Decimal(0), achieved=Decimal(1)),
    ]
    rows = evaluation_rows(sc, plan, hand_report(sc, plan, checks))
    assert [r.year for r in rows] == [2022, 2023, 2024]
    y22, y23, y24 = rows
    assert (y22.staff_started, y22.cadres_started, y22.staff_serving) == (2, 1, 3)
    # members' weighted need 2 + 2 = 4, covered 2 + 0 = 2
    assert (y22.weighted_need, y22.weighted_covered) == (Decimal(4), Decimal(2))
    assert y22.coverage_ratio == Decimal("0.5000")
    assert (y22.teacher_quota_required, y22.cadre_quota_required) == (Decimal(1), Decimal(2))
    assert (y23.staff_started, y23.cadres_started, y23.staff_serving) == (2, 1, 4)
    assert (y23.weighted_need, y23.weighted_covered) == (Decimal(3), Decimal(2))
    assert y23.coverage_ratio == Decimal("0.6667")
    assert (y24.staff_started, y24.cadres_started, y24.staff_serving) == (0, 0, 2)
    assert y24.coverage_ratio is None and y24.teacher_quota_required is None
    assert y22.core_headcount == 5 and y22.group == "集团G1"


# ---------------------------------------------------------------------------
# summary and all tables


def test_summary_rows_carry_status_objective_and_levels() -> None:
    sc = make_scenario(commitments=[Commitment("S1", "M1", 2022, 2023)])
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    result = SolveResult(
        SolveStatus.OPTIMAL,
        plan,
        {"coverage": Decimal(1), "coverage_bound": Decimal(1), "fairness": Decimal("0.5")},
        levels=[LevelResult("COVER", "max", Decimal(1), Decimal(1), SolveStatus.OPTIMAL, 0.1)],
    )
    report = hand_report(sc, plan)
    report.violations.append(Violation("AGE", "too old", staff_id="S1"))
    rows = summary_rows(sc, result, report)
    values = {(r.item, r.arg): r.value for r in rows}
    assert values[("status", None)] is SolveStatus.OPTIMAL
    assert values[("objective", "coverage")] == Decimal(1)
    assert values[("objective", "fairness")] == Decimal("0.5")
    assert values[("level_value", "COVER")] == Decimal(1)
    assert values[("locked", None)] == 1
    assert values[("audit_valid", None)] is False
    assert values[("violations", None)] == 1
    assert "too old" in str(values[("violation", "AGE")])


def test_build_tables_has_every_table() -> None:
    sc = make_scenario()
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    result = SolveResult(SolveStatus.FEASIBLE, plan, {"coverage": Decimal(1)})
    tables = build_tables(sc, result, hand_report(sc, plan))
    assert len(tables.roster) == 1 and len(tables.staff) == 4
    assert len(tables.by_school) == 6 and len(tables.evaluation) == 3
    assert len(tables.coverage) == 2


def test_coverage_reason_budget_binding() -> None:
    """BUDGET is named where the year's fund has less left than one more
    staff-year: 2022 spends 2 of 2.5 (S1 and S2 at 1 each), 0.5 left < 1;
    in 2024 nobody serves, so the fund is not the reason there."""
    from dataclasses import replace

    from planner.data import BudgetRow
    from planner.policy import Policy

    sc = make_scenario(
        staff=[staff("S1"), staff("S2"), staff("S3")],
        needs=[need("M1", 2022, "数学", count=3), need("M1", 2024, "数学")],
        policy=replace(Policy(), cost_teacher=Decimal(1)),
        budget=[BudgetRow(2022, Decimal("2.5")), BudgetRow(2024, Decimal(5))],
    )
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S2", "M1", 2022, 2023)])
    rows = coverage_rows(sc, plan, hand_report(sc, plan))
    first, later = rows[0], rows[1]
    assert first.reason == "NOT-CHOSEN,BUDGET"
    assert "2.5" in first.reason_note and "0.5" in first.reason_note
    assert later.year == 2024 and "BUDGET" not in later.reason
