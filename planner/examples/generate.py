"""Synthetic scenarios of any size, for benchmarks and tests.

``generate_scenario("city", groups=40, seed=1)`` makes a reproducible scenario
in the contract format of ``shared/spec/scenario-format.md``: education groups
with a junior, primary or nine-year core school and two to six fusion and
alliance members; core-school rosters (subjects by stage, ages 23-59, honours,
positions, certified level, volunteers and preferred members, staff needing
exchange experience, years away) made by the same building blocks as the
built-in Taishan scenario (:mod:`planner.examples.synthetic`); member-school needs
above what the quotas force; capacities that admit everyone the quotas send;
CORE-KEEP rows; members joining in a later year or leaving; commitments
(exchanges under way in groups founded before the plan, and exchanges already
decided for the first plan year); and, with ``budget=True``, staff-year costs
and a district fund per plan year that binds but leaves the quotas payable.

Presets (:data:`PRESETS`):

* ``district``: a district like Taishan, 4 groups of 120-300 staff per core;
* ``city``: 40 groups of about 250 staff per core (about 10,000 staff);
* ``province``: 100 groups of 200-400 staff per core, more members each.

Only ``random.Random(seed)`` is used, in a fixed order, so the same preset,
group count, seed and options give an equal :class:`~planner.data.Scenario`.
Every generated scenario is feasible: the counts behind the quotas, capacities,
CORE-KEEP, commitments and budget are chosen with a margin, and the tests run
:func:`planner.model.diagnose.precheck` on it and solve small ones. No real people
or schools are described.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from planner.data import (
    BudgetRow,
    Commitment,
    CoreKeep,
    Group,
    Need,
    Position,
    Role,
    Scenario,
    School,
    Staff,
    Stage,
)
from planner.examples.synthetic import (
    SchoolRow,
    can_start,
    core_keep_of,
    needs_of_member,
    staff_of_core,
    with_enough_starters,
)
from planner.io.policy_file import load_policy
from planner.io.writer import write_scenario
from planner.model import domain
from planner.model.constraints import required_count
from planner.policy import Policy

__all__ = [
    "FIRST_YEAR",
    "HORIZON",
    "PRESETS",
    "Preset",
    "generate_scenario",
    "generation_notes",
    "write_generated",
]

FIRST_YEAR = 2024
HORIZON = 5

# BUDGET: cost per staff-year on exchange (万元: allowance, travel, cover).
COST_TEACHER = Decimal("1.2")
COST_CADRE = Decimal("1.5")
# The fund of a year: what the quotas force at the least, plus this share of
# what filling every member place would cost on top (so it binds), rounded up
# to a multiple of BUDGET_STEP.
BUDGET_ROOM = Decimal("0.4")
BUDGET_STEP = Decimal("0.1")

# Length of exchanges already under way, in years (TERM 2..5), and weights.
_HISTORY_TERMS: tuple[tuple[int, float], ...] = ((2, 4.0), (3, 3.5), (4, 1.5), (5, 1.0))
# Exchanges already decided for the first plan year: share of that year's
# quota, with terms of two or three years.
_DECIDED_TERMS = (2, 3)

# Core school stage and the member stages that go with it (weights).
_CORE_STAGES: tuple[tuple[Stage, float], ...] = (
    (Stage.JUNIOR, 0.4),
    (Stage.PRIMARY, 0.35),
    (Stage.NINE_YEAR, 0.25),
)
_MEMBER_STAGES: dict[Stage, tuple[tuple[Stage, float], ...]] = {
    Stage.JUNIOR: ((Stage.JUNIOR, 0.7), (Stage.NINE_YEAR, 0.3)),
    Stage.PRIMARY: ((Stage.PRIMARY, 0.75), (Stage.NINE_YEAR, 0.25)),
    Stage.NINE_YEAR: ((Stage.PRIMARY, 0.4), (Stage.JUNIOR, 0.3), (Stage.NINE_YEAR, 0.3)),
}
# A nine-year core school's staff: share teaching primary.
_NINE_YEAR_PRIMARY_SHARE = (0.5, 0.62)
# Members' share of fusion (the rest are alliance); at least one fusion.
_FUSION_SHARE = 0.6
# Capacities: a member's weight in the group's places, and the smallest.
_MEMBER_WEIGHT = (0.6, 1.4)
_MIN_CAPACITY = 6
# Members joining: years after the first plan year; members leaving: the
# first year they are no longer members, in years after the first plan year.
_JOIN_AFTER = (1, 2)
# CADRE-QUOTA: cadres who can start, at least this many times the minimum;
# a teacher made a middle cadre to get there is at least this old.
_CADRE_MARGIN = 2
_CADRE_MIN_AGE = 30
_LEAVE_AFTER = (2, 4)


@dataclass(frozen=True)
class Preset:
    """The size and shape of a generated scenario."""

    name: str
    label: str  # in the scenario name
    default_groups: int
    staff_per_core: tuple[int, int]
    members: tuple[int, int]  # member schools per group (before joins)
    # Groups founded before the first plan year (with exchanges under way),
    # and how many years before at most.
    founded_earlier_share: float
    founded_earlier_years: int
    # Per group: chance of a member joining later, of a member leaving.
    join_share: float
    leave_share: float
    # Share of a founding group's first-year quota already decided.
    decided_share: float
    # Total member places: this many times what the quotas force away at most.
    capacity_margin: tuple[float, float]
    # Groups per region (区/县) in names.
    groups_per_region: int


PRESETS: dict[str, Preset] = {
    "district": Preset(
        name="district",
        label="区",
        default_groups=4,
        staff_per_core=(120, 300),
        members=(2, 6),
        founded_earlier_share=0.25,
        founded_earlier_years=2,
        join_share=0.25,
        leave_share=0.15,
        decided_share=0.15,
        capacity_margin=(1.2, 1.35),
        groups_per_region=6,
    ),
    "city": Preset(
        name="city",
        label="市",
        default_groups=40,
        staff_per_core=(220, 280),
        members=(2, 5),
        founded_earlier_share=0.5,
        founded_earlier_years=2,
        join_share=0.2,
        leave_share=0.1,
        decided_share=0.15,
        capacity_margin=(1.2, 1.35),
        groups_per_region=5,
    ),
    "province": Preset(
        name="province",
        label="省",
        default_groups=100,
        staff_per_core=(200, 400),
        members=(3, 6),
        founded_earlier_share=0.6,
        founded_earlier_years=3,
        join_share=0.2,
        leave_share=0.1,
        decided_share=0.15,
        capacity_margin=(1.2, 1.35),
        groups_per_region=5,
    ),
}

# -- names ----------------------------------------------------------------------


# Region names (区/县), towns and streets: made up, common forms only.
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_REGION_STEMS = _words(
    "东城 西城 南湖 北山 青云 白河 临江 高新 望岳 金水 长清 安平 永宁 龙泉 凤鸣 "
    "清源 石门 桃源 柳林 松山 梅岭 兰陵 云台 玉泉 宁远 丰乐 新安 太和 兴华 文昌"
)
_TOWNS = _words(
    "东关 西关 南关 北关 城东 城西 河东 河西 青龙 白龙 凤凰 龙山 桃园 杏林 柳河 松林 "
    "梨园 金山 银河 玉溪 清河 石桥 马庄 李庄 王庄 张村 刘家 新华 胜利 建设 和平 红星 "
    "光明 向阳 东方 长春 永安 太平 兴隆 丰收 大营 朝阳 望山 平原 双河 三里 五里 七星 "
    "九龙 十里 花园 果园 湖滨 江南 北苑 南苑 西苑 东苑 育才 实验 明德 崇文 启明"
)
_ORDINALS = _words("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六")


class _Namer:
    """School names following the stage conventions of the built-in scenario:
    ...中学 junior, ...小学 primary, ...学校 nine-year."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.cores: dict[tuple[str, Stage], int] = defaultdict(int)

    def region(self, index: int) -> str:
        stem = _REGION_STEMS[index % len(_REGION_STEMS)]
        lap = index // len(_REGION_STEMS)
        return f"{stem}{'区' if lap % 2 == 0 else '县'}" + (f"{lap // 2 + 1}" if lap > 1 else "")

    def core(self, region: str, stage: Stage) -> str:
        number = self.cores[region, stage]
        self.cores[region, stage] += 1
        ordinal = _ORDINALS[number % len(_ORDINALS)]
        kind = {
            Stage.JUNIOR: f"第{ordinal}中学",
            Stage.PRIMARY: "实验小学" if number == 0 else f"第{ordinal}实验小学",
            Stage.NINE_YEAR: "实验学校" if number == 0 else f"第{ordinal}实验学校",
        }[stage]
        return self._unique(f"{region}{kind}", stage)

    def member(self, region: str, stage: Stage) -> str:
        town = self.rng.choice(_TOWNS)
        kind = {
            Stage.JUNIOR: self.rng.choice(("中学", "镇中学", "初级中学")),
            Stage.PRIMARY: self.rng.choice(("小学", "中心小学", "镇中心小学")),
            Stage.NINE_YEAR: self.rng.choice(("学校", "九年制学校", "镇学校")),
        }[stage]
        return self._unique(f"{region}{town}{kind}", stage)

    def _unique(self, name: str, stage: Stage) -> str:
        if name not in self.taken:
            self.taken.add(name)
            return name
        suffix = {Stage.JUNIOR: "中学", Stage.PRIMARY: "小学", Stage.NINE_YEAR: "学校"}[stage]
        stem = name.removesuffix(suffix)
        k = 2
        while f"{stem}第{k}{suffix}" in self.taken:
            k += 1
        name = f"{stem}第{k}{suffix}"
        self.taken.add(name)
        return name


