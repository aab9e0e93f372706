"""The fund's prices: PRICED, the master, nearby prices, the best combination,
the cuts, and a shared fund proven optimal by them (hand-worked numbers)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from conftest import task_of
from test_fund import three_groups

from planner import api
from planner.data import BudgetRow, Scenario
from planner.examples.generate import generate_scenario
from planner.i18n import use_language
from planner.model import fund
from planner.model.decompose import split_by_group
from planner.model.levels import run_task
from planner.model.objective import PricedLimit, as_fraction
from planner.model.prices import (
    Column,
    PriceSearch,
    best_combination,
    cuts,
    master_prices,
    nearby,
)
from planner.model.solve import SolveParams, solve
from planner.results import BoundSource, SolveStatus

# The three groups' plans of test_fund.three_groups (one year, a teacher-year
# costs 1): each group sends all its teachers (alone) or one fewer, or none.
G1 = [Column((), Fraction(6), (Decimal(2),)), Column((), Fraction(3), (Decimal(1),))]
G2 = [Column((), Fraction(4), (Decimal(2),)), Column((), Fraction(2), (Decimal(1),))]
G3 = [Column((), Fraction(1), (Decimal(1),)), Column((), Fraction(0), (Decimal(0),))]


def test_priced_is_cover_less_the_price_of_what_is_spent() -> None:
    parts = split_by_group(three_groups())
    assert parts is not None
    g1 = replace(parts[0], budget=[])
    # G1's need: 2 teachers at priority 3. At 2.5 a teacher-year, each sent
    # gains 3 - 2.5: both go, 2 * 0.5 = 1.
    out = run_task(task_of(g1, ("PRICED",), prices=((2022, Fraction(5, 2)),)), lambda _m: None)
    level = out.levels[0]
    assert as_fraction(level.value, level.scale) == 1
    assert level.status is SolveStatus.OPTIMAL
    assert len(out.exchanges) == 2
    # At 4 a teacher-year each would lose 1: nobody goes, PRICED 0.
    out = run_task(task_of(g1, ("PRICED",), prices=((2022, Fraction(4)),)), lambda _m: None)
    assert as_fraction(out.levels[0].value, out.levels[0].scale) == 0
    assert out.exchanges == []


def test_priced_limits_hold_in_the_whole_model() -> None:
    scenario = three_groups()
    price = ((2022, Fraction(2)),)
    # G2's PRICED at price 2 is 0 whatever it sends (2 - 2 a teacher); G1's
    # at least 2 means both G1 teachers go; COVER at most 7 then leaves G2
    # one teacher at most (6 + 2 = 8 > 7) and G3 its one (6 + 1 = 7).
    limits = (
        PricedLimit("G1", price, low=Fraction(2)),
        PricedLimit(None, (), high=Fraction(7)),
    )
    out = run_task(task_of(scenario, ("COVER",), limits=limits), lambda _m: None)
    level = out.levels[0]
    assert as_fraction(level.value, level.scale) == 7
    assert sorted(e.school_id for e in out.exchanges) == ["M1", "M1", "M3"]


def test_the_master_mixes_columns_within_the_fund() -> None:
    # Fund 3: all three at their smaller plans spend 2 and cover 5; the
    # unit left is worth 3 to G1 (6 - 3), 2 to G2, 1 to G3: 8. The price of
    # the fund's last unit lies between what G1 and G2 give for it.
    prices, value = master_prices(three_groups(), [G1, G2, G3])
    assert round(value, 6) == 8
    ((year, price),) = prices
    assert year == 2022 and 2 <= price <= 3
    # Fund 2: nothing beyond the smaller plans, 5; the fund's price is then
    # at least G1's 3 a unit.
    poorer = replace(three_groups(), budget=[BudgetRow(2022, Decimal(2))])
    prices, value = master_prices(poorer, [G1, G2, G3])
    assert round(value, 6) == 5
    assert prices[0][1] >= 3


def test_the_best_combination_is_one_plan_a_group_within_the_fund() -> None:
    best = best_combination(three_groups(), [G1, G2, G3])
    assert best == [G1[0], G2[1], G3[1]]  # 6 + 2 + 0 = 8, spending 3
    poorer = replace(three_groups(), budget=[BudgetRow(2022, Decimal(1))])
    # Fund 1: G1's one teacher (3) and nothing else; the smaller plans of G1
    # and G2 together spend 2.
    assert best_combination(poorer, [G1, G2, G3]) is None
    assert best_combination(poorer, [G1, [*G2, Column((), Fraction(0), (Decimal(0),))], G3]) == [
        G1[1],
        Column((), Fraction(0), (Decimal(0),)),
        G3[1],
    ]


def test_nearby_prices_move_one_year_at_a_time() -> None:
    prices = ((2022, Fraction(2)), (2023, Fraction(1)))
    assert nearby(prices) == [
        ((2022, Fraction(21, 10)), (2023, Fraction(1))),
        ((2022, Fraction(19, 10)), (2023, Fraction(1))),
        ((2022, Fraction(2)), (2023, Fraction(21, 20))),
        ((2022, Fraction(2)), (2023, Fraction(19, 20))),
        ((2022, Fraction(11, 5)), (2023, Fraction(1))),
        ((2022, Fraction(9, 5)), (2023, Fraction(1))),
        ((2022, Fraction(2)), (2023, Fraction(11, 10))),
        ((2022, Fraction(2)), (2023, Fraction(9, 10))),
    ]
    # A price of 0 has no neighbours of its own.
    assert nearby(((2022, Fraction(0)),)) == []


def test_cuts_leave_each_group_the_bound_less_the_slack() -> None:
    price = ((2022, Fraction(2)),)
    search = PriceSearch(
        [G1, G2, G3],
        bound=Fraction(17, 2),
        prices=price,
        group_bounds=[Fraction(2), Fraction(0), Fraction(0)],
    )
    got = cuts(search, ["G1", "G2", "G3"], Fraction(8))
    # L - target = 1/2: each group's PRICED at least its bound less 1/2.
    assert got == (
        PricedLimit("G1", price, low=Fraction(3, 2)),
        PricedLimit("G2", price, low=Fraction(-1, 2)),
        PricedLimit("G3", price, low=Fraction(-1, 2)),
        PricedLimit(None, (), low=Fraction(8), high=Fraction(17, 2)),
    )
    assert cuts(search, ["G1", "G2", "G3"], Fraction(8), Fraction(8))[-1].high == 8
    assert cuts(PriceSearch([G1, G2, G3]), ["G1", "G2", "G3"], Fraction(8)) == ()


def test_the_fund_prices_prove_the_optimum_of_three_groups() -> None:
    """L(p) = 2 max(0, 3 - p) + 2 max(0, 2 - p) + max(0, 1 - p) + 3 p is
    least at p = 2: 2 + 0 + 0 + 6 = 8, the optimum (G1 two teachers, G2
    one): the bound proves the plan before the whole model searches."""
    scenario = three_groups()
    lines: list[str] = []
    result = solve(scenario, SolveParams(log=lines.append))
    rounds = [line for line in lines if line.startswith("fund prices:")]
    assert rounds and "bound 8.00, best plan 8 " in rounds[-1]
    assert result.status is SolveStatus.OPTIMAL
    cover = result.levels[0]
    assert (cover.name, cover.value, cover.bound) == ("COVER", 8, 8)
    assert cover.bound_source is BoundSource.PRICES
    assert any(m.startswith("COVER bound 8 from the fund's prices") for m in result.messages)
    outcome = api.Outcome(scenario=scenario, result=result, report=None)
    assert api.plan_document(outcome)["bound_sources"] == {"COVER": "prices"}


def test_no_prices_nor_cuts_where_budget_is_relaxed() -> None:
    # A relaxed BUDGET puts OVERSPEND before COVER, and the groups, each
    # solved for COVER alone, overspend (all 5 teachers, 11): a cut "COVER
    # at least theirs" would force the whole to overspend by 2 as well. The
    # groups' plan is a hint only; the fund is kept (OVERSPEND 0), COVER 8.
    scenario = three_groups()
    lines: list[str] = []
    result = solve(scenario, SolveParams(log=lines.append, relax=frozenset({"BUDGET"})))
    assert "fund hint: coverage 11 from 3 groups" in "\n".join(lines)
    assert not any(line.startswith("fund prices:") for line in lines)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective["overspend"] == 0
    assert result.objective["coverage"] == 8
    assert result.shortfalls == []
    assert all(lv.bound_source is not BoundSource.PRICES for lv in result.levels)


def binding_fund() -> Scenario:
    """Three generated groups, their fund cut to 70% so that it binds: the
    prices prove COVER 232 in two rounds (233 without the fund)."""
    base = generate_scenario("district", 3, seed=4, budget=True, staff_per_core=(40, 50))
    tenth = Decimal("0.1")
    return replace(
        base,
        budget=[
            BudgetRow(b.year, (b.amount * Decimal("0.7")).quantize(tenth)) for b in base.budget
        ],
    )


def test_prices_prove_a_binding_fund_of_generated_groups() -> None:
    lines: list[str] = []
    result = solve(binding_fund(), SolveParams(log=lines.append))
    assert any(line.startswith("fund hint: coverage 227 from 3 groups") for line in lines)
    assert result.status is SolveStatus.OPTIMAL
    cover = result.levels[0]
    assert (cover.value, cover.bound, cover.bound_source) == (232, 232, BoundSource.PRICES)


def test_every_column_covers_and_spends_what_the_audit_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A column's COVER is PRICED plus the prices of what its plan spends:
    # the audit's COVER of the plan, recomputed, and its spending each year.
    seen: list[PriceSearch] = []
    search_prices = fund.search_prices

    def keep(*args: Any) -> None:
        search_prices(*args)
        seen.append(args[0].search)

    monkeypatch.setattr(fund, "search_prices", keep)
    scenario = binding_fund()
    solve(scenario, SolveParams())
    groups = split_by_group(scenario)
    assert groups is not None and seen and seen[0].rounds >= 1
    for group, columns in zip(groups, seen[0].columns, strict=True):
        assert len(columns) >= 2
        for c in columns:
            assert fund.plan_cover(group, list(c.plan)) == c.cover
            staff = scenario.staff_by_id
            assert list(c.spend) == [
                sum(
                    (
                        scenario.policy.cost_per_year(staff[e.staff_id].is_cadre)
                        for e in c.plan
                        if e.covers(row.year)
                    ),
                    Decimal(0),
                )
                for row in scenario.budget
            ]


def test_a_work_limit_stops_the_fund_at_the_same_plan_on_any_process_count() -> None:
    params = SolveParams(work_limit=2.0, time_limit=120)
    one = solve(binding_fund(), replace(params, processes=1))
    two = solve(binding_fund(), replace(params, processes=2))
    assert one.plan == two.plan
    assert one.objective == two.objective


def test_no_cuts_where_a_policy_puts_another_goal_before_cover() -> None:
    # FAIR first: the plan that covers most need not be among the fairest,
    # so the cuts (COVER at least the groups' plan) would be wrong there;
    # the levels are the one model's without the groups.
    scenario = binding_fund()
    policy = replace(scenario.policy, objective_order=("FAIR", "COVER", "PREFER"))
    fair_first = replace(scenario, policy=policy)
    split = solve(fair_first, SolveParams())
    whole = solve(fair_first, SolveParams(decompose=False))
    assert [lv.name for lv in split.levels][:2] == ["FAIR", "COVER"]
    assert [lv.value for lv in split.levels] == [lv.value for lv in whole.levels]


def test_proven_counts_in_cover_steps() -> None:
    # Priorities in halves: COVER moves by 1/2, so a bound of 8.4 proves a
    # plan of 8 (8.4 floors to 16 halves) and a bound of 8.6 does not.
    best = [Column((), Fraction(8), (Decimal(3),))]
    half = Fraction(1, 2)
    assert PriceSearch([], bound=Fraction(42, 5), best=best, step=half).proven
    assert not PriceSearch([], bound=Fraction(43, 5), best=best, step=half).proven
    assert not PriceSearch([], bound=None, best=best, step=half).proven


def test_the_bound_and_its_source_are_said_in_chinese() -> None:
    with use_language("zh"):
        result = solve(three_groups(), SolveParams())
    assert any(m.startswith("覆盖 COVER 上界 8，来自经费定价") for m in result.messages)
