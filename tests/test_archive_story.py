"""The three-year story run through the archive, on SQLite and PostgreSQL.

2022 is solved and published; 2023 and 2024 are replanned from the plan the
archive says is the district's for that year (no file passed by hand) and
published; the ledger (API, ``planner ledger`` and its workbook) equals the
ledger counted by hand from the three published plans and the 2022
workbook's history sheet.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
import openpyxl
import pytest
import test_archive_support as support
from click.testing import CliRunner

from planner import api
from planner.archive import Archive
from planner.cli.archive import (
    ledger,
    plans,
    previous_from_archive,
    publish,
    record_draft,
    solve_settings,
)
from planner.data import Plan

archive_url = support.archive_url  # the fixture: SQLite and PostgreSQL

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
# Typed by hand in the 2022 workbook's history sheet: before the horizon.
HISTORY = [("A0-005", "A1", 2019, 2020), ("B0-007", "B2", 2020, 2021), ("A0-003", "A2", 2018, 2019)]


def cli() -> click.Group:
    group = click.Group("planner")
    for command in (publish, plans, ledger):
        group.add_command(command)
    return group


def story_workbook(tmp_path: Path, year: int) -> Path:
    """story-YEAR.xlsx, the 2022 one with rows in its history sheet."""
    path = tmp_path / f"story-{year}.xlsx"
    if year != 2022:
        path.write_bytes((SCENARIOS / path.name).read_bytes())
        return path
    book = openpyxl.load_workbook(SCENARIOS / path.name)
    for row in HISTORY:
        book["history"].append(list(row))
    book.save(path)
    return path


@pytest.mark.zh  # the commands speak Chinese by default
def test_three_year_story_through_the_archive(archive_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    published: dict[int, Plan] = {}

    # 2022: solve, store as a draft (what `solve --db` does), publish by id.
    path = story_workbook(tmp_path, 2022)
    scenario = api.load_scenario(path)
    assert [
        (e.staff_id, e.school_id, e.start_year, e.end_year) for e in scenario.history
    ] == HISTORY
    outcome = api.solve_scenario(scenario)
    assert outcome.result.status.value == "optimal"
    plan_id = record_draft(
        archive_url, path, api.plan_document(outcome), solve_settings({"seed": 0})
    )
    assert plan_id is not None
    done = runner.invoke(cli(), ["publish", str(plan_id), "--by", "王老师", "--db", archive_url])
    assert done.exit_code == 0, done.output
    assert "v1" in done.output
    published[2022] = outcome.result.plan

    # 2023 and 2024: replan from the archive's plan for the year, publish.
    for year in (2023, 2024):
        path = story_workbook(tmp_path, year)
        previous = previous_from_archive(archive_url, year)
        assert previous.plan == published[year - 1]
        done_replan = api.replan_scenario(api.load_scenario(path), previous.plan, year)
        assert done_replan.outcome.result.status.value == "optimal"
        document = api.plan_document(done_replan.outcome)
        plan_id = record_draft(
            archive_url, path, document, {"from_year": year}, from_year=year, based_on=previous.head
        )
        done = runner.invoke(
            cli(), ["publish", str(plan_id), "--note", f"{year} 调整", "--db", archive_url]
        )
        assert done.exit_code == 0, done.output
        assert f"v{year - 2021}" in done.output and f"v{year - 2022}" in done.output
        published[year] = done_replan.outcome.result.plan

    # The ledger counted by hand: each year from the newest plan covering it
    # (2022 from the first, 2023 from the second, 2024-2025 from the third),
    # and the history sheet's years.
    by_hand: dict[tuple[str, int], str] = {}
    for year, plan_year in ((2022, 2022), (2023, 2023), (2024, 2024), (2025, 2024)):
        for ex in published[plan_year].in_year(year):
            by_hand[(ex.staff_id, year)] = ex.school_id
    for staff_id, school_id, start, end in HISTORY:
        for year in range(start, end + 1):
            by_hand[(staff_id, year)] = school_id

    with Archive(archive_url) as archive:
        entries = archive.ledger()
        assert {(e.staff_id, e.school_year): e.school_id for e in entries} == by_hand
        assert len(entries) == len(by_hand)
        names = {p.staff_id: p.name for p in scenario.staff}
        assert all(e.staff_name == names[e.staff_id] for e in entries)
        assert {e.source for e in entries if e.school_year < 2022} == {"history"}
        assert [p.version for p in archive.publications()] == [3, 2, 1]
        assert [p.from_year for p in archive.publications()] == [2024, 2023, 2022]
        assert archive.published_plan_for(2022)["exchanges"] == [
            {"staff_id": e.staff_id, "school_id": e.school_id, "start_year": e.start_year,
             "end_year": e.end_year}
            for e in published[2022].exchanges
        ]  # fmt: skip
        assert archive.published_for(2025).publication.version == 3

    # `planner ledger --out`: the workbook holds the same rows.
    out = tmp_path / "out" / "台账.xlsx"
    done = runner.invoke(cli(), ["ledger", "--out", str(out), "--db", archive_url])
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["交流台账", "逐年明细"]
    rows = list(book["逐年明细"].iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[2]): r[3] for r in rows} == by_hand
    summary = {r[0]: r[2] for r in book["交流台账"].iter_rows(min_row=2, values_only=True)}
    counted: dict[str, int] = {}
    for staff_id, _year in by_hand:
        counted[staff_id] = counted.get(staff_id, 0) + 1
    assert summary == counted
    assert "A0-005" in done.output and "A1: 2019-2020" in done.output
    assert not list(out.parent.glob(".*.tmp"))  # written atomically, nothing left over

    # `planner ledger --until 2023`: no planned years after 2023.
    with Archive(archive_url) as archive:
        assert max(e.school_year for e in archive.ledger(until=2023)) == 2023

    # `planner plans`: newest first, all published, the newest current.
    done = runner.invoke(cli(), ["plans", "--db", archive_url, "--lang", "en"])
    assert done.exit_code == 0, done.output
    lines = [line for line in done.output.splitlines() if line.startswith("#")]
    assert [line.split()[0] for line in lines] == ["#3", "#2", "#1"]
    assert "(current)" in lines[0] and "coverage=" in lines[0]
