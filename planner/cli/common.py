"""What every ``planner`` command shares: exit codes, the one error type,
the shared options and the exit code of a solve.

Exit codes (also in the README):
  0  success (a plan was found / the scenario or plan is valid)
  1  ``check``: the plan breaks at least one rule
  2  bad input (unreadable file, invalid scenario, policy or plan; bad options)
  3  ``solve``: proven infeasible, the rules cannot all hold
  4  ``solve``: no plan found within the time limit (nothing proven)
  5  internal error: the solver's plan failed the independent audit
  130  ``sweep``: interrupted (the finished rows are kept)
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from planner import api
from planner.i18n import _, current_language
from planner.io.outputs import OutputPathError, check_outputs
from planner.io.policy_file import DEFAULT_POLICY_FILE
from planner.model.cluster import SchedulerError, check_scheduler
from planner.model.solve import SolveParams
from planner.problems import ScenarioError
from planner.results import SolveStatus

__all__ = [
    "DEFAULTS",
    "EXIT_BAD_INPUT",
    "EXIT_INFEASIBLE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NO_PLAN",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_VIOLATIONS",
    "InputError",
    "check_output_paths",
    "check_scheduler_option",
    "exit_for",
    "exit_on_sigterm",
    "fail_input",
    "force_option",
    "gap_option",
    "json_option",
    "lang_option",
    "out_option",
    "policy_option",
    "processes_option",
    "quiet_option",
    "scenario_argument",
    "scheduler_option",
    "seed_option",
    "stderr",
    "time_limit_option",
    "work_limit_option",
    "workers_option",
]

DEFAULTS = SolveParams()

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_INTERNAL = 5
EXIT_SUPERSEDED = 6  # planner publish: someone else published first; reload
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM

F = TypeVar("F", bound=Callable[..., Any])


class InputError(click.ClickException):
    """A user error (bad input, options or output path): printed without a
    traceback, exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file: Any = None) -> None:
        """``错误：...`` / ``Error: ...`` on stderr, in the command's language."""
        click.echo(_("Error: {message}").format(message=self.format_message()), err=True)


def fail_input(exc: ScenarioError | ValueError) -> NoReturn:
    """Report an unusable input as an :class:`InputError` (exit 2)."""
    raise InputError(str(exc)) from None


