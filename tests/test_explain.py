"""Why was this person sent, and why not that one: numbers worked by hand."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from conftest import make_scenario, need, staff

from planner.analysis.explain import explain, find_staff
from planner.cli import main
from planner.data import Exchange, Honor, Plan, Role
from planner.io.writer import write_scenario
from planner.policy import Policy

# No quotas, so only needs decide who goes.
FREE = Policy(ratio_first_year=Decimal(0), ratio_later_years=Decimal(0), cadre_min_first_year=0)


def world():  # type: ignore[no-untyped-def]
    # S1 is the only maths teacher; M1 wants one in 2022 with priority 2.
    # S2 teaches Chinese, which nobody needs; S4 lacks honour and level.
    return make_scenario(
        staff=[
            staff("S1"),
            staff("S2", subject="语文"),
            staff("S4", honor=Honor.SCHOOL, level_ok=False),
        ],
        needs=[need("M1", 2022, "数学", priority=Decimal(2))],
        policy=FREE,
    )


def test_placed_person_serves_a_need_and_losing_them_costs_its_priority() -> None:
    s = world()
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    info = explain(s, plan, "S1", lang="en")
    assert info.placed
    assert any(line.startswith("COVER M1 2022 数学: 1 of 1") for line in info.serves)
    assert info.coverage == 2
    # Without S1 no one else teaches maths: coverage 0, a loss of 2.
    assert info.alternative_coverage == 0
    assert "loss 2" in info.sentences[-1]


def test_unplaced_eligible_person_forced_in_costs_nothing_here() -> None:
    s = world()
    plan = Plan.of([Exchange("S1", "M1", 2022, 2023)])
    info = explain(s, plan, "S2", lang="en")
    assert not info.placed and info.ineligible == {}
    assert len(info.alternative_exchanges) == 1  # their best placement
    assert info.alternative_coverage == 2  # S1 still covers the maths need
    # Nobody teaching Chinese went anywhere; sending S2 changes no goal's
    # value but PREFER/COST/FAIR, or none: the sentence names which.
    assert info.instead == ["nobody of the same subject serves where and when they would have"]
    assert info.deciding


def test_years_served_and_only_needs_of_those_years() -> None:
    # M1 also wants maths in 2024; S1 serves 2022-2023, so never that need.
    s = replace(world(), needs=[*world().needs, need("M1", 2024, "数学")])
    info = explain(s, Plan.of([Exchange("S1", "M1", 2022, 2023)]), "S1", lang="en")
    assert info.years_served == [2022, 2023]
    assert info.sentences[0] == "S1 教师S1 at M1 2022-2023, years actually served: 2022, 2023."
    assert [line for line in info.serves if line.startswith("COVER")] == [
        "COVER M1 2022 数学: 1 of 1 covered, priority 2 (counted)"
    ]
    # This plan leaves 2024 uncovered; without S1 none of it can be.
    assert info.coverage == 2 and info.alternative_coverage == 0


def test_eligible_person_at_home_names_who_went_instead_and_the_goal() -> None:
    # S1 (volunteer) and S5 both teach maths; the plan sends S1 to M1 for
    # 2022-2024, covering both needs (2 + 1). Sending S5 instead covers the
    # same: PREFER (volunteers first) decided.
    s = make_scenario(
        staff=[staff("S1", volunteer=True), staff("S5", name="王五")],
        needs=[need("M1", 2022, "数学", priority=Decimal(2)), need("M1", 2024, "数学")],
        policy=replace(FREE, receiving_roles=frozenset({Role.FUSION})),
    )
    plan = Plan.of([Exchange("S1", "M1", 2022, 2024)])
    info = explain(s, plan, "S5", lang="zh")
    assert info.alternative_exchanges[0].school_id == "M1"
    assert info.instead == ["S1 教师S1 去了此人本可去的 M1"]
    assert info.deciding.startswith("决定因素：PREFER")
    assert find_staff(s, "王五") == ["S5"] and find_staff(s, "S1") == ["S1"]


def test_unplaced_ineligible_person_gets_rule_ids_per_year() -> None:
    info = explain(world(), Plan.of([]), "S4")
    assert info.ineligible == {
        2022: ["HONOR", "LEVEL"],
        2023: ["HONOR", "LEVEL"],
        2024: ["HONOR", "LEVEL"],
    }
    assert info.alternative_status is None  # nothing to re-solve
    assert info.limits == [
        "荣誉 校级，要求至少 区级（荣誉 HONOR）",
        "未取得要求的等级认定（水平 LEVEL）",
    ]


def test_ineligible_person_gets_values_against_the_limits() -> None:
    old = staff("S9", birth_date=dt.date(1977, 3, 1), honor=Honor.SCHOOL)
    s = replace(world(), staff=[*world().staff, old])
    info = explain(s, Plan.of([]), "S9", lang="en")
    # 45 on 1 September 2022 is within the limit; 46 in 2023 is not.
    assert info.limits == [
        "honour school, needs district (HONOR)",
        "2023: age 46 on 1 September, limit 45 (AGE)",
        "2024: age 47 on 1 September, limit 45 (AGE)",
    ]
    assert info.to_json()["ineligible"] == {
        "2022": ["HONOR"],
        "2023": ["AGE", "HONOR"],
        "2024": ["AGE", "HONOR"],
    }


def test_explain_command_finds_by_name_and_refuses_an_ambiguous_one(tmp_path: Path) -> None:
    s = replace(world(), staff=[*world().staff, staff("S7", name="教师S1", subject="语文")])
    book, plan = tmp_path / "s.xlsx", tmp_path / "p.json"
    write_scenario(replace(s, staff=world().staff), book)
    plan.write_text(json.dumps({"exchanges": []}), encoding="utf-8")
    ok = CliRunner().invoke(main, ["explain", str(book), str(plan), "教师S4", "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert "honour school, needs district (HONOR)" in ok.output
    write_scenario(s, book)
    twice = CliRunner().invoke(main, ["explain", str(book), str(plan), "教师S1"])
    assert twice.exit_code == 2
    assert "names 2 staff: S1 C1, S7 C1" in twice.output
