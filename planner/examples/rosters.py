"""The building blocks of synthetic scenarios, shared by the built-in
Taishan scenario (:mod:`planner.examples.synthetic`) and the generator
(:mod:`planner.examples.generate`): a core school's staff (subjects by stage,
ages, honours, positions, volunteers, preferences, years away), member-school
needs, CORE-KEEP rows, and enough staff who can start for the quotas.

Every random draw comes from the caller's ``random.Random`` in a fixed order,
so the same seed gives the same rows. No real people are described.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from decimal import Decimal

from planner.data import CoreKeep, Honor, MutualMove, Need, Position, Role, Staff, Stage
from planner.model import domain
from planner.policy import Policy

__all__ = [
    "SchoolRow",
    "can_start",
    "core_keep_of",
    "mutual_moves_of",
    "needs_of_member",
    "staff_of_core",
    "subjects_of",
    "with_enough_starters",
]


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


def mutual_moves_of(
    rng: random.Random, core: SchoolRow, members: Sequence[SchoolRow], first_year: int
) -> list[MutualMove]:
    """Example mutual moves (互派) of a group: from each of its first two
    members one teacher of a CORE-KEEP subject to the core school, the first
    for two years from ``first_year`` (the member needs cover), the second for
    three years from the year after (no cover needed)."""
    out: list[MutualMove] = []
    plans = (
        (first_year, 2, _CORE_KEEP_SUBJECTS[1], True),
        (first_year + 1, 3, _CORE_KEEP_SUBJECTS[0], False),
    )
    for member, (start, term, subject, cover) in zip(members, plans, strict=False):
        wanted = core.stage if core.stage is not Stage.NINE_YEAR else Stage.PRIMARY
        teaches = member.stage.teaches()
        stage = wanted if wanted in teaches else min(teaches)
        out.append(
            MutualMove(
                staff_id=f"{member.school_id}-H{len(out) + 1:02d}",
                name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                from_school=member.school_id,
                to_school=core.school_id,
                subject=subject,
                stage=stage,
                start_year=start,
                end_year=start + term - 1,
                needs_cover=cover,
            )
        )
    return out
