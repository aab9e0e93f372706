"""Which function checks which rule: one per rule id, named by it.

Per-exchange rules take the context and one exchange, the quotas the context
and one :class:`~planner.audit.count_rules.QuotaYear`, every other rule the
context alone; :func:`planner.audit.audit` calls them in the order of the
report.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.audit.count_rules import (
    backbone_share,
    budget,
    cadre_quota,
    capacity,
    core_keep,
    teacher_quota,
)
from planner.audit.exchange_rules import (
    age,
    available,
    ban,
    honor,
    horizon,
    level,
    membership,
    term,
)
from planner.audit.staff_rules import locked, one_place, repeat_gap, tenure
from planner.rules import Rule

AUDIT_RULES: dict[Rule, Callable[..., None]] = {
    Rule.TERM: term,
    Rule.ONE_PLACE: one_place,
    Rule.CADRE_QUOTA: cadre_quota,
    Rule.TEACHER_QUOTA: teacher_quota,
    Rule.AGE: age,
    Rule.HONOR: honor,
    Rule.LEVEL: level,
    Rule.MEMBERSHIP: membership,
    Rule.AVAILABLE: available,
    Rule.LOCKED: locked,
    Rule.CAPACITY: capacity,
    Rule.CORE_KEEP: core_keep,
    Rule.BUDGET: budget,
    Rule.REPEAT_GAP: repeat_gap,
    Rule.HORIZON: horizon,
    Rule.BAN: ban,
    Rule.BACKBONE_SHARE: backbone_share,
    Rule.TENURE: tenure,
}
