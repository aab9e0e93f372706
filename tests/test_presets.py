"""Policy presets as data, and the rules they add (ratio base, BACKBONE-SHARE,
TENURE), each with a violating and a non-violating tiny case."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from conftest import make_scenario, staff

from planner.audit import audit
from planner.data import Honor, Plan
from planner.io.policy_file import MODELS_DIR, load_policy
from planner.model.solve import SolveParams, solve
from planner.policy import Policy
from planner.results import SolveStatus

FREE = Policy(ratio_first_year=Decimal(0), ratio_later_years=Decimal(0), cadre_min_first_year=0)


def test_every_preset_loads() -> None:
    names = {path.stem: load_policy(path) for path in MODELS_DIR.glob("*.yaml")}
    assert {"taishan-2022", "national-2014", "tenure-6"} <= set(names)
    national = names["national-2014"]
    assert national.ratio_base == "eligible"
    assert national.ratio_later_years == Decimal("0.10")
    assert national.backbone_min_share == Decimal("0.20")
    assert national.tenure_years == 6
    assert names["tenure-6"] == replace(Policy(), name="tenure-6", tenure_years=6)


def test_ratio_base_eligible_counts_only_who_may_go() -> None:
    # 20 staff, 10 eligible, 10% later-year ratio from 2023: by headcount
    # 2 must start each later year, by the eligible base only 1.
    people = [staff(f"E{i}") for i in range(10)] + [
        staff(f"N{i}", honor=Honor.NONE) for i in range(10)
    ]
    policy = replace(FREE, ratio_later_years=Decimal("0.1"))
    s = make_scenario(staff=people, needs=[], policy=policy)
    starts = lambda r: sum(1 for e in r.plan.exchanges if e.start_year == 2023)  # noqa: E731
    assert starts(solve(s)) == 2
    eligible = replace(s, policy=replace(policy, ratio_base="eligible"))
    result = solve(eligible)
    assert starts(result) == 1
    assert audit(eligible, result.plan).valid
    # The audit computes the same base on its own: one start is short by 1
    # under the headcount base.
    assert [v.amount for v in audit(s, result.plan).violations if v.year == 2023] == [1]


def test_backbone_share() -> None:
    # 20 staff, 15% -> 3 must start in 2022; a 20% backbone share needs at
    # least 1 backbone teacher among them.
    people = [staff(f"S{i}") for i in range(19)]
    policy = replace(FREE, ratio_first_year=Decimal("0.15"), backbone_min_share=Decimal("0.2"))
    s = make_scenario(staff=[*people, staff("B1")], needs=[], policy=policy)
    assert solve(s).status is SolveStatus.INFEASIBLE  # no backbone teacher at all
    s = make_scenario(staff=[*people, staff("B1", backbone=True)], needs=[], policy=policy)
    result = solve(s)
    assert "B1" in {e.staff_id for e in result.plan.exchanges if e.start_year == 2022}
    assert audit(s, result.plan).valid
    without = Plan.of(e for e in result.plan.exchanges if e.staff_id != "B1")
    broken = [v for v in audit(s, without).violations if v.rule == "BACKBONE-SHARE"]
    assert [(v.year, v.amount) for v in broken] == [(2022, 1)]


def test_tenure_rotates_long_serving_staff() -> None:
    # S1 has been at C1 since 2014: 8 years by 2022, so must rotate even
    # though no need asks for them; S2 (since 2019) need not.
    policy = replace(FREE, tenure_years=6)
    s = make_scenario(
        staff=[staff("S1", school_since=2014), staff("S2", school_since=2019)],
        needs=[],
        policy=policy,
    )
    result = solve(s, SolveParams(time_limit=20))
    assert [e.staff_id for e in result.plan.exchanges] == ["S1"]
    assert audit(s, result.plan).valid
    report = audit(s, Plan.of([]))
    assert [(v.rule, v.staff_id) for v in report.violations] == [("TENURE", "S1")]
    # Someone who cannot go in any year (over the age cap) is not reached.
    old = replace(s, staff=[staff("S1", school_since=2014, birth_date=dt.date(1960, 1, 1))])
    assert solve(old).plan.exchanges == ()
    assert audit(old, Plan.of([])).valid
