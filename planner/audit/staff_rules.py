"""The rules checked per staff member or commitment: ONE-PLACE, REPEAT-GAP, LOCKED, TENURE."""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from planner.audit.context import AuditContext
from planner.audit.eligibility import banned_schools, eligibility_reasons
from planner.audit.record import Breach, years_text
from planner.data import Staff
from planner.i18n import _, ngettext
from planner.rules import Rule


def one_place(ctx: AuditContext) -> None:
    """ONE-PLACE: a staff member is on at most one exchange in any year; the
    exchanges of one person never overlap. One check per person with exchanges."""
    for staff_id, mine in ctx.by_staff.items():
        count: dict[int, int] = defaultdict(int)
        for ex in mine:
            for year in range(ex.start_year, ex.end_year + 1):
                count[year] += 1
        double = sorted(y for y, n in count.items() if n > 1)
        first_start = min(ex.start_year for ex in mine)
        breach = None
        if double:
            places = "; ".join(
                f"{ctx.school_name(e.school_id)} {e.start_year}-{e.end_year}"
                for e in sorted(mine, key=lambda e: (e.start_year, e.end_year, e.school_id))
            )
            breach = Breach(
                ngettext(
                    "{staff} is on more than one exchange in {years} "
                    "({places}; {n} year double-booked)",
                    "{staff} is on more than one exchange in {years} "
                    "({places}; {n} years double-booked)",
                    len(double),
                ).format(
                    staff=ctx.who(staff_id),
                    years=years_text(double),
                    places=places,
                    n=len(double),
                ),
                amount=len(double),
                staff_id=staff_id,
            )
        ctx.out.record(
            Rule.ONE_PLACE,
            ctx.group_of_staff(staff_id),
            double[0] if double else first_start,
            staff_id,
            breach,
            note=_("on more than one exchange in {years}").format(years=years_text(double))
            if double
            else "",
        )


def repeat_gap(ctx: AuditContext) -> None:
    """REPEAT-GAP: between two exchanges of one person lie at least
    repeat_gap_years school years back home (next start >= previous end + 1
    + gap), past exchanges of the history and commitments included. A pair of
    which one is decided (neither a commitment nor history) is checked, on
    the decided one; two fixed exchanges are facts and are not."""
    gap = ctx.policy.repeat_gap_years
    if gap <= 0:
        return
    history = ctx.scenario.history
    for staff_id, mine in ctx.by_staff.items():
        everything = sorted(
            [*mine, *(h for h in history if h.staff_id == staff_id)],
            key=lambda e: (e.start_year, e.end_year),
        )
        for before, after in itertools.pairwise(everything):
            fixed_after = ctx.is_locked(after) or after in history
            if fixed_after and (ctx.is_locked(before) or before in history):
                continue
            decided = before if fixed_after else after
            rest = after.start_year - before.end_year - 1
            breach = None
            if rest < gap:
                breach = Breach(
                    _(
                        "{staff} starts an exchange in {start}, {rest} year(s) after the "
                        "previous one ended in {end}; at least {gap} required"
                    ).format(
                        staff=ctx.who(staff_id),
                        start=after.start_year,
                        rest=max(rest, 0),
                        end=before.end_year,
                        gap=gap,
                    ),
                    amount=Decimal(gap - max(rest, 0)),
                    staff_id=staff_id,
                    school_id=decided.school_id,
                    year=after.start_year,
                )
            ctx.out.record(
                Rule.REPEAT_GAP,
                ctx.group_of_staff(staff_id),
                decided.start_year,
                staff_id,
                breach,
                note=""
                if breach is None
                else _("{rest} year(s) after the previous exchange").format(rest=rest),
            )


def locked(ctx: AuditContext) -> None:
    """LOCKED: every exchange already under way or decided (a commitment)
    appears in the plan unchanged: same staff, school, start and end."""
    present = {ex.key() for ex in ctx.exchanges}
    for c in ctx.commitments:
        ok = c.key() in present
        breach = None
        if not ok:
            instead = [
                f"{ctx.school_name(e.school_id)} {e.start_year}-{e.end_year}"
                for e in ctx.by_staff.get(c.staff_id, [])
            ]
            tail = (
                _("; the plan has {instead} instead").format(instead=_("; ").join(instead))
                if instead
                else _("; the plan has no exchange for them")
            )
            breach = Breach(
                _(
                    "the commitment {staff} at {school} {start}-{end} "
                    "is not in the plan unchanged{tail}"
                ).format(
                    staff=ctx.who(c.staff_id),
                    school=ctx.school_name(c.school_id),
                    start=c.start_year,
                    end=c.end_year,
                    tail=tail,
                ),
                staff_id=c.staff_id,
                school_id=c.school_id,
            )
        ctx.out.record(
            Rule.LOCKED,
            ctx.group_of_staff(c.staff_id),
            c.start_year,
            c.staff_id,
            breach,
            note=""
            if ok
            else _("{school} {start}-{end} missing").format(
                school=c.school_id, start=c.start_year, end=c.end_year
            ),
        )


def could_go(ctx: AuditContext, person: Staff) -> bool:
    """Is any single exchange open to ``person`` in the horizon under
    TERM, AGE, HONOR, LEVEL, MEMBERSHIP, AVAILABLE and BAN?"""
    home = ctx.scenario.school_by_id.get(person.school_id)
    if home is None:
        return False
    policy = ctx.policy
    banned = banned_schools(ctx.scenario, person)
    schools = [
        s
        for s in ctx.scenario.schools
        if s.group_id == home.group_id
        and s.role in policy.receiving_roles
        and s.school_id not in banned
    ]
    for start in ctx.horizon:
        if eligibility_reasons(ctx.scenario, person, start):
            continue
        for length in range(policy.term_min, policy.term_max + 1):
            years = range(start, start + length)
            if any(y in person.unavailable for y in years):
                continue
            if any(all(ctx.is_member(s, y) for y in years) for s in schools):
                return True
    return False


def tenure(ctx: AuditContext) -> None:
    """TENURE (optional): staff at their school tenure_years or more by the
    first year, to whom some exchange in the horizon is open, start an
    exchange in the horizon (or are on a locked one)."""
    years = ctx.policy.tenure_years
    if years <= 0:
        return
    first = ctx.horizon.start
    for person in ctx.scenario.staff:
        if person.school_since is None or first - person.school_since < years:
            continue
        if not could_go(ctx, person):
            continue  # no exchange is open to them: the rule does not reach them
        mine = ctx.by_staff.get(person.staff_id, [])
        ok = any(e.start_year in ctx.horizon or ctx.is_locked(e) for e in mine)
        breach = None
        if not ok:
            breach = Breach(
                _(
                    "{staff} has been at {school} since {since} ({n} years, >= {years}) "
                    "and starts no exchange in the plan"
                ).format(
                    staff=ctx.who(person.staff_id),
                    school=person.school_id,
                    since=person.school_since,
                    n=first - person.school_since,
                    years=years,
                ),
                staff_id=person.staff_id,
            )
        ctx.out.record(
            Rule.TENURE,
            ctx.group_of_staff(person.staff_id),
            first,
            person.staff_id,
            breach,
            note="" if ok else _("no exchange in the horizon"),
        )
