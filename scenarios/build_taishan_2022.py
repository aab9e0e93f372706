"""Regenerate the built-in scenario ``scenarios/taishan-2022.xlsx``.

    python scenarios/build_taishan_2022.py [--seed 2022] [--out PATH]

The groups and schools are those of the 2022 Taishan plan's table; staff,
needs and capacities are synthetic example data from ``planner.examples.synthetic``
with a fixed seed, so the same command always rebuilds the same scenario.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from planner.examples.synthetic import (  # noqa: E402
    DEFAULT_SEED,
    feasibility_summary,
    write_taishan_scenario,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=HERE / "taishan-2022.xlsx")
    args = parser.parse_args(argv)
    scenario = write_taishan_scenario(args.out, args.seed)
    print(
        f"wrote {args.out}: {len(scenario.groups)} groups, {len(scenario.schools)} schools, "
        f"{len(scenario.staff)} staff, {len(scenario.needs)} needs (seed {args.seed})"
    )
    for line in feasibility_summary(scenario):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