def exit_on_sigterm() -> None:
    """Let SIGTERM end a command the way Ctrl-C does, with exit code 143: the
    exception unwinds the command, so a solve's pool stops its solver
    processes (:class:`planner.model.pool.Runner`) and no output is half
    written, instead of the process vanishing and leaving them behind."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    click.echo(_("SIGTERM received; stopped."), err=True)
    raise SystemExit(EXIT_TERMINATED)


def check_output_paths(
    outputs: Sequence[tuple[str, Path | None]],
    *,
    scenario: Path | None = None,
    policy_file: Path | None = None,
    others: Sequence[tuple[str, Path | None]] = (),
    lang: str | None = None,
) -> None:
    """Before any work: no output is an input (the scenario, the policy file,
    ``others``; and never the built-in scenario or the default policy file) or
    another output, and each can be written; else exit 2 with a one-line message."""
    inputs: list[tuple[str, Path | None]] = [
        ("SCENARIO", scenario),
        (_("built-in scenario"), api.BUILTIN_SCENARIO),
        ("--policy", policy_file),
        (_("default policy file"), DEFAULT_POLICY_FILE),
        *others,
    ]
    try:
        check_outputs(outputs, inputs, lang or current_language())
    except OutputPathError as exc:
        raise InputError(str(exc)) from None


def stderr(message: str) -> None:
    """Progress and notes go to stderr, results to stdout."""
    click.echo(message, err=True)


def exit_for(outcome: api.Outcome) -> None:
    """The documented exit code of a solve (0 when a consistent plan was found)."""
    status = outcome.result.status
    if status is SolveStatus.INFEASIBLE:
        sys.exit(EXIT_INFEASIBLE)
    if not status.has_plan:
        sys.exit(EXIT_NO_PLAN)
    if not outcome.consistent:
        sys.exit(EXIT_INTERNAL)


# ---------------------------------------------------------------------------
# Shared arguments and options (a function each, for the help text that
# differs between commands)
# ---------------------------------------------------------------------------

_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

scenario_argument = click.argument("scenario", required=False, type=_EXISTING_FILE)

_POLICY_HELP = _(
    "Policy YAML file (default: models/taishan-2022.yaml); "
    "the scenario's policy sheet overrides it."
)


def policy_option(help: str = _POLICY_HELP) -> Callable[[F], F]:
    """``--policy FILE``: the policy YAML file the scenario is read with."""
    return click.option("--policy", "policy_file", type=_EXISTING_FILE, help=help)


def out_option() -> Callable[[F], F]:
    """``--out ROSTER.xlsx``: the roster workbook to write."""
    return click.option(
        "--out",
        "roster",
        type=click.Path(dir_okay=False, path_type=Path),
        help=_("Roster workbook to write (.xlsx)."),
    )


def json_option() -> Callable[[F], F]:
    """``--json PLAN.json``: the plan to write as JSON."""
    return click.option(
        "--json",
        "json_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=_("Plan to write as JSON."),
    )


def time_limit_option(help: str = _("Seconds for the whole solve.")) -> Callable[[F], F]:
    """``--time-limit SEC``."""
    return click.option(
        "--time-limit",
        type=click.FloatRange(min=0.1),
        default=60.0,
        show_default=True,
        help=help,
    )


def seed_option(help: str = _("CP-SAT random seed.")) -> Callable[[F], F]:
    """``--seed N``."""
    return click.option("--seed", type=int, default=0, show_default=True, help=help)


def workers_option() -> Callable[[F], F]:
    """``--workers N``: CP-SAT search workers."""
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=DEFAULTS.workers,
        show_default=True,
        help=_("CP-SAT search workers."),
    )


def processes_option() -> Callable[[F], F]:
    """``--processes N``: processes for groups that share nothing."""
    return click.option(
        "--processes",
        type=click.IntRange(min=1),
        default=None,
        help=_(
            "Processes for groups that share nothing  [default: one per core]. "
            "The plan does not depend on it."
        ),
    )


def scheduler_option() -> Callable[[F], F]:
    """``--scheduler ADDRESS``: solve the independent groups on a Dask cluster."""
    return click.option(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help=_(
            "Solve the groups on this Dask scheduler (tcp://HOST:PORT) instead of local "
            "processes; the same plan. Needs the [dask] extra."
        ),
    )


def check_scheduler_option(address: str | None, lang: str) -> None:
    """Before any work: the ``--scheduler`` answers and has workers; else
    exit 2 with a one-line message."""
    if address is None:
        return
    try:
        check_scheduler(address)
    except SchedulerError as exc:
        raise InputError(exc.message(lang)) from None


def gap_option() -> Callable[[F], F]:
    """``--gap G``: relative gap at which each goal level stops."""
    return click.option(
        "--gap",
        type=click.FloatRange(min=0, max=1),
        default=0.0,
        show_default=True,
        help=_(
            "Stop each goal level once within this relative gap of its bound "
            "(0.005: 0.5%); 0 proves every level."
        ),
    )


def work_limit_option() -> Callable[[F], F]:
    """``--work-limit W``: CP-SAT deterministic work units."""
    return click.option(
        "--work-limit",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help=_(
            "CP-SAT deterministic work units for the whole solve: a run stopped by it "
            "stops at the same point on any machine (set --time-limit generously beside it)."
        ),
    )


def lang_option(help: str | None = None) -> Callable[[F], F]:
    """``--lang zh|en``: the language of the command's messages (and of what
    ``help`` says it sets); not given, the environment's language, else
    Chinese (:func:`planner.cli.language.command_language`)."""
    default = _("[default: the environment's language (LANG), else zh]")
    text = help or _("Language of messages and of the roster.")
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help=f"{text}  {default}",
    )


def force_option() -> Callable[[F], F]:
    """``--force``: overwrite OUT if it exists."""
    return click.option("--force", is_flag=True, help=_("Overwrite OUT if it exists."))


def quiet_option() -> Callable[[F], F]:
    """``--quiet``: no progress on stderr."""
    return click.option("--quiet", is_flag=True, help=_("No progress on stderr."))
