"""Where the archive lives, how it is opened, and how its schema is kept current.

The address is, first found: ``--db URL``, the environment variable
``PLANNER_DB``, else an SQLite file ``archive.sqlite3`` in the per-user data
directory (platformdirs: ``~/.local/share/teacher-rotation-planner`` on
Linux). A plain path means an SQLite file; PostgreSQL is
``postgresql+psycopg://user:password@host:port/dbname``.

SQLite runs in WAL mode with ``synchronous=FULL``: a transaction is either
in the file completely or not at all, even when the process is killed, and
readers never block the writer. Write transactions begin ``IMMEDIATE`` so
two processes that read-then-write (publishing) are serialised by SQLite
instead of failing on commit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool

from planner.archive.errors import ArchiveUnavailable, SchemaTooNew

__all__ = [
    "APP_NAME",
    "ENV_VAR",
    "current_revision",
    "default_url",
    "display_url",
    "head_revision",
    "make_engine",
    "resolve_url",
    "upgrade",
]

APP_NAME = "teacher-rotation-planner"
ENV_VAR = "PLANNER_DB"
BUSY_SECONDS = 60


def default_url() -> str:
    """The SQLite file in the per-user data directory."""
    folder = platformdirs.user_data_path(APP_NAME, appauthor=False)
    return f"sqlite:///{folder / 'archive.sqlite3'}"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The archive's SQLAlchemy URL: ``db``, else ``$PLANNER_DB``, else the default.

    A value without ``://`` is a path to an SQLite file.
    """
    value = os.fspath(db) if db is not None else (os.environ.get(ENV_VAR) or "")
    value = value.strip()
    if not value:
        return default_url()
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    return value


def display_url(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str, *, foreign_keys: bool = True, pool: bool = True) -> Engine:
    """An engine for ``url``; SQLite files get WAL, full sync and IMMEDIATE writes.

    ``engine.execution_options(write=True)`` gives the engine for write
    transactions (``BEGIN IMMEDIATE`` on SQLite, a plain ``BEGIN`` elsewhere).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ArchiveUnavailable(url=url, detail=str(exc)) from None
    kwargs: dict[str, Any] = {}
    if not pool:
        kwargs["poolclass"] = NullPool
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveUnavailable(url=url, detail=str(exc)) from None
        kwargs["connect_args"] = {"timeout": BUSY_SECONDS}
        engine = create_engine(url, **kwargs)
        _sqlite_events(engine, foreign_keys)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    try:
        return create_engine(url, **kwargs)
    except Exception as exc:  # missing driver, bad options
        raise ArchiveUnavailable(url=display_url(url), detail=str(exc)) from None


def _sqlite_events(engine: Engine, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event says BEGIN
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("planner.archive") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    """The newest schema revision this planner knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The archive's schema revision (None: a new, empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _connect(engine: Engine, url: str) -> Iterator[Connection]:
    try:
        with engine.connect() as connection:
            yield connection
    except OperationalError as exc:
        raise ArchiveUnavailable(url=display_url(url), detail=str(exc.orig)) from None


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the archive at ``url`` to ``revision`` (made when missing).

    Already there: nothing is written. An archive newer than this planner
    raises :class:`SchemaTooNew`. All steps run in one transaction.
    """
    script = ScriptDirectory.from_config(_alembic_config())
    target = script.get_current_head() if revision == "head" else revision
    engine = make_engine(url, foreign_keys=False, pool=False)
    try:
        with _connect(engine, url) as connection:
            found = MigrationContext.configure(connection).get_current_revision()
        if found == target:
            return
        known = {s.revision for s in script.walk_revisions()}
        if found is not None and found not in known:
            raise SchemaTooNew(url=display_url(url), found=found, known=target)
        writer = engine.execution_options(write=True)
        with _connect(writer, url) as connection, connection.begin():
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
