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
from planner.audit.record import Breach, plural, years_text
from planner.data import Exchange
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
        missing.append(f"staff member {ex.staff_id!r}")
    if school is None:
        missing.append(f"school {ex.school_id!r}")
    what = " and ".join(missing)
    breach = Breach(
        f"the exchange {ex.staff_id} at {ex.school_id} {ex.start_year}-{ex.end_year} "
        f"names {what} that the scenario does not have",
        staff_id=ex.staff_id,
        school_id=ex.school_id,
    )
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(PLAN_RULE, group, ex.start_year, ex.staff_id, breach, note=f"unknown {what}")


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
        note = f"ends in {ex.end_year}, before it starts in {ex.start_year}"
    elif ex.ended_early and ok:
        note = f"ended early after {plural(length, 'year')} (no minimum), at most {hi}"
    else:
        note = "" if ok else f"term {plural(length, 'year')}, allowed {lo}..{hi}"
    breach = None
    if not ok:
        if ex.end_year < ex.start_year:
            message = (
                f"the exchange of {ctx.describe(ex)} ends before it starts; "
                f"a term lasts {lo} to {hi} school years"
            )
        else:
            side = "short" if length < lo else "over"
            message = (
                f"the exchange of {ctx.describe(ex)} lasts {plural(length, 'school year')}, "
                f"allowed {lo} to {hi} ({side} by {plural(off, 'year')})"
            )
        breach = Breach(message, amount=off, staff_id=ex.staff_id, school_id=ex.school_id)
    group = ctx.group_of_staff(ex.staff_id)
    ctx.out.record(Rule.TERM, group, ex.start_year, ex.staff_id, breach, achieved=length, note=note)


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
    exception = " (approved exception)" if person.age_exception else ""
    note = f"age {years} > {limit}" if over else (f"age {years}{exception}" if exception else "")
    breach = None
    if over:
        breach = Breach(
            f"{ctx.who(ex.staff_id)} is {years} on 1 September {year}, when the exchange to "
            f"{ctx.school_name(ex.school_id)} starts, above the limit of {limit} "
            f"(over by {plural(over, 'year')}) without an approved exception",
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
            f"{ctx.who(ex.staff_id)} starts an exchange to {ctx.school_name(ex.school_id)} "
            f"in {ex.start_year} with highest honor '{person.honor.value}', below the required "
            f"'{needed}' (short by {plural(short, 'level')})",
            amount=short,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    note = f"honor {person.honor.value} < {needed}" if short else ""
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
            f"{ctx.who(ex.staff_id)} starts an exchange to {ctx.school_name(ex.school_id)} "
            f"in {ex.start_year} without certified high teaching or management level",
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    note = "level not certified" if missing else ""
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
            f"{ctx.who(ex.staff_id)} is placed at {ctx.school_name(ex.school_id)} in "
            f"{years_text(bad)} but is marked unavailable then "
            f"({plural(len(bad), 'year')})",
            amount=len(bad),
            staff_id=ex.staff_id,
            school_id=ex.school_id,
            year=bad[0],
        )
    note = f"unavailable in {years_text(bad)}" if bad else ""
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
        reason = f"its role is {school.role.value}, and only {roles} schools receive staff"
        bad = years
    elif ctx.core_of_group.get(school.group_id) != person.school_id:
        reason = (
            f"it belongs to {ctx.group_name(school.group_id)}, whose core school is not "
            f"{ctx.who(ex.staff_id)}'s school {ctx.school_name(person.school_id)}"
        )
        bad = years
    else:
        bad = [y for y in years if not ctx.is_member(school, y)]
        if bad:
            name = ctx.group_name(school.group_id)
            reason = f"it is not a member of {name} in {years_text(bad)}"
    breach = None
    if reason:
        breach = Breach(
            f"the exchange of {ctx.describe(ex)} goes to a school that may not receive "
            f"them: {reason}",
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
        side = "之前" if ex.start_year < first else "之后"
        breach = Breach(
            f"{_zh_exchange(ctx, ex)}始于 {ex.start_year} 年，在规划期 {first}—{last} 年{side}，"
            "且不是既定交流：方案只安排规划期内开始的交流。",
            amount=off,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )
    note = "" if inside else f"始于 {ex.start_year} 年，规划期 {first}—{last} 年"
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
        "不得派出"
        if any(b.school_id is None for b in bans)
        else f"不得派往 {ctx.school_name(ex.school_id)}"
    )
    why = "；".join(b.note for b in bans if b.note)
    what += f"（{why}）" if why else ""
    if ctx.is_locked(ex):
        note = f"既定交流照常保留，但 {ex.staff_id} 已被禁派：{what}"
        ctx.out.record(Rule.BAN, group, ex.start_year, ex.staff_id, note=note)
        return
    breach = Breach(
        f"{_zh_exchange(ctx, ex)}违反禁派：{ctx.who(ex.staff_id)} {what}。",
        amount=1,
        staff_id=ex.staff_id,
        school_id=ex.school_id,
    )
    ctx.out.record(Rule.BAN, group, ex.start_year, ex.staff_id, breach, note=f"禁派：{what}")


def _zh_exchange(ctx: AuditContext, ex: Exchange) -> str:
    """``S1 张三 到 M1 融合校（2022—2023 年）的交流``, for the Chinese sentences."""
    where = ctx.school_name(ex.school_id)
    return f"{ctx.who(ex.staff_id)} 到 {where}（{ex.start_year}—{ex.end_year} 年）的交流"
