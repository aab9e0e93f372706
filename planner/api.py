"""The library functions behind the CLI (and the notebooks).

The CLI only parses options, calls these and prints; everything a planner
can do from the command line can be done from Python with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.audit import audit
from planner.data import Plan, Scenario
from planner.model.solve import SolveParams, solve
from planner.plan_io import plan_to_json, read_plan, write_json
from planner.results import AuditReport, SolveResult
from planner.roster import write_roster
from planner.scenario_io import read_scenario

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUILTIN_SCENARIO = PROJECT_DIR / "scenarios" / "taishan-2022.xlsx"


@dataclass
class Outcome:
    """A solve and the independent audit of its plan."""

    scenario: Scenario
    result: SolveResult
    report: AuditReport | None  # None when there is no plan

    @property
    def consistent(self) -> bool:
        """The audit finds the plan valid and recomputes the claimed coverage."""
        if self.report is None:
            return True
        claimed = self.result.objective.get("coverage")
        return self.report.valid and claimed == self.report.total_coverage


def load_scenario(
    path: str | Path | None = None, policy_file: str | Path | None = None
) -> Scenario:
    """Read a scenario workbook (default: the built-in Taishan scenario)."""
    return read_scenario(Path(path) if path else BUILTIN_SCENARIO, policy_file)


def solve_scenario(scenario: Scenario, params: SolveParams | None = None) -> Outcome:
    """Solve, then audit the plan with the independent checker."""
    result = solve(scenario, params)
    report = audit(scenario, result.plan) if result.status.has_plan else None
    outcome = Outcome(scenario, result, report)
    if report is not None and not outcome.consistent:
        result.messages.append(
            "internal check failed: the audit disagrees with the solver "
            f"({len(report.violations)} violation(s), audited coverage "
            f"{report.total_coverage} vs claimed {result.objective.get('coverage')})"
        )
    return outcome


def plan_document(outcome: Outcome) -> dict[str, object]:
    """The contract's JSON form of a solved plan."""
    return plan_to_json(
        outcome.result.status.value, outcome.result.plan, dict(outcome.result.objective)
    )


def write_outputs(
    outcome: Outcome,
    *,
    roster: str | Path | None = None,
    json_path: str | Path | None = None,
    lang: str = "zh",
) -> list[Path]:
    """Write the roster workbook and/or the JSON plan; only when there is a plan."""
    written: list[Path] = []
    if outcome.report is None:
        return written
    for target in (roster, json_path):
        if target is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
    if roster is not None:
        write_roster(Path(roster), outcome.scenario, outcome.result, outcome.report, lang=lang)
        written.append(Path(roster))
    if json_path is not None:
        write_json(plan_document(outcome), Path(json_path))
        written.append(Path(json_path))
    return written


def check_plan(scenario: Scenario, plan: Plan | str | Path) -> AuditReport:
    """Audit a plan (object, JSON file or roster workbook) against every hard rule."""
    if not isinstance(plan, Plan):
        plan = read_plan(Path(plan))
    return audit(scenario, plan)
