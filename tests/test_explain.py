"""Why was this person sent, and why not that one: numbers worked by hand."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_scenario, need, staff

from planner.analysis.explain import explain
from planner.data import Exchange, Honor, Plan
from planner.policy import Policy

# No quotas, so only needs decide who goes.
FREE = Policy(ratio_first_year=Decimal(0), ratio_later_years=Decimal(0), cadre_min_first_year=0)


def world():  # type: ignore[no-untyped-def]
    # S1 is the only maths teacher; M1 wants one in 2022 with priority 2.
    # S2 teaches Chinese, which nobody needs; S4 lacks honour and level.
    return make_scenario(
        staff=[
            staff("S1"),
            staff("S2", subject="语文"),
            staff("S4", honor=Honor.SCHOOL, level_ok=False),
        ],
        needs=[need("M1", 2022, "数学", priority=Decimal(2))],
        policy=FREE,
    )


def test_placed_person_serves_a_need_and_losing_them_costs_its_priority() -> None:
    s = world()
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    info = explain(s, plan, "S1")
    assert info.placed
    assert any(line.startswith("COVER M1 2022 数学: 1 of 1") for line in info.serves)
    assert info.coverage == 2
    # Without S1 no one else teaches maths: coverage 0, a loss of 2.
    assert info.alternative_coverage == 0
    assert "loss 2" in info.sentences[-1]


def test_unplaced_eligible_person_forced_in_costs_nothing_here() -> None:
    s = world()
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    info = explain(s, plan, "S2")
    assert not info.placed and info.ineligible == {}
    assert len(info.alternative_exchanges) == 1  # their best placement
    assert info.alternative_coverage == 2  # S1 still covers the maths need
    assert "cost 0" in info.sentences[-1]


def test_unplaced_ineligible_person_gets_rule_ids_per_year() -> None:
    info = explain(world(), Plan.of([]), "S4")
    assert info.ineligible == {
        2022: ["HONOR", "LEVEL"],
        2023: ["HONOR", "LEVEL"],
        2024: ["HONOR", "LEVEL"],
    }
    assert info.alternative_status is None  # nothing to re-solve
    assert "HONOR, LEVEL" in info.sentences[-1]
    assert info.to_json()["ineligible"] == {
        "2022": ["HONOR", "LEVEL"],
        "2023": ["HONOR", "LEVEL"],
        "2024": ["HONOR", "LEVEL"],
    }
