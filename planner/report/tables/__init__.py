"""The report tables of a solved plan, as plain rows (no spreadsheet here).

One function per sheet of the roster workbook; each returns a list of frozen
row dataclasses (:mod:`.rows`) whose field order is the sheet's column order.
Values are raw Python values (enums, bools, Decimals, None); the writer
(:mod:`planner.report.roster`) only translates and formats them. The only text
made here is the plain-language note of an unmet need (:mod:`.unmet`; ``lang``
picks English or Chinese for it).

* :func:`roster_rows`: one row per exchange.
* :func:`by_school_rows`: who serves at each member school in each horizon year.
* :func:`coverage_rows`: each need, what the plan covers, and why a gap is left.
* :func:`rule_check_rows`: the audit's rule checks, per-exchange rules
  aggregated per rule, group and year.
* :func:`staff_rows`: every staff member, eligibility and exchange record.
* :func:`evaluation_rows`: the bundled evaluation (捆绑式评价) per group and year.
* :func:`mutual_rows`: the agreed moves of member staff to core schools (互派).
* :func:`summary_rows`: the solve's status and objective values.
"""

from __future__ import annotations

from planner.data import Scenario
from planner.report.tables.common import locked_keys
from planner.report.tables.coverage import coverage_rows
from planner.report.tables.evaluation import evaluation_rows
from planner.report.tables.mutual import mutual_rows
from planner.report.tables.rows import (
    BySchoolRow,
    ChangeRow,
    ConflictRow,
    CoverageRow,
    EvaluationRow,
    MutualRow,
    ReportTables,
    RosterRow,
    RuleCheckRow,
    StaffRow,
    SummaryRow,
)
from planner.report.tables.rule_checks import AGGREGATED_RULES, RULE_ORDER, rule_check_rows
from planner.report.tables.sheets import (
    by_school_rows,
    change_rows,
    conflict_rows,
    roster_rows,
    staff_rows,
    summary_rows,
)
from planner.results import AuditReport, SolveResult

__all__ = [
    "AGGREGATED_RULES",
    "RULE_ORDER",
    "BySchoolRow",
    "ChangeRow",
    "ConflictRow",
    "CoverageRow",
    "EvaluationRow",
    "MutualRow",
    "ReportTables",
    "RosterRow",
    "RuleCheckRow",
    "StaffRow",
    "SummaryRow",
    "build_tables",
    "by_school_rows",
    "change_rows",
    "conflict_rows",
    "coverage_rows",
    "evaluation_rows",
    "locked_keys",
    "mutual_rows",
    "roster_rows",
    "rule_check_rows",
    "staff_rows",
    "summary_rows",
]


def build_tables(
    scenario: Scenario, result: SolveResult, report: AuditReport, lang: str = "en"
) -> ReportTables:
    """Every table of the roster workbook for ``result.plan``."""
    plan = result.plan
    return ReportTables(
        summary=summary_rows(scenario, result, report, lang),
        roster=roster_rows(scenario, plan),
        by_school=by_school_rows(scenario, plan),
        coverage=coverage_rows(scenario, plan, report, lang),
        rule_checks=rule_check_rows(scenario, report, result.shortfalls),
        staff=staff_rows(scenario, plan),
        evaluation=evaluation_rows(scenario, plan, report),
        mutual=mutual_rows(scenario),
    )
