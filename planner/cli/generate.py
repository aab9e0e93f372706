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
from planner.i18n import _

__all__ = ["generate"]


def _defaults_text() -> str:
    return ", ".join(f"{name} {preset.default_groups}" for name, preset in PRESETS.items())


@click.command(
    "generate",
    help=_(
        "Write OUT.xlsx, a synthetic scenario (same options and seed: same workbook content)."
        "\n\n"
        "Groups with junior, primary or nine-year core schools and their fusion and alliance "
        "members; core-school staff (subjects by stage, ages, honours, positions, volunteers, "
        "preferences); member needs beyond what the quotas force; capacities; CORE-KEEP; "
        "members joining or leaving; exchanges under way (commitments); optionally a district "
        "fund. Feasible under the rules; all names and people are made up."
    ),
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    default="district",
    show_default=True,
    help=_("Size and shape: a district like Taishan, a city, a province."),
)
@click.option(
    "--groups",
    type=click.IntRange(min=1),
    default=None,
    help=_("Number of education groups (default per preset: {defaults}).").format(
        defaults=_defaults_text()
    ),
)
@seed_option(_("Random seed."))
@click.option(
    "--budget",
    is_flag=True,
    help=_("Price staff-years (cost_teacher, cost_cadre) and add a binding fund per plan year."),
)
@force_option()
def generate(
    out: Path, preset: str, groups: int | None, seed: int, budget: bool, force: bool
) -> None:
    check_output_paths([("OUT", out)])
    if out.exists() and not force:
        raise InputError(_("{path} exists; use --force to overwrite it").format(path=out))
    if out.suffix.lower() != ".xlsx":
        raise InputError(
            _("{path}: the scenario is an Excel workbook; name it *.xlsx").format(path=out)
        )
    try:
        scenario = write_generated(out, preset, groups, seed, budget=budget)
    except ValueError as exc:
        fail_input(exc)
    except OSError as exc:
        raise InputError(
            _("cannot write {path}: {problem}").format(path=out, problem=exc)
        ) from None
    counts = {
        "path": out,
        "groups": len(scenario.groups),
        "schools": len(scenario.schools),
        "staff": len(scenario.staff),
        "needs": len(scenario.needs),
        "commitments": len(scenario.commitments),
        "years": len(scenario.budget),
    }
    if scenario.budget:
        done = _(
            "written {path}: {groups} groups, {schools} schools, {staff} staff, {needs} needs, "
            "{commitments} commitments, fund for {years} years"
        )
    else:
        done = _(
            "written {path}: {groups} groups, {schools} schools, {staff} staff, {needs} needs, "
            "{commitments} commitments"
        )
    click.echo(done.format(**counts))
