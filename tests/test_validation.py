"""Cross-reference checks on scenarios built in Python (no workbook).

Each problem names the sheet, the column and the bad value, and its
sentence names the item's id; a Finding knows the item's index so that the
reader can give the Excel row.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import group, make_scenario, need, school, staff

from planner.data import BudgetRow, Commitment, CoreKeep
from planner.enums import Role, Stage
from planner.io.validation import Finding, Unparsed, scenario_findings, scenario_problems
from planner.problems import Problem


def one(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_factory_scenario_is_valid() -> None:
    assert scenario_problems(make_scenario()) == []


def test_settings() -> None:
    problems = scenario_problems(make_scenario(name=" ", first_year=1900, horizon=21, needs=[]))
    assert {(p.sheet, p.column) for p in problems} == {
        ("settings", "name"),
        ("settings", "first_year"),
        ("settings", "horizon"),
    }
    assert all(p.row is None for p in problems)


def test_duplicate_ids_name_the_first_item() -> None:
    s = make_scenario(staff=[staff("S1"), staff("S2"), staff("S1")])
    p = one(scenario_problems(s))
    assert (p.sheet, p.column, p.value) == ("staff", "staff_id", "S1")
    assert "item 1 of staff" in p.expected
    finding = one_finding(scenario_findings(s))
    assert (finding.index, finding.first_index) == (2, 0)
    located = finding.problem({0: 2, 1: 3, 2: 4})
    assert located.row == 4 and "row 2" in located.expected


def one_finding(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_finding_uses_workbook_names() -> None:
    s = make_scenario(staff=[staff("S1", school_id="X")])
    finding = one_finding(scenario_findings(s))
    p = finding.problem({0: 7}, sheet_title="教职工", labels={"school_id": "学校"})
    assert (p.sheet, p.row, p.column, p.value) == ("教职工", 7, "学校", "X")


def test_settings_finding_points_at_the_value_cell() -> None:
    finding = one_finding(scenario_findings(make_scenario(horizon=30)))
    p = finding.problem({"name": 2, "first_year": 3, "horizon": 4})
    assert (p.row, p.column, p.value) == (4, "value", 30)


def test_unknown_references_name_the_id() -> None:
    s = make_scenario(
        schools=[*make_scenario().schools, school("M3", group_id="G9")],
        staff=[staff("S1", school_id="X1"), staff("S2", preferred_school="X2")],
        needs=[need("X3", 2022)],
        core_keep=[CoreKeep("X4", "数学", 1)],
        commitments=[Commitment("S9", "X5", 2022, 2023)],
    )
    problems = scenario_problems(s)
    found = {(p.sheet, p.column, p.value) for p in problems}
    assert found == {
        ("schools", "group_id", "G9"),
        ("staff", "school_id", "X1"),
        ("staff", "preferred_school", "X2"),
        ("needs", "school_id", "X3"),
        ("core_keep", "school_id", "X4"),
        ("commitments", "staff_id", "S9"),
        ("commitments", "school_id", "X5"),
    }
    by_value = {p.value: p for p in problems}
    assert "school M3" in by_value["G9"].expected
    assert "staff S1" in by_value["X1"].expected
    assert "staff S2" in by_value["X2"].expected


def test_unparsed_ids_are_not_unknown() -> None:
    s = make_scenario(
        schools=[*make_scenario().schools, school("M3", group_id="G9")],
        staff=[staff("S1", school_id="X1")],
        needs=[need("X3", 2022)],
        commitments=[Commitment("S9", "M1", 2022, 2023)],
    )
    unparsed = Unparsed(group_ids={"G9"}, school_ids={"X1", "X3"}, staff_ids={"S9"})
    assert scenario_problems(s, unparsed) == []
    assert scenario_problems(s, Unparsed(sheets={"groups", "schools", "staff"})) == []


def test_staff_must_be_at_a_core_school() -> None:
    p = one(scenario_problems(make_scenario(staff=[staff("S1", school_id="M2")])))
    assert (p.sheet, p.column, p.value) == ("staff", "school_id", "M2")
    assert "alliance member school, not a core school" in p.expected


def test_group_without_core_and_with_two() -> None:
    none = make_scenario(schools=[school("M1"), school("M2", Role.ALLIANCE)], staff=[])
    p = one(scenario_problems(none))
    assert (p.sheet, p.column, p.value) == ("groups", "group_id", "G1")
    assert scenario_problems(none, Unparsed(incomplete_groups={"G1"})) == []
    two = make_scenario(schools=[*make_scenario().schools, school("C2", Role.CORE)])
    p = one(scenario_problems(two))
    assert (p.sheet, p.column) == ("schools", "role")
    assert "C2" in p.expected and "already has core school C1" in p.expected


def test_needs_checks() -> None:
    base = make_scenario()
    schools = [
        *base.schools,
        school("N9", stage=Stage.NINE_YEAR),
        school("P1", stage=Stage.PRIMARY, joined_year=2023, left_year=2024),
    ]
    s = make_scenario(
        schools=schools,
        needs=[
            need("M1", 2025),  # outside 2022..2024
            need("C1", 2022),  # at a core school
            need("N9", 2022),  # nine-year, no stage
            need("N9", 2022, stage=Stage.PRIMARY),  # fine
            need("P1", 2023),  # fine: member in 2023 only; P1 is primary
            need("P1", 2022),  # not yet a member
            need("P1", 2024),  # no longer a member
            need("M1", 2022, stage=Stage.PRIMARY),  # M1 is junior
        ],
    )
    problems = scenario_findings(s)
    assert [(f.index, f.column) for f in problems] == [
        (0, "year"),
        (1, "school_id"),
        (2, "stage"),
        (5, "year"),
        (6, "year"),
        (7, "stage"),
    ]
    texts = [f.expected for f in problems]
    assert "outside the plan horizon 2022..2024" in texts[0]
    assert "C1 is a core school" in texts[1]
    assert "nine-year" in texts[2]
    assert "not a member of group G1 in 2022 (joined 2023, left 2024)" in texts[3]
    assert "in 2024" in texts[4]
    assert "does not teach primary" in texts[5]


def test_unknown_horizon_skips_horizon_checks() -> None:
    s = make_scenario(needs=[need("M1", 2030)])
    assert scenario_problems(s, Unparsed(settings=True)) == []


def test_core_keep_commitments_budget() -> None:
    s = make_scenario(
        core_keep=[CoreKeep("C1", "数学", 1), CoreKeep("M1", "数学", 1)],
        commitments=[Commitment("S1", "M1", 2023, 2022)],
        budget=[
            BudgetRow(2022, Decimal(1)),
            BudgetRow(2023, Decimal(1)),
            BudgetRow(2022, Decimal(2)),
        ],
    )
    findings = scenario_findings(s)
    assert [(f.sheet, f.index, f.column) for f in findings] == [
        ("core_keep", 1, "school_id"),
        ("commitments", 0, "end_year"),
        ("budget", 2, "year"),
    ]
    assert findings[2].first_index == 0


def test_groups_duplicate_and_other_group() -> None:
    s = make_scenario(
        groups=[group("G1"), group("G2"), group("G1")],
        schools=[*make_scenario().schools, school("C2", Role.CORE, group_id="G2")],
    )
    p = one(scenario_problems(s))
    assert (p.sheet, p.column, p.value) == ("groups", "group_id", "G1")
    assert "duplicate" in p.expected
