"""The data model: plain dataclasses, no solver and no spreadsheet in sight.

Everything the CP-SAT model, the audit and the reports need is here, in the
terms of ``docs/scenario-format.en.md``. Entities check their own values
when they are made and raise ``ValueError`` naming the bad id; references
between entities (a staff member's school, a need's school, ...) are checked
by :func:`planner.io.validation.scenario_problems`, which names the bad id too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from planner.enums import Honor, Position, Role, Stage
from planner.i18n import _
from planner.policy import Policy

__all__ = [
    "Ban",
    "BudgetRow",
    "Commitment",
    "CoreKeep",
    "DocumentSettings",
    "Exchange",
    "Group",
    "Honor",
    "Need",
    "Plan",
    "Position",
    "Role",
    "Scenario",
    "School",
    "Staff",
    "Stage",
    "age_on_sept_first",
]


def age_on_sept_first(birth_date: dt.date, school_year: int) -> int:
    """Full years (周岁) on 1 September of ``school_year``."""
    before_birthday = (birth_date.month, birth_date.day) > (9, 1)
    return school_year - birth_date.year - (1 if before_birthday else 0)


@dataclass(frozen=True)
class Group:
    group_id: str
    name: str
    founded_year: int

    def __post_init__(self) -> None:
        _check_id("group", self.group_id)


@dataclass(frozen=True)
class School:
    school_id: str
    name: str
    group_id: str
    role: Role
    stage: Stage
    capacity: int | None = None
    joined_year: int | None = None
    left_year: int | None = None

    def __post_init__(self) -> None:
        _check_id("school", self.school_id)
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(
                _("school {school}: capacity {capacity} < 0").format(
                    school=self.school_id, capacity=self.capacity
                )
            )
        if (
            self.joined_year is not None
            and self.left_year is not None
            and self.left_year <= self.joined_year
        ):
            raise ValueError(
                _("school {school}: left_year {left} must be after joined_year {joined}").format(
                    school=self.school_id, left=self.left_year, joined=self.joined_year
                )
            )


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    school_id: str
    subject: str
    stage: Stage
    birth_date: dt.date
    position: Position = Position.TEACHER
    honor: Honor = Honor.NONE
    level_ok: bool = False
    age_exception: bool = False
    volunteer: bool = False
    preferred_school: str | None = None
    needs_experience: bool = False
    unavailable: frozenset[int] = frozenset()
    # Beyond the Taishan contract: a backbone teacher (骨干教师), and the first
    # school year at the current school (for tenure-based rotation rules).
    backbone: bool = False
    school_since: int | None = None

    def __post_init__(self) -> None:
        _check_id("staff", self.staff_id)
        if self.stage is Stage.NINE_YEAR:
            raise ValueError(
                _("staff {staff}: stage must be primary or junior, not nine_year").format(
                    staff=self.staff_id
                )
            )
        if not self.subject:
            raise ValueError(_("staff {staff}: subject is empty").format(staff=self.staff_id))

    @property
    def is_cadre(self) -> bool:
        return self.position.is_cadre

    def age_at(self, school_year: int) -> int:
        return age_on_sept_first(self.birth_date, school_year)

    def tenure_at(self, school_year: int) -> int | None:
        """Whole school years at the current school before ``school_year``."""
        return None if self.school_since is None else school_year - self.school_since


@dataclass(frozen=True)
class Need:
    """Staff wanted at a member school in one year for a subject and stage.

    ``stage`` None means the school's own stage (only for single-stage schools).
    """

    school_id: str
    year: int
    subject: str
    count: int
    stage: Stage | None = None
    priority: Decimal = Decimal(1)
    # Derived, never read from the needs sheet: the staff ids of the mutual
    # moves (互派) whose departures added to ``count`` (see Scenario.all_needs).
    mutual_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(
                _("need at {school} {year}: count {count} < 0").format(
                    school=self.school_id, year=self.year, count=self.count
                )
            )
        if len(self.mutual_from) > self.count:
            raise ValueError(
                _("need at {school} {year}: {n} mutual departures but count {count}").format(
                    school=self.school_id, year=self.year, n=len(self.mutual_from), count=self.count
                )
            )
        if self.priority <= 0:
            raise ValueError(
                _("need at {school} {year}: priority {priority} must be > 0").format(
                    school=self.school_id, year=self.year, priority=self.priority
                )
            )


@dataclass(frozen=True)
class MutualMove:
    """An agreed move of a member school's staff member to the group's core
    school (互派), inclusive years. Input only: the plan does not decide it.

    At the core school the person counts towards CORE-KEEP of ``subject`` in
    each year there; the member school gains a need of one of ``subject`` and
    ``stage`` in those years (``priority``) unless ``needs_cover`` is False.
    Never counts towards the quotas.
    """

    staff_id: str
    name: str
    from_school: str
    to_school: str
    subject: str
    stage: Stage
    start_year: int
    end_year: int
    priority: Decimal = Decimal(1)
    needs_cover: bool = True
    ended_early: bool = False  # ended before its agreed end: TERM's minimum does not apply
    reason: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        _check_id("staff", self.staff_id)
        if not self.subject:
            raise ValueError(
                _("mutual move of {staff}: subject is empty").format(staff=self.staff_id)
            )
        if self.stage is Stage.NINE_YEAR:
            raise ValueError(
                _("mutual move of {staff}: stage must be primary or junior, not nine_year").format(
                    staff=self.staff_id
                )
            )
        if self.priority <= 0:
            raise ValueError(
                _("mutual move of {staff}: priority {priority} must be > 0").format(
                    staff=self.staff_id, priority=self.priority
                )
            )

    @property
    def term(self) -> int:
        return self.end_year - self.start_year + 1

    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


@dataclass(frozen=True)
class CoreKeep:
    school_id: str
    subject: str
    min_home: int

    def __post_init__(self) -> None:
        if self.min_home < 0:
            raise ValueError(
                _("core_keep {school} {subject}: min_home < 0").format(
                    school=self.school_id, subject=self.subject
                )
            )


@dataclass(frozen=True)
class Exchange:
    """One staff member serving at one member school, inclusive years.

    An exchange that *ended early* (``rules.md``, "Ended early") keeps its
    staff, school and start; ``end_year`` is the last year actually served,
    ``ended_early`` is set and ``reason`` says why. It is a different exchange
    from the planned one (``ended_early`` takes part in equality); the reason
    is only its wording and does not.
    """

    staff_id: str
    school_id: str
    start_year: int
    end_year: int
    ended_early: bool = False
    reason: str = field(default="", compare=False)

    @property
    def term(self) -> int:
        return self.end_year - self.start_year + 1

    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    def key(self) -> tuple[str, str, int, int]:
        return (self.staff_id, self.school_id, self.start_year, self.end_year)


# A commitment (LOCKED) has exactly the fields of an exchange.
Commitment = Exchange


@dataclass(frozen=True)
class BudgetRow:
    year: int
    amount: Decimal

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(
                _("budget {year}: amount {amount} < 0").format(year=self.year, amount=self.amount)
            )


@dataclass(frozen=True)
class DocumentSettings:
    """What the official documents (``planner notices``) need beyond the plan:
    the optional keys of the ``settings`` sheet, all blank by default.

    ``doc_number`` is the running number of the 文号 (``15`` in
    泰山教体发〔2022〕15号); the year in it comes from the plan.
    """

    bureau: str | None = None  # 教育局: the issuing bureau's name
    doc_prefix: str | None = None  # 发文字号前缀: 泰山教体发
    doc_number: str | None = None  # 文号: the running number
    doc_date: dt.date | None = None  # 成文日期
    report_date: dt.date | None = None  # 报到日期
    cc: str | None = None  # 抄送

    def __post_init__(self) -> None:
        for name in ("bureau", "doc_prefix", "doc_number", "cc"):
            value = getattr(self, name)
            if value is not None and not str(value).strip():
                raise ValueError(
                    _("settings {name}: blank text; leave the row out instead").format(name=name)
                )


@dataclass(frozen=True)
class Ban:
    """BAN: ``staff_id`` is never sent to ``school_id``, or never sent at all
    in the horizon when ``school_id`` is None. Binds decisions only."""

    staff_id: str
    school_id: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_id("staff", self.staff_id)
        if self.school_id is not None:
            _check_id("school", self.school_id)


@dataclass
class Scenario:
    """A whole planning problem: the world, the policy and the horizon."""

    name: str
    first_year: int
    horizon: int
    policy: Policy
    groups: list[Group]
    schools: list[School]
    staff: list[Staff]
    needs: list[Need] = field(default_factory=list)
    core_keep: list[CoreKeep] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    # Replanning: the published plan for years not yet started (STABLE keeps
    # it where it can) and past exchanges (the exchange-experience ledger).
    published: list[Exchange] = field(default_factory=list)
    history: list[Exchange] = field(default_factory=list)
    # The optional settings of the official documents (bureau, 文号, dates).
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    # Agreed moves of member-school staff to their core school (互派).
    mutual: tuple[MutualMove, ...] = ()
    # What the reader changed and says (ids normalised); never a reason to stop.
    notes: list[str] = field(default_factory=list, compare=False)
    # BAN: this person never to that school, or never sent (school None).
    bans: tuple[Ban, ...] = ()

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError(_("horizon {horizon} must be at least 1").format(horizon=self.horizon))

    # -- lookups -------------------------------------------------------------

    @property
    def years(self) -> range:
        """The horizon's school years."""
        return range(self.first_year, self.first_year + self.horizon)

    @cached_property
    def group_by_id(self) -> dict[str, Group]:
        return {g.group_id: g for g in self.groups}

    @cached_property
    def school_by_id(self) -> dict[str, School]:
        return {s.school_id: s for s in self.schools}

    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.staff_id: s for s in self.staff}

    def core_school(self, group_id: str) -> School:
        for school in self.schools:
            if school.group_id == group_id and school.role is Role.CORE:
                return school
        raise KeyError(_("group {group} has no core school").format(group=group_id))

    def members(self, group_id: str) -> list[School]:
        return list(self._members_by_group.get(group_id, ()))

    @cached_property
    def _members_by_group(self) -> dict[str, list[School]]:
        out: dict[str, list[School]] = {}
        for s in self.schools:
            if s.role is not Role.CORE:
                out.setdefault(s.group_id, []).append(s)
        return out

    def staff_of(self, school_id: str) -> list[Staff]:
        return list(self._staff_by_school.get(school_id, ()))

    @cached_property
    def _staff_by_school(self) -> dict[str, list[Staff]]:
        out: dict[str, list[Staff]] = {}
        for person in self.staff:
            out.setdefault(person.school_id, []).append(person)
        return out

    def earlier_and_committed(self, staff_id: str) -> tuple[Exchange, ...]:
        """The person's exchanges in the history and the commitments (what
        REPEAT-GAP keeps a distance from)."""
        return self._earlier_and_committed.get(staff_id, ())

    @cached_property
    def _earlier_and_committed(self) -> dict[str, tuple[Exchange, ...]]:
        out: dict[str, list[Exchange]] = {}
        for e in (*self.history, *self.commitments):
            out.setdefault(e.staff_id, []).append(e)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _history_years(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.history:
            out[e.staff_id] = out.get(e.staff_id, 0) + e.term
        return out

    def group_of_staff(self, staff: Staff) -> Group:
        return self.group_by_id[self.school_by_id[staff.school_id].group_id]

    def is_member(self, school: School, year: int) -> bool:
        """Whether ``school`` belongs to its group in ``year`` (joined <= year < left)."""
        joined = (
            school.joined_year
            if school.joined_year is not None
            else self.group_by_id[school.group_id].founded_year
        )
        return joined <= year and (school.left_year is None or year < school.left_year)

    def need_stages(self, need: Need) -> frozenset[Stage]:
        """The staff stages that cover ``need`` (a blank stage: the school's)."""
        if need.stage is not None:
            return need.stage.teaches()
        return self.school_by_id[need.school_id].stage.teaches()

    @cached_property
    def all_needs(self) -> tuple[Need, ...]:
        """The needs sheet's rows, then the needs the mutual moves leave behind.

        Each departure with ``needs_cover`` adds one of its subject and stage
        at its member school in each horizon year of the move: to the count
        of a needs row of that school, year, subject, stage and priority if
        there is one, else as a row of its own after the sheet's rows. Either
        way the row's ``mutual_from`` names the staff who left. COVER, FAIR,
        the audit's coverage and the reports all read this view.
        """
        rows = list(self.needs)
        index: dict[tuple[str, int, str, frozenset[Stage], Decimal], int] = {}
        for i, need in enumerate(rows):
            if need.school_id in self.school_by_id:
                key = (need.school_id, need.year, need.subject, self.need_stages(need))
                index.setdefault((*key, need.priority), i)
        for move in self.mutual:
            if not move.needs_cover:
                continue
            for year in move.years():
                if year not in self.years:
                    continue
                key5 = (move.from_school, year, move.subject, move.stage.teaches(), move.priority)
                at = index.get(key5)
                if at is None:
                    index[key5] = len(rows)
                    rows.append(
                        Need(move.from_school, year, move.subject, 0, move.stage, move.priority)
                    )
                    at = index[key5]
                old = rows[at]
                rows[at] = replace(
                    old, count=old.count + 1, mutual_from=(*old.mutual_from, move.staff_id)
                )
        return tuple(rows)

    def arrivals(self, school_id: str, subject: str, year: int) -> int:
        """Mutual-move staff of ``subject`` at core school ``school_id`` in ``year``."""
        return sum(
            1
            for m in self.mutual
            if m.to_school == school_id and m.subject == subject and m.covers(year)
        )

    def budget_by_year(self) -> dict[int, Decimal]:
        return {b.year: b.amount for b in self.budget}

    def cost_by_year(self, exchanges: Iterable[Exchange]) -> dict[int, Decimal]:
        """What ``exchanges`` cost in each year they cover (a staff-year at
        the policy's cost for a cadre or a teacher), as BUDGET sums it;
        exchanges of staff not in the scenario cost nothing here."""
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for ex in exchanges:
            person = self.staff_by_id.get(ex.staff_id)
            if person is not None:
                cost = self.policy.cost_per_year(person.is_cadre)
                for year in ex.years():
                    totals[year] += cost
        return totals

    def exchange_years(self, staff_id: str, plan: Plan | None = None) -> int:
        """Ledger: years on exchange in ``history`` (and ``plan`` if given).

        Counts as support-teaching experience (交流经历视作支教经历).
        """
        past = self._history_years.get(staff_id, 0)
        planned = sum(e.term for e in plan.by_staff(staff_id)) if plan else 0
        return past + planned

    def iter_core_schools(self) -> Iterator[School]:
        return (s for s in self.schools if s.role is Role.CORE)


@dataclass(frozen=True)
class Plan:
    """A list of exchanges, as the contract's plan forms carry it."""

    exchanges: tuple[Exchange, ...]

    @classmethod
    def of(cls, exchanges: Iterable[Exchange]) -> Plan:
        return cls(tuple(sorted(exchanges, key=lambda e: (e.start_year, e.school_id, e.staff_id))))

    def by_staff(self, staff_id: str) -> list[Exchange]:
        return list(self._by_staff.get(staff_id, ()))

    def in_year(self, year: int) -> list[Exchange]:
        """The exchanges under way in ``year``."""
        return list(self._by_year.get(year, ()))

    def at_school(self, school_id: str, year: int) -> list[Exchange]:
        """The exchanges under way at ``school_id`` in ``year``."""
        return list(self._by_school_year.get((school_id, year), ()))

    @cached_property
    def _by_school_year(self) -> dict[tuple[str, int], list[Exchange]]:
        out: dict[tuple[str, int], list[Exchange]] = {}
        for e in self.exchanges:
            for year in e.years():
                out.setdefault((e.school_id, year), []).append(e)
        return out

    @cached_property
    def _by_year(self) -> dict[int, list[Exchange]]:
        out: dict[int, list[Exchange]] = {}
        for e in self.exchanges:
            for year in e.years():
                out.setdefault(year, []).append(e)
        return out

    @cached_property
    def _by_staff(self) -> dict[str, list[Exchange]]:
        out: dict[str, list[Exchange]] = {}
        for e in self.exchanges:
            out.setdefault(e.staff_id, []).append(e)
        return out


def _check_id(kind: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            _("{kind} id must be a non-empty string, got {value!r}").format(
                kind=_id_kind(kind), value=value
            )
        )


def _id_kind(kind: str) -> str:
    """``group``, ``school``, ``staff`` in the current language."""
    names = {"group": _("group"), "school": _("school"), "staff": _("staff")}
    return names.get(kind, kind)
