"""The recorder every audit rule writes to, and the wording helpers of its sentences.

A rule function states one rule instance with :meth:`Recorder.record`: where
it is (group, year, scope), what was required and achieved, a short note, and
a :class:`Breach` when the instance is broken. The recorder turns that into a
:class:`~planner.results.RuleCheck` (always) and a
:class:`~planner.results.Violation` (only for a breach), so no rule writes the
check-then-violate pair itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from planner.results import RuleCheck, Violation

OK = "ok"
VIOLATED = "violated"


@dataclass(frozen=True)
class Breach:
    """How a rule instance is broken: the sentence and what it is about.

    ``year`` overrides the check's year for the violation (AVAILABLE and
    MEMBERSHIP name the first bad year, their check the start year).
    """

    message: str
    amount: Decimal | int | None = None
    staff_id: str | None = None
    school_id: str | None = None
    subject: str | None = None
    year: int | None = None


@dataclass
class Recorder:
    """Collects the checks and violations of one audit, in the order stated."""

    checks: list[RuleCheck] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def record(
        self,
        rule: str,
        group_id: str | None,
        year: int | None,
        scope: str | None,
        breach: Breach | None = None,
        *,
        required: Decimal | int | None = None,
        achieved: Decimal | int | None = None,
        note: str = "",
    ) -> None:
        """One rule instance: kept when ``breach`` is None, else broken."""
        self.checks.append(
            RuleCheck(
                rule=rule,
                group_id=group_id,
                year=year,
                scope=scope,
                required=None if required is None else Decimal(required),
                achieved=None if achieved is None else Decimal(achieved),
                status=OK if breach is None else VIOLATED,
                note=note,
            )
        )
        if breach is None:
            return
        self.violations.append(
            Violation(
                rule=rule,
                message=breach.message,
                group_id=group_id,
                year=year if breach.year is None else breach.year,
                staff_id=breach.staff_id,
                school_id=breach.school_id,
                subject=breach.subject,
                amount=None if breach.amount is None else Decimal(breach.amount),
            )
        )


def years_text(years: Iterable[int]) -> str:
    """``2022, 2023``."""
    return ", ".join(str(y) for y in years)


def money(value: Decimal) -> str:
    """An amount without trailing zeros: ``200``, ``12.5``."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")
