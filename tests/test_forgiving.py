"""Forgiving where a person would be (issue 14, item 2).

(1) the policy sheet in Chinese (keys and values) gives the same Policy as
in English, and the Chinese template explains every key; (2) subjects: a
known short form (道法) is read as the staff sheet writes it, with a note; an
unknown one is refused with sheet, row, column, value and "是否应为 …？";
(3) a name typed where an id belongs is refused with "是否应为 <id> <name>？".
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import make_scenario, need, staff

from planner.data import Ban, Commitment, CoreKeep, Exchange, MutualMove, Scenario
from planner.enums import Honor, Role, Stage
from planner.io.reader import read_scenario
from planner.io.template import write_template
from planner.io.writer import write_scenario
from planner.policy import PARAMETERS, Policy
from planner.problems import Problem, ScenarioError

# ---------------------------------------------------------------------------
# (1) The policy sheet in Chinese
# ---------------------------------------------------------------------------

ENGLISH = [
    ("term_max", 4),
    ("ratio_first_year", 0.2),
    ("ratio_later_years", "0.1"),
    ("cadre_min_later_years", 1),
    ("max_age", 50),
    ("min_honor", "city"),
    ("require_level", "no"),
    ("receiving_roles", "fusion"),
    ("cost_teacher", 20000),
    ("cost_cadre", 30000),
    ("repeat_gap_years", 2),
    ("objective_order", "COVER,PREFER,FAIR"),
    ("ratio_base", "eligible"),
]
CHINESE = [
    ("最长任期", 4),
    ("首年交流比例", "20%"),
    ("以后每年交流比例", "10％"),
    ("以后每年干部人数", 1),
    ("年龄上限", 50),
    ("最低荣誉", "市级"),
    ("须具较高水平", "否"),
    ("接收学校类型", "融合型"),
    ("教师年经费", 20000),
    ("干部年经费", 30000),
    ("再次交流间隔年数", 2),
    ("目标顺序", "覆盖、意愿，均衡"),
    ("比例基数", "符合条件人数"),
]


def _with_policy_sheet(path: Path, rows: list[tuple[str, object]], header: tuple[str, str]) -> Path:
    write_scenario(make_scenario(), path)
    wb = openpyxl.load_workbook(path)
    if "policy" in wb.sheetnames:
        del wb["policy"]
    ws = wb.create_sheet("政策")
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_chinese_policy_sheet_gives_the_same_policy_as_english(tmp_path: Path) -> None:
    english = read_scenario(_with_policy_sheet(tmp_path / "en.xlsx", ENGLISH, ("key", "value")))
    chinese = read_scenario(_with_policy_sheet(tmp_path / "zh.xlsx", CHINESE, ("项目", "值")))
    assert chinese.policy == english.policy
    p = chinese.policy
    assert p != Policy()
    assert (p.term_max, p.max_age, p.repeat_gap_years, p.cadre_min_later_years) == (4, 50, 2, 1)
    assert (p.ratio_first_year, p.ratio_later_years) == (Decimal("0.2"), Decimal("0.1"))
    assert p.min_honor is Honor.CITY and p.require_level is False
    assert p.receiving_roles == {Role.FUSION}
    assert p.objective_order == ("COVER", "PREFER", "FAIR")
    assert (p.cost_teacher, p.cost_cadre, p.ratio_base) == (20000, 30000, "eligible")


def test_receiving_roles_with_chinese_commas() -> None:
    for text in ("融合型、联合型", "融合型，联合型", "fusion,联合"):
        assert Policy().with_overrides({"接收学校类型": text}).receiving_roles == {
            Role.FUSION,
            Role.ALLIANCE,
        }
    with pytest.raises(ScenarioError, match="receiving_roles"):
        Policy().with_overrides({"接收学校类型": "核心校"})


def test_unknown_chinese_policy_key_names_row_and_suggests(tmp_path: Path) -> None:
    path = _with_policy_sheet(tmp_path / "s.xlsx", [("最长任期年限", 4)], ("项目", "值"))
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    (problem,) = info.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "政策",
        2,
        "项目",
        "最长任期年限",
    )
    assert "did you mean 最长任期 (term_max)?" in problem.expected


def test_chinese_template_explains_every_policy_key(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, "zh")
    wb = openpyxl.load_workbook(path)
    rows = [r for r in wb["填写说明"].iter_rows(values_only=True) if r[0] == "政策"]
    by_key = {str(r[1]).rsplit("（", 1)[1].rstrip("）"): r for r in rows if r[1] and "（" in r[1]}
    assert set(by_key) == set(PARAMETERS)
    ratio = by_key["ratio_later_years"]
    assert ratio[1] == "以后每年交流比例（ratio_later_years）"
    assert "以后每年不低于5%" in ratio[3]  # the source clause
    assert ratio[5] == "5%" and "默认：5%" in ratio[4]
    assert by_key["min_honor"][5] == "区级"
    assert by_key["receiving_roles"][5] == "融合型、联合型"
    lists = wb["lists"]
    column = next(c for c in lists.iter_cols(values_only=True) if c[0] == "list_policy_key")
    assert "以后每年交流比例" in column and "ratio_later_years" not in column


def test_chinese_template_filled_from_a_policy_reads_back(tmp_path: Path) -> None:
    policy = Policy().with_overrides({"min_honor": "city", "receiving_roles": "alliance"})
    scenario = make_scenario(policy=policy)
    path = tmp_path / "t.xlsx"
    write_template(path, "zh", scenario)
    ws = openpyxl.load_workbook(path)["政策"]
    cells = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert cells == {"最低荣誉": "市级", "接收学校类型": "联合型"}
    assert read_scenario(path).policy == policy


# ---------------------------------------------------------------------------
# (2) Subjects
# ---------------------------------------------------------------------------


def _read_problems(scenario: Scenario, path: Path) -> list[Problem]:
    write_scenario(scenario, path)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    return info.value.problems


def _daofa_scenario(**overrides: Any) -> Scenario:
    base = make_scenario()
    people = [*base.staff, staff("S5", subject="道德与法治")]
    return make_scenario(staff=people, **overrides)


def test_short_form_of_a_taught_subject_is_read_as_the_staff_sheet_writes_it(
    tmp_path: Path,
) -> None:
    scenario = _daofa_scenario(
        needs=[need("M1", 2022, "道法"), need("M2", 2023, "语文")],
        core_keep=[CoreKeep("C1", "思想品德", 0)],
    )
    path = tmp_path / "s.xlsx"
    write_scenario(scenario, path)
    read = read_scenario(path)
    assert [n.subject for n in read.needs] == ["道德与法治", "语文"]
    assert [k.subject for k in read.core_keep] == ["道德与法治"]
    assert "工作表 'needs' 第 2 行 'subject' 列：学科 '道法' 按 '道德与法治' 读取" in read.notes[0]
    assert any("'core_keep' 第 2 行" in n and "'思想品德'" in n for n in read.notes)


def test_alias_follows_the_staff_sheets_own_short_form(tmp_path: Path) -> None:
    """Staff written as 道法: a need of 道德与法治 becomes 道法 (the form the staff use)."""
    base = make_scenario()
    scenario = make_scenario(
        staff=[*base.staff, staff("S5", subject="道法")],
        needs=[need("M1", 2022, "道德与法治")],
    )
    path = tmp_path / "s.xlsx"
    write_scenario(scenario, path)
    assert [n.subject for n in read_scenario(path).needs] == ["道法"]


def test_mutual_subject_alias_is_normalised(tmp_path: Path) -> None:
    move = MutualMove("M1-01", "李四", "M1", "C1", "信息", Stage.JUNIOR, 2022, 2023)
    base = make_scenario()
    scenario = make_scenario(staff=[*base.staff, staff("S5", subject="信息技术")], mutual=(move,))
    path = tmp_path / "s.xlsx"
    write_scenario(scenario, path)
    assert [m.subject for m in read_scenario(path).mutual] == ["信息技术"]


def test_a_standard_subject_nobody_teaches_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(make_scenario(needs=[need("M1", 2022, "书法")]), path)
    read = read_scenario(path)
    assert [n.subject for n in read.needs] == ["书法"] and read.notes == []


def test_unknown_subject_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    scenario = _daofa_scenario(needs=[need("M1", 2022, "数学"), need("M1", 2022, "道德法制")])
    (problem,) = _read_problems(scenario, tmp_path / "s.xlsx")
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "needs",
        3,
        "subject",
        "道德法制",
    )
    assert "是否应为 道德与法治？" in problem.expected
    assert "学科 '道德法制' 不是核心校教职工所教的学科" in problem.expected


def test_unknown_subject_without_a_close_match_has_no_guess(tmp_path: Path) -> None:
    scenario = make_scenario(core_keep=[CoreKeep("C1", "篮球队", 1)])
    (problem,) = _read_problems(scenario, tmp_path / "s.xlsx")
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "core_keep",
        2,
        "subject",
        "篮球队",
    )
    assert "是否应为" not in problem.expected and "数学、语文、英语" in problem.expected


# ---------------------------------------------------------------------------
# (3) Names typed where ids belong
# ---------------------------------------------------------------------------

_MEMBER = "是否应为 M1 融合校？（此处填的是名称，请改填编号 M1）"
_STAFF = "是否应为 S1 教师S1？（此处填的是名称，请改填编号 S1）"


def _typed(field: str) -> Scenario:
    """make_scenario() with the name 融合校 (M1), 教师S1 (S1) or 集团G1 typed for an id."""
    base = make_scenario()
    if field == "schools.group_id":
        schools = [replace(base.schools[0]), replace(base.schools[1], group_id="集团 G1")]
        return make_scenario(schools=[*schools, base.schools[2]])
    if field == "staff.school_id":
        return make_scenario(staff=[*base.staff, staff("S5", school_id="核心校")])
    if field == "staff.preferred_school":
        return make_scenario(staff=[replace(base.staff[0], preferred_school="融合校")])
    if field == "needs.school_id":
        return make_scenario(needs=[need("融合校", 2022, "数学")])
    if field == "core_keep.school_id":
        return make_scenario(core_keep=[CoreKeep("核心校", "数学", 1)])
    if field == "commitments.staff_id":
        return make_scenario(commitments=[Commitment("教师S1", "M1", 2022, 2023)])
    if field == "commitments.school_id":
        return make_scenario(commitments=[Commitment("S1", "融合校", 2022, 2023)])
    if field == "history.staff_id":
        return make_scenario(history=[Exchange("教师S1", "M1", 2018, 2019)])
    if field == "bans.school_id":
        return make_scenario(bans=(Ban("S1", "融合校"),))
    if field == "mutual.from_school":
        move = MutualMove("M1-01", "李四", "融合校", "C1", "数学", Stage.JUNIOR, 2022, 2023)
        return make_scenario(mutual=(move,))
    raise AssertionError(field)


@pytest.mark.parametrize(
    ("field", "value", "hint"),
    [
        ("schools.group_id", "集团 G1", "是否应为 G1 集团G1？（此处填的是名称，请改填编号 G1）"),
        ("staff.school_id", "核心校", "是否应为 C1 核心校？"),
        ("staff.preferred_school", "融合校", _MEMBER),
        ("needs.school_id", "融合校", _MEMBER),
        ("core_keep.school_id", "核心校", "是否应为 C1 核心校？"),
        ("commitments.staff_id", "教师S1", _STAFF),
        ("commitments.school_id", "融合校", _MEMBER),
        ("history.staff_id", "教师S1", _STAFF),
        ("bans.school_id", "融合校", _MEMBER),
        ("mutual.from_school", "融合校", _MEMBER),
    ],
)
def test_name_typed_for_an_id_is_refused_with_the_id(
    tmp_path: Path, field: str, value: str, hint: str
) -> None:
    sheet, column = field.split(".")
    problems = _read_problems(_typed(field), tmp_path / "s.xlsx")
    located = [p for p in problems if (p.sheet, p.column, p.value) == (sheet, column, value)]
    assert len(located) == 1, problems
    row = {"staff.school_id": 6, "schools.group_id": 3}.get(field, 2)
    assert located[0].row == row and hint in located[0].expected


def test_a_name_shared_by_two_schools_lists_both_ids(tmp_path: Path) -> None:
    base = make_scenario()
    schools = [base.schools[0], base.schools[1], replace(base.schools[2], name="融合校")]
    scenario = make_scenario(schools=schools, needs=[need("融合校", 2022, "数学")])
    (problem,) = _read_problems(scenario, tmp_path / "s.xlsx")
    assert (problem.sheet, problem.row, problem.column) == ("needs", 2, "school_id")
    assert "“融合校”是 M1、M2 的名称（同名），请改填其中一个编号" in problem.expected


def test_an_unknown_id_that_is_no_name_gets_no_hint(tmp_path: Path) -> None:
    scenario = make_scenario(needs=[need("M9", 2022, "数学")])
    (problem,) = _read_problems(scenario, tmp_path / "s.xlsx")
    assert problem.value == "M9" and "是否应为" not in problem.expected


def test_history_may_name_an_id_no_longer_in_the_scenario(tmp_path: Path) -> None:
    scenario = make_scenario(history=[Exchange("S99", "OLD", 2018, 2019)])
    path = tmp_path / "s.xlsx"
    write_scenario(scenario, path)
    assert read_scenario(path).history == scenario.history
