"""The rules checked once per exchange: TERM, AGE, HONOR, LEVEL, AVAILABLE, MEMBERSHIP,
HORIZON, BAN.

Each function takes the audit context and one exchange of the plan and
records one check for it (with the exchange's start year and the staff id as
scope), or none where the rule does not reach the exchange: AGE, HONOR and
LEVEL skip locked exchanges; rules needing an unknown staff member or school
skip the exchange (it is reported once as ``PLAN`` by :func:`plan_reference`).
"""

from __future__ import annotations

from planner.audit.context import AuditContext
from planner.audit.eligibility import age_over, honor_short, level_missing
from planner.audit.record import Breach, years_text
from planner.data import Exchange
from planner.i18n import _, ngettext
from planner.rules import PLAN_RULE, Rule


def plan_reference(ctx: AuditContext, ex: Exchange) -> None:
    """PLAN (the audit's own): an exchange names a staff member and a school
    the scenario has."""
    person = ctx.staff.get(ex.staff_id)
    school = ctx.schools.get(ex.school_id)
    if person is not None and school is not None:
        return
    missing = []
    if person is None:
        missing.append(_("staff member {id!r}").format(id=ex.staff_id))
    if school is None:
        missing.append(_("school {id!r}").format(id=ex.school_id))
    what = _(" and ").join(missing)
    breach = Breach(
        _(
            "the exchange {staff} at {school} {start}-{end} "
            "names {what} that the scenario does not have"
        ).format(
            staff=ex.staff_id,
            school=ex.school_id,
            start=ex.start_year,
            end=ex.end_year,
            what=what,
        ),
        staff_id=ex.staff_id,
        school_id=ex.school_id,
    )
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(
        PLAN_RULE,
        group,
        ex.start_year,
        ex.staff_id,
        breach,
        note=_("unknown {what}").format(what=what),
    )


def term(ctx: AuditContext, ex: Exchange) -> None:
    """TERM: an exchange lasts between term_min and term_max whole school years.

    An exchange that ended early (``rules.md``, "Ended early") is exempt from
    the minimum: it lasts 1 to term_max years; the maximum still holds.
    """
    lo, hi = (1 if ex.ended_early else ctx.policy.term_min), ctx.policy.term_max
    length = ex.end_year - ex.start_year + 1
    off = lo - length if length < lo else (length - hi if length > hi else 0)
    ok = off == 0
    if ex.end_year < ex.start_year:
        note = _("ends in {end}, before it starts in {start}").format(
            end=ex.end_year, start=ex.start_year
        )
    elif ex.ended_early and ok:
        note = ngettext(
            "ended early after {n} year (no minimum), at most {hi}",
            "ended early after {n} years (no minimum), at most {hi}",
            length,
        ).format(n=length, hi=hi)
    else:
        note = (
            ""
            if ok
            else ngettext(
                "term {n} year, allowed {lo}..{hi}", "term {n} years, allowed {lo}..{hi}", length
            ).format(n=length, lo=lo, hi=hi)
        )
    breach = None
    if not ok:
        message = _term_message(ctx, ex, lo, hi, off)
        breach = Breach(message, amount=off, staff_id=ex.staff_id, school_id=ex.school_id)
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.TERM, group, ex.start_year, ex.staff_id, breach, achieved=length, note=note)


def _term_message(ctx: AuditContext, ex: Exchange, lo: int, hi: int, off: int) -> str:
    """The sentence of a broken TERM."""
    if ex.end_year < ex.start_year:
        return _(
            "the exchange of {exchange} ends before it starts; "
            "a term lasts {lo} to {hi} school years"
        ).format(exchange=ctx.describe(ex), lo=lo, hi=hi)
    length = ex.end_year - ex.start_year + 1
    lasts = ngettext(
        "the exchange of {exchange} lasts {n} school year, allowed {lo} to {hi}",
        "the exchange of {exchange} lasts {n} school years, allowed {lo} to {hi}",
        length,
    ).format(exchange=ctx.describe(ex), n=length, lo=lo, hi=hi)
    if length < lo:
        by = ngettext(" (short by {n} year)", " (short by {n} years)", off)
    else:
        by = ngettext(" (over by {n} year)", " (over by {n} years)", off)
    return lasts + by.format(n=off)


