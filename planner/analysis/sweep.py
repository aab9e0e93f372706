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
import hashlib
import itertools
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from openpyxl import Workbook

from planner import api
from planner.io.policy_file import MODELS_DIR, load_policy
from planner.io.reader import read_scenario
from planner.io.xlsx import (
    VIOLATION_FILL,
    fill_row,
    fit_columns,
    save_atomic,
    style_header,
    write_table,
)
from planner.model.solve import SolveParams
from planner.policy import PARAMETERS
from planner.problems import ScenarioError
from planner.report.kpi import KPI_COLUMNS, KPI_SENSE

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

CSV_NAME = "sweep.csv"
XLSX_NAME = "sweep.xlsx"
DEFAULT_PARETO = "coverage,exchanges"
EXTRA_COLUMNS = ("message",)
# The grid key whose values are whole policy presets (models/NAME.yaml or a
# YAML file) rather than one parameter: ``--set policy=taishan-2022,national-2014``.
PRESET_KEY = "policy"

Grid = dict[str, list[str]]
Row = dict[str, object]
Progress = Callable[[str], None]


class SweepError(ValueError):
    """A bad ``--set`` or ``--pareto`` value; the message says what is expected."""


# ---------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------


def parse_set(text: str) -> tuple[str, list[str]]:
    """``KEY=V1,V2,...`` as the key and its raw values, each checked.

    Values are separated by commas, or by semicolons when there is one, for
    values that hold commas themselves:
    ``receiving_roles=fusion;fusion,alliance``.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise SweepError(f"--set {text!r}: expected KEY=V1,V2,... (e.g. max_age=45,50)")
    splitter = ";" if ";" in raw else ","
    values = [v.strip() for v in raw.split(splitter) if v.strip()]
    check_values(key, values)
    return key, values


def preset_file(value: str) -> Path:
    """A policy preset's file: a name in ``models/`` (``national-2014``) or a YAML path."""
    text = value.strip()
    if text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text:
        return Path(text)
    return MODELS_DIR / f"{text}.yaml"


def _check_preset(value: str) -> None:
    path = preset_file(value)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in MODELS_DIR.glob("*.yaml")))
        raise SweepError(
            f"--set {PRESET_KEY}: no preset {value!r} ({path} does not exist); "
            f"presets in models/: {known}; or give a YAML file"
        )
    try:
        load_policy(path)
    except ScenarioError as exc:
        raise SweepError(f"--set {PRESET_KEY}: {value!r}: {exc}") from None


def check_values(key: str, values: Sequence[str]) -> None:
    """Raise :class:`SweepError` unless ``key`` is a policy key (or ``policy``,
    a preset) and every value parses."""
    if key not in PARAMETERS and key != PRESET_KEY:
        raise SweepError(
            f"--set: unknown policy key {key!r}; known keys: {PRESET_KEY} (a preset), "
            + ", ".join(PARAMETERS)
        )
    if not values:
        raise SweepError(f"--set {key}: no values")
    for value in values:
        if key == PRESET_KEY:
            _check_preset(value)
            continue
        parser, expected = PARAMETERS[key]
        try:
            parser(value)
        except (ValueError, TypeError):
            raise SweepError(f"--set {key}: {value!r} is not {expected}") from None
    duplicates = sorted({str(v) for v in values if list(values).count(v) > 1})
    if duplicates:
        raise SweepError(f"--set {key}: value(s) given twice: {', '.join(duplicates)}")


def parse_grid(sets: Iterable[str]) -> Grid:
    """Every ``--set`` option as one grid: key -> raw values, in the given order."""
    grid: Grid = {}
    for text in sets:
        key, values = parse_set(text)
        if key in grid:
            raise SweepError(f"--set {key}: given twice; list all its values in one --set")
        grid[key] = values
    if not grid:
        raise SweepError("give at least one --set KEY=V1,V2,...")
    return grid


def check_grid(grid: Mapping[str, Sequence[object]]) -> Grid:
    """A grid given in Python (values may be numbers) as raw strings, checked."""
    if not grid:
        raise SweepError("the grid is empty: give at least one key and its values")
    out: Grid = {}
    for key, values in grid.items():
        texts = [str(v) for v in values]
        check_values(key, texts)
        out[key] = texts
    return out


