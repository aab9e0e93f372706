"""The sizes and shapes of generated scenarios (:data:`PRESETS`): a district
like Taishan, a city, a province."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PRESETS", "Preset"]


@dataclass(frozen=True)
class Preset:
    """The size and shape of a generated scenario."""

    name: str
    label: str  # in the scenario name
    default_groups: int
    staff_per_core: tuple[int, int]
    members: tuple[int, int]  # member schools per group (before joins)
    # Groups founded before the first plan year (with exchanges under way),
    # and how many years before at most.
    founded_earlier_share: float
    founded_earlier_years: int
    # Per group: chance of a member joining later, of a member leaving.
    join_share: float
    leave_share: float
    # Share of a founding group's first-year quota already decided.
    decided_share: float
    # Total member places: this many times what the quotas force away at most.
    capacity_margin: tuple[float, float]
    # Groups per region (区/县) in names.
    groups_per_region: int


PRESETS: dict[str, Preset] = {
    "district": Preset(
        name="district",
        label="区",
        default_groups=4,
        staff_per_core=(120, 300),
        members=(2, 6),
        founded_earlier_share=0.25,
        founded_earlier_years=2,
        join_share=0.25,
        leave_share=0.15,
        decided_share=0.15,
        capacity_margin=(1.2, 1.35),
        groups_per_region=6,
    ),
    "city": Preset(
        name="city",
        label="市",
        default_groups=40,
        staff_per_core=(220, 280),
        members=(2, 5),
        founded_earlier_share=0.5,
        founded_earlier_years=2,
        join_share=0.2,
        leave_share=0.1,
        decided_share=0.15,
        capacity_margin=(1.2, 1.35),
        groups_per_region=5,
    ),
    "province": Preset(
        name="province",
        label="省",
        default_groups=100,
        staff_per_core=(200, 400),
        members=(3, 6),
        founded_earlier_share=0.6,
        founded_earlier_years=3,
        join_share=0.2,
        leave_share=0.1,
        decided_share=0.15,
        capacity_margin=(1.2, 1.35),
        groups_per_region=5,
    ),
}
