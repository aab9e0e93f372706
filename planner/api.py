"""The library functions behind the CLI (and the notebooks).

The CLI only parses options, calls these and prints; everything a planner
can do from the command line can be done from Python with the same result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from planner.analysis.explain import Explanation, explain, find_staff
from planner.analysis.replan import Change, ReplanInput, diff_plans, explain_changes, prepare_replan
from planner.audit import audit
from planner.data import Exchange, Plan, Scenario
from planner.i18n import _
from planner.io.plans import plan_to_json, read_kept, read_plan, write_json
from planner.io.reader import read_scenario
from planner.model.constraints import RuleInstance
from planner.model.diagnose import Conflict, explain_infeasible, precheck
from planner.model.solve import SolveParams, solve
from planner.problems import Problem, ScenarioError
from planner.report.roster import write_diagnosis, write_roster
from planner.results import AuditReport, BoundSource, SolveResult, SolveStatus

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUILTIN_SCENARIO",
    "Change",
    "Conflict",
    "Explanation",
    "Outcome",
    "ReplanOutcome",
    "check_plan",
    "default_outputs",
    "diff_plans",
    "explain",
    "find_staff",
    "keep_from_roster",
    "load_scenario",
    "plan_document",
    "precheck",
    "read_plan",
    "replan_scenario",
    "solve_scenario",
    "unique_path",
    "write_notices",
    "write_outputs",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUILTIN_SCENARIO = PROJECT_DIR / "scenarios" / "taishan-2022.xlsx"


@dataclass
class Outcome:
    """A solve and the independent audit of its plan."""

    scenario: Scenario
    result: SolveResult
    report: AuditReport | None  # None when there is no plan
    conflicts: list[Conflict] = field(default_factory=list)  # why there is none
    # A replan's whole plan: the solve of the years from --from-year it
    # completes (its consistency is the solve's).
    part: Outcome | None = None

    @property
    def consistent(self) -> bool:
        """The audit agrees with the solver: the plan breaks no rule beyond the
        shortfalls the solver states (``--allow-shortfall``), each by exactly
        the stated amount, the audited coverage is the claimed one, and every
        goal level the solve reports has the audit's plain-Python value
        (:mod:`planner.audit.goals`).

        A level proven optimal must match exactly; a level stopped by the time
        limit reports the plan's value then, which later levels may only have
        improved, so the audited value must be at least as good.
        """
        if self.report is None:
            return True
        claimed = self.result.objective.get("coverage")
        if self.part is not None:
            return self.part.consistent and claimed == self.report.total_coverage
        broken = sorted(
            (v.rule, v.group_id or "", v.year or 0, v.amount) for v in self.report.violations
        )
        stated = sorted(
            (s.rule, s.group_id or "", s.year or 0, s.amount) for s in self.result.shortfalls
        )
        if broken != stated or claimed != self.report.total_coverage:
            return False
        for level in self.result.levels:
            audited = self.report.goals.get(level.name)
            if level.value is None or audited is None or audited == level.value:
                continue
            if level.status is SolveStatus.OPTIMAL:
                return False
            better = audited > level.value if level.sense == "max" else audited < level.value
            if not better:
                return False
        return True


def unique_path(path: str | Path) -> Path:
    """``path`` if no file is there, else the first free ``NAME-2.ext``, ``NAME-3.ext``, ..."""
    target = Path(path)
    n = 2
    while target.exists():
        target = Path(path).with_name(f"{Path(path).stem}-{n}{Path(path).suffix}")
        n += 1
    return target


def default_outputs(scenario: str | Path | None, today: dt.date | None = None) -> tuple[Path, Path]:
    """Where ``planner solve`` writes without ``--out``/``--json``: beside the
    scenario as ``NAME-方案-YYYYMMDD.xlsx`` and ``.json`` (the built-in scenario:
    the current folder), never over an existing file (``-2``, ``-3``, ...
    added to both, so the pair keeps one name)."""
    day = (today or dt.date.today()).strftime("%Y%m%d")
    source = Path(scenario) if scenario is not None else BUILTIN_SCENARIO
    folder = source.parent if scenario is not None else Path.cwd()
    stem = f"{source.stem}-方案-{day}"
    n = 1
    while True:
        name = stem if n == 1 else f"{stem}-{n}"
        roster, plan = folder / f"{name}.xlsx", folder / f"{name}.json"
        if not roster.exists() and not plan.exists():
            return roster, plan
        n += 1


def load_scenario(
    path: str | Path | None = None, policy_file: str | Path | None = None
) -> Scenario:
    """Read a scenario workbook (default: the built-in Taishan scenario)."""
    return read_scenario(Path(path) if path else BUILTIN_SCENARIO, policy_file)


def keep_from_roster(scenario: Scenario, roster: str | Path) -> Scenario:
    """``scenario`` with the rows of an edited roster marked locked (已定交流 是)
    added to its commitments (``planner solve --keep``): they are kept as
    they are, the rest is planned again. Raises :class:`ScenarioError` naming
    the roster's sheet, row, column and value of a row that names a staff
    member or school the scenario does not have."""
    kept = read_kept(roster)
    problems: list[Problem] = []
    for row in kept:
        ex = row.exchange
        if ex.staff_id not in scenario.staff_by_id:
            problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    "staff_id",
                    ex.staff_id,
                    _(
                        "a kept row (已定交流 是) must name a staff_id "
                        "of the scenario's staff sheet"
                    ),
                )
            )
        if ex.school_id not in scenario.school_by_id:
            problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    "school_id",
                    ex.school_id,
                    _(
                        "a kept row (已定交流 是) must name a school_id "
                        "of the scenario's schools sheet"
                    ),
                )
            )
    if problems:
        raise ScenarioError(problems, str(roster))
    commitments = dict.fromkeys([*scenario.commitments, *(row.exchange for row in kept)])
    return dataclasses.replace(
        scenario,
        commitments=sorted(commitments, key=lambda e: (e.start_year, e.staff_id, e.school_id)),
    )


def solve_scenario(scenario: Scenario, params: SolveParams | None = None) -> Outcome:
    """Solve, then audit the plan with the independent checker.

    Certain conflicts found by counting stop the run before the model is
    built (unless rules are relaxed); a model proven infeasible is explained
    by a small set of rule instances that cannot hold together.
    """
    params = params or SolveParams()
    if not params.relax:
        conflicts = precheck(scenario)
        if conflicts:
            result = SolveResult(SolveStatus.INFEASIBLE, Plan(()), {})
            result.messages.append(_("certain conflicts found by counting; no model was built"))
            return Outcome(scenario, result, None, conflicts)
    result = solve(scenario, params)
    if result.status is SolveStatus.INFEASIBLE:
        instances = explain_infeasible(
            scenario, time_limit=params.time_limit, workers=params.workers
        )
        conflicts = [conflict_of_instances(instances)] if instances else []
        return Outcome(scenario, result, None, conflicts)
    report = audit(scenario, result.plan) if result.status.has_plan else None
    outcome = Outcome(scenario, result, report)
    if report is not None and not outcome.consistent:
        result.messages.append(
            _(
                "internal check failed: the audit disagrees with the solver "
                "({n} violation(s), audited coverage {audited} vs claimed {claimed})"
            ).format(
                n=len(report.violations),
                audited=report.total_coverage,
                claimed=result.objective.get("coverage"),
            )
        )
    return outcome


def plan_document(outcome: Outcome) -> dict[str, object]:
    """The contract's JSON form of a solve; conflicts and shortfalls where there are."""
    extra: dict[str, object] = {}
    if outcome.conflicts:
        extra["conflicts"] = [conflict_document(c) for c in outcome.conflicts]
    if outcome.result.shortfalls:
        extra["shortfalls"] = [
            {
                "rule": s.rule,
                "group_id": s.group_id,
                "year": s.year,
                "scope": s.scope,
                "amount": s.amount,
            }
            for s in outcome.result.shortfalls
        ]
    # Where a level's bound is not the solver's own on the model it solved
    # (a shared fund: the groups' bound, the fund's prices), say whose.
    sources = {
        lv.name: lv.bound_source.value
        for lv in outcome.result.levels
        if lv.bound_source is not BoundSource.MODEL
    }
    if sources:
        extra["bound_sources"] = sources
    return plan_to_json(
        outcome.result.status.value,
        outcome.result.plan,
        dict(outcome.result.objective),
        extra or None,
    )


