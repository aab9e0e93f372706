"""The independent audit: every hard rule checked again in plain Python.

It shares no code with the CP-SAT model (it imports nothing from
:mod:`planner.model`), so a bug in one shows as a disagreement with the other.
"""

from planner.audit.core import (
    PLAN_RULE,
    RULE_IDS,
    age_in_full_years,
    audit,
    eligibility_reasons,
)

__all__ = ["PLAN_RULE", "RULE_IDS", "age_in_full_years", "audit", "eligibility_reasons"]
