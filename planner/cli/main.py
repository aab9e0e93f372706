"""The ``planner`` command line: a thin layer over :mod:`planner.api`.

Exit codes (also in the README):
  0  success (a plan was found / the scenario or plan is valid)
  1  ``check``: the plan breaks at least one rule
  2  bad input (unreadable file, invalid scenario, policy or plan; bad options)
  3  ``solve``: proven infeasible, the rules cannot all hold
  4  ``solve``: no plan found within the time limit (nothing proven)
  5  internal error: the solver's plan failed the independent audit
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import click

from planner import api
from planner.model.diagnose import Conflict
from planner.model.solve import SolveParams
from planner.problems import ScenarioError
from planner.results import AuditReport, SolveResult, SolveStatus
from planner.rules import RELAXABLE

DEFAULTS = SolveParams()

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_INTERNAL = 5


class InputError(click.ClickException):
    """A user error: printed without a traceback, exit code 2."""

    exit_code = EXIT_BAD_INPUT


def _fail_input(exc: ScenarioError) -> NoReturn:
    raise InputError(str(exc)) from None


def _stderr(message: str) -> None:
    click.echo(message, err=True)


scenario_argument = click.argument(
    "scenario", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
policy_option = click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=(
        "Policy YAML file (default: models/taishan-2022.yaml); "
        "the scenario's policy sheet overrides it."
    ),
)

out_option = click.option(
    "--out",
    "roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Roster workbook to write (.xlsx).",
)
json_option = click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plan to write as JSON.",
)
time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds for the whole solve.",
)
seed_option = click.option(
    "--seed", type=int, default=0, show_default=True, help="CP-SAT random seed."
)
workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULTS.workers,
    show_default=True,
    help="CP-SAT search workers.",
)
processes_option = click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for groups that share nothing  [default: one per core]. "
    "The plan does not depend on it.",
)
gap_option = click.option(
    "--gap",
    type=click.FloatRange(min=0, max=1),
    default=0.0,
    show_default=True,
    help="Stop each goal level once within this relative gap of its bound "
    "(0.005: 0.5%); 0 proves every level.",
)
work_limit_option = click.option(
    "--work-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="CP-SAT deterministic work units for the whole solve: a run stopped by it "
    "stops at the same point on any machine (set --time-limit generously beside it).",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Roster language.",
)
quiet_option = click.option("--quiet", is_flag=True, help="No progress on stderr.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="teacher-rotation-planner")
def main() -> None:
    """Plan teacher and cadre rotations in education groups (集团化办学).

    Reads a scenario workbook, builds an OR-Tools CP-SAT model of the
    policy's rules (rule ids of shared/spec/rules.md) and writes an audited
    roster. Without a SCENARIO, commands use the built-in Taishan scenario.
    """


@main.command()
@scenario_argument
@policy_option
def validate(scenario: Path | None, policy_file: Path | None) -> None:
    """Check a scenario workbook and list every problem (exit 2 if any).

    Then count whether the rules can hold at all (quotas against eligible
    staff, CORE-KEEP, CAPACITY, BUDGET) and list every certain conflict
    (exit 3 if any).
    """
    try:
        loaded = api.load_scenario(scenario, policy_file)
    except ScenarioError as exc:
        _fail_input(exc)
    click.echo(
        f"{loaded.name}: valid ({len(loaded.groups)} groups, {len(loaded.schools)} schools, "
        f"{len(loaded.staff)} staff, {len(loaded.needs)} needs, years "
        f"{loaded.years.start}-{loaded.years.stop - 1})"
    )
    conflicts = api.precheck(loaded)
    if conflicts:
        click.echo(f"{len(conflicts)} certain conflict(s) between the rules and the data:")
        for conflict in conflicts:
            click.echo(f"  - {conflict}")
        sys.exit(EXIT_INFEASIBLE)


@main.command()
@scenario_argument
@policy_option
@out_option
@json_option
@time_limit_option
@seed_option
@workers_option
@processes_option
@gap_option
@work_limit_option
@lang_option
@click.option(
    "--allow-shortfall",
    "relax",
    multiple=True,
    metavar="RULE",
    help="Let a quota-type rule fall short (minimised first). Repeat, or 'all'.",
)
@quiet_option
def solve(
    scenario: Path | None,
    policy_file: Path | None,
    roster: Path | None,
    json_path: Path | None,
    time_limit: float,
    seed: int,
    workers: int,
    processes: int | None,
    gap: float,
    work_limit: float | None,
    lang: str,
    relax: tuple[str, ...],
    quiet: bool,
) -> None:
    """Solve SCENARIO (default: the built-in Taishan scenario) and write the plan."""
    relaxed = _relaxed_rules(relax)
    for path in (roster, json_path):
        if path is not None and scenario is not None and path.resolve() == scenario.resolve():
            raise InputError(f"refusing to overwrite the input scenario {scenario}")
    try:
        loaded = api.load_scenario(scenario, policy_file)
    except ScenarioError as exc:
        _fail_input(exc)
    if not quiet:
        _stderr(f"solving {loaded.name} ({len(loaded.staff)} staff, {loaded.horizon} years)")
    params = _solve_params(time_limit, seed, workers, processes, gap, work_limit, quiet, relaxed)
    outcome = api.solve_scenario(loaded, params)
    written = api.write_outputs(outcome, roster=roster, json_path=json_path, lang=lang)
    _print_summary(outcome.result, outcome.report, written, outcome.conflicts)
    _exit_for(outcome)


def _exit_for(outcome: api.Outcome) -> None:
    """The documented exit code of a solve (0 when a consistent plan was found)."""
    status = outcome.result.status
    if status is SolveStatus.INFEASIBLE:
        sys.exit(EXIT_INFEASIBLE)
    if not status.has_plan:
        sys.exit(EXIT_NO_PLAN)
    if not outcome.consistent:
        sys.exit(EXIT_INTERNAL)


def _relaxed_rules(values: tuple[str, ...]) -> frozenset[str]:
    rules: set[str] = set()
    for value in values:
        for item in value.split(","):
            name = item.strip().upper()
            if name == "ALL":
                rules |= RELAXABLE
            elif name in RELAXABLE:
                rules.add(name)
            elif name:
                raise InputError(
                    f"--allow-shortfall: {item!r} is not a rule that can fall short; "
                    f"use 'all' or one of {', '.join(sorted(RELAXABLE))}"
                )
    return frozenset(rules)


def _solve_params(
    time_limit: float,
    seed: int,
    workers: int,
    processes: int | None,
    gap: float,
    work_limit: float | None,
    quiet: bool,
    relax: frozenset[str] = frozenset(),
) -> SolveParams:
    """The solver options shared by solve and replan."""
    return SolveParams(
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        processes=processes,
        gap=gap,
        work_limit=work_limit,
        relax=relax,
        log=None if quiet else _stderr,
    )


def _print_summary(
    result: SolveResult,
    report: AuditReport | None,
    written: list[Path],
    conflicts: Sequence[Conflict] = (),
) -> None:
    rows: list[tuple[str, str]] = [("status", result.status.value)]
    for level in result.levels:
        bound = "" if level.bound is None else f" (bound {level.bound})"
        if level.bound is not None and level.value is not None and level.bound != level.value:
            gap = abs(level.bound - level.value) / max(abs(level.bound), Decimal(1)) * 100
            bound += f" gap {gap:.2f}%, not proven (stopped by the time limit or --gap)"
        rows.append(
            (level.name, f"{level.value}{bound}  {level.status.value}, {level.seconds:.1f}s")
        )
    rows.append(("exchanges", str(len(result.plan.exchanges))))
    rows.append(
        ("model", f"{result.num_variables} variables, {result.num_constraints} constraints")
    )
    rows.append(("time", f"build {result.build_seconds:.2f}s, solve {result.solve_seconds:.2f}s"))
    if report is not None:
        verdict = "valid" if report.valid else f"{len(report.violations)} violation(s)"
        rows.append(("audit", f"{verdict}, coverage {report.total_coverage}"))
    for path in written:
        rows.append(("written", str(path)))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        click.echo(f"{key.ljust(width)}  {value}")
    for message in result.messages:
        click.echo(f"note: {message}")
    if report is not None:
        for violation in report.violations:
            click.echo(f"  {violation}")
    for conflict in conflicts:
        click.echo(f"conflict: {conflict}")


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@policy_option
def check(scenario: Path, plan: Path, policy_file: Path | None) -> None:
    """Audit PLAN (JSON or roster workbook) against every hard rule of SCENARIO.

    Prints one line per violation and the recomputed coverage; exit 0 when
    the plan is valid, 1 when it breaks a rule, 2 when an input is unusable.
    """
    try:
        loaded = api.load_scenario(scenario, policy_file)
        report = api.check_plan(loaded, plan)
    except ScenarioError as exc:
        _fail_input(exc)
    for violation in report.violations:
        click.echo(str(violation))
    verdict = "valid" if report.valid else f"INVALID: {len(report.violations)} violation(s)"
    click.echo(f"{plan}: {verdict}; coverage {report.total_coverage}")
    if not report.valid:
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("staff_id")
@policy_option
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@time_limit_option
@workers_option
def explain(
    scenario: Path,
    plan: Path,
    staff_id: str,
    policy_file: Path | None,
    as_json: bool,
    time_limit: float,
    workers: int,
) -> None:
    """Why STAFF_ID is (or is not) in PLAN, and what the alternative costs."""
    try:
        loaded = api.load_scenario(scenario, policy_file)
        the_plan = api.read_plan(plan)
    except ScenarioError as exc:
        _fail_input(exc)
    if staff_id not in loaded.staff_by_id:
        raise InputError(f"staff_id {staff_id!r} is not on the staff sheet of {scenario}")
    result = api.explain(
        loaded, the_plan, staff_id, SolveParams(time_limit=time_limit, workers=workers)
    )
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    state = "placed" if result.placed else "not placed"
    click.echo(f"{result.staff_id} {result.name}: {state}; plan coverage {result.coverage}")
    for ex in result.exchanges:
        click.echo(f"  exchange {ex.school_id} {ex.start_year}-{ex.end_year}")
    for line in result.serves:
        click.echo(f"  serves {line}")
    for year, reasons in sorted(result.ineligible.items()):
        click.echo(f"  {year}: ineligible by {', '.join(reasons)}")
    for sentence in result.sentences:
        click.echo(sentence)


@main.command()
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--previous",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The previous (published) plan: JSON or roster workbook.",
)
@click.option("--from-year", required=True, type=int, help="First school year not yet started.")
@policy_option
@out_option
@json_option
@time_limit_option
@seed_option
@workers_option
@processes_option
@gap_option
@work_limit_option
@lang_option
@click.option(
    "--order",
    help="Goal order, e.g. COVER,FAIR,PREFER,STABLE,COST (default: STABLE right after COVER).",
)
@quiet_option
def replan(
    scenario: Path,
    previous: Path,
    from_year: int,
    policy_file: Path | None,
    roster: Path | None,
    json_path: Path | None,
    time_limit: float,
    seed: int,
    workers: int,
    processes: int | None,
    gap: float,
    work_limit: float | None,
    lang: str,
    order: str | None,
    quiet: bool,
) -> None:
    """Replan SCENARIO from --from-year, keeping the --previous plan where possible.

    Exchanges that started before the year are fixed (LOCKED); those of the
    previous plan starting in it or later are the published plan, changed
    only where coverage or the rules require (STABLE). Prints every change
    with its reason.
    """
    for path in (roster, json_path):
        if path is not None and path.resolve() in (scenario.resolve(), previous.resolve()):
            raise InputError(f"refusing to overwrite an input file: {path}")
    try:
        loaded = api.load_scenario(scenario, policy_file)
        if order:
            loaded = replace(
                loaded, policy=loaded.policy.with_overrides({"objective_order": order}, "--order")
            )
        previous_plan = api.read_plan(previous)
    except ScenarioError as exc:
        _fail_input(exc)
    params = _solve_params(time_limit, seed, workers, processes, gap, work_limit, quiet)
    try:
        done = api.replan_scenario(loaded, previous_plan, from_year, params)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    for message in done.prepared.messages:
        click.echo(f"note: {message}")
    outcome = done.outcome
    written = api.write_outputs(
        outcome, roster=roster, json_path=json_path, lang=lang, changes=done.changes
    )
    _print_summary(outcome.result, outcome.report, written, outcome.conflicts)
    click.echo(f"{len(done.changes)} change(s) against the published plan:")
    for change in done.changes:
        click.echo(f"  {change}")
    _exit_for(outcome)


@main.command()
@click.argument("plan_a", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("plan_b", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scenario",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Scenario workbook, to name each change's group.",
)
def diff(plan_a: Path, plan_b: Path, scenario: Path | None) -> None:
    """Who was added, removed, moved or changed in term from PLAN_A to PLAN_B."""
    try:
        a, b = api.read_plan(plan_a), api.read_plan(plan_b)
        loaded = api.load_scenario(scenario) if scenario else None
    except ScenarioError as exc:
        _fail_input(exc)
    changes = api.diff_plans(a, b, loaded)
    for change in changes:
        click.echo(str(change))
    counts = {
        k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "moved", "term")
    }
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()) + f" ({len(changes)} change(s))")


def _register_commands() -> None:
    """Commands that live in their own modules."""
    from planner.cli.generate import generate
    from planner.cli.sweep import sweep
    from planner.cli.template import template

    main.add_command(generate)
    main.add_command(sweep)
    main.add_command(template)


_register_commands()
