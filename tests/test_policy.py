"""Policy parameters: the Taishan YAML states the rules.md defaults, and every
bad value is refused with the key, the value and what is expected."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from planner.enums import Honor, Role
from planner.io.policy_file import DEFAULT_POLICY_FILE, load_policy
from planner.policy import Policy
from planner.problems import ScenarioError


def test_taishan_file_holds_the_rules_md_defaults() -> None:
    policy = load_policy(DEFAULT_POLICY_FILE)
    assert policy == Policy()
    # The numbers of rules.md, spelled out so a changed default is noticed.
    assert (policy.term_min, policy.term_max) == (2, 5)
    assert policy.ratio_first_year == Decimal("0.15")
    assert policy.ratio_later_years == Decimal("0.05")
    assert (policy.cadre_min_first_year, policy.cadre_min_later_years) == (2, 0)
    assert policy.max_age == 45
    assert policy.min_honor is Honor.DISTRICT
    assert policy.require_level is True
    assert policy.receiving_roles == {Role.FUSION, Role.ALLIANCE}
    assert policy.objective_order == ("COVER", "FAIR", "PREFER", "COST")


def test_overrides_parse_text_values() -> None:
    policy = Policy().with_overrides(
        {
            "ratio_later_years": "10%",
            "max_age": "50",
            "require_level": "否",
            "receiving_roles": "fusion",
        }
    )
    assert policy.ratio_later_years == Decimal("0.1")
    assert policy.max_age == 50
    assert policy.require_level is False
    assert policy.receiving_roles == {Role.FUSION}


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"ratio_first_year": "1.5"}, "ratio_first_year: expected a ratio in 0..1"),
        ({"term_min": 4, "term_max": 3}, "term_min must not exceed term_max (3)"),
        ({"max_agee": 50}, "unknown policy key"),
        ({"min_honor": "gold"}, "one of none, school, district"),
        ({"receiving_roles": "core"}, "fusion, alliance"),
        ({"objective_order": "COVER,COVER"}, "each at most once"),
    ],
)
def test_bad_values_are_refused_with_the_key(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        Policy().with_overrides(overrides, where="policy")
    assert fragment in str(info.value)
    assert "sheet 'policy'" in str(info.value)


def test_bad_policy_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("parameters:\n  ratio_later_years: -0.1\n  term_max: 9x\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_policy(path)
    text = str(info.value)
    assert str(path) in text
    assert "ratio_later_years" in text and "term_max" in text  # both problems, not the first
