"""Scenario sweeps: solve the cross product of policy parameter values.

``planner sweep SCENARIO --set max_age=45,50 --set ratio_later_years=5%,10%``
solves every combination (a *variant*) independently and writes one row of
KPIs (:data:`planner.report.kpi.KPI_COLUMNS`) per variant:

The grid key ``policy`` takes whole presets (``models/NAME.yaml`` by name,
or YAML files): ``--set policy=taishan-2022,national-2014,tenure-6``, alone
or crossed with parameters, which then override each preset.

* ``sweep.csv`` in the output directory, appended and flushed row by row as
  variants finish, so an interrupted sweep keeps every finished row; once
  the sweep ends (or is interrupted) it is rewritten in variant order;
* ``sweep.xlsx`` with sheets ``comparison`` (every variant), ``pareto`` (the
  variants no other variant beats on both of two chosen KPIs) and ``about``.

Each variant is one CP-SAT solve with one search worker and a fixed seed, so
a variant's row is the row :func:`planner.api.solve_scenario` gives for the
same policy (as long as solves end by proof, not by the time limit). Variants
run in local processes (``jobs`` at a time, one per core by default, so
nothing is oversubscribed) or, with ``scheduler``, as tasks on a Dask
cluster (``dask.distributed``, the optional extra ``[dask]``; start its
workers with one thread each). A worker gets the scenario workbook's bytes,
the policy file's bytes and the raw override strings, never solver objects,
so a remote worker needs no shared file system. A variant whose policy is
inconsistent (``term_min`` above ``term_max``) is a row with status
``invalid``; one without a plan a row with status ``infeasible`` or
``unknown``; an unexpected failure a row with status ``error``.
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner import api
from planner.analysis.sweep.grid import (
    PRESET_KEY,
    Grid,
    SweepError,
    Variant,
    check_grid,
    check_values,
    parse_grid,
    parse_set,
    preset_file,
    variants,
)
from planner.analysis.sweep.output import (
    CSV_NAME,
    XLSX_NAME,
    columns_of,
    csv_value,
    rows_frame,
    write_csv,
    write_workbook,
)
from planner.analysis.sweep.pareto import DEFAULT_PARETO, pareto_front, parse_pareto
from planner.analysis.sweep.runners import dask_results, local_results
from planner.analysis.sweep.variant import Row, SweepTask, solve_variant
from planner.i18n import _, ngettext

__all__ = [
    "CSV_NAME",
    "DEFAULT_PARETO",
    "PRESET_KEY",
    "XLSX_NAME",
    "SweepError",
    "SweepResult",
    "SweepTask",
    "Variant",
    "check_grid",
    "check_values",
    "pareto_front",
    "parse_grid",
    "parse_pareto",
    "parse_set",
    "preset_file",
    "rows_frame",
    "run_sweep",
    "solve_variant",
    "variants",
]

Progress = Callable[[str], None]


@dataclass
class SweepResult:
    """A finished (or interrupted) sweep: its table, front and files."""

    frame: pd.DataFrame
    pareto: pd.DataFrame
    pareto_axes: list[tuple[str, str]]
    csv_path: Path
    xlsx_path: Path
    interrupted: bool = False
    seconds: float = 0.0
    rows: dict[int, Row] = field(default_factory=dict)


@dataclass(frozen=True)
class _Setup:
    """A sweep's inputs, resolved: what every variant shares."""

    grid: Grid
    scenario_path: Path
    policy_path: Path | None
    time_limit: float
    seed: int

    def task_of(self, variant: Variant, scenario_data: bytes) -> SweepTask:
        """The worker's task for ``variant`` (a preset replaces the policy file)."""
        preset = dict(variant.overrides).get(PRESET_KEY)
        policy = preset_file(preset) if preset is not None else self.policy_path
        return SweepTask(
            scenario_name=self.scenario_path.name,
            scenario_data=scenario_data,
            policy_name=policy.name if policy else None,
            policy_data=policy.read_bytes() if policy else None,
            overrides=tuple((k, x) for k, x in variant.overrides if k != PRESET_KEY),
            time_limit=self.time_limit,
            seed=self.seed,
        )


def _describe(row: Row) -> str:
    parts = [str(row.get("status"))]
    for key in ("coverage", "fairness", "exchanges"):
        value = row.get(key)
        if value is not None:
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            parts.append(f"{key} {shown}")
    seconds = row.get("seconds")
    if isinstance(seconds, int | float):
        parts.append(f"({seconds:.1f}s)")
    return " ".join(parts)


