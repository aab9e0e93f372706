"""``planner solve`` and ``planner replan``: solve a scenario and write the plan.

Registered on the ``planner`` group in :mod:`planner.cli`; the work is done by
:func:`planner.api.solve_scenario`, :func:`planner.api.replan_scenario` and
:func:`planner.api.write_outputs`. Both print the same summary and exit by
:func:`planner.cli.common.exit_for`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import click

from planner import api
from planner.cli.archive import db_option, previous_from_archive, record_draft, solve_settings
from planner.cli.common import (
    F,
    InputError,
    check_output_paths,
    check_scheduler_option,
    exit_for,
    fail_input,
    gap_option,
    json_option,
    lang_option,
    out_option,
    policy_option,
    processes_option,
    quiet_option,
    scenario_argument,
    scheduler_option,
    seed_option,
    stderr,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from planner.cli.language import command_language
from planner.i18n import _, current_language, goal_label, pgettext, rule_label
from planner.model.cluster import SchedulerError
from planner.model.solve import SolveParams
from planner.problems import ScenarioError
from planner.report.tables.headline import headline
from planner.report.tables.sheets import group_line
from planner.results import AuditReport, LevelResult
from planner.rules import RELAXABLE

__all__ = ["replan", "solve"]


def plan_options(f: F) -> F:
    """The options solve and replan share: policy, outputs, solver, language."""
    for option in reversed(
        (
            policy_option(),
            out_option(),
            json_option(),
            time_limit_option(),
            seed_option(),
            workers_option(),
            processes_option(),
            scheduler_option(),
            gap_option(),
            work_limit_option(),
            lang_option(),
        )
    ):
        f = option(f)
    return f


@click.command(
    help=_("Solve SCENARIO (default: the built-in Taishan scenario) and write the plan.")
)
@scenario_argument
@plan_options
@click.option(
    "--allow-shortfall",
    "relax",
    multiple=True,
    is_flag=False,
    flag_value="all",
    metavar="[RULE]",
    help=_(
        "Let a quota-type rule fall short (minimised first). Repeat for several; "
        "bare (no RULE) or 'all': every rule that can fall short."
    ),
)
@click.option(
    "--keep",
    "keep",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="EDITED_ROSTER.xlsx",
    help=_(
        "A roster workbook whose rows marked 已定交流 (locked) 是 are kept as "
        "commitments; the rest is planned again."
    ),
)
@db_option
@quiet_option()
def solve(
    scenario: Path | None,
    policy_file: Path | None,
    roster: Path | None,
    json_path: Path | None,
    time_limit: float,
    seed: int,
    workers: int,
    processes: int | None,
    scheduler: str | None,
    gap: float,
    work_limit: float | None,
    lang: str,
    relax: tuple[str, ...],
    keep: Path | None,
    db: str | None,
    quiet: bool,
) -> None:
    lang = command_language(lang)
    relaxed = _relaxed_rules(relax)
    outputs = [("--out", roster), ("--json", json_path)]
    check_output_paths(
        outputs, scenario=scenario, policy_file=policy_file, others=[("--keep", keep)], lang=lang
    )
    check_scheduler_option(scheduler, lang)
    try:
        loaded = api.load_scenario(scenario, policy_file)
        if keep is not None:
            loaded = api.keep_from_roster(loaded, keep)
    except ScenarioError as exc:
        fail_input(exc)
    if not quiet:
        stderr(
            _("solving {name} ({staff} staff, {years} years)").format(
                name=loaded.name, staff=len(loaded.staff), years=loaded.horizon
            )
        )
        for note in loaded.notes:
            stderr(_("note: {note}").format(note=note))
    params = _solve_params(
        time_limit, seed, workers, processes, scheduler, gap, work_limit, quiet, relaxed
    )
    if roster is None and json_path is None:
        roster, json_path = api.default_outputs(scenario)
    try:
        outcome = api.solve_scenario(loaded, params)
    except ScenarioError as exc:  # numbers beyond what the solver holds exactly
        fail_input(exc)
    except SchedulerError as exc:  # the scheduler went away after the check
        raise InputError(exc.message(lang)) from None
    written = api.write_outputs(
        outcome,
        roster=roster,
        json_path=json_path,
        lang=lang,
        source=(scenario or api.BUILTIN_SCENARIO).name,
    )
    _print_summary(outcome, written)
    if db is not None:
        source = scenario or api.BUILTIN_SCENARIO
        draft = record_draft(
            db, source, api.plan_document(outcome), solve_settings(params), lang=lang
        )
        _print_draft(draft, lang)
    exit_for(outcome)


@click.command(
    help=_(
        "Replan SCENARIO from --from-year, keeping the --previous plan where possible.\n\n"
        "Exchanges that started before the year are fixed (LOCKED); those of the "
        "previous plan starting in it or later are the published plan, changed "
        "only where coverage or the rules require (STABLE). Prints every change "
        "with its reason. Without --previous, the plan published in the archive "
        "(--db) for --from-year is the previous plan, and the new plan is stored "
        "there as a draft."
    )
)
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=_(
        "The previous (published) plan: JSON or roster workbook "
        "(default: the plan published in the archive for --from-year)."
    ),
)
@click.option("--from-year", required=True, type=int, help=_("First school year not yet started."))
@plan_options
@click.option(
    "--order",
    help=_("Goal order, e.g. COVER,FAIR,PREFER,STABLE,COST (default: STABLE right after COVER)."),
)
@db_option
@quiet_option()
def replan(
    scenario: Path,
    previous: Path | None,
    from_year: int,
    policy_file: Path | None,
    roster: Path | None,
    json_path: Path | None,
    time_limit: float,
    seed: int,
    workers: int,
    processes: int | None,
    scheduler: str | None,
    gap: float,
    work_limit: float | None,
    lang: str,
    order: str | None,
    db: str | None,
    quiet: bool,
) -> None:
    lang = command_language(lang)
    check_output_paths(
        [("--out", roster), ("--json", json_path)],
        scenario=scenario,
        policy_file=policy_file,
        others=[("--previous", previous)],
        lang=lang,
    )
    check_scheduler_option(scheduler, lang)
    published = previous_from_archive(db, from_year, lang) if previous is None else None
    try:
        loaded = api.load_scenario(scenario, policy_file)
        if order:
            loaded = replace(
                loaded, policy=loaded.policy.with_overrides({"objective_order": order}, "--order")
            )
        previous_plan = api.read_plan(previous) if previous is not None else published.plan  # type: ignore[union-attr]
    except ScenarioError as exc:
        fail_input(exc)
    params = _solve_params(time_limit, seed, workers, processes, scheduler, gap, work_limit, quiet)
    try:
        done = api.replan_scenario(loaded, previous_plan, from_year, params, lang)
    except SchedulerError as exc:  # the scheduler went away after the check
        raise InputError(exc.message(lang)) from None
    except (ScenarioError, ValueError) as exc:
        fail_input(exc)
    for message in done.prepared.messages:
        click.echo(_("note: {note}").format(note=message))
    outcome = done.outcome
    written = api.write_outputs(
        outcome,
        roster=roster,
        json_path=json_path,
        lang=lang,
        changes=done.changes,
        source=scenario.name,
    )
    _print_summary(outcome, written)
    click.echo(_("{n} change(s) against the published plan:").format(n=len(done.changes)))
    for change in done.changes:
        click.echo(f"  {change}")
    if db is not None or published is not None:
        based_on = published.head if published is not None else None
        _archive_replan(db, scenario, done, params, from_year, based_on, lang)
    exit_for(outcome)


def _archive_replan(
    db: str | None,
    scenario: Path,
    done: api.ReplanOutcome,
    params: SolveParams,
    from_year: int,
    based_on: int | None,
    lang: str,
) -> None:
    """Store a replan's plan and its changes in the archive as a draft."""
    document = {
        **api.plan_document(done.outcome),
        "changes": [api.change_document(c) for c in done.changes],
    }
    settings = solve_settings(params, from_year=from_year)
    draft = record_draft(
        db, scenario, document, settings, from_year=from_year, based_on=based_on, lang=lang
    )
    _print_draft(draft, lang)


