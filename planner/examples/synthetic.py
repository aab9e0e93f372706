"""The built-in example scenario: Taishan District's four education groups, 2022.

Groups, schools and roles are those of the table at the end of the 2022 plan
(泰山政办字〔2022〕12号); everything else (staff rosters, member-school needs,
capacities, core-keep limits) is synthetic example data, generated here from a
fixed seed so that ``scenarios/taishan-2022.xlsx`` can be rebuilt exactly by
``python scenarios/build_taishan_2022.py``. No real people are described.

Only ``random.Random(seed)`` is used, and only in a fixed order, so the same
seed always gives the same :class:`~planner.data.Scenario`.

The numbers are chosen so that the scenario is feasible under every hard rule
of ``docs/rules.en.md`` with the Taishan defaults: each core school has
enough eligible staff (AGE, HONOR, LEVEL) for the 15 % first-year and 5 %
later-year quotas, at least two eligible cadres, member capacities that admit
everyone the quotas force to be away at once, and core-keep limits that leave
room to send. :func:`feasibility_summary` states these counts.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from pathlib import Path

from planner.data import (
    CoreKeep,
    Group,
    Honor,
    MutualMove,
    Need,
    Role,
    Scenario,
    School,
    Staff,
    Stage,
)
from planner.examples.rosters import (
    SchoolRow,
    can_start,
    core_keep_of,
    mutual_moves_of,
    needs_of_member,
    staff_of_core,
    subjects_of,
    with_enough_starters,
)
from planner.io.policy_file import load_policy
from planner.io.writer import write_scenario
from planner.model import domain
from planner.policy import Policy

__all__ = [
    "DEFAULT_SEED",
    "FIRST_YEAR",
    "HORIZON",
    "SCENARIO_NAME",
    "SchoolRow",
    "build_taishan_scenario",
    "can_start",
    "core_keep_of",
    "feasibility_summary",
    "forced_away",
    "is_eligible",
    "needs_of_member",
    "notes",
    "quota",
    "staff_of_core",
    "subjects_of",
    "with_enough_starters",
    "write_taishan_scenario",
]

DEFAULT_SEED = 2022
FIRST_YEAR = 2022
HORIZON = 5
SCENARIO_NAME = "泰山区集团化办学 2022 (示例数据)"


def notes(seed: int = DEFAULT_SEED) -> list[str]:
    """The ``about`` lines that mark the workbook as example data (中文 + English)."""
    return [
        "示例数据：集团与学校取自《泰山区中小学集团化办学实施方案》（泰山政办字〔2022〕12号）"
        "所附名单；教职工、需求、接收容量与互派人员均为合成的示例数据，"
        "由 scenarios/build_taishan_2022.py "
        f"以随机种子 {seed} 生成，不涉及真实人员。",
        "Example data: the groups and schools are those of the table of the 2022 Taishan "
        "group-schooling plan (泰山政办字〔2022〕12号); staff, needs, capacities and mutual "
        "moves (互派) are synthetic "
        f"example data made by scenarios/build_taishan_2022.py with seed {seed}; not real people.",
    ]


@dataclass(frozen=True)
class _GroupRow:
    group_id: str
    name: str
    schools: tuple[SchoolRow, ...]


_P, _J, _N = Stage.PRIMARY, Stage.JUNIOR, Stage.NINE_YEAR
_CORE, _FUSION, _ALLIANCE = Role.CORE, Role.FUSION, Role.ALLIANCE

# Stages: 中学 junior, 小学 primary, "...学校" nine-year (九年一贯制).
# Capacities: sum per group >= staff the quotas force to be away in 2023
# (first-year starters, who stay at least two years, plus 2023 starters).
_TABLE: tuple[_GroupRow, ...] = (
    _GroupRow(
        "G-LZ",
        "泰安六中教育集团",
        (
            SchoolRow("taian6z", "泰安六中", _CORE, _J, headcount=((_J, 260),)),
            SchoolRow("shanggao", "上高学校", _FUSION, _N, capacity=24),
            SchoolRow("panhe", "泮河中学", _FUSION, _J, capacity=22),
            SchoolRow("shengzhuang1z", "省庄一中", _ALLIANCE, _J, capacity=18),
        ),
    ),
    _GroupRow(
        "G-DY",
        "泰安东岳中学教育集团",
        (
            SchoolRow("dongyue", "东岳中学", _CORE, _J, headcount=((_J, 220),)),
            SchoolRow("taiqian", "泰前中学", _FUSION, _J, capacity=18),
            SchoolRow("fengtai", "凤台学校", _FUSION, _N, capacity=20),
            SchoolRow("taian13z", "泰安十三中", _ALLIANCE, _J, capacity=16),
        ),
    ),
    _GroupRow(
        "G-SY",
        "泰安市第一实验学校教育集团",
        (
            SchoolRow("shiyan1", "泰安市第一实验学校", _CORE, _N, headcount=((_P, 180), (_J, 120))),
            SchoolRow("xiaojing", "小井小学", _FUSION, _P, capacity=12),
            SchoolRow("shanggaozx", "上高中心小学", _FUSION, _P, capacity=12),
            SchoolRow("sanyou", "三友小学", _FUSION, _P, capacity=12),
            SchoolRow("shengzhuangzx", "省庄镇中心小学", _ALLIANCE, _P, capacity=10),
            SchoolRow("qiujiadian", "邱家店镇中心小学", _ALLIANCE, _P, capacity=10),
            SchoolRow("shiyan2", "泰山区第二实验学校", _ALLIANCE, _N, capacity=16),
        ),
    ),
    _GroupRow(
        "G-CKL",
        "财源街道仓库路学校教育集团",
        (
            SchoolRow("cangkulu", "财源街道仓库路学校", _CORE, _N, headcount=((_P, 75), (_J, 55))),
            SchoolRow("jiuzhen", "旧镇小学", _FUSION, _P, capacity=16),
            SchoolRow("xiguan", "西关小学", _FUSION, _P, capacity=16),
        ),
    ),
)


# -- the scenario -------------------------------------------------------------


def with_career_data(staff: list[Staff], seed: int, year: int) -> list[Staff]:
    """Backbone teachers (骨干教师) and first year at the current school.

    Drawn from a stream of their own, so adding them changed nothing else:
    backbone teachers hold a district honour or higher (about 45% of those),
    and school_since leaves tenures of 0 to 25 years, never before age 22.
    """
    rng = random.Random(seed * 7919 + 1)
    out = []
    for person in staff:
        backbone = person.honor.at_least(Honor.DISTRICT) and rng.random() < 0.45
        longest = max(0, min(person.age_at(year) - 22, 25))
        since = year - rng.randint(0, longest)
        out.append(replace(person, backbone=backbone, school_since=since))
    return out


def build_taishan_scenario(seed: int = DEFAULT_SEED) -> Scenario:
    """The built-in Taishan 2022 scenario (synthetic staff and needs)."""
    rng = random.Random(seed)
    policy: Policy = load_policy()
    years = range(FIRST_YEAR, FIRST_YEAR + HORIZON)
    groups: list[Group] = []
    schools: list[School] = []
    staff: list[Staff] = []
    needs: list[Need] = []
    core_keep: list[CoreKeep] = []
    mutual: list[MutualMove] = []
    # The mutual moves draw on a stream of their own: the rest stays as it was.
    mutual_rng = random.Random(seed * 104729 + 18)
    for group in _TABLE:
        groups.append(Group(group.group_id, group.name, FIRST_YEAR))
        core = next(s for s in group.schools if s.role is Role.CORE)
        members = [s for s in group.schools if s.role is not Role.CORE]
        for row in group.schools:
            schools.append(
                School(row.school_id, row.name, group.group_id, row.role, row.stage, row.capacity)
            )
        roster = staff_of_core(rng, core, members, FIRST_YEAR)
        roster = with_enough_starters(rng, roster, policy, FIRST_YEAR)
        staff += roster
        core_keep += core_keep_of(core.school_id, roster, years)
        for member in members:
            needs += needs_of_member(rng, member, years)
        mutual += mutual_moves_of(mutual_rng, core, members, FIRST_YEAR)
    return Scenario(
        name=SCENARIO_NAME,
        first_year=FIRST_YEAR,
        horizon=HORIZON,
        policy=policy,
        groups=groups,
        schools=schools,
        staff=with_career_data(staff, seed, FIRST_YEAR),
        needs=needs,
        core_keep=core_keep,
        mutual=tuple(mutual),
    )


def write_taishan_scenario(path: str | Path, seed: int = DEFAULT_SEED) -> Scenario:
    """Build the scenario and write it as a workbook marked as example data."""
    scenario = build_taishan_scenario(seed)
    write_scenario(scenario, Path(path), notes=notes(seed))
    return scenario


# -- the counting argument ----------------------------------------------------


def is_eligible(person: Staff, start_year: int, policy: Policy) -> bool:
    """AGE, HONOR and LEVEL at the start of an exchange in ``start_year``."""
    return domain.eligible_to_start(person, start_year, policy)


def quota(scenario: Scenario, group_id: str, year: int) -> int:
    """TEACHER-QUOTA: staff of the core school who must start in ``year``."""
    group = scenario.group_by_id[group_id]
    if year < group.founded_year or year not in scenario.years:
        return 0
    policy = scenario.policy
    ratio = policy.ratio_first_year if year == group.founded_year else policy.ratio_later_years
    return math.ceil(ratio * len(scenario.staff_of(scenario.core_school(group_id).school_id)))


def forced_away(scenario: Scenario, group_id: str, year: int) -> int:
    """Staff the quotas force to be on exchange in ``year`` at least: the
    starters of this year and of the ``term_min - 1`` years before."""
    term_min = scenario.policy.term_min
    return sum(quota(scenario, group_id, y) for y in range(year - term_min + 1, year + 1))


def feasibility_summary(scenario: Scenario) -> list[str]:
    """The counts behind the scenario's feasibility, one line each."""
    policy = scenario.policy
    lines: list[str] = []
    for group in scenario.groups:
        core = scenario.core_school(group.group_id)
        roster = scenario.staff_of(core.school_id)
        members = scenario.members(group.group_id)
        capacity = sum(m.capacity or 0 for m in members)
        eligible = [p for p in roster if is_eligible(p, group.founded_year, policy)]
        cadres = [p for p in eligible if p.is_cadre]
        lines.append(
            f"{group.group_id} {core.name}: staff {len(roster)}, eligible {len(eligible)} "
            f"in {group.founded_year}, eligible cadres {len(cadres)}, member capacity "
            f"{capacity} ({', '.join(f'{m.school_id} {m.capacity}' for m in members)})"
        )
        for year in scenario.years:
            need = sum(
                n.count
                for n in scenario.needs
                if n.year == year and scenario.school_by_id[n.school_id].group_id == group.group_id
            )
            pool = sum(
                1 for p in roster if is_eligible(p, year, policy) and year not in p.unavailable
            )
            away = forced_away(scenario, group.group_id, year)
            lines.append(
                f"  {year}: quota {quota(scenario, group.group_id, year)}, forced away {away}, "
                f"eligible and available {pool}, needs {need} ({need / away:.2f}x forced away)"
            )
    return lines
