"""COVER recomputed: what the plan gives each need row.

A need row counts priority x min(count, staff serving at that school in that
year with that subject and a stage that teaches the need's stage); a blank
stage is the school's, and a nine-year school's need is met by primary and
junior staff alike.
"""

from __future__ import annotations

from collections import defaultdict

from planner.audit.context import AuditContext
from planner.enums import Stage
from planner.results import NeedCoverage


def _stages(ctx: AuditContext, stage: Stage | None, school_id: str) -> frozenset[Stage]:
    """The staff stages that cover a need of ``stage`` at ``school_id``."""
    if stage is None:
        school = ctx.schools.get(school_id)
        stage = school.stage if school is not None else None
    if stage is None:
        return frozenset()
    if stage is Stage.NINE_YEAR:
        return frozenset({Stage.PRIMARY, Stage.JUNIOR})
    return frozenset({stage})


def coverage(ctx: AuditContext) -> list[NeedCoverage]:
    """Every need row of the scenario, in order, with the staff covering it."""
    # (school, year, subject) -> staff serving there then, by stage
    serving: dict[tuple[str, int, str], dict[str, Stage]] = defaultdict(dict)
    for (school_id, year), hosted in ctx.hosted.items():
        for staff_id in hosted:
            person = ctx.staff.get(staff_id)
            if person is not None:
                serving[(school_id, year, person.subject)][staff_id] = person.stage
    out: list[NeedCoverage] = []
    for index, need in enumerate(ctx.scenario.all_needs):
        stages = _stages(ctx, need.stage, need.school_id)
        there = serving.get((need.school_id, need.year, need.subject), {})
        ids = tuple(sorted(sid for sid, st in there.items() if st in stages))
        covered = min(need.count, len(ids))
        out.append(NeedCoverage(index, need, ids, covered, need.priority * covered))
    return out
