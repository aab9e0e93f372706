"""The built-in Taishan 2022 scenario: the plan's real groups and schools,
synthetic staff and needs that are deterministic, realistic and feasible by
counting, and a committed workbook that cannot drift from its script."""

from __future__ import annotations

import importlib.util
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from planner.data import Role, Scenario, Staff, Stage
from planner.examples.synthetic import build_taishan_scenario, is_eligible, notes
from planner.io.policy_file import load_policy
from planner.io.validation import scenario_findings

WORKBOOK = Path(__file__).resolve().parent.parent / "scenarios" / "taishan-2022.xlsx"

# The table at the end of 泰山政办字〔2022〕12号, written out independently of
# the generator: group name -> (core, fusion members, alliance members).
PLAN_TABLE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "泰安六中教育集团": ("泰安六中", ("上高学校", "泮河中学"), ("省庄一中",)),
    "泰安东岳中学教育集团": ("东岳中学", ("泰前中学", "凤台学校"), ("泰安十三中",)),
    "泰安市第一实验学校教育集团": (
        "泰安市第一实验学校",
        ("小井小学", "上高中心小学", "三友小学"),
        ("省庄镇中心小学", "邱家店镇中心小学", "泰山区第二实验学校"),
    ),
    "财源街道仓库路学校教育集团": ("财源街道仓库路学校", ("旧镇小学", "西关小学"), ()),
}

PRIMARY_SUBJECTS = {
    "语文",
    "数学",
    "英语",
    "科学",
    "道德与法治",
    "音乐",
    "体育",
    "美术",
    "信息技术",
}
JUNIOR_SUBJECTS = {
    "语文",
    "数学",
    "英语",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "道德与法治",
    "音乐",
    "体育",
    "美术",
    "信息技术",
}
SUBJECTS = {Stage.PRIMARY: PRIMARY_SUBJECTS, Stage.JUNIOR: JUNIOR_SUBJECTS}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return build_taishan_scenario(2022)


def quota(scenario: Scenario, group_id: str, year: int) -> int:
    """ceil(ratio x headcount), computed here, not taken from the generator."""
    group = scenario.group_by_id[group_id]
    if year < group.founded_year or year not in scenario.years:
        return 0
    ratio = (
        scenario.policy.ratio_first_year
        if year == group.founded_year
        else scenario.policy.ratio_later_years
    )
    return math.ceil(ratio * len(scenario.staff_of(scenario.core_school(group_id).school_id)))


def away_at_least(scenario: Scenario, group_id: str, year: int) -> int:
    """Starters of this year and of the term_min - 1 years before are still away."""
    term_min = scenario.policy.term_min
    return sum(quota(scenario, group_id, y) for y in range(year - term_min + 1, year + 1))


def can_start(scenario: Scenario, person: Staff, year: int) -> bool:
    """Eligible in ``year`` and available for a shortest exchange from then."""
    policy = scenario.policy
    return (
        (person.age_exception or person.age_at(year) <= policy.max_age)
        and person.honor.at_least(policy.min_honor)
        and (person.level_ok or not policy.require_level)
        and not any(y in person.unavailable for y in range(year, year + policy.term_min))
    )


# -- determinism ---------------------------------------------------------------


def test_same_seed_same_scenario_other_seed_differs(scenario: Scenario) -> None:
    assert build_taishan_scenario(2022) == scenario
    assert build_taishan_scenario() == scenario
    other = build_taishan_scenario(7)
    assert other != scenario
    assert other.staff != scenario.staff
    assert other.needs != scenario.needs
    # The world itself does not depend on the seed.
    assert (other.groups, other.schools) == (scenario.groups, scenario.schools)


def test_settings_and_policy(scenario: Scenario) -> None:
    assert scenario.name == "泰山区集团化办学 2022 (示例数据)"
    assert (scenario.first_year, scenario.horizon) == (2022, 5)
    assert scenario.policy == load_policy()
    assert scenario.commitments == []
    assert scenario.budget == []
    assert scenario_findings(scenario) == []


