"""Small valid scenarios for tests.

``make_scenario()`` is one group G1 founded 2022 with core school C1, fusion
member M1 and alliance member M2 (all junior), four staff at C1 and two
needs, planned from 2022 over 3 years, under the Taishan default policy.
Every field of the scenario can be overridden by keyword; ``staff()``,
``school()``, ``group()`` and ``need()`` build single items with defaults.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from planner.data import Group, Need, Scenario, School, Staff
from planner.enums import Honor, Position, Role, Stage
from planner.policy import Policy


def staff(staff_id: str = "S1", **overrides: Any) -> Staff:
    """A junior maths teacher at C1, born 1985-03-01, eligible (district honor, level ok)."""
    values: dict[str, Any] = {
        "staff_id": staff_id,
        "name": f"教师{staff_id}",
        "school_id": "C1",
        "subject": "数学",
        "stage": Stage.JUNIOR,
        "birth_date": dt.date(1985, 3, 1),
        "position": Position.TEACHER,
        "honor": Honor.DISTRICT,
        "level_ok": True,
    }
    values.update(overrides)
    return Staff(**values)


def school(school_id: str = "M1", role: Role = Role.FUSION, **overrides: Any) -> School:
    """A junior school of group G1 (a fusion member unless ``role`` says otherwise)."""
    values: dict[str, Any] = {
        "school_id": school_id,
        "name": f"学校{school_id}",
        "group_id": "G1",
        "role": role,
        "stage": Stage.JUNIOR,
    }
    values.update(overrides)
    return School(**values)


def group(group_id: str = "G1", **overrides: Any) -> Group:
    values: dict[str, Any] = {"group_id": group_id, "name": f"集团{group_id}", "founded_year": 2022}
    values.update(overrides)
    return Group(**values)


def need(school_id: str = "M1", year: int = 2022, subject: str = "数学", **overrides: Any) -> Need:
    values: dict[str, Any] = {
        "school_id": school_id,
        "year": year,
        "subject": subject,
        "count": 1,
        "stage": None,
        "priority": Decimal(1),
    }
    values.update(overrides)
    return Need(**values)


def make_scenario(**overrides: Any) -> Scenario:
    """The small valid world above; keyword arguments replace Scenario fields."""
    values: dict[str, Any] = {
        "name": "tiny",
        "first_year": 2022,
        "horizon": 3,
        "policy": Policy(),
        "groups": [group("G1")],
        "schools": [
            school("C1", Role.CORE, name="核心校"),
            school("M1", Role.FUSION, name="融合校"),
            school("M2", Role.ALLIANCE, name="联合校"),
        ],
        "staff": [
            staff("S1"),
            staff("S2", subject="语文", position=Position.MIDDLE, honor=Honor.CITY),
            staff("S3", position=Position.SENIOR, volunteer=True, preferred_school="M2"),
            staff("S4", subject="英语", honor=Honor.SCHOOL, level_ok=False),
        ],
        "needs": [need("M1", 2022, "数学"), need("M2", 2023, "语文", count=2)],
    }
    values.update(overrides)
    return Scenario(**values)
