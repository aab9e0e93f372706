"""Tiny scenarios for tests, and a hand-worked audit report.

``make_scenario()`` is one group G1 founded 2022 with core school C1, fusion
member M1 and alliance member M2 (all junior), four staff at C1 and two
needs, planned from 2022 over 3 years, under the Taishan default policy.
Every field of the scenario can be overridden by keyword; ``staff()``,
``school()``, ``group()`` and ``need()`` build single items with defaults.

``two_group_scenario()`` is a wider world for the audit: group G1 (core C1,
fusion M1, alliance M2 of primary stage, nine-year fusion N1) and group G2
(core C2, fusion P1), two eligible staff at C1, no needs, and a policy
without quotas (``quiet_policy()``) so a test sees only its own rule.

``hand_report()`` computes COVER of rules.md by hand, for tests of the
reports that want an audit report without running the audit.

pytest puts ``tests/`` on ``sys.path``, so test modules import these with
``from conftest import make_scenario, staff, ...``.

Language: tests run in English (messages, and ``--help`` texts, which are
translated when planner.cli is imported, so PLANNER_LANG is set before any
test module imports it); a test marked ``@pytest.mark.zh`` runs in Chinese.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

os.environ["PLANNER_LANG"] = "en"  # before planner.cli is imported: English --help in tests

import pytest

from planner.data import Group, Need, Plan, Scenario, School, Staff
from planner.enums import Honor, Position, Role, Stage
from planner.i18n import use_language
from planner.model.levels import Task
from planner.model.params import SolveParams
from planner.policy import Policy
from planner.results import AuditReport, NeedCoverage, RuleCheck

FIRST = 2022


@pytest.fixture(autouse=True)
def _language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """English for every test, Chinese for one marked ``@pytest.mark.zh``."""
    lang = "zh" if request.node.get_closest_marker("zh") else "en"
    monkeypatch.setenv("PLANNER_LANG", lang)
    with use_language(lang):
        yield


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
    """A group founded in 2022, named 集团<id>."""
    values: dict[str, Any] = {"group_id": group_id, "name": f"集团{group_id}", "founded_year": 2022}
    values.update(overrides)
    return Group(**values)


def need(school_id: str = "M1", year: int = 2022, subject: str = "数学", **overrides: Any) -> Need:
    """One maths teacher needed at M1 in 2022, priority 1, the school's stage."""
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
        "first_year": FIRST,
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


def quiet_policy(**overrides: Any) -> Policy:
    """The default policy without quotas (so a test sees only its own rule)."""
    values: dict[str, Any] = {
        "ratio_first_year": Decimal(0),
        "ratio_later_years": Decimal(0),
        "cadre_min_first_year": 0,
        "cadre_min_later_years": 0,
    }
    values.update(overrides)
    return Policy(**values)


def two_group_schools(**overrides: dict[str, Any]) -> list[School]:
    """C1, M1, M2 (primary), N1 (nine-year) of G1; C2, P1 of G2; ``overrides`` by school id."""
    base = [
        school("C1", Role.CORE, name="核心校"),
        school("M1", Role.FUSION, name="融合校"),
        school("M2", Role.ALLIANCE, name="联合校", stage=Stage.PRIMARY),
        school("N1", Role.FUSION, name="九年制", stage=Stage.NINE_YEAR),
        school("C2", Role.CORE, name="另一核心校", group_id="G2"),
        school("P1", Role.FUSION, name="另一成员校", group_id="G2"),
    ]
    return [replace(s, **overrides.get(s.school_id, {})) for s in base]


def two_group_scenario(
    people: list[Staff] | None = None,
    *,
    policy: Policy | None = None,
    horizon: int = 3,
    first_year: int = FIRST,
    founded: int = FIRST,
    school_overrides: dict[str, dict[str, Any]] | None = None,
    **overrides: Any,
) -> Scenario:
    """The two-group world above; keyword arguments replace Scenario fields."""
    values: dict[str, Any] = {
        "name": "test",
        "first_year": first_year,
        "horizon": horizon,
        "policy": policy or quiet_policy(),
        "groups": [group("G1", founded_year=founded), group("G2", founded_year=founded)],
        "schools": two_group_schools(**(school_overrides or {})),
        "staff": people if people is not None else [staff("S1"), staff("S2")],
        "needs": [],
    }
    values.update(overrides)
    return Scenario(**values)


def hand_report(scenario: Scenario, plan: Plan, checks: Iterable[RuleCheck] = ()) -> AuditReport:
    """COVER of rules.md computed by hand: priority x min(count, serving)."""
    covs = []
    for i, n in enumerate(scenario.needs):
        stages = scenario.need_stages(n)
        serving = tuple(
            sorted(
                e.staff_id
                for e in plan.exchanges
                if e.school_id == n.school_id
                and e.covers(n.year)
                and scenario.staff_by_id[e.staff_id].subject == n.subject
                and scenario.staff_by_id[e.staff_id].stage in stages
            )
        )
        covered = min(n.count, len(serving))
        covs.append(NeedCoverage(i, n, serving, covered, n.priority * covered))
    return AuditReport([], list(checks), covs)


def task_of(scenario: Scenario, levels: tuple[str, ...], **fields: Any) -> Task:
    """A task of ``levels`` on ``scenario`` alone, 60 s from now; ``fields``
    replace any other of its fields."""
    now = time.time()
    task = Task(
        index=0,
        scenario=scenario,
        params=SolveParams(),
        label="",
        fixed=(),
        levels=levels,
        hint=(),
        budget=60.0,
        deadline=now + 60,
        origin=now,
    )
    return replace(task, **fields)