def age(ctx: AuditContext, ex: Exchange) -> None:
    """AGE: a staff member starting a (not locked) exchange is at most max_age
    full years old (周岁) on 1 September of the start year, unless an approved
    exception is recorded for them."""
    person = ctx.staff.get(ex.staff_id)
    if person is None or ctx.is_locked(ex):
        return
    limit = ctx.policy.max_age
    year = ex.start_year
    years, over = age_over(ctx.scenario, person, year)
    if over:
        note = _("age {age} > {limit}").format(age=years, limit=limit)
    elif person.age_exception:
        note = _("age {age} (approved exception)").format(age=years)
    else:
        note = ""
    breach = None
    if over:
        breach = Breach(
            ngettext(
                "{staff} is {age} on 1 September {year}, when the exchange to {school} starts, "
                "above the limit of {limit} (over by {n} year) without an approved exception",
                "{staff} is {age} on 1 September {year}, when the exchange to {school} starts, "
                "above the limit of {limit} (over by {n} years) without an approved exception",
                over,
            ).format(
                staff=ctx.who(ex.staff_id),
                age=years,
                year=year,
                school=ctx.school_name(ex.school_id),
                limit=limit,
                n=over,
            ),
            amount=over,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(
        Rule.AGE, group, year, ex.staff_id, breach, required=limit, achieved=years, note=note
    )


def honor(ctx: AuditContext, ex: Exchange) -> None:
    """HONOR: a staff member starting a (not locked) exchange holds an honour
    of at least min_honor (Taishan: district level or higher)."""
    person = ctx.staff.get(ex.staff_id)
    if person is None or ctx.is_locked(ex):
        return
    needed = ctx.policy.min_honor.value
    short = honor_short(ctx.scenario, person)
    breach = None
    if short:
        breach = Breach(
            ngettext(
                "{staff} starts an exchange to {school} in {year} with highest honor "
                "'{honor}', below the required '{needed}' (short by {n} level)",
                "{staff} starts an exchange to {school} in {year} with highest honor "
                "'{honor}', below the required '{needed}' (short by {n} levels)",
                short,
            ).format(
                staff=ctx.who(ex.staff_id),
                school=ctx.school_name(ex.school_id),
                year=ex.start_year,
                honor=person.honor.value,
                needed=needed,
                n=short,
            ),
            amount=short,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    note = (
        _("honor {honor} < {needed}").format(honor=person.honor.value, needed=needed)
        if short
        else ""
    )
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.HONOR, group, ex.start_year, ex.staff_id, breach, note=note)


def level(ctx: AuditContext, ex: Exchange) -> None:
    """LEVEL: a staff member starting a (not locked) exchange is certified as
    having high teaching or management level (where the policy requires it)."""
    person = ctx.staff.get(ex.staff_id)
    if person is None or ctx.is_locked(ex):
        return
    missing = level_missing(ctx.scenario, person)
    breach = None
    if missing:
        breach = Breach(
            _(
                "{staff} starts an exchange to {school} in {year} "
                "without certified high teaching or management level"
            ).format(
                staff=ctx.who(ex.staff_id),
                school=ctx.school_name(ex.school_id),
                year=ex.start_year,
            ),
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    note = _("level not certified") if missing else ""
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.LEVEL, group, ex.start_year, ex.staff_id, breach, note=note)


def available(ctx: AuditContext, ex: Exchange) -> None:
    """AVAILABLE: nobody is placed in a year they are marked unavailable
    (leave, study, retirement); every year of every exchange, locked ones too."""
    person = ctx.staff.get(ex.staff_id)
    if person is None:
        return
    bad = [y for y in range(ex.start_year, ex.end_year + 1) if y in person.unavailable]
    breach = None
    if bad:
        breach = Breach(
            ngettext(
                "{staff} is placed at {school} in {years} but is marked unavailable then "
                "({n} year)",
                "{staff} is placed at {school} in {years} but is marked unavailable then "
                "({n} years)",
                len(bad),
            ).format(
                staff=ctx.who(ex.staff_id),
                school=ctx.school_name(ex.school_id),
                years=years_text(bad),
                n=len(bad),
            ),
            amount=len(bad),
            staff_id=ex.staff_id,
            school_id=ex.school_id,
            year=bad[0],
        )
    note = _("unavailable in {years}").format(years=years_text(bad)) if bad else ""
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.AVAILABLE, group, ex.start_year, ex.staff_id, breach, note=note)