def change_document(change: Change) -> dict[str, object]:
    def ex(e: Exchange | None) -> dict[str, object] | None:
        if e is None:
            return None
        return {"school_id": e.school_id, "start_year": e.start_year, "end_year": e.end_year}

    return {
        "kind": change.kind,
        "staff_id": change.staff_id,
        "group_id": change.group_id,
        "year": change.year,
        "before": ex(change.before),
        "after": ex(change.after),
        "reason": change.reason,
    }


def conflict_document(conflict: Conflict) -> dict[str, object]:
    return {
        "rules": list(conflict.rules),
        "group_id": conflict.group_id,
        "year": conflict.year,
        "required": conflict.required,
        "possible": conflict.possible,
        "message": conflict.message,
    }


def write_outputs(
    outcome: Outcome,
    *,
    roster: str | Path | None = None,
    json_path: str | Path | None = None,
    lang: str = "zh",
    changes: list[Change] | None = None,
    source: str | None = None,
) -> list[Path]:
    """Write the roster workbook and/or the JSON plan.

    Without a plan, the roster path gets a diagnosis workbook (sheet
    ``conflicts``) instead, so no earlier roster is left there looking valid,
    and the JSON says ``infeasible`` (or ``unknown``) with no exchanges.
    """
    written: list[Path] = []
    for target in (roster, json_path):
        if target is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
    if roster is not None:
        if outcome.report is not None:
            write_roster(
                Path(roster),
                outcome.scenario,
                outcome.result,
                outcome.report,
                lang=lang,
                changes=changes,
                source=source,
            )
        else:
            write_diagnosis(
                Path(roster),
                outcome.scenario,
                outcome.result,
                outcome.conflicts,
                lang=lang,
                source=source,
            )
        written.append(Path(roster))
    if json_path is not None:
        doc = plan_document(outcome)
        if changes is not None:
            doc["changes"] = [change_document(c) for c in changes]
        write_json(doc, Path(json_path))
        written.append(Path(json_path))
    return written


