"""The roster workbook (planner.report.roster) and the openpyxl helpers (planner.io.xlsx)."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from conftest import hand_report, make_scenario, need, school, staff
from openpyxl import Workbook

from planner.audit import audit
from planner.data import Commitment, Exchange, Plan, Scenario
from planner.enums import Honor, Position, Role
from planner.io import xlsx
from planner.io.plans import read_plan
from planner.io.xlsx import (
    HIGHLIGHT_FILL,
    VIOLATION_FILL,
    display_width,
    fit_columns,
    save_atomic,
    write_cell,
)
from planner.model.diagnose import Conflict
from planner.model.solve import SolveParams, solve
from planner.report.labels import HEADERS, NOTICE_COLUMNS, SHEET_NAMES, header
from planner.report.roster import notice_blocks, write_diagnosis, write_roster
from planner.report.tables import build_tables
from planner.results import (
    AuditReport,
    LevelResult,
    RuleCheck,
    SolveResult,
    SolveStatus,
)

DANGEROUS = ["=SUM(A1)", "+8613800000000", "-x", "@x", "=1+1", "007"]
EN_SHEETS = [
    "summary",
    "roster",
    "by_school",
    "coverage",
    "rule_checks",
    "staff",
    "evaluation",
    "notices",
]
ZH_SHEETS = ["概要", "交流名单", "按学校", "需求覆盖", "规则检查", "教职工", "捆绑评价", "交流通知"]
NOTICES = {"en": "notices", "zh": "交流通知"}


LONG_NAME = "泰安市泰山区第一实验学校教育集团融合型成员校上高中心小学"


def world() -> tuple[Scenario, SolveResult, AuditReport]:
    sc = make_scenario(
        schools=[
            school("C1", Role.CORE, name="核心校"),
            school("M1", Role.FUSION, name=LONG_NAME, capacity=2),
            school("M2", Role.ALLIANCE, name="联合校"),
        ],
        staff=[
            staff("007", name="=SUM(A1)"),
            staff("S2", name="+8613800000000", subject="语文", position=Position.MIDDLE),
            staff("S3", name="-x", position=Position.SENIOR, volunteer=True),
            staff("S4", name="@x", birth_date=dt.date(1972, 1, 1), honor=Honor.NONE),
        ],
        needs=[need("M1", 2022, "数学"), need("M2", 2023, "语文", count=2)],
        commitments=[Commitment("S3", "M2", 2022, 2023)],
    )
    plan = Plan.of([Exchange("007", "M1", 2022, 2023), Exchange("S3", "M2", 2022, 2023)])
    checks = [
        RuleCheck("TEACHER-QUOTA", "G1", 2022, None, Decimal(1), Decimal(2), "ok"),
        RuleCheck("CADRE-QUOTA", "G1", 2022, None, Decimal(2), Decimal(1), "violated", "1 < 2"),
        RuleCheck("AGE", "G1", 2022, "007", None, None, "ok"),
        RuleCheck("AGE", "G1", 2022, "S3", None, None, "ok"),
    ]
    result = SolveResult(
        SolveStatus.OPTIMAL,
        plan,
        {"coverage": Decimal(1), "coverage_bound": Decimal(1), "fairness": Decimal("0.5")},
        levels=[LevelResult("COVER", "max", Decimal(1), Decimal(1), SolveStatus.OPTIMAL, 0.2)],
    )
    return sc, result, hand_report(sc, plan, checks)


def rows_of(ws: Any) -> list[dict[str, Any]]:
    values = list(ws.iter_rows(values_only=True))
    head = values[0]
    return [dict(zip(head, row, strict=True)) for row in values[1:]]


@pytest.fixture()
def books(tmp_path: Path) -> dict[str, Path]:
    sc, result, report = world()
    paths = {lang: tmp_path / f"roster-{lang}.xlsx" for lang in ("en", "zh")}
    for lang, path in paths.items():
        write_roster(path, sc, result, report, lang=lang)
    return paths


# ---------------------------------------------------------------------------
# sheets and headers


def test_english_sheets_and_canonical_roster_columns(books: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(books["en"])
    assert wb.sheetnames == EN_SHEETS
    rows = rows_of(wb["roster"])
    assert {"staff_id", "school_id", "start_year", "end_year", "home_school_id"} <= set(rows[0])
    first = rows[0]
    assert (first["staff_id"], first["school_id"], first["start_year"], first["end_year"]) == (
        "007",
        "M1",
        2022,
        2023,
    )
    assert first["home_school_id"] == "C1"
    assert first["locked"] == "no" and rows[1]["locked"] == "yes"
    assert first["position"] == "teacher" and first["stage"] == "junior"
    summary = {r["item"]: r["value"] for r in rows_of(wb["summary"])}
    assert summary["status"] == "optimal" and summary["coverage"] == 1
    assert summary["fairness"] == 0.5


def test_chinese_sheets_headers_and_values(books: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(books["zh"])
    assert wb.sheetnames == ZH_SHEETS
    rows = rows_of(wb["交流名单"])
    assert {"工号", "接收学校编号", "开始学年", "结束学年", "派出学校编号"} <= set(rows[0])
    first, second = rows
    assert (first["工号"], first["接收学校编号"], first["开始学年"], first["结束学年"]) == (
        "007",
        "M1",
        2022,
        2023,
    )
    assert first["派出学校编号"] == "C1"
    assert first["职务"] == "教师" and second["职务"] == "校级"
    assert first["荣誉"] == "区级" and first["学段"] == "初中"
    assert first["已定交流"] == "否" and second["已定交流"] == "是"
    assert second["自愿"] == "是"
    staff_rows = {r["工号"]: r for r in rows_of(wb["教职工"])}
    assert staff_rows["S4"]["不符合规则"] == "年龄 AGE、荣誉 HONOR"
    assert staff_rows["S4"]["首学年符合条件"] == "否"
    assert staff_rows["S2"]["职务"] == "中层"
    summary = {r["项目"]: r["值"] for r in rows_of(wb["概要"])}
    assert summary["求解状态"] == "最优"
    checks = rows_of(wb["规则检查"])
    assert {r["结果"] for r in checks} == {"符合", "违反"}
    by_school = rows_of(wb["按学校"])
    assert by_school[0]["类型"] == "融合型"


def test_header_table_is_the_single_source_of_labels(books: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(books["zh"])
    zh_labels = {zh for _, zh in HEADERS.values()}
    for ws in wb:
        if ws.title == NOTICES["zh"]:
            continue  # blocks: a title row, then a header row of HEADERS labels
        for cell in ws[1]:
            assert cell.value in zh_labels, (ws.title, cell.value)
    assert [SHEET_NAMES[k][1] for k in EN_SHEETS] == ZH_SHEETS


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    sc, result, report = world()
    with pytest.raises(ValueError, match="lang"):
        write_roster(tmp_path / "x.xlsx", sc, result, report, lang="fr")
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------------------
# text safety


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_formula_like_names_and_digit_ids_stay_literal_text(
    books: dict[str, Path], lang: str
) -> None:
    path = books[lang]
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAMES["roster"][0 if lang == "en" else 1]]
    names = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    assert names["007"].value == "=SUM(A1)" and names["007"].data_type == "s"
    assert names["S3"].value == "-x" and names["S3"].data_type == "s"
    id_cell = ws.cell(2, 1)
    assert id_cell.value == "007" and id_cell.data_type == "s"
    assert id_cell.number_format == "@"
    staff_ws = wb[SHEET_NAMES["staff"][0 if lang == "en" else 1]]
    by_id = {staff_ws.cell(r, 1).value: staff_ws.cell(r, 2) for r in range(2, staff_ws.max_row + 1)}
    for sid, name in [("007", "=SUM(A1)"), ("S2", "+8613800000000"), ("S3", "-x"), ("S4", "@x")]:
        assert by_id[sid].value == name and by_id[sid].data_type == "s"
    for name, xml in sheet_xml(path).items():
        assert not re.search(r"<f[ >/]", xml), name


def test_write_cell_keeps_every_str_literal(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row, text in enumerate(DANGEROUS, start=1):
        write_cell(ws, row, 1, text)
        write_cell(ws, row, 2, text, text=True)
    write_cell(ws, 1, 3, "bad\x01char")
    write_cell(ws, 2, 3, Decimal("2.5"))
    write_cell(ws, 3, 3, Decimal(4))
    write_cell(ws, 4, 3, 7, text=True)
    write_cell(ws, 5, 3, dt.date(2022, 9, 1))
    path = tmp_path / "cells.xlsx"
    save_atomic(wb, path)
    back = openpyxl.load_workbook(path).active
    assert back is not None
    for row, text in enumerate(DANGEROUS, start=1):
        for col in (1, 2):
            cell = back.cell(row, col)
            assert cell.value == text and cell.data_type == "s", (row, col)
        assert back.cell(row, 2).number_format == "@"
    assert back.cell(1, 3).value == "badchar"
    assert back.cell(2, 3).value == 2.5 and back.cell(3, 3).value == 4
    assert back.cell(4, 3).value == "7" and back.cell(4, 3).number_format == "@"
    assert back.cell(5, 3).value == "2022-09-01"
    for name, xml in sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name


# ---------------------------------------------------------------------------
# layout


def test_columns_fit_chinese_text(books: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(books["zh"])
    ws = wb["交流名单"]
    heads = [c.value for c in ws[1]]
    col = heads.index("接收学校名称") + 1
    letter = openpyxl.utils.get_column_letter(col)
    assert ws.cell(2, col).value == LONG_NAME
    assert ws.column_dimensions[letter].width >= 2 * len(LONG_NAME)
    assert display_width("数学ab") == 6


def test_fit_columns_caps_width() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    write_cell(ws, 1, 1, "长" * 100)
    write_cell(ws, 1, 2, "x")
    fit_columns(ws)
    assert ws.column_dimensions["A"].width == 60
    assert ws.column_dimensions["B"].width >= 6


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sheet_frozen_filtered_and_print_ready(books: dict[str, Path], lang: str) -> None:
    wb = openpyxl.load_workbook(books[lang])
    footer = {"en": "Page &P of &N", "zh": "第 &P 页 / 共 &N 页"}[lang]
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        # one page wide: fitToWidth 1, which XlsxWriter leaves out as the default
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws["A1"].font.bold, ws.title
        assert ws.oddHeader.center.text == "tiny", ws.title  # the scenario's name
        assert ws.oddFooter.center.text == footer, ws.title
        if ws.title == NOTICES[lang]:
            continue
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


def test_coverage_gaps_and_violations_highlighted(books: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(books["en"])
    ws = wb["coverage"]
    heads = [c.value for c in ws[1]]
    gap_col = heads.index("gap") + 1
    seen = set()
    for r in range(2, ws.max_row + 1):
        gap = ws.cell(r, gap_col).value
        colour = ws.cell(r, 1).fill.fgColor.rgb
        if gap > 0:
            assert colour == HIGHLIGHT_FILL.fgColor.rgb
            assert ws.cell(r, len(heads)).fill.fgColor.rgb == HIGHLIGHT_FILL.fgColor.rgb
            assert ws.cell(r, heads.index("reason") + 1).value == "NOT-CHOSEN"
        else:
            assert ws.cell(r, 1).fill.fill_type is None
        seen.add(gap > 0)
    assert seen == {True, False}
    checks = wb["rule_checks"]
    heads = [c.value for c in checks[1]]
    for r in range(2, checks.max_row + 1):
        status = checks.cell(r, heads.index("status") + 1).value
        violated = checks.cell(r, 1).fill.fgColor.rgb == VIOLATION_FILL.fgColor.rgb
        assert violated == (status == "violated")


def test_evaluation_sheet_numbers(books: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(books["en"])
    rows = rows_of(wb["evaluation"])
    y22, y23, y24 = rows
    assert (y22["staff_started"], y22["cadres_started"], y22["staff_serving"]) == (2, 1, 2)
    assert y22["coverage_ratio"] == 1 and y23["coverage_ratio"] == 0
    assert y24["coverage_ratio"] is None
    assert (y22["teacher_quota_required"], y22["cadre_quota_required"]) == (1, 2)
    ratio_col = list(rows[0]).index("coverage_ratio") + 1
    assert wb["evaluation"].cell(2, ratio_col).number_format == "0.0%"


# ---------------------------------------------------------------------------
# atomic save


def test_save_leaves_no_temp_file(books: dict[str, Path]) -> None:
    folder = books["en"].parent
    assert sorted(p.name for p in folder.iterdir()) == ["roster-en.xlsx", "roster-zh.xlsx"]


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "roster.xlsx"
    target.write_bytes(b"the previous roster")

    def broken_close(self: xlsxwriter.Workbook) -> None:  # the roster is written on close
        Path(self.filename).write_bytes(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    sc, result, report = world()
    with pytest.raises(OSError, match="disk full"):
        write_roster(target, sc, result, report)
    assert target.read_bytes() == b"the previous roster"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.xlsx"]


def test_unserialisable_workbook_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    write_cell(ws, 1, 1, "fine")
    ws["B2"]._value = "not a date"  # a date cell holding text: saving fails midway
    ws["B2"].data_type = "d"
    with pytest.raises(AttributeError):
        save_atomic(wb, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_saved_file_has_the_usual_permissions(tmp_path: Path) -> None:
    wb = Workbook()
    new, old = tmp_path / "new.xlsx", tmp_path / "old.xlsx"
    old.write_bytes(b"old")
    old.chmod(0o640)
    save_atomic(wb, new)
    save_atomic(wb, old)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(old.stat().st_mode) == 0o640


def test_save_atomic_replaces_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    write_cell(ws, 1, 1, "new")
    xlsx.save_atomic(wb, target)
    back = openpyxl.load_workbook(target).active
    assert back is not None and back["A1"].value == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


# ---------------------------------------------------------------------------
# diagnosis workbook


@pytest.mark.parametrize(
    ("lang", "sheets"), [("en", ["summary", "conflicts"]), ("zh", ["概要", "冲突"])]
)
def test_diagnosis_workbook_has_no_roster(tmp_path: Path, lang: str, sheets: list[str]) -> None:
    sc = make_scenario()
    result = SolveResult(SolveStatus.INFEASIBLE, Plan(()), {})
    conflict = Conflict(
        ("CADRE-QUOTA", "AGE"),
        "G1",
        2022,
        "=only 1 cadre can go, 2 required",
        required=2,
        possible=1,
    )
    path = tmp_path / "diag.xlsx"
    write_diagnosis(path, sc, result, [conflict], lang=lang)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == sheets
    rows = rows_of(wb[sheets[1]])
    assert len(rows) == 1
    values = list(rows[0].values())
    if lang == "en":
        assert values[:5] == ["CADRE-QUOTA,AGE", "集团G1", 2022, 2, 1]
        assert values[5] == "=only 1 cadre can go, 2 required"  # text, never a formula
    else:  # rule ids with Chinese names, a Chinese sentence from the conflict's numbers
        assert values[:5] == ["干部比例 CADRE-QUOTA、年龄 AGE", "集团G1", 2022, 2, 1]
        assert values[5] == "干部比例 CADRE-QUOTA、年龄 AGE 不能同时满足：需要 2，最多可达 1"
    status = {r[0]: r[1] for r in list(wb[sheets[0]].iter_rows(values_only=True))[1:]}
    assert status["status" if lang == "en" else "求解状态"] == (
        "infeasible" if lang == "en" else "不可行"
    )


# ---------------------------------------------------------------------------
# end to end: the real solver and audit; `planner check` reads the roster back


def test_roster_of_a_real_solve_matches_the_plan_and_reads_back(tmp_path: Path) -> None:
    # conftest's world plus S5 (its three eligible staff alone cannot make the
    # four starts of 2022-2024 with a year at home between exchanges).
    sc = make_scenario(staff=[*make_scenario().staff, staff("S5")])
    result = solve(sc, SolveParams(time_limit=20, workers=1))
    assert result.status.has_plan
    report = audit(sc, result.plan)
    path = tmp_path / "roster.xlsx"
    write_roster(path, sc, result, report, lang="en")
    wb = openpyxl.load_workbook(path)
    rows = rows_of(wb["roster"])
    got = {(r["staff_id"], r["school_id"], r["start_year"], r["end_year"]) for r in rows}
    assert got == {e.key() for e in result.plan.exchanges}
    assert read_plan(path) == result.plan
    zh_path = tmp_path / "roster-zh.xlsx"
    write_roster(zh_path, sc, result, report, lang="zh")
    assert read_plan(zh_path) == result.plan
    coverage = rows_of(wb["coverage"])
    assert sum(r["weighted_covered"] for r in coverage) == report.total_coverage
    assert len(rows_of(wb["staff"])) == len(sc.staff)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hand_world_roster_reads_back_with_digit_id(books: dict[str, Path], lang: str) -> None:
    _, result, _ = world()
    assert read_plan(books[lang]) == result.plan


# ---------------------------------------------------------------------------
# per-school notices


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_notices_one_block_per_receiving_school(books: dict[str, Path], lang: str) -> None:
    ws = openpyxl.load_workbook(books[lang])[NOTICES[lang]]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    titles = [r for r, row in enumerate(cells, start=1) if row[0] and "M" in str(row[0])
              and ("(M" in str(row[0]) or "（M" in str(row[0]))]  # fmt: skip
    assert len(titles) == 2  # M1 and M2 receive someone
    assert LONG_NAME in str(cells[titles[0] - 1][0]) and "M1" in str(cells[titles[0] - 1][0])
    assert "联合校" in str(cells[titles[1] - 1][0])
    head = [header(k, lang) for k in NOTICE_COLUMNS]
    assert cells[titles[0] + 1][: len(head)] == head
    first = dict(zip(head, cells[titles[0] + 2], strict=False))
    assert first[header("staff_id", lang)] == "007"
    assert first[header("name", lang)] == "=SUM(A1)"
    assert first[header("home_school_name", lang)] == "核心校"
    assert (first[header("start_year", lang)], first[header("end_year", lang)]) == (2022, 2023)
    assert first[header("term", lang)] == 2
    assert ws.cell(titles[0] + 2, 2).data_type == "s"
    assert len(ws.row_breaks.brk) == 2  # a page break after each block
    assert ws.row_breaks.brk[0].id < titles[1]
    assert ws.print_title_rows is None
    letter = openpyxl.utils.get_column_letter(head.index(header("home_school_name", lang)) + 1)
    assert ws.column_dimensions[letter].width >= display_width("核心校")


def test_notice_blocks_follow_the_schools_sheet() -> None:
    sc, result, report = world()
    rows = build_tables(sc, result, report).roster
    blocks = notice_blocks(sc, rows)
    assert [b[0].school_id for b in blocks] == ["M1", "M2"]
    assert sum(len(b) for b in blocks) == len(rows)