def _print_draft(draft: int | None, lang: str) -> None:
    """Say where the plan went in the archive (nothing is stored without a plan)."""
    if draft is None:
        return
    click.echo(
        _("archived   draft plan {draft} (publish it with: planner publish {draft})").format(
            draft=draft
        )
    )


def _relaxed_rules(values: tuple[str, ...]) -> frozenset[str]:
    """The rules named by ``--allow-shortfall`` (comma-separated or repeated,
    'all', or the bare flag, which click gives as 'all')."""
    rules: set[str] = set()
    for value in values:
        for item in value.split(","):
            name = item.strip().upper()
            if name == "ALL":
                rules |= RELAXABLE
            elif name in RELAXABLE:
                rules.add(name)
            elif name:
                hint = (
                    _(
                        "; a bare --allow-shortfall takes the next word as its RULE: put the "
                        "scenario before it, or write --allow-shortfall=all"
                    )
                    if name.endswith((".XLSX", ".XLS", ".JSON"))
                    else ""
                )
                message = _(
                    "--allow-shortfall: {item!r} is not a rule that can fall short; "
                    "use 'all' or one of {rules}{hint}"
                )
                raise InputError(
                    message.format(
                        item=item,
                        rules=", ".join(rule_label(r) for r in sorted(RELAXABLE)),
                        hint=hint,
                    )
                )
    return frozenset(rules)