@dataclass
class ReplanOutcome:
    """A replan: the solve, what carrying the past did, and the changes."""

    prepared: ReplanInput
    outcome: Outcome
    changes: list[Change]


def write_notices(
    outcome_or_plan: Outcome | Plan,
    scenario: Scenario,
    out_dir: str | Path,
    name: str,
    lang: str = "zh",
) -> Path:
    """Write the notices workbook of a plan into ``out_dir`` as ``NAME.xlsx``
    (``NAME-2.xlsx``, ... if taken); its path."""
    from planner.report.notices import write_notices as write

    plan = outcome_or_plan.result.plan if isinstance(outcome_or_plan, Outcome) else outcome_or_plan
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = unique_path(folder / f"{name}.xlsx")
    write(target, scenario, plan, lang)
    return target


def replan_scenario(
    scenario: Scenario,
    previous: Plan,
    from_year: int,
    params: SolveParams | None = None,
    lang: str = "zh",
) -> ReplanOutcome:
    """Replan from ``from_year``: the past fixed, the published plan kept where it can be.

    The outcome is the whole plan over ``scenario``'s horizon (past, under
    way and new exchanges), audited against ``scenario``: its coverage is
    the whole listed plan's; the solve's, from ``from_year``, is
    ``coverage_from_year``. Reasons and notes are in ``lang``.
    """
    prepared = prepare_replan(scenario, previous, from_year, lang)
    part = solve_scenario(prepared.scenario, params)
    if not part.result.status.has_plan:
        return ReplanOutcome(prepared, part, [])
    outcome = _whole_plan(scenario, prepared, part)
    before = Plan.of(e for e in previous.exchanges if e.end_year >= from_year)
    after = Plan.of(
        e for e in outcome.result.plan.exchanges if e.end_year >= from_year or e.ended_early
    )
    changes = explain_changes(diff_plans(before, after, prepared.scenario), prepared)
    changes = [c for c in changes if c.before is not None or c.after not in prepared.past]
    return ReplanOutcome(prepared, outcome, changes)


