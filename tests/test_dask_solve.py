"""Independent groups solved on a Dask cluster (``--scheduler``): the same
plan as the local run, and a bad scheduler refused before any solving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_prices import binding_fund

from planner import api
from planner.cli import main
from planner.data import Scenario
from planner.examples.generate import write_generated
from planner.model import cluster as cluster_module
from planner.model.cluster import SchedulerError, check_scheduler
from planner.model.solve import SolveParams
from planner.results import SolveStatus

distributed = pytest.importorskip("dask.distributed")

# Three groups: COVER (3 tasks), FAIR in two waves (1 + 2), PREFER (3).
TASKS_PER_SOLVE = 9


@pytest.fixture(scope="module")
def city3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``planner generate --preset city --groups 3 --seed 1``."""
    path = tmp_path_factory.mktemp("city3") / "city3.xlsx"
    write_generated(path, "city", 3, 1)
    return path


@pytest.fixture(scope="module")
def scenario(city3: Path) -> Scenario:
    return api.load_scenario(city3)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def local(scenario: Scenario) -> api.Outcome:
    return api.solve_scenario(scenario, SolveParams(processes=1))


def _solved_on(cluster: Any) -> int:
    """Tasks the cluster's workers have finished so far."""
    prefix = cluster.scheduler.task_prefixes.get("run_task")
    return 0 if prefix is None else prefix.state_counts["memory"]


def test_cluster_plan_equals_the_local_plan_on_1_and_2_processes(
    scenario: Scenario, cluster: Any, local: api.Outcome
) -> None:
    two = api.solve_scenario(scenario, SolveParams(processes=2))
    before = _solved_on(cluster)
    lines: list[str] = []
    dask = api.solve_scenario(
        scenario, SolveParams(scheduler=cluster.scheduler_address, log=lines.append)
    )
    assert _solved_on(cluster) - before == TASKS_PER_SOLVE
    assert any("in 2 processes on Dask" in line for line in lines)
    assert local.result.status is SolveStatus.OPTIMAL
    assert dask.result.status is SolveStatus.OPTIMAL
    assert local.result.plan.exchanges  # a plan worth comparing
    assert dask.result.plan == local.result.plan == two.result.plan
    assert dask.result.objective == local.result.objective == two.result.objective
    assert dask.report is not None and dask.report.valid


def test_cli_solve_and_replan_on_the_cluster(
    city3: Path, scenario: Scenario, cluster: Any, local: api.Outcome, tmp_path: Path
) -> None:
    address = cluster.scheduler_address
    runner = CliRunner()
    solved = tmp_path / "plan.json"
    done = runner.invoke(
        main,
        ["solve", str(city3), "--scheduler", address, "--json", str(solved), "--quiet"],
    )
    assert done.exit_code == 0, done.output
    written = json.loads(solved.read_text(encoding="utf-8"))
    assert written == api.plan_document(local)
    # Replan from the second year against that plan: the same as in this process.
    year = min(scenario.years) + 1
    previous = api.read_plan(solved)
    here = api.replan_scenario(scenario, previous, year, SolveParams(processes=1))
    before = _solved_on(cluster)
    replanned = tmp_path / "replan.json"
    args = ["replan", str(city3), "--previous", str(solved), "--from-year", str(year)]
    done = runner.invoke(main, [*args, "--scheduler", address, "--json", str(replanned)])
    assert done.exit_code == 0, done.output
    assert _solved_on(cluster) > before
    document = json.loads(replanned.read_text(encoding="utf-8"))
    assert document["exchanges"] == api.plan_document(here.outcome)["exchanges"]
    assert f"{len(here.changes)} change(s) against the published plan" in done.output


@pytest.mark.parametrize(
    ("address", "lang", "says"),
    [
        ("nonsense", "en", "--scheduler 'nonsense' is not a Dask address"),
        ("tcp://127.0.0.1:1", "zh", "没有 Dask 调度器应答"),
    ],
)
def test_bad_scheduler_exits_2_before_solving(
    city3: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, lang: str, says: str
) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 1.0)
    out = tmp_path / "plan.json"
    done = CliRunner().invoke(
        main, ["solve", str(city3), "--scheduler", address, "--json", str(out), "--lang", lang]
    )
    assert done.exit_code == 2
    assert says in done.output
    assert done.output.strip().count("\n") == 0  # one line
    assert "solving" not in done.output and not out.exists()


def test_a_scheduler_without_workers_is_refused() -> None:
    with (
        distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty,
        pytest.raises(SchedulerError) as raised,
    ):
        check_scheduler(empty.scheduler_address)
    assert raised.value.reason == "no-workers"
    assert "没有任何 worker" in raised.value.message("zh")


def test_a_shared_fund_gives_the_same_plan_on_the_cluster_and_locally(cluster: Any) -> None:
    # The fund's prices send every group's PRICED solve to the cluster, each
    # round; the rounds, the master and the combination are the same there.
    funded = binding_fund()
    lines: list[str] = []
    one = api.solve_scenario(funded, SolveParams(processes=1, log=lines.append))
    assert any(line.startswith("fund prices: round") for line in lines)
    two = api.solve_scenario(funded, SolveParams(processes=2))
    dask = api.solve_scenario(funded, SolveParams(scheduler=cluster.scheduler_address))
    assert one.result.status is SolveStatus.OPTIMAL
    assert one.result.plan.exchanges
    assert dask.result.plan == one.result.plan == two.result.plan
    assert dask.result.objective == one.result.objective == two.result.objective