# -- helpers ----------------------------------------------------------------------


def _weighted(rng: random.Random, items: Sequence[tuple[Stage, float]]) -> Stage:
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _quota(policy: Policy, founded: int, year: int, headcount: int) -> int:
    """TEACHER-QUOTA of a horizon year: ceil(ratio x headcount)."""
    if year < founded:
        return 0
    ratio = policy.ratio_first_year if year == founded else policy.ratio_later_years
    return required_count(ratio, headcount)


def _cadre_quota(policy: Policy, founded: int, year: int) -> int:
    if year < founded:
        return 0
    return policy.cadre_min_first_year if year == founded else policy.cadre_min_later_years


def _free(person: Staff, years: range, busy: set[tuple[str, int]]) -> bool:
    """Available and not on another exchange in any of ``years``."""
    return domain.available(person, years) and not any((person.staff_id, y) in busy for y in years)


@dataclass
class _GroupPlan:
    """One group as it is being generated."""

    group: Group
    core: SchoolRow
    members: list[SchoolRow]
    joined: dict[str, int]
    left: dict[str, int]
    roster: list[Staff]
    commitments: list[Commitment]

    def is_member(self, school_id: str, year: int) -> bool:
        joined = self.joined.get(school_id, self.group.founded_year)
        left = self.left.get(school_id)
        return joined <= year and (left is None or year < left)


