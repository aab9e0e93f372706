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
from planner.model import domain
from planner.model.constraints import RuleInstance, quota_base, required_count
from planner.model.solve import build_model
from planner.rules import MONOTONE_FOR_LOCKED


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


def _quota_required(scenario: Scenario, group_id: str, year: int, cadres: bool) -> int:
    policy = scenario.policy
    group = scenario.group_by_id[group_id]
    if year < group.founded_year or year not in scenario.years:
        return 0
    first = year == group.founded_year
    if cadres:
        return policy.cadre_min_first_year if first else policy.cadre_min_later_years
    staff = scenario.staff_of(scenario.core_school(group_id).school_id)
    ratio = policy.ratio_first_year if first else policy.ratio_later_years
    return required_count(ratio, quota_base(scenario, staff, year))


def _exclusions(scenario: Scenario, person: Staff, year: int) -> list[str]:
    """Rule ids that keep ``person`` from starting any exchange in ``year``."""
    policy = scenario.policy
    reasons = []
    if not domain.age(person, year, policy):
        reasons.append("AGE")
    if not domain.honor(person, policy):
        reasons.append("HONOR")
    if not domain.level(person, policy):
        reasons.append("LEVEL")
    home = scenario.school_by_id[person.school_id]
    members = scenario.members(home.group_id)
    fits = False
    for length in domain.term(policy):
        years = range(year, year + length)
        if not domain.available(person, years):
            continue
        if any(domain.membership(scenario, person, school, years) for school in members):
            fits = True
            break
    if not fits:
        unavailable = not any(
            domain.available(person, range(year, year + n)) for n in domain.term(policy)
        )
        reasons.append("AVAILABLE" if unavailable else "MEMBERSHIP")
    return reasons


def _starters(
    scenario: Scenario, group_id: str, year: int, cadres: bool
) -> tuple[list[Staff], dict[str, int]]:
    """Who could start in ``year``, and how many each rule excludes."""
    core = scenario.core_school(group_id)
    locked_busy = {c.staff_id for c in scenario.commitments if c.covers(year)}
    pool: list[Staff] = []
    excluded: dict[str, int] = {}
    for person in scenario.staff_of(core.school_id):
        if cadres and not person.is_cadre:
            continue
        reasons = _exclusions(scenario, person, year)
        if person.staff_id in locked_busy:
            reasons.append("ONE-PLACE")
        for rule in reasons:
            excluded[rule] = excluded.get(rule, 0) + 1
        if not reasons:
            pool.append(person)
    return pool, excluded


def _excluded_text(excluded: dict[str, int]) -> str:
    order = ["AGE", "HONOR", "LEVEL", "AVAILABLE", "MEMBERSHIP", "ONE-PLACE"]
    parts = [f"{rule} excludes {excluded[rule]}" for rule in order if excluded.get(rule)]
    return f" ({', '.join(parts)})" if parts else ""


