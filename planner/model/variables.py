"""Decision variables: one Boolean per possible exchange.

A possible exchange is (staff member, member school, start year, length),
with the start inside the horizon (HORIZON), the length allowed by TERM and
no ban against it (BAN). The domain
rules of :mod:`planner.model.domain` decide which ones exist. Locked
commitments are constants, not decisions; they are kept beside the decisions
so every rule can count them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.data import Exchange, Scenario, School, Staff, Stage
from planner.model import domain


@dataclass(frozen=True)
class Candidate:
    """One possible exchange and its decision variable."""

    staff: Staff
    school: School
    start: int
    length: int
    var: cp_model.IntVar

    @property
    def end(self) -> int:
        return self.start + self.length - 1

    def years(self) -> range:
        return range(self.start, self.start + self.length)

    def exchange(self) -> Exchange:
        return Exchange(self.staff.staff_id, self.school.school_id, self.start, self.end)


@dataclass(frozen=True)
class LockedExchange:
    """A commitment (LOCKED) with its staff member and school resolved."""

    exchange: Exchange
    staff: Staff
    school: School


CoverKey = tuple[str, int, str, Stage]  # school_id, year, subject, staff stage


class Variables:
    """All decisions of one scenario, indexed the ways the rules look at them."""

    def __init__(self, model: cp_model.CpModel, scenario: Scenario) -> None:
        self.model = model
        self.scenario = scenario
        self.candidates: list[Candidate] = []
        self.by_staff: dict[str, list[Candidate]] = defaultdict(list)
        self.by_staff_year: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        self.by_school_year: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        self.by_group_start: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        self.by_cover: dict[CoverKey, list[Candidate]] = defaultdict(list)
        self.locked: list[LockedExchange] = [
            LockedExchange(c, scenario.staff_by_id[c.staff_id], scenario.school_by_id[c.school_id])
            for c in scenario.commitments
        ]
        self._create()

    def _create(self) -> None:
        for person, school, start, length, group_id in possible_exchanges(self.scenario):
            self._add(person, school, start, length, group_id)

    def _add(self, person: Staff, school: School, start: int, length: int, group_id: str) -> None:
        name = f"x[{person.staff_id},{school.school_id},{start},{length}]"
        cand = Candidate(person, school, start, length, self.model.new_bool_var(name))
        self.candidates.append(cand)
        self.by_group_start[group_id, start].append(cand)
        self.by_staff[person.staff_id].append(cand)
        for year in cand.years():
            self.by_staff_year[person.staff_id, year].append(cand)
            self.by_school_year[school.school_id, year].append(cand)
            self.by_cover[school.school_id, year, person.subject, person.stage].append(cand)

    def all_years(self) -> range:
        """Every year any exchange (decided or locked) can touch."""
        last = self.scenario.years[-1] + self.scenario.policy.term_max - 1
        first = self.scenario.first_year
        for locked in self.locked:
            last = max(last, locked.exchange.end_year)
            first = min(first, locked.exchange.start_year)
        return range(first, last + 1)

    def serving(
        self, school_id: str, year: int, subject: str, stages: frozenset[Stage]
    ) -> list[Candidate]:
        """Decisions that put a staff member of ``subject`` and one of ``stages``
        at ``school_id`` in ``year``."""
        out: list[Candidate] = []
        for stage in sorted(stages, key=lambda s: s.value):
            out.extend(self.by_cover.get((school_id, year, subject, stage), ()))
        return out

    def locked_serving(
        self, school_id: str, year: int, subject: str, stages: frozenset[Stage]
    ) -> int:
        return sum(
            1
            for lk in self.locked
            if lk.school.school_id == school_id
            and lk.exchange.covers(year)
            and lk.staff.subject == subject
            and lk.staff.stage in stages
        )


def possible_exchanges(scenario: Scenario) -> Iterator[tuple[Staff, School, int, int, str]]:
    """Every possible exchange the domain rules allow, in the order the
    decisions are made: (staff member, member school, start, length, group id).
    Pure: the range check (:mod:`planner.model.ranges`) counts them too."""
    policy = scenario.policy
    lengths = domain.term(policy)
    receivers: dict[str, list[School]] = defaultdict(list)
    for school in scenario.schools:
        if school.role in policy.receiving_roles:
            receivers[school.group_id].append(school)
    published: dict[tuple[str, str, int], set[int]] = defaultdict(set)
    for ex in scenario.published:
        if ex.term in lengths:
            published[ex.staff_id, ex.school_id, ex.start_year].add(ex.term)
    for person in scenario.staff:
        home = scenario.school_by_id[person.school_id]
        if not (domain.honor(person, policy) and domain.level(person, policy)):
            continue
        for start in domain.horizon(scenario):
            if not domain.age(person, start, policy):
                continue
            useful = useful_lengths(scenario, start, lengths)
            for school in receivers[home.group_id]:
                if not domain.ban(scenario, person, school):
                    continue
                # A published exchange stays a choice even where a shorter
                # length dominates it: STABLE tells them apart.
                extra = published.get((person.staff_id, school.school_id, start), set())
                for length in sorted(set(useful) | extra):
                    years = range(start, start + length)
                    if domain.available(person, years) and domain.membership(
                        scenario, person, school, years
                    ):
                        yield person, school, start, length, home.group_id


def useful_lengths(scenario: Scenario, start: int, lengths: range) -> list[int]:
    """TERM lengths worth a decision for an exchange starting in ``start``.

    Lengths that differ only in years past the horizon serve the same
    needs, quotas and CORE-KEEP; every rule that looks past the horizon
    (CAPACITY, BUDGET, ONE-PLACE with later commitments, MEMBERSHIP,
    AVAILABLE) and COST only get harder with more years. So the shortest
    length reaching the horizon's last year dominates the longer ones,
    and they are left out: the optimum is unchanged.
    """
    last = scenario.years[-1]
    reach = [n for n in lengths if start + n - 1 >= last]
    return [n for n in lengths if start + n - 1 < last] + reach[:1]
