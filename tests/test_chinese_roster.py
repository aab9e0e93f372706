"""No English word in a Chinese roster of the built-in scenario (issue 14):
ids (staff, schools, groups, the policy's name, the scenario's file) and
rule ids are the only Latin text; everything else is Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from planner import api
from planner.model.solve import SolveParams
from planner.rules import PLAN_RULE, Rule

# Latin text allowed beyond ids and rule ids.
ALLOWED = {"PDF", "xlsx", "json"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    scenario = api.load_scenario()
    outcome = api.solve_scenario(scenario, SolveParams())
    assert outcome.report is not None
    path = tmp_path_factory.mktemp("zh") / "roster.xlsx"
    api.write_outputs(outcome, roster=path, lang="zh", source=api.BUILTIN_SCENARIO.name)
    ids = {s.staff_id for s in scenario.staff} | {m.staff_id for m in scenario.mutual}
    ids |= {s.school_id for s in scenario.schools} | {g.group_id for g in scenario.groups}
    ids |= {scenario.policy.name, api.BUILTIN_SCENARIO.stem, *Rule, PLAN_RULE}
    return path, ids


def _latin_words(text: str, ids: set[str]) -> list[str]:
    """Latin words of 3+ letters that are not ids, rule ids or allowed."""
    words = []
    for token in _WORD.findall(text):
        token = token.rstrip("-_")
        if token in ids or token in ALLOWED:
            continue
        if sum(ch.isalpha() for ch in token) >= 3:
            words.append(token)
    return words


def test_no_english_word_in_any_cell(roster: tuple[Path, set[str]]) -> None:
    path, ids = roster
    found: dict[str, tuple[str, str]] = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    for word in _latin_words(value, ids):
                        found.setdefault(word, (ws.title, value[:80]))
    assert not found, found


def test_rule_ids_carry_their_chinese_names(roster: tuple[Path, set[str]]) -> None:
    path, _ = roster
    wb = openpyxl.load_workbook(path)
    rules = {row[0] for row in wb["规则检查"].iter_rows(min_row=2, values_only=True)}
    assert "任期 TERM" in rules and "干部比例 CADRE-QUOTA" in rules
    assert all(" " in r for r in rules)
    notes = [row[9] for row in wb["规则检查"].iter_rows(min_row=2, values_only=True) if row[9]]
    assert any("首学年比例" in n and "向上取整" in n for n in notes)


def test_summary_has_the_head_of_sections_figures(roster: tuple[Path, set[str]]) -> None:
    path, _ = roster
    rows = dict(
        (r[0], r[1]) for r in openpyxl.load_workbook(path)["概要"].iter_rows(values_only=True)
    )
    assert rows["方案文件"] == "taishan-2022.xlsx"
    assert rows["制表日期"] and rows["程序版本"]
    assert rows["需求人数（各学年合计）"] > rows["已覆盖人数"] > 0
    assert 0 < rows["覆盖率"] < 1
    assert re.fullmatch(r"\S+ \d+\.\d%", rows["覆盖率最低的学校"])
    assert rows["其中干部人数"] > 0
    assert "需求" in rows["泰安六中教育集团"] and "干部" in rows["泰安六中教育集团"]


def test_words_outside_ids_are_found() -> None:
    ids = {"taian6z-007", "TERM"}
    assert _latin_words("at least 2 cadres (first year)", ids) == [
        "least",
        "cadres",
        "first",
        "year",
    ]
    assert _latin_words("taian6z-007 年龄 TERM, PDF", ids) == []