def precheck(scenario: Scenario) -> list[Conflict]:
    """Certain conflicts found by counting, before building the model."""
    conflicts: list[Conflict] = []
    conflicts += _locked_conflicts(scenario)
    for group in scenario.groups:
        gid, gname = group.group_id, group.name
        for cadres in (False, True):
            rule = "CADRE-QUOTA" if cadres else "TEACHER-QUOTA"
            who = "cadres" if cadres else "staff"
            for year in scenario.years:
                required = _quota_required(scenario, gid, year, cadres)
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
                pool, excluded = _starters(scenario, gid, year, cadres)
                possible = len(pool) + locked
                if possible < required:
                    conflicts.append(
                        Conflict(
                            (rule, *sorted(excluded)),
                            gid,
                            year,
                            f"{rule} {gname} {year}: {required} must start, only {possible} "
                            f"{who} are eligible{_excluded_text(excluded)}",
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
        Conflict((v.rule, "LOCKED"), v.group_id, v.year, f"LOCKED commitments break {v}")
        for v in report.violations
        if v.rule in MONOTONE_FOR_LOCKED
    ]


def _core_keep_vs_quota(
    scenario: Scenario,
    gid: str,
    year: int,
    rule: str,
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
            sendable = max(len(everyone) - away - keeps[subject], 0)
            if sendable < eligible:
                limits.append(f"{subject} {sendable} of {eligible}")
            eligible = min(eligible, sendable)
        possible += eligible
    if possible >= required:
        return []
    name = scenario.group_by_id[gid].name
    return [
        Conflict(
            (rule, "CORE-KEEP"),
            gid,
            year,
            f"{rule} + CORE-KEEP {name} {year}: {required} must start, CORE-KEEP lets only "
            f"{possible} eligible staff go ({'; '.join(limits)})",
            required,
            possible,
        )
    ]


def _window_conflicts(scenario: Scenario, gid: str) -> list[Conflict]:
    """Starts in years closer than term_min need different people."""
    term_min = scenario.policy.term_min
    out: list[Conflict] = []
    years = list(scenario.years)
    for cadres in (False, True):
        rule = "CADRE-QUOTA" if cadres else "TEACHER-QUOTA"
        for i in range(len(years)):
            window = years[i : i + min(term_min, len(years) - i)]
            if len(window) < 2:
                continue
            required = sum(_quota_required(scenario, gid, y, cadres) for y in window)
            people: set[str] = set()
            for year in window:
                people |= {p.staff_id for p in _starters(scenario, gid, year, cadres)[0]}
            locked = sum(
                1
                for c in scenario.commitments
                if c.start_year in window
                and scenario.staff_by_id[c.staff_id].school_id
                == scenario.core_school(gid).school_id
            )
            single_ok = all(
                len(_starters(scenario, gid, y, cadres)[0])
                >= _quota_required(scenario, gid, y, cadres)
                for y in window
            )
            if single_ok and len(people) + locked < required:
                out.append(
                    Conflict(
                        (rule, "TERM", "ONE-PLACE"),
                        gid,
                        window[0],
                        f"{rule} + TERM {scenario.group_by_id[gid].name} {window[0]}-{window[-1]}: "
                        f"{required} starts needed in these years, but exchanges last at least "
                        f"{term_min} years and only {len(people) + locked} different people "
                        "are eligible",
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
            _quota_required(scenario, gid, y, False)
            for y in range(year - policy.term_min + 1, year + 1)
        )
        if must_be_away > places:
            out.append(
                Conflict(
                    ("TEACHER-QUOTA", "CAPACITY"),
                    gid,
                    year,
                    f"TEACHER-QUOTA + CAPACITY {scenario.group_by_id[gid].name} {year}: at least "
                    f"{must_be_away} staff must be on exchange, "
                    f"member schools host at most {places}",
                    must_be_away,
                    places,
                )
            )
    return out


def quota_cost_floor(scenario: Scenario, group_id: str, year: int) -> Decimal:
    """The least the group's quotas can cost in ``year``: the cheapest
    staff for every start the quotas require in the years whose shortest
    exchange still runs in ``year`` (TERM's minimum). A lower bound."""
    policy = scenario.policy
    spend = Decimal(0)
    for y in range(year - policy.term_min + 1, year + 1):
        staff = _quota_required(scenario, group_id, y, False)
        cadres = _quota_required(scenario, group_id, y, True)
        if not staff and not cadres:
            continue
        pool = _starters(scenario, group_id, y, False)[0]
        cheapest = min(
            (policy.cost_per_year(p.is_cadre) for p in pool), default=policy.cost_teacher
        )
        others = max(staff - cadres, 0)
        spend += cadres * policy.cost_cadre + others * cheapest
    return spend


def locked_cost(scenario: Scenario, year: int, group_id: str | None = None) -> Decimal:
    """What the commitments (of ``group_id``'s staff, or all) cost in ``year``."""
    policy = scenario.policy
    group_of = {s.school_id: s.group_id for s in scenario.schools}
    total = Decimal(0)
    for c in scenario.commitments:
        person = scenario.staff_by_id[c.staff_id]
        if c.covers(year) and group_id in (None, group_of.get(person.school_id)):
            total += policy.cost_per_year(person.is_cadre)
    return total


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
                    ("BUDGET", "TEACHER-QUOTA", "CADRE-QUOTA"),
                    None,
                    row.year,
                    f"BUDGET {row.year}: the quotas alone cost at least {spend}, "
                    f"the fund is {row.amount} "
                    f"(short by {spend - row.amount})",
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
