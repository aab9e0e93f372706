"""``planner validate``, ``check``, ``explain`` and ``diff``: look at a
scenario or a plan without writing anything.

Registered on the ``planner`` group in :mod:`planner.cli`; the work is done by
:func:`planner.api.load_scenario`, :func:`planner.api.precheck`,
:func:`planner.api.check_plan`, :func:`planner.api.explain` and
:func:`planner.api.diff_plans`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from planner import api
from planner.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_VIOLATIONS,
    InputError,
    fail_input,
    lang_option,
    policy_option,
    scenario_argument,
    time_limit_option,
    workers_option,
)
from planner.cli.language import command_language
from planner.i18n import _
from planner.model.solve import SolveParams
from planner.problems import ScenarioError

__all__ = ["check", "diff", "explain", "validate"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command(
    help=_(
        "Check a scenario workbook and list every problem (exit 2 if any).\n\n"
        "Then count whether the rules can hold at all (quotas against eligible staff, "
        "CORE-KEEP, CAPACITY, BUDGET) and list every certain conflict (exit 3 if any)."
    )
)
@scenario_argument
@policy_option()
def validate(scenario: Path | None, policy_file: Path | None) -> None:
    try:
        loaded = api.load_scenario(scenario, policy_file)
    except ScenarioError as exc:
        fail_input(exc)
    click.echo(
        _(
            "{name}: valid ({groups} groups, {schools} schools, {staff} staff, {needs} needs, "
            "years {first}-{last})"
        ).format(
            name=loaded.name,
            groups=len(loaded.groups),
            schools=len(loaded.schools),
            staff=len(loaded.staff),
            needs=len(loaded.needs),
            first=loaded.years.start,
            last=loaded.years.stop - 1,
        )
    )
    for note in loaded.notes:
        click.echo(f"note: {note}")
    conflicts = api.precheck(loaded)
    if conflicts:
        click.echo(
            _("{n} certain conflict(s) between the rules and the data:").format(n=len(conflicts))
        )
        for conflict in conflicts:
            click.echo(f"  - {conflict}")
        sys.exit(EXIT_INFEASIBLE)


@click.command(
    help=_(
        "Audit PLAN (JSON or roster workbook) against every hard rule of SCENARIO.\n\n"
        "Prints one line per violation and the recomputed coverage; exit 0 when the plan is "
        "valid, 1 when it breaks a rule, 2 when an input is unusable."
    )
)
@click.argument("scenario", type=_FILE)
@click.argument("plan", type=_FILE)
@policy_option()
def check(scenario: Path, plan: Path, policy_file: Path | None) -> None:
    try:
        loaded = api.load_scenario(scenario, policy_file)
        report = api.check_plan(loaded, plan)
    except ScenarioError as exc:
        fail_input(exc)
    for violation in report.violations:
        click.echo(str(violation))
    if report.valid:
        verdict = _("{plan}: valid; coverage {coverage}")
    else:
        verdict = _("{plan}: INVALID: {n} violation(s); coverage {coverage}")
    click.echo(verdict.format(plan=plan, n=len(report.violations), coverage=report.total_coverage))
    if not report.valid:
        sys.exit(EXIT_VIOLATIONS)


@click.command(
    help=_(
        "Why STAFF (a staff id or an exact name) is (or is not) in PLAN.\n\n"
        "For a placed person: the years served and what each serves; for an ineligible one: "
        "their values against the limits; for an eligible one left at home: who went instead "
        "and which rule or goal decided."
    )
)
@click.argument("scenario", type=_FILE)
@click.argument("plan", type=_FILE)
@click.argument("staff")
@policy_option()
@click.option("--json", "as_json", is_flag=True, help=_("Print the explanation as JSON."))
@time_limit_option()
@workers_option()
@lang_option(_("Language of the explanation."))
def explain(
    scenario: Path,
    plan: Path,
    staff: str,
    policy_file: Path | None,
    as_json: bool,
    time_limit: float,
    workers: int,
    lang: str,
) -> None:
    lang = command_language(lang)
    try:
        loaded = api.load_scenario(scenario, policy_file)
        the_plan = api.read_plan(plan)
    except ScenarioError as exc:
        fail_input(exc)
    found = api.find_staff(loaded, staff)
    if not found:
        raise InputError(
            _("{staff!r} is neither a staff_id nor a name on the staff sheet").format(staff=staff)
        )
    if len(found) > 1:
        people = ", ".join(f"{i} {loaded.staff_by_id[i].school_id}" for i in found)
        raise InputError(
            _("{staff!r} names {n} staff: {people}; give the staff_id").format(
                staff=staff, n=len(found), people=people
            )
        )
    try:
        result = api.explain(
            loaded, the_plan, found[0], SolveParams(time_limit=time_limit, workers=workers), lang
        )
    except ScenarioError as exc:  # numbers beyond what the solver holds exactly
        fail_input(exc)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    for sentence in result.sentences[:1] if result.placed else ():
        click.echo(sentence)
    for line in result.serves:
        click.echo(f"  {line}")
    for sentence in result.sentences[1:] if result.placed else result.sentences:
        click.echo(sentence)


@click.command(help=_("Who was added, removed, moved or changed in term from PLAN_A to PLAN_B."))
@click.argument("plan_a", type=_FILE)
@click.argument("plan_b", type=_FILE)
@click.option(
    "--scenario",
    type=_FILE,
    help=_("Scenario workbook, to name each change's group."),
)
def diff(plan_a: Path, plan_b: Path, scenario: Path | None) -> None:
    try:
        a, b = api.read_plan(plan_a), api.read_plan(plan_b)
        loaded = api.load_scenario(scenario) if scenario else None
    except ScenarioError as exc:
        fail_input(exc)
    changes = api.diff_plans(a, b, loaded)
    for change in changes:
        click.echo(str(change))
    counts = {
        k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "moved", "term")
    }
    click.echo(
        _("{added} added, {removed} removed, {moved} moved, {term} term ({n} change(s))").format(
            n=len(changes), **counts
        )
    )
