"""The ``planner`` command line: thin click commands over :mod:`planner.api`.

:func:`main` is the click group (the ``planner`` entry point); each command
group lives in its own module and is registered here:

* :mod:`planner.cli.check`: ``validate``, ``check``, ``explain``, ``diff``;
* :mod:`planner.cli.solve`: ``solve``, ``replan``;
* :mod:`planner.cli.notices`: ``notices`` (the official documents);
* :mod:`planner.cli.archive`: ``publish``, ``plans``, ``ledger``, ``archive``;
* :mod:`planner.web.command`: ``serve`` (the workbench in the browser);
* :mod:`planner.cli.template`, :mod:`planner.cli.generate`,
  :mod:`planner.cli.sweep`: the command of that name.

Exit codes, the one error type and the shared options:
:mod:`planner.cli.common`.
"""

import click

from planner.cli.archive import archive, ledger, plans, publish
from planner.cli.check import check, diff, explain, validate
from planner.cli.click_text import translate_click
from planner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NO_PLAN,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_VIOLATIONS,
    exit_on_sigterm,
)
from planner.cli.generate import generate
from planner.cli.notices import notices
from planner.cli.solve import replan, solve
from planner.cli.sweep import sweep
from planner.cli.template import template
from planner.i18n import _, env_language, use_language
from planner.web.command import serve

# click's usage lines, headings and option errors in the planner's language.
translate_click()

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INFEASIBLE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NO_PLAN",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_VIOLATIONS",
    "main",
]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    help=_(
        "Plan teacher and cadre rotations in education groups (集团化办学).\n\n"
        "Reads a scenario workbook, builds an OR-Tools CP-SAT model of the policy's rules "
        "(rule ids as in docs/rules.zh.md) and writes an audited roster. Without a SCENARIO, "
        "commands use the built-in Taishan scenario.\n\n"
        "Messages are in Chinese; in English with --lang en where a command has it, or with "
        "the environment (PLANNER_LANG, LC_ALL, LC_MESSAGES or LANG starting with en). This "
        "help follows the environment."
    ),
)
@click.version_option(package_name="teacher-rotation-planner")
@click.pass_context
def main(ctx: click.Context) -> None:
    # Every command speaks the environment's language unless its --lang says otherwise.
    ctx.with_resource(use_language(env_language()))
    exit_on_sigterm()


for _command in (
    validate,
    solve,
    check,
    explain,
    replan,
    notices,
    diff,
    generate,
    sweep,
    template,
    publish,
    plans,
    ledger,
    archive,
    serve,
):
    main.add_command(_command)
