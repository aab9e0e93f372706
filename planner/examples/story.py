"""A worked three-year replanning story (synthetic example data).

Two small education groups plan their rotations in 2022 for 2022-2025:

* 2022: the first plan.
* 2023: the data change: staff member ``A0-003`` has left the school,
  ``A0-010`` will be away (study leave) in 2024, and the alliance member
  ``A2`` leaves group A from 2024 (纳新与退出).
* 2024: a new fusion member ``B3`` joins group B in 2024 and states needs.

``scenarios/build_story.py`` writes the three workbooks; the tests replan
through them and check each plan and each set of changes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

from planner.data import Group, Need, Position, Role, Scenario, School, Staff, Stage
from planner.enums import Honor
from planner.policy import Policy

FIRST_YEAR = 2022
HORIZON = 4
SEED = 7
SUBJECTS = {
    Stage.JUNIOR: ("语文", "数学", "英语", "物理"),
    Stage.PRIMARY: ("语文", "数学", "英语", "科学"),
}
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明")
LEAVER = "A0-003"
STUDY_LEAVE = "A0-010"
LEAVING_MEMBER = "A2"
JOINING_MEMBER = "B3"


def _staff(rng: random.Random, school_id: str, stage: Stage, count: int) -> list[Staff]:
    people = []
    for i in range(1, count + 1):
        position = Position.MIDDLE if i in (1, 2, 3) else Position.TEACHER
        people.append(
            Staff(
                staff_id=f"{school_id}-{i:03d}",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                school_id=school_id,
                subject=SUBJECTS[stage][i % len(SUBJECTS[stage])],
                stage=stage,
                birth_date=dt.date(rng.randint(1978, 1996), rng.randint(1, 12), rng.randint(1, 28)),
                position=position,
                honor=rng.choice([Honor.DISTRICT, Honor.CITY, Honor.SCHOOL, Honor.DISTRICT]),
                level_ok=rng.random() < 0.8,
                volunteer=rng.random() < 0.3,
                needs_experience=rng.random() < 0.3,
            )
        )
    return people


def story_2022() -> Scenario:
    """The first year's scenario."""
    rng = random.Random(SEED)
    groups = [Group("GA", "甲教育集团", FIRST_YEAR), Group("GB", "乙教育集团", FIRST_YEAR)]
    schools = [
        School("A0", "甲核心校", "GA", Role.CORE, Stage.JUNIOR),
        School("A1", "甲融合校", "GA", Role.FUSION, Stage.JUNIOR, capacity=12),
        School("A2", "甲联合校", "GA", Role.ALLIANCE, Stage.JUNIOR, capacity=4),
        School("B0", "乙核心校", "GB", Role.CORE, Stage.PRIMARY),
        School("B1", "乙融合一校", "GB", Role.FUSION, Stage.PRIMARY, capacity=4),
        School("B2", "乙融合二校", "GB", Role.FUSION, Stage.PRIMARY, capacity=4),
    ]
    staff = _staff(rng, "A0", Stage.JUNIOR, 40) + _staff(rng, "B0", Stage.PRIMARY, 30)
    needs = []
    for school in schools:
        if school.role is Role.CORE:
            continue
        for year in range(FIRST_YEAR, FIRST_YEAR + HORIZON):
            for subject in SUBJECTS[school.stage][:3]:
                needs.append(
                    Need(
                        school.school_id,
                        year,
                        subject,
                        rng.randint(1, 2),
                        priority=Decimal(rng.choice([1, 2, 3])),
                    )
                )
    return Scenario(
        name="三年轮岗示例 2022 (示例数据)",
        first_year=FIRST_YEAR,
        horizon=HORIZON,
        policy=Policy(),
        groups=groups,
        schools=schools,
        staff=staff,
        needs=needs,
    )


def story_2023() -> Scenario:
    """2023: one departure, one study leave in 2024, A2 leaves group A from 2024."""
    base = story_2022()
    staff = [
        replace(p, unavailable=frozenset({2024})) if p.staff_id == STUDY_LEAVE else p
        for p in base.staff
        if p.staff_id != LEAVER
    ]
    schools = [
        replace(s, left_year=2024) if s.school_id == LEAVING_MEMBER else s for s in base.schools
    ]
    needs = [n for n in base.needs if not (n.school_id == LEAVING_MEMBER and n.year >= 2024)]
    return replace(
        base, name="三年轮岗示例 2023 (示例数据)", staff=staff, schools=schools, needs=needs
    )


def story_2024() -> Scenario:
    """2024: B3 joins group B in 2024 with needs of its own."""
    base = story_2023()
    joining = School(
        JOINING_MEMBER, "乙新成员校", "GB", Role.FUSION, Stage.PRIMARY, capacity=3, joined_year=2024
    )
    needs = base.needs + [
        Need(JOINING_MEMBER, year, subject, 1, priority=Decimal(3))
        for year in (2024, 2025)
        for subject in ("语文", "数学")
    ]
    return replace(
        base, name="三年轮岗示例 2024 (示例数据)", schools=[*base.schools, joining], needs=needs
    )


STORY = {2022: story_2022, 2023: story_2023, 2024: story_2024}
