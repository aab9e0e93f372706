"""The archive's safety: concurrent publishers, a killed writer, migrating an
older archive, published plans that cannot change. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import test_archive_support as support

from planner import api
from planner.archive import Archive, PublishedImmutable, Superseded, upgrade
from planner.archive.ledger import PublishedSource, derive_ledger
from planner.data import Exchange

archive_url = support.archive_url  # the fixture: SQLite and PostgreSQL

STORY_2022 = Path(__file__).resolve().parent.parent / "scenarios" / "story-2022.xlsx"


@pytest.fixture(scope="module")
def story_document() -> dict[str, object]:
    outcome = api.solve_scenario(api.load_scenario(STORY_2022))
    return api.plan_document(outcome)


def variant(document: dict[str, object], n: int) -> dict[str, object]:
    """A different plan document (another goal value), same exchanges."""
    doc = json.loads(json.dumps(document))
    doc["objective"]["variant"] = n
    return doc


def test_two_processes_publishing_at_once_lose_nothing(
    archive_url: str, story_document: dict[str, object]
) -> None:
    rounds = 3
    with Archive(archive_url) as archive:
        sid = archive.store_scenario(STORY_2022.read_bytes())
        ids = [[archive.store_plan(sid, variant(story_document, 10 * w + r), {}) for r in
                range(rounds)] for w in range(2)]  # fmt: skip
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=support.publish_race, args=(archive_url, ids[w], barrier, results))
        for w in range(2)
    ]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    reports = [results.get(timeout=5) for _ in range(2 * rounds)]
    for round_ in range(rounds):
        outcome = sorted(r[0] for r in reports if r[1] == round_)
        assert outcome == ["superseded", "won"], reports  # one wins, the other is told
    told = [r for r in reports if r[0] == "superseded"]
    assert all("superseded, reload" in r[3] and "已被他人发布的方案取代" in r[3] for r in told)
    with Archive(archive_url) as archive:
        pubs = archive.publications()[::-1]
        winners = sorted((r[1] + 1, r[2]) for r in reports if r[0] == "won")
        assert [(p.version, p.plan_id) for p in pubs] == winners
        assert [p.supersedes_version for p in pubs] == [None, 1, 2]
        assert archive.head() == rounds
        # Nothing lost: the losers' plans are still there as drafts; reloaded,
        # they publish on top.
        status = {p.id: p.status for p in archive.plans()}
        assert sorted(status) == sorted(ids[0] + ids[1])
        losers = [r[2] for r in told]
        assert all(status[i] == "draft" for i in losers)
        pub = archive.publish(losers[0], by="reloaded", expected_head=archive.head())
        assert pub.version == rounds + 1 and pub.supersedes_version == rounds


def test_stale_draft_is_superseded_with_a_clear_message(
    archive_url: str, story_document: dict[str, object]
) -> None:
    with Archive(archive_url) as archive:
        sid = archive.store_scenario(STORY_2022.read_bytes())
        mine = archive.store_plan(sid, variant(story_document, 1), {})  # made against v0
        theirs = archive.store_plan(sid, variant(story_document, 2), {})
        archive.publish(theirs, by="李老师")
        with pytest.raises(Superseded) as caught:
            archive.publish(mine, by="王老师")
        assert caught.value.text("zh").startswith("已被他人发布的方案取代，请重新加载")
        assert caught.value.text("en").startswith("superseded, reload")
        assert "李老师" in caught.value.text("en") and "--expect-head 1" in caught.value.text("en")
        assert archive.head() == 1 and len(archive.publications()) == 1
        assert archive.publish(mine, by="王老师", expected_head=1).version == 2


def test_published_plans_are_immutable(archive_url: str, story_document: dict[str, object]) -> None:
    with Archive(archive_url) as archive:
        sid = archive.store_scenario(STORY_2022.read_bytes())
        draft = archive.store_plan(sid, variant(story_document, 1), {})
        archive.replace_draft(draft, variant(story_document, 5), {"seed": 5})  # drafts may change
        assert archive.plan_document(draft)["objective"]["variant"] == 5
        archive.publish(draft, by="x")
        before = archive.plan_document(draft)
        with pytest.raises(PublishedImmutable):
            archive.replace_draft(draft, variant(story_document, 6))
        with pytest.raises(PublishedImmutable):
            archive.delete_draft(draft)
        # Not even SQL behind the API's back: the database refuses.
        for statement in (
            "UPDATE plans SET document = '{}' WHERE status = 'published'",
            "DELETE FROM plans WHERE status = 'published'",
            "UPDATE publications SET note = 'changed'",
            "DELETE FROM publications",
        ):
            with pytest.raises(sa.exc.DBAPIError), archive.engine.begin() as c:
                c.execute(sa.text(statement))
        assert archive.plan_document(draft) == before
        assert [p.note for p in archive.publications()] == [""]
        # Publishing again makes a new version that supersedes the old one.
        again = archive.publish(draft, by="x", note="再次发布", expected_head=1)
        assert (again.version, again.supersedes_version) == (2, 1)
        assert archive.plans()[0].versions == (1, 2)


def test_migrating_an_archive_of_the_first_schema_keeps_every_row(archive_url: str) -> None:
    upgrade(archive_url, "0001")
    engine = sa.create_engine(archive_url)
    workbook = STORY_2022.read_bytes()
    now = dt.datetime(2023, 7, 1, 8, 30, tzinfo=dt.UTC)
    doc = {"status": "optimal", "exchanges": [
        {"staff_id": "A0-001", "school_id": "A1", "start_year": 2022, "end_year": 2023}],
        "objective": {"coverage": 3}}  # fmt: skip
    rows = {
        "scenarios": [
            {"id": 1, "sha256": "a" * 64, "name": "旧场景", "file_name": "old.xlsx",
             "first_year": 2022, "last_year": 2025, "workbook": workbook,
             "staff_names": {"A0-001": "张三"}, "history": [["A0-002", "A2", 2019, 2020]],
             "stored_at": now},
        ],
        "plans": [
            {"id": i, "scenario_id": 1, "status": status, "solve_status": "optimal",
             "document": doc, "goals": {"coverage": 3}, "settings": {"seed": i},
             "from_year": 2022, "to_year": 2025, "planner_version": "0.0.9", "created_at": now}
            for i, status in ((1, "published"), (2, "published"), (3, "draft"))
        ],
        "publications": [
            {"id": 7, "plan_id": 1, "from_year": 2022, "to_year": 2025, "published_by": "甲",
             "published_at": now, "note": "first", "supersedes_id": None},
            {"id": 9, "plan_id": 2, "from_year": 2022, "to_year": 2025, "published_by": "乙",
             "published_at": now, "note": "second", "supersedes_id": 7},
        ],
        "ledger": [
            {"id": 1, "staff_id": "A0-001", "staff_name": "张三", "school_year": 2022,
             "school_id": "A1", "source": "plan", "publication_id": 9, "scenario_id": None},
        ],
    }  # fmt: skip
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as c:
        for table, items in rows.items():
            c.execute(meta.tables[table].insert(), items)
    before = {t: _dump(engine, t, list(rows[t][0])) for t in rows}
    engine.dispose()

    with Archive(archive_url) as archive:  # upgrades to head
        engine = sa.create_engine(archive_url)
        assert {t: _dump(engine, t, list(rows[t][0])) for t in rows} == before
        assert _dump(engine, "publications", ["id", "version"]) == [(7, 1), (9, 2)]
        assert _dump(engine, "plans", ["based_on_version"]) == [(None,)] * 3
        engine.dispose()
        assert archive.head() == 2
        pubs = archive.publications()
        assert [(p.version, p.supersedes_version, p.note) for p in pubs] == [
            (2, 1, "second"),
            (1, None, "first"),
        ]
        assert archive.published_plan_for(2023) == doc
        assert archive.publish(3, by="丙", expected_head=2).version == 3
        with pytest.raises(Superseded):
            archive.publish(3, by="丙", expected_head=2)


def _dump(engine: sa.Engine, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    def norm(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(
                dt.UTC).replace(tzinfo=None)  # fmt: skip
        if isinstance(value, memoryview):
            return bytes(value)
        if isinstance(value, str) and value.startswith(("{", "[")):
            return json.loads(value)
        return value

    cols = ", ".join(columns)
    with engine.connect() as c:
        result = c.exec_driver_sql(f"SELECT {cols} FROM {table} ORDER BY id")
        return [tuple(norm(v) for v in row) for row in result]


def test_killed_writer_leaves_a_whole_sqlite_file(
    tmp_path: Path, story_document: dict[str, object]
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    with Archive(url) as archive:
        sid = archive.store_scenario(STORY_2022.read_bytes())
    ctx = multiprocessing.get_context("spawn")
    writer = ctx.Process(target=support.publish_forever, args=(url, sid, story_document))
    writer.start()
    deadline = time.monotonic() + 60
    with Archive(url) as archive:
        while archive.head() < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    support.kill(writer.pid or 0)  # SIGKILL: mid-transaction, no cleanup
    writer.join(10)
    with sqlite3.connect(tmp_path / "archive.sqlite3") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with Archive(url) as archive:
        head = archive.head()
        assert head >= 5
        pubs = archive.publications()[::-1]
        assert [p.version for p in pubs] == list(range(1, head + 1))
        published = {p.id for p in archive.plans() if p.status == "published"}
        assert published == {p.plan_id for p in pubs}
        # The ledger is the one derived from the publications: written with them.
        exchanges = [Exchange(**e) for e in story_document["exchanges"]]  # type: ignore[attr-defined]
        expected = derive_ledger(
            [PublishedSource(p.version, p.from_year, p.to_year, exchanges) for p in pubs],
            [],
            {},
        )
        assert {(e.staff_id, e.school_year, e.school_id, e.publication_version) for e in
                archive.ledger()} == {(e.staff_id, e.school_year, e.school_id,
                                       e.publication_version) for e in expected}  # fmt: skip
        archive.publish(archive.store_plan(sid, story_document, {}), by="after")
        assert archive.head() == head + 1
