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
from functools import cache

from planner.data import Ban, Exchange, MutualMove, Plan, Scenario
from planner.i18n import _, pgettext, rule_label, use_language
from planner.model import domain
from planner.model.solve import goal_order
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
    # published exchange -> why it must go; exchange under way -> why it ended
    # early (or was dropped: its person or school is gone)
    forced: dict[Exchange, str] = field(default_factory=dict)
    cut: dict[Exchange, str] = field(default_factory=dict)
    # exchange under way -> the same exchange ended early
    ended: dict[Exchange, Exchange] = field(default_factory=dict)
    # exchanges of the previous plan over before from_year (ended early ones
    # included): fact, listed in the new plan and counted in the ledger
    past: list[Exchange] = field(default_factory=list)
    lang: str = "zh"


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


# Every sentence a replan writes (whole sentences, one place; English
# msgids, translated through the catalog: planner/locale).
@cache
def _texts(lang: str) -> dict[str, str]:
    with use_language(lang):
        return {
            "left_staff": _("{staff} is no longer on the staff list"),
            "school_gone": _("school {school} is no longer in the scenario"),
            "unavailable": _("unavailable from {year} ({staff} is marked unavailable in {years})"),
            "left_group": _("{school} leaves its group in {year}"),
            "not_receiving": _("{school} does not receive staff from {home}"),
            "ineligible": _("{staff} is no longer eligible to start in {year} ({rule})"),
            "banned": _("{staff} may not be sent to {school} ({rule}){note}"),
            "banned_all": _("{staff} may not be sent to any school ({rule}){note}"),
            "term": _("{term} years is outside {lo}..{hi} ({rule})"),
            "locked": _("{rule}: a commitment of the scenario"),
            "chosen": _("chosen by the optimiser (goals in order: {order})"),
            "replaces": _("replaces {staff}, {why}"),
            "dropped": _("{exchange} dropped: {why}"),
            "must_change": _("published {exchange} must change: {why}"),
            "ended": _("under way {exchange} ended early, last year served {end}: {why}"),
            "list": pgettext("separator of a list", ", "),
            "note": pgettext("a note after a reason", ": {note}"),
        }


