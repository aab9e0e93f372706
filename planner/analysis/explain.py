"""Why was this person sent, and why was that one not? (``planner explain``)

Everything is read on the plan's own years. For a placed person: the years
actually served, the quotas and the needs each year of each exchange serves,
and what the plan would lose without them (re-solved with their exchanges
forbidden). For an ineligible person: their values against the limits (age
on 1 September against max_age, honour against min_honor, certification).
For an eligible person left at home: the best plan that sends them, who went
instead where they would have served, and the first rule or goal (in the
policy's order) on which that plan is worse, with both numbers.
Sentences in Chinese by default, English with ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from functools import cache

from planner.audit import audit, eligibility_reasons
from planner.audit.eligibility import age_over, honor_short, level_missing
from planner.data import Exchange, Plan, Scenario, Staff
from planner.i18n import _, pgettext, rule_label, use_language
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
    years_served: list[int] = field(default_factory=list)  # years actually on exchange
    limits: list[str] = field(default_factory=list)  # ineligible: values against limits
    instead: list[str] = field(default_factory=list)  # eligible, at home: who went instead
    deciding: str = ""  # eligible, at home: the rule or goal that decided

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


# Every sentence of an explanation (whole sentences, one place; English
# msgids, translated through the catalog: planner/locale).
@cache
def _texts(lang: str) -> dict[str, str]:
    with use_language(lang):
        return {
            "served": _("{who} at {school} {start}-{end}, years actually served: {years}{early}."),
            "early": _(" (ended early: {reason})"),
            "quota": _(
                "{rule} {group} {year}: counts as 1 of {achieved} starts, "
                "{required} required{tight}"
            ),
            "tight": _(" (exactly met: without this start it falls short)"),
            "cover": _(
                "COVER {school} {year} {subject}: {covered} of {count} covered, "
                "priority {priority}{share}"
            ),
            "counted": _(" (counted)"),
            "surplus": _(" (one more than needed, not counted)"),
            "locked": _("{who} is on a {rule} commitment ({where}); it stays in every plan."),
            "loss": _(
                "Without {who} the best plan covers {alt} need units instead of {now} "
                "(loss {loss})."
            ),
            "no_loss": _(
                "Without {who} the best plan still covers {alt} need units: "
                "others can take their place."
            ),
            "better": _(
                "Without {who} the best plan covers {alt} need units, more than the {now} "
                "of this plan: this plan is not the best for coverage."
            ),
            "required": _(
                "Without {who} the rules cannot all hold ({status}): the placement is required."
            ),
            "age": _("{year}: age {age} on 1 September, limit {limit} ({rule})"),
            "honor": _("honour {honor}, needs {needed} ({rule})"),
            "level": _("level not certified ({rule})"),
            "banned": _("banned from being sent at all ({rule}){note}"),
            "unavailable": _("{year}: marked unavailable ({rule})"),
            "ineligible": _("{who} cannot start an exchange in any year of the plan: {limits}."),
            "sent_instead": _("{who} is eligible; the best plan that sends them: {where}."),
            "went": _("{instead} went to {school} instead"),
            "nobody": _("nobody of the same subject serves where and when they would have"),
            "decided": _("decided by {goal}: {now} in the plan, {alt} if they were sent"),
            "tie": _("every goal equal ({order}): the solver chose among equally good plans"),
            "no_place": _(
                "{who} is eligible in some years, but no plan that sends them keeps "
                "every rule ({status}) ({rules} leave no place)."
            ),
            "sep": pgettext("separator of clauses", "; "),
            "list": pgettext("separator of a list", ", "),
            "or": pgettext("last separator of a list of alternatives", " or "),
        }


def _honor_name(value: str) -> str:
    """An honour level's name in the current language."""
    names = {
        "none": pgettext("honour", "none"),
        "school": pgettext("honour", "school"),
        "district": pgettext("honour", "district"),
        "city": pgettext("honour", "city"),
        "province": pgettext("honour", "province"),
        "national": pgettext("honour", "national"),
    }
    return names.get(value, value)


def _t(lang: str, key: str, **values: object) -> str:
    return _texts("en" if lang == "en" else "zh")[key].format(**values)


def explain(
    scenario: Scenario,
    plan: Plan,
    staff_id: str,
    params: SolveParams | None = None,
    lang: str = "zh",
) -> Explanation:
    """Explain ``staff_id``'s place in ``plan``; raises KeyError for an unknown id."""
    person = scenario.staff_by_id[staff_id]
    params = params or SolveParams(time_limit=60)
    report = audit(scenario, plan)
    mine = plan.by_staff(staff_id)
    out = Explanation(staff_id, person.name, bool(mine), mine, coverage=report.total_coverage)
    if mine:
        _explain_placed(scenario, report, out, params, lang)
    else:
        _explain_unplaced(scenario, plan, report, out, params, lang)
    return out


