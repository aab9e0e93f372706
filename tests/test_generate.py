"""The scenario generator (``planner generate``): reproducible, realistic,
in the contract format, and feasible."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.api import solve_scenario
from planner.audit import audit
from planner.cli.generate import generate
from planner.data import Role, Scenario, Stage
from planner.examples.generate import (
    COST_CADRE,
    COST_TEACHER,
    PRESETS,
    generate_scenario,
    generation_notes,
)
from planner.examples.synthetic import subjects_of
from planner.io.reader import read_scenario
from planner.io.validation import scenario_problems
from planner.model.diagnose import precheck
from planner.model.solve import SolveParams
from planner.results import SolveStatus

SMALL = (50, 70)  # staff per core school of the scenarios solved here


@pytest.fixture(scope="module")
def district() -> Scenario:
    return generate_scenario("district", seed=3)


@pytest.fixture(scope="module")
def city() -> Scenario:
    return generate_scenario("city", groups=6, seed=5, budget=True)


def quota(scenario: Scenario, group_id: str, year: int) -> int:
    group = scenario.group_by_id[group_id]
    if year < group.founded_year:
        return 0
    policy = scenario.policy
    ratio = policy.ratio_first_year if year == group.founded_year else policy.ratio_later_years
    return math.ceil(ratio * len(scenario.staff_of(scenario.core_school(group_id).school_id)))


def forced_away(scenario: Scenario, group_id: str, year: int) -> int:
    """Commitments running in ``year`` plus the quota starters still away."""
    core = scenario.core_school(group_id).school_id
    mine = [c for c in scenario.commitments if scenario.staff_by_id[c.staff_id].school_id == core]
    new = sum(
        max(quota(scenario, group_id, y) - sum(1 for c in mine if c.start_year == y), 0)
        for y in range(year - scenario.policy.term_min + 1, year + 1)
        if y in scenario.years
    )
    return sum(1 for c in mine if c.covers(year)) + new


# -- reproducible --------------------------------------------------------------------


def test_same_seed_same_scenario_other_seed_differs() -> None:
    first = generate_scenario("district", 2, 11, budget=True)
    assert generate_scenario("district", 2, 11, budget=True) == first
    other = generate_scenario("district", 2, 12, budget=True)
    assert other != first
    assert other.staff != first.staff
    assert other.needs != first.needs


def test_unknown_preset_and_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        generate_scenario("county")
    with pytest.raises(ValueError, match="groups"):
        generate_scenario("city", 0)


# -- sizes -----------------------------------------------------------------------------


def test_district_default_is_taishan_sized(district: Scenario) -> None:
    assert len(district.groups) == PRESETS["district"].default_groups == 4
    for core in district.iter_core_schools():
        assert 120 <= len(district.staff_of(core.school_id)) <= 300


def test_city_default_has_forty_groups_of_about_250() -> None:
    city = generate_scenario("city", seed=1)
    assert len(city.groups) == 40
    assert 9_000 <= len(city.staff) <= 11_000
    for core in city.iter_core_schools():
        assert 220 <= len(city.staff_of(core.school_id)) <= 280


@pytest.mark.parametrize(("preset", "groups"), [("city", 3), ("province", 4)])
def test_presets_sizes(preset: str, groups: int) -> None:
    shape = PRESETS[preset]
    scenario = generate_scenario(preset, groups, seed=2)
    assert len(scenario.groups) == groups
    low, high = shape.staff_per_core
    for group in scenario.groups:
        core = scenario.core_school(group.group_id)
        assert low <= len(scenario.staff_of(core.school_id)) <= high
        # Members of the preset's range, plus at most one joining later.
        members = scenario.members(group.group_id)
        assert shape.members[0] <= len(members) <= shape.members[1] + 1
    assert PRESETS["province"].default_groups > PRESETS["city"].default_groups


# -- the contract and the rules ---------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "groups", "seed", "budget"),
    [
        ("district", None, 0, False),
        ("district", None, 1, True),
        ("district", 2, 7, True),
        ("city", 4, 3, False),
        ("province", 3, 4, True),
    ],
)
def test_valid_and_no_conflict_by_counting(
    preset: str, groups: int | None, seed: int, budget: bool
) -> None:
    scenario = generate_scenario(preset, groups, seed, budget=budget)
    assert scenario_problems(scenario) == []
    assert precheck(scenario) == []


def test_feasible_fixtures(district: Scenario, city: Scenario) -> None:
    for scenario in (district, city):
        assert scenario_problems(scenario) == []
        assert precheck(scenario) == []


def test_schools_groups_and_stages(city: Scenario) -> None:
    for group in city.groups:
        core = city.core_school(group.group_id)
        members = city.members(group.group_id)
        assert group.name == f"{core.name}教育集团"
        assert core.capacity is None
        assert any(m.role is Role.FUSION for m in members)
        for taught in core.stage.teaches():  # every core stage can serve somewhere
            assert any(taught in m.stage.teaches() for m in members)
        for school in [core, *members]:
            suffix = {Stage.JUNIOR: "中学", Stage.PRIMARY: "小学", Stage.NINE_YEAR: "学校"}
            assert school.name.endswith(suffix[school.stage]), school.name
    names = [s.name for s in city.schools]
    assert len(set(names)) == len(names)
    assert all(s.school_id.isascii() for s in city.schools)


def test_staff_look_like_a_roster(city: Scenario) -> None:
    staff = city.staff
    n = len(staff)
    for person in staff:
        assert person.subject in subjects_of(person.stage)
        assert person.stage in city.school_by_id[person.school_id].stage.teaches()
        assert 23 <= person.age_at(city.first_year) <= 59
        if person.preferred_school is not None:
            school = city.school_by_id[person.preferred_school]
            assert school.group_id == city.group_of_staff(person).group_id
            assert person.stage in school.stage.teaches()
    honoured = sum(p.honor.at_least(city.policy.min_honor) for p in staff) / n
    assert 0.4 <= honoured <= 0.65
    positions = Counter(p.position.value for p in staff)
    assert 0.06 <= positions["middle"] / n <= 0.12
    assert 0.02 <= positions["senior"] / n <= 0.04
    assert 0.2 <= sum(p.volunteer for p in staff) / n <= 0.4
    assert any(p.unavailable for p in staff)
    assert all(p.unavailable <= set(city.years) for p in staff)


def test_needs_exceed_what_the_quotas_force_and_capacity_admits_it(city: Scenario) -> None:
    for group in city.groups:
        gid = group.group_id
        members = city.members(gid)
        for year in city.years:
            present = [m for m in members if city.is_member(m, year)]
            places = sum(m.capacity or 0 for m in present)
            forced = forced_away(city, gid, year)
            assert places >= forced, (gid, year)
            wanted = sum(
                n.count
                for n in city.needs
                if n.year == year and n.school_id in {m.school_id for m in present}
            )
            assert wanted > forced, (gid, year)
    for need in city.needs:
        assert city.is_member(city.school_by_id[need.school_id], need.year)


def test_core_keep_rows_for_every_core_school(city: Scenario) -> None:
    kept = {k.school_id for k in city.core_keep}
    assert kept == {s.school_id for s in city.iter_core_schools()}
    assert all(k.min_home > 0 for k in city.core_keep)


def test_membership_changes_and_founding_years() -> None:
    scenario = generate_scenario("city", 20, seed=4)
    assert any(s.joined_year is not None for s in scenario.schools)
    assert any(s.left_year is not None for s in scenario.schools)
    founded = {g.founded_year for g in scenario.groups}
    assert scenario.first_year in founded
    assert min(founded) < scenario.first_year  # groups with exchanges under way


def test_commitments_keep_the_rules_for_every_exchange(city: Scenario) -> None:
    policy = city.policy
    assert any(c.start_year < city.first_year for c in city.commitments)  # under way
    assert any(c.start_year == city.first_year for c in city.commitments)  # decided
    by_staff = Counter(c.staff_id for c in city.commitments)
    assert max(by_staff.values()) == 1
    for c in city.commitments:
        person = city.staff_by_id[c.staff_id]
        school = city.school_by_id[c.school_id]
        assert policy.term_min <= c.term <= policy.term_max
        assert c.end_year >= city.first_year
        assert school.role in policy.receiving_roles
        assert school.group_id == city.group_of_staff(person).group_id
        assert all(city.is_member(school, y) for y in c.years())
        assert not (person.unavailable & set(c.years()))


def test_budget_prices_staff_years_and_binds(city: Scenario) -> None:
    policy = city.policy
    assert (policy.cost_teacher, policy.cost_cadre) == (COST_TEACHER, COST_CADRE)
    assert [b.year for b in city.budget] == list(city.years)
    for row in city.budget:
        places = sum(
            s.capacity or 0
            for s in city.schools
            if s.role is not Role.CORE and city.is_member(s, row.year)
        )
        assert row.amount < places * policy.cost_teacher  # filling every place overspends
        assert row.amount > 0
    plain = generate_scenario("city", groups=6, seed=5)
    assert plain.budget == [] and plain.policy.cost_teacher == Decimal(0)


# -- solved ------------------------------------------------------------------------------


@pytest.mark.parametrize("budget", [False, True])
def test_small_district_solves_to_optimal_and_passes_the_audit(budget: bool) -> None:
    scenario = generate_scenario("district", 2, seed=1, budget=budget, staff_per_core=SMALL)
    assert scenario.commitments
    outcome = solve_scenario(scenario, SolveParams(time_limit=60))
    assert outcome.result.status is SolveStatus.OPTIMAL
    report = audit(scenario, outcome.result.plan)
    assert report.violations == []
    assert outcome.consistent
    for commitment in scenario.commitments:
        assert commitment in outcome.result.plan.exchanges


# -- the command ------------------------------------------------------------------------


def test_cli_writes_a_workbook_that_reads_back_equal(tmp_path: Path) -> None:
    out = tmp_path / "district.xlsx"
    args = ["--preset", "district", "--groups", "2", "--seed", "9", "--budget", str(out)]
    result = CliRunner().invoke(generate, args)
    assert result.exit_code == 0, result.output
    assert "2 groups" in result.output
    assert read_scenario(out) == generate_scenario("district", 2, 9, budget=True)
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    try:
        lines = [row[0] for row in wb["about"].iter_rows(values_only=True)]
    finally:
        wb.close()
    assert lines == generation_notes("district", 2, 9, True)


def test_cli_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "g.xlsx"
    out.write_bytes(b"keep me")
    runner = CliRunner()
    refused = runner.invoke(generate, ["--groups", "1", str(out)])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert out.read_bytes() == b"keep me"
    forced = runner.invoke(generate, ["--groups", "1", "--seed", "4", "--force", str(out)])
    assert forced.exit_code == 0, forced.output
    assert read_scenario(out) == generate_scenario("district", 1, 4)


def test_cli_rejects_bad_options(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(generate, ["--preset", "county", str(tmp_path / "a.xlsx")]).exit_code == 2
    assert runner.invoke(generate, ["--groups", "0", str(tmp_path / "a.xlsx")]).exit_code == 2
    assert runner.invoke(generate, [str(tmp_path / "a.csv")]).exit_code == 2
    assert not list(tmp_path.iterdir())
