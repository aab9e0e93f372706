"""The solve driver: independent parts, their stages and processes, FAIR waves."""

from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import staff as make_staff

import planner.model.pool as pool_module
from planner.audit import audit
from planner.data import BudgetRow, Group, Need, Scenario, School
from planner.enums import Role, Stage
from planner.examples.generate import generate_scenario
from planner.model.decompose import independent_parts, split_by_group
from planner.model.quantities import locked_cost, quota_cost_floor, split_fund
from planner.model.solve import SolveParams, solve
from planner.policy import Policy
from planner.results import SolveResult, SolveStatus

NO_QUOTA = Policy(
    ratio_first_year=Decimal(0),
    ratio_later_years=Decimal(0),
    cadre_min_first_year=0,
)


def two_groups(g1_teachers: int, g2_teachers: int, g1_need: int, g2_need: int) -> Scenario:
    """Groups G1 (core C1, member M1) and G2 (core C2, member M2), maths
    teachers at each core, maths needs at each member in 2022, one year."""
    schools = [
        School("C1", "核心校一", "G1", Role.CORE, Stage.JUNIOR),
        School("M1", "成员校一", "G1", Role.FUSION, Stage.JUNIOR),
        School("C2", "核心校二", "G2", Role.CORE, Stage.JUNIOR),
        School("M2", "成员校二", "G2", Role.FUSION, Stage.JUNIOR),
    ]
    staff = [make_staff(f"A{i}") for i in range(g1_teachers)]
    staff += [make_staff(f"B{i}", school_id="C2", volunteer=i == 0) for i in range(g2_teachers)]
    return Scenario(
        name="two groups",
        first_year=2022,
        horizon=1,
        policy=NO_QUOTA,
        groups=[Group("G1", "集团一", 2022), Group("G2", "集团二", 2022)],
        schools=schools,
        staff=staff,
        needs=[Need("M1", 2022, "数学", g1_need), Need("M2", 2022, "数学", g2_need)],
    )


def checked(scenario: Scenario, params: SolveParams) -> SolveResult:
    result = solve(scenario, params)
    assert result.status is SolveStatus.OPTIMAL
    assert audit(scenario, result.plan).violations == []
    return result


def test_groups_sharing_nothing_are_separate_parts() -> None:
    scenario = two_groups(1, 2, 2, 1)
    assert [p.groups[0].group_id for p in independent_parts(scenario)] == ["G1", "G2"]
    # A fund that costs money couples them.
    priced = replace(
        scenario,
        policy=replace(NO_QUOTA, cost_teacher=Decimal(1)),
        budget=[BudgetRow(2022, Decimal(5))],
    )
    assert len(independent_parts(priced)) == 1


@pytest.mark.parametrize("processes", [1, 2])
def test_fair_of_the_whole_is_the_smallest_part(processes: int) -> None:
    # G1 has one teacher for a need of 2 at M1: ratio 1/2 at best. G2 has
    # three teachers for a need of 2 at M2: ratio 1. The whole's FAIR is
    # 0.5 and COVER 3. PREFER then sends G2's volunteer B0 and one
    # non-volunteer (penalty 3 + 1 for not needing experience, twice, less
    # the volunteer's 3): A0 costs 4, B0 costs 1, B1 costs 4, total 9.
    result = checked(two_groups(1, 3, 2, 2), SolveParams(processes=processes))
    assert result.objective["coverage"] == 3
    assert result.objective["fairness"] == Decimal("0.5")
    assert result.objective["preference_penalty"] == 9
    sent = sorted(e.staff_id for e in result.plan.exchanges)
    assert len(sent) == 3 and sent[:2] == ["A0", "B0"]  # B1 or B2: equal


def test_fair_waves_when_the_likeliest_part_is_not_the_smallest() -> None:
    # G2 is covered fully by its plan (ratio 1) and G1 at 1/3: whichever
    # part FAIR starts with, the whole's FAIR is G1's 1/3 (3333 basis
    # points, floor), and the single model agrees.
    scenario = two_groups(1, 2, 3, 1)
    parts = checked(scenario, SolveParams(processes=2))
    whole = checked(scenario, SolveParams(decompose=False))
    assert parts.objective["fairness"] == whole.objective["fairness"] == Decimal("0.3333")
    assert parts.objective == whole.objective