def find_staff(scenario: Scenario, key: str) -> list[str]:
    """Staff ids matching ``key``: the id itself, else everyone of that exact name."""
    if key in scenario.staff_by_id:
        return [key]
    return [p.staff_id for p in scenario.staff if p.name == key.strip()]


def _cover_only(scenario: Scenario) -> Scenario:
    """The re-solves answer one question: coverage with or without this person."""
    return replace(scenario, policy=replace(scenario.policy, objective_order=("COVER",)))


def _explain_placed(
    scenario: Scenario, report: AuditReport, out: Explanation, params: SolveParams, lang: str
) -> None:
    """The years a placed person serves, the quotas and needs each exchange
    serves, and what the best plan without them would reach (re-solved)."""
    person = scenario.staff_by_id[out.staff_id]
    who = f"{out.staff_id} {out.name}"
    sep = _t(lang, "list")
    for ex in out.exchanges:
        out.years_served.extend(ex.years())
        early = _t(lang, "early", reason=ex.reason) if ex.ended_early else ""
        years = sep.join(map(str, ex.years()))
        out.sentences.append(
            _t(
                lang,
                "served",
                who=who,
                school=ex.school_id,
                start=ex.start_year,
                end=ex.end_year,
                years=years,
                early=early,
            )
        )
        out.serves.extend(_quotas_served(scenario, report, person, ex, lang))
        out.serves.extend(_needs_served(report, out.staff_id, ex, lang))
    out.years_served.sort()
    locked = [e for e in out.exchanges if e in scenario.commitments]
    if locked:
        where = sep.join(f"{e.school_id} {e.start_year}-{e.end_year}" for e in locked)
        out.sentences.append(
            _t(lang, "locked", who=who, rule=_rule(lang, Rule.LOCKED), where=where)
        )
        return

    def forbid(variables: Variables) -> None:
        for cand in variables.by_staff.get(out.staff_id, []):
            variables.model.add(cand.var == 0)

    result = solve(_cover_only(scenario), params, constrain=forbid)
    _record_alternative(out, result, scenario)
    if result.status.has_plan and out.alternative_coverage is not None:
        loss = out.coverage - out.alternative_coverage
        key = "loss" if loss > 0 else "no_loss" if loss == 0 else "better"
        out.sentences.append(
            _t(lang, key, who=who, alt=out.alternative_coverage, now=out.coverage, loss=loss)
        )
    else:
        out.sentences.append(_t(lang, "required", who=who, status=result.status.value))


def _quotas_served(
    scenario: Scenario, report: AuditReport, person: Staff, ex: Exchange, lang: str
) -> list[str]:
    """The quota instances of ``ex``'s start year that the exchange counts for."""
    group = scenario.group_of_staff(person)
    out = []
    for check in report.checks:
        if check.group_id != group.group_id or check.year != ex.start_year:
            continue
        if check.rule == Rule.TEACHER_QUOTA or (check.rule == Rule.CADRE_QUOTA and person.is_cadre):
            tight = check.achieved is not None and check.required is not None
            tight = tight and check.achieved <= check.required  # type: ignore[operator]
            out.append(
                _t(
                    lang,
                    "quota",
                    rule=_rule(lang, check.rule),
                    group=group.name,
                    year=check.year,
                    achieved=check.achieved,
                    required=check.required,
                    tight=_t(lang, "tight") if tight else "",
                )
            )
    return out


def _needs_served(report: AuditReport, staff_id: str, ex: Exchange, lang: str) -> list[str]:
    """The needs ``ex`` serves at its school, in the years it runs."""
    out = []
    for cov in report.coverage:
        need = cov.need
        if staff_id not in cov.serving or need.school_id != ex.school_id:
            continue
        if not ex.covers(need.year):
            continue  # another exchange of theirs serves it
        counted = len(cov.serving) <= need.count
        out.append(
            _t(
                lang,
                "cover",
                school=need.school_id,
                year=need.year,
                subject=need.subject,
                covered=cov.covered,
                count=need.count,
                priority=need.priority,
                share=_t(lang, "counted" if counted else "surplus"),
            )
        )
    return out


