"""The workbench's texts, Chinese first, English on request.

The texts are messages of the gettext catalog (:mod:`planner.i18n`): the
English msgids are here, the Chinese in ``planner/locale``. Page labels
carry the context ``workbench`` (short words such as "Rule" may read
differently elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.i18n import _, pgettext, use_language

LANGS = ("zh", "en")

# key -> message. API error messages.
TEXTS: dict[str, Callable[[], str]] = {
    "not_found": lambda: _("Nothing is here."),
    "no_scenario": lambda: _("There is no scenario {id}."),
    "no_plan": lambda: _("There is no plan {id}."),
    "no_job": lambda: _("There is no solve job {id}."),
    "no_person": lambda: _("There is no person {id} in the plan's scenario."),
    "method": lambda: _("This address does not take {method}."),
    "too_large": lambda: _(
        "The upload is too large (limit {limit} MB). Upload only the scenario workbook."
    ),
    "no_file": lambda: _(
        "No file in the request: upload the .xlsx scenario workbook in the form field 'file'."
    ),
    "not_xlsx": lambda: _(
        "The upload is not an Excel workbook (.xlsx): {detail}. Save it as .xlsx in Excel "
        "or WPS and upload it again."
    ),
    "invalid_scenario": lambda: _(
        "The scenario workbook has {n} problem(s); correct each cell listed and upload again."
    ),
    "invalid_body": lambda: _("The request is not valid: {detail}"),
    "busy": lambda: _(
        "A solve of this scenario is already running (job {job}). Wait for it or stop it first."
    ),
    "superseded": lambda: _(
        "This plan was superseded by a newer publication; reload before publishing: {detail}"
    ),
    "not_publishable": lambda: "{detail}",
    "archive": lambda: "{detail}",
    "internal": lambda: _(
        "Internal server error; it has been logged. The server is still running: try again."
    ),
    "explain_failed": lambda: _("No explanation: {detail}"),
    "replan_args": lambda: _("A replan needs both previous_plan and from_year."),
}

# Page labels (sent to the page as one JSON object).
LABELS: dict[str, Callable[[], str]] = {
    "title": lambda: pgettext("workbench", "Teacher rotation planner workbench"),
    "tab_scenario": lambda: pgettext("workbench", "① Scenario"),
    "tab_solve": lambda: pgettext("workbench", "② Solve"),
    "tab_plan": lambda: pgettext("workbench", "③ Plan"),
    "tab_publish": lambda: pgettext("workbench", "④ Publish and replan"),
    "upload": lambda: pgettext("workbench", "Upload a scenario workbook"),
    "upload_btn": lambda: pgettext("workbench", "Upload"),
    "pick": lambda: pgettext("workbench", "or pick from the archive"),
    "pick_btn": lambda: pgettext("workbench", "Open"),
    "problems": lambda: pgettext("workbench", "Workbook problems"),
    "sheet": lambda: pgettext("workbench", "Sheet"),
    "row": lambda: pgettext("workbench", "Row"),
    "column": lambda: pgettext("workbench", "Column"),
    "value": lambda: pgettext("workbench", "Value"),
    "fix": lambda: pgettext("workbench", "Fix"),
    "summary": lambda: pgettext("workbench", "Scenario summary"),
    "name": lambda: pgettext("workbench", "Name"),
    "years": lambda: pgettext("workbench", "School years"),
    "groups": lambda: pgettext("workbench", "Groups"),
    "schools": lambda: pgettext("workbench", "Schools"),
    "staff": lambda: pgettext("workbench", "Staff"),
    "needs": lambda: pgettext("workbench", "Needs"),
    "need_units": lambda: pgettext("workbench", "Need units"),
    "members": lambda: pgettext("workbench", "Member schools"),
    "policy": lambda: pgettext("workbench", "Policy"),
    "preset": lambda: pgettext("workbench", "Policy preset"),
    "param": lambda: pgettext("workbench", "Parameter"),
    "source": lambda: pgettext("workbench", "Source clause"),
    "override": lambda: pgettext("workbench", "Override"),
    "time_limit": lambda: pgettext("workbench", "Time limit (s)"),
    "allow_shortfall": lambda: pgettext("workbench", "Allow quota shortfall (if infeasible)"),
    "solve_btn": lambda: pgettext("workbench", "Solve"),
    "stop_btn": lambda: pgettext("workbench", "Stop"),
    "state": lambda: pgettext("workbench", "State"),
    "level": lambda: pgettext("workbench", "Level"),
    "best": lambda: pgettext("workbench", "Best"),
    "bound": lambda: pgettext("workbench", "Bound"),
    "elapsed": lambda: pgettext("workbench", "Elapsed (s)"),
    "queued": lambda: pgettext("workbench", "queued"),
    "running": lambda: pgettext("workbench", "running"),
    "done": lambda: pgettext("workbench", "done"),
    "failed": lambda: pgettext("workbench", "failed"),
    "cancelled": lambda: pgettext("workbench", "cancelled"),
    "log": lambda: pgettext("workbench", "Solver log"),
    "coverage": lambda: pgettext("workbench", "Coverage by school and year"),
    "rules": lambda: pgettext("workbench", "Rule checks: required and achieved"),
    "rule": lambda: pgettext("workbench", "Rule"),
    "group": lambda: pgettext("workbench", "Group"),
    "year": lambda: pgettext("workbench", "Year"),
    "scope": lambda: pgettext("workbench", "Scope"),
    "required": lambda: pgettext("workbench", "Required"),
    "achieved": lambda: pgettext("workbench", "Achieved"),
    "status": lambda: pgettext("workbench", "Status"),
    "note": lambda: pgettext("workbench", "Note"),
    "roster": lambda: pgettext("workbench", "Roster"),
    "filter": lambda: pgettext("workbench", "Filter (name, school, subject...)"),
    "staff_id": lambda: pgettext("workbench", "Staff id"),
    "person": lambda: pgettext("workbench", "Name"),
    "home": lambda: pgettext("workbench", "From"),
    "to_school": lambda: pgettext("workbench", "To"),
    "subject": lambda: pgettext("workbench", "Subject"),
    "position": lambda: pgettext("workbench", "Position"),
    "start": lambda: pgettext("workbench", "Start"),
    "end": lambda: pgettext("workbench", "End"),
    "term": lambda: pgettext("workbench", "Term"),
    "actions": lambda: pgettext("workbench", "Adjust"),
    "pin": lambda: pgettext("workbench", "Pin"),
    "ban": lambda: pgettext("workbench", "Ban"),
    "unpin": lambda: pgettext("workbench", "Undo"),
    "pins": lambda: pgettext("workbench", "Pinned"),
    "bans": lambda: pgettext("workbench", "Banned"),
    "resolve_btn": lambda: pgettext("workbench", "Re-solve with adjustments"),
    "explain": lambda: pgettext("workbench", "Person"),
    "explaining": lambda: pgettext("workbench", "Working (a few seconds)..."),
    "checks": lambda: pgettext("workbench", "This person's rule checks"),
    "serves": lambda: pgettext("workbench", "Needs and quotas served"),
    "publish": lambda: pgettext("workbench", "Publish the plan"),
    "by": lambda: pgettext("workbench", "Published by"),
    "publish_btn": lambda: pgettext("workbench", "Publish"),
    "published_ok": lambda: pgettext("workbench", "Published as version {version}."),
    "replan": lambda: pgettext("workbench", "Replan from the published plan"),
    "from_year": lambda: pgettext("workbench", "From year"),
    "replan_btn": lambda: pgettext("workbench", "Replan"),
    "changes": lambda: pgettext("workbench", "Changes and reasons"),
    "kind": lambda: pgettext("workbench", "Change"),
    "before": lambda: pgettext("workbench", "Before"),
    "after": lambda: pgettext("workbench", "After"),
    "reason": lambda: pgettext("workbench", "Reason"),
    "downloads": lambda: pgettext("workbench", "Downloads"),
    "dl_roster": lambda: pgettext("workbench", "Roster and notices (Excel)"),
    "dl_json": lambda: pgettext("workbench", "Plan JSON"),
    "plans": lambda: pgettext("workbench", "Plans in the archive"),
    "plan": lambda: pgettext("workbench", "Plan"),
    "objective": lambda: pgettext("workbench", "Goals"),
    "audit_ok": lambda: pgettext("workbench", "Independent audit: every rule holds"),
    "audit_bad": lambda: pgettext("workbench", "Independent audit: violations"),
    "lowest": lambda: pgettext("workbench", "lowest share"),
    "none": lambda: pgettext("workbench", "none"),
    "ok": lambda: pgettext("workbench", "ok"),
    "violated": lambda: pgettext("workbench", "violated"),
    "uploading": lambda: pgettext("workbench", "Reading the workbook..."),
    "scenario_ok": lambda: pgettext("workbench", "No problems in the workbook."),
    "coverage_total": lambda: pgettext("workbench", "Coverage"),
    "fairness": lambda: pgettext("workbench", "Lowest share"),
    "note_pub": lambda: pgettext("workbench", "Note"),
    "draft": lambda: pgettext("workbench", "draft"),
    "published": lambda: pgettext("workbench", "published"),
    "select_plan": lambda: pgettext("workbench", "View"),
    "optimal": lambda: pgettext("workbench", "optimal"),
    "feasible": lambda: pgettext("workbench", "feasible (not proven optimal)"),
    "age": lambda: pgettext("workbench", "years old"),
}
# The switch names the other language, in that language.
_SWITCH = {"zh": "English", "en": "中文"}


def text(key: str, lang: str = "zh", **params: Any) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in."""
    with use_language(lang):
        message = TEXTS.get(key) or LABELS.get(key)
        template = message() if message is not None else key
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def labels(lang: str) -> dict[str, str]:
    """Every page label in ``lang``."""
    with use_language(lang):
        out = {k: label() for k, label in LABELS.items()}
    out["lang_switch"] = _SWITCH["en" if lang == "en" else "zh"]
    return out


def request_lang(request: Any, default: str) -> str:
    """The language asked for by ``?lang=`` or the ``lang`` cookie, else ``default``."""
    lang = request.query_params.get("lang") or request.cookies.get("lang") or default
    return lang if lang in LANGS else default
