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
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from planner import api
from planner.archive import db
from planner.archive.errors import (
    ArchiveUnavailable,
    BadExport,
    BadInput,
    NotFound,
    NotPublishable,
    PublishedImmutable,
    Superseded,
)
from planner.archive.ledger import LedgerEntry, PublishedSource, derive_ledger
from planner.archive.models import (
    DRAFT,
    PUBLISHED,
    HeadRow,
    LedgerRow,
    PlanRow,
    PublicationRow,
    ScenarioRow,
)
from planner.data import Exchange, Plan

__all__ = [
    "EXPORT_FORMAT",
    "Archive",
    "PlanInfo",
    "PublicationInfo",
    "Published",
    "plan_of_document",
]

EXPORT_FORMAT = "planner-archive-export"
EXPORT_FORMAT_VERSION = 1
PUBLISHABLE = ("optimal", "feasible")


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


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def planner_version() -> str:
    try:
        return metadata.version("teacher-rotation-planner")
    except metadata.PackageNotFoundError:
        return "unknown"


def _json_safe(value: Any) -> Any:
    """``value`` as plain JSON data (Decimals, dates, enums, paths as text or numbers)."""

    def fallback(obj: Any) -> Any:
        if hasattr(obj, "value") and not callable(obj.value):
            return obj.value
        if isinstance(obj, set | frozenset | tuple):
            return sorted(obj, key=str)
        try:
            as_float = float(obj)
        except (TypeError, ValueError):
            return str(obj)
        return int(as_float) if as_float.is_integer() else as_float

    return json.loads(json.dumps(value, default=fallback, ensure_ascii=False))


def _exchange_list(document: Any) -> list[Exchange]:
    """The exchanges of a contract plan document, checked; BadInput otherwise."""
    if not isinstance(document, Mapping):
        raise BadInput("bad_document", detail=f"a {type(document).__name__}, not an object")
    items = document.get("exchanges")
    if not isinstance(items, list):
        raise BadInput("bad_document", detail="'exchanges' is missing or not a list")
    status = document.get("status")
    if not isinstance(status, str):
        raise BadInput("bad_document", detail="'status' is missing or not text")
    out: list[Exchange] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise BadInput("bad_document", detail=f"exchanges[{i}] is not an object")
        try:
            staff_id, school_id = item["staff_id"], item["school_id"]
            start, end = item["start_year"], item["end_year"]
        except KeyError as exc:
            raise BadInput("bad_document", detail=f"exchanges[{i}] has no {exc.args[0]}") from None
        if not (isinstance(staff_id, str) and staff_id and isinstance(school_id, str)):
            raise BadInput("bad_document", detail=f"exchanges[{i}]: ids must be text")
        if not (type(start) is int and type(end) is int and start <= end):
            raise BadInput(
                "bad_document", detail=f"exchanges[{i}]: years must be whole numbers, start <= end"
            )
        early = item.get("ended_early", False) is True
        reason = item.get("reason", "") if early else ""
        out.append(Exchange(staff_id, school_id, start, end, early, str(reason or "")))
    return out


def plan_of_document(document: Mapping[str, Any]) -> Plan:
    """The :class:`~planner.data.Plan` of a contract plan document."""
    return Plan.of(_exchange_list(document))


@dataclass(frozen=True)
class _WorkbookFacts:
    name: str
    first_year: int
    last_year: int
    staff_names: dict[str, str]
    history: list[list[Any]]


def _read_workbook(data: bytes, label: str) -> _WorkbookFacts:
    """What the archive keeps of a scenario workbook (read by planner.api)."""
    with tempfile.TemporaryDirectory(prefix="planner-archive-") as folder:
        path = Path(folder) / "scenario.xlsx"
        path.write_bytes(data)
        try:
            scenario = api.load_scenario(path)
        except Exception as exc:  # ScenarioError, a broken zip, ...
            detail = str(exc).replace(str(path), label)
            raise BadInput("bad_workbook", what=label, detail=detail) from None
    return _WorkbookFacts(
        name=scenario.name,
        first_year=scenario.years.start,
        last_year=scenario.years.stop - 1,
        staff_names={p.staff_id: p.name for p in scenario.staff},
        history=[[e.staff_id, e.school_id, e.start_year, e.end_year] for e in scenario.history],
    )


