"""The hard rules of ``docs/rules.en.md`` that tie exchanges together.

One method per rule family, named by its rule id and called in one ordered
:meth:`Constraints.add_constraints`. TERM, AGE, HONOR, LEVEL, MEMBERSHIP and
AVAILABLE shape the decision domain (:mod:`planner.model.domain`); the
methods here check them for locked commitments, which are not decisions.

Every constraint is posted through :meth:`Constraints._post` with the rule
instance it stands for (rule id, group, year, scope and the numbers), so that
a diagnosis can switch single instances on and off with assumption literals,
and quota rules named in ``relax`` can take a shortfall instead of failing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from ortools.sat.python import cp_model

from planner.data import Scenario
from planner.i18n import _, rule_label
from planner.model import domain
from planner.model.quantities import budget_weights, quota_base, required_count
from planner.model.variables import Candidate, Variables
from planner.rules import Rule


@dataclass(frozen=True)
class RuleInstance:
    """One rule applied to one place and time, e.g. TEACHER-QUOTA G1 2022."""

    rule: Rule
    group_id: str | None = None
    year: int | None = None
    scope: str | None = None  # a school, a subject, a staff member
    detail: str = ""  # the numbers involved, for a person to read

    def label(self) -> str:
        """``TEACHER-QUOTA G1 2022``: the instance's name in the model."""
        parts = [self.rule, self.group_id, str(self.year) if self.year else None, self.scope]
        return " ".join(p for p in parts if p)

    def __str__(self) -> str:
        """The instance for a reader: ``干部比例 CADRE-QUOTA G1 2022: 至少 2 名干部须开始交流``."""
        where = " ".join(
            p for p in (self.group_id, str(self.year) if self.year else None, self.scope) if p
        )
        head = f"{rule_label(self.rule)} {where}".strip()
        return f"{head}: {self.detail}" if self.detail else head


@dataclass
class Posted:
    """A posted rule instance with its optional switch and shortfall."""

    instance: RuleInstance
    switch: cp_model.IntVar | None  # assumption literal (track mode)
    shortfall: cp_model.IntVar | None  # slack (relaxed rules)
    scale: Fraction = Fraction(1)  # shortfall / scale in the rule's unit (money is scaled)


