"""``planner sweep``: solve the cross product of policy parameter values.

Registered on the main command group by :mod:`planner.cli`; the work is
done by :func:`planner.analysis.sweep.run_sweep`. Exit codes: 0 done (infeasible
variants are rows, not failures), 2 bad input, 130 interrupted (the
finished rows are kept).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner import api
from planner.analysis.sweep import (
    CSV_NAME,
    DEFAULT_PARETO,
    XLSX_NAME,
    SweepError,
    parse_grid,
    parse_pareto,
    run_sweep,
)
from planner.cli.common import (
    EXIT_INTERRUPTED,
    InputError,
    fail_input,
    policy_option,
    quiet_option,
    scenario_argument,
    seed_option,
    stderr,
    time_limit_option,
)
from planner.i18n import _
from planner.problems import ScenarioError

__all__ = ["sweep"]


@click.command(
    "sweep",
    help=_(
        "Solve SCENARIO (default: the built-in one) for every combination of the --set values "
        "and write one row of KPIs per variant (sweep.csv, and sweep.xlsx with sheets "
        "comparison, pareto and about).\n\n"
        "Example: planner sweep --set max_age=45,50 --set ratio_later_years=5%,10% "
        "--out out/sweep"
    ),
)
@scenario_argument
@click.option(
    "--set",
    "sets",
    multiple=True,
    required=True,
    metavar="KEY=V1,V2,...",
    help=_(
        "A policy key and the values to try (repeat for more keys; the sweep "
        "solves every combination). Separate values by ';' when they hold commas."
    ),
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Directory for {csv} and {xlsx}.").format(csv=CSV_NAME, xlsx=XLSX_NAME),
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help=_("Local processes at a time, one CP-SAT worker each [default: CPU count]."),
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help=_("Run the variants on this Dask scheduler (needs the [dask] extra)."),
)
@time_limit_option(_("Seconds for each variant's solve."))
@seed_option()
@click.option(
    "--pareto",
    default=DEFAULT_PARETO,
    show_default=True,
    metavar="KPI1,KPI2",
    help=_("Two KPIs for the Pareto sheet, each optionally :max or :min."),
)
@policy_option(_("Policy YAML file the variants start from (default: models/taishan-2022.yaml)."))
@quiet_option()
def sweep(
    scenario: Path | None,
    sets: tuple[str, ...],
    out_dir: Path,
    jobs: int | None,
    scheduler: str | None,
    time_limit: float,
    seed: int,
    pareto: str,
    policy_file: Path | None,
    quiet: bool,
) -> None:
    try:
        grid = parse_grid(sets)
        parse_pareto(pareto)
    except SweepError as exc:
        fail_input(exc)
    try:
        api.load_scenario(scenario, policy_file)  # a bad scenario fails here, once
    except ScenarioError as exc:
        fail_input(exc)
    if scheduler is not None:
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise InputError(
                _("--scheduler needs Dask: pip install 'teacher-rotation-planner[dask]'")
            ) from None
    try:
        result = run_sweep(
            grid,
            out_dir=out_dir,
            scenario=scenario,
            policy_file=policy_file,
            jobs=jobs,
            scheduler=scheduler,
            time_limit=time_limit,
            seed=seed,
            pareto=pareto,
            progress=None if quiet else stderr,
        )
    except KeyboardInterrupt:
        stderr(_("interrupted; finished variants are in {path}").format(path=out_dir / CSV_NAME))
        sys.exit(EXIT_INTERRUPTED)
    except SweepError as exc:
        fail_input(exc)
    except OSError as exc:  # an unwritable --out, an unreachable --scheduler
        raise InputError(_("sweep failed: {problem}").format(problem=exc)) from None
    frame = result.frame
    shown = [c for c in frame.columns if c != "message"]
    click.echo(frame[shown].to_string(index=False))
    (x, _x_sense), (y, _y_sense) = result.pareto_axes
    front = ", ".join(map(str, result.pareto["variant"]))
    click.echo(_("pareto ({x} vs {y}): variants {variants}").format(x=x, y=y, variants=front))
    click.echo(_("written {csv}, {xlsx}").format(csv=result.csv_path, xlsx=result.xlsx_path))
