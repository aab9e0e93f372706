"""Say which rules cannot all hold, where and by how much.

Two tools, both in the policy's own terms (rule ids of ``rules.md``):

* :func:`precheck`: fast counting arguments run before any model is built.
  Each conflict it reports is certain: no plan can satisfy the rules named.
* :func:`explain_infeasible`: for a model CP-SAT proves infeasible, a small
  set of rule instances that cannot hold together, found with the model
  itself (one assumption literal per rule instance, CP-SAT's sufficient
  assumptions, then shrunk by deletion until every instance is necessary).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ortools.sat.python import cp_model

from planner.audit import audit
from planner.data import Plan, Scenario, Staff
from planner.i18n import _, rule_label
from planner.model.constraints import RuleInstance
from planner.model.levels import build_model
from planner.model.quantities import locked_cost, quota_cost_floor, quota_required, starters
from planner.rules import MONOTONE_FOR_LOCKED, Rule


@dataclass(frozen=True)
class Conflict:
    """A set of rule instances that cannot hold together, with the numbers."""

    rules: tuple[str, ...]
    group_id: str | None
    year: int | None
    message: str
    required: int | None = None
    possible: int | None = None
    instances: tuple[RuleInstance, ...] = field(default=())

    def __str__(self) -> str:
        return self.message


def _excluded_text(excluded: dict[Rule, int]) -> str:
    order = [
        Rule.AGE,
        Rule.HONOR,
        Rule.LEVEL,
        Rule.AVAILABLE,
        Rule.MEMBERSHIP,
        Rule.BAN,
        Rule.ONE_PLACE,
        Rule.REPEAT_GAP,
    ]
    parts = [
        _("{rule} excludes {n}").format(rule=rule_label(rule), n=excluded[rule])
        for rule in order
        if excluded.get(rule)
    ]
    return _(" ({parts})").format(parts=_(", ").join(parts)) if parts else ""


def precheck(scenario: Scenario) -> list[Conflict]:
    """Certain conflicts found by counting, before building the model."""
    conflicts: list[Conflict] = []
    conflicts += _locked_conflicts(scenario)
    for group in scenario.groups:
        gid, gname = group.group_id, group.name
        for cadres in (False, True):
            rule = Rule.CADRE_QUOTA if cadres else Rule.TEACHER_QUOTA
            for year in scenario.years:
                required = quota_required(scenario, gid, year, cadres)
                if required <= 0:
                    continue
                locked = sum(
                    1
                    for c in scenario.commitments
                    if c.start_year == year
                    and scenario.staff_by_id[c.staff_id].school_id
                    == scenario.core_school(gid).school_id
                    and (not cadres or scenario.staff_by_id[c.staff_id].is_cadre)
                )
                pool, excluded = starters(scenario, gid, year, cadres)
                possible = len(pool) + locked
                if possible < required:
                    conflicts.append(
                        Conflict(
                            (rule, *sorted(excluded)),
                            gid,
                            year,
                            (
                                _(
                                    "{rule} {group} {year}: {required} must start, only "
                                    "{possible} cadres are eligible{excluded}"
                                )
                                if cadres
                                else _(
                                    "{rule} {group} {year}: {required} must start, only "
                                    "{possible} staff are eligible{excluded}"
                                )
                            ).format(
                                rule=rule_label(rule),
                                group=gname,
                                year=year,
                                required=required,
                                possible=possible,
                                excluded=_excluded_text(excluded),
                            ),
                            required,
                            possible,
                        )
                    )
                    continue
                conflicts += _core_keep_vs_quota(scenario, gid, year, rule, required, pool, locked)
        conflicts += _window_conflicts(scenario, gid)
        conflicts += _capacity_conflicts(scenario, gid)
    conflicts += _budget_conflicts(scenario)
    return conflicts


def _locked_conflicts(scenario: Scenario) -> list[Conflict]:
    if not scenario.commitments:
        return []
    report = audit(scenario, Plan.of(scenario.commitments))
    return [
        Conflict(
            (v.rule, Rule.LOCKED),
            v.group_id,
            v.year,
            _("{locked} commitments break {violation}").format(
                locked=rule_label(Rule.LOCKED), violation=v
            ),
        )
        for v in report.violations
        if v.rule in MONOTONE_FOR_LOCKED
    ]


def _core_keep_vs_quota(
    scenario: Scenario,
    gid: str,
    year: int,
    rule: Rule,
    required: int,
    pool: list[Staff],
    locked: int,
) -> list[Conflict]:
    """Quota starters must leave min_home of each kept subject at home."""
    core = scenario.core_school(gid).school_id
    keeps = {k.subject: k.min_home for k in scenario.core_keep if k.school_id == core}
    if not keeps:
        return []
    possible = locked
    limits: list[str] = []
    for subject in sorted({p.subject for p in pool}):
        eligible = sum(1 for p in pool if p.subject == subject)
        if subject in keeps:
            everyone = [s for s in scenario.staff_of(core) if s.subject == subject]
            away = sum(1 for s in everyone if year in s.unavailable)
            # Member staff here on a mutual move (互派) count as at home.
            arrived = scenario.arrivals(core, subject, year)
            sendable = max(len(everyone) - away + arrived - keeps[subject], 0)
            if sendable < eligible:
                limits.append(
                    _("{subject} {sendable} of {eligible}").format(
                        subject=subject, sendable=sendable, eligible=eligible
                    )
                )
            eligible = min(eligible, sendable)
        possible += eligible
    if possible >= required:
        return []
    name = scenario.group_by_id[gid].name
    return [
        Conflict(
            (rule, Rule.CORE_KEEP),
            gid,
            year,
            _(
                "{rule} + {keep} {group} {year}: {required} must start, "
                "{keep} lets only {possible} eligible staff go ({limits})"
            ).format(
                rule=rule_label(rule),
                keep=rule_label(Rule.CORE_KEEP),
                group=name,
                year=year,
                required=required,
                possible=possible,
                limits=_("; ").join(limits),
            ),
            required,
            possible,
        )
    ]


def _window_conflicts(scenario: Scenario, gid: str) -> list[Conflict]:
    """Starts in years closer than term_min + repeat_gap_years need different
    people: one person's next start is at least that many years after the last."""
    term_min = scenario.policy.term_min
    gap = scenario.policy.repeat_gap_years
    spacing = term_min + max(gap, 0)
    out: list[Conflict] = []
    years = list(scenario.years)
    # Who may start each year; the cadres among them are the cadres' pool.
    anyone = {y: starters(scenario, gid, y, False)[0] for y in years}
    for cadres in (False, True):
        rule = Rule.CADRE_QUOTA if cadres else Rule.TEACHER_QUOTA
        rules = (rule, Rule.TERM, Rule.ONE_PLACE) + ((Rule.REPEAT_GAP,) if gap > 0 else ())
        rest = (
            _(" and {gap} year(s) at home between two ({rule})").format(
                gap=gap, rule=rule_label(Rule.REPEAT_GAP)
            )
            if gap > 0
            else ""
        )
        pools = {y: {p.staff_id for p in anyone[y] if p.is_cadre or not cadres} for y in years}
        for i in range(len(years)):
            window = years[i : i + min(spacing, len(years) - i)]
            if len(window) < 2:
                continue
            required = sum(quota_required(scenario, gid, y, cadres) for y in window)
            people: set[str] = set().union(*(pools[year] for year in window))
            locked = sum(
                1
                for c in scenario.commitments
                if c.start_year in window
                and scenario.staff_by_id[c.staff_id].school_id
                == scenario.core_school(gid).school_id
            )
            single_ok = all(
                len(pools[y]) >= quota_required(scenario, gid, y, cadres) for y in window
            )
            if single_ok and len(people) + locked < required:
                out.append(
                    Conflict(
                        rules,
                        gid,
                        window[0],
                        _(
                            "{rule} + {term} {group} {first}-{last}: {required} starts needed "
                            "in these years, but exchanges last at least {term_min} "
                            "years{rest}, and only {people} different people are eligible"
                        ).format(
                            rule=rule_label(rule),
                            term=rule_label(Rule.TERM),
                            group=scenario.group_by_id[gid].name,
                            first=window[0],
                            last=window[-1],
                            required=required,
                            term_min=term_min,
                            rest=rest,
                            people=len(people) + locked,
                        ),
                        required,
                        len(people) + locked,
                    )
                )
    return out


