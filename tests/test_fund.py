"""A fund shared by groups: the first plan from the groups, improved by pairs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import group, need, quiet_policy, school, staff

from planner.audit import audit
from planner.data import BudgetRow, Exchange, Scenario
from planner.enums import Role
from planner.model import fund
from planner.model.decompose import Stages, combine, split_by_group
from planner.model.fund import FundStart, merge, round_pairs, tighten_cover_bound
from planner.model.levels import Level, Outcome
from planner.model.prices import spend_by_year
from planner.model.solve import SolveParams, solve
from planner.results import BoundSource, SolveStatus


def three_groups() -> Scenario:
    """Three groups, one year, a teacher-year costs 1 and the fund is 3.

    G1's member needs 2 maths teachers at priority 3, G2's 2 at priority 2,
    G3's 1 at priority 1; each core has as many teachers as its member
    needs. Alone, each group sends them all (5 teacher-years). The
    optimum within the fund: G1 gets 2, G2 1, G3 none: COVER 3*2 + 2 = 8.

    The fund split (quantities.split_fund, no quotas, so in proportion to
    the 2, 2, 1 each group spends alone, rounded down): 1, 1, 0, so the
    groups within their shares cover 3 + 2 + 0 = 5 and leave 1 unspent.
    The pairs, ordered by COVER lost per money unit given up (G1 3, G2 2,
    G3 1), round-robin with G1 sitting out first: round 1 pairs G2 with G3
    within 1 + 0 + the unspent 1 = 2: G2 takes both, 4 (total 7); round 2
    pairs G1 with G3 within 1 + 0: no gain; round 3 G1 with G2 within
    1 + 2 = 3: 6 + 2 = 8, the optimum. Three rounds (a whole round-robin)
    without a gain end the search: 6 rounds.
    """
    schools = [
        school("C1", Role.CORE),
        school("M1", Role.FUSION),
        school("C2", Role.CORE, group_id="G2"),
        school("M2", Role.FUSION, group_id="G2"),
        school("C3", Role.CORE, group_id="G3"),
        school("M3", Role.FUSION, group_id="G3"),
    ]
    people = [staff(f"A{i}") for i in range(2)]
    people += [staff(f"B{i}", school_id="C2") for i in range(2)]
    people += [staff("C0", school_id="C3")]
    return Scenario(
        name="three groups, one fund",
        first_year=2022,
        horizon=1,
        policy=quiet_policy(cost_teacher=Decimal(1), cost_cadre=Decimal(1), term_min=1),
        groups=[group("G1"), group("G2"), group("G3")],
        schools=schools,
        staff=people,
        needs=[
            need("M1", count=2, priority=Decimal(3)),
            need("M2", count=2, priority=Decimal(2)),
            need("M3", count=1, priority=Decimal(1)),
        ],
        budget=[BudgetRow(2022, Decimal(3))],
    )


def test_round_robin_meets_every_pair_once() -> None:
    for count in (2, 3, 4, 5, 10):
        order = list(range(count))[::-1]
        rounds = [round_pairs(order, r) for r in range(count - 1 + count % 2)]
        met = [frozenset(p) for pairs in rounds for p in pairs]
        assert len(met) == len(set(met)) == count * (count - 1) // 2
        for pairs in rounds:  # a group meets at most one other per round
            seen = [g for p in pairs for g in p]
            assert len(seen) == len(set(seen))
    # Round 0 pairs the first with the last, the second with the one before.
    assert round_pairs([7, 5, 3, 1], 0) == [(7, 1), (5, 3)]
    # An odd count: the first sits out round 0.
    assert round_pairs([2, 1, 0], 0) == [(1, 0)]


def test_a_pair_is_its_two_groups_with_the_given_fund() -> None:
    scenario = three_groups()
    parts = split_by_group(scenario)
    assert parts is not None
    pair = merge([parts[0], parts[2]], [BudgetRow(2022, Decimal(2))])
    assert [g.group_id for g in pair.groups] == ["G1", "G3"]
    assert sorted(p.staff_id for p in pair.staff) == ["A0", "A1", "C0"]
    assert [(n.school_id, n.count) for n in pair.needs] == [("M1", 2), ("M3", 1)]
    assert pair.budget == [BudgetRow(2022, Decimal(2))]


def test_pairs_reach_the_optimum_the_split_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the fund's prices (which find the optimum first: below).
    monkeypatch.setattr(fund, "search_prices", lambda *args: None)
    scenario = three_groups()
    lines: list[str] = []
    result = solve(scenario, SolveParams(log=lines.append))
    assert "fund hint: coverage 5 from 3 groups" in "\n".join(lines)
    assert any(line.startswith("fund hint: coverage 5 -> 8 in 6 rounds") for line in lines)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective["coverage"] == 8
    assert result.objective["coverage_bound"] == 8
    # The groups' bound without the fund, 6 + 4 + 1 = 11, is above the
    # whole model's 8: the whole model's stays, unannounced.
    assert not any("without the fund" in m for m in result.messages)
    assert audit(scenario, result.plan).violations == []
    assert spend_by_year(scenario, list(result.plan.exchanges)) == [Decimal(3)]
    sent = sorted(e.school_id for e in result.plan.exchanges)
    assert sent == ["M1", "M1", "M2"]


def test_the_fund_plan_is_the_same_on_one_and_two_processes() -> None:
    scenario = three_groups()
    one = solve(scenario, SolveParams(processes=1))
    two = solve(scenario, SolveParams(processes=2))
    assert one.status is two.status is SolveStatus.OPTIMAL
    assert one.plan == two.plan
    assert one.objective == two.objective


def _cover_level(value: int, bound: int) -> Level:
    # COVER in the model's scale 2: a value of 16 is 8 in COVER's unit.
    return Level("COVER", "max", SolveStatus.FEASIBLE, value, bound, Fraction(2), 1.0)


def test_the_groups_bound_replaces_a_weaker_whole_bound_and_proves_a_plan_at_it() -> None:
    stages = Stages([three_groups()], SolveParams(), 1)
    stages.reached[0] = [_cover_level(16, 22)]
    # 8.4 in COVER's unit: 16.8 in the model's, whose COVER is an integer: 16.
    tighten_cover_bound(stages, FundStart(bound=Fraction(42, 5)))
    level = stages.reached[0][0]
    assert (level.value, level.bound, level.status) == (16, 16, SolveStatus.OPTIMAL)
    assert stages.result.messages == [
        "COVER bound 8 from the groups' bounds without the fund; the whole model's own: 11."
    ]


def test_the_groups_bound_tightens_without_proving_a_plan_below_it() -> None:
    stages = Stages([three_groups()], SolveParams(), 1)
    stages.reached[0] = [_cover_level(14, 20)]
    tighten_cover_bound(stages, FundStart(bound=Fraction(9)))
    level = stages.reached[0][0]
    assert (level.value, level.bound, level.status) == (14, 18, SolveStatus.FEASIBLE)
    # A groups' bound at or above the whole model's changes nothing.
    stages = Stages([three_groups()], SolveParams(), 1)
    stages.reached[0] = [_cover_level(14, 18)]
    tighten_cover_bound(stages, FundStart(bound=Fraction(9)))
    assert stages.reached[0][0].bound == 18
    assert stages.result.messages == []


def test_a_whole_model_stopped_before_cover_reports_the_groups_plan_and_bound() -> None:
    kept = [Exchange("A0", "M1", 2022, 2022), Exchange("B0", "M2", 2022, 2022)]
    start = FundStart(hint=tuple(kept), bound=Fraction(17, 2))
    stages = Stages([three_groups()], SolveParams(), 1)
    stages.last[0] = Outcome(0, exchanges=kept, skipped="COVER")
    tighten_cover_bound(stages, start)
    # The kept plan covers 3 (G1) + 2 (G2) = 5; 5 and 8.5 in a common scale of 2.
    assert stages.reached[0] == [
        Level("COVER", "max", SolveStatus.FEASIBLE, 10, 17, Fraction(2), 0.0, BoundSource.GROUPS)
    ]
    combine(stages.result, ["COVER"], stages.reached, {"COVER"})
    cover = stages.result.levels[0]
    assert (cover.value, cover.bound, cover.status) == (
        Decimal(5),
        Decimal("8.5"),
        SolveStatus.FEASIBLE,
    )
    # A whole model that stopped elsewhere (or no groups' bound): nothing added.
    other = Stages([three_groups()], SolveParams(), 1)
    other.last[0] = Outcome(0, exchanges=kept, skipped="FAIR")
    tighten_cover_bound(other, start)
    assert other.reached[0] == []
