"""The sweep's files: ``sweep.csv`` (rewritten in variant order at the end)
and ``sweep.xlsx`` (sheets comparison, pareto, about); rows as a frame."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd
from openpyxl import Workbook

from planner.analysis.sweep.variant import Row
from planner.io.outputs import write_atomic
from planner.io.xlsx import (
    VIOLATION_FILL,
    fill_row,
    fit_columns,
    save_atomic,
    style_header,
    write_table,
)
from planner.report.kpi import KPI_COLUMNS

__all__ = [
    "COUNT_COLUMNS",
    "CSV_NAME",
    "XLSX_NAME",
    "columns_of",
    "csv_value",
    "rows_frame",
    "write_csv",
    "write_workbook",
]

CSV_NAME = "sweep.csv"
XLSX_NAME = "sweep.xlsx"
EXTRA_COLUMNS = ("message",)


def columns_of(grid: Mapping[str, Sequence[str]]) -> list[str]:
    return ["variant", *grid, *KPI_COLUMNS, *EXTRA_COLUMNS]


# KPI columns holding counts: whole numbers, blank without a plan.
COUNT_COLUMNS = ("exchanges", "staff_placed", "cadres_sent", "quota_slack", "violations")


def rows_frame(rows: Sequence[Row], grid: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Sweep rows as a frame: columns ``variant``, the grid's keys, the KPIs,
    ``message``; counts as nullable integers, the rest as given."""
    frame = pd.DataFrame(list(rows), columns=columns_of(grid))
    return frame.astype({c: "Int64" for c in ("variant", *COUNT_COLUMNS)})


def csv_value(value: object) -> object:
    return "" if value is None else value


def write_csv(frame: pd.DataFrame, path: Path, columns: list[str]) -> None:
    """The whole table in variant order, replacing the incremental file atomically."""

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            _write_rows(handle, frame, columns)

    write_atomic(path, write)


def _write_rows(handle: TextIO, frame: pd.DataFrame, columns: list[str]) -> None:
    writer = csv.writer(handle)
    writer.writerow(columns)
    for record in frame.to_dict("records"):
        writer.writerow([csv_value(_plain(record.get(c))) for c in columns])


def _plain(value: object) -> object:
    """A frame cell as a plain value (NaN -> None, numpy scalars -> Python)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def write_workbook(
    frame: pd.DataFrame, front: pd.DataFrame, about: Mapping[str, object], path: Path
) -> None:
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    header = [str(c) for c in frame.columns]
    for name, table in (("comparison", frame), ("pareto", front)):
        ws = wb.create_sheet(name)
        records = [[_plain(r.get(c)) for c in header] for r in table.to_dict("records")]
        write_table(ws, header, records)
        status_col = header.index("status")
        for r, record in enumerate(records, start=2):
            if record[status_col] not in ("optimal", "feasible"):
                fill_row(ws, r, len(header), VIOLATION_FILL)
        style_header(ws, len(header))
        fit_columns(ws)
    ws = wb.create_sheet("about")
    write_table(ws, ["item", "value"], [[k, v] for k, v in about.items()])
    style_header(ws, 2)
    fit_columns(ws)
    save_atomic(wb, path)
