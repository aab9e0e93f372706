"""What a solve and an audit hand back: plain dataclasses shared by the model,
the audit (``planner check``), the roster writer and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from planner.data import Need, Plan
from planner.i18n import pgettext, rule_label


class SolveStatus(StrEnum):
    """Outcome of a solve, in the contract's words where it has them."""

    OPTIMAL = "optimal"  # the primary goal (COVER) is proven optimal
    FEASIBLE = "feasible"  # a valid plan, optimality not proven in time
    INFEASIBLE = "infeasible"  # proven: the hard rules cannot all hold
    UNKNOWN = "unknown"  # no plan found and nothing proven within the limit
    MODEL_INVALID = "model_invalid"  # a bug: CP-SAT rejected the model

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def label(self) -> str:
        """The status in the current language (optimal / 最优)."""
        names = {
            SolveStatus.OPTIMAL: pgettext("status", "optimal"),
            SolveStatus.FEASIBLE: pgettext("status", "feasible"),
            SolveStatus.INFEASIBLE: pgettext("status", "infeasible"),
            SolveStatus.UNKNOWN: pgettext("status", "unknown"),
            SolveStatus.MODEL_INVALID: pgettext("status", "model_invalid"),
        }
        return names[self]


class BoundSource(StrEnum):
    """Where a level's proven bound comes from."""

    MODEL = "model"  # the solver's own, on the model it solved
    GROUPS = "groups"  # the groups' bounds without the shared fund, added up
    PRICES = "prices"  # the fund's Lagrangian bound: groups priced per currency unit spent

    def label(self) -> str:
        """The source in the current language."""
        names = {
            BoundSource.MODEL: pgettext("bound", "the model's own"),
            BoundSource.GROUPS: pgettext("bound", "the groups' bounds without the fund"),
            BoundSource.PRICES: pgettext(
                "bound", "the fund's prices (each group priced per currency unit it spends)"
            ),
        }
        return names[self]


@dataclass(frozen=True)
class LevelResult:
    """One level of the lexicographic objective (COVER, FAIR, PREFER, COST)."""

    name: str
    sense: str  # "max" or "min"
    value: Decimal | None  # reached value, in the goal's own unit
    bound: Decimal | None  # best proven bound, same unit
    status: SolveStatus
    seconds: float
    bound_source: BoundSource = BoundSource.MODEL


@dataclass(frozen=True)
class Shortfall:
    """How far a relaxed rule instance falls short (``--allow-shortfall``).

    ``amount`` is in the rule's unit: staff for quotas, CAPACITY and
    CORE-KEEP; money for BUDGET.
    """

    rule: str
    group_id: str | None
    year: int | None
    scope: str | None
    amount: Decimal


@dataclass
class SolveResult:
    """A solved (or not) scenario."""

    status: SolveStatus
    plan: Plan
    objective: dict[str, Decimal | None]  # coverage, coverage_bound, fairness, ...
    levels: list[LevelResult] = field(default_factory=list)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    num_variables: int = 0
    num_constraints: int = 0
    messages: list[str] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def coverage(self) -> Decimal | None:
        return self.objective.get("coverage")


@dataclass(frozen=True)
class Violation:
    """One broken rule instance, with a sentence for the planner."""

    rule: str  # rule id of docs/rules.en.md
    message: str
    group_id: str | None = None
    year: int | None = None
    staff_id: str | None = None
    school_id: str | None = None
    subject: str | None = None
    amount: Decimal | None = None  # by how much (missing staff, excess cost, ...)

    def __str__(self) -> str:
        where = " ".join(
            str(x)
            for x in (self.group_id, self.year, self.school_id, self.subject, self.staff_id)
            if x is not None
        )
        rule = rule_label(self.rule)
        return f"{rule} {where}: {self.message}" if where else f"{rule}: {self.message}"


@dataclass(frozen=True)
class RuleCheck:
    """One rule instance (e.g. TEACHER-QUOTA for a group and year) as audited.

    ``scope`` names what the instance is about beyond group and year: a school
    (CAPACITY), a subject (CORE-KEEP), a staff member (TERM, AGE, ...).
    ``status`` is "ok" or "violated".
    """

    rule: str
    group_id: str | None
    year: int | None
    scope: str | None
    required: Decimal | None
    achieved: Decimal | None
    status: str
    note: str = ""


@dataclass(frozen=True)
class NeedCoverage:
    """A need row and what the plan gives it: min(count, staff serving)."""

    index: int  # position in scenario.all_needs (needs sheet, then mutual moves)
    need: Need
    serving: tuple[str, ...]  # staff ids serving there that year with subject and stage
    covered: int  # min(count, len(serving))
    weighted: Decimal  # priority * covered


@dataclass
class AuditReport:
    """Everything ``planner check`` finds about a plan."""

    violations: list[Violation]
    checks: list[RuleCheck]
    coverage: list[NeedCoverage]
    # Each goal recomputed from the plan, by goal name (COVER, FAIR, PREFER,
    # COST, STABLE, SHORTFALL, OVERSPEND; void goals left out).
    goals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def total_coverage(self) -> Decimal:
        return sum((c.weighted for c in self.coverage), Decimal(0))
