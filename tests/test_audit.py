"""The independent audit (planner.audit) on tiny hand-made scenarios.

For every hard rule of rules.md: one plan that breaks it (rule id, group,
year and amount asserted exactly) and one that keeps it. Scenarios come from
the shared builders of conftest.py.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from conftest import FIRST, make_scenario, quiet_policy, staff
from conftest import staff as person
from conftest import two_group_scenario as scenario

from planner.audit import age_in_full_years, audit, eligibility_reasons
from planner.data import (
    Ban,
    BudgetRow,
    CoreKeep,
    Exchange,
    Group,
    Need,
    Plan,
    Scenario,
    School,
    Staff,
    age_on_sept_first,
)
from planner.enums import Honor, Position, Role, Stage
from planner.policy import Policy
from planner.results import AuditReport, Violation

# The world: conftest's two_group_scenario (group G1: core C1, fusion M1,
# alliance M2, nine-year N1; group G2: core C2, fusion P1), quotas off.
# Staff are eligible unless told otherwise.


def ex(staff_id: str, school_id: str, start: int, end: int) -> Exchange:
    return Exchange(staff_id, school_id, start, end)


def run(sc: Scenario, *exchanges: Exchange) -> AuditReport:
    return audit(sc, Plan.of(exchanges))


def only(report: AuditReport, rule: str) -> list[Violation]:
    return [v for v in report.violations if v.rule == rule]


def one(report: AuditReport, rule: str) -> Violation:
    found = only(report, rule)
    assert len(found) == 1, report.violations
    return found[0]


def g1(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.group_id == "G1"]


def rules(report: AuditReport) -> list[str]:
    return [v.rule for v in report.violations]


# ---------------------------------------------------------------------------
# a valid plan
# ---------------------------------------------------------------------------


def test_valid_plan_has_no_violation_and_every_check_ok() -> None:
    sc = scenario()
    report = run(sc, ex("S1", "M1", 2022, 2023), ex("S2", "N1", 2023, 2024))
    assert report.valid and report.violations == []
    assert report.checks and all(c.status == "ok" for c in report.checks)
    # one check per exchange for each per-exchange rule
    for rule in ("TERM", "AGE", "HONOR", "LEVEL", "MEMBERSHIP", "AVAILABLE"):
        assert sorted((c.scope, c.year) for c in report.checks if c.rule == rule) == [
            ("S1", 2022),
            ("S2", 2023),
        ]
    assert sorted(str(c.scope) for c in report.checks if c.rule == "ONE-PLACE") == ["S1", "S2"]


# ---------------------------------------------------------------------------
# TERM
# ---------------------------------------------------------------------------


def test_term_too_short_too_long_and_backwards() -> None:
    sc = scenario(horizon=3)
    short = one(run(sc, ex("S1", "M1", 2022, 2022)), "TERM")
    assert (short.year, short.group_id, short.staff_id, short.amount) == (2022, "G1", "S1", 1)
    assert "lasts 1 school year, allowed 2 to 5 (short by 1 year)" in short.message
    long = one(run(sc, ex("S1", "M1", 2022, 2028)), "TERM")  # 7 years
    assert (long.year, long.amount) == (2022, 2)
    backwards = one(run(sc, ex("S1", "M1", 2023, 2022)), "TERM")  # term 0
    assert (backwards.year, backwards.amount) == (2023, 2)
    assert "ends before it starts" in backwards.message


def test_term_within_limits() -> None:
    sc = scenario()
    assert only(run(sc, ex("S1", "M1", 2022, 2023)), "TERM") == []
    assert only(run(sc, ex("S1", "M1", 2022, 2026)), "TERM") == []


# ---------------------------------------------------------------------------
# ONE-PLACE
# ---------------------------------------------------------------------------


def test_one_place_overlap() -> None:
    sc = scenario()
    report = run(sc, ex("S1", "M1", 2022, 2024), ex("S1", "M2", 2023, 2024))
    v = one(report, "ONE-PLACE")
    assert (v.year, v.group_id, v.staff_id, v.amount) == (2023, "G1", "S1", 2)
    check = next(c for c in report.checks if c.rule == "ONE-PLACE")
    assert check.status == "violated" and check.year == 2023


def test_one_place_listed_twice_is_an_overlap() -> None:
    sc = scenario()
    v = one(run(sc, ex("S1", "M1", 2022, 2023), ex("S1", "M1", 2022, 2023)), "ONE-PLACE")
    assert (v.year, v.amount) == (2022, 2)


def test_one_place_consecutive_exchanges_are_fine() -> None:
    # Back to back is no overlap; with REPEAT-GAP off the plan is valid (with
    # the default gap of 1 it is not: test_repeat_gap_default_...).
    sc = scenario(horizon=4, policy=quiet_policy(repeat_gap_years=0))
    report = run(sc, ex("S1", "M1", 2022, 2023), ex("S1", "M2", 2024, 2025))
    assert report.valid


# ---------------------------------------------------------------------------
# TEACHER-QUOTA and CADRE-QUOTA
# ---------------------------------------------------------------------------


def many(n: int, school: str = "C1", prefix: str = "T", **kw: Any) -> list[Staff]:
    return [person(f"{prefix}{i:03d}", school_id=school, **kw) for i in range(n)]


def quota_check(report: AuditReport, rule: str, year: int, group: str = "G1") -> Any:
    (check,) = [
        c for c in report.checks if c.rule == rule and c.year == year and c.group_id == group
    ]
    return check


@pytest.mark.parametrize(("headcount", "required"), [(120, 18), (121, 19), (20, 3), (0, 0)])
def test_teacher_quota_rounds_up_in_exact_decimals(headcount: int, required: int) -> None:
    sc = scenario(many(headcount), policy=Policy(), horizon=1)
    check = quota_check(run(sc), "TEACHER-QUOTA", 2022)
    assert check.required == required and check.achieved == 0


def test_teacher_quota_short_and_met() -> None:
    staff = many(20)  # first year 0.15 x 20 = 3; later 0.05 x 20 = 1
    sc = scenario(
        staff,
        policy=quiet_policy(ratio_first_year=Decimal("0.15"), ratio_later_years=Decimal("0.05")),
    )
    report = run(sc, ex("T000", "M1", 2022, 2023), ex("T001", "M1", 2023, 2024))
    v = only(report, "TEACHER-QUOTA")[0]
    assert (v.group_id, v.year, v.amount) == ("G1", 2022, 3 - 1)
    assert v.message == (
        "集团G1: 3 of 20 staff of C1 核心校 must start an exchange in 2022 "
        "(first-year ratio 0.15), the plan starts 1 (short by 2)"
    )
    assert quota_check(report, "TEACHER-QUOTA", 2023).status == "ok"
    assert quota_check(report, "TEACHER-QUOTA", 2023).required == 1
    assert quota_check(report, "TEACHER-QUOTA", 2024).required == 1
    assert quota_check(report, "TEACHER-QUOTA", 2024).achieved == 0
    assert [(v.year, v.amount) for v in only(report, "TEACHER-QUOTA")] == [(2022, 2), (2024, 1)]
    assert [(v.year, v.amount) for v in only(run(sc), "TEACHER-QUOTA")] == [
        (2022, 3),
        (2023, 1),
        (2024, 1),
    ]
    met = run(
        sc,
        ex("T000", "M1", 2022, 2023),
        ex("T001", "M1", 2022, 2023),
        ex("T002", "N1", 2022, 2023),
        ex("T003", "N1", 2023, 2024),
        ex("T004", "N1", 2024, 2025),  # runs past the horizon: fine
    )
    assert only(met, "TEACHER-QUOTA") == []


def test_quota_counts_only_the_core_school_and_starts_in_the_year() -> None:
    staff = [*many(10), *many(10, school="C2", prefix="U")]
    sc = scenario(staff, policy=quiet_policy(ratio_first_year=Decimal("0.2")), horizon=1)
    # C2's staff count for G2 only; an exchange started before the horizon counts nowhere.
    report = run(sc, ex("T000", "M1", 2021, 2022), ex("U000", "P1", 2022, 2023))
    assert quota_check(report, "TEACHER-QUOTA", 2022, "G1").achieved == 0
    assert quota_check(report, "TEACHER-QUOTA", 2022, "G2").achieved == 1
    assert [(v.group_id, v.amount) for v in only(report, "TEACHER-QUOTA")] == [
        ("G1", 2),
        ("G2", 1),
    ]


def test_quota_years_follow_the_founding_year() -> None:
    policy = quiet_policy(ratio_first_year=Decimal("0.5"), ratio_later_years=Decimal("0.1"))
    staff = many(10)
    late = scenario(staff, policy=policy, founded=2023, horizon=3)  # founded inside the horizon
    report = run(late)
    assert [c.year for c in report.checks if c.rule == "TEACHER-QUOTA" and c.group_id == "G1"] == [
        2023,
        2024,
    ]
    assert quota_check(report, "TEACHER-QUOTA", 2023).required == 5
    assert quota_check(report, "TEACHER-QUOTA", 2024).required == 1
    old = scenario(staff, policy=policy, founded=2020, horizon=2)  # plan made later
    report = run(old)
    assert [quota_check(report, "TEACHER-QUOTA", y).required for y in (2022, 2023)] == [1, 1]


def test_quota_counts_locked_commitments() -> None:
    staff = many(10)
    commitment = ex("T000", "M1", 2022, 2023)
    sc = scenario(
        staff,
        policy=quiet_policy(ratio_first_year=Decimal("0.1")),
        horizon=1,
        commitments=[commitment],
    )
    report = run(sc, commitment)
    assert quota_check(report, "TEACHER-QUOTA", 2022).achieved == 1
    assert report.valid


def test_cadre_quota_counts_middle_and_senior() -> None:
    staff = [
        person("S1", position=Position.MIDDLE),
        person("S2", position=Position.SENIOR),
        person("S3"),
        person("S4", position=Position.MIDDLE),
    ]
    sc = scenario(
        staff, policy=quiet_policy(cadre_min_first_year=2, cadre_min_later_years=1), horizon=2
    )
    short = run(sc, ex("S1", "M1", 2022, 2023), ex("S3", "M1", 2022, 2023))
    assert [(v.group_id, v.year, v.amount) for v in g1(only(short, "CADRE-QUOTA"))] == [
        ("G1", 2022, 1),
        ("G1", 2023, 1),
    ]
    assert quota_check(short, "CADRE-QUOTA", 2022).achieved == 1
    met = run(
        sc,
        ex("S1", "M1", 2022, 2023),
        ex("S2", "N1", 2022, 2023),
        ex("S4", "N1", 2023, 2024),
    )
    assert g1(only(met, "CADRE-QUOTA")) == []
    assert quota_check(met, "CADRE-QUOTA", 2022).required == 2
    assert quota_check(met, "CADRE-QUOTA", 2023).required == 1


# ---------------------------------------------------------------------------
# AGE, HONOR, LEVEL
# ---------------------------------------------------------------------------


def test_age_born_on_first_september_is_older_that_day() -> None:
    born = dt.date(1977, 9, 1)  # 45 on 1 Sept 2022, 46 on 1 Sept 2023
    sc = scenario([person("S1", birth_date=born)], horizon=2)
    assert only(run(sc, ex("S1", "M1", 2022, 2023)), "AGE") == []
    v = one(run(sc, ex("S1", "M1", 2023, 2024)), "AGE")
    assert (v.group_id, v.year, v.staff_id, v.amount) == ("G1", 2023, "S1", 1)
    assert "is 46 on 1 September 2023" in v.message
    # born a day later: still 45 in 2023
    sc2 = scenario([person("S1", birth_date=dt.date(1977, 9, 2))], horizon=2)
    assert only(run(sc2, ex("S1", "M1", 2023, 2024)), "AGE") == []


def test_age_amount_is_years_over_and_exception_exempts() -> None:
    old = dt.date(1975, 1, 1)  # 47 in 2022
    sc = scenario([person("S1", birth_date=old), person("S2", birth_date=old, age_exception=True)])
    report = run(sc, ex("S1", "M1", 2022, 2023), ex("S2", "M1", 2022, 2023))
    v = one(report, "AGE")
    assert (v.staff_id, v.amount) == ("S1", 2)
    ages = {c.scope: (c.achieved, c.status) for c in report.checks if c.rule == "AGE"}
    assert ages == {"S1": (47, "violated"), "S2": (47, "ok")}


def test_age_is_checked_at_each_start_only() -> None:
    born = dt.date(1977, 6, 1)  # 45 in 2022, 49 in 2026 (still on the same exchange)
    sc = scenario([person("S1", birth_date=born)])
    assert only(run(sc, ex("S1", "M1", 2022, 2026)), "AGE") == []


@pytest.mark.parametrize(
    "born",
    [
        dt.date(y, m, d)
        for y in (1976, 1980, 1984)
        for m, d in [(1, 1), (2, 29), (8, 31), (9, 1), (9, 2), (12, 31)]
        if not (m == 2 and y % 4)
    ],
)
def test_age_agrees_with_the_data_model(born: dt.date) -> None:
    for year in range(2000, 2031):
        assert age_in_full_years(born, year) == age_on_sept_first(born, year)


def test_honor_below_district() -> None:
    sc = scenario([person("S1", honor=Honor.SCHOOL), person("S2", honor=Honor.NONE)])
    report = run(sc, ex("S1", "M1", 2022, 2023), ex("S2", "M1", 2023, 2024))
    assert [(v.staff_id, v.year, v.group_id, v.amount) for v in only(report, "HONOR")] == [
        ("S1", 2022, "G1", 1),
        ("S2", 2023, "G1", 2),
    ]
    ok = scenario([person("S1", honor=Honor.CITY)])
    assert only(run(ok, ex("S1", "M1", 2022, 2023)), "HONOR") == []


def test_level_required_unless_the_policy_says_not() -> None:
    staff = [person("S1", level_ok=False)]
    v = one(run(scenario(staff), ex("S1", "M1", 2022, 2023)), "LEVEL")
    assert (v.staff_id, v.year, v.group_id, v.amount) == ("S1", 2022, "G1", None)
    relaxed = scenario(staff, policy=quiet_policy(require_level=False))
    assert run(relaxed, ex("S1", "M1", 2022, 2023)).valid


def test_locked_commitment_is_exempt_from_eligibility_only() -> None:
    staff = [person("S1", birth_date=dt.date(1960, 1, 1), honor=Honor.NONE, level_ok=False)]
    commitment = ex("S1", "M1", 2021, 2022)
    sc = scenario(staff, founded=2020, commitments=[commitment])
    assert run(sc, commitment).valid
    # the same person on an exchange that is not the commitment: not exempt
    # (starting 2024: one year at home after the commitment, as REPEAT-GAP asks)
    report = run(sc, commitment, ex("S1", "M1", 2024, 2025))
    assert rules(report) == ["AGE", "HONOR", "LEVEL"]
    # a commitment still holds MEMBERSHIP: M1 left in 2022
    left = scenario(
        staff, founded=2020, commitments=[commitment], school_overrides={"M1": {"left_year": 2022}}
    )
    v = one(run(left, commitment), "MEMBERSHIP")
    assert (v.year, v.amount) == (2022, 1)


def test_eligibility_reasons() -> None:
    sc = scenario()
    assert eligibility_reasons(sc, person("A"), 2022) == []
    bad = person(
        "B",
        birth_date=dt.date(1970, 1, 1),
        honor=Honor.SCHOOL,
        level_ok=False,
        unavailable=frozenset({2023}),
    )
    assert eligibility_reasons(sc, bad, 2022) == ["AGE", "HONOR", "LEVEL"]
    assert eligibility_reasons(sc, bad, 2023) == ["AGE", "HONOR", "LEVEL", "AVAILABLE"]
    excepted = person("C", birth_date=dt.date(1970, 1, 1), age_exception=True)
    assert eligibility_reasons(sc, excepted, 2022) == []
    boundary = person("D", birth_date=dt.date(1977, 9, 1))
    assert eligibility_reasons(sc, boundary, 2022) == []
    assert eligibility_reasons(sc, boundary, 2023) == ["AGE"]


# ---------------------------------------------------------------------------
# MEMBERSHIP
# ---------------------------------------------------------------------------


def test_membership_joined_and_left_years_past_the_horizon() -> None:
    overrides = {"M1": {"joined_year": 2023}, "M2": {"left_year": 2025}}
    sc = scenario(horizon=2, school_overrides=overrides)  # horizon 2022..2023
    before = one(run(sc, ex("S1", "M1", 2022, 2023)), "MEMBERSHIP")
    assert (before.group_id, before.year, before.school_id, before.amount) == ("G1", 2022, "M1", 1)
    # M2 leaves in 2025: an exchange 2023-2025 runs past the horizon into a non-member year
    after = one(run(sc, ex("S1", "M2", 2023, 2025)), "MEMBERSHIP")
    assert (after.year, after.amount) == (2025, 1)
    assert "not a member of 集团G1 in 2025" in after.message
    two = one(run(sc, ex("S1", "M2", 2023, 2026)), "MEMBERSHIP")
    assert (two.year, two.amount) == (2025, 2)
    fine = run(sc, ex("S1", "M1", 2023, 2024), ex("S2", "M2", 2023, 2024))
    assert only(fine, "MEMBERSHIP") == []


def test_membership_blank_joined_year_is_the_founding() -> None:
    sc = scenario(founded=2023, first_year=2022)
    v = one(run(sc, ex("S1", "M1", 2022, 2023)), "MEMBERSHIP")
    assert (v.year, v.amount) == (2022, 1)


def test_membership_roles_and_groups() -> None:
    sc = scenario(policy=quiet_policy(receiving_roles=frozenset({Role.FUSION})))
    alliance = one(run(sc, ex("S1", "M2", 2022, 2023)), "MEMBERSHIP")
    assert (alliance.year, alliance.amount) == (2022, 2)
    core = one(run(sc, ex("S1", "C2", 2022, 2023)), "MEMBERSHIP")
    assert core.school_id == "C2"
    other_group = one(run(sc, ex("S1", "P1", 2022, 2024)), "MEMBERSHIP")
    assert (other_group.year, other_group.amount, other_group.group_id) == (2022, 3, "G1")
    assert "whose core school is not" in other_group.message
    assert run(sc, ex("S1", "M1", 2022, 2023)).valid


# ---------------------------------------------------------------------------
# AVAILABLE
# ---------------------------------------------------------------------------


def test_available_every_year_of_the_exchange() -> None:
    sc = scenario([person("S1", unavailable=frozenset({2023, 2026}))], horizon=2)
    v = one(run(sc, ex("S1", "M1", 2022, 2023)), "AVAILABLE")
    assert (v.group_id, v.year, v.staff_id, v.amount) == ("G1", 2023, "S1", 1)
    past = one(run(sc, ex("S1", "M1", 2023, 2026)), "AVAILABLE")  # 2026 is past the horizon
    assert (past.year, past.amount) == (2023, 2)
    longer = replace(sc, horizon=3)  # 2024 inside the horizon (HORIZON)
    assert run(longer, ex("S1", "M1", 2024, 2025)).valid


# ---------------------------------------------------------------------------
# LOCKED
# ---------------------------------------------------------------------------


def test_locked_commitment_must_appear_unchanged() -> None:
    commitment = ex("S1", "M1", 2021, 2022)
    sc = scenario(founded=2021, commitments=[commitment])
    assert run(sc, commitment).valid
    missing = one(run(sc), "LOCKED")
    assert (missing.group_id, missing.year, missing.staff_id, missing.school_id) == (
        "G1",
        2021,
        "S1",
        "M1",
    )
    assert "no exchange for them" in missing.message
    changed = one(run(sc, ex("S1", "M1", 2021, 2023)), "LOCKED")
    assert "M1 融合校 2021-2023 instead" in changed.message
    checks = [c for c in run(sc).checks if c.rule == "LOCKED"]
    assert [(c.scope, c.year, c.status) for c in checks] == [("S1", 2021, "violated")]


def test_locked_argument_overrides_the_scenario_commitments() -> None:
    sc = scenario()
    other = ex("S2", "M2", 2022, 2023)
    report = audit(sc, Plan.of([]), locked=[other])
    assert (one(report, "LOCKED").staff_id, one(report, "LOCKED").year) == ("S2", 2022)


# ---------------------------------------------------------------------------
# CAPACITY
# ---------------------------------------------------------------------------


def test_capacity_exceeded_also_past_the_horizon() -> None:
    sc = scenario(
        [person("S1"), person("S2"), person("S3")],
        horizon=2,  # 2022..2023
        school_overrides={"M1": {"capacity": 1}, "M2": {"capacity": 2}},
    )
    report = run(sc, ex("S1", "M1", 2022, 2024), ex("S2", "M1", 2023, 2024))
    assert [(v.school_id, v.year, v.group_id, v.amount) for v in only(report, "CAPACITY")] == [
        ("M1", 2023, "G1", 1),
        ("M1", 2024, "G1", 1),  # past the horizon
    ]
    # checks per school with a capacity, years 2022..2024 (last year served)
    assert sorted((c.scope, c.year) for c in report.checks if c.rule == "CAPACITY") == [
        (s, y) for s in ("M1", "M2") for y in (2022, 2023, 2024)
    ]
    three = run(sc, *(ex(s, "M1", 2022, 2023) for s in ("S1", "S2", "S3")))
    assert [(v.year, v.amount) for v in only(three, "CAPACITY")] == [(2022, 2), (2023, 2)]
    assert "hosts 3 exchange staff in 2022, at most 1 (exceeded by 2)" in (
        only(three, "CAPACITY")[0].message
    )
    fine = run(sc, ex("S1", "M1", 2022, 2023), ex("S2", "M1", 2024, 2025))
    assert only(fine, "CAPACITY") == []


def test_capacity_ignores_years_before_the_horizon() -> None:
    commitment = ex("S1", "M1", 2020, 2021)
    sc = scenario(commitments=[commitment], school_overrides={"M1": {"capacity": 0}})
    report = run(sc, commitment)
    assert only(report, "CAPACITY") == []


# ---------------------------------------------------------------------------
# CORE-KEEP
# ---------------------------------------------------------------------------


def test_core_keep_counts_unavailable_staff_as_away() -> None:
    staff = [
        person("S1"),
        person("S2"),
        person("S3", unavailable=frozenset({2023})),
        person("S4", subject="语文", stage=Stage.PRIMARY),
        person("S5", stage=Stage.PRIMARY),  # any stage counts at home
    ]
    sc = scenario(staff, horizon=3, core_keep=[CoreKeep("C1", "数学", 3)])
    report = run(sc, ex("S1", "M1", 2022, 2023))
    assert [(v.year, v.school_id, v.subject, v.group_id, v.amount) for v in report.violations] == [
        (2023, "C1", "数学", "G1", 1)
    ]
    home = {c.year: c.achieved for c in report.checks if c.rule == "CORE-KEEP"}
    assert home == {2022: 3, 2023: 2, 2024: 4}
    # on exchange and unavailable in the same year counts once
    both = run(sc, ex("S3", "M1", 2022, 2023))
    assert {c.year: c.achieved for c in both.checks if c.rule == "CORE-KEEP"} == {
        2022: 3,
        2023: 3,
        2024: 4,
    }
    assert rules(both) == ["AVAILABLE"]


def test_core_keep_only_in_horizon_years() -> None:
    sc = scenario([person("S1"), person("S2")], horizon=1, core_keep=[CoreKeep("C1", "数学", 2)])
    report = run(sc, ex("S1", "M1", 2023, 2024))  # entirely after the horizon
    assert only(report, "CORE-KEEP") == []
    assert [c.year for c in report.checks if c.rule == "CORE-KEEP"] == [2022]
    short = one(run(sc, ex("S1", "M1", 2022, 2023)), "CORE-KEEP")
    assert (short.year, short.amount) == (2022, 1)


# ---------------------------------------------------------------------------
# BUDGET
# ---------------------------------------------------------------------------


def test_budget_cadre_and_teacher_costs() -> None:
    staff = [person("S1"), person("S2", position=Position.MIDDLE), person("S3")]
    policy = quiet_policy(cost_teacher=Decimal(1000), cost_cadre=Decimal("2500.50"))
    sc = scenario(
        staff,
        policy=policy,
        budget=[BudgetRow(2022, Decimal(3000)), BudgetRow(2023, Decimal(5000))],
    )
    plan = [ex("S1", "M1", 2022, 2023), ex("S2", "M1", 2022, 2023), ex("S3", "M2", 2024, 2025)]
    report = run(sc, *plan)
    v = one(report, "BUDGET")  # 2022: 1000 + 2500.50 = 3500.50 > 3000; 2023 within 5000
    assert (v.year, v.group_id, v.amount) == (2022, None, Decimal("500.50"))
    assert "over by 500.5" in v.message
    spent = {
        c.year: (c.required, c.achieved, c.status) for c in report.checks if c.rule == "BUDGET"
    }
    assert spent == {
        2022: (Decimal(3000), Decimal("3500.50"), "violated"),
        2023: (Decimal(5000), Decimal("3500.50"), "ok"),
    }  # 2024 has no budget row: no limit
    within = scenario(staff, policy=policy, budget=[BudgetRow(2022, Decimal("3500.5"))])
    assert run(within, *plan).valid


# ---------------------------------------------------------------------------
# PLAN: unknown ids
# ---------------------------------------------------------------------------


def test_unknown_staff_and_school_are_plan_violations() -> None:
    sc = scenario()
    report = run(sc, ex("NOPE", "M1", 2022, 2023), ex("S1", "ZZ", 2022, 2023))
    assert [(v.rule, v.staff_id, v.school_id) for v in report.violations] == [
        ("PLAN", "NOPE", "M1"),
        ("PLAN", "S1", "ZZ"),
    ]
    assert "names staff member 'NOPE'" in report.violations[0].message


# ---------------------------------------------------------------------------
# COVER
# ---------------------------------------------------------------------------


def test_coverage_recomputed_by_hand() -> None:
    staff = [
        person("A", subject="数学"),
        person("B", subject="数学"),
        person("C", subject="语文"),
        person("D", subject="数学", stage=Stage.PRIMARY),
        person("E", subject="英语"),
    ]
    needs = [
        Need("M1", 2022, "数学", 1, priority=Decimal(3)),  # A and B serve: over-supply, 1 x 3
        Need("M1", 2022, "语文", 2),  # C serves: 1 of 2 -> 1
        Need("M1", 2023, "数学", 2, priority=Decimal("1.5")),  # A, B: 2 x 1.5 = 3
        Need("M2", 2022, "数学", 1, priority=Decimal(2)),  # primary school: D; 2
        Need("N1", 2022, "数学", 2, stage=Stage.PRIMARY, priority=Decimal(5)),  # E is not math: 0
        Need("N1", 2022, "英语", 1, stage=Stage.PRIMARY),  # E is junior: 0
        Need("N1", 2022, "英语", 1, stage=Stage.JUNIOR, priority=Decimal(4)),  # E: 4
        Need("M1", 2024, "数学", 1),  # nobody there in 2024: 0
        Need("M1", 2022, "数学", 1, priority=Decimal(2)),  # a second row counts too: 2
    ]
    sc = scenario(staff, needs=needs)
    report = run(
        sc,
        ex("A", "M1", 2022, 2023),
        ex("B", "M1", 2022, 2023),
        ex("C", "M1", 2021, 2022),
        ex("D", "M2", 2022, 2023),
        ex("E", "N1", 2022, 2023),
    )
    covered = [(c.index, c.serving, c.covered, c.weighted) for c in report.coverage]
    assert covered == [
        (0, ("A", "B"), 1, Decimal(3)),
        (1, ("C",), 1, Decimal(1)),
        (2, ("A", "B"), 2, Decimal("3.0")),
        (3, ("D",), 1, Decimal(2)),
        (4, (), 0, Decimal(0)),
        (5, (), 0, Decimal(0)),
        (6, ("E",), 1, Decimal(4)),
        (7, (), 0, Decimal(0)),
        (8, ("A", "B"), 1, Decimal(2)),
    ]
    assert report.total_coverage == Decimal(15)


def test_nine_year_need_without_stage_takes_both_stages() -> None:
    staff = [person("A", stage=Stage.PRIMARY), person("B", stage=Stage.JUNIOR)]
    sc = scenario(staff, needs=[Need("N1", 2022, "数学", 5)])
    report = run(sc, ex("A", "N1", 2022, 2023), ex("B", "N1", 2022, 2023))
    assert report.coverage[0].covered == 2


# ---------------------------------------------------------------------------
# scale
# ---------------------------------------------------------------------------


def test_audit_is_fast_on_a_district_sized_plan() -> None:
    groups = [Group(f"G{g}", f"集团{g}", FIRST) for g in range(40)]
    school_list: list[School] = []
    staff: list[Staff] = []
    exchanges: list[Exchange] = []
    needs: list[Need] = []
    for g in range(40):
        school_list.append(School(f"C{g}", f"核心{g}", f"G{g}", Role.CORE, Stage.JUNIOR))
        for m in range(5):
            school_list.append(
                School(f"M{g}-{m}", f"成员{g}-{m}", f"G{g}", Role.FUSION, Stage.JUNIOR, capacity=20)
            )
            for y in range(FIRST, FIRST + 5):
                needs.append(Need(f"M{g}-{m}", y, "数学", 3))
        for i in range(250):
            sid = f"S{g}-{i:03d}"
            staff.append(person(sid, school_id=f"C{g}", subject=("数学", "语文")[i % 2]))
            if i < 75:
                start = FIRST + i % 5
                exchanges.append(Exchange(sid, f"M{g}-{i % 5}", start, start + 1 + i % 3))
    sc = Scenario(
        "big",
        FIRST,
        5,
        Policy(),
        groups,
        school_list,
        staff,
        needs=needs,
        core_keep=[CoreKeep(f"C{g}", "数学", 10) for g in range(40)],
        budget=[BudgetRow(y, Decimal(10**6)) for y in range(FIRST, FIRST + 5)],
    )
    assert len(staff) == 10_000 and len(exchanges) == 3_000
    began = time.perf_counter()
    report = audit(sc, Plan.of(exchanges))
    assert time.perf_counter() - began < 5
    assert len(report.coverage) == len(needs)


def test_repeat_gap_audit_counts_history() -> None:
    s = make_scenario(
        staff=[staff("S1")],
        policy=Policy(repeat_gap_years=2),
        history=[Exchange("S1", "M1", 2019, 2020)],
    )
    # 2022 starts 1 year after 2020 ended: 2 required, short by 1.
    report = audit(s, Plan.of([Exchange("S1", "M1", 2022, 2023)]))
    gap = [v for v in report.violations if v.rule == "REPEAT-GAP"]
    assert [(v.year, v.amount) for v in gap] == [(2022, 1)]
    fine = audit(
        replace(s, history=[Exchange("S1", "M1", 2018, 2019)]),
        Plan.of([Exchange("S1", "M1", 2022, 2023)]),
    )
    assert not [v for v in fine.violations if v.rule == "REPEAT-GAP"]


# ---------------------------------------------------------------------------
# REPEAT-GAP (default 1), HORIZON, BAN: a violating and a passing case each
# ---------------------------------------------------------------------------


def test_repeat_gap_default_forbids_back_to_back_exchanges() -> None:
    # The default policy asks one school year at home between two exchanges:
    # 2022-2023 then 2024-2025 runs straight on (0 years home, short by 1).
    sc = scenario(horizon=4)
    assert sc.policy.repeat_gap_years == 1
    report = run(sc, ex("S1", "M1", 2022, 2023), ex("S1", "M2", 2024, 2025))
    gap = one(report, "REPEAT-GAP")
    assert (gap.year, gap.amount, gap.staff_id, gap.school_id) == (2024, 1, "S1", "M2")
    assert rules(report) == ["REPEAT-GAP"]
    # One year at home (2024) and the second exchange may start in 2025.
    fine = run(sc, ex("S1", "M1", 2022, 2023), ex("S1", "M2", 2025, 2026))
    assert fine.violations == []
    checks = [c for c in fine.checks if c.rule == "REPEAT-GAP"]
    assert [(c.year, c.status) for c in checks] == [(2025, "ok")]


def test_repeat_gap_counts_a_commitment_before_a_decision() -> None:
    # S1's commitment ends in 2023; a decided exchange starting 2024 is too close.
    lock = ex("S1", "M1", 2022, 2023)
    sc = scenario(horizon=4, commitments=[lock])
    assert one(run(sc, lock, ex("S1", "M2", 2024, 2025)), "REPEAT-GAP").amount == 1
    assert only(run(sc, lock, ex("S1", "M2", 2025, 2026)), "REPEAT-GAP") == []


@pytest.mark.zh
def test_horizon_rejects_an_invented_past_exchange() -> None:
    # The horizon is 2022-2024: an exchange starting 2021 that is no
    # commitment is a plan deciding a year it does not plan (1 year before).
    sc = scenario()
    report = run(sc, ex("S1", "M1", 2021, 2022))
    v = one(report, "HORIZON")
    assert (v.year, v.amount, v.staff_id) == (2021, 1, "S1")
    assert "2022—2024" in v.message
    # Starting 2 years after the horizon's last year: amount 2.
    assert one(run(sc, ex("S2", "M1", 2026, 2027)), "HORIZON").amount == 2


def test_horizon_exempts_commitments_and_accepts_runs_past_the_end() -> None:
    lock = ex("S1", "M1", 2021, 2022)
    sc = scenario(commitments=[lock])
    report = run(sc, lock, ex("S2", "M1", 2024, 2026))
    assert only(report, "HORIZON") == []
    checks = [c for c in report.checks if c.rule == "HORIZON"]
    assert [(c.scope, c.year, c.status) for c in checks] == [("S2", 2024, "ok")]


@pytest.mark.zh
def test_ban_to_one_school_and_ban_from_every_school() -> None:
    sc = scenario(bans=(Ban("S1", "M1", "家庭原因"), Ban("S2", None)))
    report = run(sc, ex("S1", "M1", 2022, 2023), ex("S2", "M2", 2022, 2023))
    banned = only(report, "BAN")
    assert [(v.staff_id, v.school_id, v.amount) for v in banned] == [
        ("S1", "M1", 1),
        ("S2", "M2", 1),
    ]
    assert "家庭原因" in banned[0].message and "不得派往" in banned[0].message
    assert "不得派出" in banned[1].message
    # S1 may still go to M2: the ban names M1 only.
    fine = run(sc, ex("S1", "M2", 2022, 2023))
    assert fine.violations == []
    assert [c.status for c in fine.checks if c.rule == "BAN"] == ["ok"]


@pytest.mark.zh
def test_ban_keeps_a_commitment_and_says_so() -> None:
    # Bans bind decisions only: the commitment stays, its check is ok with a note.
    lock = ex("S1", "M1", 2022, 2023)
    sc = scenario(commitments=[lock], bans=(Ban("S1", "M1"),))
    report = run(sc, lock)
    assert report.violations == []
    (check,) = [c for c in report.checks if c.rule == "BAN"]
    assert check.status == "ok" and "既定交流照常保留" in check.note


def test_a_total_ban_is_an_eligibility_reason() -> None:
    sc = scenario(bans=(Ban("S1", None),))
    assert eligibility_reasons(sc, sc.staff_by_id["S1"], 2022) == ["BAN"]
    assert eligibility_reasons(sc, sc.staff_by_id["S2"], 2022) == []


def test_repeat_gap_counts_a_decision_right_before_a_commitment() -> None:
    # The commitment starts 2024; a decided 2022-2023 runs straight into it.
    lock = ex("S1", "M1", 2024, 2025)
    sc = scenario(horizon=4, commitments=[lock])
    v = one(run(sc, ex("S1", "M2", 2022, 2023), lock), "REPEAT-GAP")
    assert (v.school_id, v.amount) == ("M2", 1)
    assert only(run(sc, ex("S1", "M2", 2021, 2022), lock), "REPEAT-GAP") == []
