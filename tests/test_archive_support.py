"""Shared fixtures of the archive tests (no tests here).

* ``archive_url``: parametrised over an SQLite file and a database on a
  throwaway PostgreSQL server. The server is started once per test session
  from Debian's ``postgresql`` binaries (initdb + pg_ctl in a temporary
  folder, as the ``postgres`` user when run as root, on a free port of
  127.0.0.1) and stopped when the session ends; each test gets a database of
  its own. Without the binaries the PostgreSQL cases are skipped, saying so.
* worker functions for the multi-process tests (importable by ``spawn``).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from planner.archive import Archive, Superseded

PG_SKIP_REASON = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: "
    "apt-get install postgresql (as .ci/run does) to run the archive tests against PostgreSQL"
)


def _version(initdb: str) -> int:
    name = Path(initdb).parent.parent.name
    return int(name) if name.isdigit() else 0


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A throwaway PostgreSQL server in a temporary folder."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="planner-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run as an unprivileged user
            user = "postgres"
            try:
                entry = pwd.getpwnam(user)
            except KeyError:
                user, entry = "nobody", pwd.getpwnam("nobody")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.prefix = ["runuser", "-u", user, "--"]
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [*self.prefix, str(self.bindir / tool), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr}\n{tail}")

    def new_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self.admin.dispose()
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


_SERVER: PostgresServer | None = None


def postgres_server() -> PostgresServer:
    """The session's server, started on first use and stopped at exit."""
    global _SERVER
    if _SERVER is None:
        bindir = _pg_bin()
        if bindir is None:
            pytest.skip(PG_SKIP_REASON)
        _SERVER = PostgresServer(bindir)
        atexit.register(_SERVER.stop)
    return _SERVER


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty archive address: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.sqlite3'}"
        return
    server = postgres_server()
    url = server.new_database()
    yield url
    server.drop_database(url)


# -- workers for the multi-process tests (run in spawned processes) ------------


def publish_race(url: str, plan_ids: list[int], barrier: Any, results: Any) -> None:
    """For each round, wait for the other process, then publish ``plan_ids[round]``
    expecting the head to be ``round``; report ("won"|"superseded", round, plan)."""
    archive = Archive(url, upgrade=False)
    try:
        for round_, plan_id in enumerate(plan_ids):
            barrier.wait(timeout=60)
            try:
                pub = archive.publish(plan_id, by=f"pid{os.getpid()}", expected_head=round_)
                results.put(("won", round_, plan_id, pub.version))
            except Superseded as exc:
                results.put(("superseded", round_, plan_id, str(exc)))
            barrier.wait(timeout=60)
    finally:
        archive.close()


def publish_forever(url: str, scenario_id: int, document: dict[str, Any]) -> None:
    """Store and publish drafts until killed (the crash test)."""
    archive = Archive(url, upgrade=False)
    while True:
        plan_id = archive.store_plan(scenario_id, document, {"n": 1})
        archive.publish(plan_id, by="loop")


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
