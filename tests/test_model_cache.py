"""Parts' models kept between stages: handed back as built, each part built
once per process, a part's next stage sent to the process holding it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import task_of
from ortools.sat.python import cp_model

import planner.model.levels as levels
from planner.data import Scenario
from planner.examples.generate import generate_scenario
from planner.model.decompose import independent_parts
from planner.model.levels import ModelCache, Task, build_model, run_task
from planner.model.pool import Runner
from planner.model.solve import SolveParams, solve
from planner.results import SolveStatus


@pytest.fixture(scope="module")
def district() -> Scenario:
    return generate_scenario("district", 3, seed=2, staff_per_core=(40, 50))


def _task(part: Scenario, levels_: tuple[str, ...], **fields: object) -> Task:
    return task_of(part, levels_, **{"model_key": "part 0", **fields})


def test_a_kept_model_comes_back_exactly_as_built(district: Scenario) -> None:
    part = independent_parts(district)[0]
    models = ModelCache()
    first = run_task(_task(part, ("COVER",)), models=models)
    assert first.failed is None
    cover = first.levels[0].value
    # A later stage adds the fixed COVER, FAIR's helpers, a cap, hints and
    # an objective to the kept model ...
    fair = run_task(
        _task(part, ("FAIR",), fixed=(("COVER", cover),), hint=first.solution, cap=5000),
        models=models,
    )
    assert fair.failed is None and fair.levels[0].value <= 5000
    # ... and none of it is left when the model is handed back.
    kept = models.built(_task(part, ("PREFER",)), None)
    fresh = build_model(part)
    assert str(kept.model.proto) == str(fresh.model.proto)
    assert not kept.model.proto.has_objective()
    assert not kept.model.proto.has_solution_hint()


def test_the_cached_model_gives_the_same_outcome(district: Scenario) -> None:
    part = independent_parts(district)[1]
    models = ModelCache()
    cover = run_task(_task(part, ("COVER",)), models=models)
    later = _task(part, ("PREFER",), fixed=(("COVER", cover.levels[0].value),), hint=cover.solution)
    kept = run_task(later, models=models)
    fresh = run_task(replace(later, model_key=""))
    assert kept.solution == fresh.solution
    assert [(lv.name, lv.value, lv.bound) for lv in kept.levels] == [
        (lv.name, lv.value, lv.bound) for lv in fresh.levels
    ]


def test_each_part_is_built_once_in_one_process(
    district: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    original = levels.build_model

    def counting(scenario: Scenario, **kwargs: object) -> levels.BuiltModel:
        built.append(scenario.groups[0].group_id)
        return original(scenario, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(levels, "build_model", counting)
    result = solve(district, SolveParams(processes=1))
    assert result.status is SolveStatus.OPTIMAL
    # Three parts, each through COVER, FAIR and PREFER (4 stages, 9 tasks).
    assert [lv.name for lv in result.levels] == ["COVER", "FAIR", "PREFER"]
    assert sorted(built) == sorted(g.group_id for g in district.groups)


def test_a_part_goes_to_the_process_holding_its_model(district: Scenario) -> None:
    runner = Runner(2, None, None)
    runner.homes = {"a": {1}, "b": {0}, "c": {0}}
    a, b, c, d = (
        replace(_task(district, ()), model_key=key, index=k) for k, key in enumerate("abcd")
    )
    # Process 1 holds a, process 0 holds b: each gets its own first.
    pending = [a, b, c, d]
    idle = [0, 1]
    assert runner._assign(pending, idle) == [(1, a), (0, b)]
    assert pending == [c, d] and idle == []
    # Process 1 comes free: d was never built, so it goes before c, which
    # process 0 holds.
    assert runner._assign(pending, [1]) == [(1, d)]
    # With only another process's part left, a free process takes it
    # rather than wait (the last, smallest one).
    pending = [b, c]
    assert runner._assign(pending, [1]) == [(1, c)]
    assert pending == [b]


def _part_of(model: cp_model.CpModel, solution: list[int]) -> levels.Part:
    built = levels.BuiltModel(model, None, None, None, 0.0)  # type: ignore[arg-type]
    part = levels.Part(Scenario.__new__(Scenario), SolveParams(), built)
    part.solution = solution
    return part


def test_a_plan_at_its_goals_floor_is_known_optimal_without_a_solve() -> None:
    # minimise 3 - x + y, x in 2..7, y in 0..1: no plan goes below 3 - 7 + 0.
    model = cp_model.CpModel()
    x, y = model.new_int_var(2, 7, "x"), model.new_bool_var("y")
    model.minimize(3 - x + y)
    assert _part_of(model, [7, 0])._at_floor() == -4
    assert _part_of(model, [6, 0])._at_floor() is None  # x could be 7
    assert _part_of(model, [7, 1])._at_floor() is None
    # maximise 2x: its ceiling, 14, in the goal's own sense.
    model.maximize(2 * x)
    assert _part_of(model, [7, 0])._at_floor() == 14
    assert _part_of(model, [6, 0])._at_floor() is None
    # A variable the plan has no value for (a new goal's helper): unknown.
    z = model.new_int_var(0, 1, "z")
    model.minimize(z)
    assert _part_of(model, [7, 0])._at_floor() is None
