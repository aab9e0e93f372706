"""The built-in example scenario: Taishan District's four education groups, 2022.

Groups, schools and roles are those of the table at the end of the 2022 plan
(泰山政办字〔2022〕12号); everything else (staff rosters, member-school needs,
capacities, core-keep limits) is synthetic example data, generated here from a
fixed seed so that ``scenarios/taishan-2022.xlsx`` can be rebuilt exactly by
``python scenarios/build_taishan_2022.py``. No real people are described.

Only ``random.Random(seed)`` is used, and only in a fixed order, so the same
seed always gives the same :class:`~planner.data.Scenario`.

The numbers are chosen so that the scenario is feasible under every hard rule
of ``shared/spec/rules.md`` with the Taishan defaults: each core school has
enough eligible staff (AGE, HONOR, LEVEL) for the 15 % first-year and 5 %
later-year quotas, at least two eligible cadres, member capacities that admit
everyone the quotas force to be away at once, and core-keep limits that leave
room to send. :func:`feasibility_summary` states these counts.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from planner.data import (
    CoreKeep,
    Group,
    Honor,
    Need,
    Position,
    Role,
    Scenario,
    School,
    Staff,
    Stage,
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
        "所附名单；教职工、需求与接收容量均为合成的示例数据，由 scenarios/build_taishan_2022.py "
        f"以随机种子 {seed} 生成，不涉及真实人员。",
        "Example data: the groups and schools are those of the table of the 2022 Taishan "
        "group-schooling plan (泰山政办字〔2022〕12号); staff, needs and capacities are synthetic "
        f"example data made by scenarios/build_taishan_2022.py with seed {seed}; not real people.",
    ]


# -- the plan's table ----------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    """A school of a group as the generators make it (also used by
    :mod:`planner.examples.generate`): members carry a capacity, core schools their
    staff headcount per stage taught."""

    school_id: str
    name: str
    role: Role
    stage: Stage
    capacity: int | None = None  # member schools only
    # Core schools: staff headcount per stage taught.
    headcount: tuple[tuple[Stage, int], ...] = ()


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

# -- subjects -----------------------------------------------------------------

# Share of a roster by subject (per mille-ish weights; 语文/数学 most).
_STAFF_SHARE: dict[Stage, tuple[tuple[str, int], ...]] = {
    Stage.PRIMARY: (
        ("语文", 26),
        ("数学", 22),
        ("英语", 10),
        ("科学", 8),
        ("道德与法治", 7),
        ("音乐", 6),
        ("体育", 8),
        ("美术", 6),
        ("信息技术", 4),
    ),
    Stage.JUNIOR: (
        ("语文", 15),
        ("数学", 15),
        ("英语", 13),
        ("物理", 8),
        ("化学", 6),
        ("生物", 6),
        ("历史", 6),
        ("地理", 6),
        ("道德与法治", 7),
        ("音乐", 4),
        ("体育", 7),
        ("美术", 4),
        ("信息技术", 3),
    ),
}

_CORE_SUBJECTS = ("语文", "数学", "英语")
_SCIENCE_SUBJECTS = ("科学", "物理", "化学", "生物")

# How often a member school asks for a subject: core subjects, and the
# specialist subjects small schools lack (英语, 音乐, 美术, 信息技术), most.
_NEED_WEIGHT: dict[str, float] = {
    "语文": 3.0,
    "数学": 3.0,
    "英语": 3.0,
    "科学": 2.0,
    "物理": 2.0,
    "化学": 1.5,
    "生物": 1.5,
    "历史": 1.0,
    "地理": 1.0,
    "道德与法治": 1.0,
    "音乐": 1.5,
    "体育": 1.5,
    "美术": 1.5,
    "信息技术": 1.5,
}

# Member schools' needs shrink as they catch up (质量共提), per horizon year.
_NEED_TREND = (1.0, 1.1, 0.8, 0.74, 0.7)
_MAX_COUNT = 3

# Subjects whose core-school teaching must not collapse, and the share kept.
_CORE_KEEP_SUBJECTS = ("语文", "数学")
_CORE_KEEP_SHARE = Decimal("0.8")

# -- names ----------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨赵孙徐马高朱胡郭何吕宋韩曹董于袁田冯周吴郑许石程孟范崔姜秦"
    "魏薛丁任沈姚卢梁谢唐邓彭侯邢葛贾尹路毕房岳牛鲁"
)
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建国",
    "晓东",
    "海燕",
    "志强",
    "红梅",
    "文静",
    "雪",
    "琳",
    "颖",
    "鹏",
    "浩",
    "宇",
    "婷",
    "倩",
    "欣怡",
    "子涵",
    "思远",
    "振华",
    "玉兰",
    "淑珍",
    "永刚",
    "春燕",
    "立新",
    "晓红",
    "海涛",
    "丹",
    "萍",
    "亮",
    "健",
    "辉",
    "晨",
    "玲",
    "慧",
    "佳",
    "晶",
    "凯",
    "帅",
    "悦",
)

# Years away (leave, study), as offsets from the first plan year.
_UNAVAILABLE_OFFSETS: tuple[tuple[int, ...], ...] = (
    (1,),
    (2,),
    (2, 3),
    (3,),
    (4,),
    (1, 2),
)


# -- helpers ------------------------------------------------------------------


def _allocate(total: int, shares: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Split ``total`` by ``shares`` (largest remainder, ties in table order)."""
    weight = sum(w for _, w in shares)
    exact = [(name, Decimal(total * w) / weight) for name, w in shares]
    counts = {name: int(value) for name, value in exact}
    left = total - sum(counts.values())
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - int(exact[i][1])), i))
    for i in by_remainder[:left]:
        counts[exact[i][0]] += 1
    return [(name, counts[name]) for name, _ in shares]


