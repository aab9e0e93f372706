"""Key figures of a solved plan as pandas DataFrames (for notebooks and sweeps).

Everything here is computed from the scenario, the solve result and the
independent audit's report (its coverage and its goal values,
:mod:`planner.audit.goals`); nothing touches the solver. Numbers are plain
``int``/``float`` (Decimals of the model become floats) so the frames plot
and aggregate directly; a plan-less solve gives empty frames and a summary
with only its status.

* :func:`coverage_frame`: need and coverage per member school, year and subject.
* :func:`quota_frame`: TEACHER-QUOTA and CADRE-QUOTA per group and year:
  required, achieved and slack (achieved - required; negative = short).
* :func:`fairness_frame`: each member school's coverage ratio over the horizon
  (the FAIR goal is the smallest of them, rounded down to basis points).
* :func:`cost_frame`: staff-years on exchange and their cost per year, with
  the fund where there is a budget row: the total spend, commitments
  included (the COST goal counts decided exchanges only).
* :func:`sent_frame`: staff and cadres starting an exchange from each group's
  core school, per year (the bundled evaluation's contribution columns).
* :func:`kpi_summary`: one row of headline figures (:data:`KPI_COLUMNS`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pandas as pd

from planner.audit.goals import school_coverage
from planner.data import Scenario
from planner.report.tables import evaluation_rows
from planner.results import AuditReport, SolveResult
from planner.rules import QUOTAS

__all__ = [
    "KPI_COLUMNS",
    "KPI_SENSE",
    "cost_frame",
    "coverage_frame",
    "fairness_frame",
    "kpi_frames",
    "kpi_summary",
    "quota_frame",
    "sent_frame",
]


# The summary's keys, in column order.
KPI_COLUMNS: tuple[str, ...] = (
    "status",
    "coverage",
    "coverage_bound",
    "weighted_need",
    "coverage_ratio",
    "fairness",
    "preference_penalty",
    "cost",
    "exchanges",
    "staff_placed",
    "cadres_sent",
    "quota_slack",
    "violations",
    "seconds",
)

# Which way each numeric KPI is better (for Pareto fronts).
KPI_SENSE: dict[str, str] = {
    "coverage": "max",
    "coverage_bound": "max",
    "coverage_ratio": "max",
    "fairness": "max",
    "preference_penalty": "min",
    "cost": "min",
    "exchanges": "min",
    "staff_placed": "min",
    "cadres_sent": "min",
    "quota_slack": "min",
    "violations": "min",
    "seconds": "min",
}


def _num(value: Decimal | int | float | None) -> float | None:
    return None if value is None else float(value)


def _ratio(part: Decimal, whole: Decimal) -> float | None:
    return None if whole <= 0 else float(part / whole)


def _group_name(scenario: Scenario, group_id: str | None) -> str | None:
    group = scenario.group_by_id.get(group_id) if group_id is not None else None
    return group.name if group is not None else group_id


COVERAGE_COLUMNS = [
    "group_id",
    "group",
    "school_id",
    "school",
    "year",
    "subject",
    "need",
    "covered",
    "gap",
    "weighted_need",
    "weighted_covered",
]


def coverage_frame(scenario: Scenario, report: AuditReport | None) -> pd.DataFrame:
    """Need and coverage per member school, year and subject (stages summed).

    ``need``/``covered``/``gap`` count staff; the ``weighted_`` columns weigh
    them by the needs' priorities, as COVER does.
    """
    acc: dict[tuple[str, int, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)]
    )
    for cov in report.coverage if report is not None else []:
        need = cov.need
        cell = acc[(need.school_id, need.year, need.subject)]
        cell[0] += need.count
        cell[1] += cov.covered
        cell[2] += need.priority * need.count
        cell[3] += cov.weighted
    rows = []
    for (school_id, year, subject), (count, covered, w_need, w_cov) in acc.items():
        school = scenario.school_by_id.get(school_id)
        group_id = school.group_id if school is not None else None
        rows.append(
            [
                group_id,
                _group_name(scenario, group_id),
                school_id,
                school.name if school is not None else None,
                year,
                subject,
                int(count),
                int(covered),
                int(count - covered),
                float(w_need),
                float(w_cov),
            ]
        )
    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    return frame.sort_values(["group_id", "school_id", "year", "subject"], ignore_index=True)


QUOTA_COLUMNS = ["group_id", "group", "year", "rule", "required", "achieved", "slack"]


def quota_frame(scenario: Scenario, report: AuditReport | None) -> pd.DataFrame:
    """TEACHER-QUOTA and CADRE-QUOTA per group and year, as the audit checked them.

    ``slack`` = achieved - required: staff sent beyond the quota (negative:
    short of it, possible only with ``--allow-shortfall``).
    """
    rows = []
    for check in report.checks if report is not None else []:
        if check.rule not in QUOTAS or check.required is None or check.achieved is None:
            continue
        rows.append(
            [
                check.group_id,
                _group_name(scenario, check.group_id),
                check.year,
                check.rule,
                int(check.required),
                int(check.achieved),
                int(check.achieved - check.required),
            ]
        )
    frame = pd.DataFrame(rows, columns=QUOTA_COLUMNS)
    return frame.sort_values(["group_id", "year", "rule"], ignore_index=True)


FAIRNESS_COLUMNS = [
    "group_id",
    "group",
    "school_id",
    "school",
    "role",
    "weighted_need",
    "weighted_covered",
    "ratio",
    "lowest",
]


def fairness_frame(scenario: Scenario, report: AuditReport | None) -> pd.DataFrame:
    """Each member school with needs: its coverage ratio over the horizon.

    ``lowest`` marks the school(s) with the smallest ratio, the value the
    FAIR goal raises (the model's FAIR value is this ratio in basis points,
    rounded down: the audit's ``goals["FAIR"]``).
    """
    schools = school_coverage(report.coverage if report is not None else [])
    rows = []
    for school_id, (need, covered) in schools.items():
        school = scenario.school_by_id.get(school_id)
        group_id = school.group_id if school is not None else None
        rows.append(
            [
                group_id,
                _group_name(scenario, group_id),
                school_id,
                school.name if school is not None else None,
                school.role.value if school is not None else None,
                float(need),
                float(covered),
                _ratio(covered, need),
                False,
            ]
        )
    frame = pd.DataFrame(rows, columns=FAIRNESS_COLUMNS)
    if not frame.empty:
        frame["lowest"] = frame["ratio"] == frame["ratio"].min()
    return frame.sort_values(["group_id", "school_id"], ignore_index=True)


COST_COLUMNS = [
    "year",
    "teacher_years",
    "cadre_years",
    "cost",
    "budget",
    "left",
]


def cost_frame(scenario: Scenario, result: SolveResult) -> pd.DataFrame:
    """Per year (horizon years, and later years the plan's exchanges reach):
    staff-years on exchange, their cost (``cost_teacher``/``cost_cadre`` per
    staff-year, locked exchanges included), the year's fund (blank: no budget
    row) and what is left of it.

    ``cost`` is the total spend, commitments included, as the fund sees it;
    it is not the COST goal, which counts decided exchanges only (the
    audit's ``goals["COST"]``).
    """
    policy = scenario.policy
    teachers: dict[int, int] = defaultdict(int)
    cadres: dict[int, int] = defaultdict(int)
    cost: dict[int, Decimal] = defaultdict(Decimal)
    for ex in result.plan.exchanges:
        person = scenario.staff_by_id.get(ex.staff_id)
        if person is None:
            continue
        for year in ex.years():
            if person.is_cadre:
                cadres[year] += 1
            else:
                teachers[year] += 1
            cost[year] += policy.cost_per_year(person.is_cadre)
    budget = scenario.budget_by_year()
    years = sorted(set(scenario.years) | set(cost) | set(budget))
    rows = []
    for year in years:
        fund = budget.get(year)
        rows.append(
            [
                year,
                teachers[year],
                cadres[year],
                float(cost[year]),
                _num(fund),
                None if fund is None else float(fund - cost[year]),
            ]
        )
    frame = pd.DataFrame(rows, columns=COST_COLUMNS)
    return frame.astype({"cost": float, "budget": float, "left": float})


SENT_COLUMNS = [
    "group_id",
    "group",
    "year",
    "core_headcount",
    "staff",
    "cadres",
    "serving",
    "coverage_ratio",
]


def sent_frame(scenario: Scenario, result: SolveResult, report: AuditReport | None) -> pd.DataFrame:
    """Staff and cadres starting an exchange from each core school per group
    and year, staff serving at the members, and the members' coverage ratio
    that year (the bundled evaluation, 捆绑式评价)."""
    if report is None:
        return pd.DataFrame([], columns=SENT_COLUMNS)
    rows = [
        [
            r.group_id,
            r.group,
            r.year,
            r.core_headcount,
            r.staff_started,
            r.cadres_started,
            r.staff_serving,
            _num(r.coverage_ratio),
        ]
        for r in evaluation_rows(scenario, result.plan, report)
    ]
    return pd.DataFrame(rows, columns=SENT_COLUMNS)


def kpi_frames(
    scenario: Scenario, result: SolveResult, report: AuditReport | None
) -> dict[str, pd.DataFrame]:
    """Every frame above, by name: coverage, quota, fairness, cost, sent."""
    return {
        "coverage": coverage_frame(scenario, report),
        "quota": quota_frame(scenario, report),
        "fairness": fairness_frame(scenario, report),
        "cost": cost_frame(scenario, result),
        "sent": sent_frame(scenario, result, report),
    }


def kpi_summary(
    scenario: Scenario, result: SolveResult, report: AuditReport | None
) -> dict[str, object]:
    """One row of headline figures, keys :data:`KPI_COLUMNS`.

    ``coverage`` is the audited weighted coverage (COVER), ``coverage_bound``
    the solver's proven bound on it, ``coverage_ratio`` coverage / weighted
    need, ``fairness`` the lowest member school's coverage ratio (exact: the
    FAIR goal is this rounded down to basis points), ``preference_penalty``
    the audited PREFER value (None when the goal was not optimised),
    ``cost`` the total spend on every staff-year in the plan, commitments
    included (not the COST goal, which counts decided exchanges only),
    ``exchanges`` the plan's exchanges, ``staff_placed`` the
    people on them, ``cadres_sent`` exchanges of cadres, ``quota_slack`` the
    sum over quota instances of achieved - required, ``violations`` the
    audit's count (0 for a valid plan), ``seconds`` build + solve time.
    Without a plan only ``status``, ``coverage_bound`` and ``seconds`` are set.
    """
    row: dict[str, object] = dict.fromkeys(KPI_COLUMNS)
    row["status"] = result.status.value
    row["coverage_bound"] = _num(result.objective.get("coverage_bound"))
    row["seconds"] = round(result.build_seconds + result.solve_seconds, 3)
    if report is None or not result.status.has_plan:
        return row
    plan = result.plan
    weighted_need = sum((c.need.priority * c.need.count for c in report.coverage), Decimal(0))
    fairness = fairness_frame(scenario, report)
    cost = cost_frame(scenario, result)
    quota = quota_frame(scenario, report)
    prefer = result.objective.get("preference_penalty")  # set when PREFER was optimised
    cadres = 0
    for ex in plan.exchanges:
        person = scenario.staff_by_id.get(ex.staff_id)
        if person is not None and person.is_cadre:
            cadres += 1
    row.update(
        coverage=float(report.total_coverage),
        weighted_need=float(weighted_need),
        coverage_ratio=_ratio(report.total_coverage, weighted_need),
        fairness=None if fairness.empty else float(fairness["ratio"].min()),
        preference_penalty=None if prefer is None else _num(report.goals.get("PREFER", prefer)),
        cost=float(cost["cost"].sum()),
        exchanges=len(plan.exchanges),
        staff_placed=len({e.staff_id for e in plan.exchanges}),
        cadres_sent=cadres,
        quota_slack=int(quota["slack"].sum()) if not quota.empty else 0,
        violations=len(report.violations),
    )
    return row
