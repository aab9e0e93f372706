"""The built-in scenario's roster keeps every formatting property of the
workbook (issue 17: the roster's writer changed from openpyxl to XlsxWriter).

Per sheet: column widths (by the rule of :func:`planner.io.xlsx.fit_widths`,
recomputed here from the values read back), wrapped rows tall enough, frozen
header, filter over the whole table, repeated title row, number formats of
the id and percent columns, bold filled header cells, no data validation, the
print setup; the notices sheet's titles, borders and page breaks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner import api
from planner.io.xlsx import (
    HEADER_RGB,
    HIGHLIGHT_RGB,
    MARGINS,
    PAGE_FOOTER,
    TEXT_FORMAT,
    display_width,
)
from planner.model.solve import SolveParams
from planner.report.labels import (
    NOTICE_COLUMNS,
    PERCENT_FIELDS,
    PERCENT_FORMAT,
    TEXT_FIELDS,
    header,
    sheet_name,
)

TABLES = [
    "summary",
    "roster",
    "by_school",
    "coverage",
    "rule_checks",
    "staff",
    "evaluation",
    "mutual",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[api.Outcome, dict[str, Path]]:
    outcome = api.solve_scenario(api.load_scenario(), SolveParams())
    folder = tmp_path_factory.mktemp("format")
    paths = {lang: folder / f"roster-{lang}.xlsx" for lang in ("en", "zh")}
    for lang, path in paths.items():
        api.write_outputs(outcome, roster=path, lang=lang)
    return outcome, paths


def _widths(ws: Worksheet) -> dict[int, float]:
    """Column widths as stored (a <col> element may span several columns)."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min is not None and dim.max is not None:
            for col in range(dim.min, dim.max + 1):
                out[col] = dim.width
    return out


def _expected_widths(ws: Worksheet) -> dict[int, float]:
    longest: dict[int, int] = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                width = display_width(value) + (2 if r == 1 else 0)
                longest[c] = max(longest.get(c, 0), width)
    return {c: min(60.0, max(6.0, w + 2.0)) for c, w in longest.items()}


def _print_setup(ws: Worksheet, name: str, lang: str, title_rows: str | None) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_options.horizontalCentered
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == MARGINS
    assert (ws.oddHeader.center.text, ws.oddHeader.center.size) == (name, 10)
    assert (ws.oddFooter.center.text, ws.oddFooter.center.size) == (PAGE_FOOTER[lang], 9)
    assert ws.print_title_rows == title_rows
    assert not ws.data_validations.dataValidation  # the roster validates nothing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_sheets_keep_their_format(
    built: tuple[api.Outcome, dict[str, Path]], lang: str
) -> None:
    outcome, paths = built
    wb = openpyxl.load_workbook(paths[lang])
    assert wb.sheetnames == [sheet_name(k, lang) for k in (*TABLES, "notices")]
    gaps = 0
    for key in TABLES:
        ws = wb[sheet_name(key, lang)]
        heads = [c.value for c in ws[1]]
        last = get_column_letter(len(heads))
        assert ws.freeze_panes == "A2", key
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", key
        _print_setup(ws, outcome.scenario.name, lang, "$1:$1")
        assert _widths(ws) == _expected_widths(ws), key
        for cell in ws[1]:
            assert cell.font.b and cell.fill.fgColor.rgb == HEADER_RGB, (key, cell.coordinate)
        fields = {header(f, lang): f for f in (*TEXT_FIELDS, *PERCENT_FIELDS)}
        kinds = [fields.get(str(head)) for head in heads]
        for row in ws.iter_rows(min_row=2):
            for field, cell in zip(kinds, row, strict=False):
                if field in TEXT_FIELDS:  # ids: text, shown as typed
                    assert cell.number_format == TEXT_FORMAT, (key, cell.coordinate)
                    assert cell.value is None or isinstance(cell.value, str)
                elif field in PERCENT_FIELDS and cell.value is not None:
                    assert cell.number_format == PERCENT_FORMAT, (key, cell.coordinate)
            wrapped = [c for c in row if c.alignment.wrap_text]
            if wrapped:  # the row is as tall as its longest text and top-aligned
                height = ws.row_dimensions[row[0].row].height
                need = max(display_width(c.value) / 58 for c in wrapped)
                assert height is not None and height >= 15 * need, (key, row[0].row)
                assert all(c.alignment.vertical == "top" for c in row)
            gaps += row[0].fill.fgColor.rgb == HIGHLIGHT_RGB
    assert gaps > 0  # the built-in plan leaves gaps: their rows are coloured
    assert wb[sheet_name("roster", lang)].max_row == len(outcome.result.plan.exchanges) + 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_notices_sheet_keeps_its_format(
    built: tuple[api.Outcome, dict[str, Path]], lang: str
) -> None:
    outcome, paths = built
    ws = openpyxl.load_workbook(paths[lang])[sheet_name("notices", lang)]
    _print_setup(ws, outcome.scenario.name, lang, None)
    assert ws.freeze_panes is None and ws.auto_filter.ref is None
    heads = [header(c, lang) for c in NOTICE_COLUMNS]
    titles = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).font.sz == 14]
    assert titles and titles[0] == 1
    breaks = [b.id for b in ws.row_breaks.brk]
    # every page but the first starts with a title, two rows after a break
    assert [b + 2 for b in breaks[:-1]] == titles[1:]
    merged = {str(m) for m in ws.merged_cells.ranges}
    last = get_column_letter(len(heads))
    widths = [display_width(h) for h in heads]
    for title in titles:
        assert ws.cell(title, 1).font.b and f"A{title}:{last}{title}" in merged
        head = title + 2
        assert [c.value for c in ws[head]][: len(heads)] == heads
        for cell in ws[head][: len(heads)]:
            assert cell.font.b and cell.fill.fgColor.rgb == HEADER_RGB
            assert cell.border.left.style == cell.border.bottom.style == "thin"
        r = head + 1
        while ws.cell(r, 1).value is not None:
            for c, key in enumerate(NOTICE_COLUMNS, start=1):
                cell = ws.cell(r, c)
                assert cell.border.top.style == "thin", (r, c)
                if key in TEXT_FIELDS:
                    assert cell.number_format == TEXT_FORMAT, (r, c)
                widths[c - 1] = max(widths[c - 1], display_width(cell.value))
            r += 1
    expected = {c: min(40.0, max(8.0, w + 3.0)) for c, w in enumerate(widths, start=1)}
    assert _widths(ws) == expected