class Archive:
    """Drafts, published plans and the exchange ledger in one database.

    ``url``: an SQLAlchemy URL or an SQLite file path; None means
    ``$PLANNER_DB`` or the per-user default (:func:`planner.archive.db.resolve_url`).
    The schema is brought to the newest revision on opening (``upgrade``).
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *, upgrade: bool = True):
        self.url = db.resolve_url(url)
        if upgrade:
            db.upgrade(self.url)
        self.engine = db.make_engine(self.url)
        self._writer = self.engine.execution_options(write=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({db.display_url(self.url)!r})"

    # -- transactions --------------------------------------------------------

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on error."""
        try:
            with Session(self._writer if write else self.engine) as session, session.begin():
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise ArchiveUnavailable(
                url=db.display_url(self.url), detail=str(exc.orig).strip()
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
        facts = _read_workbook(data, file_name or name or "workbook")
        for attempt in range(2):
            try:
                with self._session(write=True) as session:
                    found = session.scalar(
                        select(ScenarioRow.id).where(ScenarioRow.sha256 == digest)
                    )
                    if found is not None:
                        return found
                    row = self._scenario_row(data, digest, facts, name, file_name)
                    session.add(row)
                    session.flush()
                    return row.id
            except IntegrityError:  # stored by someone else at the same moment
                if attempt:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _scenario_row(
        data: bytes,
        digest: str,
        facts: _WorkbookFacts,
        name: str | None,
        file_name: str | None,
        stored_at: dt.datetime | None = None,
    ) -> ScenarioRow:
        return ScenarioRow(
            sha256=digest,
            name=name or facts.name,
            file_name=file_name,
            first_year=facts.first_year,
            last_year=facts.last_year,
            workbook=data,
            staff_names=facts.staff_names,
            history=facts.history,
            stored_at=stored_at or _now(),
        )

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
        exchanges = _exchange_list(document)
        del exchanges  # checked; the document is stored as given
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
                based_on = self._head(session).version
            doc = _json_safe(dict(document))
            row = PlanRow(
                scenario_id=scenario_id,
                status=DRAFT,
                solve_status=str(doc["status"]),
                document=doc,
                goals=dict(doc.get("objective") or {}),
                settings=_json_safe(dict(settings or {})),
                from_year=first,
                to_year=scenario.last_year,
                planner_version=planner_version(),
                created_at=_now(),
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
        _exchange_list(document)
        with self._session(write=True) as session:
            row = self._plan(session, plan_id, for_update=True)
            if row.status != DRAFT:
                raise PublishedImmutable(id=plan_id)
            doc = _json_safe(dict(document))
            row.document = doc
            row.solve_status = str(doc["status"])
            row.goals = dict(doc.get("objective") or {})
            if settings is not None:
                row.settings = _json_safe(dict(settings))

    def delete_draft(self, plan_id: int) -> None:
        """Delete a draft; published plans raise :class:`PublishedImmutable`."""
        with self._session(write=True) as session:
            row = self._plan(session, plan_id, for_update=True)
            if row.status != DRAFT:
                raise PublishedImmutable(id=plan_id)
            session.delete(row)

    def plan_document(self, plan_id: int) -> dict[str, Any]:
        """A stored plan's JSON document (a copy)."""
        with self._session() as session:
            return copy.deepcopy(self._plan(session, plan_id).document)

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
                PlanInfo(
                    id=r.id,
                    scenario_id=r.scenario_id,
                    scenario_name=names.get(r.scenario_id, ""),
                    status=r.status,
                    solve_status=r.solve_status,
                    goals=dict(r.goals),
                    settings=dict(r.settings),
                    from_year=r.from_year,
                    to_year=r.to_year,
                    planner_version=r.planner_version,
                    created_at=_utc(r.created_at),
                    based_on_version=r.based_on_version,
                    versions=tuple(versions.get(r.id, ())),
                )
                for r in rows
            ]

    @staticmethod
    def _plan(session: Session, plan_id: int, for_update: bool = False) -> PlanRow:
        query = select(PlanRow).where(PlanRow.id == plan_id)
        if for_update:
            query = query.with_for_update()
        row = session.scalar(query)
        if row is None:
            raise NotFound("no_plan", id=plan_id)
        return row

    # -- publishing ----------------------------------------------------------

    @staticmethod
    def _head(session: Session, lock: bool = False) -> HeadRow:
        query = select(HeadRow).where(HeadRow.id == 1)
        if lock:
            query = query.with_for_update()
        head = session.scalar(query)
        assert head is not None, "archive_head row missing (made by migration 0002)"
        return head

    def head(self) -> int:
        """The newest publication version (0: nothing published yet)."""
        with self._session() as session:
            return self._head(session).version

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
                head = self._head(session, lock=True)
                plan = self._plan(session, plan_id)
                if plan.solve_status not in PUBLISHABLE:
                    raise NotPublishable(id=plan_id, status=plan.solve_status)
                expected = plan.based_on_version if expected_head is None else expected_head
                if expected is not None and expected != head.version:
                    newest = session.scalar(
                        select(PublicationRow).where(PublicationRow.version == head.version)
                    )
                    raise Superseded(
                        id=plan_id,
                        expected=expected,
                        head=head.version,
                        by=newest.published_by if newest else "?",
                        at=_utc(newest.published_at).isoformat(timespec="seconds")
                        if newest
                        else "?",
                    )
                previous = session.scalar(
                    select(PublicationRow).where(PublicationRow.version == head.version)
                )
                row = PublicationRow(
                    version=head.version + 1,
                    plan_id=plan.id,
                    from_year=plan.from_year,
                    to_year=plan.to_year,
                    published_by=by,
                    published_at=_now(),
                    note=note,
                    supersedes_id=previous.id if previous else None,
                )
                session.add(row)
                head.version += 1
                if plan.status == DRAFT:
                    plan.status = PUBLISHED
                session.flush()
                self._rebuild_ledger(session)
                return self._publication_info(row, previous.version if previous else None)
        except IntegrityError as exc:  # a second publisher of the same version
            raise Superseded(
                id=plan_id, expected=expected_head or "?", head="?", by="?", at=str(exc.orig)
            ) from None

    @staticmethod
    def _publication_info(row: PublicationRow, supersedes: int | None) -> PublicationInfo:
        return PublicationInfo(
            version=row.version,
            plan_id=row.plan_id,
            from_year=row.from_year,
            to_year=row.to_year,
            published_by=row.published_by,
            published_at=_utc(row.published_at),
            note=row.note,
            supersedes_version=supersedes,
        )

    def publications(self) -> list[PublicationInfo]:
        """Every publication, newest first."""
        with self._session() as session:
            return self._publications(session)[::-1]

    def _publications(self, session: Session) -> list[PublicationInfo]:
        rows = session.scalars(select(PublicationRow).order_by(PublicationRow.version)).all()
        version_of = {r.id: r.version for r in rows}
        return [
            self._publication_info(r, version_of.get(r.supersedes_id) if r.supersedes_id else None)
            for r in rows
        ]

    def published_for(self, year: int) -> Published:
        """The district's plan covering ``year``: the newest publication whose
        years include it. Raises :class:`NotFound` naming the years covered."""
        with self._session() as session:
            pubs = self._publications(session)
            covering = [p for p in pubs if p.from_year <= year <= p.to_year]
            if not covering:
                covered = ", ".join(f"v{p.version}: {p.from_year}-{p.to_year}" for p in pubs) or (
                    "nothing published yet"
                )
                raise NotFound("no_publication", year=year, covered=covered)
            pub = covering[-1]
            document = copy.deepcopy(self._plan(session, pub.plan_id).document)
            return Published(pub, document, self._head(session).version)

    def published_plan_for(self, year: int) -> dict[str, Any]:
        """The plan JSON document of the district's plan covering ``year``."""
        return self.published_for(year).document

    # -- ledger --------------------------------------------------------------

    def _rebuild_ledger(self, session: Session) -> None:
        pubs = session.execute(
            select(
                PublicationRow.id,
                PublicationRow.version,
                PublicationRow.from_year,
                PublicationRow.to_year,
                PlanRow.document,
                PlanRow.scenario_id,
            )
            .join(PlanRow, PlanRow.id == PublicationRow.plan_id)
            .order_by(PublicationRow.version)
        ).all()
        pub_id = {p.version: p.id for p in pubs}
        published_scenarios = {p.scenario_id for p in pubs}
        names: dict[str, str] = {}
        histories: list[tuple[int, list[Exchange]]] = []
        for scenario_id, staff_names, history in session.execute(
            select(ScenarioRow.id, ScenarioRow.staff_names, ScenarioRow.history).order_by(
                ScenarioRow.id
            )
        ):
            names.update(staff_names)
            if scenario_id in published_scenarios:
                histories.append((scenario_id, [Exchange(*h) for h in history]))
        entries = derive_ledger(
            [
                PublishedSource(p.version, p.from_year, p.to_year, _exchange_list(p.document))
                for p in pubs
            ],
            histories,
            names,
        )
        session.execute(delete(LedgerRow))
        session.add_all(
            LedgerRow(
                staff_id=e.staff_id,
                staff_name=e.staff_name,
                school_year=e.school_year,
                school_id=e.school_id,
                source=e.source,
                publication_id=pub_id[e.publication_version]
                if e.publication_version is not None
                else None,
                scenario_id=e.scenario_id,
            )
            for e in entries
        )

    def ledger(self, until: int | None = None) -> list[LedgerEntry]:
        """The ledger rows (person, school year), up to ``until`` if given."""
        with self._session() as session:
            query = (
                select(LedgerRow, PublicationRow.version)
                .outerjoin(PublicationRow, PublicationRow.id == LedgerRow.publication_id)
                .order_by(LedgerRow.staff_id, LedgerRow.school_year)
            )
            if until is not None:
                query = query.where(LedgerRow.school_year <= until)
            return [
                LedgerEntry(
                    r.staff_id,
                    r.staff_name,
                    r.school_year,
                    r.school_id,
                    r.source,
                    publication_version=version,
                    scenario_id=r.scenario_id,
                )
                for r, version in session.execute(query)
            ]

    # -- export and import ---------------------------------------------------

    def export_all(self, directory: str | os.PathLike[str]) -> Path:
        """Write every scenario (.xlsx, byte for byte) and every plan (.json)
        with a ``manifest.json`` to a new or empty ``directory``; its manifest.

        Written into a temporary folder beside it and renamed into place, so
        a failed export leaves no half-written directory.
        """
        target = Path(directory)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise BadInput("export_target", dir=target)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            (staging / "scenarios").mkdir()
            (staging / "plans").mkdir()
            manifest: dict[str, Any] = {
                "format": EXPORT_FORMAT,
                "format_version": EXPORT_FORMAT_VERSION,
                "exported_at": _now().isoformat(),
                "planner_version": planner_version(),
                "scenarios": [],
                "plans": [],
                "publications": [],
            }
            with self._session() as session:
                for s in session.scalars(select(ScenarioRow).order_by(ScenarioRow.id)):
                    file = f"scenarios/scenario-{s.id:04d}.xlsx"
                    (staging / file).write_bytes(s.workbook)
                    manifest["scenarios"].append(
                        {
                            "id": s.id,
                            "file": file,
                            "sha256": s.sha256,
                            "name": s.name,
                            "file_name": s.file_name,
                            "first_year": s.first_year,
                            "last_year": s.last_year,
                            "stored_at": _utc(s.stored_at).isoformat(),
                        }
                    )
                for p in session.scalars(select(PlanRow).order_by(PlanRow.id)):
                    file = f"plans/plan-{p.id:04d}.json"
                    body = json.dumps(p.document, ensure_ascii=False, indent=2) + "\n"
                    (staging / file).write_text(body, encoding="utf-8")
                    manifest["plans"].append(
                        {
                            "id": p.id,
                            "file": file,
                            "sha256": hashlib.sha256(body.encode()).hexdigest(),
                            "scenario_id": p.scenario_id,
                            "status": p.status,
                            "settings": p.settings,
                            "from_year": p.from_year,
                            "to_year": p.to_year,
                            "planner_version": p.planner_version,
                            "created_at": _utc(p.created_at).isoformat(),
                            "based_on_version": p.based_on_version,
                        }
                    )
                for pub in self._publications(session):
                    manifest["publications"].append(
                        {
                            "version": pub.version,
                            "plan_id": pub.plan_id,
                            "from_year": pub.from_year,
                            "to_year": pub.to_year,
                            "published_by": pub.published_by,
                            "published_at": pub.published_at.isoformat(),
                            "note": pub.note,
                            "supersedes_version": pub.supersedes_version,
                        }
                    )
            (staging / "manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            if target.exists():
                target.rmdir()
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target / "manifest.json"

    def import_all(self, directory: str | os.PathLike[str]) -> dict[str, int]:
        """Restore an export into this (empty) archive, ids and versions kept;
        counts of what was restored. Every file is checked against the manifest
        before anything is written; the import is one transaction."""
        source = Path(directory)
        manifest = self._read_manifest(source)
        scenarios: list[tuple[dict[str, Any], bytes, _WorkbookFacts]] = []
        for item in manifest["scenarios"]:
            data = self._export_file(source, item)
            scenarios.append((item, data, _read_workbook(data, item["file"])))
        plans: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for item in manifest["plans"]:
            body = self._export_file(source, item)
            try:
                document = json.loads(body.decode("utf-8"))
            except ValueError as exc:
                raise BadExport(dir=source, detail=f"{item['file']}: {exc}") from None
            _exchange_list(document)
            plans.append((item, document))
        with self._session(write=True) as session:
            count = (session.scalar(select(func.count(ScenarioRow.id))) or 0) + (
                session.scalar(select(func.count(PlanRow.id))) or 0
            )
            if count or self._head(session, lock=True).version:
                raise BadInput("import_target", url=db.display_url(self.url), count=count)
            for item, data, facts in scenarios:
                row = self._scenario_row(
                    data,
                    item["sha256"],
                    facts,
                    item["name"],
                    item.get("file_name"),
                    dt.datetime.fromisoformat(item["stored_at"]),
                )
                row.id = item["id"]
                session.add(row)
            session.flush()
            for item, document in plans:
                session.add(
                    PlanRow(
                        id=item["id"],
                        scenario_id=item["scenario_id"],
                        status=item["status"],
                        solve_status=str(document["status"]),
                        document=document,
                        goals=dict(document.get("objective") or {}),
                        settings=item["settings"],
                        from_year=item["from_year"],
                        to_year=item["to_year"],
                        planner_version=item["planner_version"],
                        created_at=dt.datetime.fromisoformat(item["created_at"]),
                        based_on_version=item["based_on_version"],
                    )
                )
            session.flush()
            id_of_version: dict[int, int] = {}
            for item in sorted(manifest["publications"], key=lambda p: p["version"]):
                supersedes = item["supersedes_version"]
                pub = PublicationRow(
                    version=item["version"],
                    plan_id=item["plan_id"],
                    from_year=item["from_year"],
                    to_year=item["to_year"],
                    published_by=item["published_by"],
                    published_at=dt.datetime.fromisoformat(item["published_at"]),
                    note=item["note"],
                    supersedes_id=id_of_version[supersedes] if supersedes else None,
                )
                session.add(pub)
                session.flush()
                id_of_version[pub.version] = pub.id
            self._head(session).version = max(id_of_version, default=0)
            if session.get_bind().dialect.name == "postgresql":
                for table in ("scenarios", "plans"):
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                        )
                    )
            self._rebuild_ledger(session)
        return {
            "scenarios": len(scenarios),
            "plans": len(plans),
            "publications": len(manifest["publications"]),
        }

    @staticmethod
    def _read_manifest(source: Path) -> dict[str, Any]:
        try:
            manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadExport(dir=source, detail=f"manifest.json: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
            raise BadExport(dir=source, detail=f"manifest.json is not a {EXPORT_FORMAT}")
        if manifest.get("format_version") != EXPORT_FORMAT_VERSION:
            raise BadExport(
                dir=source,
                detail=f"format_version {manifest.get('format_version')!r}, "
                f"this planner reads {EXPORT_FORMAT_VERSION}",
            )
        for key in ("scenarios", "plans", "publications"):
            if not isinstance(manifest.get(key), list):
                raise BadExport(dir=source, detail=f"manifest.json has no list '{key}'")
        return manifest

    @staticmethod
    def _export_file(source: Path, item: Mapping[str, Any]) -> bytes:
        name = str(item.get("file", ""))
        if not re.fullmatch(r"(scenarios|plans)/[\w.-]+", name):
            raise BadExport(dir=source, detail=f"file name {name!r}")
        try:
            data = (source / name).read_bytes()
        except OSError as exc:
            raise BadExport(dir=source, detail=f"{name}: {exc.strerror}") from None
        if hashlib.sha256(data).hexdigest() != item.get("sha256"):
            raise BadExport(dir=source, detail=f"{name}: SHA-256 differs from the manifest")
        return data