class Constraints:
    """Posts the hard rules on a model over :class:`Variables`."""

    def __init__(
        self,
        variables: Variables,
        *,
        track: bool = False,
        relax: frozenset[str] = frozenset(),
    ) -> None:
        self.vars = variables
        self.model = variables.model
        self.scenario: Scenario = variables.scenario
        self.track = track
        self.relax = relax
        self.posted: list[Posted] = []

    def add_constraints(self) -> None:
        self.locked()
        self.one_place()
        self.repeat_gap()
        self.teacher_quota()
        self.cadre_quota()
        self.backbone_share()
        self.tenure()
        self.capacity()
        self.core_keep()
        self.budget()

    # -- plumbing ---------------------------------------------------------------

    def _post(
        self,
        instance: RuleInstance,
        ct: cp_model.Constraint,
        shortfall: cp_model.IntVar | None = None,
        scale: Fraction = Fraction(1),
    ) -> None:
        switch = None
        if self.track:
            switch = self.model.new_bool_var(f"on[{instance.label()}]")
            ct.only_enforce_if(switch)
        self.posted.append(Posted(instance, switch, shortfall, scale))

    def _fail(self, instance: RuleInstance) -> None:
        """A rule instance no decision can satisfy (a locked commitment breaks it)."""
        self._post(instance, self.model.add_bool_or([]))

    def _at_least(self, instance: RuleInstance, expr: cp_model.LinearExpr, required: int) -> None:
        """expr >= required, or expr + shortfall >= required where relaxed."""
        if instance.rule in self.relax:
            slack = self.model.new_int_var(0, max(required, 0), f"short[{instance.label()}]")
            self._post(instance, self.model.add(expr + slack >= required), slack)
        else:
            self._post(instance, self.model.add(expr >= required))

    def _at_most(
        self,
        instance: RuleInstance,
        expr: cp_model.LinearExpr,
        limit: int,
        most: int,
        scale: Fraction = Fraction(1),
    ) -> None:
        """expr <= limit, or expr - excess <= limit where relaxed (``most``: expr's upper bound)."""
        if instance.rule in self.relax:
            slack = self.model.new_int_var(0, max(most - limit, 0), f"excess[{instance.label()}]")
            self._post(instance, self.model.add(expr - slack <= limit), slack, scale)
        else:
            self._post(instance, self.model.add(expr <= limit), None, scale)

    # -- rules ------------------------------------------------------------------

    def locked(self) -> None:
        """LOCKED: commitments appear in the plan unchanged.

        They are constants of the model, so they always appear; what can fail
        is a commitment that itself breaks TERM, MEMBERSHIP or AVAILABLE,
        which hold for every exchange, locked ones too (a commitment that
        ended early is exempt from TERM's minimum, not its maximum).
        """
        scenario = self.scenario
        for lk in self.vars.locked:
            ex = lk.exchange
            lengths = domain.term_of(scenario.policy, ex.ended_early)
            group = scenario.school_by_id[lk.staff.school_id].group_id
            if ex.term not in lengths:
                self._fail(
                    RuleInstance(
                        Rule.TERM,
                        group,
                        ex.start_year,
                        ex.staff_id,
                        _("locked exchange lasts {term} years, allowed {lo}..{hi}").format(
                            term=ex.term, lo=lengths.start, hi=lengths.stop - 1
                        ),
                    )
                )
            if not domain.membership(scenario, lk.staff, lk.school, ex.years()):
                self._fail(
                    RuleInstance(
                        Rule.MEMBERSHIP,
                        group,
                        ex.start_year,
                        ex.staff_id,
                        _(
                            "locked exchange to {school} {start}-{end} "
                            "is not to a receiving member school in every year"
                        ).format(school=ex.school_id, start=ex.start_year, end=ex.end_year),
                    )
                )
            if not domain.available(lk.staff, ex.years()):
                self._fail(
                    RuleInstance(
                        Rule.AVAILABLE,
                        group,
                        ex.start_year,
                        ex.staff_id,
                        _("locked exchange {start}-{end} covers an unavailable year").format(
                            start=ex.start_year, end=ex.end_year
                        ),
                    )
                )

    def one_place(self) -> None:
        """ONE-PLACE: at most one exchange per person in any year.

        Decisions overlapping a locked commitment of the same person are
        switched off; locked commitments that overlap each other fail.
        """
        locked_years: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for lk in self.vars.locked:
            for year in lk.exchange.years():
                locked_years[lk.staff.staff_id][year] += 1
        for staff_id, years in locked_years.items():
            group = self.scenario.school_by_id[
                self.scenario.staff_by_id[staff_id].school_id
            ].group_id
            for year, count in sorted(years.items()):
                if count > 1:
                    self._fail(
                        RuleInstance(
                            Rule.ONE_PLACE,
                            group,
                            year,
                            staff_id,
                            _("{count} locked exchanges in {year}").format(count=count, year=year),
                        )
                    )
        for (staff_id, year), cands in self.vars.by_staff_year.items():
            busy = locked_years.get(staff_id, {}).get(year, 0)
            if busy:
                for cand in cands:
                    self.model.add(cand.var == 0)
            elif len(cands) > 1:
                self.model.add_at_most_one(c.var for c in cands)

    def repeat_gap(self) -> None:
        """REPEAT-GAP: at least repeat_gap_years between two exchanges of a person.

        Two exchanges keep the gap exactly when the intervals [start, end +
        gap] do not overlap, so: at most one decision per person covers any
        year of those stretched intervals; decisions too close to a past
        (history) or locked exchange are switched off.
        """
        gap = self.scenario.policy.repeat_gap_years
        if gap <= 0:
            return
        fixed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for ex in [*self.scenario.history, *(lk.exchange for lk in self.vars.locked)]:
            fixed[ex.staff_id].append((ex.start_year, ex.end_year + gap))
        stretched: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        for cand in self.vars.candidates:
            lo, hi = cand.start, cand.end + gap
            if any(lo <= f_hi and f_lo <= hi for f_lo, f_hi in fixed.get(cand.staff.staff_id, ())):
                self.model.add(cand.var == 0)
                continue
            for year in range(lo, hi + 1):
                stretched[cand.staff.staff_id, year].append(cand)
        for cands in stretched.values():
            if len(cands) > 1:
                self.model.add_at_most_one(c.var for c in cands)

    def _quota(self, rule: Rule, cadres_only: bool) -> None:
        scenario = self.scenario
        policy = scenario.policy
        for group in scenario.groups:
            core = scenario.core_school(group.group_id)
            staff = scenario.staff_of(core.school_id)
            for year in scenario.years:
                if year < group.founded_year:
                    continue
                first = year == group.founded_year
                if cadres_only:
                    required = (
                        policy.cadre_min_first_year if first else policy.cadre_min_later_years
                    )
                    detail = _("at least {required} cadres must start").format(required=required)
                else:
                    ratio = policy.ratio_first_year if first else policy.ratio_later_years
                    base = quota_base(scenario, staff, year)
                    required = required_count(ratio, base)
                    detail = (
                        _("ceil({ratio} x {base} staff) = {required} must start")
                        if policy.ratio_base == "headcount"
                        else _("ceil({ratio} x {base} eligible staff) = {required} must start")
                    ).format(ratio=ratio, base=base, required=required)
                if required <= 0:
                    continue
                cands = [
                    c
                    for c in self.vars.by_group_start.get((group.group_id, year), ())
                    if not cadres_only or c.staff.is_cadre
                ]
                locked = sum(
                    1
                    for lk in self.vars.locked
                    if lk.exchange.start_year == year
                    and lk.staff.school_id == core.school_id
                    and (not cadres_only or lk.staff.is_cadre)
                )
                instance = RuleInstance(rule, group.group_id, year, None, detail)
                self._at_least(
                    instance, cp_model.LinearExpr.sum([c.var for c in cands]) + locked, required
                )

    def teacher_quota(self) -> None:
        """TEACHER-QUOTA: staff starting from the core school each year >= ratio x headcount."""
        self._quota(Rule.TEACHER_QUOTA, cadres_only=False)

    def cadre_quota(self) -> None:
        """CADRE-QUOTA: cadres (middle, senior) starting each year >= the cadre minimum."""
        self._quota(Rule.CADRE_QUOTA, cadres_only=True)

    def backbone_share(self) -> None:
        """BACKBONE-SHARE: backbone teachers are at least backbone_min_share of
        each year's starts from a core school (national 2014: 20%).

        backbone >= share x starts, kept exact as den x backbone >= num x starts.
        """
        share = self.scenario.policy.backbone_min_share
        if share <= 0:
            return
        num, den = share.as_integer_ratio()
        for group in self.scenario.groups:
            core = self.scenario.core_school(group.group_id).school_id
            for year in self.scenario.years:
                cands = self.vars.by_group_start.get((group.group_id, year), [])
                locked = [
                    lk
                    for lk in self.vars.locked
                    if lk.exchange.start_year == year and lk.staff.school_id == core
                ]
                if not cands and not locked:
                    continue
                backbone = [c.var for c in cands if c.staff.backbone]
                locked_backbone = sum(1 for lk in locked if lk.staff.backbone)
                expr = den * (cp_model.LinearExpr.sum(backbone) + locked_backbone) - num * (
                    cp_model.LinearExpr.sum([c.var for c in cands]) + len(locked)
                )
                instance = RuleInstance(
                    Rule.BACKBONE_SHARE,
                    group.group_id,
                    year,
                    None,
                    _("backbone teachers at least {share} of the starts").format(share=share),
                )
                self._post(instance, self.model.add(expr >= 0))

    def tenure(self) -> None:
        """TENURE: staff at their school for tenure_years or more by the first
        plan year, who can go at all, start an exchange within the horizon."""
        years = self.scenario.policy.tenure_years
        if years <= 0:
            return
        first = self.scenario.first_year
        for person in self.scenario.staff:
            tenure = person.tenure_at(first)
            cands = self.vars.by_staff.get(person.staff_id, [])
            if tenure is None or tenure < years or not cands:
                continue
            if any(lk.staff.staff_id == person.staff_id for lk in self.vars.locked):
                continue  # already on a committed exchange
            group = self.scenario.school_by_id[person.school_id].group_id
            instance = RuleInstance(
                Rule.TENURE,
                group,
                first,
                person.staff_id,
                _("{tenure} years at {school} (>= {years}): must rotate").format(
                    tenure=tenure, school=person.school_id, years=years
                ),
            )
            self._post(
                instance, self.model.add(cp_model.LinearExpr.sum([c.var for c in cands]) >= 1)
            )

    def capacity(self) -> None:
        """CAPACITY: a member school hosts at most its capacity in any year from first_year on."""
        scenario = self.scenario
        for school in scenario.schools:
            if school.capacity is None:
                continue
            for year in self.vars.all_years():
                if year < scenario.first_year:
                    continue
                cands = self.vars.by_school_year.get((school.school_id, year), [])
                locked = sum(
                    1
                    for lk in self.vars.locked
                    if lk.school.school_id == school.school_id and lk.exchange.covers(year)
                )
                if not cands and locked <= school.capacity:
                    continue
                instance = RuleInstance(
                    Rule.CAPACITY,
                    school.group_id,
                    year,
                    school.school_id,
                    _("at most {capacity} hosted").format(capacity=school.capacity),
                )
                expr = cp_model.LinearExpr.sum([c.var for c in cands]) + locked
                self._at_most(instance, expr, school.capacity, len(cands) + locked)

    def core_keep(self) -> None:
        """CORE-KEEP: a core school keeps min_home staff of a subject at home each horizon year."""
        scenario = self.scenario
        for keep in scenario.core_keep:
            school = scenario.school_by_id[keep.school_id]
            people = [s for s in scenario.staff_of(keep.school_id) if s.subject == keep.subject]
            ids = {s.staff_id for s in people}
            for year in scenario.years:
                unavailable = sum(1 for s in people if year in s.unavailable)
                locked_away = sum(
                    1
                    for lk in self.vars.locked
                    if lk.staff.staff_id in ids
                    and lk.exchange.covers(year)
                    and year not in lk.staff.unavailable
                )
                cands = [
                    c for s in people for c in self.vars.by_staff_year.get((s.staff_id, year), ())
                ]
                # Member staff here on a mutual move (互派) count as at home.
                arrivals = scenario.arrivals(keep.school_id, keep.subject, year)
                limit = len(people) - unavailable + arrivals - keep.min_home
                instance = RuleInstance(
                    Rule.CORE_KEEP,
                    school.group_id,
                    year,
                    f"{keep.school_id}/{keep.subject}",
                    _(
                        "{min_home} of {n} {subject} staff must stay home "
                        "({unavailable} unavailable, {arrivals} arrived by mutual exchange)"
                    ).format(
                        min_home=keep.min_home,
                        n=len(people),
                        subject=keep.subject,
                        unavailable=unavailable,
                        arrivals=arrivals,
                    ),
                )
                expr = cp_model.LinearExpr.sum([c.var for c in cands]) + locked_away
                self._at_most(instance, expr, limit, len(cands) + locked_away)

    def budget(self) -> None:
        """BUDGET: each year with a budget row, the exchange cost stays within the fund.

        A staff-year costs cost_cadre for middle and senior staff, else
        cost_teacher; costs and amounts are scaled to integers exactly
        (:func:`planner.model.quantities.budget_weights`).
        """
        scenario = self.scenario
        policy = scenario.policy
        rows = scenario.budget
        if not rows:
            return
        cost, amounts, scale = budget_weights(policy.cost_teacher, policy.cost_cadre, rows)
        by_year: dict[int, list[Candidate]] = defaultdict(list)
        for cand in self.vars.candidates:
            for year in cand.years():
                by_year[year].append(cand)
        for row, amount in zip(rows, amounts, strict=True):
            cands = by_year.get(row.year, [])
            locked = sum(
                cost[lk.staff.is_cadre] for lk in self.vars.locked if lk.exchange.covers(row.year)
            )
            spend = (
                cp_model.LinearExpr.weighted_sum(
                    [c.var for c in cands], [cost[c.staff.is_cadre] for c in cands]
                )
                + locked
            )
            most = locked + sum(cost[c.staff.is_cadre] for c in cands)
            instance = RuleInstance(
                Rule.BUDGET, None, row.year, None, _("fund {amount}").format(amount=row.amount)
            )
            self._at_most(instance, spend, amount, most, scale)
