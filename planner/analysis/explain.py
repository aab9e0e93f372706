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

from planner.audit import audit, eligibility_reasons
from planner.audit.eligibility import age_over, honor_short, level_missing
from planner.data import Exchange, Plan, Scenario, Staff
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


# Every sentence of an explanation, by language (whole sentences, one place).
TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "served": "{who} 在 {school} 交流 {start}-{end}，实际在岗学年：{years}{early}。",
        "early": "（提前结束：{reason}）",
        "quota": "{rule} {group} {year}：计为 {achieved} 人中的 1 人，要求 {required} 人{tight}",
        "tight": "（恰好达标：少此人即不足）",
        "cover": "COVER {school} {year} {subject}：覆盖 {covered}/{count}，"
        "优先级 {priority}{share}",
        "counted": "（此人计入覆盖）",
        "surplus": "（此人超出需求，不计入）",
        "locked": "{who} 是已定交流（{rule}：{where}），在每个方案中保留。",
        "loss": "不派 {who} 时最佳方案覆盖 {alt} 个需求单位，现为 {now}（减少 {loss}）。",
        "no_loss": "不派 {who} 时最佳方案同样覆盖 {alt} 个需求单位：其他人可以顶替。",
        "better": "不派 {who} 时最佳方案覆盖 {alt} 个需求单位，"
        "多于现方案的 {now}：现方案的覆盖并非最优。",
        "required": "不派 {who} 时规则无法同时满足（{status}）：此人必须派出。",
        "age": "{year} 年：9月1日 {age} 周岁，上限 {limit} 周岁（{rule}）",
        "honor": "荣誉 {honor}，要求至少 {needed}（{rule}）",
        "level": "未取得要求的等级认定（{rule}）",
        "unavailable": "{year} 年标注不可派（{rule}）",
        "ineligible": "{who} 在方案的任何学年都不能开始交流：{limits}。",
        "sent_instead": "{who} 可以派出；最佳的派出方案为 {where}。",
        "went": "{instead} 去了此人本可去的 {school}",
        "nobody": "方案中没有人在此人本可去的学校与学年任教同一学科",
        "decided": "决定因素：{goal} 现方案 {now}，派出此人的方案 {alt}",
        "tie": "各目标相同（{order}）：求解器在同样好的方案中选择了现方案",
        "no_place": "{who} 在部分学年符合条件，但没有既派出此人又满足全部规则的方案"
        "（{status}；{rules} 使其无处可派）。",
        "sep": "；",
        "list": "、",
    },
    "en": {
        "served": "{who} at {school} {start}-{end}, years actually served: {years}{early}.",
        "early": " (ended early: {reason})",
        "quota": "{rule} {group} {year}: counts as 1 of {achieved} starts, "
        "{required} required{tight}",
        "tight": " (exactly met: without this start it falls short)",
        "cover": "COVER {school} {year} {subject}: {covered} of {count} covered, "
        "priority {priority}{share}",
        "counted": " (counted)",
        "surplus": " (one more than needed, not counted)",
        "locked": "{who} is on a {rule} commitment ({where}); it stays in every plan.",
        "loss": "Without {who} the best plan covers {alt} need units instead of {now} "
        "(loss {loss}).",
        "no_loss": "Without {who} the best plan still covers {alt} need units: "
        "others can take their place.",
        "better": "Without {who} the best plan covers {alt} need units, more than the {now} "
        "of this plan: this plan is not the best for coverage.",
        "required": "Without {who} the rules cannot all hold ({status}): "
        "the placement is required.",
        "age": "{year}: age {age} on 1 September, limit {limit} ({rule})",
        "honor": "honour {honor}, needs {needed} ({rule})",
        "level": "level not certified ({rule})",
        "unavailable": "{year}: marked unavailable ({rule})",
        "ineligible": "{who} cannot start an exchange in any year of the plan: {limits}.",
        "sent_instead": "{who} is eligible; the best plan that sends them: {where}.",
        "went": "{instead} went to {school} instead",
        "nobody": "nobody of the same subject serves where and when they would have",
        "decided": "decided by {goal}: {now} in the plan, {alt} if they were sent",
        "tie": "every goal equal ({order}): the solver chose among equally good plans",
        "no_place": "{who} is eligible in some years, but no plan that sends them keeps "
        "every rule ({status}) ({rules} leave no place).",
        "sep": "; ",
        "list": ", ",
    },
}

HONOR_ZH = {
    "none": "无",
    "school": "校级",
    "district": "区级",
    "city": "市级",
    "province": "省级",
    "national": "国家级",
}


def _t(lang: str, key: str, **values: object) -> str:
    return TEXTS["en" if lang == "en" else "zh"][key].format(**values)


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
    person = scenario.staff_by_id[out.staff_id]
    group = scenario.group_of_staff(person)
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
        for check in report.checks:
            if check.group_id != group.group_id or check.year != ex.start_year:
                continue
            if check.rule == Rule.TEACHER_QUOTA or (
                check.rule == Rule.CADRE_QUOTA and person.is_cadre
            ):
                tight = check.achieved is not None and check.required is not None
                tight = tight and check.achieved <= check.required  # type: ignore[operator]
                out.serves.append(
                    _t(
                        lang,
                        "quota",
                        rule=check.rule,
                        group=group.name,
                        year=check.year,
                        achieved=check.achieved,
                        required=check.required,
                        tight=_t(lang, "tight") if tight else "",
                    )
                )
        for cov in report.coverage:
            need = cov.need
            if out.staff_id not in cov.serving or need.school_id != ex.school_id:
                continue
            if not ex.covers(need.year):
                continue  # another exchange of theirs serves it
            counted = len(cov.serving) <= need.count
            out.serves.append(
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
    out.years_served.sort()
    locked = [e for e in out.exchanges if e in scenario.commitments]
    if locked:
        where = sep.join(f"{e.school_id} {e.start_year}-{e.end_year}" for e in locked)
        out.sentences.append(_t(lang, "locked", who=who, rule=Rule.LOCKED, where=where))
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


def limits_against(scenario: Scenario, person: Staff, year: int, lang: str) -> list[str]:
    """Why ``person`` cannot start in ``year``: each value against its limit."""
    policy = scenario.policy
    out: list[str] = []
    age, over = age_over(scenario, person, year)
    if over:
        out.append(_t(lang, "age", year=year, age=age, limit=policy.max_age, rule=Rule.AGE))
    if honor_short(scenario, person):
        names = HONOR_ZH if lang != "en" else {h: h for h in HONOR_ZH}
        out.append(
            _t(
                lang,
                "honor",
                honor=names[person.honor.value],
                needed=names[policy.min_honor.value],
                rule=Rule.HONOR,
            )
        )
    if level_missing(scenario, person):
        out.append(_t(lang, "level", rule=Rule.LEVEL))
    if year in person.unavailable:
        out.append(_t(lang, "unavailable", year=year, rule=Rule.AVAILABLE))
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
            _t(lang, "no_place", who=who, status=result.status.value, rules=_NO_PLACE_RULES)
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
_NO_PLACE_RULES = (
    f"{Rule.MEMBERSHIP}, {Rule.AVAILABLE}, {Rule.CAPACITY}, {Rule.CORE_KEEP} or {Rule.BUDGET}"
)


def _record_alternative(out: Explanation, result: SolveResult, scenario: Scenario) -> None:
    out.alternative_status = result.status.value
    if result.status.has_plan:
        out.alternative_coverage = audit(scenario, result.plan).total_coverage
        out.alternative_exchanges = [e for e in result.plan.exchanges if e.staff_id == out.staff_id]
