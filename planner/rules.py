"""The rule ids of the policy, as one enumeration every module uses.

Each hard rule of the Taishan plan (and of the presets that add rules) has an
id; the model enforces it in a function named by the id
(:mod:`planner.model.domain` or :class:`planner.model.constraints.Constraints`),
the audit checks it in a function named by the id (:mod:`planner.audit.rules`),
and messages, roster sheets and tests name it by the id. ``Rule`` is a
``StrEnum``, so ``Rule.TERM == "TERM"`` and a rule id read from a file or a
plan compares equal to its member.

The sets below say what kind of rule each is; they live here once:

* :data:`RELAXABLE`: count rules ``--allow-shortfall`` may turn into soft ones;
* :data:`QUOTAS`: the two quota rules (counted per group and start year);
* :data:`PER_EXCHANGE`: rules checked once per exchange or exchange start
  (one roster row per rule, group and year instead of one per exchange);
* :data:`MONOTONE_FOR_LOCKED`: rules that adding exchanges can never repair,
  so commitments that break one alone make every plan infeasible.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """A hard rule's id, in the order of the rules' table."""

    TERM = "TERM"
    ONE_PLACE = "ONE-PLACE"
    CADRE_QUOTA = "CADRE-QUOTA"
    TEACHER_QUOTA = "TEACHER-QUOTA"
    AGE = "AGE"
    HONOR = "HONOR"
    LEVEL = "LEVEL"
    MEMBERSHIP = "MEMBERSHIP"
    AVAILABLE = "AVAILABLE"
    LOCKED = "LOCKED"
    CAPACITY = "CAPACITY"
    CORE_KEEP = "CORE-KEEP"
    BUDGET = "BUDGET"
    REPEAT_GAP = "REPEAT-GAP"
    HORIZON = "HORIZON"
    BAN = "BAN"
    BACKBONE_SHARE = "BACKBONE-SHARE"
    TENURE = "TENURE"

    @property
    def zh(self) -> str:
        """The rule's short Chinese name (任期 for TERM, ...)."""
        return _ZH[self]

    @property
    def label(self) -> str:
        """Chinese name and id together, as a person reads it: ``任期 TERM``."""
        return f"{_ZH[self]} {self.value}"

    @property
    def function_name(self) -> str:
        """The name of the function that enforces or checks it: ``one_place``."""
        return self.value.lower().replace("-", "_")


# The audit's own pseudo-rule for a plan that is malformed as a whole
# (an unknown staff id or school, an end before its start).
PLAN_RULE = "PLAN"

_ZH: dict[Rule, str] = {
    Rule.TERM: "任期",
    Rule.ONE_PLACE: "一人一处",
    Rule.CADRE_QUOTA: "干部比例",
    Rule.TEACHER_QUOTA: "教师比例",
    Rule.AGE: "年龄",
    Rule.HONOR: "荣誉",
    Rule.LEVEL: "水平",
    Rule.MEMBERSHIP: "集团成员",
    Rule.AVAILABLE: "可派",
    Rule.LOCKED: "既定交流",
    Rule.CAPACITY: "接收上限",
    Rule.CORE_KEEP: "核心校留岗",
    Rule.BUDGET: "专项经费",
    Rule.REPEAT_GAP: "再次交流间隔",
    Rule.HORIZON: "规划期",
    Rule.BAN: "禁派",
    Rule.BACKBONE_SHARE: "骨干比例",
    Rule.TENURE: "任职年限",
}

RELAXABLE: frozenset[Rule] = frozenset(
    {Rule.TEACHER_QUOTA, Rule.CADRE_QUOTA, Rule.CAPACITY, Rule.CORE_KEEP, Rule.BUDGET}
)
QUOTAS: frozenset[Rule] = frozenset({Rule.TEACHER_QUOTA, Rule.CADRE_QUOTA})
PER_EXCHANGE: frozenset[Rule] = frozenset(
    {
        Rule.TERM,
        Rule.ONE_PLACE,
        Rule.AGE,
        Rule.HONOR,
        Rule.LEVEL,
        Rule.MEMBERSHIP,
        Rule.AVAILABLE,
        Rule.LOCKED,
        Rule.HORIZON,
        Rule.BAN,
    }
)
MONOTONE_FOR_LOCKED: frozenset[Rule] = frozenset(
    {
        Rule.TERM,
        Rule.ONE_PLACE,
        Rule.MEMBERSHIP,
        Rule.AVAILABLE,
        Rule.CAPACITY,
        Rule.CORE_KEEP,
        Rule.BUDGET,
    }
)
ELIGIBILITY: tuple[Rule, ...] = (Rule.AGE, Rule.HONOR, Rule.LEVEL)
