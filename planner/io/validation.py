"""Cross-reference checks on a built :class:`~planner.data.Scenario`.

Each entity checks its own values when it is made (``planner.data``); what
is left is everything that involves more than one row: duplicate ids,
references to unknown ids, a staff member not at a core school, a group
without exactly one core school, needs outside the horizon or at a school
that is not a member in that year, and so on. The checks of the ``mutual``
sheet (互派) are in :mod:`planner.io.mutual_checks`; what the checks share
(:class:`Finding`, :class:`Unparsed`) in :mod:`planner.io.findings`.

The checks work on any scenario, read from a workbook or built in Python.
Each :class:`Finding` knows the sheet and the position (index) of the item
it concerns in the scenario's list for that sheet (``scenario.staff[3]`` is
index 3 of sheet ``staff``; a setting is indexed by its key), so the
workbook reader can turn it into a :class:`~planner.problems.Problem` that
names the Excel row. Every message names the bad id.

``Unparsed`` tells the checks which ids exist in the input although their
rows could not be built, so that a reference to such an id is not reported
as unknown on top of the row's own problem.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.data import Need, Scenario, School
from planner.enums import Role, Stage
from planner.io.cells import HORIZON_MAX, YEAR_MAX, YEAR_MIN
from planner.io.findings import FIRST, Checks, Finding, Unparsed, member, span
from planner.io.limits import MAX_AGE_AT_START, MIN_AGE_AT_START
from planner.io.mutual_checks import mutual
from planner.io.schema import ID_COLUMNS
from planner.problems import Problem

__all__ = [
    "Finding",
    "Unparsed",
    "duplicate_expected",
    "scenario_findings",
    "scenario_problems",
]

# What a row of each sheet with its own id (ID_COLUMNS) is.
_NOUNS: dict[str, str] = {"groups": "group", "schools": "school", "staff": "staff member"}


def duplicate_expected(sheet: str, item_id: str, first: str) -> str:
    """The sentence for a repeated id; ``first`` says where it was first used."""
    return (
        f"duplicate {ID_COLUMNS[sheet]} '{item_id}': already used in {first}; "
        f"give each {_NOUNS[sheet]} its own id"
    )


def scenario_problems(scenario: Scenario, unparsed: Unparsed | None = None) -> list[Problem]:
    """Every cross-reference problem of ``scenario``, without Excel rows."""
    return [f.problem() for f in scenario_findings(scenario, unparsed)]


def scenario_findings(scenario: Scenario, unparsed: Unparsed | None = None) -> list[Finding]:
    """Every cross-reference problem of ``scenario``, located by item index."""
    checks = Checks(scenario, unparsed or Unparsed())
    for check in _CHECKS:
        check(checks)
    return checks.out


def _settings(ctx: Checks) -> None:
    if ctx.u.settings:
        return
    s = ctx.s
    if not isinstance(s.name, str) or not s.name.strip():
        ctx.add("settings", "name", "name", s.name, "the scenario needs a name")
    if not YEAR_MIN <= s.first_year <= YEAR_MAX:
        ctx.add(
            "settings",
            "first_year",
            "first_year",
            s.first_year,
            f"first_year: expected a four-digit school year {YEAR_MIN}..{YEAR_MAX}",
        )
    if not 1 <= s.horizon <= HORIZON_MAX:
        ctx.add(
            "settings",
            "horizon",
            "horizon",
            s.horizon,
            f"horizon: expected a whole number of school years 1..{HORIZON_MAX}",
        )


def _duplicates(ctx: Checks) -> None:
    kinds: tuple[tuple[str, list[str]], ...] = (
        ("groups", [g.group_id for g in ctx.s.groups]),
        ("schools", [sc.school_id for sc in ctx.s.schools]),
        ("staff", [st.staff_id for st in ctx.s.staff]),
    )
    for sheet, ids in kinds:
        first: dict[str, int] = {}
        for i, item_id in enumerate(ids):
            if item_id in first:
                ctx.add(
                    sheet,
                    i,
                    ID_COLUMNS[sheet],
                    item_id,
                    duplicate_expected(sheet, item_id, FIRST),
                    first_index=first[item_id],
                )
            else:
                first[item_id] = i


def _schools(ctx: Checks) -> None:
    for i, sc in enumerate(ctx.s.schools):
        ctx.reference(
            ("schools", i, "group_id"),
            sc.group_id,
            "groups",
            f"school {sc.school_id}: group '{sc.group_id}' is not in sheet groups; "
            "use a group_id of the groups sheet",
        )


def _core_schools(ctx: Checks) -> None:
    cores: dict[str, list[int]] = {}
    for i, sc in enumerate(ctx.s.schools):
        if sc.role is Role.CORE:
            cores.setdefault(sc.group_id, []).append(i)
    seen: set[str] = set()
    for gi, g in enumerate(ctx.s.groups):
        if g.group_id in seen:
            continue  # a duplicate group row: reported as such
        seen.add(g.group_id)
        if g.group_id not in cores and not ctx.u.group_incomplete(g.group_id):
            ctx.add(
                "groups",
                gi,
                "group_id",
                g.group_id,
                f"group {g.group_id} has no core school; give exactly one of its "
                "schools the role core",
            )
    for group_id, indexes in cores.items():
        first = indexes[0]
        core_id = ctx.s.schools[first].school_id
        for i in indexes[1:]:
            sc = ctx.s.schools[i]
            if sc.school_id == core_id:
                continue  # the same school twice: reported as a duplicate id
            ctx.add(
                "schools",
                i,
                "role",
                sc.role.value,
                f"school {sc.school_id}: group {group_id} already has core school "
                f"{core_id} ({FIRST}); a group has exactly one core school",
                first_index=first,
            )


def _staff(ctx: Checks) -> None:
    for i, st in enumerate(ctx.s.staff):
        school = ctx.schools.get(st.school_id)
        if school is None:
            ctx.reference(
                ("staff", i, "school_id"),
                st.school_id,
                "schools",
                f"staff {st.staff_id}: school '{st.school_id}' is not in sheet "
                "schools; use the school_id of the staff member's core school",
            )
        elif school.role is not Role.CORE:
            ctx.add(
                "staff",
                i,
                "school_id",
                st.school_id,
                f"staff {st.staff_id}: school {st.school_id} is a {school.role.value} "
                "member school, not a core school; the staff sheet lists core-school "
                "staff only",
            )
        age = st.age_at(ctx.s.first_year)
        known_year = not ctx.u.settings and YEAR_MIN <= ctx.s.first_year <= YEAR_MAX
        if known_year and not MIN_AGE_AT_START <= age <= MAX_AGE_AT_START:
            ctx.add(
                "staff",
                i,
                "birth_date",
                st.birth_date.isoformat(),
                _AGE_OUT_OF_RANGE.format(
                    st.staff_id, age, ctx.s.first_year, MIN_AGE_AT_START, MAX_AGE_AT_START
                ),
            )
        pref = st.preferred_school
        if pref is not None:
            ctx.reference(
                ("staff", i, "preferred_school"),
                pref,
                "schools",
                f"staff {st.staff_id}: preferred school '{pref}' is not in sheet "
                "schools; use a school_id of the schools sheet or leave it blank",
            )


_AGE_OUT_OF_RANGE = (
    "教职工 {0}：按此出生日期，{2} 学年 9 月 1 日时年龄为 {1} 岁，不在 {3}..{4} 岁之间；"
    "请核对出生日期（年份是否写错）。"
)


def _needs(ctx: Checks) -> None:
    s = ctx.s
    for i, need in enumerate(s.needs):
        label = f"need at {need.school_id} in {need.year} ({need.subject})"
        if not ctx.u.settings and need.year not in s.years:
            ctx.add(
                "needs",
                i,
                "year",
                need.year,
                f"{label}: year {need.year} is outside the plan horizon "
                f"{span(s.first_year, s.horizon)}; use a year of the horizon or "
                "change first_year/horizon in settings",
            )
        school = ctx.schools.get(need.school_id)
        if school is None:
            ctx.reference(
                ("needs", i, "school_id"),
                need.school_id,
                "schools",
                f"{label}: school '{need.school_id}' is not in sheet schools; "
                "use a school_id of the schools sheet",
            )
            continue
        _need_member_school(ctx, i, need, school, label)
        _need_stage(ctx, i, need, school, label)


def _need_member_school(ctx: Checks, i: int, need: Need, school: School, label: str) -> None:
    """A need is stated by a member school (not the core), in a year it is a member."""
    if school.role is Role.CORE:
        ctx.add(
            "needs",
            i,
            "school_id",
            need.school_id,
            f"{label}: {need.school_id} is a core school; needs are stated by "
            "member schools (fusion or alliance)",
        )
        return
    group = ctx.groups.get(school.group_id)
    if group is not None and not member(school, group.founded_year, need.year):
        joined = school.joined_year if school.joined_year is not None else group.founded_year
        left = f", left {school.left_year}" if school.left_year is not None else ""
        ctx.add(
            "needs",
            i,
            "year",
            need.year,
            f"{label}: school {need.school_id} is not a member of group "
            f"{group.group_id} in {need.year} (joined {joined}{left}); drop the "
            "row or fix joined_year/left_year in schools",
        )


def _need_stage(ctx: Checks, i: int, need: Need, school: School, label: str) -> None:
    """A need's stage is one the school teaches; a nine-year school must name it."""
    if need.stage is None:
        if school.stage is Stage.NINE_YEAR:
            ctx.add(
                "needs",
                i,
                "stage",
                None,
                f"{label}: {need.school_id} is a nine-year school; say which stage "
                "is needed (primary or junior)",
            )
    elif not need.stage.teaches() <= school.stage.teaches():
        ctx.add(
            "needs",
            i,
            "stage",
            need.stage.value,
            f"{label}: school {need.school_id} is a {school.stage.value} school and "
            f"does not teach {need.stage.value}; use "
            + " or ".join(st.value for st in sorted(school.stage.teaches()))
            + " or leave it blank",
        )


