"""What every audit rule looks at: the scenario, the plan and indexes over both.

:class:`AuditContext` is built once per audit; the rule functions read it and
state what they find to its :class:`~planner.audit.record.Recorder`
(``ctx.out``). Naming helpers (``who``, ``school_name``, ...) give the
sentences their "S1 张三 at M1 融合校" form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.audit.record import Recorder
from planner.data import Exchange, Group, Plan, Scenario, School, Staff
from planner.enums import Role
from planner.i18n import _
from planner.policy import Policy


@dataclass
class AuditContext:
    """One audit's inputs and indexes (build with :meth:`build`)."""

    scenario: Scenario
    exchanges: tuple[Exchange, ...]
    commitments: list[Exchange]
    locked_keys: set[tuple[str, str, int, int]]
    groups: dict[str, Group]
    schools: dict[str, School]
    staff: dict[str, Staff]
    core_of_group: dict[str, str]
    staff_of_school: dict[str, list[Staff]]
    horizon: range
    # Indexes over the plan: by staff, by start year, by (school, year), by year.
    by_staff: dict[str, list[Exchange]] = field(default_factory=lambda: defaultdict(list))
    by_start: dict[int, list[Exchange]] = field(default_factory=lambda: defaultdict(list))
    hosted: dict[tuple[str, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    serving_by_year: dict[int, list[Exchange]] = field(default_factory=lambda: defaultdict(list))
    away: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    out: Recorder = field(default_factory=Recorder)

    @classmethod
    def build(
        cls, scenario: Scenario, plan: Plan, locked: Iterable[Exchange] | None
    ) -> AuditContext:
        """Index ``scenario`` and ``plan``; ``locked`` None: the scenario's commitments."""
        commitments = list(scenario.commitments if locked is None else locked)
        core_of_group: dict[str, str] = {}
        for school in scenario.schools:
            if school.role is Role.CORE:
                core_of_group.setdefault(school.group_id, school.school_id)
        staff_of_school: dict[str, list[Staff]] = defaultdict(list)
        for person in scenario.staff:
            staff_of_school[person.school_id].append(person)
        ctx = cls(
            scenario=scenario,
            exchanges=tuple(plan.exchanges),
            commitments=commitments,
            locked_keys={c.key() for c in commitments},
            groups={g.group_id: g for g in scenario.groups},
            schools={s.school_id: s for s in scenario.schools},
            staff={s.staff_id: s for s in scenario.staff},
            core_of_group=core_of_group,
            staff_of_school=staff_of_school,
            horizon=range(scenario.first_year, scenario.first_year + scenario.horizon),
        )
        for ex in ctx.exchanges:
            ctx.by_staff[ex.staff_id].append(ex)
            ctx.by_start[ex.start_year].append(ex)
            for year in range(ex.start_year, ex.end_year + 1):
                ctx.hosted[(ex.school_id, year)].add(ex.staff_id)
                ctx.serving_by_year[year].append(ex)
                ctx.away[year].add(ex.staff_id)
        return ctx

    @property
    def policy(self) -> Policy:
        return self.scenario.policy

    def is_locked(self, ex: Exchange) -> bool:
        """``ex`` equals one of the commitments."""
        return ex.key() in self.locked_keys

    # -- names in sentences ------------------------------------------------------

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
        return _("{staff} at {school} {start}-{end}").format(
            staff=self.who(ex.staff_id), school=where, start=ex.start_year, end=ex.end_year
        )

    # -- shared questions ----------------------------------------------------------

    def is_member(self, school: School, year: int) -> bool:
        """``school`` belongs to its group in ``year``: joined_year (blank: the
        group's founded_year) <= year < left_year."""
        joined = school.joined_year
        if joined is None:
            group = self.groups.get(school.group_id)
            if group is None:
                return False
            joined = group.founded_year
        if year < joined:
            return False
        return school.left_year is None or year < school.left_year

    def core_starters(self, core_id: str | None, year: int) -> list[Staff]:
        """Staff of ``core_id`` whose exchange starts in ``year`` (locked ones included)."""
        return [
            self.staff[ex.staff_id]
            for ex in self.by_start.get(year, [])
            if ex.staff_id in self.staff and self.staff[ex.staff_id].school_id == core_id
        ]