def _solve_params(
    time_limit: float,
    seed: int,
    workers: int,
    processes: int | None,
    scheduler: str | None,
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
        scheduler=scheduler,
        gap=gap,
        work_limit=work_limit,
        relax=relax,
        log=None if quiet else stderr,
    )


def _print_summary(outcome: api.Outcome, written: list[Path]) -> None:
    """The summary table of a solve on stdout, then notes, violations, conflicts.

    With a plan: the head of section's figures (need, covered, share, the
    lowest school, exchanges, people, cadres) overall and per group."""
    result, report, conflicts = outcome.result, outcome.report, outcome.conflicts
    rows: list[tuple[str, str]] = [(_label("status"), result.status.label())]
    rows.extend(_level_row(level) for level in result.levels)
    if report is not None:
        rows.extend(_headline_rows(outcome, report))
    else:
        rows.append((_label("exchanges"), str(len(result.plan.exchanges))))
    rows.append(
        (
            _label("model"),
            _("{variables} variables, {constraints} constraints").format(
                variables=result.num_variables, constraints=result.num_constraints
            ),
        )
    )
    rows.append(
        (
            _label("time"),
            _("build {build:.2f}s, solve {solve:.2f}s").format(
                build=result.build_seconds, solve=result.solve_seconds
            ),
        )
    )
    if report is not None:
        verdict = (
            _("valid") if report.valid else _("{n} violation(s)").format(n=len(report.violations))
        )
        rows.append(
            (
                _label("audit"),
                _("{verdict}, coverage {coverage}").format(
                    verdict=verdict, coverage=report.total_coverage
                ),
            )
        )
    rows.extend((_label("written"), str(path)) for path in written)
    width = max(_width(k) for k, _v in rows)
    for key, value in rows:
        click.echo(f"{key}{' ' * (width - _width(key))}  {value}")
    for message in result.messages:
        click.echo(f"{_label('note')}: {message}")
    if report is not None:
        for violation in report.violations:
            click.echo(f"  {violation}")
    for conflict in conflicts:
        click.echo(f"{_label('conflict')}: {conflict}")


def _label(key: str) -> str:
    """A row label of the summary in the current language (``status`` / 状态)."""
    labels = {
        "status": pgettext("summary", "status"),
        "need": pgettext("summary", "need"),
        "covered": pgettext("summary", "covered"),
        "lowest": pgettext("summary", "lowest"),
        "exchanges": pgettext("summary", "exchanges"),
        "group": pgettext("summary", "group"),
        "model": pgettext("summary", "model"),
        "time": pgettext("summary", "time"),
        "audit": pgettext("summary", "audit"),
        "written": pgettext("summary", "written"),
        "note": pgettext("summary", "note"),
        "conflict": pgettext("summary", "conflict"),
    }
    return labels[key]


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a Chinese character: two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _level_row(level: LevelResult) -> tuple[str, str]:
    """One goal level: its value, bound, gap, status and time."""
    bound = "" if level.bound is None else _(" (bound {bound})").format(bound=level.bound)
    if level.bound is not None and level.value is not None and level.bound != level.value:
        gap = abs(level.bound - level.value) / max(abs(level.bound), Decimal(1)) * 100
        bound += _(" gap {gap:.2f}%, not proven (stopped by the time limit or --gap)").format(
            gap=gap
        )
    status = level.status.label()
    return (
        goal_label(level.name),
        f"{level.value}{bound}  "
        + _("{status}, {seconds:.1f}s").format(status=status, seconds=level.seconds),
    )


def _headline_rows(outcome: api.Outcome, report: AuditReport) -> list[tuple[str, str]]:
    """Need, covered, share, the lowest school, exchanges and each group's line."""
    plan = outcome.result.plan
    head = headline(outcome.scenario, plan, report)
    total = head.total
    share = f"{total.share * 100:.1f}%" if total.share is not None else "-"
    rows = [
        (_label("need"), _("{need} (staff, all schools and years)").format(need=total.need)),
        (_label("covered"), f"{total.covered} ({share})"),
    ]
    if total.lowest_school is not None and total.lowest_share is not None:
        rows.append((_label("lowest"), f"{total.lowest_school} {total.lowest_share * 100:.1f}%"))
    rows.append(
        (
            _label("exchanges"),
            _("{n} ({people} people, {cadres} cadres)").format(
                n=len(plan.exchanges), people=total.people, cadres=total.cadres
            ),
        )
    )
    lang = current_language()
    rows.extend((_label("group"), f"{g.name}: {group_line(g, lang)}") for g in head.groups)
    return rows
