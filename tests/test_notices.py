"""Official documents (issue 14, part 5): the optional document settings,
the notices workbook (接收通知, 附件, 交流通知书) and ``planner notices``;
with the solve's defaults (outputs next to the scenario) and summary."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_scenario, staff

from planner import api
from planner.cli import main
from planner.data import DocumentSettings, Exchange, Plan, Position
from planner.io.reader import read_scenario
from planner.io.writer import write_scenario
from planner.problems import ScenarioError
from planner.report.notices import document_values, write_notices

DOCS = DocumentSettings(
    bureau="泰山区教育和体育局",
    doc_prefix="泰山教体发",
    doc_number="15",
    doc_date=dt.date(2022, 8, 20),
    report_date=dt.date(2022, 8, 29),
    cc="区委教育工委",
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _add_settings(path: Path, rows: list[tuple[str, object]]) -> None:
    wb = openpyxl.load_workbook(path)
    for key, value in rows:
        wb["settings"].append([key, value])
    wb.save(path)


def test_document_settings_read_with_chinese_keys(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(make_scenario(), path)
    _add_settings(
        path,
        [
            ("教育局", "泰山区教育和体育局"),
            ("发文字号前缀", "泰山教体发"),
            ("文号", 15),
            ("成文日期", "2022年8月20日"),
            ("报到日期", dt.datetime(2022, 8, 29)),
            ("抄送", "区委教育工委"),
        ],
    )
    assert read_scenario(path).documents == DOCS


def test_document_settings_are_optional_and_round_trip(tmp_path: Path) -> None:
    plain, full = tmp_path / "plain.xlsx", tmp_path / "full.xlsx"
    write_scenario(make_scenario(), plain)
    assert read_scenario(plain).documents == DocumentSettings()
    write_scenario(make_scenario(documents=DOCS), full)
    assert read_scenario(full).documents == DOCS


def test_bad_document_date_and_unknown_key_are_named(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(make_scenario(), path)
    _add_settings(path, [("成文日期", "soon"), ("seal_colour", "red")])
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    text = str(info.value)
    assert "doc_date" in text and "YYYY-MM-DD" in text
    assert "unknown settings key" in text and "report_date" in text  # the known keys listed


PLAN = Plan.of(
    [
        Exchange("S1", "M1", 2022, 2023),
        Exchange("S2", "M1", 2022, 2024),
        Exchange("S3", "M2", 2023, 2024),
    ]
)


def _cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> str:
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def test_notices_workbook_has_a_notice_an_annex_and_letters_per_school(tmp_path: Path) -> None:
    sc = make_scenario(documents=DOCS)
    path = tmp_path / "n.xlsx"
    names = write_notices(path, sc, PLAN)
    assert names == [
        "目录",
        "接收通知-融合校",
        "名单-融合校",
        "通知书-融合校",
        "接收通知-联合校",
        "名单-联合校",
        "通知书-联合校",
    ]
    wb = openpyxl.load_workbook(path)
    notice = _cells(wb["接收通知-融合校"])
    for part in (
        "泰山区教育和体育局文件",  # masthead
        "泰山教体发〔2022〕15号",  # 文号, year from the plan
        "关于融合校接收2022年集团化办学交流教师的通知",
        "融合校：",  # 主送
        "2022年8月29日",  # reporting date in the body
        "附件：融合校接收交流教师名单",
        "2022年8月20日",  # 成文日期
        "派出学校（盖章）",
        "接收学校（盖章）",
        "抄送：区委教育工委。",
    ):
        assert part in notice, part
    annex = wb["名单-融合校"]
    assert annex.print_title_rows == "$1:$3"  # title (group, school) and header on every page
    assert "集团G1　融合校接收交流教师名单（共2人）" in _cells(annex)
    letters = wb["通知书-融合校"]
    text = _cells(letters)
    assert text.count("教师交流轮岗通知书") == 2 and len(letters.row_breaks.brk) == 2
    for part in ("S1", "S2", "核心校", "2022—2023学年", "2年", "3年", "教育行政部门（盖章）"):
        assert part in text, part
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
        assert ws.oddFooter.center.text == "— &P —"


def test_missing_document_settings_print_as_blanks() -> None:
    values = document_values(make_scenario())
    assert values.bureau == "________"
    assert values.number == "________〔2022〕____号"
    assert values.date == "____年__月__日"
    english = document_values(make_scenario(documents=DOCS), "en")
    assert english.number == "No. 泰山教体发〔2022〕15" and english.date == "2022-08-20"


@pytest.fixture
def solved(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "区.xlsx"
    people = [staff(f"S{i}") for i in range(10)]
    people += [staff(f"K{i}", position=Position.MIDDLE) for i in range(2)]
    write_scenario(make_scenario(staff=people, documents=DOCS), scenario)
    plan = tmp_path / "plan.json"
    code, out = run("solve", str(scenario), "--json", str(plan), "--quiet")
    assert code == 0, out
    return scenario, plan


@pytest.mark.zh  # the default language names the file 通知
def test_notices_command_writes_the_workbook(
    solved: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, plan = solved
    module = sys.modules["planner.cli.notices"]  # (planner.cli.notices is also the command)
    monkeypatch.setattr(module, "soffice", lambda: None)
    code, out = run("notices", str(plan), "--scenario", str(scenario), "--pdf")
    assert code == 0, out
    assert (tmp_path / "plan-通知.xlsx").exists()
    assert "未安装 LibreOffice（soffice）" in out
    code, out = run("notices", str(plan), "--scenario", str(scenario), "--out", str(tmp_path / "d"))
    assert code == 0 and (tmp_path / "d" / "plan-通知.xlsx").exists()
    code, out = run("notices", str(plan), "--scenario", str(scenario))
    assert code == 0 and (tmp_path / "plan-通知-2.xlsx").exists()  # never over a file


def test_notices_command_refuses_a_plan_that_breaks_a_rule(
    solved: tuple[Path, Path], tmp_path: Path
) -> None:
    scenario, plan = solved
    doc = json.loads(plan.read_text(encoding="utf-8"))
    doc["exchanges"][0]["end_year"] = doc["exchanges"][0]["start_year"] + 9  # TERM
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, _ = run("notices", str(bad), "--scenario", str(scenario))
    assert code == 1
    assert not list(tmp_path.glob("bad-*.xlsx"))


def test_solve_without_out_writes_next_to_the_scenario(solved: tuple[Path, Path]) -> None:
    scenario, _ = solved
    day = dt.date.today().strftime("%Y%m%d")
    code, out = run("solve", str(scenario), "--quiet")
    assert code == 0, out
    first = scenario.with_name(f"区-方案-{day}.xlsx")
    assert first.exists() and first.with_suffix(".json").exists()
    assert f"written    {first}" in out
    code, out = run("solve", str(scenario), "--quiet")
    second = scenario.with_name(f"区-方案-{day}-2.xlsx")
    assert second.exists() and second.with_suffix(".json").exists() and str(second) in out
    # the head of section's summary
    for key in ("need ", "covered ", "lowest ", "exchanges ", "group "):
        assert any(line.startswith(key) for line in out.splitlines()), key
    assert "people" in out and "cadres" in out


def test_builtin_scenario_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    roster, plan = api.default_outputs(None, dt.date(2022, 8, 1))
    assert roster == tmp_path / "taishan-2022-方案-20220801.xlsx"
    assert plan == tmp_path / "taishan-2022-方案-20220801.json"
    roster.write_bytes(b"")
    assert (
        api.default_outputs(None, dt.date(2022, 8, 1))[1].name
        == "taishan-2022-方案-20220801-2.json"
    )


def test_the_masthead_says_文件_and_the_signature_only_the_bureau() -> None:
    from planner.report.notices.texts import text

    assert text("masthead", "zh", bureau="泰山区教育和体育局") == "泰山区教育和体育局文件"
    assert text("signature", "zh", bureau="泰山区教育和体育局") == "泰山区教育和体育局"


def test_the_documents_name_the_standards_fonts_and_print_in_serif(tmp_path: Path) -> None:
    """The workbook names GB/T 9704's fonts (仿宋 text, 方正小标宋简体 masthead and
    title, 宋体 page number), which a bureau's machines have; printed here,
    where they are missing, the PDF's fonts are the CJK serif face put in
    their place, never a sans-serif fallback."""
    import shutil
    import subprocess

    from planner.report.notices.pdf import to_pdf

    sc = make_scenario(documents=DOCS)
    path = tmp_path / "n.xlsx"
    write_notices(path, sc, PLAN)
    ws = openpyxl.load_workbook(path)["接收通知-融合校"]
    fonts = {c.value: c.font.name for row in ws.iter_rows() for c in row if c.value}
    assert fonts["泰山区教育和体育局文件"] == "方正小标宋简体"
    assert fonts["关于融合校接收2022年集团化办学交流教师的通知"] == "方正小标宋简体"
    assert fonts["融合校："] == "仿宋"
    assert ws.oddFooter.center.font == "宋体,Regular"
    if shutil.which("soffice") is None or shutil.which("pdffonts") is None:
        pytest.skip("needs LibreOffice and poppler-utils to print")
    if "NotoSerifCJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("needs fonts-noto-cjk")
    pdf = to_pdf(path, tmp_path)
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    embedded = [line.split()[0] for line in listing.splitlines()[2:]]
    assert embedded and all("NotoSerifCJK" in name for name in embedded), listing