@dataclass(frozen=True)
class Variant:
    """One combination of the grid's values (``index`` counts from 1)."""

    index: int
    overrides: tuple[tuple[str, str], ...]

    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.overrides)


def variants(grid: Mapping[str, Sequence[str]]) -> list[Variant]:
    """The cross product of the grid, the last key varying fastest."""
    keys = list(grid)
    return [
        Variant(i, tuple(zip(keys, combo, strict=True)))
        for i, combo in enumerate(itertools.product(*(grid[k] for k in keys)), start=1)
    ]


# ---------------------------------------------------------------------------
# One variant (runs in a worker process or on a Dask worker)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepTask:
    """What a worker needs for one variant: file contents and raw strings only."""

    scenario_name: str
    scenario_data: bytes
    policy_name: str | None
    policy_data: bytes | None
    overrides: tuple[tuple[str, str], ...]
    time_limit: float
    seed: int


_CACHE: dict[str, api.Scenario] = {}
_CACHE_LOCK = threading.Lock()


def _base_scenario(task: SweepTask) -> api.Scenario:
    """The task's scenario as read from its bytes, once per worker."""
    digest = hashlib.sha256(task.scenario_data + b"\0" + (task.policy_data or b"")).hexdigest()
    with _CACHE_LOCK:
        cached = _CACHE.get(digest)
        if cached is not None:
            return cached
        with tempfile.TemporaryDirectory(prefix="planner-sweep-") as tmp:
            scenario_path = Path(tmp) / Path(task.scenario_name).name
            scenario_path.write_bytes(task.scenario_data)
            policy_path: Path | None = None
            if task.policy_data is not None:
                policy_path = Path(tmp) / Path(task.policy_name or "policy.yaml").name
                policy_path.write_bytes(task.policy_data)
            scenario = read_scenario(scenario_path, policy_path)
        _CACHE[digest] = scenario
        return scenario


def _empty_row(status: str, message: str) -> Row:
    row: Row = dict.fromkeys(KPI_COLUMNS)
    row["status"] = status
    row["message"] = message
    return row


def solve_variant(task: SweepTask) -> Row:
    """Solve one variant (one CP-SAT worker, the task's seed); its KPI row.

    Never raises for a bad variant: an inconsistent policy gives status
    ``invalid``, any other failure status ``error``, each with a message.
    """
    started = time.perf_counter()
    try:
        base = _base_scenario(task)
        try:
            scenario = api.with_policy(base, **dict(task.overrides))
        except ScenarioError as exc:
            return _empty_row("invalid", " ".join(str(exc).split()))
        params = SolveParams(time_limit=task.time_limit, seed=task.seed, workers=1, processes=1)
        outcome = api.solve_scenario(scenario, params)
        row = api.kpis(outcome)
        notes = [*outcome.result.messages, *(str(c) for c in outcome.conflicts)]
        row["message"] = "; ".join(notes)
        row["seconds"] = round(time.perf_counter() - started, 3)
        return row
    except Exception as exc:  # a sweep reports a broken variant, it does not stop
        row = _empty_row("error", f"{type(exc).__name__}: {exc}")
        row["seconds"] = round(time.perf_counter() - started, 3)
        return row


# ---------------------------------------------------------------------------
# Pareto fronts
# ---------------------------------------------------------------------------


def parse_pareto(text: str) -> list[tuple[str, str]]:
    """``KPI1,KPI2`` (each optionally ``:max`` or ``:min``) as two (kpi, sense) pairs.

    Without a suffix a KPI takes its natural sense (:data:`planner.report.kpi.KPI_SENSE`):
    coverage and fairness are maximised, exchanges, cost and the rest minimised.
    """
    items = [item.strip() for item in text.split(",") if item.strip()]
    if len(items) != 2:
        raise SweepError(f"--pareto {text!r}: expected two KPIs, e.g. {DEFAULT_PARETO}")
    out: list[tuple[str, str]] = []
    for item in items:
        name, _, sense = item.partition(":")
        name, sense = name.strip(), sense.strip().lower()
        if name not in KPI_SENSE:
            raise SweepError(
                f"--pareto: unknown KPI {name!r}; one of " + ", ".join(sorted(KPI_SENSE))
            )
        if sense and sense not in ("max", "min"):
            raise SweepError(f"--pareto: {item!r}: the sense is max or min")
        out.append((name, sense or KPI_SENSE[name]))
    if out[0][0] == out[1][0]:
        raise SweepError(f"--pareto {text!r}: two different KPIs are needed")
    return out