def _core_keep(ctx: Checks) -> None:
    for i, keep in enumerate(ctx.s.core_keep):
        school = ctx.schools.get(keep.school_id)
        label = f"core_keep {keep.school_id} {keep.subject}"
        if school is None:
            ctx.reference(
                ("core_keep", i, "school_id"),
                keep.school_id,
                "schools",
                f"{label}: school '{keep.school_id}' is not in sheet schools; use "
                "the school_id of a core school",
            )
        elif school.role is not Role.CORE:
            ctx.add(
                "core_keep",
                i,
                "school_id",
                keep.school_id,
                f"{label}: {keep.school_id} is a {school.role.value} member school, not "
                "a core school; core_keep applies to core schools only",
            )


def _commitments(ctx: Checks) -> None:
    for i, c in enumerate(ctx.s.commitments):
        label = f"commitment of {c.staff_id} at {c.school_id}"
        ctx.reference(
            ("commitments", i, "staff_id"),
            c.staff_id,
            "staff",
            f"{label}: staff '{c.staff_id}' is not in sheet staff; use a staff_id "
            "of the staff sheet",
        )
        ctx.reference(
            ("commitments", i, "school_id"),
            c.school_id,
            "schools",
            f"{label}: school '{c.school_id}' is not in sheet schools; use a "
            "school_id of the schools sheet",
        )
        if c.start_year > c.end_year:
            ctx.add(
                "commitments",
                i,
                "end_year",
                c.end_year,
                f"{label}: end_year {c.end_year} is before start_year {c.start_year}; "
                "end_year is the last school year served (inclusive)",
            )


