"""Every goal recomputed by the audit (planner.audit.goals), and
``Outcome.consistent`` comparing each level the solve reports with it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from conftest import make_scenario, need, staff

from planner import api
from planner.audit import audit
from planner.data import BudgetRow, Exchange, Plan
from planner.model.solve import SolveParams
from planner.policy import Policy
from planner.results import LevelResult, SolveStatus

COSTLY = Policy(cost_teacher=Decimal(100), cost_cadre=Decimal("250.5"))


def test_fair_is_the_lowest_school_ratio_in_basis_points_rounded_down() -> None:
    s = make_scenario(needs=[need("M1", 2022, count=3), need("M2", 2022, count=1)])
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S3", "M2", 2022, 2023)])
    goals = audit(s, plan).goals
    assert goals["COVER"] == 2
    assert goals["FAIR"] == Decimal("0.3333")  # M1: 1 of 3, floor(3333.3) basis points
    weighted = make_scenario(
        needs=[need("M1", 2022, count=3, priority=Decimal(2)), need("M1", 2023, count=1)]
    )
    # M1: 2 x 1 + 1 x 1 covered of 2 x 3 + 1 x 1 = 3/7 = 0.42857...
    assert audit(weighted, plan).goals["FAIR"] == Decimal("0.4285")


def test_fair_without_needs_has_no_value() -> None:
    assert "FAIR" not in audit(make_scenario(needs=[]), Plan(())).goals
    zero = make_scenario(needs=[need("M1", 2022, count=0)])
    assert "FAIR" not in audit(zero, Plan(())).goals


def test_prefer_penalises_decided_exchanges_only() -> None:
    s = make_scenario(
        staff=[
            staff("S1"),  # not a volunteer, no experience needed: 3 + 1
            staff("S2", volunteer=True, preferred_school="M2", needs_experience=True),  # 2
            staff("S3", volunteer=True, needs_experience=True),  # 0
        ],
        commitments=[Exchange("S1", "M1", 2021, 2022)],
    )
    locked_only = audit(s, Plan.of(s.commitments)).goals
    assert locked_only["PREFER"] == 0
    plan = Plan.of(
        [
            *s.commitments,
            Exchange("S2", "M1", 2022, 2023),
            Exchange("S3", "M1", 2022, 2023),
        ]
    )
    assert audit(s, plan).goals["PREFER"] == 2
    decided = Plan.of([Exchange("S1", "M1", 2023, 2024), Exchange("S2", "M2", 2022, 2023)])
    assert audit(make_scenario(staff=s.staff), decided).goals["PREFER"] == 4


def test_cost_counts_every_year_of_decided_exchanges_not_commitments() -> None:
    s = make_scenario(policy=COSTLY, commitments=[Exchange("S2", "M1", 2021, 2022)])
    plan = Plan.of(
        [
            *s.commitments,
            Exchange("S1", "M1", 2022, 2024),  # teacher, 3 years
            Exchange("S3", "M2", 2022, 2023),  # senior cadre, 2 years
        ]
    )
    assert audit(s, plan).goals["COST"] == Decimal("801.0")


def test_stable_is_the_symmetric_difference_with_the_published_plan() -> None:
    published = [Exchange("S1", "M1", 2022, 2023), Exchange("S3", "M2", 2022, 2023)]
    s = make_scenario(published=published)
    assert audit(s, Plan.of(published)).goals["STABLE"] == 0
    moved = Plan.of([published[0], Exchange("S3", "M1", 2022, 2023)])
    assert audit(s, moved).goals["STABLE"] == 2  # one dropped, one new
    assert "STABLE" not in audit(make_scenario(), moved).goals


def test_shortfall_and_overspend_sum_the_relaxable_violations() -> None:
    s = make_scenario(policy=COSTLY, budget=[BudgetRow(2022, Decimal(150))])
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S3", "M2", 2022, 2023)])
    goals = audit(s, plan).goals
    assert goals["OVERSPEND"] == Decimal("200.5")  # 100 + 250.5 - 150
    # CADRE-QUOTA 2022: 2 required, 1 sent; TEACHER-QUOTA 2023 and 2024:
    # ceil(0.05 x 4) = 1 required, none started.
    assert goals["SHORTFALL"] == 3
    short = [(v.rule, v.year, v.amount) for v in audit(s, plan).violations if v.rule != "BUDGET"]
    assert short == [
        ("CADRE-QUOTA", 2022, 1),
        ("TEACHER-QUOTA", 2023, 1),
        ("TEACHER-QUOTA", 2024, 1),
    ]


@pytest.fixture(scope="module")
def outcome() -> api.Outcome:
    # conftest's world plus S5: with a year at home between exchanges
    # (REPEAT-GAP) its three eligible staff cannot make 2022-2024's four starts.
    s = make_scenario(
        policy=COSTLY,
        staff=[*make_scenario().staff, staff("S5")],
        needs=[need("M1", 2022), need("M2", 2023, "语文", count=2)],
    )
    out = api.solve_scenario(s, SolveParams(time_limit=20, workers=1))
    assert out.result.status is SolveStatus.OPTIMAL
    return out


def test_a_consistent_outcome_compares_every_level(outcome: api.Outcome) -> None:
    names = [level.name for level in outcome.result.levels]
    assert names == ["COVER", "FAIR", "PREFER", "COST"]
    assert outcome.report is not None
    for level in outcome.result.levels:
        assert outcome.report.goals[level.name] == level.value, level.name
    assert outcome.consistent


def _claiming(outcome: api.Outcome, name: str, value: Decimal) -> api.Outcome:
    levels = [
        dataclasses.replace(lv, value=value) if lv.name == name else lv
        for lv in outcome.result.levels
    ]
    return dataclasses.replace(outcome, result=dataclasses.replace(outcome.result, levels=levels))


@pytest.mark.parametrize("name", ["FAIR", "PREFER", "COST"])
def test_a_claimed_goal_the_audit_does_not_find_is_inconsistent(
    outcome: api.Outcome, name: str
) -> None:
    level = next(lv for lv in outcome.result.levels if lv.name == name)
    assert level.value is not None
    assert not _claiming(outcome, name, level.value + Decimal("0.0001")).consistent
    assert not _claiming(outcome, name, level.value - 1).consistent


def test_a_level_stopped_by_the_time_limit_may_only_have_improved(
    outcome: api.Outcome,
) -> None:
    """A FEASIBLE level reports the plan's value when it stopped; later levels
    keep it at least that good, so the audit may find it better, never worse."""
    cost = next(lv for lv in outcome.result.levels if lv.name == "COST")
    assert cost.value is not None
    unproven = LevelResult("COST", "min", cost.value + 1, Decimal(0), SolveStatus.FEASIBLE, 1.0)
    levels = [unproven if lv.name == "COST" else lv for lv in outcome.result.levels]
    looser = dataclasses.replace(outcome.result, levels=levels)
    assert dataclasses.replace(outcome, result=looser).consistent
    worse = dataclasses.replace(unproven, value=cost.value - 1)
    levels = [worse if lv.name == "COST" else lv for lv in outcome.result.levels]
    tighter = dataclasses.replace(outcome.result, levels=levels)
    assert not dataclasses.replace(outcome, result=tighter).consistent