def _capacity_conflicts(scenario: Scenario, gid: str) -> list[Conflict]:
    """Everyone who must be away in a year needs a place at a member school."""
    policy = scenario.policy
    receivers = [s for s in scenario.members(gid) if s.role in policy.receiving_roles]
    out: list[Conflict] = []
    if any(s.capacity is None for s in receivers):
        return out
    for year in scenario.years:
        places = sum(s.capacity or 0 for s in receivers if scenario.is_member(s, year))
        # Starters of the last term_min - 1 years are still away this year.
        must_be_away = sum(
            quota_required(scenario, gid, y, False)
            for y in range(year - policy.term_min + 1, year + 1)
        )
        if must_be_away > places:
            out.append(
                Conflict(
                    (Rule.TEACHER_QUOTA, Rule.CAPACITY),
                    gid,
                    year,
                    _(
                        "{quota} + {capacity} {group} {year}: at least {away} staff must be "
                        "on exchange, member schools host at most {places}"
                    ).format(
                        quota=rule_label(Rule.TEACHER_QUOTA),
                        capacity=rule_label(Rule.CAPACITY),
                        group=scenario.group_by_id[gid].name,
                        year=year,
                        away=must_be_away,
                        places=places,
                    ),
                    must_be_away,
                    places,
                )
            )
    return out


