"""Yearly replanning: carry history, keep the published plan stable.

In year Y a planner reopens last year's plan with this year's data. The
exchanges that started before Y are fact: those still running are LOCKED,
those already over go to the exchange-experience ledger (``history``). The
exchanges of the previous plan starting in Y or later are the *published*
plan: the new plan keeps every rule, maximises coverage, then changes as
little of the published plan as it can (STABLE). Every published exchange
the new data make impossible gets a sentence saying why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from planner.data import Exchange, MutualMove, Plan, Scenario
from planner.model import domain
from planner.rules import Rule


@dataclass(frozen=True)
class Change:
    """One difference between two plans, for one person."""

    kind: str  # "added", "removed", "moved" (other school), "term" (other end year)
    staff_id: str
    group_id: str | None
    year: int  # start year of the exchange concerned
    before: Exchange | None
    after: Exchange | None
    reason: str = ""

    def __str__(self) -> str:
        def show(e: Exchange | None) -> str:
            return f"{e.school_id} {e.start_year}-{e.end_year}" if e else "-"

        text = f"{self.kind:8} {self.group_id or '-'} {self.year} {self.staff_id}: "
        text += f"{show(self.before)} -> {show(self.after)}"
        return text + (f" ({self.reason})" if self.reason else "")


@dataclass
class ReplanInput:
    """The scenario to solve for a replan, and what carrying the past did."""

    scenario: Scenario
    from_year: int
    previous: Plan
    messages: list[str] = field(default_factory=list)
    # published exchange -> why it must go; exchange under way -> why cut short
    forced: dict[Exchange, str] = field(default_factory=dict)
    cut: dict[Exchange, str] = field(default_factory=dict)


def diff_plans(before: Plan, after: Plan, scenario: Scenario | None = None) -> list[Change]:
    """Who was added, removed, moved or changed in term, person by person.

    Exchanges equal in both plans are no change. Of the rest, one in each
    plan with the same person and start year is a move (other school) or a
    term change (same school, other end); the others are removals and
    additions.
    """

    def group_of(staff_id: str, school_id: str) -> str | None:
        if scenario is None:
            return None
        school = scenario.school_by_id.get(school_id)
        return school.group_id if school else None

    old_by: dict[str, list[Exchange]] = defaultdict(list)
    new_by: dict[str, list[Exchange]] = defaultdict(list)
    common = set(before.exchanges) & set(after.exchanges)
    for e in before.exchanges:
        if e not in common:
            old_by[e.staff_id].append(e)
    for e in after.exchanges:
        if e not in common:
            new_by[e.staff_id].append(e)
    changes: list[Change] = []
    for staff_id in sorted(set(old_by) | set(new_by)):
        olds = sorted(old_by.get(staff_id, []), key=lambda e: e.start_year)
        news = sorted(new_by.get(staff_id, []), key=lambda e: e.start_year)
        for old in list(olds):
            match = next((n for n in news if n.start_year == old.start_year), None)
            if match is None:
                continue
            olds.remove(old)
            news.remove(match)
            kind = "term" if match.school_id == old.school_id else "moved"
            changes.append(
                Change(
                    kind, staff_id, group_of(staff_id, old.school_id), old.start_year, old, match
                )
            )
        for old in olds:
            group = group_of(staff_id, old.school_id)
            changes.append(Change("removed", staff_id, group, old.start_year, old, None))
        for new in news:
            group = group_of(staff_id, new.school_id)
            changes.append(Change("added", staff_id, group, new.start_year, None, new))
    return sorted(changes, key=lambda c: (c.group_id or "", c.year, c.staff_id, c.kind))


def _why_impossible(scenario: Scenario, ex: Exchange) -> str | None:
    """Why the rules no longer allow a published exchange, or None."""
    person = scenario.staff_by_id.get(ex.staff_id)
    school = scenario.school_by_id.get(ex.school_id)
    if person is None:
        return f"{ex.staff_id} is no longer on the staff list"
    if school is None:
        return f"school {ex.school_id} is no longer in the scenario"
    policy = scenario.policy
    years = ex.years()
    if not domain.available(person, years):
        gone = sorted(y for y in years if y in person.unavailable)
        return f"{Rule.AVAILABLE}: {ex.staff_id} is unavailable in {', '.join(map(str, gone))}"
    if not domain.membership(scenario, person, school, years):
        out = [y for y in years if not scenario.is_member(school, y)]
        if out:
            years_out = ", ".join(map(str, out))
            return f"{Rule.MEMBERSHIP}: {ex.school_id} is not a member in {years_out}"
        return f"{Rule.MEMBERSHIP}: {ex.school_id} does not receive staff from {person.school_id}"
    for rule, ok in (
        (Rule.AGE, domain.age(person, ex.start_year, policy)),
        (Rule.HONOR, domain.honor(person, policy)),
        (Rule.LEVEL, domain.level(person, policy)),
    ):
        if not ok:
            return f"{rule}: {ex.staff_id} is no longer eligible to start in {ex.start_year}"
    if ex.term not in domain.term(policy):
        return f"{Rule.TERM}: {ex.term} years is outside {policy.term_min}..{policy.term_max}"
    return None


def prepare_replan(scenario: Scenario, previous: Plan, from_year: int) -> ReplanInput:
    """The scenario for replanning from ``from_year`` with ``previous`` published.

    Raises ValueError if ``from_year`` is outside the scenario's horizon.
    """
    if from_year not in scenario.years:
        raise ValueError(
            f"--from-year {from_year} is outside the scenario's horizon "
            f"{scenario.years.start}-{scenario.years.stop - 1}"
        )
    out = ReplanInput(scenario, from_year, previous)
    fixed: list[Exchange] = []
    past: list[Exchange] = []
    published: list[Exchange] = []
    locked = set(scenario.commitments)
    for ex in previous.exchanges:
        if ex in locked:
            continue  # a commitment stays as it is in every plan
        if ex.staff_id not in scenario.staff_by_id or ex.school_id not in scenario.school_by_id:
            reason = _why_impossible(scenario, ex) or "unknown"
            out.messages.append(
                f"{ex.staff_id} {ex.school_id} {ex.start_year}-{ex.end_year} dropped: {reason}"
            )
            if ex.start_year >= from_year:
                out.forced[ex] = reason
            continue
        if ex.start_year >= from_year:
            published.append(ex)
            why = _why_impossible(scenario, ex)
            if why:
                out.forced[ex] = why
                out.messages.append(
                    f"published {ex.staff_id} {ex.school_id} {ex.start_year}-{ex.end_year} "
                    f"must change: {why}"
                )
            continue
        if ex.end_year < from_year:
            past.append(ex)
            continue
        fixed.append(_cut_short(scenario, ex, from_year, out))
    years_left = scenario.years.stop - from_year
    prepared = replace(
        scenario,
        first_year=from_year,
        horizon=years_left,
        needs=[n for n in scenario.needs if n.year >= from_year],
        commitments=sorted(
            set(scenario.commitments) | set(fixed), key=lambda e: (e.start_year, e.staff_id)
        ),
        published=published,
        history=[*scenario.history, *past],
        mutual=_mutual_served(scenario, from_year, out),
    )
    out.scenario = prepared
    return out


def _cut_short(scenario: Scenario, ex: Exchange, from_year: int, out: ReplanInput) -> Exchange:
    """An exchange under way, ended early where its school left the group or
    its person became unavailable (纳新与退出: exchanges cut short)."""
    person = scenario.staff_by_id[ex.staff_id]
    school = scenario.school_by_id[ex.school_id]
    end = ex.end_year
    for year in range(from_year, ex.end_year + 1):
        if not scenario.is_member(school, year) or year in person.unavailable:
            end = year - 1
            why = (
                f"{ex.school_id} leaves its group in {year}"
                if not scenario.is_member(school, year)
                else f"{ex.staff_id} is unavailable in {year}"
            )
            out.messages.append(
                f"under way {ex.staff_id} {ex.school_id} {ex.start_year}-{ex.end_year} "
                f"cut short to end in {end}: {why}"
            )
            out.cut[ex] = f"cut short: {why}"
            break
    return replace(ex, end_year=end)


def _mutual_served(scenario: Scenario, from_year: int, out: ReplanInput) -> tuple[MutualMove, ...]:
    """The mutual moves (互派) that still run from ``from_year``, each cut to
    the years actually served: one whose member school leaves the group ends
    the year before (the departure's need and the arrival's CORE-KEEP follow)."""
    kept: list[MutualMove] = []
    for move in scenario.mutual:
        if move.end_year < from_year:
            continue
        school = scenario.school_by_id.get(move.from_school)
        left = next(
            (
                y
                for y in range(max(from_year, move.start_year), move.end_year + 1)
                if school is not None and not scenario.is_member(school, y)
            ),
            None,
        )
        if left is None:
            kept.append(move)
            continue
        out.messages.append(
            f"mutual {move.staff_id} {move.from_school}->{move.to_school} "
            f"{move.start_year}-{move.end_year} cut short to end in {left - 1}: "
            f"{move.from_school} leaves its group in {left}"
        )
        if left > move.start_year:
            kept.append(replace(move, end_year=left - 1))
    return tuple(kept)


def explain_changes(changes: list[Change], prepared: ReplanInput) -> list[Change]:
    """Attach a reason to each change: forced by the new data, or chosen."""
    out = []
    for change in changes:
        reason = None
        if change.before is not None:
            reason = prepared.forced.get(change.before) or prepared.cut.get(change.before)
        if reason is None and change.after in prepared.scenario.commitments:
            reason = f"{Rule.LOCKED}: a commitment of the scenario"
        if reason is None:
            reason = (
                "chosen by the optimiser (goals in order: "
                + ", ".join(prepared.scenario.policy.objective_order)
                + ")"
            )
        out.append(replace(change, reason=reason))
    return out