def pareto_front(
    frame: pd.DataFrame, x: str, y: str, x_sense: str = "max", y_sense: str = "min"
) -> pd.DataFrame:
    """The rows of ``frame`` that no other row beats on ``x`` and ``y``.

    A row is dominated when another is at least as good on both (``max``:
    larger is better, ``min``: smaller) and better on one. Rows missing
    either value (no plan) take no part; rows equal on both are all kept.
    The front comes sorted by ``x``, best first.
    """
    valid = frame.dropna(subset=[x, y])
    sx = 1.0 if x_sense == "max" else -1.0
    sy = 1.0 if y_sense == "max" else -1.0
    points = [(sx * float(a), sy * float(b)) for a, b in zip(valid[x], valid[y], strict=True)]
    keep = [
        not any(
            qx >= px and qy >= py and (qx > px or qy > py)
            for j, (qx, qy) in enumerate(points)
            if j != i
        )
        for i, (px, py) in enumerate(points)
    ]
    front = valid[pd.Series(keep, index=valid.index, dtype=bool)]
    return front.sort_values([x, y], ascending=[x_sense == "min", y_sense == "min"])


# ---------------------------------------------------------------------------
# Running a sweep
# ---------------------------------------------------------------------------


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


def _columns(grid: Mapping[str, Sequence[str]]) -> list[str]:
    return ["variant", *grid, *KPI_COLUMNS, *EXTRA_COLUMNS]


# KPI columns holding counts: whole numbers, blank without a plan.
COUNT_COLUMNS = ("exchanges", "staff_placed", "cadres_sent", "quota_slack", "violations")


