"""Write the plan JSON of the built-in scenario and of the three-year story.

Used to show that a change which should not alter behaviour does not: run it
before and after, then compare the two folders byte for byte::

    python scripts/golden_plans.py /tmp/before
    ... change ...
    python scripts/golden_plans.py /tmp/after
    diff -r /tmp/before /tmp/after

The plans come from the CLI (`planner solve` and `planner replan`), one CP-SAT
worker, proven optima, so the bytes depend only on the code and the data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SCENARIOS = HERE / "scenarios"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    planner = [sys.executable, "-m", "planner"]
    runs = [
        ["solve", "--quiet", "--json", out / "taishan-2022.json"],
        ["solve", SCENARIOS / "story-2022.xlsx", "--quiet", "--json", out / "story-2022.json"],
        [
            "replan",
            SCENARIOS / "story-2023.xlsx",
            "--previous",
            out / "story-2022.json",
            "--from-year",
            "2023",
            "--json",
            out / "story-2023.json",
        ],
        [
            "replan",
            SCENARIOS / "story-2024.xlsx",
            "--previous",
            out / "story-2023.json",
            "--from-year",
            "2024",
            "--json",
            out / "story-2024.json",
        ],
    ]
    for args in runs:
        subprocess.run([*planner, *map(str, args)], check=True, stdout=subprocess.DEVNULL)
    print(f"written {', '.join(sorted(p.name for p in out.glob('*.json')))} in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
