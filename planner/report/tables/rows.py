"""The row types of the report tables: one frozen dataclass per roster
sheet, its field order the sheet's column order (values are raw Python
values: enums, bools, Decimals, None)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planner.enums import Honor, Position, Role, Stage

__all__ = [
    "BySchoolRow",
    "ChangeRow",
    "ConflictRow",
    "CoverageRow",
    "EvaluationRow",
    "MutualRow",
    "ReportTables",
    "RosterRow",
    "RuleCheckRow",
    "StaffRow",
    "SummaryRow",
]


@dataclass(frozen=True)
class RosterRow:
    staff_id: str
    name: str | None
    position: Position | None
    subject: str | None
    stage: Stage | None
    home_school_id: str | None
    home_school_name: str | None
    school_id: str  # the receiving school
    school_name: str | None
    group: str | None
    start_year: int
    end_year: int
    term: int
    age_at_start: int | None
    honor: Honor | None
    volunteer: bool | None
    locked: bool
    ended_early: bool  # ended before its planned end (rules.md "Ended early")
    end_reason: str  # why it ended early; blank otherwise


@dataclass(frozen=True)
class BySchoolRow:
    member_school_id: str
    member_school_name: str
    role: Role
    group: str | None
    year: int
    member: bool  # a member of its group that year (MEMBERSHIP)
    staff: str  # "S1 张三 (数学); ..."
    count: int
    capacity: int | None
    # Mutual moves (互派): at a core school who arrived, at a member who left.
    mutual: str


@dataclass(frozen=True)
class CoverageRow:
    need_school_id: str
    need_school_name: str | None
    group: str | None
    year: int
    subject: str
    need_stage: Stage | None
    priority: Decimal
    count: int
    covered: int
    gap: int
    weighted_need: Decimal
    weighted_covered: Decimal
    serving: str
    reason: str  # reason codes, comma-separated; blank when the need is met
    reason_note: str
    # The departures (互派) that added to this need: "X1 李四 (数学); ..."; blank: none.
    mutual_from: str


@dataclass(frozen=True)
class RuleCheckRow:
    rule: str
    group: str | None
    year: int | None
    scope: str | None  # the instance (school, subject, ...), or the violators of an aggregate
    required: Decimal | None
    achieved: Decimal | None
    checked: int  # instances checked (1 unless aggregated)
    violated: int
    status: str  # "ok", "violated", or "shortfall" (allowed by --allow-shortfall)
    note: str
    shortfall: Decimal | None = None  # size of an allowed shortfall


@dataclass(frozen=True)
class StaffRow:
    staff_id: str
    name: str
    staff_school_id: str
    staff_school_name: str | None
    subject: str
    stage: Stage
    position: Position
    age_first_year: int
    honor: Honor
    level_ok: bool
    age_exception: bool
    volunteer: bool
    needs_experience: bool
    eligible_first_year: bool
    reasons: str  # rule ids making them ineligible in first_year, joined by ','
    placed: bool
    placements: str  # "M1 学校 2022-2023; ..."
    exchange_years: int  # ledger: past exchanges (history sheet) + years in the plan


@dataclass(frozen=True)
class EvaluationRow:
    group_id: str
    group: str
    year: int
    core_headcount: int
    staff_started: int
    cadres_started: int
    staff_serving: int
    mutual_arrivals: int  # the other direction: member staff at the core school (互派)
    weighted_need: Decimal
    weighted_covered: Decimal
    coverage_ratio: Decimal | None  # covered / need, 4 places; None without needs
    teacher_quota_required: Decimal | None
    cadre_quota_required: Decimal | None


@dataclass(frozen=True)
class MutualRow:
    """One agreed move of a member school's staff member to the core school (互派)."""

    staff_id: str
    name: str
    from_school_id: str
    from_school_name: str | None
    to_school_id: str
    to_school_name: str | None
    group: str | None
    subject: str
    stage: Stage
    start_year: int
    end_year: int
    term: int
    needs_cover: bool
    priority: Decimal
    ended_early: bool = False
    end_reason: str = ""


@dataclass(frozen=True)
class SummaryRow:
    """``item`` is a fixed key the writer translates; ``arg`` fills its label."""

    item: str
    arg: str | None
    value: object


@dataclass(frozen=True)
class ConflictRow:
    rules: str  # rule ids, comma-separated
    group: str | None
    year: int | None
    required: int | None
    possible: int | None
    message: str
    instances: str  # "label: detail; ..."


@dataclass(frozen=True)
class ReportTables:
    summary: list[SummaryRow]
    roster: list[RosterRow]
    by_school: list[BySchoolRow]
    coverage: list[CoverageRow]
    rule_checks: list[RuleCheckRow]
    staff: list[StaffRow]
    evaluation: list[EvaluationRow]
    mutual: list[MutualRow]


@dataclass(frozen=True)
class ChangeRow:
    """One change of a replan against the published plan."""

    kind: str
    staff_id: str
    name: str
    group: str | None
    year: int
    before: str
    after: str
    why: str
