"""planner sweep: the grid, the runners (local processes, Dask), Pareto fronts, KPIs."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import make_scenario, need, staff

from planner import api
from planner.analysis.sweep import (
    SweepError,
    pareto_front,
    parse_grid,
    parse_pareto,
    preset_file,
    run_sweep,
    variants,
)
from planner.cli.sweep import sweep
from planner.data import Scenario
from planner.enums import Honor, Position
from planner.io.writer import write_scenario
from planner.model.solve import SolveParams
from planner.report.kpi import KPI_COLUMNS

GRID = {"max_age": ["45", "55"], "ratio_later_years": ["0.2", "0.9"]}
COMPARED = [c for c in KPI_COLUMNS if c != "seconds"] + ["message"]


def sweep_scenario() -> Scenario:
    """Ten staff at C1 (three middle cadres, two over 45, one without honours)
    and needs at both members in every year: feasible unless the later-year
    ratio asks for more starts than there are eligible staff."""
    people = [
        staff("S1"),
        staff("S2", subject="语文", position=Position.MIDDLE, honor=Honor.CITY),
        staff("S3", position=Position.MIDDLE, volunteer=True, preferred_school="M2"),
        staff("S4", subject="英语", position=Position.MIDDLE),
        staff("S5", subject="语文"),
        staff("S6", subject="英语", volunteer=True),
        staff("S7", birth_date=dt.date(1972, 5, 1)),
        staff("S8", subject="语文", birth_date=dt.date(1970, 1, 1), honor=Honor.PROVINCE),
        staff("S9", subject="英语", honor=Honor.SCHOOL),
        staff("S10", needs_experience=True),
    ]
    needs = [
        need(school, year, subject, count=count)
        for school, subject, count in (
            ("M1", "数学", 2),
            ("M1", "语文", 1),
            ("M2", "英语", 1),
            ("M2", "语文", 2),
        )
        for year in (2022, 2023, 2024)
    ]
    return make_scenario(staff=people, needs=needs)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "tiny.xlsx"
    write_scenario(sweep_scenario(), path)
    return path


@pytest.fixture(scope="module")
def local_frame(scenario_file: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("local")
    return run_sweep(GRID, out_dir=out, scenario=scenario_file, jobs=2, time_limit=30).frame


def one_by_one(scenario_file: Path, overrides: dict[str, str]) -> dict[str, object]:
    base = api.load_scenario(scenario_file)
    outcome = api.solve_scenario(
        api.with_policy(base, **overrides), SolveParams(time_limit=30, seed=0, workers=1)
    )
    row = api.kpis(outcome)
    row["message"] = "; ".join([*outcome.result.messages, *(str(c) for c in outcome.conflicts)])
    return row


def same(a: object, b: object) -> bool:
    def missing(v: object) -> bool:
        return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))

    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9)
    return a == b


# -- the grid --------------------------------------------------------------


def test_variants_are_the_cross_product_in_order() -> None:
    found = [v.overrides for v in variants(GRID)]
    assert found == [
        (("max_age", "45"), ("ratio_later_years", "0.2")),
        (("max_age", "45"), ("ratio_later_years", "0.9")),
        (("max_age", "55"), ("ratio_later_years", "0.2")),
        (("max_age", "55"), ("ratio_later_years", "0.9")),
    ]
    assert [v.index for v in variants(GRID)] == [1, 2, 3, 4]


def test_parse_grid_splits_values_and_semicolons() -> None:
    grid = parse_grid(["max_age=45, 50", "receiving_roles=fusion;fusion,alliance"])
    assert grid == {"max_age": ["45", "50"], "receiving_roles": ["fusion", "fusion,alliance"]}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("maxage=45,50", "unknown policy key 'maxage'"),
        ("max_age=45,old", "max_age: 'old' is not an age in whole years"),
        ("max_age=45,200", "max_age: '200' is not"),
        ("ratio_later_years=5%,150%", "'150%' is not a ratio"),
        ("min_honor=district,famous", "'famous' is not one of none, school"),
        ("max_age", "expected KEY=V1,V2"),
        ("max_age=", "no values"),
        ("max_age=45,45", "given twice"),
    ],
)
def test_bad_set_is_a_clear_error(option: str, message: str) -> None:
    with pytest.raises(SweepError, match=re.escape(message)):
        parse_grid([option])


def test_same_key_twice_is_an_error() -> None:
    with pytest.raises(SweepError, match="given twice"):
        parse_grid(["max_age=45", "max_age=50"])


def test_cli_bad_set_exits_2_with_message(scenario_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        sweep, [str(scenario_file), "--set", "max_age=45,abc", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "max_age: 'abc' is not an age in whole years" in result.output
    result = runner.invoke(sweep, [str(scenario_file), "--set", "nope=1", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown policy key 'nope'" in result.output
    result = runner.invoke(
        sweep,
        [str(scenario_file), "--set", "max_age=45", "--pareto", "coverage", "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "expected two KPIs" in result.output
    assert not (tmp_path / "sweep.csv").exists()


# -- Pareto fronts ----------------------------------------------------------


def test_pareto_front_on_a_hand_made_table() -> None:
    table = pd.DataFrame(
        {
            "variant": [1, 2, 3, 4, 5, 6, 7],
            "coverage": [10.0, 12.0, 12.0, 8.0, 15.0, None, 15.0],
            "exchanges": [5, 6, 7, 5, 9, 1, 9],
        }
    )
    # 1: (10, 5); 2: (12, 6); 3 is beaten by 2; 4 by 1; 5 and 7 tie (both kept);
    # 6 has no plan.
    front = pareto_front(table, "coverage", "exchanges", "max", "min")
    assert list(front["variant"]) == [5, 7, 2, 1]
    # Both maximised: only the largest coverage counts, exchanges too.
    both_max = pareto_front(table, "coverage", "exchanges", "max", "max")
    assert sorted(both_max["variant"]) == [5, 7]
    # No plan at all: an empty front with the table's columns.
    empty = pareto_front(table[table["variant"] == 6], "coverage", "exchanges")
    assert empty.empty and list(empty.columns) == list(table.columns)


def test_parse_pareto_senses() -> None:
    assert parse_pareto("coverage,exchanges") == [("coverage", "max"), ("exchanges", "min")]
    assert parse_pareto("fairness:max,cost") == [("fairness", "max"), ("cost", "min")]
    assert parse_pareto("cost:max, coverage:min") == [("cost", "max"), ("coverage", "min")]
    for bad in ("coverage", "coverage,nope", "coverage:up,cost", "cost,cost"):
        with pytest.raises(SweepError):
            parse_pareto(bad)


# -- running ------------------------------------------------------------------


def test_local_sweep_matches_one_by_one(local_frame: pd.DataFrame, scenario_file: Path) -> None:
    assert list(local_frame["variant"]) == [1, 2, 3, 4]
    statuses = list(local_frame["status"])
    assert "optimal" in statuses and "infeasible" in statuses  # rows, not crashes
    for record, variant in zip(local_frame.to_dict("records"), variants(GRID), strict=True):
        assert {k: record[k] for k in GRID} == dict(variant.overrides)
        expected = one_by_one(scenario_file, dict(variant.overrides))
        for key in COMPARED:
            assert same(record[key], expected[key]), (variant.label(), key)
    # A higher age cap can only help coverage here.
    feasible = local_frame[local_frame["status"] == "optimal"].set_index("max_age")
    assert feasible.loc["55", "coverage"] >= feasible.loc["45", "coverage"]


def test_sweep_writes_csv_and_workbook(scenario_file: Path, tmp_path: Path) -> None:
    result = run_sweep(
        {"max_age": [45, 55]},
        out_dir=tmp_path,
        scenario=scenario_file,
        jobs=1,
        time_limit=30,
        pareto="coverage,staff_placed",
    )
    with (tmp_path / "sweep.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["variant"] for r in rows] == ["1", "2"]
    assert [r["max_age"] for r in rows] == ["45", "55"]
    assert rows[0]["status"] == "optimal"
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "sweep.xlsx")
    assert wb.sheetnames == ["comparison", "pareto", "about"]
    header = [c.value for c in wb["comparison"][1]]
    assert header[:3] == ["variant", "max_age", "status"]
    assert wb["comparison"].max_row == 3
    assert wb["pareto"].max_row == 1 + len(result.pareto)


def test_interrupted_sweep_keeps_finished_rows(scenario_file: Path, tmp_path: Path) -> None:
    def progress(message: str) -> None:
        if message.startswith("[1/"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            {"max_age": [45, 50, 55]},
            out_dir=tmp_path,
            scenario=scenario_file,
            jobs=1,
            time_limit=30,
            progress=progress,
        )
    with (tmp_path / "sweep.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["status"] == "optimal"
    assert (tmp_path / "sweep.xlsx").exists()


def test_invalid_policy_combination_is_a_row(scenario_file: Path, tmp_path: Path) -> None:
    frame = run_sweep(
        {"term_min": [2, 4], "term_max": [3]},
        out_dir=tmp_path,
        scenario=scenario_file,
        jobs=1,
        time_limit=30,
    ).frame
    assert list(frame["status"]) == ["optimal", "invalid"]
    assert "term_min must not exceed term_max" in frame["message"][1]


def test_dask_sweep_equals_local_run(
    local_frame: pd.DataFrame, scenario_file: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        frame = run_sweep(
            GRID,
            out_dir=tmp_path,
            scenario=scenario_file,
            scheduler=cluster.scheduler_address,
            time_limit=30,
        ).frame
    columns = ["variant", *GRID, *COMPARED]
    pd.testing.assert_frame_equal(frame[columns], local_frame[columns])


# -- the API the notebooks use ------------------------------------------------


def test_kpi_frames_of_a_plan() -> None:
    outcome = api.solve_scenario(sweep_scenario(), SolveParams(time_limit=30))
    summary = api.kpis(outcome)
    frames = api.kpi_frames(outcome)
    assert summary["status"] == "optimal"
    assert summary["coverage"] == float(outcome.report.total_coverage)  # type: ignore[union-attr]
    assert set(frames) == {"coverage", "quota", "fairness", "cost", "sent"}
    cov = frames["coverage"]
    assert cov["weighted_covered"].sum() == summary["coverage"]
    assert (cov["covered"] <= cov["need"]).all()
    assert frames["fairness"]["ratio"].min() == summary["fairness"]
    quota = frames["quota"]
    assert (quota["slack"] >= 0).all()
    assert quota["slack"].sum() == summary["quota_slack"]
    sent = frames["sent"]
    assert sent["staff"].sum() == len(
        [e for e in outcome.result.plan.exchanges if e.start_year in range(2022, 2025)]
    )


def test_with_policy_overrides_and_checks() -> None:
    scenario = sweep_scenario()
    changed = api.with_policy(scenario, max_age=50, ratio_later_years="10%")
    assert changed.policy.max_age == 50
    assert str(changed.policy.ratio_later_years) == "0.1"
    assert scenario.policy.max_age == 45  # the original is untouched
    from planner.problems import ScenarioError

    with pytest.raises(ScenarioError, match="max_age"):
        api.with_policy(scenario, max_age="old")


def test_kpis_without_a_plan() -> None:
    outcome = api.solve_scenario(api.with_policy(sweep_scenario(), ratio_first_year=1))
    summary = api.kpis(outcome)
    assert summary["status"] == "infeasible"
    assert summary["coverage"] is None
    assert all(frame.empty for name, frame in api.kpi_frames(outcome).items() if name != "cost")


# -- policy presets as a sweep dimension ----------------------------------------


def test_sweep_over_presets_matches_one_by_one(scenario_file: Path, tmp_path: Path) -> None:
    grid = {"policy": ["taishan-2022", "national-2014"], "max_age": ["45", "55"]}
    frame = run_sweep(grid, out_dir=tmp_path, scenario=scenario_file, jobs=2, time_limit=30).frame
    assert list(frame["policy"]) == [
        "taishan-2022",
        "taishan-2022",
        "national-2014",
        "national-2014",
    ]
    for record in frame.to_dict("records"):
        base = api.load_scenario(scenario_file, preset_file(str(record["policy"])))
        assert base.policy.name == record["policy"]
        outcome = api.solve_scenario(
            api.with_policy(base, max_age=record["max_age"]),
            SolveParams(time_limit=30, seed=0, workers=1),
        )
        expected = api.kpis(outcome)
        for key in KPI_COLUMNS:
            if key != "seconds":
                assert same(record[key], expected[key]), (record["policy"], key)


def test_bad_preset_and_preset_with_policy_file(scenario_file: Path, tmp_path: Path) -> None:
    with pytest.raises(SweepError, match="no preset 'nowhere'"):
        parse_grid(["policy=taishan-2022,nowhere"])
    with pytest.raises(SweepError, match="not both"):
        run_sweep(
            {"policy": ["national-2014"]},
            out_dir=tmp_path,
            scenario=scenario_file,
            policy_file=preset_file("tenure-6"),
        )
