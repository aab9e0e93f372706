"""The coded values of the scenario format (role, stage, position, honour)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A school's role in its education group (1 + N + X)."""

    CORE = "core"
    FUSION = "fusion"
    ALLIANCE = "alliance"


class Stage(StrEnum):
    """School stage. A nine-year school teaches both primary and junior."""

    PRIMARY = "primary"
    JUNIOR = "junior"
    NINE_YEAR = "nine_year"

    def teaches(self) -> frozenset[Stage]:
        if self is Stage.NINE_YEAR:
            return frozenset({Stage.PRIMARY, Stage.JUNIOR})
        return frozenset({self})


class Position(StrEnum):
    """Staff position; middle and senior are cadres at middle level or above."""

    TEACHER = "teacher"
    MIDDLE = "middle"
    SENIOR = "senior"

    @property
    def is_cadre(self) -> bool:
        return self is not Position.TEACHER


class Honor(StrEnum):
    """Highest honour held, in increasing order."""

    NONE = "none"
    SCHOOL = "school"
    DISTRICT = "district"
    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"

    @property
    def rank(self) -> int:
        return list(Honor).index(self)

    def at_least(self, other: Honor) -> bool:
        return self.rank >= other.rank
