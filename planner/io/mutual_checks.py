"""The checks of the ``mutual`` sheet (互派): who moves, from which member
school to which core school, in which years (MEMBERSHIP, TERM, ONE-PLACE,
the horizon). Messages name the row's person and say how to fix it."""

from __future__ import annotations

from planner.data import MutualMove
from planner.enums import Role
from planner.io.findings import FIRST, Checks, member, span
from planner.rules import Rule

__all__ = ["mutual"]


def mutual(ctx: Checks) -> None:
    """Mutual moves (互派): who, from where to where, when."""
    seen: dict[str, list[int]] = {}
    for i, move in enumerate(ctx.s.mutual):
        label = f"互派人员 {move.staff_id}"
        if move.staff_id in ctx.staff_ids:
            ctx.add(
                "mutual",
                i,
                "staff_id",
                move.staff_id,
                f"{label}：工号 {move.staff_id} 已是教职工表中核心校人员的工号；互派人员是成员校"
                "人员，请给其另一个工号",
            )
        _mutual_schools(ctx, i, move, label)
        _mutual_years(ctx, i, move, label)
        for j in seen.get(move.staff_id, []):
            other = ctx.s.mutual[j]
            if move.start_year <= other.end_year and other.start_year <= move.end_year:
                ctx.add(
                    "mutual",
                    i,
                    "start_year",
                    move.start_year,
                    f"{label}：{move.start_year}—{move.end_year} 学年与同一人的另一次互派"
                    f"（{FIRST}，{other.start_year}—{other.end_year} 学年）重叠；"
                    "同一人同一学年只能在一处，请改开始或结束学年",
                    first_index=j,
                    rule=Rule.ONE_PLACE,
                )
        seen.setdefault(move.staff_id, []).append(i)


def _mutual_schools(ctx: Checks, i: int, move: MutualMove, label: str) -> None:
    """from_school a member of to_school's group in every year; to_school its core."""
    source = ctx.schools.get(move.from_school)
    target = ctx.schools.get(move.to_school)
    ctx.reference(
        ("mutual", i, "from_school"),
        move.from_school,
        "schools",
        f"{label}：派出学校 {move.from_school} 不在学校表中；请填写学校表中成员校的学校编号。",
    )
    ctx.reference(
        ("mutual", i, "to_school"),
        move.to_school,
        "schools",
        f"{label}：接收学校 {move.to_school} 不在学校表中；请填写本集团核心校的学校编号。",
    )
    if source is None:
        return
    if source.role is Role.CORE:
        ctx.add(
            "mutual",
            i,
            "from_school",
            move.from_school,
            f"{label}：派出学校 {move.from_school} 是核心校；互派是成员校人员到本集团"
            "核心校，请填写成员校的学校编号",
            rule=Rule.MEMBERSHIP,
        )
        return
    if not move.stage.teaches() <= source.stage.teaches():
        ctx.add(
            "mutual",
            i,
            "stage",
            move.stage.value,
            f"{label}：派出学校 {move.from_school} 不设 {move.stage.value} 学段；请填写该校"
            "开设的学段",
        )
    if target is not None and (target.role is not Role.CORE or target.group_id != source.group_id):
        core = next(
            (
                sc.school_id
                for sc in ctx.s.schools
                if sc.group_id == source.group_id and sc.role is Role.CORE
            ),
            None,
        )
        fix = f"请填写 {core}" if core is not None else "请在学校表中为该集团指定核心校"
        ctx.add(
            "mutual",
            i,
            "to_school",
            move.to_school,
            f"{label}：接收学校 {move.to_school} 不是 {move.from_school} 所在集团 "
            f"{source.group_id} 的核心校；{fix}",
            rule=Rule.MEMBERSHIP,
        )
    group = ctx.groups.get(source.group_id)
    if group is None:
        return
    out = [
        y
        for y in range(move.start_year, move.end_year + 1)
        if not member(source, group.founded_year, y)
    ]
    if out:
        ctx.add(
            "mutual",
            i,
            "start_year" if out[0] == move.start_year else "end_year",
            move.start_year if out[0] == move.start_year else move.end_year,
            f"{label}：{move.from_school} 在 {', '.join(map(str, out))} 学年不是集团 "
            f"{group.group_id} 的成员校；互派的每个学年派出学校都须在集团内，请改开始或"
            "结束学年，或改学校表的加入/退出学年",
            rule=Rule.MEMBERSHIP,
        )


def _mutual_years(ctx: Checks, i: int, move: MutualMove, label: str) -> None:
    """Start before end, a term within TERM, some year inside the horizon."""
    policy = ctx.s.policy
    if move.start_year > move.end_year:
        ctx.add(
            "mutual",
            i,
            "end_year",
            move.end_year,
            f"{label}：结束学年 {move.end_year} 早于开始学年 {move.start_year}；结束学年是"
            "最后一个在核心校的学年（含）",
        )
        return
    if not policy.term_min <= move.term <= policy.term_max:
        ctx.add(
            "mutual",
            i,
            "end_year",
            move.end_year,
            f"{label}：{move.start_year}—{move.end_year} 共 {move.term} 学年，不在交流年限 "
            f"{policy.term_min}..{policy.term_max} 学年之内；请改结束学年",
            rule=Rule.TERM,
        )
    if ctx.u.settings:
        return
    years = ctx.s.years
    if move.end_year < years.start or move.start_year >= years.stop:
        ctx.add(
            "mutual",
            i,
            "start_year",
            move.start_year,
            f"{label}：{move.start_year}—{move.end_year} 学年没有一年在规划期 "
            f"{span(ctx.s.first_year, ctx.s.horizon)} 内；请删去该行或改设置表的起始学年/"
            "规划年数",
        )
