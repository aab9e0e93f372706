"""The ranges and precision of the numbers a scenario may hold, in one place.

Every reader (scenario workbook, policy sheet, policy YAML file) checks its
numbers against these limits and refuses a value outside them with a
message that states the limit, so that nothing absurd (a budget of 10^300,
a priority of 10^-300, a count of 10^30) reaches the model or the audit.
The model may rely on them: a priority times 10^PRIORITY_DECIMALS is a
whole number <= 10^22, an amount times 100 a whole number < 10^17, and a
count or capacity at most :data:`COUNT_MAX`. ``docs/scenario-format.*.md``
states the same limits ("Values").
"""

from __future__ import annotations

from decimal import Decimal

__all__ = [
    "AMOUNT_DECIMALS",
    "AMOUNT_LIMIT",
    "BIRTH_YEAR_MIN",
    "COUNT_MAX",
    "ID_MAX_CHARS",
    "MAX_AGE_AT_START",
    "MIN_AGE_AT_START",
    "PLAN_FILE_MAX_DEPTH",
    "POLICY_FILE_MAX_BYTES",
    "PRIORITY_DECIMALS",
    "PRIORITY_MAX",
    "PRIORITY_MIN",
    "YEAR_MAX",
    "YEAR_MIN",
    "decimal_places",
]

# School years (settings, needs, commitments, budget, history, unavailable).
YEAR_MIN = 1990
YEAR_MAX = 2100
# Birth dates: the earliest year a date may name.
BIRTH_YEAR_MIN = 1900
# A person's age in whole years on 1 September of the first plan year.
MIN_AGE_AT_START = 18
MAX_AGE_AT_START = 70

# Counts (needs.count, core_keep.min_home) and capacities (schools.capacity).
COUNT_MAX = 100_000

# Need priorities (needs.priority, mutual.priority): PRIORITY_MIN..PRIORITY_MAX,
# at most PRIORITY_DECIMALS digits after the decimal point.
# Sixteen decimals take what Excel stores for a typed fraction (=1/3 is
# 0.3333333333333333); the model uses such numbers exactly or refuses a
# model whose sums would pass the solver's limit (planner/model/ranges.py).
PRIORITY_MIN = Decimal("1E-16")
PRIORITY_MAX = Decimal(1_000_000)
PRIORITY_DECIMALS = 16

# Money (budget.amount, cost_teacher, cost_cadre): 0 <= amount < AMOUNT_LIMIT,
# at most AMOUNT_DECIMALS digits after the decimal point (fen).
AMOUNT_LIMIT = Decimal(10) ** 15
AMOUNT_DECIMALS = 2

# Ids: at most this many characters once normalised.
ID_MAX_CHARS = 200

# Files read whole: a policy YAML file at most this big, a JSON plan nested
# at most this deep.
POLICY_FILE_MAX_BYTES = 1_000_000
PLAN_FILE_MAX_DEPTH = 50


def decimal_places(value: Decimal) -> int:
    """Digits after the decimal point of a finite ``value`` as written (0 for 1E+3)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