# -- the plan's table ------------------------------------------------------------


def test_the_four_groups_and_eighteen_schools_of_the_plan(scenario: Scenario) -> None:
    assert len(scenario.groups) == 4
    assert len(scenario.schools) == 18
    assert {g.name for g in scenario.groups} == set(PLAN_TABLE)
    assert {g.founded_year for g in scenario.groups} == {2022}
    for group in scenario.groups:
        core, fusion, alliance = PLAN_TABLE[group.name]
        schools = [s for s in scenario.schools if s.group_id == group.group_id]
        assert [s.name for s in schools if s.role is Role.CORE] == [core]
        assert {s.name for s in schools if s.role is Role.FUSION} == set(fusion)
        assert {s.name for s in schools if s.role is Role.ALLIANCE} == set(alliance)
    ids = [s.school_id for s in scenario.schools]
    assert len(set(ids)) == len(ids)
    assert all(i.isascii() for i in ids)
    assert all(g.group_id.isascii() for g in scenario.groups)


def test_stages_follow_the_school_names(scenario: Scenario) -> None:
    for school in scenario.schools:
        if school.name.endswith("中学") or school.name.endswith("中"):
            assert school.stage is Stage.JUNIOR, school.name
        elif school.name.endswith("小学"):
            assert school.stage is Stage.PRIMARY, school.name
        else:
            assert school.name.endswith("学校"), school.name
            assert school.stage is Stage.NINE_YEAR, school.name


def test_member_schools_only_have_capacities_and_no_joins_or_leaves(scenario: Scenario) -> None:
    for school in scenario.schools:
        assert school.joined_year is None and school.left_year is None
        if school.role is Role.CORE:
            assert school.capacity is None
        else:
            assert school.capacity is not None and 8 <= school.capacity <= 30


# -- staff -----------------------------------------------------------------------


def test_staff_counts_and_stages_per_core_school(scenario: Scenario) -> None:
    core_ids = {s.school_id for s in scenario.iter_core_schools()}
    assert {p.school_id for p in scenario.staff} == core_ids
    for core in scenario.iter_core_schools():
        roster = scenario.staff_of(core.school_id)
        assert 120 <= len(roster) <= 300, core.name
        assert {p.stage for p in roster} == core.stage.teaches(), core.name
        for person in roster:
            assert person.subject in SUBJECTS[person.stage]
        subjects = Counter(p.subject for p in roster)
        top_two = {s for s, _ in subjects.most_common(2)}
        assert top_two == {"语文", "数学"}, core.name
    ids = [p.staff_id for p in scenario.staff]
    assert len(set(ids)) == len(ids)


def test_ages_names_and_mix(scenario: Scenario) -> None:
    staff = scenario.staff
    n = len(staff)
    assert all(23 <= p.age_at(2022) <= 59 for p in staff)
    assert all(2 <= len(p.name) <= 3 for p in staff)
    positions = Counter(p.position.value for p in staff)
    assert 0.06 <= positions["middle"] / n <= 0.10
    assert 0.02 <= positions["senior"] / n <= 0.04
    high = sum(p.honor.at_least(load_policy().min_honor) for p in staff) / n
    assert 0.4 <= high <= 0.6
    assert {p.honor.value for p in staff} >= {"none", "school", "district", "city", "province"}
    assert 0.6 <= sum(p.level_ok for p in staff) / n <= 0.72
    assert 0.25 <= sum(p.volunteer for p in staff) / n <= 0.35
    assert 0.15 <= sum(p.needs_experience for p in staff) / n <= 0.25
    exceptions = [p for p in staff if p.age_exception]
    assert 1 <= len(exceptions) <= 20
    assert all(p.age_at(2022) > 45 for p in exceptions)
    unavailable = [p for p in staff if p.unavailable]
    assert 10 <= len(unavailable) <= 0.08 * n
    assert all(p.unavailable <= set(scenario.years) for p in unavailable)


