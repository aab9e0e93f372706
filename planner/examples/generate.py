"""Synthetic scenarios of any size, for benchmarks and tests.

``generate_scenario("city", groups=40, seed=1)`` makes a reproducible scenario
in the contract format of ``docs/scenario-format.en.md``: education groups
with a junior, primary or nine-year core school and two to six fusion and
alliance members; core-school rosters (subjects by stage, ages 23-59, honours,
positions, certified level, volunteers and preferred members, staff needing
exchange experience, years away) made by the same building blocks as the
built-in Taishan scenario (:mod:`planner.examples.rosters`); member-school needs
above what the quotas force; capacities that admit everyone the quotas send;
CORE-KEEP rows; members joining in a later year or leaving; commitments
(exchanges under way in groups founded before the plan, and exchanges already
decided for the first plan year); and, with ``budget=True``, staff-year costs
and a district fund per plan year that binds but leaves the quotas payable.

Presets (:data:`PRESETS`):

* ``district``: a district like Taishan, 4 groups of 120-300 staff per core;
* ``city``: 40 groups of about 250 staff per core (about 10,000 staff);
* ``province``: 100 groups of 200-400 staff per core, more members each.

Only ``random.Random(seed)`` is used, in a fixed order, so the same preset,
group count, seed and options give an equal :class:`~planner.data.Scenario`.
Every generated scenario is feasible: the counts behind the quotas, capacities,
CORE-KEEP, commitments and budget are chosen with a margin, and the tests run
:func:`planner.model.diagnose.precheck` on it and solve small ones. No real people
or schools are described.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import TypedDict

from planner.data import (
    BudgetRow,
    Commitment,
    CoreKeep,
    Need,
    Role,
    Scenario,
    School,
    Staff,
)
from planner.examples.groups import (
    GroupPlan,
    cadre_quota,
    capacities,
    make_group,
    teacher_quota,
)
from planner.examples.naming import Namer
from planner.examples.presets import PRESETS, Preset
from planner.examples.rosters import core_keep_of, needs_of_member
from planner.i18n import _
from planner.io.policy_file import load_policy
from planner.io.writer import write_scenario
from planner.policy import Policy

__all__ = [
    "COST_CADRE",
    "COST_TEACHER",
    "FIRST_YEAR",
    "HORIZON",
    "PRESETS",
    "Preset",
    "generate_scenario",
    "generation_notes",
    "write_generated",
]

FIRST_YEAR = 2024
HORIZON = 5

# BUDGET: cost per staff-year on exchange (万元: allowance, travel, cover).
COST_TEACHER = Decimal("1.2")
COST_CADRE = Decimal("1.5")
# The fund of a year: what the quotas force at the least, plus this share of
# what filling every member place would cost on top (so it binds), rounded up
# to a multiple of BUDGET_STEP.
BUDGET_ROOM = Decimal("0.4")
BUDGET_STEP = Decimal("0.1")


def generate_scenario(
    preset: str = "district",
    groups: int | None = None,
    seed: int = 0,
    *,
    budget: bool = False,
    first_year: int = FIRST_YEAR,
    horizon: int = HORIZON,
    staff_per_core: tuple[int, int] | None = None,
) -> Scenario:
    """A synthetic, feasible scenario of the ``preset`` size (see :data:`PRESETS`).

    ``groups`` defaults to the preset's; ``staff_per_core`` overrides its
    range of staff per core school (small scenarios for tests). With
    ``budget`` the policy prices each staff-year and every plan year gets a
    fund that binds.
    """
    if preset not in PRESETS:
        raise ValueError(
            _("unknown preset {preset!r}; use one of {presets}").format(
                preset=preset, presets=", ".join(PRESETS)
            )
        )
    shape = PRESETS[preset]
    count = shape.default_groups if groups is None else groups
    if count < 1:
        raise ValueError(_("groups must be at least 1, got {count}").format(count=count))
    low, high = staff_per_core or shape.staff_per_core
    if not 1 <= low <= high:
        raise ValueError(
            _("staff per core school: bad range {low}..{high}").format(low=low, high=high)
        )
    if horizon < 1:
        raise ValueError(_("horizon must be at least 1, got {horizon}").format(horizon=horizon))
    rng = random.Random(seed)
    policy = load_policy()
    if budget:
        policy = replace(policy, cost_teacher=COST_TEACHER, cost_cadre=COST_CADRE)
    years = range(first_year, first_year + horizon)
    namer = Namer(rng)
    plans = [
        make_group(rng, namer, shape, policy, index, (low, high), years) for index in range(count)
    ]
    scenario = Scenario(
        name=f"合成{shape.label}级集团化办学 {count} 个集团 (示例数据, seed {seed})",
        first_year=first_year,
        horizon=horizon,
        policy=policy,
        groups=[p.group for p in plans],
        **_contents(rng, shape, policy, plans, years),
    )
    if budget:
        scenario.budget = _budget(scenario, scenario.schools)
    return scenario


class _Contents(TypedDict):
    schools: list[School]
    staff: list[Staff]
    needs: list[Need]
    core_keep: list[CoreKeep]
    commitments: list[Commitment]


def _contents(
    rng: random.Random, shape: Preset, policy: Policy, plans: Sequence[GroupPlan], years: range
) -> _Contents:
    """The schools, staff, needs, CORE-KEEP rows and commitments of the groups."""
    schools: list[School] = []
    staff: list[Staff] = []
    needs: list[Need] = []
    core_keep: list[CoreKeep] = []
    commitments: list[Commitment] = []
    for plan in plans:
        gid = plan.group.group_id
        caps = capacities(rng, shape, policy, plan, years)
        schools.append(School(plan.core.school_id, plan.core.name, gid, Role.CORE, plan.core.stage))
        for member in plan.members:
            schools.append(
                School(
                    member.school_id,
                    member.name,
                    gid,
                    member.role,
                    member.stage,
                    caps[member.school_id],
                    plan.joined.get(member.school_id),
                    plan.left.get(member.school_id),
                )
            )
            served = [y for y in years if plan.is_member(member.school_id, y)]
            row = replace(member, capacity=caps[member.school_id])
            needs += needs_of_member(rng, row, served)
        staff += plan.roster
        commitments += plan.commitments
        away = {(c.staff_id, y) for c in plan.commitments for y in c.years()}
        core_keep += core_keep_of(plan.core.school_id, plan.roster, years, away)
    return {
        "schools": schools,
        "staff": staff,
        "needs": needs,
        "core_keep": core_keep,
        "commitments": commitments,
    }


def _budget(scenario: Scenario, schools: Sequence[School]) -> list[BudgetRow]:
    """A fund per plan year: the least the quotas and commitments cost that
    year (as :func:`planner.model.diagnose.precheck` counts it), plus
    :data:`BUDGET_ROOM` of what filling every member place would cost more."""
    policy = scenario.policy
    staff_by_id = scenario.staff_by_id
    headcounts: dict[str, int] = defaultdict(int)
    core_group = {s.school_id: s.group_id for s in schools if s.role is Role.CORE}
    for person in scenario.staff:
        headcounts[core_group[person.school_id]] += 1
    rows: list[BudgetRow] = []
    for year in scenario.years:
        least = sum(
            (
                policy.cost_per_year(staff_by_id[c.staff_id].is_cadre)
                for c in scenario.commitments
                if c.covers(year)
            ),
            Decimal(0),
        )
        for group in scenario.groups:
            for y in range(year - policy.term_min + 1, year + 1):
                if y not in scenario.years:
                    continue
                quota = teacher_quota(policy, group.founded_year, y, headcounts[group.group_id])
                cadres = cadre_quota(policy, group.founded_year, y)
                least += cadres * policy.cost_cadre + max(quota - cadres, 0) * policy.cost_teacher
        places = sum(
            s.capacity or 0
            for s in schools
            if s.role in policy.receiving_roles and scenario.is_member(s, year)
        )
        full = places * policy.cost_teacher
        amount = least + BUDGET_ROOM * max(full - least, Decimal(0))
        rows.append(
            BudgetRow(year, (amount / BUDGET_STEP).to_integral_value(ROUND_CEILING) * BUDGET_STEP)
        )
    return rows


def generation_notes(preset: str, groups: int, seed: int, budget: bool) -> list[str]:
    """The ``about`` lines marking a generated workbook as synthetic (中文 + English)."""
    how = f"planner generate --preset {preset} --groups {groups} --seed {seed}" + (
        " --budget" if budget else ""
    )
    return [
        f"示例数据：由 `{how}` 生成的合成情景；学校、教职工、需求、容量与经费均为虚构，"
        "不涉及真实人员或学校。",
        f"Synthetic example data made by `{how}`; schools, staff, needs, capacities and "
        "funds are made up; not real people or schools.",
    ]


def write_generated(
    path: str | Path,
    preset: str = "district",
    groups: int | None = None,
    seed: int = 0,
    *,
    budget: bool = False,
) -> Scenario:
    """Generate a scenario and write it (atomically) as a workbook marked as synthetic."""
    scenario = generate_scenario(preset, groups, seed, budget=budget)
    notes = generation_notes(preset, len(scenario.groups), seed, budget)
    write_scenario(scenario, Path(path), notes=notes)
    return scenario
