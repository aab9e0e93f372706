"""The plan archive: scenarios, draft and published plans, and the exchange
ledger in a database (SQLite by default, PostgreSQL for a shared server).

See :class:`planner.archive.store.Archive` for the Python API and
:mod:`planner.cli.archive` for the click commands.
"""

from planner.archive.db import resolve_url, upgrade
from planner.archive.errors import (
    ArchiveError,
    ArchiveUnavailable,
    BadExport,
    BadInput,
    NotFound,
    NotPublishable,
    PublishedImmutable,
    SchemaTooNew,
    Superseded,
)
from planner.archive.ledger import LedgerEntry, write_ledger_xlsx
from planner.archive.store import (
    Archive,
    PlanInfo,
    PublicationInfo,
    Published,
    ScenarioInfo,
    plan_of_document,
)

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveUnavailable",
    "BadExport",
    "BadInput",
    "LedgerEntry",
    "NotFound",
    "NotPublishable",
    "PlanInfo",
    "PublicationInfo",
    "Published",
    "PublishedImmutable",
    "ScenarioInfo",
    "SchemaTooNew",
    "Superseded",
    "plan_of_document",
    "resolve_url",
    "upgrade",
    "write_ledger_xlsx",
]