def _budget_conflicts(scenario: Scenario) -> list[Conflict]:
    """The cheapest quota-meeting set of exchanges must fit each year's fund."""
    out: list[Conflict] = []
    for row in scenario.budget:
        spend = locked_cost(scenario, row.year) + sum(
            (quota_cost_floor(scenario, g.group_id, row.year) for g in scenario.groups),
            Decimal(0),
        )
        if spend > row.amount:
            out.append(
                Conflict(
                    (Rule.BUDGET, Rule.TEACHER_QUOTA, Rule.CADRE_QUOTA),
                    None,
                    row.year,
                    _(
                        "{budget} {year}: the quotas alone cost at least {spend}, "
                        "the fund is {fund} (short by {short})"
                    ).format(
                        budget=rule_label(Rule.BUDGET),
                        year=row.year,
                        spend=spend,
                        fund=row.amount,
                        short=spend - row.amount,
                    ),
                )
            )
    return out


def explain_infeasible(
    scenario: Scenario, time_limit: float = 30.0, workers: int = 8
) -> list[RuleInstance]:
    """A small set of rule instances that cannot hold together.

    Every posted rule instance gets an assumption literal; CP-SAT returns a
    sufficient subset; deletion shrinks it: drop one instance, and if the
    rest is still infeasible, it was not needed. The result is minimal when
    every check finishes within the time limit.
    """
    started = time.perf_counter()
    built = build_model(scenario, track=True)
    switches = {p.switch.index: p for p in built.constraints.posted if p.switch is not None}
    model = built.model

    def infeasible(active: Iterable[int]) -> tuple[bool, list[int]]:
        model.clear_assumptions()
        model.add_assumptions([built.model.get_bool_var_from_proto_index(i) for i in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # assumptions core needs a single worker
        left = time_limit - (time.perf_counter() - started)
        solver.parameters.max_time_in_seconds = max(left, 0.5)
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            return True, list(solver.sufficient_assumptions_for_infeasibility())
        return False, []

    is_infeasible, core = infeasible(switches)
    if not is_infeasible:
        return []
    core = [i for i in core if i in switches] or list(switches)
    # Try dropping later years first, so the explanation keeps the earliest
    # conflict, the one a planner meets first.
    core.sort(key=lambda i: (-(switches[i].instance.year or 0), switches[i].instance.label()))
    kept = list(core)
    for index in list(core):
        if time.perf_counter() - started > time_limit:
            break
        trial = [i for i in kept if i != index]
        still, smaller = infeasible(trial)
        if still:
            kept = [i for i in trial if not smaller or i in smaller] if smaller else trial
    return [switches[i].instance for i in kept]