def text(lang: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (``zh`` unless ``en``), filled in."""
    return _texts("en" if lang == "en" else "zh")[key].format(**values)


def _rule(lang: str, rule: str) -> str:
    """``任期 TERM`` in Chinese, ``TERM`` in English."""
    with use_language(lang):
        return rule_label(rule)


def _show(ex: Exchange) -> str:
    return f"{ex.staff_id} {ex.school_id} {ex.start_year}-{ex.end_year}"


def _why_impossible(scenario: Scenario, ex: Exchange, lang: str = "zh") -> str | None:
    """Why the rules no longer allow a published exchange, or None."""
    person = scenario.staff_by_id.get(ex.staff_id)
    school = scenario.school_by_id.get(ex.school_id)
    if person is None:
        return text(lang, "left_staff", staff=ex.staff_id)
    if school is None:
        return text(lang, "school_gone", school=ex.school_id)
    policy = scenario.policy
    years = ex.years()
    if not domain.available(person, years):
        gone = sorted(y for y in years if y in person.unavailable)
        shown = text(lang, "list").join(map(str, gone))
        return text(lang, "unavailable", staff=ex.staff_id, year=gone[0], years=shown)
    if not domain.membership(scenario, person, school, years):
        out = [y for y in years if not scenario.is_member(school, y)]
        if out:
            return text(lang, "left_group", school=ex.school_id, year=out[0])
        return text(lang, "not_receiving", school=ex.school_id, home=person.school_id)
    for rule, ok in (
        (Rule.AGE, domain.age(person, ex.start_year, policy)),
        (Rule.HONOR, domain.honor(person, policy)),
        (Rule.LEVEL, domain.level(person, policy)),
    ):
        if not ok:
            return text(
                lang, "ineligible", staff=ex.staff_id, year=ex.start_year, rule=_rule(lang, rule)
            )
    found = domain.ban_of(scenario, ex.staff_id, ex.school_id)
    if found is not None:
        return _why_banned(ex, found, lang)
    lengths = domain.term_of(policy, ex.ended_early)
    if ex.term not in lengths:
        lo, hi = lengths.start, lengths.stop - 1
        return text(lang, "term", term=ex.term, lo=lo, hi=hi, rule=_rule(lang, Rule.TERM))
    return None


def _why_banned(ex: Exchange, found: Ban, lang: str) -> str:
    """Why the ban ``found`` keeps ``ex`` from being decided, with its note."""
    note = text(lang, "note", note=found.note) if found.note else ""
    key = "banned_all" if found.school_id is None else "banned"
    return text(
        lang, key, staff=ex.staff_id, school=ex.school_id, rule=_rule(lang, Rule.BAN), note=note
    )


def prepare_replan(
    scenario: Scenario, previous: Plan, from_year: int, lang: str = "zh"
) -> ReplanInput:
    """The scenario for replanning from ``from_year`` with ``previous`` published.

    Exchanges over before ``from_year`` go to the ledger (``history``) and to
    ``past``; those under way become commitments, ended early where the new
    data say so; those starting in ``from_year`` or later are the published
    plan. Raises ValueError if ``from_year`` is outside the horizon.
    """
    if from_year not in scenario.years:
        with use_language(lang):
            message = _("--from-year {year} is outside the scenario's horizon {first}-{last}")
        raise ValueError(
            message.format(year=from_year, first=scenario.years.start, last=scenario.years.stop - 1)
        )
    out = ReplanInput(scenario, from_year, previous, lang=lang)
    fixed: list[Exchange] = []
    published: list[Exchange] = []
    locked = set(scenario.commitments)
    for ex in previous.exchanges:
        if ex in locked:
            continue  # a commitment stays as it is in every plan
        if ex.staff_id not in scenario.staff_by_id or ex.school_id not in scenario.school_by_id:
            reason = _why_impossible(scenario, ex, lang) or "?"
            out.messages.append(text(lang, "dropped", exchange=_show(ex), why=reason))
            if ex.end_year >= from_year:
                (out.forced if ex.start_year >= from_year else out.cut)[ex] = reason
            continue
        if ex.start_year >= from_year:
            published.append(ex)
            why = _why_impossible(scenario, ex, lang)
            if why:
                out.forced[ex] = why
                out.messages.append(text(lang, "must_change", exchange=_show(ex), why=why))
        elif ex.end_year < from_year:
            out.past.append(ex)
        else:
            kept = _end_early(scenario, ex, from_year, out)
            (fixed if kept.end_year >= from_year else out.past).append(kept)
    prepared = replace(
        scenario,
        first_year=from_year,
        horizon=scenario.years.stop - from_year,
        needs=[n for n in scenario.needs if n.year >= from_year],
        commitments=sorted(
            set(scenario.commitments) | set(fixed), key=lambda e: (e.start_year, e.staff_id)
        ),
        published=published,
        history=[*scenario.history, *out.past],
        mutual=_mutual_served(scenario, from_year, out),
    )
    out.scenario = prepared
    return out


def _end_early(scenario: Scenario, ex: Exchange, from_year: int, out: ReplanInput) -> Exchange:
    """An exchange under way, ended early where its school leaves the group or
    its person becomes unavailable (纳新与退出): it keeps its staff, school and
    start, ends with the last year served and says why (rules.md "Ended early")."""
    person = scenario.staff_by_id[ex.staff_id]
    school = scenario.school_by_id[ex.school_id]
    for year in range(from_year, ex.end_year + 1):
        if scenario.is_member(school, year) and year not in person.unavailable:
            continue
        if not scenario.is_member(school, year):
            why = text(out.lang, "left_group", school=ex.school_id, year=year)
        else:
            gone = sorted(y for y in person.unavailable if year <= y <= ex.end_year)
            sep = text(out.lang, "list")
            shown = sep.join(map(str, gone))
            why = text(out.lang, "unavailable", staff=ex.staff_id, year=year, years=shown)
        kept = replace(ex, end_year=year - 1, ended_early=True, reason=why)
        out.messages.append(text(out.lang, "ended", exchange=_show(ex), end=year - 1, why=why))
        out.cut[ex] = why
        out.ended[ex] = kept
        return kept
    return ex


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
        why = text(out.lang, "left_group", school=move.from_school, year=left)
        out.messages.append(
            _(
                "mutual {staff} {source}->{target} {start}-{end} cut short to end in {last}: "
                "{source} leaves its group in {left}"
            ).format(
                staff=move.staff_id,
                source=move.from_school,
                target=move.to_school,
                start=move.start_year,
                end=move.end_year,
                last=left - 1,
                left=left,
            )
        )
        if left > move.start_year:
            kept.append(replace(move, end_year=left - 1, ended_early=True, reason=why))
    return tuple(kept)


def explain_changes(changes: list[Change], prepared: ReplanInput) -> list[Change]:
    """Attach to each change the reason that names its cause: the new data
    that forced it, the commitment it keeps, the person it replaces (and why
    they left), or else the optimiser's choice with the actual goal order."""
    lang = prepared.lang
    scenario = prepared.scenario
    why_gone = {**prepared.forced, **prepared.cut}
    gone = [c for c in changes if c.before is not None and c.before in why_gone]
    replaced: set[int] = set()
    order = text(lang, "list").join(goal_order(scenario))
    out = []
    for change in changes:
        reason = why_gone.get(change.before) if change.before is not None else None
        if reason is None and change.after in scenario.commitments:
            reason = text(lang, "locked", rule=_rule(lang, Rule.LOCKED))
        if reason is None and change.after is not None:
            other = _replaced(scenario, change.after, gone, replaced)
            if other is not None and other.before is not None:
                reason = text(lang, "replaces", staff=other.staff_id, why=why_gone[other.before])
        if reason is None:
            reason = text(lang, "chosen", order=order)
        out.append(replace(change, reason=reason))
    return out


def _replaced(
    scenario: Scenario, new: Exchange, gone: list[Change], used: set[int]
) -> Change | None:
    """The first change not yet matched whose forced-out exchange ``new``
    stands in for: same school, a year in common, the same subject where
    the person who left is still known. Marks it used."""
    person = scenario.staff_by_id.get(new.staff_id)
    for i, change in enumerate(gone):
        old = change.before
        if i in used or old is None or change.staff_id == new.staff_id:
            continue
        if old.school_id != new.school_id or not set(old.years()) & set(new.years()):
            continue
        if change.after is not None and change.after.covers(max(old.start_year, new.start_year)):
            continue  # the person still serves there that year (an exchange ended later)
        left = scenario.staff_by_id.get(old.staff_id)
        if left is not None and person is not None and left.subject != person.subject:
            continue
        used.add(i)
        return change
    return None
