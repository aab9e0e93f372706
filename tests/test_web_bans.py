"""The workbench's bans are rows of the BAN rule, as the ``bans`` sheet gives them."""

from __future__ import annotations

import pytest
from conftest import make_scenario

from planner.data import Ban
from planner.model import domain
from planner.problems import ScenarioError
from planner.web.scenarios import apply_pins_and_bans


def test_a_ban_with_a_school_bans_only_that_school() -> None:
    scenario = make_scenario()
    person = scenario.staff[0]
    m1, m2 = (scenario.school_by_id[s] for s in ("M1", "M2"))
    banned = apply_pins_and_bans(scenario, [], [{"staff_id": person.staff_id, "school_id": "M1"}])
    assert banned.bans == (Ban(person.staff_id, "M1", "工作台禁派"),)
    assert not domain.ban(banned, person, m1)
    assert domain.ban(banned, person, m2)
    # The person stays available: the ban binds decisions only, unlike AVAILABLE.
    assert banned.staff_by_id[person.staff_id].unavailable == person.unavailable


def test_a_ban_without_a_school_bans_every_school() -> None:
    scenario = make_scenario()
    person = scenario.staff[0]
    banned = apply_pins_and_bans(scenario, [], [{"staff_id": person.staff_id}])
    assert all(not domain.ban(banned, person, s) for s in banned.schools)


def test_a_ban_naming_an_unknown_school_is_refused() -> None:
    scenario = make_scenario()
    with pytest.raises(ScenarioError) as caught:
        apply_pins_and_bans(
            scenario, [], [{"staff_id": scenario.staff[0].staff_id, "school_id": "X9"}]
        )
    assert [(p.column, p.value) for p in caught.value.problems] == [("school_id", "X9")]
