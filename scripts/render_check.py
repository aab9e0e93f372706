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
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from planner import api
from planner.io.template import LISTS_SHEET, write_template
from planner.io.xlsx import PAGE_FOOTER, display_width
from planner.model.solve import SolveParams

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
    """Convert ``files`` to PDF in ``out_dir`` with LibreOffice headless."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )


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


def build_inputs(out_dir: Path, time_limit: float) -> tuple[list[Path], str, str]:
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
    return [roster, filled, empty], scenario.name, longest


def run(out_dir: Path, time_limit: float = 60.0, png: bool = False) -> list[str]:
    """Every problem found (empty: the rendered workbooks are fine)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    books, name, longest = build_inputs(out_dir, time_limit)
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
