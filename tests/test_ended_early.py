"""Exchanges that end early (rules.md "Ended early"): the leave story of
issue 12, the plan forms, TERM's minimum, the roster and the ledger."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_scenario, need, quiet_policy, staff

from planner import api
from planner.audit import audit
from planner.cli import EXIT_OK, main
from planner.data import Exchange, Plan, Position, Scenario
from planner.io.plans import plan_from_document, plan_to_json, read_plan
from planner.io.writer import write_scenario
from planner.model.solve import SolveParams
from planner.report.tables import staff_rows
from planner.rules import Rule

PARAMS = SolveParams(time_limit=30, processes=1)
LEAVE_REASON = "2025年起不可派（S1 标注不可派的学年：2025、2026）"


def leave_story() -> tuple[Scenario, Plan]:
    """2024-2026, one maths teacher wanted at M1 each year. The published
    plan sends S1 to M1 for 2024-2026; this year's data mark S1 unavailable
    (on leave) for 2025 and 2026. S3, another maths teacher, can go."""
    people = [
        staff("S1", unavailable=frozenset({2025, 2026})),
        staff("S2", subject="语文", position=Position.MIDDLE),
        staff("S3"),
    ]
    scenario = make_scenario(
        first_year=2024,
        horizon=3,
        policy=quiet_policy(),
        staff=people,
        needs=[need("M1", year) for year in (2024, 2025, 2026)],
    )
    return scenario, Plan.of([Exchange("S1", "M1", 2024, 2026)])


def test_leave_story_replans_around_the_early_end() -> None:
    scenario, published = leave_story()
    done = api.replan_scenario(scenario, published, 2025, PARAMS)
    result = done.outcome.result
    assert result.status.value == "optimal"
    # The exchange keeps start and school, ends with 2024, says why.
    ended = Exchange("S1", "M1", 2024, 2024, ended_early=True)
    assert ended in result.plan.exchanges
    kept = next(e for e in result.plan.exchanges if e == ended)
    assert kept.reason == LEAVE_REASON
    # S3 takes the 2025-2026 place and the reason names whom they replace.
    assert Exchange("S3", "M1", 2025, 2026) in result.plan.exchanges
    added = next(c for c in done.changes if c.kind == "added")
    assert added.reason == f"接替 S1：{LEAVE_REASON}"
    term = next(c for c in done.changes if c.staff_id == "S1")
    assert (term.kind, term.reason) == ("term", LEAVE_REASON)
    # The whole plan's coverage: 2024 by S1, 2025 and 2026 by S3.
    assert result.objective["coverage"] == 3
    assert result.objective["coverage_from_year"] == 2
    assert done.outcome.report is not None and done.outcome.report.valid
    assert done.outcome.consistent


def test_replan_english_reasons() -> None:
    scenario, published = leave_story()
    done = api.replan_scenario(scenario, published, 2025, PARAMS, lang="en")
    added = next(c for c in done.changes if c.kind == "added")
    assert added.reason == (
        "replaces S1, unavailable from 2025 (S1 is marked unavailable in 2025, 2026)"
    )


def test_leave_story_on_the_command_line(tmp_path: Path) -> None:
    scenario, published = leave_story()
    book, before, after = tmp_path / "s.xlsx", tmp_path / "p.json", tmp_path / "new.json"
    roster = tmp_path / "new.xlsx"
    write_scenario(scenario, book)
    before.write_text(json.dumps(plan_to_json("optimal", published, {})), encoding="utf-8")
    runner = CliRunner()
    args = ["replan", str(book), "--previous", str(before), "--from-year", "2025", "--lang", "zh"]
    args += ["--json", str(after), "--out", str(roster), "--quiet"]
    replanned = runner.invoke(main, args)
    assert replanned.exit_code == EXIT_OK, replanned.output
    doc = json.loads(after.read_text(encoding="utf-8"))
    s1 = [e for e in doc["exchanges"] if e["staff_id"] == "S1"]
    assert s1 == [
        {
            "staff_id": "S1",
            "school_id": "M1",
            "start_year": 2024,
            "end_year": 2024,
            "ended_early": True,
            "reason": LEAVE_REASON,
        }
    ]
    assert all("ended_early" not in e for e in doc["exchanges"] if e["staff_id"] != "S1")
    assert doc["objective"]["coverage"] == 3
    checked = runner.invoke(main, ["check", str(book), str(after)])
    assert checked.exit_code == EXIT_OK, checked.output
    assert "valid; coverage 3" in checked.output
    # The roster marks it and reads back with the mark; the ledger counts 1 year.
    ws = openpyxl.load_workbook(roster)["交流名单"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    mine = next(r for r in rows if r["工号"] == "S1")
    assert (mine["提前结束"], mine["原因"], mine["交流年限"]) == ("是", LEAVE_REASON, 1)
    assert read_plan(roster) == read_plan(after)
    ledger = openpyxl.load_workbook(roster)["教职工"]
    head = [c.value for c in ledger[1]]
    years = {
        r[0]: r[head.index("累计交流年数")] for r in ledger.iter_rows(min_row=2, values_only=True)
    }
    assert (years["S1"], years["S3"]) == (1, 2)


def test_term_minimum_does_not_apply_to_an_ended_early_exchange() -> None:
    scenario, _ = leave_story()
    scenario = replace(
        scenario, staff=[replace(p, unavailable=frozenset()) for p in scenario.staff]
    )
    short = Exchange("S3", "M1", 2024, 2024)
    early = replace(short, ended_early=True, reason="left")
    assert short != early  # cut short is another exchange than planned
    broken = audit(scenario, Plan.of([short])).violations
    assert [v.rule for v in broken] == [Rule.TERM]
    assert audit(scenario, Plan.of([early])).valid
    # Its maximum still holds: 6 years with term_max 5.
    long = replace(scenario, horizon=6)
    too_long = Exchange("S3", "M1", 2024, 2029, ended_early=True, reason="x")
    assert [(v.rule, v.amount) for v in audit(long, Plan.of([too_long])).violations] == [
        (Rule.TERM, 1)
    ]
    # The ledger counts the year served.
    rows = {r.staff_id: r.exchange_years for r in staff_rows(scenario, Plan.of([early]))}
    assert rows["S3"] == 1


def test_model_keeps_an_ended_early_commitment() -> None:
    # A commitment of one year is legal when it ended early, not otherwise.
    scenario, _ = leave_story()
    early = Exchange("S1", "M1", 2024, 2024, ended_early=True, reason="请假")
    ok = api.solve_scenario(replace(scenario, commitments=[early]), PARAMS)
    assert ok.result.status.value == "optimal"
    assert early in ok.result.plan.exchanges
    bad = api.solve_scenario(replace(scenario, commitments=[replace(early, ended_early=False)]))
    assert bad.result.status.value == "infeasible"
    assert any(Rule.TERM in c.rules for c in bad.conflicts)


def test_ended_early_json_round_trip_and_errors() -> None:
    plan = Plan.of(
        [Exchange("S1", "M1", 2024, 2024, True, "请假"), Exchange("S3", "M1", 2025, 2026)]
    )
    doc = plan_to_json("optimal", plan, {"coverage": Decimal(3)})
    assert doc["exchanges"][0]["ended_early"] is True and doc["exchanges"][0]["reason"] == "请假"
    assert "ended_early" not in doc["exchanges"][1]
    back = plan_from_document(doc)
    assert back == plan and back.exchanges[0].reason == "请假"
    doc["exchanges"][1]["ended_early"] = "yes"
    doc["exchanges"][0]["reason"] = 7
    with pytest.raises(Exception) as info:
        plan_from_document(doc)
    text = str(info.value)
    assert "exchanges[1].ended_early" in text and "exchanges[0].reason" in text


def test_the_commitments_and_history_sheets_carry_the_mark(tmp_path: Path) -> None:
    """A planner who keeps the scenario workbook marks, in the 提前结束 and 原因
    columns of 已定交流 and 交流记录, the exchanges that ended early: they read
    back as such, and the solve keeps the one-year commitment."""
    from planner.io.reader import read_scenario

    scenario, _ = leave_story()
    early = Exchange("S1", "M1", 2024, 2024, ended_early=True, reason="请假")
    past = Exchange("S3", "M1", 2019, 2019, ended_early=True, reason="调动")
    marked = replace(scenario, commitments=[early], history=[past])
    path = tmp_path / "marked.xlsx"
    write_scenario(marked, path)
    header = [c.value for c in openpyxl.load_workbook(path)["commitments"][1]]
    assert header[-2:] == ["ended_early", "reason"]
    read = read_scenario(path)
    assert read.commitments == [early] and read.commitments[0].reason == "请假"
    assert read.history == [past] and read.history[0].reason == "调动"
    solved = api.solve_scenario(read, PARAMS)
    assert solved.result.status.value == "optimal"
    assert early in solved.result.plan.exchanges
