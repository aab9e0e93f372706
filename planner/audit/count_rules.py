"""The rules that count: CADRE-QUOTA, TEACHER-QUOTA, BACKBONE-SHARE, CAPACITY,
CORE-KEEP, BUDGET.

The two quotas look at the same starts of a group's core school in a year;
:func:`quota_years` gathers them once per group and year (:class:`QuotaYear`)
and each quota function checks its own count against them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from planner.audit.context import AuditContext
from planner.audit.eligibility import CADRE_POSITIONS, eligibility_reasons
from planner.audit.record import Breach, money
from planner.data import Group, Staff
from planner.i18n import _
from planner.rules import Rule


@dataclass(frozen=True)
class QuotaYear:
    """A group's quota year: the core school's headcount and who starts."""

    group: Group
    core_id: str
    year: int
    first: bool  # the group's founded year: first-year values
    headcount: int
    starters: list[Staff]


def quota_years(ctx: AuditContext) -> Iterator[QuotaYear]:
    """Every group with a core school, every horizon year on or after its founding.

    The headcount is the core school's whole staff list, or only those
    eligible that year where the policy's ``ratio_base`` is ``eligible``.
    """
    for group in ctx.scenario.groups:
        core_id = ctx.core_of_group.get(group.group_id)
        if core_id is None:
            continue
        everyone = ctx.staff_of_school.get(core_id, [])
        for year in ctx.horizon:
            if year < group.founded_year:
                continue
            if ctx.policy.ratio_base == "eligible":  # national 2014: share of the eligible
                headcount = sum(
                    1 for p in everyone if not eligibility_reasons(ctx.scenario, p, year)
                )
            else:
                headcount = len(everyone)
            first = year == group.founded_year
            starters = ctx.core_starters(core_id, year)
            yield QuotaYear(group, core_id, year, first, headcount, starters)


def _quota(
    ctx: AuditContext, rule: Rule, q: QuotaYear, required: int, achieved: int, note: str, says: str
) -> None:
    short = required - achieved
    breach = None
    if short > 0:
        breach = Breach(
            _("{group}: {says} (short by {short})").format(
                group=q.group.name, says=says, short=short
            ),
            amount=short,
        )
    ctx.out.record(
        rule,
        q.group.group_id,
        q.year,
        None,
        breach,
        required=required,
        achieved=achieved,
        note=note,
    )


def teacher_quota(ctx: AuditContext, q: QuotaYear) -> None:
    """TEACHER-QUOTA: in a group's first year the staff starting an exchange
    from the core school number at least ratio_first_year of its headcount, in
    each later year at least ratio_later_years; the required count is
    ceil(ratio x headcount) in exact decimal arithmetic."""
    ratio = ctx.policy.ratio_first_year if q.first else ctx.policy.ratio_later_years
    exact = ratio * Decimal(q.headcount)
    required = int(exact.to_integral_value(rounding=ROUND_CEILING))
    starts = len(q.starters)
    _quota(
        ctx,
        Rule.TEACHER_QUOTA,
        q,
        required,
        starts,
        (
            _("ceil({ratio} x {headcount}) = {required} (first-year ratio)")
            if q.first
            else _("ceil({ratio} x {headcount}) = {required} (later-year ratio)")
        ).format(ratio=ratio, headcount=q.headcount, required=required),
        (
            _(
                "{required} of {headcount} staff of {school} must start an exchange in "
                "{year} (first-year ratio {ratio}), the plan starts {starts}"
            )
            if q.first
            else _(
                "{required} of {headcount} staff of {school} must start an exchange in "
                "{year} (later-year ratio {ratio}), the plan starts {starts}"
            )
        ).format(
            required=required,
            headcount=q.headcount,
            school=ctx.school_name(q.core_id),
            year=q.year,
            ratio=ratio,
            starts=starts,
        ),
    )


def cadre_quota(ctx: AuditContext, q: QuotaYear) -> None:
    """CADRE-QUOTA: in a group's first year at least cadre_min_first_year
    cadres at middle level or above start an exchange from the core school;
    in each later year at least cadre_min_later_years."""
    policy = ctx.policy
    cadre_min = policy.cadre_min_first_year if q.first else policy.cadre_min_later_years
    cadres = sum(1 for p in q.starters if p.position in CADRE_POSITIONS)
    _quota(
        ctx,
        Rule.CADRE_QUOTA,
        q,
        cadre_min,
        cadres,
        (
            _("at least {n} cadres (first year)")
            if q.first
            else _("at least {n} cadres (later year)")
        ).format(n=cadre_min),
        (
            _(
                "at least {n} cadres at middle level or above of {school} must start an "
                "exchange in {year} (first-year minimum), the plan starts {cadres}"
            )
            if q.first
            else _(
                "at least {n} cadres at middle level or above of {school} must start an "
                "exchange in {year} (later-year minimum), the plan starts {cadres}"
            )
        ).format(n=cadre_min, school=ctx.school_name(q.core_id), year=q.year, cadres=cadres),
    )


def backbone_share(ctx: AuditContext) -> None:
    """BACKBONE-SHARE (optional): backbone teachers are at least
    backbone_min_share of each year's starts from a group's core school
    (rounded up)."""
    share = ctx.policy.backbone_min_share
    if share <= 0:
        return
    for group in ctx.scenario.groups:
        core_id = ctx.core_of_group.get(group.group_id)
        for year in ctx.horizon:
            starters = ctx.core_starters(core_id, year)
            if not starters:
                continue
            backbone = sum(1 for p in starters if p.backbone)
            needed = int((share * len(starters)).to_integral_value(rounding=ROUND_CEILING))
            breach = None
            if backbone < needed:
                breach = Breach(
                    _(
                        "{group}: {backbone} of {starts} starts in {year} are "
                        "backbone teachers, at least {needed} ({share}) required"
                    ).format(
                        group=group.name,
                        backbone=backbone,
                        starts=len(starters),
                        year=year,
                        needed=needed,
                        share=share,
                    ),
                    amount=Decimal(needed - backbone),
                )
            ctx.out.record(
                Rule.BACKBONE_SHARE,
                group.group_id,
                year,
                None,
                breach,
                required=needed,
                achieved=backbone,
                note=_("{backbone} of {starts} starts are backbone teachers").format(
                    backbone=backbone, starts=len(starters)
                ),
            )


def capacity(ctx: AuditContext) -> None:
    """CAPACITY: a member school hosts at most its stated number of exchange
    staff in any year from first_year on, past the horizon too."""
    last = ctx.horizon[-1]
    if ctx.exchanges:
        last = max(last, max(ex.end_year for ex in ctx.exchanges))
    for school in ctx.scenario.schools:
        if school.capacity is None:
            continue
        for year in range(ctx.scenario.first_year, last + 1):
            hosted = len(ctx.hosted.get((school.school_id, year), ()))
            excess = hosted - school.capacity
            breach = None
            if excess > 0:
                breach = Breach(
                    _(
                        "{school} hosts {hosted} exchange staff in {year}, "
                        "at most {capacity} (exceeded by {excess})"
                    ).format(
                        school=ctx.school_name(school.school_id),
                        hosted=hosted,
                        year=year,
                        capacity=school.capacity,
                        excess=excess,
                    ),
                    amount=excess,
                    school_id=school.school_id,
                )
            ctx.out.record(
                Rule.CAPACITY,
                school.group_id,
                year,
                school.school_id,
                breach,
                required=school.capacity,
                achieved=hosted,
                note=_("hosts {hosted}, at most {capacity}").format(
                    hosted=hosted, capacity=school.capacity
                )
                if excess > 0
                else "",
            )


def core_keep(ctx: AuditContext) -> None:
    """CORE-KEEP: the core school keeps at least the stated number of staff
    of each subject at home in every horizon year: its own staff neither on
    exchange nor unavailable, plus member staff there on a mutual move (互派)."""
    for keep in ctx.scenario.core_keep:
        school = ctx.schools.get(keep.school_id)
        group_id = school.group_id if school is not None else None
        people = [
            p for p in ctx.staff_of_school.get(keep.school_id, []) if p.subject == keep.subject
        ]
        movers = [
            m
            for m in ctx.scenario.mutual
            if m.to_school == keep.school_id and m.subject == keep.subject
        ]
        scope = f"{keep.school_id}/{keep.subject}"
        for year in ctx.horizon:
            away = ctx.away.get(year, set())
            gone = sum(1 for p in people if p.staff_id in away)
            unavailable = sum(1 for p in people if p.staff_id not in away and year in p.unavailable)
            arrived = sum(1 for m in movers if m.start_year <= year <= m.end_year)
            home = len(people) - gone - unavailable + arrived
            short = keep.min_home - home
            counted = _(
                "{gone} on exchange, {unavailable} unavailable, {arrived} arrived by "
                "mutual exchange"
            ).format(gone=gone, unavailable=unavailable, arrived=arrived)
            breach = None
            if short > 0:
                breach = Breach(
                    _(
                        "{school} keeps {home} {subject} staff at home in {year} "
                        "({own} own, {counted}), at least {min_home} must stay "
                        "(short by {short})"
                    ).format(
                        school=ctx.school_name(keep.school_id),
                        home=home,
                        subject=keep.subject,
                        year=year,
                        own=len(people),
                        counted=counted,
                        min_home=keep.min_home,
                        short=short,
                    ),
                    amount=short,
                    school_id=keep.school_id,
                    subject=keep.subject,
                )
            ctx.out.record(
                Rule.CORE_KEEP,
                group_id,
                year,
                scope,
                breach,
                required=keep.min_home,
                achieved=home,
                note=_("{home} at home of {own} own ({counted}), at least {min_home}").format(
                    home=home, own=len(people), counted=counted, min_home=keep.min_home
                ),
            )


def budget(ctx: AuditContext) -> None:
    """BUDGET: in each year with a budget row, the exchange cost (cost_cadre
    per staff-year of middle and senior staff, else cost_teacher) stays within
    that year's fund."""
    policy = ctx.policy
    for row in ctx.scenario.budget:
        spent = Decimal(0)
        staff_years = 0
        cadre_years = 0
        for ex in ctx.serving_by_year.get(row.year, []):
            person = ctx.staff.get(ex.staff_id)
            if person is None:
                continue  # reported as PLAN; its cost is unknown
            staff_years += 1
            if person.position in CADRE_POSITIONS:
                cadre_years += 1
                spent += policy.cost_cadre
            else:
                spent += policy.cost_teacher
        over = spent - row.amount
        breach = None
        if over > 0:
            breach = Breach(
                _(
                    "the exchanges of {year} cost {spent} ({staff_years} staff-years, "
                    "{cadre_years} of them cadres), the fund for that year is "
                    "{fund} (over by {over})"
                ).format(
                    year=row.year,
                    spent=money(spent),
                    staff_years=staff_years,
                    cadre_years=cadre_years,
                    fund=money(row.amount),
                    over=money(over),
                ),
                amount=over,
            )
        ctx.out.record(
            Rule.BUDGET,
            None,
            row.year,
            None,
            breach,
            required=row.amount,
            achieved=spent,
            note=_(
                "{staff_years} staff-years ({cadre_years} cadre) cost {spent}, fund {fund}"
            ).format(
                staff_years=staff_years,
                cadre_years=cadre_years,
                spent=money(spent),
                fund=money(row.amount),
            ),
        )
