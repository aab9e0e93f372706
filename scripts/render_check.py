"""Rendered check: print the roster and the template to PDF and read the PDF back.

Solves the built-in Taishan scenario (Chinese roster), writes the scenario
template filled from it and the empty template, prints each sheet of each
workbook to PDF with LibreOffice headless (one PDF per sheet, so pages can
be told apart) and checks with poppler's pdfinfo/pdftotext that

* every sheet prints at least one page, every page landscape;
* every page of a table sheet carries its whole header row (the header row
  is repeated and no column is cut off: the sheet fits one page wide);
* every page has the page header (scenario name) and the page-number footer;
* the text of every cell appears whole in the PDF (pdftotext -raw keeps the
  lines of a wrapped cell together), in particular the longest Chinese
  school name.

Usage (needs ``soffice``, ``pdfinfo``, ``pdftotext``; exit 1 on a problem)::

    .venv/bin/python scripts/render_check.py [--out DIR] [--png]

``--png`` also renders the first page of each PDF as PNG (pdftoppm, 60 dpi)
for a look.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl

from planner import api
from planner.data import DocumentSettings
from planner.io.template import LISTS_SHEET, write_template
from planner.io.xlsx import PAGE_FOOTER, display_width
from planner.model.solve import SolveParams
from planner.report.labels import NOTICE_COLUMNS, header, sheet_name
from planner.report.notices import school_notices, write_notices
from planner.report.notices.pdf import convert_to_pdf

TOOLS = ("soffice", "pdfinfo", "pdftotext")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SheetSpec:
    """What to look for in the PDF of one sheet."""

    workbook: str
    sheet: str
    header_row: int | None  # row repeated on every page (None: not a table)
    labels: tuple[str, ...]  # its labels
    cells: tuple[str, ...]  # texts that fit their column: must appear whole
    wrapped: tuple[str, ...]  # texts wider than their column (wrapped)


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _flat(text: str) -> str:
    return _SPACE.sub("", text)


def sheet_specs(path: Path) -> list[SheetSpec]:
    """The checks of every printed sheet of the workbook at ``path``."""
    wb = openpyxl.load_workbook(path)
    specs = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title == LISTS_SHEET:
            continue
        titles = ws.print_title_rows
        header_row = int(titles.split(":")[0].strip("$")) if titles else None
        labels: tuple[str, ...] = ()
        if header_row is not None:
            labels = tuple(str(c.value) for c in ws[header_row] if c.value is not None)
        cells: set[str] = set()
        wrapped: set[str] = set()
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                if cell.coordinate in ws.merged_cells:
                    cells.add(cell.value)
                    continue
                letter = cell.column_letter
                width = ws.column_dimensions[letter].width or 8.43
                fits = display_width(cell.value) <= width
                (cells if fits and not cell.alignment.wrap_text else wrapped).add(cell.value)
        specs.append(
            SheetSpec(path.name, ws.title, header_row, labels, tuple(cells), tuple(wrapped))
        )
    return specs


def split_sheets(path: Path, out_dir: Path) -> list[tuple[Path, str]]:
    """One workbook per printed sheet of ``path`` (the other sheets removed)."""
    names = [
        ws.title
        for ws in openpyxl.load_workbook(path, read_only=True).worksheets
        if ws.title != LISTS_SHEET and ws.sheet_state == "visible"
    ]
    parts = []
    for i, name in enumerate(names):
        wb = openpyxl.load_workbook(path)
        for ws in list(wb.worksheets):
            if ws.title != name:
                wb.remove(ws)
        part = out_dir / f"{path.stem}--{i:02d}.xlsx"
        wb.save(part)
        parts.append((part, name))
    return parts


def to_pdf(files: Iterable[Path], out_dir: Path) -> None:
    """Convert ``files`` to PDF in ``out_dir`` with LibreOffice headless, as
    ``planner notices --pdf`` does (the documents' fonts included)."""
    done = convert_to_pdf(list(files), out_dir)
    if done.returncode != 0:
        raise RuntimeError(done.stderr or done.stdout)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    pages = int(found.group(1)) if found else 0
    if pages == 0:
        return []
    per_page = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    sizes = re.findall(r"Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)", per_page)
    return [(float(w), float(h)) for w, h in sizes]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def check_pdf(pdf: Path, spec: SheetSpec, page_header: str, footer: str) -> list[str]:
    """Problems of one sheet's PDF (empty: all good)."""
    where = f"{spec.workbook} / {spec.sheet}"
    problems: list[str] = []
    if spec.sheet == sheet_name("notices", "zh"):
        # blocks per school, no print-title rows: every page must still carry
        # a school's title and the header row (a page made whole per block)
        spec = replace(
            spec, labels=(*(header(c, "zh") for c in NOTICE_COLUMNS), "交流人员接收通知")
        )
    sizes = page_sizes(pdf)
    if not sizes:
        return [f"{where}: no page"]
    for n, (w, h) in enumerate(sizes, start=1):
        if w <= h:
            problems.append(f"{where}: page {n} is portrait ({w} x {h})")
    texts = [_flat(t) for t in page_texts(pdf)]
    page_word = _flat(footer.split("&P")[0])
    for n, text in enumerate(texts, start=1):
        if _flat(page_header) not in text:
            problems.append(f"{where}: page {n} lacks the page header {page_header!r}")
        if page_word not in text:
            problems.append(f"{where}: page {n} lacks the page-number footer")
        cut = [label for label in spec.labels if _flat(label) not in text]
        if cut:
            problems.append(f"{where}: page {n} lacks header label(s) {cut}")
    everything = "".join(texts)
    for value in spec.cells:
        if _flat(value) not in everything:
            problems.append(f"{where}: cell text {value!r} is not printed whole")
    for value in spec.wrapped:
        if _flat(value) not in everything:
            problems.append(f"{where}: wrapped text {value[:30]!r}... is cut")
    return problems


# The document settings the notices are rendered with (as a bureau would fill them).
DOCUMENTS = DocumentSettings(
    bureau="泰山区教育和体育局",
    doc_prefix="泰山教体发",
    doc_number="15",
    doc_date=dt.date(2022, 8, 20),
    report_date=dt.date(2022, 8, 29),
    cc="区委教育工委",
)


def page_words(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float]]]]:
    """Per page: width, height and the box (xMin, yMin, xMax, yMax) of every word."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        boxes = [
            tuple(float(v) for v in m)
            for m in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"',
                page.group(3),
            )
        ]
        pages.append((float(page.group(1)), float(page.group(2)), boxes))  # type: ignore[arg-type]
    return pages


def check_notices(out_dir: Path, outcome: api.Outcome, png: bool) -> list[str]:
    """Render the notice, the annex and the letters of the school that receives
    the most teachers (its annex runs over a page) and check every page:
    portrait, page number "— n —", words inside the page with a margin left,
    the annex's title (group and school) and header row on each of its pages,
    one whole letter per page."""
    scenario = replace(outcome.scenario, documents=DOCUMENTS)
    notice = max(school_notices(scenario, outcome.result.plan), key=lambda n: len(n.rows))
    book = out_dir / "notices-zh.xlsx"
    names = write_notices(book, scenario, outcome.result.plan, "zh")
    wanted = [n for n in names if n.endswith(f"-{notice.school}")]
    parts = []
    for i, name in enumerate(wanted):
        wb = openpyxl.load_workbook(book)
        for ws in list(wb.worksheets):
            if ws.title != name:
                wb.remove(ws)
        part = out_dir / f"notices-zh--{i:02d}.xlsx"
        wb.save(part)
        parts.append((part, name))
    to_pdf([p for p, _ in parts], out_dir)
    problems: list[str] = []
    annex_labels = ["序号", "姓名", "工号", "学科", "职务", "派出学校", "起止学年", "年限"]
    for part, name in parts:
        pdf = part.with_suffix(".pdf")
        if not pdf.exists():
            problems.append(f"notices / {name}: LibreOffice wrote no PDF")
            continue
        texts = [_flat(t) for t in page_texts(pdf)]
        for n, (w, h, boxes) in enumerate(page_words(pdf), start=1):
            if w >= h:
                problems.append(f"notices / {name}: page {n} is not portrait")
            outside = [b for b in boxes if b[0] < 20 or b[1] < 20 or b[2] > w - 20 or b[3] > h - 20]
            if outside:
                problems.append(
                    f"notices / {name}: page {n} has text cut at the edge {outside[:3]}"
                )
        for n, text in enumerate(texts, start=1):
            if f"—{n}—" not in text:
                problems.append(f"notices / {name}: page {n} lacks the page number — {n} —")
            if name.startswith("名单"):
                missing = [x for x in [notice.group, notice.school, *annex_labels] if x not in text]
                if missing:
                    problems.append(f"notices / {name}: page {n} lacks {missing}")
        if name.startswith("接收通知"):
            if len(texts) != 1:
                problems.append(f"notices / {name}: {len(texts)} pages, a letter has one")
            for part_text in (
                "泰山区教育和体育局文件",
                "泰山教体发〔2022〕15号",
                "派出学校（盖章）",
                "接收学校（盖章）",
                "抄送：区委教育工委",
                notice.school,
            ):
                if _flat(part_text) not in "".join(texts):
                    problems.append(f"notices / {name}: {part_text!r} not printed whole")
        if name.startswith("名单"):
            everything = "".join(texts)
            for row in notice.rows:
                if row.staff_id not in everything:
                    problems.append(f"notices / {name}: {row.staff_id} not printed")
        if name.startswith("通知书"):
            if len(texts) != len(notice.rows):
                problems.append(
                    f"notices / {name}: {len(texts)} pages for {len(notice.rows)} letters"
                )
            for text, row in zip(texts, notice.rows, strict=False):
                for part_text in (row.name or "", row.staff_id, notice.school,
                                  "教育行政部门（盖章）", "泰山区教育和体育局"):  # fmt: skip
                    if _flat(part_text) not in text:
                        problems.append(f"notices / {name}: letter of {row.staff_id} lacks "
                                        f"{part_text!r}")  # fmt: skip
        if png:
            last = "2" if name.startswith("名单") and len(texts) > 1 else "1"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", last, str(pdf), str(pdf)],
                check=True,
            )
    return problems


def build_inputs(out_dir: Path, time_limit: float) -> tuple[list[Path], str, str, api.Outcome]:
    """The roster of the built-in scenario, and the templates; longest school name."""
    scenario = api.load_scenario()
    outcome = api.solve_scenario(scenario, SolveParams(time_limit=time_limit))
    if outcome.report is None:
        raise SystemExit(f"the built-in scenario did not solve: {outcome.result.status}")
    roster = out_dir / "roster-zh.xlsx"
    api.write_outputs(outcome, roster=roster, lang="zh")
    filled = out_dir / "template-zh.xlsx"
    write_template(filled, "zh", scenario)
    empty = out_dir / "template-empty-en.xlsx"
    write_template(empty, "en")
    longest = max((s.name for s in scenario.schools), key=display_width)
    return [roster, filled, empty], scenario.name, longest, outcome


def run(out_dir: Path, time_limit: float = 60.0, png: bool = False) -> list[str]:
    """Every problem found (empty: the rendered workbooks are fine)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    books, name, longest, outcome = build_inputs(out_dir, time_limit)
    parts: list[tuple[Path, SheetSpec, str, str]] = []
    for book in books:
        specs = {s.sheet: s for s in sheet_specs(book)}
        lang = "en" if "-en" in book.stem else "zh"
        header = name if book.stem != "template-empty-en" else "scenario template"
        for part, sheet in split_sheets(book, out_dir):
            parts.append((part, specs[sheet], header, PAGE_FOOTER[lang]))
    to_pdf([p for p, *_ in parts], out_dir)
    problems: list[str] = []
    roster_text = ""
    for part, spec, header, footer in parts:
        pdf = part.with_suffix(".pdf")
        if not pdf.exists():
            problems.append(f"{spec.workbook} / {spec.sheet}: LibreOffice wrote no PDF")
            continue
        problems.extend(check_pdf(pdf, spec, header, footer))
        if spec.workbook.startswith("roster"):
            roster_text += _flat("".join(page_texts(pdf)))
        if png:
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(pdf)],
                check=True,
            )
    if _flat(longest) not in roster_text:
        problems.append(f"the longest school name {longest!r} is not printed whole")
    problems.extend(check_notices(out_dir, outcome, png))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/render"), help="work folder")
    parser.add_argument("--time-limit", type=float, default=60.0, help="solve seconds")
    parser.add_argument("--png", action="store_true", help="first page of each PDF as PNG")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print(f"missing tools: {', '.join(missing)}", file=sys.stderr)
        return 2
    problems = run(args.out, args.time_limit, args.png)
    for problem in problems:
        print(problem)
    pdfs = sorted(args.out.glob("*.pdf"))
    print(f"{len(pdfs)} PDF(s) in {args.out}: {'OK' if not problems else 'FAILED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
