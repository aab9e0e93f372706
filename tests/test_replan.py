"""Yearly replanning: the three-year story, stability, plan diffs, the ledger."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import make_scenario, staff

from planner import api
from planner.analysis.replan import diff_plans, prepare_replan
from planner.audit import audit
from planner.data import Exchange, Plan, Position, Scenario
from planner.examples.story import JOINING_MEMBER, LEAVER, LEAVING_MEMBER, STORY, STUDY_LEAVE
from planner.io.reader import read_scenario
from planner.model import levels
from planner.model.solve import SolveParams
from planner.report.tables import staff_rows

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
PARAMS = SolveParams(time_limit=60)


@pytest.fixture(scope="module")
def plan_2022() -> Plan:
    outcome = api.solve_scenario(STORY[2022](), PARAMS)
    assert outcome.result.status.value == "optimal"
    return outcome.result.plan


def test_story_workbooks_match_the_script() -> None:
    for year, build in STORY.items():
        assert read_scenario(SCENARIOS / f"story-{year}.xlsx") == build()


def test_replan_with_unchanged_data_changes_nothing(plan_2022: Plan) -> None:
    # The 2022 plan was optimal for COVER; with the past fixed, its future
    # part is still COVER-optimal, so STABLE keeps all of it.
    done = api.replan_scenario(STORY[2022](), plan_2022, 2023, PARAMS)
    assert done.outcome.result.status.value == "optimal"
    assert done.changes == []
    assert done.outcome.result.objective["changes"] == 0


def test_one_departure_changes_only_what_it_forces(plan_2022: Plan) -> None:
    # Take someone whose published exchange starts in 2023 or later, and let
    # them leave. With STABLE first, the new plan drops their exchange(s) and
    # adds at most one replacement each (quotas may need one), nothing else.
    leaver = next(e for e in plan_2022.exchanges if e.start_year >= 2023).staff_id
    base = STORY[2022]()
    policy = base.policy.with_overrides({"objective_order": "STABLE,COVER,FAIR,PREFER"})
    changed = replace(base, staff=[p for p in base.staff if p.staff_id != leaver], policy=policy)
    done = api.replan_scenario(changed, plan_2022, 2023, PARAMS, lang="en")
    theirs = [e for e in plan_2022.exchanges if e.staff_id == leaver and e.start_year >= 2023]
    removed = [c for c in done.changes if c.kind != "added"]
    added = [c for c in done.changes if c.kind == "added"]
    assert {c.staff_id for c in removed} == {leaver}
    assert len(removed) == len(theirs)
    assert all(c.reason == f"{leaver} is no longer on the staff list" for c in removed)
    assert len(added) <= len(theirs)
    # A replacement says whom it replaces and why; anything else names the
    # actual goal order, STABLE included.
    for c in added:
        assert c.reason in (
            f"replaces {leaver}, {leaver} is no longer on the staff list",
            "chosen by the optimiser (goals in order: STABLE, COVER, FAIR, PREFER)",
        )
    assert audit(changed, done.outcome.result.plan).valid


def test_three_year_story(plan_2022: Plan) -> None:
    # 2023: LEAVER has left, STUDY_LEAVE is away in 2024, LEAVING_MEMBER
    # leaves group A from 2024.
    y23 = api.replan_scenario(STORY[2023](), plan_2022, 2023, PARAMS)
    plan_2023 = y23.outcome.result.plan
    assert y23.outcome.result.status.value == "optimal"
    assert audit(STORY[2023](), plan_2023).valid
    assert not any(e.staff_id == LEAVER for e in plan_2023.exchanges)
    assert not any(e.staff_id == STUDY_LEAVE and e.covers(2024) for e in plan_2023.exchanges)
    assert not any(
        e.school_id == LEAVING_MEMBER and e.end_year >= 2024 for e in plan_2023.exchanges
    )
    # Every published exchange the new data forbid is changed, with its reason.
    for ex, why in y23.prepared.forced.items():
        change = next(c for c in y23.changes if c.before == ex)
        assert change.reason == why
    # Exchanges under way at the leaving school end early, not dropped.
    for ex, why in y23.prepared.cut.items():
        if ex.staff_id == LEAVER:
            assert why == f"{LEAVER} 已不在教师名单中"
            continue
        assert why == f"{LEAVING_MEMBER} 2024年起退出集团"
        assert replace(ex, end_year=2023, ended_early=True) in plan_2023.exchanges
    # STABLE counts published exchanges not kept plus new ones not published
    # (a move counts both); cut-short exchanges under way are not decisions,
    # and exchanges of staff who left are dropped before the model is built.
    assert y23.outcome.result.objective["changes"] == sum(
        1
        for c in y23.changes
        if c.before is not None and c.before.start_year >= 2023 and c.staff_id != LEAVER
    ) + sum(1 for c in y23.changes if c.after is not None and c.after.start_year >= 2023)
    # 2024: JOINING_MEMBER joins group B and receives staff.
    y24 = api.replan_scenario(STORY[2024](), plan_2023, 2024, PARAMS)
    plan_2024 = y24.outcome.result.plan
    assert y24.outcome.result.status.value == "optimal"
    assert audit(STORY[2024](), plan_2024).valid
    assert any(e.school_id == JOINING_MEMBER for e in plan_2024.exchanges)
    assert all(e.start_year >= 2024 for e in plan_2024.exchanges if e.school_id == JOINING_MEMBER)


def test_past_exchanges_are_fixed_and_go_to_the_ledger(plan_2022: Plan) -> None:
    prepared = prepare_replan(STORY[2022](), plan_2022, 2024)
    s = prepared.scenario
    assert s.first_year == 2024 and s.years == range(2024, 2026)
    ended = [e for e in plan_2022.exchanges if e.end_year < 2024]
    running = [e for e in plan_2022.exchanges if e.start_year < 2024 <= e.end_year]
    assert sorted(s.history, key=Exchange.key) == sorted(ended, key=Exchange.key)
    assert set(running) <= set(s.commitments)
    assert all(n.year >= 2024 for n in s.needs)


def test_diff_classifies_changes() -> None:
    a = Plan.of(
        [
            Exchange("S1", "M1", 2022, 2023),
            Exchange("S2", "M1", 2022, 2023),
            Exchange("S3", "M2", 2023, 2024),
            Exchange("S4", "M2", 2022, 2023),
        ]
    )
    b = Plan.of(
        [
            Exchange("S1", "M1", 2022, 2023),  # same
            Exchange("S2", "M2", 2022, 2023),  # moved
            Exchange("S3", "M2", 2023, 2025),  # term
            Exchange("S5", "M1", 2024, 2025),  # added; S4 removed
        ]
    )
    kinds = {(c.staff_id, c.kind) for c in diff_plans(a, b)}
    assert kinds == {("S2", "moved"), ("S3", "term"), ("S4", "removed"), ("S5", "added")}


def test_ledger_counts_history_and_plan() -> None:
    # S1: 2019-2020 (2 years) and 2016-2018 (3 years) in the past, plus a
    # 2-year exchange in the plan: 7 years. S2: nothing past, 3 planned.
    s: Scenario = make_scenario(
        staff=[staff("S1"), staff("S2"), staff("K1", position=Position.MIDDLE)],
        history=[Exchange("S1", "M1", 2019, 2020), Exchange("S1", "X9", 2016, 2018)],
    )
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023), Exchange("S2", "M2", 2022, 2024)])
    assert s.exchange_years("S1", plan) == 7
    assert s.exchange_years("S2", plan) == 3
    assert s.exchange_years("K1", plan) == 0
    rows = {r.staff_id: r.exchange_years for r in staff_rows(s, plan)}
    assert rows == {"S1": 7, "S2": 3, "K1": 0}


def test_history_sheet_round_trips(tmp_path: Path) -> None:
    from planner.io.writer import write_scenario

    s = make_scenario(history=[Exchange("S1", "M1", 2019, 2020)])
    path = tmp_path / "h.xlsx"
    write_scenario(s, path)
    assert read_scenario(path).history == [Exchange("S1", "M1", 2019, 2020)]


@pytest.mark.parametrize("everywhere", [False, True])
def test_a_new_ban_is_named_as_the_reason(plan_2022: Plan, everywhere: bool) -> None:
    """A ban added after publication (BAN) forces the published exchange
    out, and the change says so, with the ban's note; the new plan keeps
    the ban and passes the audit."""
    from planner.data import Ban

    ex = next(e for e in plan_2022.exchanges if e.start_year >= 2023)
    base = STORY[2022]()
    ban = Ban(ex.staff_id, None if everywhere else ex.school_id, "家庭原因")
    banned = replace(base, bans=(*base.bans, ban))
    done = api.replan_scenario(banned, plan_2022, 2023, PARAMS, lang="en")
    where = "any school" if everywhere else ex.school_id
    expected = f"{ex.staff_id} may not be sent to {where} (BAN): 家庭原因"
    removed = [c for c in done.changes if c.before == ex]
    assert len(removed) == 1 and removed[0].reason == expected
    assert not any(
        e.staff_id == ex.staff_id and (everywhere or e.school_id == ex.school_id)
        for e in done.outcome.result.plan.exchanges
        if e.start_year >= 2023
    )
    assert audit(banned, done.outcome.result.plan).valid


def test_stable_at_its_floor_is_kept_without_a_solve(
    plan_2022: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing has to change: COVER's plan already keeps every published
    # exchange, which no plan can beat, so STABLE takes it as its optimum
    # without asking CP-SAT; the other levels are solved.
    solved: list[str] = []
    run = levels.Part._run

    def recording(part: levels.Part, *args: Any, **kwargs: Any) -> Any:
        solved.append(list(part.goals)[-1])
        return run(part, *args, **kwargs)

    monkeypatch.setattr(levels.Part, "_run", recording)
    done = api.replan_scenario(STORY[2022](), plan_2022, 2023, replace(PARAMS, processes=1))
    stable = next(lv for lv in done.outcome.result.levels if lv.name == "STABLE")
    assert (stable.status.value, stable.value, stable.bound) == ("optimal", 0, 0)
    assert "STABLE" not in solved
    assert {"COVER", "FAIR", "PREFER"} <= set(solved)
    assert done.changes == []


def test_a_change_of_someone_gone_from_the_staff_list_says_so_in_the_name() -> None:
    from planner.analysis.replan import Change
    from planner.i18n import use_language
    from planner.report.tables.sheets import change_rows

    gone = Exchange("NOBODY", "M1", 2023, 2024)
    change = Change("removed", "NOBODY", None, 2023, gone, None, "NOBODY left")
    with use_language("en"):
        (row,) = change_rows(make_scenario(), [change])
    assert (row.staff_id, row.before) == ("NOBODY", "M1 2023-2024")
    assert row.name == "(not on the staff list)"
    with use_language("zh"):
        (row,) = change_rows(make_scenario(), [change])
    assert row.name == "（不在本年教职工名单中）"
