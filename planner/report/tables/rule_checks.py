"""The rule-check sheet: the audit's checks, per-exchange rules aggregated
per rule, group and year, allowed shortfalls marked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from planner.data import Scenario
from planner.report.tables.common import group_name
from planner.report.tables.rows import RuleCheckRow
from planner.results import AuditReport, RuleCheck, Shortfall
from planner.rules import PER_EXCHANGE, PLAN_RULE, Rule

__all__ = ["AGGREGATED_RULES", "RULE_ORDER", "rule_check_rows"]

# Rule ids in the order of rules.md, after the audit's own PLAN (the
# rule-check sheet sorts by it).
RULE_ORDER: tuple[str, ...] = (PLAN_RULE, *Rule)

# Rules checked once per exchange (or exchange start): one sheet row per
# rule, group and year instead of one per exchange.
AGGREGATED_RULES: frozenset[str] = frozenset({PLAN_RULE, *PER_EXCHANGE})
# Aggregated rules whose kept instances may carry a note worth showing: a
# commitment kept against a ban (BAN binds decisions only; rules.md asks that
# the conflict be reported).
NOTED_WHEN_KEPT: frozenset[str] = frozenset({Rule.BAN})


def _rule_rank(rule: str) -> int:
    return RULE_ORDER.index(rule) if rule in RULE_ORDER else len(RULE_ORDER)


def _allowed_shortfall(check: RuleCheck, shortfalls: Sequence[Shortfall]) -> Shortfall | None:
    """The shortfall the solve states for a violated check, if it was allowed."""
    return next(
        (
            x
            for x in shortfalls
            if (x.rule, x.group_id, x.year) == (check.rule, check.group_id, check.year)
            and (x.scope is None or check.scope is None or x.scope == check.scope)
        ),
        None,
    )


def rule_check_rows(
    scenario: Scenario, report: AuditReport, shortfalls: Sequence[Shortfall] = ()
) -> list[RuleCheckRow]:
    """The audit's checks; per-exchange rules as one row per rule, group and year.

    A violated instance that the solve states as an allowed shortfall
    (``--allow-shortfall``) gets status ``shortfall`` and its size.

    An aggregated row counts the instances checked and violated; its
    ``scope`` names the violating instances and its ``note`` their notes.
    Quota, CAPACITY, CORE-KEEP and BUDGET rows stay one per instance.
    """
    aggregated: dict[tuple[str, str | None, int | None], list[RuleCheck]] = defaultdict(list)
    rows: list[RuleCheckRow] = []
    for check in report.checks:
        if check.rule in AGGREGATED_RULES:
            aggregated[(check.rule, check.group_id, check.year)].append(check)
            continue
        allowed = _allowed_shortfall(check, shortfalls) if check.status != "ok" else None
        rows.append(
            RuleCheckRow(
                rule=check.rule,
                group=group_name(scenario, check.group_id),
                year=check.year,
                scope=check.scope,
                required=check.required,
                achieved=check.achieved,
                checked=1,
                violated=int(check.status != "ok"),
                status="shortfall" if allowed else check.status,
                note=check.note,
                shortfall=allowed.amount if allowed else None,
            )
        )
    for (rule, group_id, year), checks in aggregated.items():
        bad: list[RuleCheck] = [c for c in checks if c.status != "ok"]
        rows.append(
            RuleCheckRow(
                rule=rule,
                group=group_name(scenario, group_id),
                year=year,
                scope=", ".join(c.scope for c in bad if c.scope) or None,
                required=None,
                achieved=None,
                checked=len(checks),
                violated=len(bad),
                status="violated" if bad else "ok",
                note="; ".join(
                    f"{c.scope}: {c.note}" if c.scope else c.note
                    for c in checks
                    if c.note and (c.status != "ok" or rule in NOTED_WHEN_KEPT)
                ),
            )
        )
    rows.sort(
        key=lambda r: (
            _rule_rank(r.rule),
            r.rule,
            r.group or "",
            r.year if r.year is not None else -1,
            r.scope or "",
        )
    )
    return rows