def limits_against(scenario: Scenario, person: Staff, year: int, lang: str) -> list[str]:
    """Why ``person`` cannot start in ``year``: each value against its limit."""
    policy = scenario.policy
    out: list[str] = []
    age, over = age_over(scenario, person, year)
    if over:
        out.append(
            _t(lang, "age", year=year, age=age, limit=policy.max_age, rule=_rule(lang, Rule.AGE))
        )
    if honor_short(scenario, person):
        with use_language(lang):
            honor, needed = _honor_name(person.honor.value), _honor_name(policy.min_honor.value)
        out.append(_t(lang, "honor", honor=honor, needed=needed, rule=_rule(lang, Rule.HONOR)))
    if level_missing(scenario, person):
        out.append(_t(lang, "level", rule=_rule(lang, Rule.LEVEL)))
    if year in person.unavailable:
        out.append(_t(lang, "unavailable", year=year, rule=_rule(lang, Rule.AVAILABLE)))
    for ban in scenario.bans:
        if ban.staff_id == person.staff_id and ban.school_id is None:
            note = f": {ban.note}" if ban.note else ""
            out.append(_t(lang, "banned", rule=_rule(lang, Rule.BAN), note=note))
            break
    return out


def _explain_unplaced(
    scenario: Scenario,
    plan: Plan,
    report: AuditReport,
    out: Explanation,
    params: SolveParams,
    lang: str,
) -> None:
    person = scenario.staff_by_id[out.staff_id]
    who = f"{out.staff_id} {out.name}"
    for year in scenario.years:
        reasons = eligibility_reasons(scenario, person, year)
        if reasons:
            out.ineligible[year] = reasons
    if len(out.ineligible) == len(scenario.years):
        # Honour and level hold in every year: say them once, ages per year.
        seen: list[str] = []
        for year in scenario.years:
            seen += [x for x in limits_against(scenario, person, year, lang) if x not in seen]
        out.limits = seen
        out.sentences.append(_t(lang, "ineligible", who=who, limits=_t(lang, "sep").join(seen)))
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
    if not (result.status.has_plan and out.alternative_coverage is not None):
        out.sentences.append(
            _t(lang, "no_place", who=who, status=result.status.value, rules=_no_place_rules(lang))
        )
        return
    placed = out.alternative_exchanges
    where = _t(lang, "list").join(f"{e.school_id} {e.start_year}-{e.end_year}" for e in placed)
    out.sentences.append(_t(lang, "sent_instead", who=who, where=where))
    _who_went_instead(scenario, plan, out, lang)
    _deciding_goal(scenario, report, audit(scenario, result.plan), out, lang)


def _who_went_instead(scenario: Scenario, plan: Plan, out: Explanation, lang: str) -> None:
    """The people of the plan of the same subject serving where and when the
    person would have (in the best plan that sends them)."""
    subject = scenario.staff_by_id[out.staff_id].subject
    names: list[str] = []
    for mine in out.alternative_exchanges:
        for ex in plan.exchanges:
            other = scenario.staff_by_id.get(ex.staff_id)
            if other is None or other.subject != subject or ex.school_id != mine.school_id:
                continue
            if set(ex.years()) & set(mine.years()) and ex.staff_id not in names:
                names.append(ex.staff_id)
                out.instead.append(
                    _t(lang, "went", instead=f"{ex.staff_id} {other.name}", school=ex.school_id)
                )
    if not names:
        out.instead.append(_t(lang, "nobody"))
    out.sentences.extend(out.instead)


def _deciding_goal(
    scenario: Scenario, now: AuditReport, alt: AuditReport, out: Explanation, lang: str
) -> None:
    """The first goal in the policy's order on which sending them is worse."""
    order = ["COVER", *(g for g in scenario.policy.objective_order if g != "COVER")]
    for goal in order:
        a, b = now.goals.get(goal), alt.goals.get(goal)
        if a is not None and b is not None and a != b:
            out.deciding = _t(lang, "decided", goal=goal, now=a, alt=b)
            break
    else:
        out.deciding = _t(lang, "tie", order=_t(lang, "list").join(order))
    out.sentences.append(out.deciding)


# The rules that can leave an eligible person no place in any plan.
_NO_PLACE_RULES = (Rule.MEMBERSHIP, Rule.AVAILABLE, Rule.CAPACITY, Rule.CORE_KEEP, Rule.BUDGET)


def _no_place_rules(lang: str) -> str:
    names = [_rule(lang, r) for r in _NO_PLACE_RULES]
    return _t(lang, "list").join(names[:-1]) + _t(lang, "or") + names[-1]


def _rule(lang: str, rule: str) -> str:
    """``任期 TERM`` in Chinese, ``TERM`` in English."""
    with use_language(lang):
        return rule_label(rule)


def _record_alternative(out: Explanation, result: SolveResult, scenario: Scenario) -> None:
    out.alternative_status = result.status.value
    if result.status.has_plan:
        out.alternative_coverage = audit(scenario, result.plan).total_coverage
        out.alternative_exchanges = [e for e in result.plan.exchanges if e.staff_id == out.staff_id]
