"""When the rules cannot all hold: counting pre-checks, infeasibility cores,
shortfall mode. Numbers are worked out by hand in each docstring."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from conftest import make_scenario, need, school, staff
from ortools.sat.python import cp_model

from planner.audit import audit
from planner.data import BudgetRow, CoreKeep, Exchange, Position, Scenario
from planner.enums import Honor
from planner.model.constraints import RuleInstance
from planner.model.diagnose import explain_infeasible, precheck
from planner.model.solve import SolveParams, build_model, solve
from planner.policy import Policy
from planner.results import SolveStatus
from planner.rules import Rule

NO_CADRES = Policy(cadre_min_first_year=0)


def short_of_eligible() -> Scenario:
    """20 staff, 15% -> 3 must start in 2022; only 2 are eligible: 10 lack
    district honours, 8 are over 45 (two of them also lack honours)."""
    people = [staff(f"E{i}") for i in range(2)]
    people += [staff(f"H{i}", honor=Honor.SCHOOL) for i in range(10)]
    people += [staff(f"A{i}", birth_date=staff().birth_date.replace(year=1960)) for i in range(8)]
    return make_scenario(staff=people, needs=[], policy=NO_CADRES)


def core_keep_clash() -> Scenario:
    """10 staff, 15% -> 2 must start in 2022. 4 eligible maths teachers, but
    CORE-KEEP keeps all 4 at home; of the 6 Chinese teachers only 1 is
    eligible. Each rule alone can hold; together they cannot."""
    people = [staff(f"M{i}") for i in range(4)]
    people += [staff("C0", subject="语文")]
    people += [staff(f"C{i}", subject="语文", level_ok=False) for i in range(1, 6)]
    return make_scenario(
        staff=people,
        needs=[need("M1", 2022, "数学", count=2)],
        core_keep=[CoreKeep("C1", "数学", 4)],
        policy=NO_CADRES,
    )


def test_precheck_names_quota_group_year_and_counts() -> None:
    conflicts = precheck(short_of_eligible())
    assert len(conflicts) >= 1
    first = conflicts[0]
    assert first.rules[0] == "TEACHER-QUOTA"
    assert (first.group_id, first.year) == ("G1", 2022)
    assert (first.required, first.possible) == (3, 2)
    assert "3 must start, only 2 staff are eligible" in first.message
    assert "AGE excludes 8" in first.message and "HONOR excludes 10" in first.message


def test_precheck_cadre_quota() -> None:
    # Default policy: 2 cadres must start in 2022; only S2 (middle) and S3
    # (senior) are cadres, and S3 is made ineligible (no honour).
    s = make_scenario()
    s = replace(
        s, staff=[p if p.staff_id != "S3" else replace(p, honor=Honor.NONE) for p in s.staff]
    )
    conflicts = [c for c in precheck(s) if c.rules[0] == "CADRE-QUOTA"]
    assert [(c.year, c.required, c.possible) for c in conflicts] == [(2022, 2, 1)]


def test_precheck_core_keep_against_quota() -> None:
    conflicts = precheck(core_keep_clash())
    assert [(c.rules, c.required, c.possible) for c in conflicts] == [
        (("TEACHER-QUOTA", "CORE-KEEP"), 2, 1)
    ]


def test_precheck_capacity_against_quota() -> None:
    # 20 eligible staff: 3 start in 2022 and stay 2 years, 1 starts in 2023,
    # so 4 are away in 2023; M1 and M2 host 1 each.
    s = make_scenario(
        staff=[staff(f"S{i}") for i in range(20)],
        needs=[],
        schools=[
            school("C1", role=make_scenario().schools[0].role),
            school("M1", capacity=1),
            school("M2", role=make_scenario().schools[2].role, capacity=1),
        ],
        policy=NO_CADRES,
    )
    found = {(c.rules, c.year, c.required, c.possible) for c in precheck(s)}
    assert (("TEACHER-QUOTA", "CAPACITY"), 2022, 3, 2) in found
    assert (("TEACHER-QUOTA", "CAPACITY"), 2023, 4, 2) in found


def test_precheck_budget_against_cheapest_quota_set() -> None:
    # 20 staff: 3 must start in 2022 at 100 a year = 300 > fund 250.
    s = make_scenario(
        staff=[staff(f"S{i}") for i in range(20)],
        needs=[],
        policy=replace(NO_CADRES, cost_teacher=Decimal(100)),
        budget=[BudgetRow(2022, Decimal(250))],
    )
    budget = [c for c in precheck(s) if c.rules[0] == "BUDGET"]
    assert len(budget) == 1 and "short by 50" in budget[0].message


def test_precheck_clean_scenario_has_no_conflict() -> None:
    assert (
        precheck(make_scenario(staff=[staff(f"S{i}") for i in range(20)], policy=NO_CADRES)) == []
    )


def _feasible_with(s: Scenario, instances: list[RuleInstance]) -> bool:
    """Is the model feasible with only ``instances`` switched on?"""
    built = build_model(s, track=True)
    wanted = {(i.rule, i.group_id, i.year, i.scope) for i in instances}
    on = [
        p.switch
        for p in built.constraints.posted
        if p.switch is not None
        and (p.instance.rule, p.instance.group_id, p.instance.year, p.instance.scope) in wanted
    ]
    built.model.add_assumptions(on)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_interaction_explained_by_a_minimal_set() -> None:
    s = core_keep_clash()
    assert solve(s).status is SolveStatus.INFEASIBLE
    core = explain_infeasible(s, time_limit=30)
    # Several small cores exist (2022 alone; or 2023 + 2024 through TERM);
    # whichever is named must be small, name both rules, and be minimal.
    assert 2 <= len(core) <= 3
    assert {i.rule for i in core} == {"TEACHER-QUOTA", "CORE-KEEP"}
    assert not _feasible_with(s, core)
    for dropped in core:  # each instance is necessary
        assert _feasible_with(s, [i for i in core if i is not dropped])


def test_quota_beyond_eligible_is_explained_by_the_quota_alone() -> None:
    core = explain_infeasible(short_of_eligible(), time_limit=30)
    assert [i.label() for i in core] == ["TEACHER-QUOTA G1 2022"]
    assert "ceil(0.15 x 20 staff) = 3 must start" in core[0].detail


def test_locked_commitment_conflict_found_before_solving() -> None:
    s = make_scenario(commitments=[Exchange("S1", "M1", 2022, 2022)], policy=NO_CADRES)
    conflicts = precheck(s)
    assert any(c.rules == ("TERM", "LOCKED") for c in conflicts)


def test_shortfall_mode_plan_fails_only_by_its_stated_shortfalls() -> None:
    clash = core_keep_clash()
    s = replace(clash, policy=replace(clash.policy, repeat_gap_years=0))
    result = solve(s, SolveParams(relax=frozenset({"TEACHER-QUOTA"})))
    assert result.status is SolveStatus.OPTIMAL
    # 2022: 2 must start, only C0 can (short 1); C0 stays 2022-2023, so the
    # one start of 2023 is short too; in 2024 C0 can go again (REPEAT-GAP
    # off here: with a year at home C0 could start only once, short 3).
    expected = [("TEACHER-QUOTA", 2022, Decimal(1)), ("TEACHER-QUOTA", 2023, Decimal(1))]
    assert sorted((x.rule, x.year, x.amount) for x in result.shortfalls) == expected
    report = audit(s, result.plan)
    assert sorted((v.rule, v.year, v.amount) for v in report.violations) == expected
    # No maths teacher could go, so the maths need stays uncovered.
    assert result.objective["coverage"] == 0


def test_shortfall_of_cadres() -> None:
    s = make_scenario(staff=[staff("S1"), staff("K1", position=Position.MIDDLE)], needs=[])
    result = solve(s, SolveParams(relax=frozenset({"CADRE-QUOTA", "TEACHER-QUOTA"})))
    # 2 cadres must start in 2022, there is one (short 1): K1 goes 2022-2023.
    # One start a year is required in 2023 and 2024: S1 takes one of them;
    # K1 may not start again before 2025 (a year at home, REPEAT-GAP), so
    # the other is short 1.
    expected = [("CADRE-QUOTA", Decimal(1)), ("TEACHER-QUOTA", Decimal(1))]
    assert sorted((x.rule, x.amount) for x in result.shortfalls) == expected
    assert sorted((v.rule, v.amount) for v in audit(s, result.plan).violations) == expected


def test_window_counts_repeat_gap_years() -> None:
    # 15% of 2 rounds up to 1 start a year for 3 years: with 2-year terms
    # alone two people could do it (S1 2022, S2 2023, S1 again 2024), but a
    # year home between two exchanges (REPEAT-GAP, default 1) makes the
    # window 3 years long: 3 starts, 2 people.
    from conftest import make_scenario, staff

    from planner.model.diagnose import precheck
    from planner.policy import Policy

    s = make_scenario(
        staff=[staff("S1"), staff("S2")], needs=[], policy=Policy(cadre_min_first_year=0)
    )
    (conflict,) = precheck(s)
    assert "REPEAT-GAP" in conflict.rules
    assert (conflict.year, conflict.required, conflict.possible) == (2022, 3, 2)
    assert precheck(replace(s, policy=replace(s.policy, repeat_gap_years=0))) == []


def test_repeat_gap_excludes_only_the_person_whose_exchange_it_follows() -> None:
    # S1's history exchange 2020-2021 keeps S1 home in 2022 (a year at home,
    # REPEAT-GAP 1), not in 2023; S2's own committed 2022-2023 exchange
    # makes S2 busy (ONE-PLACE) in 2022-2023 and gap-blocked in 2024.
    from planner.model.quantities import gap_blocked, starters

    s = make_scenario(
        staff=[staff("S1"), staff("S2"), staff("S3")],
        history=[Exchange("S1", "M1", 2020, 2021)],
        commitments=[Exchange("S2", "M1", 2022, 2023)],
    )
    s1, s2, s3 = s.staff
    assert s.earlier_and_committed("S1") == (Exchange("S1", "M1", 2020, 2021),)
    assert s.earlier_and_committed("S3") == ()
    assert [gap_blocked(s, p, 2022) for p in (s1, s2, s3)] == [True, False, False]
    assert [gap_blocked(s, p, 2023) for p in (s1, s2, s3)] == [False, False, False]
    assert [gap_blocked(s, p, 2024) for p in (s1, s2, s3)] == [False, True, False]
    pool, excluded = starters(s, "G1", 2022, cadres=False)
    assert [p.staff_id for p in pool] == ["S3"]
    assert excluded == {Rule.REPEAT_GAP: 1, Rule.ONE_PLACE: 1}