# -- the generator ------------------------------------------------------------------


def generate_scenario(
    preset: str = "district",
    groups: int | None = None,
    seed: int = 0,
    *,
    budget: bool = False,
    first_year: int = FIRST_YEAR,
    horizon: int = HORIZON,
    staff_per_core: tuple[int, int] | None = None,
) -> Scenario:
    """A synthetic, feasible scenario of the ``preset`` size (see :data:`PRESETS`).

    ``groups`` defaults to the preset's; ``staff_per_core`` overrides its
    range of staff per core school (small scenarios for tests). With
    ``budget`` the policy prices each staff-year and every plan year gets a
    fund that binds.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    shape = PRESETS[preset]
    count = shape.default_groups if groups is None else groups
    if count < 1:
        raise ValueError(f"groups must be at least 1, got {count}")
    low, high = staff_per_core or shape.staff_per_core
    if not 1 <= low <= high:
        raise ValueError(f"staff per core school: bad range {low}..{high}")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    rng = random.Random(seed)
    policy = load_policy()
    if budget:
        policy = replace(policy, cost_teacher=COST_TEACHER, cost_cadre=COST_CADRE)
    years = range(first_year, first_year + horizon)
    namer = _Namer(rng)
    plans = [
        _make_group(rng, namer, shape, policy, index, (low, high), years) for index in range(count)
    ]

    schools: list[School] = []
    staff: list[Staff] = []
    needs: list[Need] = []
    core_keep: list[CoreKeep] = []
    commitments: list[Commitment] = []
    for plan in plans:
        gid = plan.group.group_id
        capacities = _capacities(rng, shape, policy, plan, years)
        schools.append(School(plan.core.school_id, plan.core.name, gid, Role.CORE, plan.core.stage))
        for member in plan.members:
            schools.append(
                School(
                    member.school_id,
                    member.name,
                    gid,
                    member.role,
                    member.stage,
                    capacities[member.school_id],
                    plan.joined.get(member.school_id),
                    plan.left.get(member.school_id),
                )
            )
            served = [y for y in years if plan.is_member(member.school_id, y)]
            row = replace(member, capacity=capacities[member.school_id])
            needs += needs_of_member(rng, row, served)
        staff += plan.roster
        commitments += plan.commitments
        away = {(c.staff_id, y) for c in plan.commitments for y in c.years()}
        core_keep += core_keep_of(plan.core.school_id, plan.roster, years, away)
    scenario = Scenario(
        name=f"合成{shape.label}级集团化办学 {count} 个集团 (示例数据, seed {seed})",
        first_year=first_year,
        horizon=horizon,
        policy=policy,
        groups=[p.group for p in plans],
        schools=schools,
        staff=staff,
        needs=needs,
        core_keep=core_keep,
        commitments=commitments,
    )
    if budget:
        scenario.budget = _budget(scenario, schools)
    return scenario


def _make_group(
    rng: random.Random,
    namer: _Namer,
    shape: Preset,
    policy: Policy,
    index: int,
    staff_range: tuple[int, int],
    years: range,
) -> _GroupPlan:
    """The schools, roster and commitments of one group."""
    first_year = years.start
    number = index + 1
    region = namer.region(index // shape.groups_per_region)
    gid = f"G{number:03d}"
    core_id = f"C{number:03d}"

    stage = _weighted(rng, _CORE_STAGES)
    total = rng.randint(*staff_range)
    headcount: tuple[tuple[Stage, int], ...]
    if stage is Stage.NINE_YEAR:
        primary = round(total * rng.uniform(*_NINE_YEAR_PRIMARY_SHARE))
        headcount = ((Stage.PRIMARY, primary), (Stage.JUNIOR, total - primary))
        headcount = tuple((st, n) for st, n in headcount if n > 0)
    else:
        headcount = ((stage, total),)
    core = SchoolRow(
        core_id,
        namer.core(region, stage),
        Role.CORE,
        stage,
        headcount=headcount,
    )

    founded = first_year
    if rng.random() < shape.founded_earlier_share:
        founded = first_year - rng.randint(1, shape.founded_earlier_years)
    group = Group(gid, f"{core.name}教育集团", founded)

    # Members: fusion first, at least one; every stage the core teaches is
    # taught by some member, so every core teacher can cover a need.
    n_members = rng.randint(*shape.members)
    n_fusion = max(1, round(n_members * _FUSION_SHARE))
    stages = [_weighted(rng, _MEMBER_STAGES[stage]) for _ in range(n_members)]
    for taught in sorted(stage.teaches()):
        if not any(taught in s.teaches() for s in stages):
            stages[-1] = Stage.NINE_YEAR
    members = [
        SchoolRow(
            f"{core_id}-M{k + 1}",
            namer.member(region, st),
            Role.FUSION if k < n_fusion else Role.ALLIANCE,
            st,
        )
        for k, st in enumerate(stages)
    ]
    joined: dict[str, int] = {}
    left: dict[str, int] = {}
    if rng.random() < shape.join_share:
        st = _weighted(rng, _MEMBER_STAGES[stage])
        school_id = f"{core_id}-M{len(members) + 1}"
        members.append(SchoolRow(school_id, namer.member(region, st), Role.ALLIANCE, st))
        joined[school_id] = first_year + rng.randint(*_JOIN_AFTER)
    if len(members) > 2 and rng.random() < shape.leave_share:
        leaving = rng.choice([m for m in members if m.school_id not in joined])
        left[leaving.school_id] = first_year + rng.randint(*_LEAVE_AFTER)

    roster = staff_of_core(rng, core, members, first_year)
    roster = with_enough_starters(rng, roster, policy, max(founded, first_year))
    roster = _with_enough_cadres(rng, roster, policy, max(founded, first_year))
    plan = _GroupPlan(group, core, members, joined, left, roster, [])
    plan.commitments = _commitments(rng, shape, policy, plan, years)
    return plan


def _with_enough_cadres(
    rng: random.Random, roster: list[Staff], policy: Policy, year: int
) -> list[Staff]:
    """A small roster may have too few cadres who can start in ``year`` for
    CADRE-QUOTA: then some teachers who can start (and are old enough for a
    post) become middle cadres, up to twice the cadre minimum."""
    target = _CADRE_MARGIN * max(policy.cadre_min_first_year, policy.cadre_min_later_years)
    have = sum(1 for p in roster if p.is_cadre and can_start(p, year, policy))
    if have >= target:
        return roster
    near = [
        i
        for i, p in enumerate(roster)
        if not p.is_cadre and p.age_at(year) >= _CADRE_MIN_AGE and can_start(p, year, policy)
    ]
    out = list(roster)
    for i in rng.sample(near, min(len(near), target - have)):
        out[i] = replace(out[i], position=Position.MIDDLE)
    return out


def _commitments(
    rng: random.Random, shape: Preset, policy: Policy, plan: _GroupPlan, years: range
) -> list[Commitment]:
    """Exchanges under way (a group founded before the plan sent its quotas
    each year since; those still running are locked) and exchanges already
    decided for the first plan year (a share of a founding group's quota)."""
    first_year = years.start
    founded = plan.group.founded_year
    headcount = len(plan.roster)
    busy: set[tuple[str, int]] = set()
    out: list[Commitment] = []

    def send(start: int, count: int, terms: Sequence[int], weights: Sequence[float]) -> None:
        eligible = [p for p in plan.roster if domain.eligible_to_start(p, start, policy)]
        for _ in range(count):
            length = rng.choices(list(terms), weights=list(weights))[0]
            span = range(start, start + length)
            schools = [
                m.school_id
                for m in plan.members
                if m.role in policy.receiving_roles
                and all(plan.is_member(m.school_id, y) for y in span)
            ]
            people = [p for p in eligible if _free(p, span, busy)]
            if not schools or not people:
                return
            person = rng.choice(people)
            busy.update((person.staff_id, y) for y in span)
            if span.stop - 1 >= first_year:  # still under way in the plan
                out.append(
                    Commitment(person.staff_id, rng.choice(schools), span.start, span.stop - 1)
                )

    terms = [t for t, _ in _HISTORY_TERMS if t in domain.term(policy)]
    weights = [w for t, w in _HISTORY_TERMS if t in domain.term(policy)]
    for year in range(founded, first_year):
        send(year, _quota(policy, founded, year, headcount), terms, weights)
    if founded == first_year:
        decided = math.floor(_quota(policy, founded, first_year, headcount) * shape.decided_share)
        short = [t for t in _DECIDED_TERMS if t in domain.term(policy)] or terms[:1]
        send(first_year, decided, short, [1.0] * len(short))
    return out


def _forced_away(policy: Policy, plan: _GroupPlan, year: int, years: range) -> int:
    """Staff of the group certainly on exchange in ``year``: commitments
    running then, and the quota starters of this year and the term_min - 1
    before (beyond the commitments starting in those years)."""
    headcount = len(plan.roster)
    founded = plan.group.founded_year
    locked = sum(1 for c in plan.commitments if c.covers(year))
    new = 0
    for y in range(year - policy.term_min + 1, year + 1):
        if y in years:
            started = sum(1 for c in plan.commitments if c.start_year == y)
            new += max(_quota(policy, founded, y, headcount) - started, 0)
    return locked + new


def _capacities(
    rng: random.Random, shape: Preset, policy: Policy, plan: _GroupPlan, years: range
) -> dict[str, int]:
    """Member places: in every year, the members of that year host at least
    ``capacity_margin`` times the staff the quotas force away, and each
    school at least its commitments."""
    margin = rng.uniform(*shape.capacity_margin)
    weights = {m.school_id: rng.uniform(*_MEMBER_WEIGHT) for m in plan.members}
    check = range(years.start, years.stop + policy.term_min - 1)
    target = max(math.ceil(margin * _forced_away(policy, plan, y, years)) for y in check)
    total_weight = sum(weights.values())
    caps = {
        sid: max(_MIN_CAPACITY, math.ceil(target * w / total_weight)) for sid, w in weights.items()
    }
    for c in plan.commitments:
        locked = max(
            sum(1 for o in plan.commitments if o.school_id == c.school_id and o.covers(y))
            for y in c.years()
        )
        caps[c.school_id] = max(caps[c.school_id], locked)
    # Members that join later or leave: the others make up for them.
    stable = max(
        (
            m
            for m in plan.members
            if m.school_id not in plan.joined and m.school_id not in plan.left
        ),
        key=lambda m: caps[m.school_id],
    )
    for y in check:
        needed = math.ceil(margin * _forced_away(policy, plan, y, years))
        present = sum(cap for sid, cap in caps.items() if plan.is_member(sid, y))
        if present < needed:
            caps[stable.school_id] += needed - present
    return caps


def _budget(scenario: Scenario, schools: Sequence[School]) -> list[BudgetRow]:
    """A fund per plan year: the least the quotas and commitments cost that
    year (as :func:`planner.model.diagnose.precheck` counts it), plus
    :data:`BUDGET_ROOM` of what filling every member place would cost more."""
    policy = scenario.policy
    staff_by_id = scenario.staff_by_id
    headcounts: dict[str, int] = defaultdict(int)
    core_group = {s.school_id: s.group_id for s in schools if s.role is Role.CORE}
    for person in scenario.staff:
        headcounts[core_group[person.school_id]] += 1
    rows: list[BudgetRow] = []
    for year in scenario.years:
        least = sum(
            (
                policy.cost_per_year(staff_by_id[c.staff_id].is_cadre)
                for c in scenario.commitments
                if c.covers(year)
            ),
            Decimal(0),
        )
        for group in scenario.groups:
            for y in range(year - policy.term_min + 1, year + 1):
                if y not in scenario.years:
                    continue
                quota = _quota(policy, group.founded_year, y, headcounts[group.group_id])
                cadres = _cadre_quota(policy, group.founded_year, y)
                least += cadres * policy.cost_cadre + max(quota - cadres, 0) * policy.cost_teacher
        places = sum(
            s.capacity or 0
            for s in schools
            if s.role in policy.receiving_roles and scenario.is_member(s, year)
        )
        full = places * policy.cost_teacher
        amount = least + BUDGET_ROOM * max(full - least, Decimal(0))
        rows.append(
            BudgetRow(year, (amount / BUDGET_STEP).to_integral_value(ROUND_CEILING) * BUDGET_STEP)
        )
    return rows


def generation_notes(preset: str, groups: int, seed: int, budget: bool) -> list[str]:
    """The ``about`` lines marking a generated workbook as synthetic (中文 + English)."""
    how = f"planner generate --preset {preset} --groups {groups} --seed {seed}" + (
        " --budget" if budget else ""
    )
    return [
        f"示例数据：由 `{how}` 生成的合成情景；学校、教职工、需求、容量与经费均为虚构，"
        "不涉及真实人员或学校。",
        f"Synthetic example data made by `{how}`; schools, staff, needs, capacities and "
        "funds are made up; not real people or schools.",
    ]


def write_generated(
    path: str | Path,
    preset: str = "district",
    groups: int | None = None,
    seed: int = 0,
    *,
    budget: bool = False,
) -> Scenario:
    """Generate a scenario and write it (atomically) as a workbook marked as synthetic."""
    scenario = generate_scenario(preset, groups, seed, budget=budget)
    notes = generation_notes(preset, len(scenario.groups), seed, budget)
    write_scenario(scenario, Path(path), notes=notes)
    return scenario
