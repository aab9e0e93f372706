"""Plan documents and scenario workbooks as the archive keeps them.

* :func:`json_safe` — any value as plain JSON data (what goes into a JSON column);
* :func:`exchange_list` — the exchanges of a contract plan document, checked
  (:class:`~planner.archive.errors.BadInput` naming the entry otherwise);
* :func:`plan_of_document` — the :class:`~planner.data.Plan` of a document;
* :func:`read_workbook` — what the archive keeps of a scenario workbook
  (:class:`WorkbookFacts`), read by :mod:`planner.api`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner import api
from planner.archive.errors import BadInput
from planner.data import Exchange, Plan
from planner.i18n import _

__all__ = [
    "WorkbookFacts",
    "exchange_list",
    "json_safe",
    "plan_of_document",
    "read_workbook",
]


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON data (Decimals, dates, enums, paths as text or numbers)."""

    def fallback(obj: Any) -> Any:
        if hasattr(obj, "value") and not callable(obj.value):
            return obj.value
        if isinstance(obj, set | frozenset | tuple):
            return sorted(obj, key=str)
        try:
            as_float = float(obj)
        except (TypeError, ValueError):
            return str(obj)
        return int(as_float) if as_float.is_integer() else as_float

    return json.loads(json.dumps(value, default=fallback, ensure_ascii=False))


def exchange_list(document: Any) -> list[Exchange]:
    """The exchanges of a contract plan document, checked; BadInput otherwise."""
    if not isinstance(document, Mapping):
        raise BadInput(
            "bad_document", detail=_("a {kind}, not an object").format(kind=type(document).__name__)
        )
    items = document.get("exchanges")
    if not isinstance(items, list):
        raise BadInput("bad_document", detail=_("'exchanges' is missing or not a list"))
    status = document.get("status")
    if not isinstance(status, str):
        raise BadInput("bad_document", detail=_("'status' is missing or not text"))
    return [_exchange(i, item) for i, item in enumerate(items)]


def _exchange(i: int, item: Any) -> Exchange:
    """``exchanges[i]`` of a plan document, checked; BadInput otherwise."""
    if not isinstance(item, Mapping):
        raise BadInput("bad_document", detail=_("exchanges[{i}] is not an object").format(i=i))
    try:
        staff_id, school_id = item["staff_id"], item["school_id"]
        start, end = item["start_year"], item["end_year"]
    except KeyError as exc:
        raise BadInput(
            "bad_document", detail=_("exchanges[{i}] has no {key}").format(i=i, key=exc.args[0])
        ) from None
    if not (isinstance(staff_id, str) and staff_id and isinstance(school_id, str)):
        raise BadInput("bad_document", detail=_("exchanges[{i}]: ids must be text").format(i=i))
    if not (type(start) is int and type(end) is int and start <= end):
        raise BadInput(
            "bad_document",
            detail=_("exchanges[{i}]: years must be whole numbers, start <= end").format(i=i),
        )
    early = item.get("ended_early", False) is True
    reason = item.get("reason", "") if early else ""
    return Exchange(staff_id, school_id, start, end, early, str(reason or ""))


def plan_of_document(document: Mapping[str, Any]) -> Plan:
    """The :class:`~planner.data.Plan` of a contract plan document."""
    return Plan.of(exchange_list(document))


@dataclass(frozen=True)
class WorkbookFacts:
    name: str
    first_year: int
    last_year: int
    staff_names: dict[str, str]
    history: list[list[Any]]


def read_workbook(data: bytes, label: str) -> WorkbookFacts:
    """What the archive keeps of a scenario workbook (read by planner.api)."""
    with tempfile.TemporaryDirectory(prefix="planner-archive-") as folder:
        path = Path(folder) / "scenario.xlsx"
        path.write_bytes(data)
        try:
            scenario = api.load_scenario(path)
        except Exception as exc:  # ScenarioError, a broken zip, ...
            detail = str(exc).replace(str(path), label)
            raise BadInput("bad_workbook", what=label, detail=detail) from None
    return WorkbookFacts(
        name=scenario.name,
        first_year=scenario.years.start,
        last_year=scenario.years.stop - 1,
        staff_names={p.staff_id: p.name for p in scenario.staff},
        history=[[e.staff_id, e.school_id, e.start_year, e.end_year] for e in scenario.history],
    )