def rows_frame(rows: Sequence[Row], grid: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Sweep rows as a frame: columns ``variant``, the grid's keys, the KPIs,
    ``message``; counts as nullable integers, the rest as given."""
    frame = pd.DataFrame(list(rows), columns=_columns(grid))
    return frame.astype({c: "Int64" for c in ("variant", *COUNT_COLUMNS)})


def _csv_value(value: object) -> object:
    return "" if value is None else value


def _local_results(
    tasks: Sequence[tuple[Variant, SweepTask]], jobs: int
) -> Generator[tuple[Variant, Row], None, None]:
    """Variants solved in ``jobs`` local processes, yielded as they finish."""
    # spawn: a fresh interpreter per worker, never a fork of a process that
    # may already run solver threads (a notebook, a Dask client).
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    futures: dict[Future[Row], Variant] = {
        pool.submit(solve_variant, task): variant for variant, task in tasks
    }
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        # Interrupted (or the consumer stopped): drop what has not started and
        # stop what runs rather than wait for solves nobody will read.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _dask_results(
    tasks: Sequence[tuple[Variant, SweepTask]], scheduler: Any
) -> Generator[tuple[Variant, Row], None, None]:
    """Variants solved as tasks on a Dask cluster, yielded as they finish.

    ``scheduler`` is the scheduler's address or a ``dask.distributed.Client``.
    """
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = client.map(solve_variant, [task for _, task in tasks], pure=False)
        by_key = {future.key: variant for future, (variant, _) in zip(futures, tasks, strict=True)}
        try:
            for future in dask_completed(futures):
                try:
                    row = future.result()
                except Exception as exc:  # a lost worker, a task killed
                    row = _empty_row("error", f"{type(exc).__name__}: {exc}")
                yield by_key[future.key], row
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()


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
        raise SweepError(f"give either a policy file or --set {PRESET_KEY}=..., not both")
    todo = variants(checked)
    scenario_data = scenario_path.read_bytes()

    def task_of(v: Variant) -> SweepTask:
        preset = dict(v.overrides).get(PRESET_KEY)
        policy = preset_file(preset) if preset is not None else policy_path
        return SweepTask(
            scenario_name=scenario_path.name,
            scenario_data=scenario_data,
            policy_name=policy.name if policy else None,
            policy_data=policy.read_bytes() if policy else None,
            overrides=tuple((k, x) for k, x in v.overrides if k != PRESET_KEY),
            time_limit=time_limit,
            seed=seed,
        )

    tasks = [(v, task_of(v)) for v in todo]
    columns = _columns(checked)
    csv_path, xlsx_path = out / CSV_NAME, out / XLSX_NAME
    rows: dict[int, Row] = {}
    interrupted = False
    where = f"Dask scheduler {scheduler}" if scheduler is not None else None
    workers = jobs or os.cpu_count() or 1
    log(
        f"sweep: {len(todo)} variant(s) of {scenario_path.name} on "
        f"{where or f'{min(workers, len(todo))} local process(es)'}, "
        f"time limit {time_limit:g}s each"
    )
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        handle.flush()
        results = (
            _dask_results(tasks, scheduler)
            if scheduler is not None
            else _local_results(tasks, min(workers, len(todo)))
        )
        try:
            for variant, row in results:
                full: Row = {"variant": variant.index, **dict(variant.overrides), **row}
                rows[variant.index] = full
                writer.writerow([_csv_value(full.get(c)) for c in columns])
                handle.flush()
                done = f"[{len(rows)}/{len(todo)}]"
                log(f"{done} #{variant.index} {variant.label()}: {_describe(row)}")
        except KeyboardInterrupt:
            results.close()
            interrupted = True
            log(f"sweep interrupted: keeping the {len(rows)} finished variant(s)")
    frame = rows_frame([rows[i] for i in sorted(rows)], checked)
    front = pareto_front(frame, axes[0][0], axes[1][0], axes[0][1], axes[1][1])
    _write_csv(frame, csv_path, columns)
    about = {
        "scenario": str(scenario_path),
        "policy file": str(policy_path) if policy_path else "",
        "variants": len(todo),
        "finished": len(rows),
        "interrupted": "yes" if interrupted else "no",
        "time limit (s)": time_limit,
        "seed": seed,
        "runner": where or f"{min(workers, len(todo))} local process(es)",
        "pareto": ", ".join(f"{k} ({s})" for k, s in axes),
        "grid": "; ".join(f"{k}={','.join(v)}" for k, v in checked.items()),
    }
    _write_workbook(frame, front, about, xlsx_path)
    seconds = time.perf_counter() - started
    log(f"sweep: {len(rows)}/{len(todo)} variant(s) in {seconds:.1f}s")
    log(f"wrote {csv_path} and {xlsx_path}")
    result = SweepResult(frame, front, axes, csv_path, xlsx_path, interrupted, seconds, rows)
    if interrupted:
        raise KeyboardInterrupt
    return result


def _write_csv(frame: pd.DataFrame, path: Path, columns: list[str]) -> None:
    """The whole table in variant order, replacing the incremental file atomically."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            _write_rows(handle, frame, columns)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _write_rows(handle: TextIO, frame: pd.DataFrame, columns: list[str]) -> None:
    writer = csv.writer(handle)
    writer.writerow(columns)
    for record in frame.to_dict("records"):
        writer.writerow([_csv_value(_plain(record.get(c))) for c in columns])


def _plain(value: object) -> object:
    """A frame cell as a plain value (NaN -> None, numpy scalars -> Python)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _write_workbook(
    frame: pd.DataFrame, front: pd.DataFrame, about: Mapping[str, object], path: Path
) -> None:
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    header = [str(c) for c in frame.columns]
    for name, table in (("comparison", frame), ("pareto", front)):
        ws = wb.create_sheet(name)
        records = [[_plain(r.get(c)) for c in header] for r in table.to_dict("records")]
        write_table(ws, header, records)
        status_col = header.index("status")
        for r, record in enumerate(records, start=2):
            if record[status_col] not in ("optimal", "feasible"):
                fill_row(ws, r, len(header), VIOLATION_FILL)
        style_header(ws, len(header))
        fit_columns(ws)
    ws = wb.create_sheet("about")
    write_table(ws, ["item", "value"], [[k, v] for k, v in about.items()])
    style_header(ws, 2)
    fit_columns(ws)
    save_atomic(wb, path)
