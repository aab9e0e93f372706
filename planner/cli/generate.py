"""``planner generate``: write a synthetic scenario workbook of any size.

Registered on the ``planner`` group in :mod:`planner.cli`; the work is done by
:func:`planner.examples.generate.generate_scenario` and
:func:`planner.io.writer.write_scenario` (atomic).
"""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.common import InputError, check_output_paths, fail_input, force_option, seed_option
from planner.examples.generate import PRESETS, write_generated

__all__ = ["generate"]


def _defaults_text() -> str:
    return ", ".join(f"{name} {preset.default_groups}" for name, preset in PRESETS.items())


@click.command("generate")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    default="district",
    show_default=True,
    help="Size and shape: a district like Taishan, a city, a province.",
)
@click.option(
    "--groups",
    type=click.IntRange(min=1),
    default=None,
    help=f"Number of education groups (default per preset: {_defaults_text()}).",
)
@seed_option("Random seed.")
@click.option(
    "--budget",
    is_flag=True,
    help="Price staff-years (cost_teacher, cost_cadre) and add a binding fund per plan year.",
)
@force_option()
def generate(
    out: Path, preset: str, groups: int | None, seed: int, budget: bool, force: bool
) -> None:
    """Write OUT.xlsx, a synthetic scenario (same options and seed: same workbook content).

    Groups with junior, primary or nine-year core schools and their fusion and
    alliance members; core-school staff (subjects by stage, ages, honours,
    positions, volunteers, preferences); member needs beyond what the quotas
    force; capacities; CORE-KEEP; members joining or leaving; exchanges under
    way (commitments); optionally a district fund. Feasible under the rules;
    all names and people are made up.
    """
    check_output_paths([("OUT", out)])
    if out.exists() and not force:
        raise InputError(f"{out} exists; use --force to overwrite it")
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: the scenario is an Excel workbook; name it *.xlsx")
    try:
        scenario = write_generated(out, preset, groups, seed, budget=budget)
    except ValueError as exc:
        fail_input(exc)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc}") from None
    click.echo(
        f"written {out}: {len(scenario.groups)} groups, {len(scenario.schools)} schools, "
        f"{len(scenario.staff)} staff, {len(scenario.needs)} needs, "
        f"{len(scenario.commitments)} commitments"
        + (f", fund for {len(scenario.budget)} years" if scenario.budget else "")
    )
