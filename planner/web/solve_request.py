"""A solve request's body checked, key by key, and turned into the settings
stored with the plan (:func:`solve_settings`). Every wrong key is named at
once (422 with a problem per key); an unknown scenario or previous plan is
a 404 first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.i18n import _
from planner.rules import RELAXABLE
from planner.web.errors import ApiError, request_problem
from planner.web.payloads import int_id
from planner.web.scenarios import PRESETS
from planner.web.workbench import Workbench

__all__ = ["KNOWN", "solve_settings"]

KNOWN = frozenset(
    {
        "time_limit",
        "policy",
        "allow_shortfall",
        "previous_plan",
        "from_year",
        "preset",
        "pins",
        "bans",
    }
)

Bad = Callable[[str, Any, str], None]  # (column, value, expected): one problem


def solve_settings(wb: Workbench, scenario_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The solve request checked and turned into the settings stored with the plan."""
    wb.workbook(scenario_id)  # 404 first
    problems: list[dict[str, Any]] = []

    def bad(column: str, value: Any, expected: str) -> None:
        problems.append(request_problem(column, value, expected))

    settings: dict[str, Any] = {}
    for check in (_unknown, _time_limit, _policy, _preset, _allow_shortfall, _pins_and_bans):
        check(body, settings, bad)
    _replan(wb, body, settings, bad)
    if problems:
        raise ApiError(422, "invalid_body", problems, detail=problems[0]["column"])
    return settings


def _unknown(body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    for key in body:
        if key not in KNOWN:
            bad(
                key,
                None,
                _("unknown field; known: {fields}").format(fields=", ".join(sorted(KNOWN))),
            )


def _time_limit(body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    limit = body.get("time_limit", 60)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 < limit <= 3600:
        bad("time_limit", limit, _("seconds, more than 0 and at most 3600"))
    else:
        settings["time_limit"] = limit


def _policy(body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    policy = body.get("policy") or {}
    if not isinstance(policy, dict) or not all(
        isinstance(v, str | int | float | bool) for v in policy.values()
    ):
        bad("policy", str(policy)[:100], _("an object {form}").format(form="{key: value}"))
    elif policy:
        settings["policy"] = {str(k): v for k, v in policy.items()}


def _preset(body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    preset = body.get("preset")
    if preset is None:
        return
    if preset not in PRESETS:
        bad("preset", preset, _("one of {values}").format(values=", ".join(PRESETS)))
    else:
        settings["preset"] = preset


def _allow_shortfall(body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    shortfall = body.get("allow_shortfall")
    if shortfall is None or shortfall == []:
        return
    if shortfall == "all":
        settings["allow_shortfall"] = "all"
    elif isinstance(shortfall, list) and all(r in RELAXABLE for r in shortfall):
        settings["allow_shortfall"] = sorted(set(shortfall))
    else:
        bad(
            "allow_shortfall",
            str(shortfall)[:100],
            _('"all" or a list of {rules}').format(rules=", ".join(sorted(RELAXABLE))),
        )


def _pins_and_bans(body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    for key in ("pins", "bans"):
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or len(value) > 5000:
            bad(key, None, _("a list"))
        else:
            settings[key] = value


def _replan(wb: Workbench, body: dict[str, Any], settings: dict[str, Any], bad: Bad) -> None:
    """``previous_plan`` (an id or "published") with ``from_year``: both or neither."""
    previous, from_year = body.get("previous_plan"), body.get("from_year")
    if (previous is None) != (from_year is None):
        raise ApiError(422, "replan_args")
    if previous is None:
        return
    if isinstance(from_year, bool) or not isinstance(from_year, int):
        bad("from_year", from_year, _("a school year, e.g. 2023"))
    elif previous == "published":
        settings["previous_plan"] = wb.archive.published_for(from_year).publication.plan_id
        settings["from_year"] = from_year
    else:
        pid = int_id(str(previous), "no_plan")
        wb.plan_info(pid)
        settings["previous_plan"] = pid
        settings["from_year"] = from_year
