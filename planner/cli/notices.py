"""``planner notices``: the official documents of a plan (接收通知, 附件名单,
交流通知书), as a print-ready workbook and, where LibreOffice is installed,
as PDF. The layout is :mod:`planner.report.notices`."""

from __future__ import annotations

from pathlib import Path

import click

from planner import api
from planner.cli.common import EXIT_VIOLATIONS, InputError, fail_input, lang_option
from planner.cli.language import command_language
from planner.i18n import _
from planner.problems import ScenarioError
from planner.report.notices import soffice, to_pdf

__all__ = ["notices"]

_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command(
    help=_(
        "Write the official documents of PLAN (JSON or roster workbook).\n\n"
        "Per receiving school a notice (接收通知) with its list of teachers, per teacher a "
        "letter (交流通知书), laid out after GB/T 9704 on A4. The bureau, document number "
        "(文号), dates and 抄送 come from the scenario's settings sheet. A plan that breaks a "
        "rule gets no documents (exit 1)."
    )
)
@click.argument("plan", type=_EXISTING_FILE)
@click.option(
    "--scenario",
    "scenario_path",
    type=_EXISTING_FILE,
    help=_(
        "The scenario the plan was made for (default: the built-in Taishan scenario); "
        "its settings sheet gives the bureau, 文号 and dates."
    ),
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Folder to write to (default: the plan's folder)."),
)
@click.option("--pdf", is_flag=True, help=_("Also print the workbook to PDF with LibreOffice."))
@lang_option(_("Language of the documents."))
def notices(
    plan: Path, scenario_path: Path | None, out_dir: Path | None, pdf: bool, lang: str
) -> None:
    lang = command_language(lang)
    try:
        scenario = api.load_scenario(scenario_path)
        read = api.read_plan(plan)
    except ScenarioError as exc:
        fail_input(exc)
    report = api.check_plan(scenario, read)
    if not report.valid:
        click.echo(
            _(
                "the plan breaks {n} rule instance(s); check it with 'planner check' first "
                "(no documents written)"
            ).format(n=len(report.violations)),
            err=True,
        )
        raise SystemExit(EXIT_VIOLATIONS)
    if not read.exchanges:
        raise InputError(
            _("the plan {plan} has no exchanges: there is nothing to notify").format(plan=plan)
        )
    folder = out_dir if out_dir is not None else plan.parent
    name = _("{plan}-notices").format(plan=plan.stem)
    try:
        written = api.write_notices(read, scenario, folder, name, lang)
    except OSError as exc:
        raise InputError(
            _("cannot write into {folder}: {problem}").format(folder=folder, problem=exc)
        ) from None
    click.echo(_("written   {path}").format(path=written))
    if not pdf:
        return
    if soffice() is None:
        click.echo(_("LibreOffice (soffice) is not installed: no PDF; print the workbook instead"))
        return
    pdf_path = written.with_suffix(".pdf")
    if pdf_path.exists():
        raise InputError(
            _("{path} exists; move it away or choose another --out").format(path=pdf_path)
        )
    try:
        done = to_pdf(written)
    except (RuntimeError, OSError) as exc:
        click.echo(_("no PDF ({problem}); the workbook is kept").format(problem=exc))
        return
    click.echo(_("written   {path}").format(path=done))
