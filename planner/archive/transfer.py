"""Export and import of a whole archive: a folder with every scenario
workbook (byte for byte), every plan document and a ``manifest.json``
listing them with their SHA-256, the publications and the archive's
bookkeeping (ids, versions, times).

:func:`export_archive` writes into a temporary folder beside the target and
renames it into place, so a failed export leaves no half-written directory.
:func:`import_archive` checks every file against the manifest before it
writes anything, and restores in one transaction into an empty archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from planner.archive.db import display_url
from planner.archive.documents import WorkbookFacts, exchange_list, read_workbook
from planner.archive.errors import BadExport, BadInput
from planner.archive.ledger import rebuild_ledger
from planner.archive.models import PlanRow, PublicationRow, ScenarioRow
from planner.archive.records import (
    head_row,
    now,
    planner_version,
    publications,
    scenario_row,
    utc,
)
from planner.i18n import _

__all__ = ["EXPORT_FORMAT", "EXPORT_FORMAT_VERSION", "export_archive", "import_archive"]

EXPORT_FORMAT = "planner-archive-export"
EXPORT_FORMAT_VERSION = 1

# Archive._session: one transaction (write=True for the writer's connection).
Transaction = Callable[..., AbstractContextManager[Session]]


# -- export ------------------------------------------------------------------


def export_archive(transaction: Transaction, directory: str | os.PathLike[str]) -> Path:
    """Write every scenario (.xlsx) and plan (.json) with a ``manifest.json``
    to a new or empty ``directory``; the manifest's path."""
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
            "exported_at": now().isoformat(),
            "planner_version": planner_version(),
        }
        with transaction() as session:
            manifest["scenarios"] = _export_scenarios(session, staging)
            manifest["plans"] = _export_plans(session, staging)
            manifest["publications"] = _export_publications(session)
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


def _export_scenarios(session: Session, staging: Path) -> list[dict[str, Any]]:
    """Write each scenario workbook; their manifest entries."""
    entries = []
    for s in session.scalars(select(ScenarioRow).order_by(ScenarioRow.id)):
        file = f"scenarios/scenario-{s.id:04d}.xlsx"
        (staging / file).write_bytes(s.workbook)
        entries.append(
            {
                "id": s.id,
                "file": file,
                "sha256": s.sha256,
                "name": s.name,
                "file_name": s.file_name,
                "first_year": s.first_year,
                "last_year": s.last_year,
                "stored_at": utc(s.stored_at).isoformat(),
            }
        )
    return entries


def _export_plans(session: Session, staging: Path) -> list[dict[str, Any]]:
    """Write each plan document; their manifest entries."""
    entries = []
    for p in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        file = f"plans/plan-{p.id:04d}.json"
        body = json.dumps(p.document, ensure_ascii=False, indent=2) + "\n"
        (staging / file).write_text(body, encoding="utf-8")
        entries.append(
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
                "created_at": utc(p.created_at).isoformat(),
                "based_on_version": p.based_on_version,
            }
        )
    return entries


def _export_publications(session: Session) -> list[dict[str, Any]]:
    return [
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
        for pub in publications(session)
    ]


# -- import ------------------------------------------------------------------


@dataclass(frozen=True)
class _Export:
    """An export folder read and checked: nothing written yet."""

    manifest: dict[str, Any]
    scenarios: list[tuple[dict[str, Any], bytes, WorkbookFacts]]
    plans: list[tuple[dict[str, Any], dict[str, Any]]]


def import_archive(
    transaction: Transaction, url: str, directory: str | os.PathLike[str]
) -> dict[str, int]:
    """Restore an export into the (empty) archive at ``url``, ids and versions
    kept; counts of what was restored."""
    export = _read_export(Path(directory))
    with transaction(write=True) as session:
        count = (session.scalar(select(func.count(ScenarioRow.id))) or 0) + (
            session.scalar(select(func.count(PlanRow.id))) or 0
        )
        if count or head_row(session, lock=True).version:
            raise BadInput("import_target", url=display_url(url), count=count)
        _restore_scenarios(session, export)
        _restore_plans(session, export)
        head_row(session).version = _restore_publications(session, export)
        if session.get_bind().dialect.name == "postgresql":
            _advance_sequences(session)
        rebuild_ledger(session)
    return {
        "scenarios": len(export.scenarios),
        "plans": len(export.plans),
        "publications": len(export.manifest["publications"]),
    }


def _read_export(source: Path) -> _Export:
    """The manifest and every file it names, checked (:class:`BadExport`)."""
    manifest = _read_manifest(source)
    scenarios = []
    for item in manifest["scenarios"]:
        data = _export_file(source, item)
        scenarios.append((item, data, read_workbook(data, item["file"])))
    plans = []
    for item in manifest["plans"]:
        body = _export_file(source, item)
        try:
            document = json.loads(body.decode("utf-8"))
        except ValueError as exc:
            raise BadExport(dir=source, detail=f"{item['file']}: {exc}") from None
        exchange_list(document)
        plans.append((item, document))
    return _Export(manifest, scenarios, plans)


def _restore_scenarios(session: Session, export: _Export) -> None:
    for item, data, facts in export.scenarios:
        row = scenario_row(
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


def _restore_plans(session: Session, export: _Export) -> None:
    for item, document in export.plans:
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


def _restore_publications(session: Session, export: _Export) -> int:
    """Add the publications, oldest first; the newest version (0: none)."""
    id_of_version: dict[int, int] = {}
    for item in sorted(export.manifest["publications"], key=lambda p: p["version"]):
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
    return max(id_of_version, default=0)


def _advance_sequences(session: Session) -> None:
    """PostgreSQL: move the id sequences past the ids restored."""
    for table in ("scenarios", "plans"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadExport(dir=source, detail=f"manifest.json: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        raise BadExport(
            dir=source, detail=_("manifest.json is not a {format}").format(format=EXPORT_FORMAT)
        )
    if manifest.get("format_version") != EXPORT_FORMAT_VERSION:
        raise BadExport(
            dir=source,
            detail=_("format_version {found!r}; this planner reads {version}").format(
                found=manifest.get("format_version"), version=EXPORT_FORMAT_VERSION
            ),
        )
    for key in ("scenarios", "plans", "publications"):
        if not isinstance(manifest.get(key), list):
            raise BadExport(
                dir=source, detail=_("manifest.json has no list '{key}'").format(key=key)
            )
    return manifest


def _export_file(source: Path, item: Mapping[str, Any]) -> bytes:
    """A file the manifest names, read and checked against its SHA-256."""
    name = str(item.get("file", ""))
    if not re.fullmatch(r"(scenarios|plans)/[\w.-]+", name):
        raise BadExport(dir=source, detail=_("file name {name!r}").format(name=name))
    try:
        data = (source / name).read_bytes()
    except OSError as exc:
        raise BadExport(dir=source, detail=f"{name}: {exc.strerror}") from None
    if hashlib.sha256(data).hexdigest() != item.get("sha256"):
        raise BadExport(
            dir=source, detail=_("{name}: SHA-256 differs from the manifest").format(name=name)
        )
    return data