def _weighted(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _age_weight(age: int) -> float:
    if age <= 25:
        return 2.0
    if age <= 45:
        return 3.0
    if age <= 52:
        return 2.5
    return 1.5


_AGES = tuple(range(23, 60))
_AGE_WEIGHTS = tuple(_age_weight(a) for a in _AGES)


def _birth_date(rng: random.Random, age: int, school_year: int) -> dt.date:
    """A birth date giving exactly ``age`` full years on 1 Sept ``school_year``."""
    latest = dt.date(school_year - age, 9, 1)
    earliest = dt.date(school_year - age - 1, 9, 2)
    return latest - dt.timedelta(days=rng.randint(0, (latest - earliest).days))


_HONOR_YOUNG = (
    (Honor.NONE, 45.0),
    (Honor.SCHOOL, 30.0),
    (Honor.DISTRICT, 20.0),
    (Honor.CITY, 5.0),
)
_HONOR_TEACHER = (
    (Honor.NONE, 20.0),
    (Honor.SCHOOL, 24.0),
    (Honor.DISTRICT, 31.0),
    (Honor.CITY, 17.0),
    (Honor.PROVINCE, 7.0),
    (Honor.NATIONAL, 1.0),
)
_HONOR_CADRE = (
    (Honor.NONE, 4.0),
    (Honor.SCHOOL, 11.0),
    (Honor.DISTRICT, 35.0),
    (Honor.CITY, 30.0),
    (Honor.PROVINCE, 15.0),
    (Honor.NATIONAL, 5.0),
)


def _honor(rng: random.Random, age: int, cadre: bool) -> Honor:
    table = _HONOR_CADRE if cadre else _HONOR_YOUNG if age < 28 else _HONOR_TEACHER
    return Honor(_weighted(rng, [(h.value, w) for h, w in table]))


def _name(rng: random.Random, taken: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        if name not in taken:
            break
    taken.add(name)
    return name


# -- staff --------------------------------------------------------------------


def subjects_of(stage: Stage) -> tuple[str, ...]:
    """The subjects taught in a stage (primary or junior), most staffed first."""
    return tuple(subject for subject, _ in _STAFF_SHARE[stage])


def staff_of_core(
    rng: random.Random, core: SchoolRow, members: Sequence[SchoolRow], year: int
) -> list[Staff]:
    """A core school's roster: ``core.headcount`` staff per stage, split by
    subject, aged 23-59 on 1 September of ``year``, with positions, honours,
    certified level, volunteers, preferred members, needs for experience and
    a few years away (offsets from ``year``)."""
    slots: list[tuple[Stage, str]] = []
    for stage, total in core.headcount:
        for subject, count in _allocate(total, _STAFF_SHARE[stage]):
            slots += [(stage, subject)] * count
    n = len(slots)
    ages = rng.choices(_AGES, weights=_AGE_WEIGHTS, k=n)

    # Cadres: ~8 % middle (from 30), ~3 % senior (from 38).
    positions = [Position.TEACHER] * n
    seniors = rng.sample([i for i in range(n) if ages[i] >= 38], round(n * 0.03))
    for i in seniors:
        positions[i] = Position.SENIOR
    middles = rng.sample(
        [i for i in range(n) if ages[i] >= 30 and positions[i] is Position.TEACHER],
        round(n * 0.08),
    )
    for i in middles:
        positions[i] = Position.MIDDLE

    taken: set[str] = set()
    staff: list[Staff] = []
    for i, (stage, subject) in enumerate(slots):
        age = ages[i]
        cadre = positions[i].is_cadre
        honor = _honor(rng, age, cadre)
        high = honor.at_least(Honor.DISTRICT)
        level_ok = rng.random() < (0.9 if cadre else 0.88 if high else 0.4)
        age_exception = age > 45 and high and level_ok and rng.random() < 0.08
        volunteer = rng.random() < (0.36 if age <= 35 else 0.26)
        preferred: str | None = None
        if volunteer and rng.random() < 0.4:
            fits = [m.school_id for m in members if stage in m.stage.teaches()]
            preferred = rng.choice(fits) if fits else None
        needs_experience = rng.random() < (0.32 if age < 40 else 0.1)
        unavailable: frozenset[int] = frozenset()
        if rng.random() < 0.04:
            unavailable = frozenset(year + k for k in rng.choice(_UNAVAILABLE_OFFSETS))
        staff.append(
            Staff(
                staff_id=f"{core.school_id}-{i + 1:03d}",
                name=_name(rng, taken),
                school_id=core.school_id,
                subject=subject,
                stage=stage,
                birth_date=_birth_date(rng, age, year),
                position=positions[i],
                honor=honor,
                level_ok=level_ok,
                age_exception=age_exception,
                volunteer=volunteer,
                preferred_school=preferred,
                needs_experience=needs_experience,
                unavailable=unavailable,
            )
        )
    return staff


def can_start(person: Staff, year: int, policy: Policy) -> bool:
    """Eligible in ``year`` and available for a shortest exchange from then."""
    free = not any(y in person.unavailable for y in range(year, year + policy.term_min))
    return free and domain.eligible_to_start(person, year, policy)


def with_enough_starters(
    rng: random.Random, roster: list[Staff], policy: Policy, founded: int
) -> list[Staff]:
    """Keep every seed feasible by a margin: if fewer than 1.5 times the staff
    the first two years' quotas need (and twice the cadre quota) could start
    in the founding year, certify the level (LEVEL) of a few more of those who
    meet AGE and HONOR. The default seed needs no such help."""
    headcount = len(roster)
    needed = math.ceil(
        Decimal("1.5")
        * (
            math.ceil(policy.ratio_first_year * headcount)
            + math.ceil(policy.ratio_later_years * headcount)
        )
    )
    needed_cadres = 2 * policy.cadre_min_first_year
    out = list(roster)
    for cadres_only, target in ((True, needed_cadres), (False, needed)):
        have = sum(
            1 for p in out if can_start(p, founded, policy) and (p.is_cadre or not cadres_only)
        )
        if have >= target:
            continue
        near = [
            i
            for i, p in enumerate(out)
            if (p.is_cadre or not cadres_only)
            and not p.level_ok
            and can_start(replace(p, level_ok=True), founded, policy)
        ]
        for i in rng.sample(near, min(len(near), target - have)):
            out[i] = replace(out[i], level_ok=True)
    return out


# -- needs --------------------------------------------------------------------


def _priority(rng: random.Random, subject: str) -> Decimal:
    if subject in _CORE_SUBJECTS:
        return Decimal(3) if rng.random() < 0.8 else Decimal(2)
    if subject in _SCIENCE_SUBJECTS:
        return Decimal(2)
    return Decimal(2) if rng.random() < 0.2 else Decimal(1)


def needs_of_member(rng: random.Random, school: SchoolRow, years: Sequence[int]) -> list[Need]:
    """A member school's needs in ``years``: about 1.3-1.6 times its capacity,
    shrinking over the years, core subjects most and with the highest priority."""
    assert school.capacity is not None
    explicit = school.stage is Stage.NINE_YEAR
    pool: list[tuple[Stage | None, str, float]] = []
    for taught in sorted(school.stage.teaches(), key=list(Stage).index):
        share = (0.55 if taught is Stage.PRIMARY else 0.45) if explicit else 1.0
        for subject, _ in _STAFF_SHARE[taught]:
            pool.append((taught if explicit else None, subject, _NEED_WEIGHT[subject] * share))
    order = {(st, sub): k for k, (st, sub, _) in enumerate(pool)}
    factor = rng.uniform(1.3, 1.6)  # needs exceed what the school can host
    out: list[Need] = []
    for k, year in enumerate(years):
        left = round(school.capacity * factor * _NEED_TREND[min(k, len(_NEED_TREND) - 1)])
        candidates = list(pool)
        counts: dict[tuple[Stage | None, str], int] = {}
        picked: list[tuple[Stage | None, str, float]] = []
        while left > 0 and candidates:
            pick = rng.choices(range(len(candidates)), weights=[w for *_, w in candidates])[0]
            stage, subject, weight = candidates.pop(pick)
            core = subject in _CORE_SUBJECTS
            count = min(left, rng.choice((2, 2, 3) if core else (1, 1, 2, 3)))
            counts[(stage, subject)] = count
            picked.append((stage, subject, weight))
            left -= count
        # Every subject asked for and still short: raise counts, up to 3 each.
        while left > 0:
            room = [(st, sub, w) for st, sub, w in picked if counts[(st, sub)] < _MAX_COUNT]
            if not room:
                break
            stage, subject, _ = room[
                rng.choices(range(len(room)), weights=[w for *_, w in room])[0]
            ]
            counts[(stage, subject)] += 1
            left -= 1
        for stage, subject in sorted(counts, key=order.__getitem__):
            out.append(
                Need(
                    school.school_id,
                    year,
                    subject,
                    counts[(stage, subject)],
                    stage,
                    _priority(rng, subject),
                )
            )
    return out


def core_keep_of(
    school_id: str,
    roster: Sequence[Staff],
    years: Sequence[int],
    away: AbstractSet[tuple[str, int]] = frozenset(),
) -> list[CoreKeep]:
    """CORE-KEEP rows for a core school: of each kept subject, the share
    :data:`_CORE_KEEP_SHARE` of the fewest staff at home in any of ``years``
    (not unavailable, nor away: (staff_id, year) in ``away``, e.g. on a
    locked exchange)."""
    out: list[CoreKeep] = []
    for subject in _CORE_KEEP_SUBJECTS:
        of_subject = [s for s in roster if s.subject == subject]
        fewest = min(
            sum(1 for s in of_subject if y not in s.unavailable and (s.staff_id, y) not in away)
            for y in years
        )
        out.append(CoreKeep(school_id, subject, int(fewest * _CORE_KEEP_SHARE)))
    return out


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
