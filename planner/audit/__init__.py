"""The independent audit behind ``planner check``: every hard rule checked
again in plain Python, coverage and every goal recomputed.

It shares no code with the CP-SAT model (it imports nothing from
:mod:`planner.model`) but the data classes, so a bug in one shows as a
disagreement with the other. Ages, honour ranks, stage sets, quota rounding
and membership years are all computed here afresh.

Layout: :mod:`~planner.audit.context` (the scenario, the plan and indexes),
:mod:`~planner.audit.record` (the recorder the rules write to), one function
per rule id in :mod:`~planner.audit.exchange_rules`,
:mod:`~planner.audit.staff_rules` and :mod:`~planner.audit.count_rules`
(registered in :data:`~planner.audit.rules.AUDIT_RULES`),
:mod:`~planner.audit.coverage` and :mod:`~planner.audit.goals`.

Besides the rule ids the audit uses one id of its own, ``PLAN``: an exchange
naming a staff member or a school the scenario does not have. Such an
exchange is still counted where it can be (an unknown school still takes its
known staff member away from home; an unknown staff member still fills a
place at a known school), but rules that need the missing entity
(eligibility, MEMBERSHIP, cost) are not checked for it.

Every rule instance becomes a :class:`~planner.results.RuleCheck`; every
broken one also a :class:`~planner.results.Violation` whose ``amount`` says
by how much (staff short or in excess, money over, years over the age limit,
years out of term, years not a member or unavailable, years double-booked,
honour levels short). Per-exchange rules give one check per exchange, with
the exchange's start year and the staff id as scope; ONE-PLACE one check per
staff member with exchanges; LOCKED one per commitment. A violation's
message is one sentence without the rule id (``str(violation)`` puts the id
and place in front).
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.audit import count_rules, exchange_rules, staff_rules
from planner.audit.context import AuditContext
from planner.audit.coverage import coverage
from planner.audit.eligibility import age_in_full_years, eligibility_reasons
from planner.audit.goals import goal_values
from planner.audit.rules import AUDIT_RULES
from planner.data import Exchange, Plan, Scenario
from planner.results import AuditReport
from planner.rules import PLAN_RULE, Rule

__all__ = [
    "AUDIT_RULES",
    "PLAN_RULE",
    "RULE_IDS",
    "age_in_full_years",
    "audit",
    "eligibility_reasons",
]

RULE_IDS: tuple[str, ...] = tuple(Rule)
_RANK = {rule: i for i, rule in enumerate((PLAN_RULE, *RULE_IDS))}

# The per-exchange rules, in the order their checks are listed for an exchange.
PER_EXCHANGE_ORDER = (
    exchange_rules.plan_reference,
    exchange_rules.term,
    exchange_rules.age,
    exchange_rules.honor,
    exchange_rules.level,
    exchange_rules.available,
    exchange_rules.membership,
    exchange_rules.horizon,
    exchange_rules.ban,
)


def audit(scenario: Scenario, plan: Plan, locked: Iterable[Exchange] | None = None) -> AuditReport:
    """Check ``plan`` against every hard rule, recompute COVER and every goal.

    ``locked`` are the commitments (LOCKED) the plan must contain unchanged;
    ``None`` means the scenario's own. An exchange equal to one of them is
    exempt from AGE, HONOR and LEVEL; every other rule holds for it too.
    """
    ctx = AuditContext.build(scenario, plan, locked)
    for ex in ctx.exchanges:
        for check_exchange in PER_EXCHANGE_ORDER:
            check_exchange(ctx, ex)
    staff_rules.one_place(ctx)
    staff_rules.repeat_gap(ctx)
    for quota_year in count_rules.quota_years(ctx):
        count_rules.teacher_quota(ctx, quota_year)
        count_rules.cadre_quota(ctx, quota_year)
    count_rules.backbone_share(ctx)
    staff_rules.tenure(ctx)
    staff_rules.locked(ctx)
    count_rules.capacity(ctx)
    count_rules.core_keep(ctx)
    count_rules.budget(ctx)
    covered = coverage(ctx)
    violations = ctx.out.violations
    violations.sort(
        key=lambda v: (
            _RANK.get(v.rule, len(_RANK)),
            v.group_id or "",
            v.year if v.year is not None else -1,
            v.school_id or "",
            v.subject or "",
            v.staff_id or "",
        )
    )
    goals = goal_values(ctx, covered, violations)
    return AuditReport(violations, ctx.out.checks, covered, goals)