@pytest.fixture(scope="module")
def district() -> Scenario:
    return generate_scenario("district", 3, seed=2, staff_per_core=(40, 50))


def test_processes_do_not_change_the_plan(district: Scenario) -> None:
    one = checked(district, SolveParams(processes=1))
    two = checked(district, SolveParams(processes=2))
    assert one.plan == two.plan
    assert one.objective == two.objective


def test_parts_reach_the_single_models_optimum(district: Scenario) -> None:
    # Every level's optimum is unique, whatever plan reaches it.
    parts = checked(district, SolveParams())
    whole = checked(district, SolveParams(decompose=False))
    assert parts.objective == whole.objective
    assert [lv.value for lv in parts.levels] == [lv.value for lv in whole.levels]


def test_time_limit_reports_the_plan_so_far(district: Scenario) -> None:
    # Far too little time to prove anything: a plan may or may not be
    # found, but never an unproven "optimal".
    result = solve(district, SolveParams(time_limit=0.01))
    assert result.status is not SolveStatus.OPTIMAL
    if result.status.has_plan:
        assert audit(district, result.plan).violations == []


@pytest.fixture(scope="module")
def funded() -> Scenario:
    return generate_scenario("district", 3, seed=4, budget=True, staff_per_core=(40, 50))


def test_fund_shares_add_up_to_the_fund_and_cover_the_quotas(funded: Scenario) -> None:
    groups = split_by_group(funded)
    assert groups is not None and len(groups) == 3
    # Plans that spend nothing beyond the floors: the spare is split evenly.
    shares = split_fund(funded, groups, [[] for _ in groups])
    assert shares is not None
    for k, row in enumerate(funded.budget):
        amounts = [share[k].amount for share in shares]
        assert all(share[k].year == row.year for share in shares)
        assert sum(amounts) <= row.amount
        for part, amount in zip(groups, amounts, strict=True):
            gid = part.groups[0].group_id
            floor = locked_cost(part, row.year, gid) + quota_cost_floor(part, gid, row.year)
            assert amount >= floor
    # A fund below what the quotas cost at least cannot be split.
    poor = replace(funded, budget=[BudgetRow(y.year, Decimal(0)) for y in funded.budget])
    assert split_fund(poor, groups, [[] for _ in groups]) is None


def test_fund_hint_keeps_the_optimum_of_the_whole_model(funded: Scenario) -> None:
    # The fund couples the groups: one model, started from the groups'
    # plans within their shares; the optimum is the one model's without it.
    assert len(independent_parts(funded)) == 1
    lines: list[str] = []
    hinted = checked(funded, SolveParams(log=lines.append))
    assert any(line.startswith("fund hint: coverage") for line in lines)
    plain = checked(funded, SolveParams(decompose=False))
    assert [lv.value for lv in hinted.levels] == [lv.value for lv in plain.levels]


def test_work_limit_stops_at_the_same_plan_on_any_process_count(district: Scenario) -> None:
    # Far too little deterministic work to prove the levels: the run stops
    # early, and where it stops does not depend on the clock or on how many
    # processes run the parts.
    params = SolveParams(work_limit=0.05, time_limit=120)
    first = solve(district, replace(params, processes=1))
    again = solve(district, replace(params, processes=2))
    assert first.status is SolveStatus.FEASIBLE
    assert first.plan == again.plan
    assert first.objective == again.objective
    assert [(lv.name, lv.status) for lv in first.levels] == [
        (lv.name, lv.status) for lv in again.levels
    ]
    assert audit(district, first.plan).violations == []


def _die(task: object) -> None:
    os._exit(3)  # a worker process that dies


def test_broken_worker_processes_fall_back_to_this_process(
    district: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = checked(district, SolveParams(processes=1))
    monkeypatch.setattr(pool_module, "_in_process", _die)
    monkeypatch.setattr(pool_module, "_process_context", lambda: mp.get_context("fork"))
    lines: list[str] = []
    fallen = checked(district, SolveParams(processes=2, log=lines.append))
    assert "solver processes failed; solving the groups in this process" in lines
    assert fallen.plan == expected.plan
