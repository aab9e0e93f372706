"""Exact numbers in the model: priorities and money are taken as written.

Each goal turns its decimals into the smallest exact integers (least common
denominator, divided by the gcd), so a scenario with decimal priorities is
the same model as the one with the proportional integers; a scenario whose
integers CP-SAT cannot hold is refused before solving, naming the input,
never solved into another plan.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_scenario, need, quiet_policy, staff, two_group_scenario
from ortools.sat.python import cp_model

from planner import api
from planner.cli import main
from planner.cli.common import EXIT_BAD_INPUT
from planner.data import BudgetRow, Scenario
from planner.enums import Position
from planner.io.writer import write_scenario
from planner.model import solve as solve_module
from planner.model.levels import exact_bound
from planner.model.params import SolveParams
from planner.model.quantities import CP_SAT_LIMIT, exact_decimal, integer_weights
from planner.model.ranges import range_problems
from planner.model.solve import solve
from planner.problems import ScenarioError
from planner.results import SolveStatus

THIRD, SEVENTH, TWO_THIRDS = "0.3333333333333333", "0.14285714285714285", "0.6666666666666666"
# The same numbers times 10^17, as whole numbers.
THIRD_17, SEVENTH_17, TWO_THIRDS_17 = "33333333333333330", "14285714285714285", "66666666666666660"
PARAMS = SolveParams(time_limit=20, processes=1)


def test_integer_weights_are_the_smallest_exact_integers() -> None:
    halves = [Decimal("0.5"), Decimal("0.25"), Decimal("0.125")]
    assert integer_weights(halves) == ([4, 2, 1], Fraction(8))
    assert integer_weights([Decimal(4), Decimal(2), Decimal(1)]) == ([4, 2, 1], Fraction(1))
    assert integer_weights([Decimal(30000), Decimal(50000)]) == ([3, 5], Fraction(1, 10000))
    # 0.6666666666666666 is exactly twice 0.3333333333333333.
    weights, scale = integer_weights([Decimal(THIRD), Decimal(TWO_THIRDS)])
    assert weights == [1, 2] and Fraction(1) / scale == Fraction(THIRD)
    weights, scale = integer_weights([Decimal(THIRD), Decimal(SEVENTH)])
    assert weights == [6666666666666666, 2857142857142857]
    assert [Fraction(w) / scale for w in weights] == [Fraction(THIRD), Fraction(SEVENTH)]


def test_exact_decimal_writes_quotients_as_before() -> None:
    assert str(exact_decimal(Fraction(3, 2))) == "1.5"
    assert str(exact_decimal(Fraction(30, 10))) == "3"
    assert str(exact_decimal(Fraction(8965, 10000))) == "0.8965"
    big = Fraction(10**40 + 1, 10**20)  # 41 digits: beyond Decimal's default 28
    assert str(exact_decimal(big)) == "100000000000000000000.00000000000000000001"


def one_teacher(priorities: tuple[str, str, str], **policy: object) -> Scenario:
    """One maths teacher, one year: M1 wants one (first priority), M2 wants
    one in each of two rows (second and third priorities): the teacher goes
    where the priorities add up to more."""
    needs = [
        need("M1", 2022, "数学", priority=Decimal(priorities[0])),
        need("M2", 2022, "数学", priority=Decimal(priorities[1])),
        need("M2", 2022, "数学", priority=Decimal(priorities[2])),
    ]
    return make_scenario(staff=[staff("S1")], needs=needs, horizon=1, policy=quiet_policy(**policy))


def where(scenario: Scenario) -> set[str]:
    result = solve(scenario, PARAMS)
    assert result.status is SolveStatus.OPTIMAL
    return {e.school_id for e in result.plan.exchanges}


def test_a_difference_in_the_sixteenth_decimal_decides() -> None:
    # M1: 0.5000000000000001 against M2: 0.25 + 0.25 = 0.5.
    scenario = one_teacher(("0.5000000000000001", "0.25", "0.25"))
    result = solve(scenario, PARAMS)
    assert {e.school_id for e in result.plan.exchanges} == {"M1"}
    assert result.objective["coverage"] == Decimal("0.5000000000000001")
    assert where(one_teacher(("0.4999999999999999", "0.25", "0.25"))) == {"M2"}


# M2's two rows must be alike for FAIR (see the refusal below): 1/3 and 2/3
# as written are exactly 1 : 2.
@pytest.mark.parametrize(
    ("written", "integers"),
    [
        (("0.5", "0.25", "0.125"), ("4", "2", "1")),
        ((SEVENTH, THIRD, TWO_THIRDS), (SEVENTH_17, THIRD_17, TWO_THIRDS_17)),
        ((TWO_THIRDS, SEVENTH, SEVENTH), (TWO_THIRDS_17, SEVENTH_17, SEVENTH_17)),
    ],
)
def test_decimal_priorities_plan_as_their_proportional_integers(
    written: tuple[str, str, str], integers: tuple[str, str, str]
) -> None:
    decimal = api.solve_scenario(one_teacher(written), PARAMS)
    whole = api.solve_scenario(one_teacher(integers), PARAMS)
    for outcome in (decimal, whole):
        assert outcome.result.status is SolveStatus.OPTIMAL
        assert outcome.consistent  # the audit's coverage equals the solver's, exactly
        assert not outcome.result.messages
    assert decimal.result.plan == whole.result.plan
    # M1 alone (first) against both M2 rows (second + third), exactly:
    first, rest = Decimal(written[0]), Decimal(written[1]) + Decimal(written[2])
    assert decimal.result.objective["coverage"] == max(first, rest)
    assert decimal.report is not None
    assert decimal.report.total_coverage == max(first, rest)
    ratio = Decimal(integers[0]) / Decimal(written[0])
    assert whole.result.objective["coverage"] == max(first, rest) * ratio


def test_independent_groups_add_up_exactly() -> None:
    people = [staff("S1"), staff("T1", school_id="C2")]
    needs = [
        need("M1", 2022, "数学", priority=Decimal(THIRD)),
        need("P1", 2022, "数学", priority=Decimal(SEVENTH)),
    ]
    scenario = two_group_scenario(people, needs=needs, horizon=1)
    result = solve(scenario, PARAMS)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective["coverage"] == Decimal(THIRD) + Decimal(SEVENTH)
    assert str(result.objective["coverage"]) == "0.47619047619047615"


def test_fair_refused_when_a_school_mixes_unlike_decimals() -> None:
    # FAIR counts each school's ratio in basis points: 10,000 x the school's
    # integer weights x counts must fit; 1/3 and 1/7 as written at one
    # school need weights 6666666666666666 and 2857142857142857.
    scenario = one_teacher(("1", THIRD, SEVENTH))
    with pytest.raises(ScenarioError) as caught:
        solve(scenario, PARAMS)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.column, problem.value) == ("needs", "priority", THIRD)
    assert "M2" in problem.expected and str(CP_SAT_LIMIT) in problem.expected
    # Without FAIR the same numbers fit, and the plan is exact.
    no_fair = one_teacher(("1", THIRD, SEVENTH), objective_order=("COVER", "PREFER"))
    assert where(no_fair) == {"M1"}


def test_a_huge_count_is_refused_naming_it() -> None:
    needs = [need("M1", 2022, "数学", count=10**15), need("M2", 2022, "数学")]
    scenario = make_scenario(staff=[staff("S1")], needs=needs, horizon=1, policy=quiet_policy())
    (problem,) = range_problems(scenario, ["COVER", "FAIR"])
    assert (problem.sheet, problem.column, problem.value) == ("needs", "count", str(10**15))
    assert range_problems(scenario, ["COVER"]) == []  # 10^15 x 1 fits COVER alone


def costly(cost_teacher: str, cost_cadre: str, budget: list[BudgetRow] | None = None) -> Scenario:
    """Two maths teachers (one middle cadre) and one need: COST decides who goes."""
    people = [staff("S1"), staff("S2", position=Position.MIDDLE)]
    policy = quiet_policy(cost_teacher=Decimal(cost_teacher), cost_cadre=Decimal(cost_cadre))
    return make_scenario(
        staff=people,
        needs=[need("M1", 2022, "数学")],
        horizon=1,
        policy=policy,
        budget=budget or [],
    )


def test_cost_in_long_decimals_and_huge_amounts_is_exact() -> None:
    # cost_teacher 1/3 as written, cost_cadre twice it: weights 1 and 2.
    result = solve(costly(THIRD, TWO_THIRDS), PARAMS)
    assert result.status is SolveStatus.OPTIMAL
    assert [e.staff_id for e in result.plan.exchanges] == ["S1"]  # the cheaper one
    # One exchange of TERM's shortest, two years: two staff-years.
    assert result.objective["cost"] == 2 * Decimal(THIRD) == Decimal(TWO_THIRDS)
    # 10^15 and 3 x 10^15 per staff-year: weights 1 and 3, the cost exact.
    huge = solve(costly(str(10**15), str(3 * 10**15)), PARAMS)
    assert huge.plan == result.plan
    assert huge.objective["cost"] == Decimal(2 * 10**15)


def test_cost_refused_when_the_decimals_make_the_integers_too_large() -> None:
    # 1/3 as written beside 10^15: the common denominator 10^16 makes the
    # cadre's staff-year 10^31.
    scenario = costly(THIRD, str(10**15))
    with pytest.raises(ScenarioError) as caught:
        solve(scenario, PARAMS)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.column, problem.value) == ("policy", "cost_teacher", THIRD)


def test_budget_refused_naming_the_decimals() -> None:
    budget = [BudgetRow(2022, Decimal(10**6))]
    scenario = costly(THIRD, TWO_THIRDS, budget)
    problems = range_problems(scenario, ["COVER"])
    assert [(p.sheet, p.column, p.value) for p in problems] == [("policy", "cost_teacher", THIRD)]
    assert "2022" in problems[0].expected
    assert range_problems(costly("0.5", "1", budget), ["COVER", "COST"]) == []


def test_a_model_cp_sat_rejects_is_never_a_kept_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    # Past the range check (switched off here), CP-SAT rejects FAIR's
    # constraint: no plan at all, and a message, never "kept the plan so far".
    monkeypatch.setattr(solve_module, "range_problems", lambda *args: [])
    result = solve(one_teacher(("1", THIRD, SEVENTH)), PARAMS)
    assert result.status is SolveStatus.MODEL_INVALID
    assert not result.plan.exchanges
    assert any("FAIR" in m and "overflow" in m for m in result.messages)


def test_exact_bound_puts_offset_and_sense_back() -> None:
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(3)]
    model.add(sum(x) <= 2)
    big = 2**60 + 1  # beyond a float's 53 bits
    model.maximize(cp_model.LinearExpr.weighted_sum(x, [big, big, 3]) + 5)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert exact_bound(solver, model) == 2 * big + 5
    model.minimize(cp_model.LinearExpr.weighted_sum(x, [big, 7, 3]) + 11)
    model.add(sum(x) >= 2)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert exact_bound(solver, model) == 10 + 11


def cli_json(tmp_path: Path, scenario: Scenario, name: str) -> tuple[int, str, dict | None]:
    source, out = tmp_path / f"{name}.xlsx", tmp_path / f"{name}.json"
    write_scenario(scenario, source)
    result = CliRunner().invoke(
        main, ["solve", str(source), "--quiet", "--processes", "1", "--json", str(out)]
    )
    document = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return result.exit_code, result.output, document


def test_cli_solves_decimals_as_their_integers_or_refuses(tmp_path: Path) -> None:
    # Through the workbook reader: at most 16 decimals and at most 10^6, so
    # 1/7 as Excel keeps it in 16 decimals, and the same three numbers times 10^5.
    seventh = "0.1428571428571428"
    scaled = ("14285.71428571428", "33333.33333333333", "66666.66666666666")
    code, _, decimal = cli_json(tmp_path, one_teacher((seventh, THIRD, TWO_THIRDS)), "d")
    code2, _, whole = cli_json(tmp_path, one_teacher(scaled), "i")
    assert code == code2 == 0 and decimal is not None and whole is not None
    assert decimal["exchanges"] == whole["exchanges"]
    assert [e["school_id"] for e in decimal["exchanges"]] == ["M2"]
    code, output, refused = cli_json(tmp_path, costly(THIRD, str(10**15)), "c")
    assert code == EXIT_BAD_INPUT and refused is None
    assert "cost_teacher" in output and THIRD in output
