"""Benchmark the planner end to end and print the figures.

    .venv/bin/python benchmarks/bench.py [--workers N] [--seed S] [--csv out.csv] [SCENARIO ...]

For each scenario (default: the built-in Taishan scenario) it prints: read
time, model build time, solve time, status, coverage, bound, gap, variables,
constraints and peak memory (RSS of this process, which only grows; run one
scenario per process for a clean figure). Not a test: machines are noisy.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

from planner.api import BUILTIN_SCENARIO, load_scenario, solve_scenario
from planner.model.solve import SolveParams

COLUMNS = [
    "scenario",
    "staff",
    "workers",
    "read_s",
    "build_s",
    "solve_s",
    "total_s",
    "status",
    "coverage",
    "bound",
    "gap_pct",
    "variables",
    "constraints",
    "peak_rss_mb",
]


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(path: Path, params: SolveParams) -> dict[str, object]:
    t0 = time.perf_counter()
    scenario = load_scenario(path)
    read_s = time.perf_counter() - t0
    outcome = solve_scenario(scenario, params)
    total_s = time.perf_counter() - t0
    result = outcome.result
    coverage = result.objective.get("coverage")
    bound = result.objective.get("coverage_bound")
    gap = float((bound - coverage) / bound * 100) if coverage is not None and bound else 0.0
    return {
        "scenario": path.name,
        "staff": len(scenario.staff),
        "workers": params.workers,
        "read_s": round(read_s, 2),
        "build_s": round(result.build_seconds, 2),
        "solve_s": round(result.solve_seconds, 2),
        "total_s": round(total_s, 2),
        "status": result.status.value,
        "coverage": coverage,
        "bound": bound,
        "gap_pct": round(gap, 3),
        "variables": result.num_variables,
        "constraints": result.num_constraints,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=[BUILTIN_SCENARIO])
    parser.add_argument("--workers", type=int, default=SolveParams().workers)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--csv", type=Path, help="also write the table as CSV")
    args = parser.parse_args(argv)
    params = SolveParams(time_limit=args.time_limit, seed=args.seed, workers=args.workers)
    rows = [run(path, params) for path in args.scenarios]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS}
    print("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in COLUMNS))
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
