"""The archive's rows as the Python API hands them out, and the lookups
every transaction shares.

* :class:`ScenarioInfo`, :class:`PlanInfo`, :class:`PublicationInfo`,
  :class:`Published` — read-only views of the rows (times in UTC);
* :func:`head_row`, :func:`plan_row`, :func:`publications` — lookups inside
  an open session; :func:`scenario_row` builds a new scenario row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.archive.documents import WorkbookFacts, plan_of_document
from planner.archive.errors import NotFound
from planner.archive.models import HeadRow, PlanRow, PublicationRow, ScenarioRow
from planner.data import Plan

__all__ = [
    "PlanInfo",
    "PublicationInfo",
    "Published",
    "ScenarioInfo",
    "head_row",
    "now",
    "plan_info",
    "plan_row",
    "planner_version",
    "publication_info",
    "publications",
    "scenario_info",
    "scenario_row",
    "utc",
]


def utc(value: dt.datetime) -> dt.datetime:
    """``value`` with its time zone (SQLite gives none back: UTC is stored)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def planner_version() -> str:
    try:
        return metadata.version("teacher-rotation-planner")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class ScenarioInfo:
    """A stored scenario workbook (without its bytes)."""

    id: int
    name: str
    file_name: str | None
    first_year: int
    last_year: int
    sha256: str
    stored_at: dt.datetime


@dataclass(frozen=True)
class PublicationInfo:
    version: int
    plan_id: int
    from_year: int
    to_year: int
    published_by: str
    published_at: dt.datetime
    note: str
    supersedes_version: int | None


@dataclass(frozen=True)
class PlanInfo:
    id: int
    scenario_id: int
    scenario_name: str
    status: str  # "draft" or "published"
    solve_status: str  # the document's status: optimal, feasible, ...
    goals: dict[str, Any]
    settings: dict[str, Any]
    from_year: int
    to_year: int
    planner_version: str
    created_at: dt.datetime
    based_on_version: int | None
    versions: tuple[int, ...]  # publications of this plan, oldest first


@dataclass(frozen=True)
class Published:
    """The district's plan for a year, and the archive's head when it was read."""

    publication: PublicationInfo
    document: dict[str, Any]
    head: int

    @property
    def plan(self) -> Plan:
        return plan_of_document(self.document)


def scenario_row(
    data: bytes,
    digest: str,
    facts: WorkbookFacts,
    name: str | None,
    file_name: str | None,
    stored_at: dt.datetime | None = None,
) -> ScenarioRow:
    """A new scenario row for a workbook's bytes and what was read of it."""
    return ScenarioRow(
        sha256=digest,
        name=name or facts.name,
        file_name=file_name,
        first_year=facts.first_year,
        last_year=facts.last_year,
        workbook=data,
        staff_names=facts.staff_names,
        history=facts.history,
        stored_at=stored_at or now(),
    )


def scenario_info(row: Any) -> ScenarioInfo:
    """The info of a scenario row (or a selected row with the same columns)."""
    return ScenarioInfo(
        id=row.id,
        name=row.name,
        file_name=row.file_name,
        first_year=row.first_year,
        last_year=row.last_year,
        sha256=row.sha256,
        stored_at=utc(row.stored_at),
    )


def plan_info(row: PlanRow, scenario_name: str, versions: Sequence[int]) -> PlanInfo:
    return PlanInfo(
        id=row.id,
        scenario_id=row.scenario_id,
        scenario_name=scenario_name,
        status=row.status,
        solve_status=row.solve_status,
        goals=dict(row.goals),
        settings=dict(row.settings),
        from_year=row.from_year,
        to_year=row.to_year,
        planner_version=row.planner_version,
        created_at=utc(row.created_at),
        based_on_version=row.based_on_version,
        versions=tuple(versions),
    )


def plan_row(session: Session, plan_id: int, for_update: bool = False) -> PlanRow:
    """The plan row ``plan_id``; :class:`NotFound` if there is none."""
    query = select(PlanRow).where(PlanRow.id == plan_id)
    if for_update:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFound("no_plan", id=plan_id)
    return row


def head_row(session: Session, lock: bool = False) -> HeadRow:
    """The archive's head (the newest publication version), locked if asked."""
    query = select(HeadRow).where(HeadRow.id == 1)
    if lock:
        query = query.with_for_update()
    head = session.scalar(query)
    assert head is not None, "archive_head row missing (made by migration 0002)"
    return head


def publication_info(row: PublicationRow, supersedes: int | None) -> PublicationInfo:
    return PublicationInfo(
        version=row.version,
        plan_id=row.plan_id,
        from_year=row.from_year,
        to_year=row.to_year,
        published_by=row.published_by,
        published_at=utc(row.published_at),
        note=row.note,
        supersedes_version=supersedes,
    )


def publications(session: Session) -> list[PublicationInfo]:
    """Every publication, oldest first."""
    rows = session.scalars(select(PublicationRow).order_by(PublicationRow.version)).all()
    version_of: Mapping[int, int] = {r.id: r.version for r in rows}
    return [
        publication_info(r, version_of.get(r.supersedes_id) if r.supersedes_id else None)
        for r in rows
    ]
