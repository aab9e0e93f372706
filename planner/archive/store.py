"""The plan archive's Python API: :class:`Archive`.

    from planner.archive import Archive

    archive = Archive()                      # --db / $PLANNER_DB / per-user SQLite
    sid = archive.store_scenario(Path("story-2022.xlsx").read_bytes())
    pid = archive.store_plan(sid, api.plan_document(outcome), {"time_limit": 60})
    archive.publish(pid, by="王老师", note="2022 学年方案")
    archive.published_plan_for(2023)         # the district's plan covering 2023
    archive.ledger()                          # per person and school year

Every method is one transaction. Publishing is optimistic: a plan records the
publication version it was made against (``based_on_version``: the newest
one when it was stored, unless told); :meth:`Archive.publish` locks the
archive's head, and if someone published since, raises :class:`Superseded`
("superseded, reload") instead of silently replacing their publication.

The parts it is made of: :mod:`~planner.archive.documents` (plan documents
and workbooks), :mod:`~planner.archive.records` (the info types and shared
lookups), :mod:`~planner.archive.ledger` (the derived ledger) and
:mod:`~planner.archive.transfer` (export and import).
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from planner.archive.db import display_url, make_engine, resolve_url
from planner.archive.db import upgrade as upgrade_schema
from planner.archive.documents import (
    exchange_list,
    json_safe,
    plan_of_document,
    read_workbook,
)
from planner.archive.errors import (
    ArchiveUnavailable,
    BadInput,
    NotFound,
    NotPublishable,
    PublishedImmutable,
    Superseded,
)
from planner.archive.ledger import LedgerEntry, read_ledger, rebuild_ledger
from planner.archive.models import DRAFT, PUBLISHED, PlanRow, PublicationRow, ScenarioRow
from planner.archive.records import (
    PlanInfo,
    PublicationInfo,
    Published,
    ScenarioInfo,
    head_row,
    now,
    plan_info,
    plan_row,
    planner_version,
    publication_info,
    publications,
    scenario_info,
    scenario_row,
    utc,
)
from planner.archive.transfer import EXPORT_FORMAT, export_archive, import_archive

__all__ = [
    "EXPORT_FORMAT",
    "Archive",
    "PlanInfo",
    "PublicationInfo",
    "Published",
    "ScenarioInfo",
    "plan_of_document",
]

PUBLISHABLE = ("optimal", "feasible")

# The name planner.cli.archive imports.
_json_safe = json_safe


class Archive:
    """Drafts, published plans and the exchange ledger in one database.

    ``url``: an SQLAlchemy URL or an SQLite file path; None means
    ``$PLANNER_DB`` or the per-user default (:func:`planner.archive.db.resolve_url`).
    The schema is brought to the newest revision on opening (``upgrade``).
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *, upgrade: bool = True):
        self.url = resolve_url(url)
        if upgrade:
            upgrade_schema(self.url)
        self.engine = make_engine(self.url)
        self._writer = self.engine.execution_options(write=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({display_url(self.url)!r})"

    # -- transactions --------------------------------------------------------

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error."""
        try:
            with Session(self._writer if write else self.engine) as session, session.begin():
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise ArchiveUnavailable(
                url=display_url(self.url), detail=str(exc.orig).strip()
            ) from None

    # -- scenarios -----------------------------------------------------------

    def store_scenario(
        self, data: bytes, name: str | None = None, *, file_name: str | None = None
    ) -> int:
        """Store a scenario workbook (its bytes) once; the id of it, new or already there.

        ``name`` overrides the name in the workbook's settings sheet.
        """
        digest = hashlib.sha256(data).hexdigest()
        with self._session() as session:
            found = session.scalar(select(ScenarioRow.id).where(ScenarioRow.sha256 == digest))
        if found is not None:
            return found
        facts = read_workbook(data, file_name or name or "workbook")
        for attempt in range(2):
            try:
                with self._session(write=True) as session:
                    found = session.scalar(
                        select(ScenarioRow.id).where(ScenarioRow.sha256 == digest)
                    )
                    if found is not None:
                        return found
                    row = scenario_row(data, digest, facts, name, file_name)
                    session.add(row)
                    session.flush()
                    return row.id
            except IntegrityError:  # stored by someone else at the same moment
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def scenarios(self) -> list[ScenarioInfo]:
        """Every stored scenario (without its workbook), newest first."""
        with self._session() as session:
            rows = session.execute(
                select(
                    ScenarioRow.id,
                    ScenarioRow.name,
                    ScenarioRow.file_name,
                    ScenarioRow.first_year,
                    ScenarioRow.last_year,
                    ScenarioRow.sha256,
                    ScenarioRow.stored_at,
                ).order_by(ScenarioRow.stored_at.desc(), ScenarioRow.id.desc())
            ).all()
            return [scenario_info(r) for r in rows]

    def scenario_workbook(self, scenario_id: int) -> bytes:
        """The stored workbook, byte for byte."""
        with self._session() as session:
            row = session.get(ScenarioRow, scenario_id)
            if row is None:
                raise NotFound("no_scenario", id=scenario_id)
            return bytes(row.workbook)

    # -- plans ---------------------------------------------------------------

    def store_plan(
        self,
        scenario_id: int,
        document: Mapping[str, Any],
        settings: Mapping[str, Any] | None = None,
        *,
        from_year: int | None = None,
        based_on: int | None = None,
    ) -> int:
        """Store a plan document (the contract's JSON form) as a draft; its id.

        ``from_year``: the first school year the plan decides (a replan's
        ``--from-year``; default the scenario's first year); it covers up to
        the scenario's last year. ``based_on``: the publication version the
        plan was made against (default: the newest now).
        """
        exchange_list(document)  # checked; the document is stored as given
        with self._session(write=True) as session:
            scenario = session.get(ScenarioRow, scenario_id)
            if scenario is None:
                raise NotFound("no_scenario", id=scenario_id)
            first = scenario.first_year if from_year is None else from_year
            if not scenario.first_year <= first <= scenario.last_year:
                raise BadInput(
                    "plan_years",
                    from_year=first,
                    first=scenario.first_year,
                    last=scenario.last_year,
                )
            if based_on is None:
                based_on = head_row(session).version
            doc = json_safe(dict(document))
            row = PlanRow(
                scenario_id=scenario_id,
                status=DRAFT,
                solve_status=str(doc["status"]),
                document=doc,
                goals=dict(doc.get("objective") or {}),
                settings=json_safe(dict(settings or {})),
                from_year=first,
                to_year=scenario.last_year,
                planner_version=planner_version(),
                created_at=now(),
                based_on_version=based_on,
            )
            session.add(row)
            session.flush()
            return row.id

    def replace_draft(
        self,
        plan_id: int,
        document: Mapping[str, Any],
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Replace a draft's document (and settings); published plans raise
        :class:`PublishedImmutable`."""
        exchange_list(document)
        with self._session(write=True) as session:
            row = plan_row(session, plan_id, for_update=True)
            if row.status != DRAFT:
                raise PublishedImmutable(id=plan_id)
            doc = json_safe(dict(document))
            row.document = doc
            row.solve_status = str(doc["status"])
            row.goals = dict(doc.get("objective") or {})
            if settings is not None:
                row.settings = json_safe(dict(settings))

    def delete_draft(self, plan_id: int) -> None:
        """Delete a draft; published plans raise :class:`PublishedImmutable`."""
        with self._session(write=True) as session:
            row = plan_row(session, plan_id, for_update=True)
            if row.status != DRAFT:
                raise PublishedImmutable(id=plan_id)
            session.delete(row)

    def plan_document(self, plan_id: int) -> dict[str, Any]:
        """A stored plan's JSON document (a copy)."""
        with self._session() as session:
            return copy.deepcopy(plan_row(session, plan_id).document)

    def plans(self) -> list[PlanInfo]:
        """Every plan, drafts and published, newest first."""
        with self._session() as session:
            names = dict(session.execute(select(ScenarioRow.id, ScenarioRow.name)).all())
            versions: dict[int, list[int]] = {}
            for plan_id, version in session.execute(
                select(PublicationRow.plan_id, PublicationRow.version).order_by(
                    PublicationRow.version
                )
            ):
                versions.setdefault(plan_id, []).append(version)
            rows = session.scalars(
                select(PlanRow).order_by(PlanRow.created_at.desc(), PlanRow.id.desc())
            ).all()
            return [
                plan_info(r, names.get(r.scenario_id, ""), versions.get(r.id, ())) for r in rows
            ]

    # -- publishing ----------------------------------------------------------

    def head(self) -> int:
        """The newest publication version (0: nothing published yet)."""
        with self._session() as session:
            return head_row(session).version

    def publish(
        self, plan_id: int, by: str, note: str = "", expected_head: int | None = None
    ) -> PublicationInfo:
        """Publish a plan as the district's plan for its years: a new version.

        ``expected_head``: the version the publisher means to supersede
        (default: the one the plan was made against). If the archive's head
        has moved on, :class:`Superseded` is raised and nothing is written.
        A published plan stays as it is; publishing again adds a version.
        """
        try:
            with self._session(write=True) as session:
                head = head_row(session, lock=True)
                plan = plan_row(session, plan_id)
                if plan.solve_status not in PUBLISHABLE:
                    raise NotPublishable(id=plan_id, status=plan.solve_status)
                previous = session.scalar(
                    select(PublicationRow).where(PublicationRow.version == head.version)
                )
                expected = plan.based_on_version if expected_head is None else expected_head
                if expected is not None and expected != head.version:
                    raise Superseded(
                        id=plan_id,
                        expected=expected,
                        head=head.version,
                        by=previous.published_by if previous else "?",
                        at=utc(previous.published_at).isoformat(timespec="seconds")
                        if previous
                        else "?",
                    )
                row = PublicationRow(
                    version=head.version + 1,
                    plan_id=plan.id,
                    from_year=plan.from_year,
                    to_year=plan.to_year,
                    published_by=by,
                    published_at=now(),
                    note=note,
                    supersedes_id=previous.id if previous else None,
                )
                session.add(row)
                head.version += 1
                if plan.status == DRAFT:
                    plan.status = PUBLISHED
                session.flush()
                rebuild_ledger(session)
                return publication_info(row, previous.version if previous else None)
        except IntegrityError as exc:  # a second publisher of the same version
            raise Superseded(
                id=plan_id, expected=expected_head or "?", head="?", by="?", at=str(exc.orig)
            ) from None

    def publications(self) -> list[PublicationInfo]:
        """Every publication, newest first."""
        with self._session() as session:
            return publications(session)[::-1]

    def published_for(self, year: int) -> Published:
        """The district's plan covering ``year``: the newest publication whose
        years include it. Raises :class:`NotFound` naming the years covered."""
        with self._session() as session:
            pubs = publications(session)
            covering = [p for p in pubs if p.from_year <= year <= p.to_year]
            if not covering:
                covered = ", ".join(f"v{p.version}: {p.from_year}-{p.to_year}" for p in pubs) or (
                    "nothing published yet"
                )
                raise NotFound("no_publication", year=year, covered=covered)
            pub = covering[-1]
            document = copy.deepcopy(plan_row(session, pub.plan_id).document)
            return Published(pub, document, head_row(session).version)

    def published_plan_for(self, year: int) -> dict[str, Any]:
        """The plan JSON document of the district's plan covering ``year``."""
        return self.published_for(year).document

    # -- ledger --------------------------------------------------------------

    def ledger(self, until: int | None = None) -> list[LedgerEntry]:
        """The ledger rows (person, school year), up to ``until`` if given."""
        with self._session() as session:
            return read_ledger(session, until)

    # -- export and import (planner.archive.transfer) ------------------------

    def export_all(self, directory: str | os.PathLike[str]) -> Path:
        """Write every scenario (.xlsx, byte for byte) and every plan (.json)
        with a ``manifest.json`` to a new or empty ``directory``; its manifest.

        Written into a temporary folder beside it and renamed into place, so
        a failed export leaves no half-written directory.
        """
        return export_archive(self._session, directory)

    def import_all(self, directory: str | os.PathLike[str]) -> dict[str, int]:
        """Restore an export into this (empty) archive, ids and versions kept;
        counts of what was restored. Every file is checked against the manifest
        before anything is written; the import is one transaction."""
        return import_archive(self._session, self.url, directory)
