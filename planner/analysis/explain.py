"""Why was this person sent, and why was that one not? (``planner explain``)

For a placed person: the rule instances and needs each of their exchanges
serves, and what the plan would lose without them (re-solved with their
exchanges forbidden). For an unplaced person: the rule ids that make them
ineligible in each year, or, if they could go, their best placement and
what forcing it would cost (re-solved with one exchange of theirs forced).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

from planner.audit import audit, eligibility_reasons
from planner.data import Exchange, Plan, Scenario
from planner.model.solve import SolveParams, solve
from planner.model.variables import Variables
from planner.results import AuditReport, SolveResult
from planner.rules import Rule


@dataclass
class Explanation:
    """What one person's place (or absence) in a plan means."""

    staff_id: str
    name: str
    placed: bool
    exchanges: list[Exchange]
    serves: list[str] = field(default_factory=list)  # rule instances and needs served
    ineligible: dict[int, list[str]] = field(default_factory=dict)  # start year -> rule ids
    coverage: Decimal = Decimal(0)  # of the plan explained
    alternative_status: str | None = None  # of the re-solve
    alternative_coverage: Decimal | None = None
    alternative_exchanges: list[Exchange] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        doc = asdict(self)
        doc["ineligible"] = {str(k): v for k, v in self.ineligible.items()}
        return _plain(doc)  # type: ignore[return-value]


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def explain(
    scenario: Scenario, plan: Plan, staff_id: str, params: SolveParams | None = None
) -> Explanation:
    """Explain ``staff_id``'s place in ``plan``; raises KeyError for an unknown id."""
    person = scenario.staff_by_id[staff_id]
    params = params or SolveParams(time_limit=60)
    report = audit(scenario, plan)
    # The re-solves answer one question, coverage with or without this person.
    scenario = replace(scenario, policy=replace(scenario.policy, objective_order=("COVER",)))
    mine = plan.by_staff(staff_id)
    out = Explanation(staff_id, person.name, bool(mine), mine, coverage=report.total_coverage)
    if mine:
        _explain_placed(scenario, report, out, params)
    else:
        _explain_unplaced(scenario, out, params)
    return out


def _explain_placed(
    scenario: Scenario, report: AuditReport, out: Explanation, params: SolveParams
) -> None:
    person = scenario.staff_by_id[out.staff_id]
    group = scenario.group_of_staff(person)
    locked = [e for e in out.exchanges if e in scenario.commitments]
    for ex in out.exchanges:
        for check in report.checks:
            if check.group_id != group.group_id or check.year != ex.start_year:
                continue
            if check.rule == Rule.TEACHER_QUOTA or (
                check.rule == Rule.CADRE_QUOTA and person.is_cadre
            ):
                tight = (
                    " (exactly met: without this start it falls short)"
                    if (
                        check.achieved is not None
                        and check.required is not None
                        and check.achieved <= check.required
                    )
                    else ""
                )
                out.serves.append(
                    f"{check.rule} {group.name} {check.year}: "
                    f"counts as 1 of {check.achieved} starts, "
                    f"{check.required} required{tight}"
                )
        for cov in report.coverage:
            need = cov.need
            if out.staff_id in cov.serving and need.school_id == ex.school_id:
                share = "needed" if len(cov.serving) <= need.count else "one of more than needed"
                out.serves.append(
                    f"COVER {need.school_id} {need.year} {need.subject}: "
                    f"{cov.covered} of {need.count} "
                    f"covered, priority {need.priority} ({share})"
                )
    if locked:
        out.sentences.append(
            f"{out.staff_id} {out.name} is on a {Rule.LOCKED} commitment "
            f"({', '.join(f'{e.school_id} {e.start_year}-{e.end_year}' for e in locked)}); "
            "it stays in every plan."
        )
        return

    def forbid(variables: Variables) -> None:
        for cand in variables.by_staff.get(out.staff_id, []):
            variables.model.add(cand.var == 0)

    result = solve(scenario, params, constrain=forbid)
    _record_alternative(out, result, scenario)
    if result.status.has_plan and out.alternative_coverage is not None:
        loss = out.coverage - out.alternative_coverage
        out.sentences.append(
            f"Without {out.staff_id} {out.name} the best plan covers {out.alternative_coverage} "
            f"need units instead of {out.coverage} (loss {loss})."
        )
    else:
        out.sentences.append(
            f"Without {out.staff_id} {out.name} the rules cannot all hold "
            f"({result.status.value}): the placement is required."
        )


def _explain_unplaced(scenario: Scenario, out: Explanation, params: SolveParams) -> None:
    person = scenario.staff_by_id[out.staff_id]
    for year in scenario.years:
        reasons = eligibility_reasons(scenario, person, year)
        if reasons:
            out.ineligible[year] = reasons
    if len(out.ineligible) == len(scenario.years):
        codes = sorted({r for rs in out.ineligible.values() for r in rs})
        out.sentences.append(
            f"{out.staff_id} {out.name} cannot start an exchange in any year of the plan: "
            + "; ".join(f"{y}: {', '.join(r)}" for y, r in sorted(out.ineligible.items()))
            + f" ({', '.join(codes)})."
        )
        return

    def force(variables: Variables) -> None:
        if out.staff_id not in variables.scenario.staff_by_id:
            return  # another group's model
        cands = variables.by_staff.get(out.staff_id, [])
        if cands:
            variables.model.add_bool_or([c.var for c in cands])
        else:  # eligible to start, but no member school and term fits (MEMBERSHIP, AVAILABLE)
            variables.model.add_bool_or([])

    result = solve(scenario, params, constrain=force)
    _record_alternative(out, result, scenario)
    if result.status.has_plan and out.alternative_coverage is not None:
        placed = [e for e in result.plan.exchanges if e.staff_id == out.staff_id]
        where = ", ".join(f"{e.school_id} {e.start_year}-{e.end_year}" for e in placed)
        cost = out.coverage - out.alternative_coverage
        out.sentences.append(
            f"{out.staff_id} {out.name} is eligible; the best plan that sends them ({where}) "
            f"covers {out.alternative_coverage} need units instead of {out.coverage} "
            f"(cost {cost})."
        )
    else:
        out.sentences.append(
            f"{out.staff_id} {out.name} is eligible in some years, but no plan that sends them "
            f"keeps every rule ({result.status.value}) ({_NO_PLACE_RULES} leave no place)."
        )


# The rules that can leave an eligible person no place in any plan.
_NO_PLACE_RULES = (
    f"{Rule.MEMBERSHIP}, {Rule.AVAILABLE}, {Rule.CAPACITY}, {Rule.CORE_KEEP} or {Rule.BUDGET}"
)


def _record_alternative(out: Explanation, result: SolveResult, scenario: Scenario) -> None:
    out.alternative_status = result.status.value
    if result.status.has_plan:
        out.alternative_coverage = audit(scenario, result.plan).total_coverage
        out.alternative_exchanges = [e for e in result.plan.exchanges if e.staff_id == out.staff_id]
