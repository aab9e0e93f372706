"""``planner notices``: the official documents of a plan (接收通知, 附件名单,
交流通知书), as a print-ready workbook and, where LibreOffice is installed,
as PDF. The layout is :mod:`planner.report.notices`."""

from __future__ import annotations

from pathlib import Path

import click

from planner import api
from planner.cli.common import EXIT_VIOLATIONS, InputError, fail_input, lang_option
from planner.problems import ScenarioError
from planner.report.notices import soffice, to_pdf

__all__ = ["notices"]

_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.argument("plan", type=_EXISTING_FILE)
@click.option(
    "--scenario",
    "scenario_path",
    type=_EXISTING_FILE,
    help="The scenario the plan was made for (default: the built-in Taishan scenario); "
    "its settings sheet gives the bureau, 文号 and dates.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write to (default: the plan's folder).",
)
@click.option("--pdf", is_flag=True, help="Also print the workbook to PDF with LibreOffice.")
@lang_option("Language of the documents.")
def notices(
    plan: Path, scenario_path: Path | None, out_dir: Path | None, pdf: bool, lang: str
) -> None:
    """Write the official documents of PLAN (JSON or roster workbook).

    Per receiving school a notice (接收通知) with its list of teachers, per
    teacher a letter (交流通知书), laid out after GB/T 9704 on A4. The
    bureau, document number (文号), dates and 抄送 come from the scenario's
    settings sheet. A plan that breaks a rule gets no documents (exit 1).
    """
    try:
        scenario = api.load_scenario(scenario_path)
        read = api.read_plan(plan)
    except ScenarioError as exc:
        fail_input(exc)
    report = api.check_plan(scenario, read)
    if not report.valid:
        click.echo(
            f"the plan breaks {len(report.violations)} rule instance(s); "
            "check it with 'planner check' first (no documents written)",
            err=True,
        )
        raise SystemExit(EXIT_VIOLATIONS)
    if not read.exchanges:
        raise InputError(f"the plan {plan} has no exchanges: there is nothing to notify")
    folder = out_dir if out_dir is not None else plan.parent
    name = f"{plan.stem}-{'通知' if lang == 'zh' else 'notices'}"
    try:
        written = api.write_notices(read, scenario, folder, name, lang)
    except OSError as exc:
        raise InputError(f"cannot write into {folder}: {exc}") from None
    click.echo(f"written   {written}")
    if not pdf:
        return
    if soffice() is None:
        click.echo("LibreOffice (soffice) is not installed: no PDF; print the workbook instead")
        return
    pdf_path = written.with_suffix(".pdf")
    if pdf_path.exists():
        raise InputError(f"{pdf_path} exists; move it away or choose another --out")
    try:
        done = to_pdf(written)
    except (RuntimeError, OSError) as exc:
        click.echo(f"no PDF ({exc}); the workbook is kept")
        return
    click.echo(f"written   {done}")
