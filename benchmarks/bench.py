"""Benchmark the planner end to end and print the figures.

    .venv/bin/python benchmarks/bench.py [SCENARIO ...]
        [--instances builtin,city10,city40,city10-budget]
        [--workers 1,2,8] [--no-interleave] [--linearization-level N] [--no-decompose]
        [--compare-baseline] [--seed S] [--time-limit SEC] [--csv out.csv]

Instances: ``builtin`` (``scenarios/taishan-2022.xlsx``), generated ones named
``PRESET[GROUPS][-budget]`` (``district``, ``city10``, ``city40``,
``province20``, ``city10-budget``, ...; made by :mod:`planner.examples.generate` with
the fixed seed :data:`GENERATOR_SEED` and written as workbooks to a temporary
directory or ``--instance-dir``), or paths of scenario workbooks. Default:
the built-in scenario.

Each instance runs once per solver configuration (``--workers`` may list
several worker counts; ``--compare-baseline`` adds :data:`BASELINE`: one
model, no decomposition, eight workers, CP-SAT's default linearization and
no interleaving, close to a straightforward CP-SAT formulation), each run in
a fresh Python process so that its peak memory (RSS) is its own. Per run it
prints: read time, model build time, solve time, the rest (counting
pre-checks and audit), status, coverage, bound, gap, each goal level's
status and time, the slowest independent part, variables, constraints and
peak RSS; ``--csv`` writes the same table. Not a test: machines are noisy.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from planner.api import BUILTIN_SCENARIO, load_scenario, solve_scenario, write_outputs
from planner.examples.generate import PRESETS, write_generated
from planner.i18n import set_language
from planner.model.solve import SolveParams

GENERATOR_SEED = 1
DEFAULT_INSTANCES = "builtin"
# Beyond the solver's own time limit, what a run may take (reading, counting
# pre-checks, building, auditing) before it is stopped.
DEFAULT_OVERHEAD_S = 300.0
RESULT_MARKER = "BENCH-RESULT "

COLUMNS = [
    "instance",
    "config",
    "staff",
    "groups",
    "workers",
    "interleave",
    "linearization",
    "decompose",
    "presolve",
    "processes",
    "read_s",
    "build_s",
    "solve_s",
    "other_s",
    "write_s",
    "total_s",
    "status",
    "coverage",
    "bound",
    "gap_pct",
    "within_0.5pct_s",
    "fund_within_0.1pct_s",
    "bound_source",
    "levels",
    "parts",
    "slowest_part",
    "slowest_part_s",
    "variables",
    "constraints",
    "peak_rss_mb",
    "worker_rss_mb",
]

_INSTANCE = re.compile(r"(?P<preset>[a-z]+?)(?P<groups>\d+)?(?P<budget>-budget)?")
# A decomposed solve logs each part's level as "  GOAL GROUP: status value in 1.2s".
_PART_LINE = re.compile(r"^  (?P<goal>[A-Z]+) (?P<part>\S+): \w+ \S+ in (?P<s>[\d.]+)s$")
# A single model's progress: "  [COVER]   47.8s  best 5034  bound 5048".
_PROGRESS_LINE = re.compile(
    r"^  \[COVER\]\s+(?P<s>[\d.]+)s\s+best (?P<best>[\d.]+)\s+bound (?P<bound>[\d.]+)$"
)
# A shared fund's price round: "fund prices: round 7, bound 4963.99, best plan 4959 (9.5s)".
_PRICE_LINE = re.compile(
    r"^fund prices: round \d+, bound (?P<bound>[\d.]+), best plan (?P<best>\d+)"
)


@dataclass(frozen=True)
class Config:
    """The solver settings of one run (the fields of SolveParams that vary)."""

    label: str
    workers: int
    interleave: bool
    linearization_level: int
    decompose: bool
    presolve: bool = False
    processes: int | None = None
    gap: float = 0.0


# Close to a straightforward CP-SAT formulation: one model, CP-SAT's own
# defaults (presolve, linearization 1) on 8 workers. It keeps this planner's
# domain (no ineligible staff, no dominated lengths): what the baseline lacks
# is the decomposition, the staging and the measured settings.
BASELINE = Config(
    "baseline",
    workers=8,
    interleave=False,
    linearization_level=1,
    decompose=False,
    presolve=True,
    processes=1,
)


def peak_rss_mb() -> float:
    """This process's peak memory. ru_maxrss is in kilobytes on Linux."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_rss_mb() -> float:
    """The largest solver process's peak memory (0 without any): at most
    ``processes`` of them run beside this one."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# -- instances ---------------------------------------------------------------------


def resolve_instance(spec: str, directory: Path) -> Path:
    """The workbook of an instance name (generated into ``directory``) or path."""
    if spec == "builtin":
        return BUILTIN_SCENARIO
    match = _INSTANCE.fullmatch(spec)
    if match and match["preset"] in PRESETS:
        path = directory / f"{spec}-seed{GENERATOR_SEED}.xlsx"
        groups = int(match["groups"]) if match["groups"] else None
        started = time.perf_counter()
        scenario = write_generated(
            path, match["preset"], groups, GENERATOR_SEED, budget=bool(match["budget"])
        )
        print(
            f"generated {spec}: {len(scenario.groups)} groups, {len(scenario.staff)} staff "
            f"in {time.perf_counter() - started:.1f}s -> {path}",
            file=sys.stderr,
        )
        return path
    path = Path(spec)
    if not path.exists():
        raise SystemExit(f"unknown instance {spec!r}: not builtin, PRESET[N][-budget] or a file")
    return path


# -- one run (in a child process) ----------------------------------------------------


def run_one(
    name: str, path: Path, config: Config, seed: int, time_limit: float
) -> dict[str, object]:
    """Read, solve and audit one instance; the row of the table."""
    set_language("en")  # the log lines read below are the English ones
    lines: list[str] = []
    stamps: list[float] = []  # when each line was logged

    def log(line: str) -> None:
        stamps.append(time.perf_counter())
        lines.append(line)

    params = SolveParams(
        time_limit=time_limit,
        seed=seed,
        workers=config.workers,
        interleave=config.interleave,
        linearization_level=config.linearization_level,
        decompose=config.decompose,
        presolve=config.presolve,
        processes=config.processes,
        gap=config.gap,
        log=log,
    )
    t0 = time.perf_counter()
    scenario = load_scenario(path)
    read_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    outcome = solve_scenario(scenario, params)
    run_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planner-bench-out-") as out:
        write_outputs(
            outcome, roster=Path(out) / "roster.xlsx", json_path=Path(out) / "plan.json", lang="en"
        )
    write_s = time.perf_counter() - t2
    result = outcome.result
    coverage = result.objective.get("coverage")
    bound = result.objective.get("coverage_bound")
    gap = float((bound - coverage) / bound * 100) if coverage is not None and bound else 0.0
    per_part: dict[str, float] = defaultdict(float)
    for line in lines:
        m = _PART_LINE.match(line)
        if m:
            per_part[m["part"]] += float(m["s"])
    slowest = max(per_part, key=per_part.__getitem__, default="")
    within = ""  # when a single model's COVER first came within 0.5% of its bound
    for line in lines:
        m = _PROGRESS_LINE.match(line)
        if (
            m
            and float(m["bound"])
            and (float(m["bound"]) - float(m["best"])) / float(m["bound"]) <= 0.005
        ):
            within = m["s"]
            break
    # A shared fund: when the prices' best plan first came within 0.1% of their bound.
    fund_within = ""
    for stamp, line in zip(stamps, lines, strict=True):
        m = _PRICE_LINE.match(line)
        if m and (float(m["bound"]) - float(m["best"])) / float(m["bound"]) <= 0.001:
            fund_within = round(stamp - t1, 1)
            break
    return {
        "instance": name,
        "config": config.label,
        "staff": len(scenario.staff),
        "groups": len(scenario.groups),
        "workers": config.workers,
        "interleave": config.interleave,
        "linearization": config.linearization_level,
        "decompose": config.decompose,
        "presolve": config.presolve,
        "processes": config.processes or "cores",
        "read_s": round(read_s, 2),
        "build_s": round(result.build_seconds, 2),
        "solve_s": round(result.solve_seconds, 2),
        "other_s": round(run_s - result.build_seconds - result.solve_seconds, 2),
        "write_s": round(write_s, 2),
        "total_s": round(read_s + run_s + write_s, 2),
        "status": result.status.value,
        "coverage": coverage,
        "bound": bound,
        "gap_pct": round(gap, 3),
        "within_0.5pct_s": within,
        "fund_within_0.1pct_s": fund_within,
        "bound_source": result.levels[0].bound_source.value if result.levels else "",
        "levels": "; ".join(
            f"{lv.name} {lv.status.value} {lv.seconds:.1f}s" for lv in result.levels
        ),
        "parts": max(len(per_part), 1),
        "slowest_part": slowest,
        "slowest_part_s": round(per_part[slowest], 2) if slowest else "",
        "variables": result.num_variables,
        "constraints": result.num_constraints,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "worker_rss_mb": round(worker_rss_mb(), 1),
    }


def run_in_child(
    name: str, path: Path, config: Config, seed: int, time_limit: float, overhead: float
) -> dict[str, object]:
    """:func:`run_one` in a fresh interpreter (its own peak RSS), bounded in time."""
    job = {
        "name": name,
        "path": str(path),
        "config": asdict(config),
        "seed": seed,
        "time_limit": time_limit,
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(job)]
    empty: dict[str, object] = {c: "" for c in COLUMNS}
    empty.update(instance=name, config=config.label, workers=config.workers)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=time_limit + overhead, check=False
        )
    except subprocess.TimeoutExpired:
        return {**empty, "status": f"killed after {time_limit + overhead:g}s"}
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            row: dict[str, object] = json.loads(line.removeprefix(RESULT_MARKER))
            return row
    tail = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
    return {**empty, "status": f"error: {tail[0]}"}


def _child(job_text: str) -> int:
    job = json.loads(job_text)
    row = run_one(
        job["name"], Path(job["path"]), Config(**job["config"]), job["seed"], job["time_limit"]
    )
    print(RESULT_MARKER + json.dumps(row, default=str), flush=True)
    return 0


# -- the table --------------------------------------------------------------------------


def configs(
    workers: list[int],
    interleave: bool,
    level: int,
    decompose: bool,
    presolve: bool = False,
    processes: int | None = None,
    gap: float = 0.0,
) -> list[Config]:
    out = []
    for n in workers:
        label = f"w{n}" + ("-interleave" if interleave and n > 1 else "")
        label += "" if decompose else "-single"
        label += "-presolve" if presolve else ""
        label += f"-p{processes}" if processes else ""
        label += f"-gap{gap:g}" if gap else ""
        out.append(
            Config(label, n, interleave and n > 1, level, decompose, presolve, processes, gap)
        )
    return out


def print_table(rows: list[dict[str, object]]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in COLUMNS}
    print("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in COLUMNS))


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["--child"]:
        return _child(args_in[1])
    defaults = SolveParams()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, help="scenario workbooks")
    parser.add_argument(
        "--instances",
        help="comma-separated: builtin, PRESET[GROUPS][-budget] (e.g. city10-budget), or paths "
        f"(default without SCENARIOs: {DEFAULT_INSTANCES})",
    )
    parser.add_argument(
        "--workers",
        default=str(defaults.workers),
        help="worker count(s), comma-separated: one run per count",
    )
    parser.add_argument(
        "--no-interleave",
        dest="interleave",
        action="store_false",
        help="with several workers, CP-SAT's default portfolio instead of interleaved search",
    )
    parser.add_argument("--linearization-level", type=int, default=defaults.linearization_level)
    parser.add_argument(
        "--no-decompose",
        dest="decompose",
        action="store_false",
        help="one model even where groups are independent",
    )
    parser.add_argument(
        "--presolve", action="store_true", help="CP-SAT's presolve on (the planner's is off)"
    )
    parser.add_argument(
        "--processes", type=int, help="processes for independent groups (default: one per core)"
    )
    parser.add_argument(
        "--gap", type=float, default=0.0, help="stop each level within this relative gap"
    )
    parser.add_argument(
        "--compare-baseline",
        action="store_true",
        help="also run each instance with one model and CP-SAT's defaults on 8 workers "
        "(presolve, linearization 1, no interleave)",
    )
    parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
    parser.add_argument("--time-limit", type=float, default=300.0, help="solver limit per run")
    parser.add_argument(
        "--overhead",
        type=float,
        default=DEFAULT_OVERHEAD_S,
        help="seconds a run may take beyond --time-limit before it is stopped",
    )
    parser.add_argument("--instance-dir", type=Path, help="where generated instances are written")
    parser.add_argument("--csv", type=Path, help="also write the table as CSV")
    args = parser.parse_args(args_in)

    specs = [str(p) for p in args.scenarios]
    if args.instances:
        specs += [s.strip() for s in args.instances.split(",") if s.strip()]
    specs = specs or DEFAULT_INSTANCES.split(",")
    runs = configs(
        [int(w) for w in args.workers.split(",")],
        args.interleave,
        args.linearization_level,
        args.decompose,
        args.presolve,
        args.processes,
        args.gap,
    )
    if args.compare_baseline:
        runs.append(BASELINE)

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        directory = args.instance_dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        for spec in specs:
            path = resolve_instance(spec, directory)
            name = (
                "builtin"
                if spec == "builtin"
                else Path(spec).stem
                if spec.endswith(".xlsx")
                else spec
            )
            for config in runs:
                row = run_in_child(name, path, config, args.seed, args.time_limit, args.overhead)
                rows.append(row)
                print(
                    f"{name} {config.label}: {row['status']} coverage {row['coverage']} "
                    f"bound {row['bound']} total {row['total_s']}s",
                    file=sys.stderr,
                    flush=True,
                )
    print_table(rows)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
