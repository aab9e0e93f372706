"""Experiment (issue 17, item 1): a bound for a shared fund from small models.

    .venv/bin/python benchmarks/lagrange_fund.py [--instance city10-budget]
        [--iterations 15] [--best-known COVER] [--couple-seconds 120] [--no-couple]

Lagrangian relaxation of each year's BUDGET row: with a price ``p_y`` per
currency unit in year ``y``, every group is solved apart (no fund) for

    max  COVER_g - sum_y p_y * spend_{g,y}

and ``sum_g optimum_g + sum_y p_y * fund_y`` is an upper bound on the whole's
COVER for any prices >= 0 (each group's own bound is used where its solve
is not proven, so the bound stays valid). Prices move by subgradient steps
(Polyak's rule towards the best known plan). All arithmetic is integer:
COVER is scaled by ``R * M`` (``M`` makes every group's priority scale an
integer, ``R`` the price resolution), prices are integers in those units per
integer money unit (:func:`planner.model.quantities.budget_weights`).

Then, unless ``--no-couple``, the coupled model is solved as ``planner solve``
does (fund hint, one model) with ``COVER <= floor(bound)`` added, so that
its COVER level ends by proof once its best plan meets the bound; the time
it takes is printed. Not part of the planner: a measured experiment, figures
in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import resolve_instance

from planner.api import load_scenario
from planner.data import Scenario
from planner.model import objective as objective_module
from planner.model.decompose import split_by_group
from planner.model.levels import build_model
from planner.model.params import SolveParams, make_solver
from planner.model.quantities import budget_weights
from planner.model.solve import solve

PRICE_RESOLUTION = 10_000


class GroupModel:
    """One group without the fund: its COVER and its spend per budget year."""

    def __init__(self, part: Scenario, whole: Scenario, multiplier: int) -> None:
        built = build_model(replace(part, budget=[]))
        self.model = built.model
        goal = built.objective.cover()
        factor = Fraction(multiplier) / goal.scale
        assert factor.denominator == 1
        self.cover = goal.expr
        self.cover_factor = int(factor) * PRICE_RESOLUTION
        policy = whole.policy
        cost, self.amounts, self.money_scale = budget_weights(
            policy.cost_teacher, policy.cost_cadre, whole.budget
        )
        self.years = [row.year for row in whole.budget]
        self.spend: list[cp_model.LinearExprT] = []
        self.locked: list[int] = []
        for year in self.years:
            cands = [c for c in built.variables.candidates if year in c.years()]
            self.spend.append(
                cp_model.LinearExpr.weighted_sum(
                    [c.var for c in cands], [cost[c.staff.is_cadre] for c in cands]
                )
            )
            self.locked.append(
                sum(
                    cost[lk.staff.is_cadre]
                    for lk in built.variables.locked
                    if lk.exchange.covers(year)
                )
            )
        self.hint: list[tuple[cp_model.IntVar, int]] = []
        self.variables = [c.var for c in built.variables.candidates]

    def solve(self, prices: list[int], seconds: float) -> tuple[int, list[int], bool]:
        """The group's priced optimum (its bound if unproven), its spend per
        year (locked included) and whether it was proven."""
        locked_charge = sum(p * lk for p, lk in zip(prices, self.locked, strict=True))
        self.model.maximize(
            self.cover_factor * self.cover
            - sum(p * s for p, s in zip(prices, self.spend, strict=True) if p)
        )
        self.model.clear_hints()
        for var, value in self.hint:
            self.model.add_hint(var, value)
        solver = make_solver(SolveParams(), seconds)
        status = solver.solve(self.model)
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), solver.status_name(status)
        self.hint = [(v, solver.value(v)) for v in self.variables]
        spend = [int(solver.value(s)) + lk for s, lk in zip(self.spend, self.locked, strict=True)]
        bound = math.floor(solver.best_objective_bound) - locked_charge
        return bound, spend, status == cp_model.OPTIMAL


def lagrangian_bound(
    scenario: Scenario, best_known: Fraction, iterations: int, log: bool = True
) -> tuple[Fraction, list[tuple[float, Fraction]]]:
    """The best Lagrangian bound on COVER found in ``iterations`` price updates,
    and (seconds, bound) after each."""
    started = time.perf_counter()
    parts = split_by_group(scenario) or [scenario]
    multiplier = math.lcm(*(build_scale(p).numerator for p in parts))
    groups = [GroupModel(p, scenario, multiplier) for p in parts]
    unit = multiplier * PRICE_RESOLUTION  # COVER units in the priced objective
    amounts = groups[0].amounts
    prices = [0] * len(amounts)
    best = Fraction(10**18)
    history: list[tuple[float, Fraction]] = []
    theta = 1.0
    for k in range(iterations):
        total, spend, proven = 0, [0] * len(amounts), True
        for g in groups:
            value, used, ok = g.solve(prices, 30.0)
            total += value
            spend = [a + b for a, b in zip(spend, used, strict=True)]
            proven = proven and ok
        bound = Fraction(total + sum(p * a for p, a in zip(prices, amounts, strict=True)), unit)
        if bound < best:
            best = bound
        else:
            theta /= 2
        slack = [a - s for a, s in zip(amounts, spend, strict=True)]
        took = time.perf_counter() - started
        history.append((took, bound))
        if log:
            print(
                f"  iter {k}: {took:6.1f}s bound {float(bound):.3f} best {float(best):.3f} "
                f"prices {[p / unit for p in prices]} slack {slack} proven {proven}",
                flush=True,
            )
        if math.floor(best) <= best_known:
            break
        norm = sum(s * s for s in slack)
        if norm == 0:
            break
        step = theta * float(bound - best_known) * unit / norm
        prices = [max(0, round(p - step * s)) for p, s in zip(prices, slack, strict=True)]
    return best, history


def build_scale(part: Scenario) -> Fraction:
    return build_model(replace(part, budget=[])).objective.cover().scale


def coupled_with_bound(scenario: Scenario, bound: Fraction, seconds: float) -> None:
    """``planner solve``'s coupled model with COVER <= floor(bound) added."""
    original = objective_module.Objective.cover

    def capped(self: objective_module.Objective) -> objective_module.Goal:
        goal = original(self)
        if len(self.scenario.groups) == len(scenario.groups) and self.scenario.budget:
            cap = math.floor(bound * goal.scale)
            self.model.add(goal.expr <= cap)
        return goal

    objective_module.Objective.cover = capped  # type: ignore[method-assign]
    started = time.perf_counter()
    result = solve(scenario, SolveParams(time_limit=seconds, log=lambda m: print(m, flush=True)))
    cover = next(lv for lv in result.levels if lv.name == "COVER")
    print(
        f"coupled with the bound: COVER {cover.value} / {cover.bound} {cover.status.value} "
        f"in {cover.seconds:.1f}s of COVER solving; whole solve "
        f"{time.perf_counter() - started:.1f}s, status {result.status.value}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="city10-budget")
    parser.add_argument("--iterations", type=int, default=15)
    # The best city10-budget plan measured (planner solve, 120 s, 2026-11-30).
    parser.add_argument("--best-known", type=Fraction, default=Fraction(4895))
    parser.add_argument("--couple-seconds", type=float, default=120.0)
    parser.add_argument("--no-couple", action="store_true")
    args = parser.parse_args()
    print(f"load {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        scenario = load_scenario(resolve_instance(args.instance, Path(tmp)))
    cpu = time.process_time()
    bound, history = lagrangian_bound(scenario, args.best_known, args.iterations)
    print(
        f"lagrangian bound {float(bound):.3f} (floor {math.floor(bound)}) after "
        f"{history[-1][0]:.1f}s wall, {time.process_time() - cpu:.1f}s CPU; load {os.getloadavg()}"
    )
    if not args.no_couple:
        coupled_with_bound(scenario, bound, args.couple_seconds)
        print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
