"""One generated group: its core school and members, the core's roster,
commitments under way, and the member places (capacities) that admit
everyone the quotas send. Used by :mod:`planner.examples.generate`; every
random draw comes from the caller's ``random.Random`` in a fixed order."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from planner.data import Commitment, Group, Position, Role, Staff, Stage
from planner.examples.naming import Namer
from planner.examples.presets import Preset
from planner.examples.rosters import (
    SchoolRow,
    can_start,
    staff_of_core,
    with_enough_starters,
)
from planner.model import domain
from planner.model.constraints import required_count
from planner.policy import Policy

__all__ = ["GroupPlan", "cadre_quota", "capacities", "make_group", "teacher_quota"]

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


def _weighted(rng: random.Random, items: Sequence[tuple[Stage, float]]) -> Stage:
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def teacher_quota(policy: Policy, founded: int, year: int, headcount: int) -> int:
    """TEACHER-QUOTA of a horizon year: ceil(ratio x headcount)."""
    if year < founded:
        return 0
    ratio = policy.ratio_first_year if year == founded else policy.ratio_later_years
    return required_count(ratio, headcount)


def cadre_quota(policy: Policy, founded: int, year: int) -> int:
    if year < founded:
        return 0
    return policy.cadre_min_first_year if year == founded else policy.cadre_min_later_years


def _free(person: Staff, years: range, busy: set[tuple[str, int]]) -> bool:
    """Available and not on another exchange in any of ``years``."""
    return domain.available(person, years) and not any((person.staff_id, y) in busy for y in years)


@dataclass
class GroupPlan:
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


def make_group(
    rng: random.Random,
    namer: Namer,
    shape: Preset,
    policy: Policy,
    index: int,
    staff_range: tuple[int, int],
    years: range,
) -> GroupPlan:
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
    plan = GroupPlan(group, core, members, joined, left, roster, [])
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
    rng: random.Random, shape: Preset, policy: Policy, plan: GroupPlan, years: range
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
        send(year, teacher_quota(policy, founded, year, headcount), terms, weights)
    if founded == first_year:
        decided = math.floor(
            teacher_quota(policy, founded, first_year, headcount) * shape.decided_share
        )
        short = [t for t in _DECIDED_TERMS if t in domain.term(policy)] or terms[:1]
        send(first_year, decided, short, [1.0] * len(short))
    return out


def _forced_away(policy: Policy, plan: GroupPlan, year: int, years: range) -> int:
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
            new += max(teacher_quota(policy, founded, y, headcount) - started, 0)
    return locked + new


def capacities(
    rng: random.Random, shape: Preset, policy: Policy, plan: GroupPlan, years: range
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
