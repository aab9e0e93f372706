"""The sweep's grid: ``--set KEY=V1,V2,...`` parsed and checked, policy
presets as a grid key, and the variants (the grid's cross product)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.i18n import _
from planner.io.policy_file import MODELS_DIR, load_policy
from planner.policy import PARAMETERS
from planner.problems import ScenarioError

__all__ = [
    "PRESET_KEY",
    "Grid",
    "SweepError",
    "Variant",
    "check_grid",
    "check_values",
    "parse_grid",
    "parse_set",
    "preset_file",
    "variants",
]

# The grid key whose values are whole policy presets (models/NAME.yaml or a
# YAML file) rather than one parameter: ``--set policy=taishan-2022,national-2014``.
PRESET_KEY = "policy"

Grid = dict[str, list[str]]


class SweepError(ValueError):
    """A bad ``--set`` or ``--pareto`` value; the message says what is expected."""


def parse_set(text: str) -> tuple[str, list[str]]:
    """``KEY=V1,V2,...`` as the key and its raw values, each checked.

    Values are separated by commas, or by semicolons when there is one, for
    values that hold commas themselves:
    ``receiving_roles=fusion;fusion,alliance``.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise SweepError(
            _("--set {text!r}: expected KEY=V1,V2,... (e.g. max_age=45,50)").format(text=text)
        )
    splitter = ";" if ";" in raw else ","
    values = [v.strip() for v in raw.split(splitter) if v.strip()]
    check_values(key, values)
    return key, values


def preset_file(value: str) -> Path:
    """A policy preset's file: a name in ``models/`` (``national-2014``) or a YAML path."""
    text = value.strip()
    if text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text:
        return Path(text)
    return MODELS_DIR / f"{text}.yaml"


def _check_preset(value: str) -> None:
    path = preset_file(value)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in MODELS_DIR.glob("*.yaml")))
        raise SweepError(
            _(
                "--set {key}: no preset {value!r} ({path} does not exist); "
                "presets in models/: {known}; or give a YAML file"
            ).format(key=PRESET_KEY, value=value, path=path, known=known)
        )
    try:
        load_policy(path)
    except ScenarioError as exc:
        raise SweepError(
            _("--set {key}: {value!r}: {problem}").format(key=PRESET_KEY, value=value, problem=exc)
        ) from None


def check_values(key: str, values: Sequence[str]) -> None:
    """Raise :class:`SweepError` unless ``key`` is a policy key (or ``policy``,
    a preset) and every value parses."""
    if key not in PARAMETERS and key != PRESET_KEY:
        raise SweepError(
            _("--set: unknown policy key {key!r}; known keys: {preset} (a preset), {keys}").format(
                key=key, preset=PRESET_KEY, keys=", ".join(PARAMETERS)
            )
        )
    if not values:
        raise SweepError(_("--set {key}: no values").format(key=key))
    for value in values:
        if key == PRESET_KEY:
            _check_preset(value)
            continue
        parser, expected = PARAMETERS[key]
        try:
            parser(value)
        except (ValueError, TypeError):
            raise SweepError(
                _("--set {key}: {value!r} is not {expected}").format(
                    key=key, value=value, expected=expected
                )
            ) from None
    duplicates = sorted({str(v) for v in values if list(values).count(v) > 1})
    if duplicates:
        raise SweepError(
            _("--set {key}: value(s) given twice: {values}").format(
                key=key, values=", ".join(duplicates)
            )
        )


def parse_grid(sets: Iterable[str]) -> Grid:
    """Every ``--set`` option as one grid: key -> raw values, in the given order."""
    grid: Grid = {}
    for text in sets:
        key, values = parse_set(text)
        if key in grid:
            raise SweepError(
                _("--set {key}: given twice; list all its values in one --set").format(key=key)
            )
        grid[key] = values
    if not grid:
        raise SweepError(_("give at least one --set KEY=V1,V2,..."))
    return grid


def check_grid(grid: Mapping[str, Sequence[object]]) -> Grid:
    """A grid given in Python (values may be numbers) as raw strings, checked."""
    if not grid:
        raise SweepError(_("the grid is empty: give at least one key and its values"))
    out: Grid = {}
    for key, values in grid.items():
        texts = [str(v) for v in values]
        check_values(key, texts)
        out[key] = texts
    return out


@dataclass(frozen=True)
class Variant:
    """One combination of the grid's values (``index`` counts from 1)."""

    index: int
    overrides: tuple[tuple[str, str], ...]

    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.overrides)


def variants(grid: Mapping[str, Sequence[str]]) -> list[Variant]:
    """The cross product of the grid, the last key varying fastest."""
    keys = list(grid)
    return [
        Variant(i, tuple(zip(keys, combo, strict=True)))
        for i, combo in enumerate(itertools.product(*(grid[k] for k in keys)), start=1)
    ]
