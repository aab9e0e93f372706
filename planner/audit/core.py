"""The independent audit behind ``planner check``.

:func:`audit` checks a plan against every hard rule of ``shared/spec/rules.md``
(TERM, ONE-PLACE, CADRE-QUOTA, TEACHER-QUOTA, AGE, HONOR, LEVEL, MEMBERSHIP,
AVAILABLE, LOCKED, CAPACITY, CORE-KEEP, BUDGET) exactly per its "Precise
semantics" section, and recomputes COVER. It is a second implementation in
plain Python: it shares nothing with the CP-SAT model (:mod:`planner.model`)
but the data classes, so the two check each other. Ages, honour ranks, stage
sets, quota rounding and membership years are all computed here afresh.

Besides the rule ids of ``rules.md`` the audit uses one id of its own,
``PLAN``: an exchange naming a staff member or a school the scenario does not
have. Such an exchange is still counted where it can be (an unknown school
still takes its known staff member away from home; an unknown staff member
still fills a place at a known school), but rules that need the missing
entity (eligibility, MEMBERSHIP, cost) are not checked for it.

Every rule instance becomes a :class:`RuleCheck`; every broken one also a
:class:`Violation` whose ``amount`` says by how much (staff short or in
excess, money over, years over the age limit, years out of term, years not a
member or unavailable, years double-booked, honour levels short).
Per-exchange rules (TERM, AGE, HONOR, LEVEL, MEMBERSHIP, AVAILABLE) give one
check per exchange, with the exchange's start year and the staff id as scope;
ONE-PLACE one check per staff member with exchanges; LOCKED one per
commitment. A violation's message is one sentence without the rule id
(``str(violation)`` puts the id and place in front).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

from planner.data import Exchange, Group, Plan, Scenario, School, Staff
from planner.enums import Honor, Position, Role, Stage
from planner.results import AuditReport, NeedCoverage, RuleCheck, Violation
from planner.rules import PLAN_RULE, Rule

__all__ = [
    "PLAN_RULE",
    "RULE_IDS",
    "age_in_full_years",
    "audit",
    "eligibility_reasons",
]

RULE_IDS: tuple[str, ...] = tuple(Rule)
_RANK = {rule: i for i, rule in enumerate((PLAN_RULE, *RULE_IDS))}

OK = "ok"
VIOLATED = "violated"

# Honour levels from lowest to highest, stated here again on purpose.
_HONOR_LEVEL: dict[Honor, int] = {
    Honor.NONE: 0,
    Honor.SCHOOL: 1,
    Honor.DISTRICT: 2,
    Honor.CITY: 3,
    Honor.PROVINCE: 4,
    Honor.NATIONAL: 5,
}
_CADRE_POSITIONS = frozenset({Position.MIDDLE, Position.SENIOR})


# ---------------------------------------------------------------------------
# Eligibility
# ---------------------------------------------------------------------------


def age_in_full_years(birth_date: dt.date, school_year: int) -> int:
    """Full years (周岁) on 1 September of ``school_year``.

    Counted in whole months, then whole years: someone born on 1 September
    has their birthday that day (a month completes on the same day number).
    """
    months = (school_year - birth_date.year) * 12 + (9 - birth_date.month)
    if birth_date.day > 1:  # the month to 1 September is not complete yet
        months -= 1
    return months // 12


def _age_over(scenario: Scenario, person: Staff, year: int) -> tuple[int, int]:
    """(age at the start, years over the limit; 0 when within it or excepted)."""
    age = age_in_full_years(person.birth_date, year)
    over = age - scenario.policy.max_age
    return age, (over if over > 0 and not person.age_exception else 0)


def _honor_short(scenario: Scenario, person: Staff) -> int:
    return max(_HONOR_LEVEL[scenario.policy.min_honor] - _HONOR_LEVEL[person.honor], 0)


def _level_missing(scenario: Scenario, person: Staff) -> bool:
    return scenario.policy.require_level and not person.level_ok


def eligibility_reasons(scenario: Scenario, staff: Staff, start_year: int) -> list[str]:
    """Rule ids keeping ``staff`` from starting an exchange in ``start_year``.

    In order: AGE (over ``max_age`` on 1 September without an approved
    exception), HONOR (below ``min_honor``), LEVEL (not certified while the
    policy requires it), AVAILABLE (marked unavailable that year). Empty:
    eligible.
    """
    reasons: list[str] = []
    if _age_over(scenario, staff, start_year)[1] > 0:
        reasons.append("AGE")
    if _honor_short(scenario, staff) > 0:
        reasons.append("HONOR")
    if _level_missing(scenario, staff):
        reasons.append("LEVEL")
    if start_year in staff.unavailable:
        reasons.append("AVAILABLE")
    return reasons


# ---------------------------------------------------------------------------
# The audit
# ---------------------------------------------------------------------------


def _years_text(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in years)


def _plural(n: int | Decimal, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _money(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


class _Auditor:
    """One audit: indexes built once, then one method per rule."""

    def __init__(self, scenario: Scenario, plan: Plan, locked: Iterable[Exchange] | None) -> None:
        self.scenario = scenario
        self.policy = scenario.policy
        self.exchanges: tuple[Exchange, ...] = tuple(plan.exchanges)
        self.commitments: list[Exchange] = list(scenario.commitments if locked is None else locked)
        self.locked_keys = {c.key() for c in self.commitments}
        self.violations: list[Violation] = []
        self.checks: list[RuleCheck] = []

        self.groups: dict[str, Group] = {g.group_id: g for g in scenario.groups}
        self.schools: dict[str, School] = {s.school_id: s for s in scenario.schools}
        self.staff: dict[str, Staff] = {s.staff_id: s for s in scenario.staff}
        self.core_of_group: dict[str, str] = {}
        for school in scenario.schools:
            if school.role is Role.CORE:
                self.core_of_group.setdefault(school.group_id, school.school_id)
        self.staff_of_school: dict[str, list[Staff]] = defaultdict(list)
        for person in scenario.staff:
            self.staff_of_school[person.school_id].append(person)

        self.horizon = range(scenario.first_year, scenario.first_year + scenario.horizon)
        # Indexes over the plan: by staff, by start year, by (school, year), by year.
        self.by_staff: dict[str, list[Exchange]] = defaultdict(list)
        self.by_start: dict[int, list[Exchange]] = defaultdict(list)
        self.hosted: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.serving_by_year: dict[int, list[Exchange]] = defaultdict(list)
        self.away: dict[int, set[str]] = defaultdict(set)
        for ex in self.exchanges:
            self.by_staff[ex.staff_id].append(ex)
            self.by_start[ex.start_year].append(ex)
            for year in range(ex.start_year, ex.end_year + 1):
                self.hosted[(ex.school_id, year)].add(ex.staff_id)
                self.serving_by_year[year].append(ex)
                self.away[year].add(ex.staff_id)

    # -- helpers ---------------------------------------------------------------

    def who(self, staff_id: str) -> str:
        person = self.staff.get(staff_id)
        return f"{staff_id} {person.name}" if person is not None and person.name else staff_id

    def school_name(self, school_id: str) -> str:
        school = self.schools.get(school_id)
        return f"{school_id} {school.name}" if school is not None and school.name else school_id

    def group_name(self, group_id: str | None) -> str:
        if group_id is None:
            return "?"
        group = self.groups.get(group_id)
        return group.name if group is not None and group.name else group_id

    def group_of_staff(self, staff_id: str) -> str | None:
        person = self.staff.get(staff_id)
        if person is None:
            return None
        home = self.schools.get(person.school_id)
        return home.group_id if home is not None else None

    def describe(self, ex: Exchange) -> str:
        where = self.school_name(ex.school_id)
        return f"{self.who(ex.staff_id)} at {where} {ex.start_year}-{ex.end_year}"

    def check(
        self,
        rule: str,
        group_id: str | None,
        year: int | None,
        scope: str | None,
        ok: bool,
        *,
        required: Decimal | int | None = None,
        achieved: Decimal | int | None = None,
        note: str = "",
    ) -> None:
        self.checks.append(
            RuleCheck(
                rule=rule,
                group_id=group_id,
                year=year,
                scope=scope,
                required=None if required is None else Decimal(required),
                achieved=None if achieved is None else Decimal(achieved),
                status=OK if ok else VIOLATED,
                note=note,
            )
        )

    def violate(
        self,
        rule: str,
        message: str,
        *,
        group_id: str | None = None,
        year: int | None = None,
        staff_id: str | None = None,
        school_id: str | None = None,
        subject: str | None = None,
        amount: Decimal | int | None = None,
    ) -> None:
        self.violations.append(
            Violation(
                rule=rule,
                message=message,
                group_id=group_id,
                year=year,
                staff_id=staff_id,
                school_id=school_id,
                subject=subject,
                amount=None if amount is None else Decimal(amount),
            )
        )

    # -- per exchange ----------------------------------------------------------

    def per_exchange(self) -> None:
        for ex in self.exchanges:
            person = self.staff.get(ex.staff_id)
            school = self.schools.get(ex.school_id)
            group = self.group_of_staff(ex.staff_id)
            if person is None or school is None:
                self.plan_reference(ex, person, school, group)
            self.term(ex, group)
            if person is not None:
                if ex.key() not in self.locked_keys:
                    self.eligibility(ex, person, group)
                self.available(ex, person, group)
                if school is not None:
                    self.membership(ex, person, school, group)

    def plan_reference(
        self, ex: Exchange, person: Staff | None, school: School | None, group: str | None
    ) -> None:
        missing = []
        if person is None:
            missing.append(f"staff member {ex.staff_id!r}")
        if school is None:
            missing.append(f"school {ex.school_id!r}")
        what = " and ".join(missing)
        note = f"unknown {what}"
        self.check(PLAN_RULE, group, ex.start_year, ex.staff_id, False, note=note)
        self.violate(
            PLAN_RULE,
            f"the exchange {ex.staff_id} at {ex.school_id} {ex.start_year}-{ex.end_year} "
            f"names {what} that the scenario does not have",
            group_id=group,
            year=ex.start_year,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
        )

    def term(self, ex: Exchange, group: str | None) -> None:
        lo, hi = self.policy.term_min, self.policy.term_max
        length = ex.end_year - ex.start_year + 1
        off = lo - length if length < lo else (length - hi if length > hi else 0)
        ok = off == 0
        if ex.end_year < ex.start_year:
            note = f"ends in {ex.end_year}, before it starts in {ex.start_year}"
        else:
            note = "" if ok else f"term {_plural(length, 'year')}, allowed {lo}..{hi}"
        self.check("TERM", group, ex.start_year, ex.staff_id, ok, achieved=length, note=note)
        if ok:
            return
        if ex.end_year < ex.start_year:
            message = (
                f"the exchange of {self.describe(ex)} ends before it starts; "
                f"a term lasts {lo} to {hi} school years"
            )
        else:
            side = "short" if length < lo else "over"
            message = (
                f"the exchange of {self.describe(ex)} lasts {_plural(length, 'school year')}, "
                f"allowed {lo} to {hi} ({side} by {_plural(off, 'year')})"
            )
        self.violate(
            "TERM",
            message,
            group_id=group,
            year=ex.start_year,
            staff_id=ex.staff_id,
            school_id=ex.school_id,
            amount=off,
        )

    def eligibility(self, ex: Exchange, person: Staff, group: str | None) -> None:
        policy = self.policy
        year = ex.start_year
        age, over = _age_over(self.scenario, person, year)
        exception = " (approved exception)" if person.age_exception else ""
        self.check(
            "AGE",
            group,
            year,
            ex.staff_id,
            over == 0,
            required=policy.max_age,
            achieved=age,
            note=(
                f"age {age} > {policy.max_age}"
                if over
                else (f"age {age}{exception}" if exception else "")
            ),
        )
        if over:
            self.violate(
                "AGE",
                f"{self.who(ex.staff_id)} is {age} on 1 September {year}, when the exchange to "
                f"{self.school_name(ex.school_id)} starts, above the limit of {policy.max_age} "
                f"(over by {_plural(over, 'year')}) without an approved exception",
                group_id=group,
                year=year,
                staff_id=ex.staff_id,
                school_id=ex.school_id,
                amount=over,
            )
        short = _honor_short(self.scenario, person)
        self.check(
            "HONOR",
            group,
            year,
            ex.staff_id,
            short == 0,
            note=f"honor {person.honor.value} < {policy.min_honor.value}" if short else "",
        )
        if short:
            self.violate(
                "HONOR",
                f"{self.who(ex.staff_id)} starts an exchange to {self.school_name(ex.school_id)} "
                f"in {year} with highest honor '{person.honor.value}', below the required "
                f"'{policy.min_honor.value}' (short by {_plural(short, 'level')})",
                group_id=group,
                year=year,
                staff_id=ex.staff_id,
                school_id=ex.school_id,
                amount=short,
            )
        missing = _level_missing(self.scenario, person)
        self.check(
            "LEVEL",
            group,
            year,
            ex.staff_id,
            not missing,
            note="level not certified" if missing else "",
        )
        if missing:
            self.violate(
                "LEVEL",
                f"{self.who(ex.staff_id)} starts an exchange to {self.school_name(ex.school_id)} "
                f"in {year} without certified high teaching or management level",
                group_id=group,
                year=year,
                staff_id=ex.staff_id,
                school_id=ex.school_id,
            )

    def available(self, ex: Exchange, person: Staff, group: str | None) -> None:
        bad = [y for y in range(ex.start_year, ex.end_year + 1) if y in person.unavailable]
        self.check(
            "AVAILABLE",
            group,
            ex.start_year,
            ex.staff_id,
            not bad,
            note=f"unavailable in {_years_text(bad)}" if bad else "",
        )
        if bad:
            self.violate(
                "AVAILABLE",
                f"{self.who(ex.staff_id)} is placed at {self.school_name(ex.school_id)} in "
                f"{_years_text(bad)} but is marked unavailable then "
                f"({_plural(len(bad), 'year')})",
                group_id=group,
                year=bad[0],
                staff_id=ex.staff_id,
                school_id=ex.school_id,
                amount=len(bad),
            )

    def is_member(self, school: School, year: int) -> bool:
        joined = school.joined_year
        if joined is None:
            group = self.groups.get(school.group_id)
            if group is None:
                return False
            joined = group.founded_year
        if year < joined:
            return False
        return school.left_year is None or year < school.left_year

    def membership(self, ex: Exchange, person: Staff, school: School, group: str | None) -> None:
        years = list(range(ex.start_year, ex.end_year + 1))
        reason = ""
        bad: list[int] = []
        if school.role not in self.policy.receiving_roles:
            roles = ", ".join(sorted(r.value for r in self.policy.receiving_roles))
            reason = f"its role is {school.role.value}, and only {roles} schools receive staff"
            bad = years
        elif self.core_of_group.get(school.group_id) != person.school_id:
            reason = (
                f"it belongs to {self.group_name(school.group_id)}, whose core school is not "
                f"{self.who(ex.staff_id)}'s school {self.school_name(person.school_id)}"
            )
            bad = years
        else:
            bad = [y for y in years if not self.is_member(school, y)]
            if bad:
                name = self.group_name(school.group_id)
                reason = f"it is not a member of {name} in {_years_text(bad)}"
        failed = bool(reason)
        self.check(
            "MEMBERSHIP",
            group,
            ex.start_year,
            ex.staff_id,
            not failed,
            note=f"{ex.school_id}: {reason}" if failed else "",
        )
        if failed:
            self.violate(
                "MEMBERSHIP",
                f"the exchange of {self.describe(ex)} goes to a school that may not receive "
                f"them: {reason}",
                group_id=group,
                year=bad[0] if bad else ex.start_year,
                staff_id=ex.staff_id,
                school_id=ex.school_id,
                amount=len(bad) if bad else None,
            )

    # -- ONE-PLACE, LOCKED --------------------------------------------------------

    def one_place(self) -> None:
        for staff_id, mine in self.by_staff.items():
            group = self.group_of_staff(staff_id)
            count: dict[int, int] = defaultdict(int)
            for ex in mine:
                for year in range(ex.start_year, ex.end_year + 1):
                    count[year] += 1
            double = sorted(y for y, n in count.items() if n > 1)
            first_start = min(ex.start_year for ex in mine)
            self.check(
                "ONE-PLACE",
                group,
                double[0] if double else first_start,
                staff_id,
                not double,
                note=f"on more than one exchange in {_years_text(double)}" if double else "",
            )
            if double:
                places = "; ".join(
                    f"{self.school_name(e.school_id)} {e.start_year}-{e.end_year}"
                    for e in sorted(mine, key=lambda e: (e.start_year, e.end_year, e.school_id))
                )
                self.violate(
                    "ONE-PLACE",
                    f"{self.who(staff_id)} is on more than one exchange in {_years_text(double)} "
                    f"({places}; {_plural(len(double), 'year')} double-booked)",
                    group_id=group,
                    year=double[0],
                    staff_id=staff_id,
                    amount=len(double),
                )

    def repeat_gap(self) -> None:
        """REPEAT-GAP (optional): a new (not locked) exchange starts at least
        repeat_gap_years after the end of the person's previous one, past
        exchanges of the history sheet included."""
        gap = self.policy.repeat_gap_years
        if gap <= 0:
            return
        for staff_id, mine in self.by_staff.items():
            everything = sorted(
                [*mine, *(h for h in self.scenario.history if h.staff_id == staff_id)],
                key=lambda e: (e.start_year, e.end_year),
            )
            for before, after in itertools.pairwise(everything):
                if after.key() in self.locked_keys or after in self.scenario.history:
                    continue
                rest = after.start_year - before.end_year - 1
                ok = rest >= gap
                group = self.group_of_staff(staff_id)
                self.check(
                    "REPEAT-GAP",
                    group,
                    after.start_year,
                    staff_id,
                    ok,
                    note="" if ok else f"{rest} year(s) after the previous exchange",
                )
                if not ok:
                    self.violate(
                        "REPEAT-GAP",
                        f"{self.who(staff_id)} starts an exchange in {after.start_year}, "
                        f"{max(rest, 0)} year(s) after the previous one ended in "
                        f"{before.end_year}; at least {gap} required",
                        group_id=group,
                        year=after.start_year,
                        staff_id=staff_id,
                        school_id=after.school_id,
                        amount=Decimal(gap - max(rest, 0)),
                    )

    def locked(self) -> None:
        present = {ex.key() for ex in self.exchanges}
        for c in self.commitments:
            group = self.group_of_staff(c.staff_id)
            ok = c.key() in present
            self.check(
                "LOCKED",
                group,
                c.start_year,
                c.staff_id,
                ok,
                note="" if ok else f"{c.school_id} {c.start_year}-{c.end_year} missing",
            )
            if ok:
                continue
            instead = [
                f"{self.school_name(e.school_id)} {e.start_year}-{e.end_year}"
                for e in self.by_staff.get(c.staff_id, [])
            ]
            tail = (
                f"; the plan has {'; '.join(instead)} instead"
                if instead
                else "; the plan has no exchange for them"
            )
            self.violate(
                "LOCKED",
                f"the commitment {self.who(c.staff_id)} at {self.school_name(c.school_id)} "
                f"{c.start_year}-{c.end_year} is not in the plan unchanged{tail}",
                group_id=group,
                year=c.start_year,
                staff_id=c.staff_id,
                school_id=c.school_id,
            )

    # -- quotas ---------------------------------------------------------------------

    def quotas(self) -> None:
        policy = self.policy
        for group in self.scenario.groups:
            core_id = self.core_of_group.get(group.group_id)
            if core_id is None:
                continue
            everyone = self.staff_of_school.get(core_id, [])
            for year in self.horizon:
                if year < group.founded_year:
                    continue
                if policy.ratio_base == "eligible":  # national 2014: share of the eligible
                    headcount = sum(
                        1 for p in everyone if not eligibility_reasons(self.scenario, p, year)
                    )
                else:
                    headcount = len(everyone)
                first = year == group.founded_year
                starters = [
                    self.staff[ex.staff_id]
                    for ex in self.by_start.get(year, [])
                    if ex.staff_id in self.staff and self.staff[ex.staff_id].school_id == core_id
                ]
                cadres = sum(1 for p in starters if p.position in _CADRE_POSITIONS)
                ratio = policy.ratio_first_year if first else policy.ratio_later_years
                exact = ratio * Decimal(headcount)
                required = int(exact.to_integral_value(rounding=ROUND_CEILING))
                which = "first" if first else "later"
                self.quota(
                    "TEACHER-QUOTA",
                    group,
                    year,
                    required,
                    len(starters),
                    f"ceil({ratio} x {headcount}) = {required} ({which}-year ratio)",
                    f"{required} of {headcount} staff of {self.school_name(core_id)} must start "
                    f"an exchange in {year} ({which}-year ratio {ratio}), the plan starts "
                    f"{len(starters)}",
                )
                cadre_min = policy.cadre_min_first_year if first else policy.cadre_min_later_years
                self.quota(
                    "CADRE-QUOTA",
                    group,
                    year,
                    cadre_min,
                    cadres,
                    f"at least {cadre_min} cadres ({which} year)",
                    f"at least {cadre_min} cadres at middle level or above of "
                    f"{self.school_name(core_id)} must start an exchange in {year} "
                    f"({which}-year minimum), the plan starts {cadres}",
                )

    def quota(
        self,
        rule: str,
        group: Group,
        year: int,
        required: int,
        achieved: int,
        note: str,
        sentence: str,
    ) -> None:
        short = required - achieved
        self.check(
            rule,
            group.group_id,
            year,
            None,
            short <= 0,
            required=required,
            achieved=achieved,
            note=note,
        )
        if short > 0:
            self.violate(
                rule,
                f"{group.name}: {sentence} (short by {short})",
                group_id=group.group_id,
                year=year,
                amount=short,
            )

    def backbone_share(self) -> None:
        """BACKBONE-SHARE (optional): backbone teachers at least the share of
        each year's starts from a core school."""
        share = self.policy.backbone_min_share
        if share <= 0:
            return
        for group in self.scenario.groups:
            core_id = self.core_of_group.get(group.group_id)
            for year in self.horizon:
                starters = [
                    self.staff[ex.staff_id]
                    for ex in self.by_start.get(year, [])
                    if ex.staff_id in self.staff and self.staff[ex.staff_id].school_id == core_id
                ]
                if not starters:
                    continue
                backbone = sum(1 for p in starters if p.backbone)
                needed = int((share * len(starters)).to_integral_value(rounding=ROUND_CEILING))
                ok = backbone >= needed
                self.check(
                    "BACKBONE-SHARE",
                    group.group_id,
                    year,
                    None,
                    ok,
                    required=needed,
                    achieved=backbone,
                    note=f"{backbone} of {len(starters)} starts are backbone teachers",
                )
                if not ok:
                    self.violate(
                        "BACKBONE-SHARE",
                        f"{group.name}: {backbone} of {len(starters)} starts in {year} are "
                        f"backbone teachers, at least {needed} ({share}) required",
                        group_id=group.group_id,
                        year=year,
                        amount=Decimal(needed - backbone),
                    )

    def could_go(self, person: Staff) -> bool:
        """Is any single exchange open to ``person`` in the horizon under
        TERM, AGE, HONOR, LEVEL, MEMBERSHIP and AVAILABLE?"""
        home = self.scenario.school_by_id.get(person.school_id)
        if home is None:
            return False
        schools = [
            s
            for s in self.scenario.schools
            if s.group_id == home.group_id and s.role in self.policy.receiving_roles
        ]
        for start in self.horizon:
            if eligibility_reasons(self.scenario, person, start):
                continue
            for term in range(self.policy.term_min, self.policy.term_max + 1):
                years = range(start, start + term)
                if any(y in person.unavailable for y in years):
                    continue
                if any(all(self.is_member(s, y) for y in years) for s in schools):
                    return True
        return False

    def tenure(self) -> None:
        """TENURE (optional): staff at their school tenure_years or more by the
        first year, eligible in some horizon year, start an exchange in the
        horizon (or are on a locked one)."""
        years = self.policy.tenure_years
        if years <= 0:
            return
        first = self.horizon.start
        for person in self.scenario.staff:
            if person.school_since is None or first - person.school_since < years:
                continue
            if not self.could_go(person):
                continue  # no exchange is open to them: the rule does not reach them
            mine = self.by_staff.get(person.staff_id, [])
            ok = any(e.start_year in self.horizon or e.key() in self.locked_keys for e in mine)
            group = self.group_of_staff(person.staff_id)
            self.check(
                "TENURE",
                group,
                first,
                person.staff_id,
                ok,
                note="" if ok else "no exchange in the horizon",
            )
            if not ok:
                self.violate(
                    "TENURE",
                    f"{self.who(person.staff_id)} has been at {person.school_id} since "
                    f"{person.school_since} ({first - person.school_since} years, >= {years}) "
                    "and starts no exchange in the plan",
                    group_id=group,
                    year=first,
                    staff_id=person.staff_id,
                )

    # -- CAPACITY, CORE-KEEP, BUDGET ----------------------------------------------

    def capacity(self) -> None:
        first = self.scenario.first_year
        last = self.horizon[-1]
        if self.exchanges:
            last = max(last, max(ex.end_year for ex in self.exchanges))
        for school in self.scenario.schools:
            if school.capacity is None:
                continue
            for year in range(first, last + 1):
                hosted = len(self.hosted.get((school.school_id, year), ()))
                excess = hosted - school.capacity
                self.check(
                    "CAPACITY",
                    school.group_id,
                    year,
                    school.school_id,
                    excess <= 0,
                    required=school.capacity,
                    achieved=hosted,
                    note=f"hosts {hosted}, at most {school.capacity}" if excess > 0 else "",
                )
                if excess > 0:
                    self.violate(
                        "CAPACITY",
                        f"{self.school_name(school.school_id)} hosts {hosted} exchange staff in "
                        f"{year}, at most {school.capacity} (exceeded by {excess})",
                        group_id=school.group_id,
                        year=year,
                        school_id=school.school_id,
                        amount=excess,
                    )

    def core_keep(self) -> None:
        for keep in self.scenario.core_keep:
            school = self.schools.get(keep.school_id)
            group_id = school.group_id if school is not None else None
            people = [
                p for p in self.staff_of_school.get(keep.school_id, []) if p.subject == keep.subject
            ]
            scope = f"{keep.school_id}/{keep.subject}"
            for year in self.horizon:
                away = self.away.get(year, set())
                gone = sum(1 for p in people if p.staff_id in away)
                unavailable = sum(
                    1 for p in people if p.staff_id not in away and year in p.unavailable
                )
                home = len(people) - gone - unavailable
                short = keep.min_home - home
                self.check(
                    "CORE-KEEP",
                    group_id,
                    year,
                    scope,
                    short <= 0,
                    required=keep.min_home,
                    achieved=home,
                    note=(
                        f"{home} of {len(people)} at home ({gone} on exchange, "
                        f"{unavailable} unavailable), at least {keep.min_home}"
                    ),
                )
                if short > 0:
                    self.violate(
                        "CORE-KEEP",
                        f"{self.school_name(keep.school_id)} keeps {home} of its "
                        f"{len(people)} {keep.subject} staff at home in {year} ({gone} on "
                        f"exchange, {unavailable} unavailable), at least {keep.min_home} must "
                        f"stay (short by {short})",
                        group_id=group_id,
                        year=year,
                        school_id=keep.school_id,
                        subject=keep.subject,
                        amount=short,
                    )

    def budget(self) -> None:
        policy = self.policy
        for row in self.scenario.budget:
            spent = Decimal(0)
            staff_years = 0
            cadre_years = 0
            for ex in self.serving_by_year.get(row.year, []):
                person = self.staff.get(ex.staff_id)
                if person is None:
                    continue  # reported as PLAN; its cost is unknown
                staff_years += 1
                if person.position in _CADRE_POSITIONS:
                    cadre_years += 1
                    spent += policy.cost_cadre
                else:
                    spent += policy.cost_teacher
            over = spent - row.amount
            self.check(
                "BUDGET",
                None,
                row.year,
                None,
                over <= 0,
                required=row.amount,
                achieved=spent,
                note=(
                    f"{staff_years} staff-years ({cadre_years} cadre) cost {_money(spent)}, "
                    f"fund {_money(row.amount)}"
                ),
            )
            if over > 0:
                self.violate(
                    "BUDGET",
                    f"the exchanges of {row.year} cost {_money(spent)} ({staff_years} staff-years, "
                    f"{cadre_years} of them cadres), the fund for that year is "
                    f"{_money(row.amount)} (over by {_money(over)})",
                    year=row.year,
                    amount=over,
                )

    # -- COVER ---------------------------------------------------------------------

    def coverage(self) -> list[NeedCoverage]:
        # (school, year, subject) -> staff serving there then, by stage
        serving: dict[tuple[str, int, str], dict[str, Stage]] = defaultdict(dict)
        for (school_id, year), hosted in self.hosted.items():
            for staff_id in hosted:
                person = self.staff.get(staff_id)
                if person is not None:
                    serving[(school_id, year, person.subject)][staff_id] = person.stage
        out: list[NeedCoverage] = []
        for index, need in enumerate(self.scenario.needs):
            stage = need.stage
            if stage is None:
                school = self.schools.get(need.school_id)
                stage = school.stage if school is not None else None
            if stage is None:
                stages: frozenset[Stage] = frozenset()
            elif stage is Stage.NINE_YEAR:
                stages = frozenset({Stage.PRIMARY, Stage.JUNIOR})
            else:
                stages = frozenset({stage})
            there = serving.get((need.school_id, need.year, need.subject), {})
            ids = tuple(sorted(sid for sid, st in there.items() if st in stages))
            covered = min(need.count, len(ids))
            out.append(NeedCoverage(index, need, ids, covered, need.priority * covered))
        return out

    # -- all -------------------------------------------------------------------------

    def run(self) -> AuditReport:
        self.per_exchange()
        self.one_place()
        self.repeat_gap()
        self.quotas()
        self.backbone_share()
        self.tenure()
        self.locked()
        self.capacity()
        self.core_keep()
        self.budget()
        coverage = self.coverage()
        self.violations.sort(
            key=lambda v: (
                _RANK.get(v.rule, len(_RANK)),
                v.group_id or "",
                v.year if v.year is not None else -1,
                v.school_id or "",
                v.subject or "",
                v.staff_id or "",
            )
        )
        return AuditReport(self.violations, self.checks, coverage)


def audit(scenario: Scenario, plan: Plan, locked: Iterable[Exchange] | None = None) -> AuditReport:
    """Check ``plan`` against every hard rule of ``rules.md`` and recompute COVER.

    ``locked`` are the commitments (LOCKED) the plan must contain unchanged;
    ``None`` means the scenario's own. An exchange equal to one of them is
    exempt from AGE, HONOR and LEVEL; every other rule holds for it too.
    """
    return _Auditor(scenario, plan, locked).run()