def test_preferred_schools_are_own_members_teaching_the_stage(scenario: Scenario) -> None:
    preferring = [p for p in scenario.staff if p.preferred_school is not None]
    assert preferring
    for person in preferring:
        assert person.volunteer
        school = scenario.school_by_id[person.preferred_school or ""]
        assert school.role in scenario.policy.receiving_roles
        assert school.group_id == scenario.group_of_staff(person).group_id
        assert person.stage in school.stage.teaches()


# -- feasible by counting ----------------------------------------------------------


def test_quotas_are_reachable_by_eligible_staff(scenario: Scenario) -> None:
    policy = scenario.policy
    for group in scenario.groups:
        gid = group.group_id
        roster = scenario.staff_of(scenario.core_school(gid).school_id)
        first = group.founded_year
        # First year: 15 % of the headcount, all eligible and free for 2 years.
        starters = [p for p in roster if can_start(scenario, p, first)]
        assert quota(scenario, gid, first) == math.ceil(Decimal("0.15") * len(roster))
        assert len(starters) >= quota(scenario, gid, first) + 10, group.name
        # Cadre quota: at least 2 eligible middle/senior cadres in 2022.
        cadres = [p for p in starters if p.is_cadre]
        assert len(cadres) >= policy.cadre_min_first_year, group.name
        # Later years: this year's starters must be other people than those
        # who started in the term_min - 1 years before and are still away.
        for year in scenario.years:
            pool = [p for p in roster if can_start(scenario, p, year)]
            assert len(pool) >= away_at_least(scenario, gid, year), (group.name, year)
        # 2022 and 2023 starts overlap in 2023: different people are needed.
        window = {
            p.staff_id for y in (first, first + 1) for p in roster if can_start(scenario, p, y)
        }
        assert len(window) >= quota(scenario, gid, first) + quota(scenario, gid, first + 1)


def test_eligibility_helper_agrees(scenario: Scenario) -> None:
    policy = scenario.policy
    for person in scenario.staff:
        expected = (
            (person.age_exception or person.age_at(2022) <= 45)
            and person.honor.value in {"district", "city", "province", "national"}
            and person.level_ok
        )
        assert is_eligible(person, 2022, policy) is expected


def test_capacity_admits_everyone_the_quotas_send(scenario: Scenario) -> None:
    for group in scenario.groups:
        places = sum(m.capacity or 0 for m in scenario.members(group.group_id))
        for year in scenario.years:
            assert places >= away_at_least(scenario, group.group_id, year), (group.name, year)


def test_core_keep_leaves_room_to_send(scenario: Scenario) -> None:
    assert scenario.core_keep
    keeps = {(k.school_id, k.subject): k.min_home for k in scenario.core_keep}
    for (school_id, subject), min_home in keeps.items():
        assert scenario.school_by_id[school_id].role is Role.CORE
        everyone = [p for p in scenario.staff_of(school_id) if p.subject == subject]
        for year in scenario.years:
            at_home = sum(1 for p in everyone if year not in p.unavailable)
            assert at_home - min_home >= 3, (school_id, subject, year)
    # Sending the quota within the core-keep limits: count each subject's
    # eligible starters only up to what core-keep lets go.
    for group in scenario.groups:
        gid = group.group_id
        core = scenario.core_school(gid).school_id
        roster = scenario.staff_of(core)
        for year in scenario.years:
            pool = [p for p in roster if can_start(scenario, p, year)]
            possible = 0
            for subject, eligible in Counter(p.subject for p in pool).items():
                if (core, subject) in keeps:
                    everyone = [p for p in roster if p.subject == subject]
                    free = sum(1 for p in everyone if year not in p.unavailable)
                    eligible = min(eligible, free - keeps[(core, subject)])
                possible += eligible
            assert possible >= away_at_least(scenario, gid, year), (group.name, year)