def membership(ctx: AuditContext, ex: Exchange) -> None:
    """MEMBERSHIP: an exchange goes only to a school whose role receives staff,
    whose group's core is the staff member's school, and that is a member of
    that group in every year of the exchange."""
    person = ctx.staff.get(ex.staff_id)
    school = ctx.schools.get(ex.school_id)
    if person is None or school is None:
        return
    years = list(range(ex.start_year, ex.end_year + 1))
    reason = ""
    bad: list[int] = []
    if school.role not in ctx.policy.receiving_roles:
        roles = ", ".join(sorted(r.value for r in ctx.policy.receiving_roles))
        reason = _("its role is {role}, and only {roles} schools receive staff").format(
            role=school.role.value, roles=roles
        )
        bad = years
    elif ctx.core_of_group.get(school.group_id) != person.school_id:
        reason = _(
            "it belongs to {group}, whose core school is not {staff}'s school {school}"
        ).format(
            group=ctx.group_name(school.group_id),
            staff=ctx.who(ex.staff_id),
            school=ctx.school_name(person.school_id),
        )
        bad = years
    else:
        bad = [y for y in years if not ctx.is_member(school, y)]
        if bad:
            name = ctx.group_name(school.group_id)
            reason = _("it is not a member of {group} in {years}").format(
                group=name, years=years_text(bad)
            )
    breach = None
    if reason:
        breach = Breach(
            _(
                "the exchange of {exchange} goes to a school that may not receive them: {reason}"
            ).format(exchange=ctx.describe(ex), reason=reason),
            amount=len(bad) if bad else None,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
            year=bad[0] if bad else ex.start_year,
        )
    note = f"{ex.school_id}: {reason}" if reason else ""
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.MEMBERSHIP, group, ex.start_year, ex.staff_id, breach, note=note)


def horizon(ctx: AuditContext, ex: Exchange) -> None:
    """HORIZON: a plan decides only the horizon's years; an exchange that is
    not a commitment (nor a past exchange of the history sheet) starts in
    ``first_year .. first_year + horizon - 1``. It may run past the end."""
    if ctx.is_locked(ex) or ex in ctx.scenario.history:
        return
    first, last = ctx.horizon.start, ctx.horizon.stop - 1
    inside = first <= ex.start_year <= last
    breach = None
    if not inside:
        off = first - ex.start_year if ex.start_year < first else ex.start_year - last
        if ex.start_year < first:
            message = _(
                "{exchange} starts in {start}, before the horizon {first}-{last}, and is not "
                "a commitment: a plan decides only exchanges starting in its horizon."
            )
        else:
            message = _(
                "{exchange} starts in {start}, after the horizon {first}-{last}, and is not "
                "a commitment: a plan decides only exchanges starting in its horizon."
            )
        breach = Breach(
            message.format(
                exchange=_exchange(ctx, ex), start=ex.start_year, first=first, last=last
            ),
            amount=off,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    note = (
        ""
        if inside
        else _("starts in {start}, horizon {first}-{last}").format(
            start=ex.start_year, first=first, last=last
        )
    )
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.HORIZON, group, ex.start_year, ex.staff_id, breach, note=note)


def ban(ctx: AuditContext, ex: Exchange) -> None:
    """BAN: no decided exchange goes against a ban of the input (this person
    never to that school, or never sent at all when the ban's school is
    blank). Bans bind decisions only: a commitment against a ban is kept and
    its check says so in its note, without a violation."""
    if not ctx.scenario.bans:
        return
    bans = [
        b
        for b in ctx.scenario.bans
        if b.staff_id == ex.staff_id and (b.school_id is None or b.school_id == ex.school_id)
    ]
    group = ctx.group_of_staff(ex.staff_id)
    if not bans:
        ctx.out.record(Rule.BAN, group, ex.start_year, ex.staff_id)
        return
    what = (
        _("may not be sent at all")
        if any(b.school_id is None for b in bans)
        else _("may not be sent to {school}").format(school=ctx.school_name(ex.school_id))
    )
    why = _("; ").join(b.note for b in bans if b.note)
    what += _(" ({why})").format(why=why) if why else ""
    if ctx.is_locked(ex):
        note = _("the commitment is kept, but {staff} is banned: {what}").format(
            staff=ex.staff_id, what=what
        )
        ctx.out.record(Rule.BAN, group, ex.start_year, ex.staff_id, note=note)
        return
    breach = Breach(
        _("{exchange} goes against a ban: {staff} {what}.").format(
            exchange=_exchange(ctx, ex), staff=ctx.who(ex.staff_id), what=what
        ),
        amount=1,
        staff_id=ex.staff_id,
        school_id=ex.school_id,
    )
    ctx.out.record(
        Rule.BAN,
        group,
        ex.start_year,
        ex.staff_id,
        breach,
        note=_("banned: {what}").format(what=what),
    )


def _exchange(ctx: AuditContext, ex: Exchange) -> str:
    """``the exchange of S1 Zhang San to M1 (2022-2023)`` /
    ``S1 张三 到 M1 融合校（2022—2023 年）的交流``."""
    return _("the exchange of {staff} to {school} ({start}-{end})").format(
        staff=ctx.who(ex.staff_id),
        school=ctx.school_name(ex.school_id),
        start=ex.start_year,
        end=ex.end_year,
    )
