"""Input problems: each names where it is (sheet, Excel row, column), the value
found and what was expected, so a planner can go straight to the cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.i18n import _, rule_label

_FILE_SUFFIXES = (".json", ".yaml", ".yml", ".xlsx", ".xlsm", ".xls", ".csv")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is the Excel row number (1-based, the header is row 1) when the
    problem comes from a workbook, else None. ``rule`` names a rule id of
    ``docs/rules.en.md`` where the problem is a rule conflict.
    """

    sheet: str
    row: int | None
    column: str | None
    value: object
    expected: str
    rule: str | None = None

    @property
    def names_file(self) -> bool:
        """Whether ``sheet`` is a file (a path or a file name), not a sheet: a sheet's
        name holds no slash, and none ends in a file extension of ours."""
        name = self.sheet.lower()
        return "/" in name or "\\" in name or name.endswith(_FILE_SUFFIXES)

    def location(self) -> str:
        """``sheet '教职工', row 3, column '出生日期'`` in the current language."""
        if self.names_file:
            parts = [_("file '{name}'").format(name=self.sheet)]
        else:
            parts = [_("sheet '{name}'").format(name=self.sheet)]
        if self.row is not None:
            parts.append(_("row {row}").format(row=self.row))
        if self.column is not None:
            parts.append(_("column '{name}'").format(name=self.column))
        return _(", ").join(parts)

    def __str__(self) -> str:
        blank = self.value is None or self.value == ""
        shown = _("(blank)") if blank else repr(self.value)
        prefix = f"{rule_label(self.rule)}: " if self.rule else ""
        return prefix + _("{where}: found {value}; {expected}").format(
            where=self.location(), value=shown, expected=self.expected
        )


class ScenarioError(Exception):
    """Raised when a scenario (or policy, or plan) cannot be used as given.

    Carries every problem found, not just the first.
    """

    def __init__(self, problems: Sequence[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        lines = [head + _("{n} problem(s) in the input:").format(n=len(self.problems))]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
