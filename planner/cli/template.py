"""``planner template``: write the fill-in scenario workbook.

Registered on the ``planner`` group in :mod:`planner.cli`; the work is done by
:func:`planner.io.template.write_template` (and, with ``--from``,
:func:`planner.api.load_scenario`).
"""

from __future__ import annotations

from pathlib import Path

import click

from planner import api
from planner.cli.common import (
    InputError,
    check_output_paths,
    fail_input,
    force_option,
    lang_option,
    policy_option,
)
from planner.cli.language import command_language
from planner.i18n import _
from planner.io.template import write_template
from planner.problems import ScenarioError

__all__ = ["template"]


@click.command(
    "template",
    help=_(
        "Write OUT.xlsx, a scenario workbook to fill in (empty, or filled --from SCENARIO).\n\n"
        "Every sheet of the scenario format with its headers, a first sheet of instructions, "
        "drop-down lists for codes and ids, date and number checks. A filled template is read "
        "by validate and solve as it is."
    ),
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@lang_option(_("Sheet names, headers, codes and instructions in Chinese or English."))
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=_("Fill the template from this scenario workbook."),
)
@policy_option(_("Policy YAML file used to read --from (default: models/taishan-2022.yaml)."))
@force_option()
def template(
    out: Path, lang: str, source: Path | None, policy_file: Path | None, force: bool
) -> None:
    lang = command_language(lang)
    check_output_paths(
        [("OUT", out)],
        scenario=source,
        policy_file=policy_file,
        lang=lang,
    )
    if out.exists() and not force:
        raise InputError(_("{path} exists; use --force to overwrite it").format(path=out))
    try:
        scenario = api.load_scenario(source, policy_file) if source is not None else None
    except ScenarioError as exc:
        fail_input(exc)
    try:
        write_template(out, lang=lang, scenario=scenario)
    except OSError as exc:
        raise InputError(
            _("cannot write {path}: {problem}").format(path=out, problem=exc)
        ) from None
    click.echo(_("written {path}").format(path=out))
