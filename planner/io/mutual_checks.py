"""The checks of the ``mutual`` sheet (互派): who moves, from which member
school to which core school, in which years (MEMBERSHIP, TERM, ONE-PLACE,
the horizon). Messages name the row's person and say how to fix it."""

from __future__ import annotations

from planner.data import MutualMove, School
from planner.enums import Role
from planner.i18n import _
from planner.io.findings import FIRST, Checks, member, span
from planner.rules import Rule

__all__ = ["mutual"]


def mutual(ctx: Checks) -> None:
    """Mutual moves (互派): who, from where to where, when."""
    seen: dict[str, list[int]] = {}
    for i, move in enumerate(ctx.s.mutual):
        label = _("mutual mover {staff}").format(staff=move.staff_id)
        if move.staff_id in ctx.staff_ids:
            ctx.add(
                "mutual",
                i,
                "staff_id",
                move.staff_id,
                _(
                    "{label}: staff_id {staff} is already the id of core-school staff in the "
                    "staff sheet; a mutual mover is member-school staff: give them another id"
                ).format(label=label, staff=move.staff_id),
            )
        _mutual_schools(ctx, i, move, label)
        _mutual_years(ctx, i, move, label)
        for j in seen.get(move.staff_id, []):
            other = ctx.s.mutual[j]
            if move.start_year <= other.end_year and other.start_year <= move.end_year:
                ctx.add(
                    "mutual",
                    i,
                    "start_year",
                    move.start_year,
                    _(
                        "{label}: {start}-{end} overlaps another mutual move of the same person "
                        "({first}, {other_start}-{other_end}); a person is in one place in a "
                        "school year: change the start or end year"
                    ).format(
                        label=label,
                        start=move.start_year,
                        end=move.end_year,
                        first=FIRST,
                        other_start=other.start_year,
                        other_end=other.end_year,
                    ),
                    first_index=j,
                    rule=Rule.ONE_PLACE,
                )
        seen.setdefault(move.staff_id, []).append(i)


def _mutual_schools(ctx: Checks, i: int, move: MutualMove, label: str) -> None:
    """from_school a member of to_school's group in every year; to_school its core."""
    source = ctx.schools.get(move.from_school)
    target = ctx.schools.get(move.to_school)
    ctx.reference(
        ("mutual", i, "from_school"),
        move.from_school,
        "schools",
        _(
            "{label}: the sending school {school} is not in sheet schools; use the school_id of "
            "a member school of the schools sheet."
        ).format(label=label, school=move.from_school),
    )
    ctx.reference(
        ("mutual", i, "to_school"),
        move.to_school,
        "schools",
        _(
            "{label}: the receiving school {school} is not in sheet schools; use the school_id "
            "of the group's core school."
        ).format(label=label, school=move.to_school),
    )
    if source is None:
        return
    if source.role is Role.CORE:
        ctx.add(
            "mutual",
            i,
            "from_school",
            move.from_school,
            _(
                "{label}: the sending school {school} is a core school; a mutual move brings "
                "member-school staff to their group's core school: use a member school's id"
            ).format(label=label, school=move.from_school),
            rule=Rule.MEMBERSHIP,
        )
        return
    if not move.stage.teaches() <= source.stage.teaches():
        ctx.add(
            "mutual",
            i,
            "stage",
            move.stage.value,
            _(
                "{label}: the sending school {school} has no {stage} stage; use a stage the "
                "school has"
            ).format(label=label, school=move.from_school, stage=move.stage.value),
        )
    if target is not None and (target.role is not Role.CORE or target.group_id != source.group_id):
        core = next(
            (
                sc.school_id
                for sc in ctx.s.schools
                if sc.group_id == source.group_id and sc.role is Role.CORE
            ),
            None,
        )
        fix = (
            _("use {core}").format(core=core)
            if core is not None
            else _("give the group a core school in sheet schools")
        )
        ctx.add(
            "mutual",
            i,
            "to_school",
            move.to_school,
            _(
                "{label}: the receiving school {target} is not the core school of group "
                "{group} of {source}; {fix}"
            ).format(
                label=label,
                target=move.to_school,
                group=source.group_id,
                source=move.from_school,
                fix=fix,
            ),
            rule=Rule.MEMBERSHIP,
        )
    _mutual_membership(ctx, i, move, label, source)


def _mutual_membership(ctx: Checks, i: int, move: MutualMove, label: str, source: School) -> None:
    """from_school a member of its group in every year of the move."""
    group = ctx.groups.get(source.group_id)
    if group is None:
        return
    out = [
        y
        for y in range(move.start_year, move.end_year + 1)
        if not member(source, group.founded_year, y)
    ]
    if out:
        ctx.add(
            "mutual",
            i,
            "start_year" if out[0] == move.start_year else "end_year",
            move.start_year if out[0] == move.start_year else move.end_year,
            _(
                "{label}: {school} is not a member school of group {group} in {years}; the "
                "sending school is in the group in every year of a mutual move: change the "
                "start or end year, or the joined/left year in sheet schools"
            ).format(
                label=label,
                school=move.from_school,
                years=", ".join(map(str, out)),
                group=group.group_id,
            ),
            rule=Rule.MEMBERSHIP,
        )


def _mutual_years(ctx: Checks, i: int, move: MutualMove, label: str) -> None:
    """Start before end, a term within TERM, some year inside the horizon."""
    policy = ctx.s.policy
    if move.start_year > move.end_year:
        ctx.add(
            "mutual",
            i,
            "end_year",
            move.end_year,
            _(
                "{label}: the end year {end} is before the start year {start}; the end year is "
                "the last school year at the core school (inclusive)"
            ).format(label=label, end=move.end_year, start=move.start_year),
        )
        return
    # One that ended early is exempt from the minimum, never from the maximum.
    lo = 1 if move.ended_early else policy.term_min
    if not lo <= move.term <= policy.term_max:
        message = (
            _(
                "{label}: {start}-{end} is {term} school years, not within the term "
                "{lo}..{hi}; change the end year, or mark the move as ended early"
            )
            if move.term < lo
            else _(
                "{label}: {start}-{end} is {term} school years, not within the term "
                "{lo}..{hi}; change the end year"
            )
        )
        ctx.add(
            "mutual",
            i,
            "end_year",
            move.end_year,
            message.format(
                label=label,
                start=move.start_year,
                end=move.end_year,
                term=move.term,
                lo=lo,
                hi=policy.term_max,
            ),
            rule=Rule.TERM,
        )
    if ctx.u.settings:
        return
    years = ctx.s.years
    if move.end_year < years.start or move.start_year >= years.stop:
        ctx.add(
            "mutual",
            i,
            "start_year",
            move.start_year,
            _(
                "{label}: no year of {start}-{end} is in the horizon {horizon}; delete the row "
                "or change the first year or horizon in sheet settings"
            ).format(
                label=label,
                start=move.start_year,
                end=move.end_year,
                horizon=span(ctx.s.first_year, ctx.s.horizon),
            ),
        )