@pytest.mark.skipif(
    importlib.util.find_spec("planner.audit") is None, reason="planner.audit not there yet"
)
def test_precheck_finds_no_conflict(scenario: Scenario) -> None:
    from planner.model.diagnose import precheck

    assert precheck(scenario) == []


# -- needs -------------------------------------------------------------------------


def test_needs_are_at_members_for_taught_stages(scenario: Scenario) -> None:
    seen: set[tuple[str, int, str, Stage]] = set()
    for need in scenario.needs:
        school = scenario.school_by_id[need.school_id]
        assert school.role in scenario.policy.receiving_roles
        assert need.year in scenario.years
        if school.stage is Stage.NINE_YEAR:
            assert need.stage in (Stage.PRIMARY, Stage.JUNIOR)
        else:
            assert need.stage is None
        stages = scenario.need_stages(need)
        assert stages <= school.stage.teaches()
        (stage,) = stages
        assert need.subject in SUBJECTS[stage]
        assert 1 <= need.count <= 3
        assert need.priority in {Decimal(1), Decimal(2), Decimal(3)}
        key = (need.school_id, need.year, need.subject, stage)
        assert key not in seen, key
        seen.add(key)
    every_member_every_year = {
        (s.school_id, y)
        for s in scenario.schools
        if s.role is not Role.CORE
        for y in scenario.years
    }
    assert {(n.school_id, n.year) for n in scenario.needs} == every_member_every_year


def test_core_subjects_weigh_more(scenario: Scenario) -> None:
    def mean(subjects: set[str]) -> Decimal:
        rows = [n.priority for n in scenario.needs if n.subject in subjects]
        return sum(rows, Decimal(0)) / len(rows)

    assert mean({"语文", "数学", "英语"}) > mean({"物理", "科学"}) > mean({"音乐", "美术"})


def test_needs_exceed_what_the_quotas_force_but_not_trivially(scenario: Scenario) -> None:
    for group in scenario.groups:
        gid = group.group_id
        places = sum(m.capacity or 0 for m in scenario.members(gid))
        for year in scenario.years:
            total = sum(
                n.count
                for n in scenario.needs
                if n.year == year and scenario.school_by_id[n.school_id].group_id == gid
            )
            forced = away_at_least(scenario, gid, year)
            assert 1.5 * forced <= total <= 3.2 * forced, (group.name, year, total, forced)
        # Needs of the busiest year outgrow what the members can host.
        busiest = max(
            sum(
                n.count
                for n in scenario.needs
                if n.year == year and scenario.school_by_id[n.school_id].group_id == gid
            )
            for year in scenario.years
        )
        assert busiest > places, group.name


# -- the committed workbook ----------------------------------------------------------


def test_committed_workbook_is_the_script_output(scenario: Scenario) -> None:
    from planner.io.reader import read_scenario

    assert WORKBOOK.exists(), "run: python scenarios/build_taishan_2022.py"
    assert read_scenario(WORKBOOK) == scenario


def test_committed_workbook_is_marked_as_example_data() -> None:
    from openpyxl import load_workbook

    wb = load_workbook(WORKBOOK, read_only=True)
    try:
        assert wb.sheetnames[0] == "about"
        lines = [row[0] for row in wb["about"].iter_rows(values_only=True)]
    finally:
        wb.close()
    assert lines == notes(2022)
    assert any("示例数据" in str(line) for line in lines)
    assert any("not real people" in str(line) for line in lines)


def test_write_and_read_back_another_seed(tmp_path: Path) -> None:
    from planner.examples.synthetic import write_taishan_scenario
    from planner.io.reader import read_scenario

    path = tmp_path / "other.xlsx"
    written = write_taishan_scenario(path, seed=11)
    assert read_scenario(path) == written == build_taishan_scenario(11)