def run_sweep(
    grid: Mapping[str, Sequence[object]],
    *,
    out_dir: str | Path,
    scenario: str | Path | None = None,
    policy_file: str | Path | None = None,
    jobs: int | None = None,
    scheduler: Any = None,
    time_limit: float = 60.0,
    seed: int = 0,
    pareto: str | Sequence[tuple[str, str]] = DEFAULT_PARETO,
    progress: Progress | None = None,
) -> SweepResult:
    """Solve every variant of ``grid`` and write ``sweep.csv`` and ``sweep.xlsx``.

    ``grid`` maps policy keys to raw values (see :func:`parse_grid`);
    ``scenario`` defaults to the built-in one. Local processes (``jobs``,
    default one per core) unless ``scheduler`` names a Dask scheduler (or is
    a ``Client``). On KeyboardInterrupt the finished rows are kept in both
    files and the interrupt is raised again.
    """
    started = time.perf_counter()
    checked = check_grid(grid)
    axes = parse_pareto(pareto) if isinstance(pareto, str) else list(pareto)
    log = progress or (lambda _message: None)
    scenario_path = Path(scenario) if scenario is not None else api.BUILTIN_SCENARIO
    policy_path = Path(policy_file) if policy_file is not None else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if PRESET_KEY in checked and policy_path is not None:
        raise SweepError(
            _("give either a policy file or --set {key}=..., not both").format(key=PRESET_KEY)
        )
    setup = _Setup(checked, scenario_path, policy_path, time_limit, seed)
    todo = variants(checked)
    scenario_data = scenario_path.read_bytes()
    tasks = [(v, setup.task_of(v, scenario_data)) for v in todo]
    csv_path, xlsx_path = out / CSV_NAME, out / XLSX_NAME
    where = _("Dask scheduler {address}").format(address=scheduler) if scheduler else None
    workers = jobs or os.cpu_count() or 1
    local = min(workers, len(todo))
    runner = where or ngettext("{n} local process", "{n} local processes", local).format(n=local)
    log(
        _("sweep: {n} variant(s) of {scenario} on {runner}, time limit {seconds}s each").format(
            n=len(todo), scenario=scenario_path.name, runner=runner, seconds=f"{time_limit:g}"
        )
    )
    results = (
        dask_results(tasks, scheduler)
        if scheduler is not None
        else local_results(tasks, min(workers, len(todo)))
    )
    rows, interrupted = _collect(results, len(todo), columns_of(checked), csv_path, log)
    frame = rows_frame([rows[i] for i in sorted(rows)], checked)
    front = pareto_front(frame, axes[0][0], axes[1][0], axes[0][1], axes[1][1])
    write_csv(frame, csv_path, columns_of(checked))
    about = _about(setup, len(todo), len(rows), interrupted, runner, axes)
    write_workbook(frame, front, about, xlsx_path)
    seconds = time.perf_counter() - started
    log(
        _("sweep: {done}/{n} variant(s) in {seconds}s").format(
            done=len(rows), n=len(todo), seconds=f"{seconds:.1f}"
        )
    )
    log(_("wrote {csv} and {xlsx}").format(csv=csv_path, xlsx=xlsx_path))
    result = SweepResult(frame, front, axes, csv_path, xlsx_path, interrupted, seconds, rows)
    if interrupted:
        raise KeyboardInterrupt
    return result


def _collect(
    results: Generator[tuple[Variant, Row], None, None],
    total: int,
    columns: list[str],
    csv_path: Path,
    log: Progress,
) -> tuple[dict[int, Row], bool]:
    """The finished rows by variant, each appended to ``csv_path`` and flushed
    as it arrives; and whether the sweep was interrupted."""
    rows: dict[int, Row] = {}
    interrupted = False
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        handle.flush()
        try:
            for variant, row in results:
                full: Row = {"variant": variant.index, **dict(variant.overrides), **row}
                rows[variant.index] = full
                writer.writerow([csv_value(full.get(c)) for c in columns])
                handle.flush()
                done = f"[{len(rows)}/{total}]"
                log(f"{done} #{variant.index} {variant.label()}: {_describe(row)}")
        except KeyboardInterrupt:
            results.close()
            interrupted = True
            log(_("sweep interrupted: keeping the {n} finished variant(s)").format(n=len(rows)))
    return rows, interrupted


def _about(
    setup: _Setup,
    total: int,
    finished: int,
    interrupted: bool,
    runner: str,
    axes: Sequence[tuple[str, str]],
) -> dict[str, object]:
    """The workbook's about sheet: what was swept, how, and how far it got."""
    return {
        "scenario": str(setup.scenario_path),
        "policy file": str(setup.policy_path) if setup.policy_path else "",
        "variants": total,
        "finished": finished,
        "interrupted": "yes" if interrupted else "no",
        "time limit (s)": setup.time_limit,
        "seed": setup.seed,
        "runner": runner,
        "pareto": ", ".join(f"{k} ({s})" for k, s in axes),
        "grid": "; ".join(f"{k}={','.join(v)}" for k, v in setup.grid.items()),
    }
