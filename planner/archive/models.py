"""The archive's tables (SQLAlchemy 2 declarative models, schema at head).

The schema itself is made and changed only by the Alembic revisions in
``planner/archive/migrations``; these models describe the head revision.

* ``scenarios``: each uploaded workbook once (by SHA-256), with what the
  archive reads from it: name, school years, staff names, history sheet.
* ``plans``: the contract's plan JSON, ``draft`` or ``published``, its goal
  values, the solver settings, the planner version and the publication
  version it was made against (``based_on_version``, for the optimistic
  check when it is published).
* ``publications``: which plan is the district's plan for which school
  years, by whom, when, with what note, superseding which publication;
  ``version`` counts 1, 2, 3, ... and ``archive_head`` holds the newest.
  Rows are never changed: publishing again adds a row.
* ``ledger``: one row per person and school year on exchange, derived from
  the published plans and the history sheets of their scenarios.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "HeadRow", "LedgerRow", "PlanRow", "PublicationRow", "ScenarioRow"]

DRAFT = "draft"
PUBLISHED = "published"


class Base(DeclarativeBase):
    pass


class ScenarioRow(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(400))
    file_name: Mapped[str | None] = mapped_column(String(400))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    workbook: Mapped[bytes] = mapped_column(LargeBinary)
    staff_names: Mapped[dict[str, Any]] = mapped_column(JSON)
    history: Mapped[list[Any]] = mapped_column(JSON)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    status: Mapped[str] = mapped_column(String(16))
    solve_status: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    goals: Mapped[dict[str, Any]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    from_year: Mapped[int] = mapped_column(Integer)
    to_year: Mapped[int] = mapped_column(Integer)
    planner_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    based_on_version: Mapped[int | None] = mapped_column(Integer)


class PublicationRow(Base):
    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    from_year: Mapped[int] = mapped_column(Integer)
    to_year: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))


class HeadRow(Base):
    """One row (id 1): the newest publication version, locked by publishers."""

    __tablename__ = "archive_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class LedgerRow(Base):
    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("staff_id", "school_year", name="uq_ledger_person_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(100))
    staff_name: Mapped[str] = mapped_column(String(200))
    school_year: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16))  # "history" or "plan"
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"))
