"""Export/import round trip, the commands' messages and exit codes, where the
archive lives. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
import test_archive_support as support
from click.testing import CliRunner

from planner import api
from planner.archive import Archive, BadInput, NotFound, SchemaTooNew, resolve_url
from planner.cli.archive import (
    EXIT_BAD_INPUT,
    EXIT_SUPERSEDED,
    archive,
    ledger,
    plans,
    previous_from_archive,
    publish,
    record_draft,
)

archive_url = support.archive_url  # the fixture: SQLite and PostgreSQL

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
STORY_2022 = SCENARIOS / "story-2022.xlsx"


def cli() -> click.Group:
    group = click.Group("planner")
    for command in (publish, plans, ledger, archive):
        group.add_command(command)
    return group


@pytest.fixture(scope="module")
def story_document() -> dict[str, object]:
    return api.plan_document(api.solve_scenario(api.load_scenario(STORY_2022)))


@pytest.mark.zh  # the commands speak Chinese by default
def test_export_import_round_trip(
    archive_url: str, tmp_path: Path, story_document: dict[str, object]
) -> None:
    runner = CliRunner()
    plan_a = record_draft(archive_url, STORY_2022, story_document, {"seed": 1})
    plan_b = record_draft(archive_url, STORY_2022, story_document, {"seed": 2})
    draft = record_draft(archive_url, SCENARIOS / "story-2023.xlsx", story_document, {})
    assert (plan_a, plan_b, draft) == (1, 2, 3)
    with Archive(archive_url) as source:
        source.publish(1, by="甲", note="第一版")
        source.publish(2, by="乙", note="第二版", expected_head=1)
        ledger_before = source.ledger()
        plans_before = source.plans()
        pubs_before = source.publications()
    out = tmp_path / "export"
    done = runner.invoke(cli(), ["archive", "export", str(out), "--db", archive_url])
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["scenarios"]) == 2 and len(manifest["plans"]) == 3
    assert (out / manifest["scenarios"][0]["file"]).read_bytes() == STORY_2022.read_bytes()
    assert api.load_scenario(out / manifest["scenarios"][1]["file"]).name.startswith("三年轮岗")
    assert api.read_plan(out / "plans" / "plan-0001.json") == api.read_plan(
        out / "plans" / "plan-0002.json"
    )
    # Into a fresh SQLite file (from either backend), then export again: same.
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    done = runner.invoke(cli(), ["archive", "import", str(out), "--db", target, "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "imported 2 scenario(s), 3 plan(s), 2 publication(s)" in done.output
    with Archive(target) as restored:
        assert restored.ledger() == ledger_before
        assert restored.plans() == plans_before
        assert restored.publications() == pubs_before
        assert restored.head() == 2
        assert restored.scenario_workbook(1) == STORY_2022.read_bytes()
        assert restored.store_plan(1, story_document, {}) == 4  # ids go on after the import
    again = tmp_path / "again"
    assert runner.invoke(cli(), ["archive", "export", str(again), "--db", target]).exit_code == 0
    second = json.loads((again / "manifest.json").read_text(encoding="utf-8"))
    for key in ("scenarios", "publications"):
        assert second[key] == manifest[key]
    assert second["plans"][:3] == manifest["plans"]
    # Importing into an archive that holds plans is refused, nothing written.
    done = runner.invoke(cli(), ["archive", "import", str(out), "--db", target])
    assert done.exit_code == EXIT_BAD_INPUT and "只能导入到空的档案库" in done.output
    # Exporting into a non-empty folder is refused.
    done = runner.invoke(cli(), ["archive", "export", str(out), "--db", archive_url])
    assert done.exit_code == EXIT_BAD_INPUT and "不为空" in done.output


def test_import_checks_every_file(tmp_path: Path, story_document: dict[str, object]) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    record_draft(url, STORY_2022, story_document)
    with Archive(url) as a:
        a.export_all(tmp_path / "x")
    plan_file = tmp_path / "x" / "plans" / "plan-0001.json"
    plan_file.write_text(plan_file.read_text(encoding="utf-8") + " ", encoding="utf-8")
    done = CliRunner().invoke(
        cli(), ["archive", "import", str(tmp_path / "x"), "--db", str(tmp_path / "b.sqlite3")]
    )
    assert done.exit_code == EXIT_BAD_INPUT
    assert "SHA-256" in done.output and "archive export" in done.output


@pytest.mark.zh  # the commands speak Chinese by default
def test_publish_a_json_file_and_the_messages(
    archive_url: str, tmp_path: Path, story_document: dict[str, object]
) -> None:
    runner = CliRunner()
    plan_file = tmp_path / "p22.json"
    plan_file.write_text(json.dumps(story_document), encoding="utf-8")
    # A file needs its scenario.
    done = runner.invoke(cli(), ["publish", str(plan_file), "--db", archive_url])
    assert done.exit_code == EXIT_BAD_INPUT and "--scenario" in done.output
    done = runner.invoke(
        cli(),
        ["publish", str(plan_file), "--scenario", str(STORY_2022), "--by", "王老师",
         "--db", archive_url],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "已发布方案 1 为 v1（2022-2025 学年），发布人 王老师" in done.output
    # Unknown id, in both languages.
    done = runner.invoke(cli(), ["publish", "42", "--db", archive_url])
    assert done.exit_code == EXIT_BAD_INPUT and "没有编号为 42 的方案" in done.output
    done = runner.invoke(cli(), ["publish", "42", "--db", archive_url, "--lang", "en"])
    assert done.exit_code == EXIT_BAD_INPUT and "no plan 42" in done.output
    assert "planner plans" in done.output
    # A stale expectation: exit 6 and "superseded, reload".
    done = runner.invoke(
        cli(), ["publish", "1", "--expect-head", "0", "--db", archive_url, "--lang", "en"]
    )
    assert done.exit_code == EXIT_SUPERSEDED and "superseded, reload" in done.output
    done = runner.invoke(cli(), ["publish", "1", "--expect-head", "0", "--db", archive_url])
    assert done.exit_code == EXIT_SUPERSEDED and "已被他人发布的方案取代，请重新加载" in done.output
    # plans --json lists it.
    done = runner.invoke(cli(), ["plans", "--json", "--db", archive_url])
    listed = json.loads(done.output)
    assert listed["head"] == 1 and listed["plans"][0]["versions"] == [1]
    # The replan helper: a year no publication covers.
    with pytest.raises(click.ClickException) as caught:
        previous_from_archive(archive_url, 2030, lang="en")
    assert caught.value.exit_code == EXIT_BAD_INPUT
    assert (
        "covers school year 2030" in caught.value.message and "--previous" in caught.value.message
    )
    # A ledger file that is not .xlsx.
    done = runner.invoke(cli(), ["ledger", "--out", str(tmp_path / "l.csv"), "--db", archive_url])
    assert done.exit_code == EXIT_BAD_INPUT and ".xlsx" in done.output


def test_drafts_without_a_plan_and_bad_workbooks(archive_url: str, tmp_path: Path) -> None:
    nothing = {"status": "infeasible", "exchanges": [], "objective": {}}
    assert record_draft(archive_url, STORY_2022, nothing) is None
    with Archive(archive_url) as a:
        assert a.plans() == []
        sid = a.store_scenario(STORY_2022.read_bytes())
        assert a.store_scenario(STORY_2022.read_bytes()) == sid  # stored once
        with pytest.raises(BadInput) as caught:
            a.store_scenario(b"not a workbook", file_name="broken.xlsx")
        assert "broken.xlsx" in caught.value.text("en") and "validate" in caught.value.text("en")
        with pytest.raises(BadInput):
            a.store_plan(sid, {"status": "optimal", "exchanges": [{"staff_id": "x"}]})
        with pytest.raises(BadInput) as years:
            a.store_plan(sid, nothing, from_year=2030)
        assert "2022-2025" in years.value.text("en")
        with pytest.raises(NotFound):
            a.store_plan(99, nothing)
        unpublishable = a.store_plan(sid, nothing)
        done = CliRunner().invoke(cli(), ["publish", str(unpublishable), "--db", archive_url])
        assert done.exit_code == EXIT_BAD_INPUT and "infeasible" in done.output


def test_where_the_archive_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANNER_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert (
        resolve_url()
        == f"sqlite:///{tmp_path / 'data' / 'teacher-rotation-planner'}/archive.sqlite3"
    )
    monkeypatch.setenv("PLANNER_DB", "postgresql+psycopg://planner@db.example/district")
    assert resolve_url() == "postgresql+psycopg://planner@db.example/district"
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.delenv("PLANNER_DB")
    with Archive() as a:  # the per-user default, made on first use
        assert a.head() == 0
    assert (tmp_path / "data" / "teacher-rotation-planner" / "archive.sqlite3").exists()


def test_an_archive_from_a_newer_planner_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    Archive(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    with pytest.raises(SchemaTooNew) as caught:
        Archive(url)
    assert "0099" in caught.value.text("en") and "Upgrade planner" in caught.value.text("en")


def test_unreachable_server_says_how_to_fix() -> None:
    done = CliRunner().invoke(
        cli(), ["plans", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "--lang", "en"]
    )
    assert done.exit_code == EXIT_BAD_INPUT
    assert "cannot open the plan archive" in done.output and "PLANNER_DB" in done.output
