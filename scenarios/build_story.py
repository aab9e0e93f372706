"""Write the three-year replanning story's workbooks (synthetic example data).

    python scenarios/build_story.py

writes scenarios/story-2022.xlsx, story-2023.xlsx and story-2024.xlsx from
planner.examples.story (see its docstring for what changes each year). Then:

    planner solve scenarios/story-2022.xlsx --json out/p22.json
    planner replan scenarios/story-2023.xlsx --previous out/p22.json --from-year 2023 \
        --json out/p23.json
    planner replan scenarios/story-2024.xlsx --previous out/p23.json --from-year 2024 \
        --json out/p24.json
"""

from __future__ import annotations

from pathlib import Path

from planner.examples.story import STORY
from planner.io.writer import write_scenario

NOTES = [
    "三年轮岗示例：两个教育集团 2022-2025 的计划与逐年调整。人员、需求均为示例数据，并非真实人员。",
    "A three-year replanning story: synthetic example data made by scenarios/build_story.py.",
]


def main() -> None:
    here = Path(__file__).resolve().parent
    for year, build in STORY.items():
        path = here / f"story-{year}.xlsx"
        write_scenario(build(), path, notes=NOTES)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