def _history(ctx: Checks) -> None:
    """Past exchanges: only their years are checked; staff who have left
    and schools no longer in the scenario may appear."""
    for i, h in enumerate(ctx.s.history):
        for column, value, target in (
            ("staff_id", h.staff_id, "staff"),
            ("school_id", h.school_id, "schools"),
        ):
            ctx.reference(
                ("history", i, column),
                value,
                target,
                _HISTORY_NAME.format(h.staff_id, value),
                names_only=True,
            )
        if h.start_year > h.end_year:
            ctx.add(
                "history",
                i,
                "end_year",
                h.end_year,
                f"past exchange of {h.staff_id}: end_year {h.end_year} is before start_year "
                f"{h.start_year}; end_year is the last school year served (inclusive)",
            )


_HISTORY_NAME = "交流记录：{0} 的“{1}”不是编号。"


def _bans(ctx: Checks) -> None:
    """BAN rows name a staff member and (or blank) a school of the scenario."""
    for i, b in enumerate(ctx.s.bans):
        ctx.reference(
            ("bans", i, "staff_id"),
            b.staff_id,
            "staff",
            f"禁派：工号 '{b.staff_id}' 不在 staff（教职工）表中；请填写教职工表中的工号。",
        )
        if b.school_id is not None:
            ctx.reference(
                ("bans", i, "school_id"),
                b.school_id,
                "schools",
                f"禁派：学校 '{b.school_id}' 不在 schools（学校）表中；请填写学校表中的学校编号，"
                "或留空表示此人不得派出。",
            )


def _budget(ctx: Checks) -> None:
    first: dict[int, int] = {}
    for i, b in enumerate(ctx.s.budget):
        if b.year in first:
            ctx.add(
                "budget",
                i,
                "year",
                b.year,
                f"budget year {b.year} appears twice (first in {FIRST}); give one amount per year",
                first_index=first[b.year],
            )
        else:
            first[b.year] = i


# Every check, in the order its findings are reported.
_CHECKS: tuple[Callable[[Checks], None], ...] = (
    _settings,
    _duplicates,
    _schools,
    _core_schools,
    _staff,
    _needs,
    _core_keep,
    _commitments,
    _history,
    _bans,
    _budget,
    mutual,
)
