"""What the scenario checks share: a :class:`Finding` (one problem, located
by sheet and item index), :class:`Unparsed` (what the input holds but could
not be built) and :class:`Checks` (the scenario, its first group and school
of each id, the findings so far). :mod:`planner.io.validation` runs the
checks; :mod:`planner.io.mutual_checks` holds those of the ``mutual`` sheet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planner.data import Group, Scenario, School
from planner.problems import Problem

__all__ = ["FIRST", "Checks", "Finding", "Unparsed", "member", "name_key", "span"]

# In Finding.expected, replaced by where the first occurrence is.
FIRST = "{first}"


@dataclass(frozen=True)
class Finding:
    """One cross-reference problem, located by sheet and item index.

    ``sheet`` and ``column`` are canonical names of the contract.
    ``index`` is the position in the scenario's list for ``sheet``
    (``settings``: the key). ``first_index``, for a duplicate, is the
    position of the first occurrence; ``expected`` then contains
    ``{first}``, filled in by :meth:`problem` with its row.
    """

    sheet: str
    index: int | str | None
    column: str | None
    value: object
    expected: str
    first_index: int | None = None
    rule: str | None = None

    def problem(
        self,
        rows: Mapping[int | str, int] | None = None,
        *,
        sheet_title: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> Problem:
        """This finding as a :class:`Problem`.

        ``rows`` maps an item index (or a settings key) of this sheet to its
        Excel row; ``sheet_title`` and ``labels`` give the sheet's name and
        column headers as written in the workbook. Without them the problem
        names the canonical sheet and column and no row.
        """
        row = rows.get(self.index) if rows is not None and self.index is not None else None
        column = self.column
        if isinstance(self.index, str) and row is not None:
            column = "value"  # a key/value sheet: the value cell of that key's row
        if column is not None and labels is not None:
            column = labels.get(column, column)
        expected = self.expected
        if self.first_index is not None:
            first_row = rows.get(self.first_index) if rows is not None else None
            where = (
                f"row {first_row}"
                if first_row is not None
                else f"item {self.first_index + 1} of {self.sheet}"
            )
            expected = expected.replace(FIRST, where)
        return Problem(sheet_title or self.sheet, row, column, self.value, expected, self.rule)


@dataclass
class Unparsed:
    """What the input holds but could not be built into the scenario.

    ``group_ids``/``school_ids``/``staff_ids``: ids of rows that failed to
    parse (references to them are not reported). ``incomplete_groups``:
    groups with a school row that failed (their core-school count is not
    checked). ``sheets``: sheets whose ids could not be read at all (missing
    sheet or id column): no reference into them is checked. ``settings``:
    the settings could not be read, so the horizon is unknown.
    """

    group_ids: set[str] = field(default_factory=set)
    school_ids: set[str] = field(default_factory=set)
    staff_ids: set[str] = field(default_factory=set)
    incomplete_groups: set[str] = field(default_factory=set)
    sheets: set[str] = field(default_factory=set)
    settings: bool = False

    def group_exists(self, group_id: str) -> bool:
        return group_id in self.group_ids or "groups" in self.sheets

    def school_exists(self, school_id: str) -> bool:
        return school_id in self.school_ids or "schools" in self.sheets

    def staff_exists(self, staff_id: str) -> bool:
        return staff_id in self.staff_ids or "staff" in self.sheets

    def group_incomplete(self, group_id: str) -> bool:
        return group_id in self.incomplete_groups or "schools" in self.sheets


def span(first: int, horizon: int) -> str:
    return f"{first}..{first + horizon - 1}"


def name_key(text: object) -> str:
    """A name as compared with a typed value: NFKC, without blanks, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def _by_name(items: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """name key -> the (id, name) pairs of that name (ids once each)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for item_id, name in items:
        if name and name.strip():
            pairs = out.setdefault(name_key(name), [])
            if all(i != item_id for i, _ in pairs):
                pairs.append((item_id, name.strip()))
    return out


# The name of a school, group or staff member typed where its id belongs.
_TYPED_NAME = "是否应为 {0} {1}？（此处填的是名称，请改填编号 {0}）"
_TYPED_NAME_MANY = "“{0}”是 {1} 的名称（同名），请改填其中一个编号"


@dataclass
class Checks:
    """What the checks share: the scenario, what could not be built, the
    first group and school of each id, and the findings so far."""

    s: Scenario
    u: Unparsed
    out: list[Finding] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    staff_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # First occurrence wins, as the messages say.
        for g in self.s.groups:
            self.groups.setdefault(g.group_id, g)
        for sc in self.s.schools:
            self.schools.setdefault(sc.school_id, sc)
        self.staff_ids = {st.staff_id for st in self.s.staff}
        self.names: dict[str, dict[str, list[tuple[str, str]]]] = {
            "groups": _by_name((g.group_id, g.name) for g in self.s.groups),
            "schools": _by_name((sc.school_id, sc.name) for sc in self.s.schools),
            "staff": _by_name((st.staff_id, st.name) for st in self.s.staff),
        }

    def did_you_mean(self, sheet: str, value: str) -> str:
        """For an unknown id of ``sheet`` (groups, schools, staff) that is exactly
        the name of one of its items: "是否应为 102 满庄中学？…" (several: the
        ids to choose from); else nothing. Never a guess: the value stays refused."""
        found = self.names[sheet].get(name_key(value), [])
        if len(found) == 1:
            return _TYPED_NAME.format(*found[0])
        if found:
            return _TYPED_NAME_MANY.format(value, "、".join(i for i, _ in found))
        return ""

    def known(self, target: str, value: str) -> bool:
        """Whether ``value`` is an id of sheet ``target`` (built or not)."""
        if target == "groups":
            return value in self.groups or self.u.group_exists(value)
        if target == "schools":
            return value in self.schools or self.u.school_exists(value)
        return value in self.staff_ids or self.u.staff_exists(value)

    def reference(
        self,
        where: tuple[str, int, str],
        value: str,
        target: str,
        message: str,
        names_only: bool = False,
    ) -> bool:
        """Check that ``value`` in (sheet, index, column) ``where`` is an id of
        ``target``; if not, add ``message`` with :meth:`did_you_mean`. With
        ``names_only`` (past exchanges may name ids no longer in the scenario),
        only a name typed for an id is reported. Returns whether it is known."""
        if self.known(target, value):
            return True
        hint = self.did_you_mean(target, value)
        if hint or not names_only:
            sheet, index, column = where
            self.add(sheet, index, column, value, f"{message} {hint}" if hint else message)
        return False

    def add(
        self,
        sheet: str,
        index: int | str | None,
        column: str | None,
        value: object,
        expected: str,
        first_index: int | None = None,
        rule: str | None = None,
    ) -> None:
        self.out.append(Finding(sheet, index, column, value, expected, first_index, rule))


def member(school: School, founded_year: int, year: int) -> bool:
    """Whether ``school`` is a member of its group (founded ``founded_year``) in ``year``."""
    joined = school.joined_year if school.joined_year is not None else founded_year
    return joined <= year and (school.left_year is None or year < school.left_year)