def _whole_plan(scenario: Scenario, prepared: ReplanInput, part: Outcome) -> Outcome:
    """The replan's whole plan: the past listed with the solve's plan, audited
    against the whole scenario; ``coverage`` (and its bound) over every
    listed exchange, the solve's figures beside them as ``..._from_year``."""
    plan = Plan.of([*prepared.past, *part.result.plan.exchanges])
    report = audit(scenario, plan)
    objective = dict(part.result.objective)
    part_coverage = objective.get("coverage")
    objective["coverage"] = report.total_coverage
    objective["coverage_from_year"] = part_coverage
    bound = objective.get("coverage_bound")
    if bound is not None and part_coverage is not None:
        # The years before from_year are fixed: their coverage is a constant.
        objective["coverage_bound"] = bound + report.total_coverage - part_coverage
        objective["coverage_bound_from_year"] = bound
    result = dataclasses.replace(part.result, plan=plan, objective=objective)
    return Outcome(scenario, result, report, part.conflicts, part=part)


def check_plan(scenario: Scenario, plan: Plan | str | Path) -> AuditReport:
    """Audit a plan (object, JSON file or roster workbook) against every hard rule."""
    if not isinstance(plan, Plan):
        plan = read_plan(Path(plan))
    return audit(scenario, plan)


def conflict_of_instances(instances: list[RuleInstance]) -> Conflict:
    """One conflict made of rule instances that cannot hold together."""
    lines = _("; ").join(str(i) for i in instances)
    rules = tuple(dict.fromkeys(i.rule for i in instances))
    years = {i.year for i in instances if i.year is not None}
    groups = {i.group_id for i in instances if i.group_id is not None}
    return Conflict(
        rules,
        groups.pop() if len(groups) == 1 else None,
        years.pop() if len(years) == 1 else None,
        _("these {n} rule instance(s) cannot hold together: {lines}").format(
            n=len(instances), lines=lines
        ),
        instances=tuple(instances),
    )


# -- trade-off exploration (notebooks, ``planner sweep``) ---------------------


def with_policy(scenario: Scenario, **overrides: object) -> Scenario:
    """A copy of ``scenario`` whose policy takes ``overrides`` (raw values, as
    in a policy sheet: ``max_age=50``, ``ratio_later_years="10%"``); raises
    :class:`planner.problems.ScenarioError` naming a bad key or value."""
    return dataclasses.replace(scenario, policy=scenario.policy.with_overrides(overrides))


def kpis(outcome: Outcome) -> dict[str, object]:
    """Headline figures of a solve (:data:`planner.report.kpi.KPI_COLUMNS`)."""
    from planner.report import kpi  # pandas only when asked for

    return kpi.kpi_summary(outcome.scenario, outcome.result, outcome.report)


def kpi_frames(outcome: Outcome) -> dict[str, pd.DataFrame]:
    """The plan's figures as DataFrames: coverage, quota, fairness, cost, sent."""
    from planner.report import kpi

    return kpi.kpi_frames(outcome.scenario, outcome.result, outcome.report)


__all__ += ["kpi_frames", "kpis", "with_policy"]
