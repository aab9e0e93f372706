"""Pareto fronts of a sweep: two KPIs, each maximised or minimised, and the
variants no other variant beats on both."""

from __future__ import annotations

import pandas as pd

from planner.analysis.sweep.grid import SweepError
from planner.i18n import _
from planner.report.kpi import KPI_SENSE

__all__ = ["DEFAULT_PARETO", "pareto_front", "parse_pareto"]

DEFAULT_PARETO = "coverage,exchanges"


def parse_pareto(text: str) -> list[tuple[str, str]]:
    """``KPI1,KPI2`` (each optionally ``:max`` or ``:min``) as two (kpi, sense) pairs.

    Without a suffix a KPI takes its natural sense (:data:`planner.report.kpi.KPI_SENSE`):
    coverage and fairness are maximised, exchanges, cost and the rest minimised.
    """
    items = [item.strip() for item in text.split(",") if item.strip()]
    if len(items) != 2:
        raise SweepError(
            _("--pareto {text!r}: expected two KPIs, e.g. {example}").format(
                text=text, example=DEFAULT_PARETO
            )
        )
    out: list[tuple[str, str]] = []
    for item in items:
        name, _sep, sense = item.partition(":")
        name, sense = name.strip(), sense.strip().lower()
        if name not in KPI_SENSE:
            raise SweepError(
                _("--pareto: unknown KPI {name!r}; one of {kpis}").format(
                    name=name, kpis=", ".join(sorted(KPI_SENSE))
                )
            )
        if sense and sense not in ("max", "min"):
            raise SweepError(_("--pareto: {item!r}: the sense is max or min").format(item=item))
        out.append((name, sense or KPI_SENSE[name]))
    if out[0][0] == out[1][0]:
        raise SweepError(_("--pareto {text!r}: two different KPIs are needed").format(text=text))
    return out


def pareto_front(
    frame: pd.DataFrame, x: str, y: str, x_sense: str = "max", y_sense: str = "min"
) -> pd.DataFrame:
    """The rows of ``frame`` that no other row beats on ``x`` and ``y``.

    A row is dominated when another is at least as good on both (``max``:
    larger is better, ``min``: smaller) and better on one. Rows missing
    either value (no plan) take no part; rows equal on both are all kept.
    The front comes sorted by ``x``, best first.
    """
    valid = frame.dropna(subset=[x, y])
    sx = 1.0 if x_sense == "max" else -1.0
    sy = 1.0 if y_sense == "max" else -1.0
    points = [(sx * float(a), sy * float(b)) for a, b in zip(valid[x], valid[y], strict=True)]
    keep = [
        not any(
            qx >= px and qy >= py and (qx > px or qy > py)
            for j, (qx, qy) in enumerate(points)
            if j != i
        )
        for i, (px, py) in enumerate(points)
    ]
    front = valid[pd.Series(keep, index=valid.index, dtype=bool)]
    return front.sort_values([x, y], ascending=[x_sense == "min", y_sense == "min"])
