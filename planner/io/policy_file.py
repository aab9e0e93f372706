"""Policy files and the scenario's ``policy`` sheet.

:func:`load_policy` reads a policy YAML file (default
``models/taishan-2022.yaml``; the presets live in :data:`MODELS_DIR`).
:func:`policy_from_sheet` applies the overrides of a workbook's ``policy``
sheet to it, every problem pointing at the row that set the value. The
parameters themselves, their parsers and the merging are
:mod:`planner.policy`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from planner.io.limits import POLICY_FILE_MAX_BYTES
from planner.policy import Policy, build_policy, parse_parameters
from planner.problems import Problem, ScenarioError

__all__ = ["DEFAULT_POLICY_FILE", "MODELS_DIR", "load_policy", "policy_from_sheet"]

MODELS_DIR = Path(__file__).resolve().parent.parent.parent / "models"
DEFAULT_POLICY_FILE = MODELS_DIR / "taishan-2022.yaml"

# A problem between two policy values is named after the first key; if only
# the other key is set in the sheet, point at that row.
_RELATED_POLICY_KEYS: dict[str, tuple[str, ...]] = {"term_min": ("term_max",)}


def load_policy(path: str | Path | None = None) -> Policy:
    """Load a policy YAML file (default: ``models/taishan-2022.yaml``).

    The file holds a mapping ``parameters:`` of key → value; keys not given
    take the dataclass defaults. Any problem raises :class:`ScenarioError`.
    """
    file = Path(path) if path is not None else DEFAULT_POLICY_FILE
    where = str(file)
    doc = _load_yaml(file, _read_text(file))
    if not isinstance(doc, dict) or not isinstance(doc.get("parameters"), dict):
        raise ScenarioError(
            [Problem(where, None, "parameters", doc, "a mapping 'parameters:' of key: value")]
        )
    values, problems = parse_parameters(doc["parameters"], where)
    if "name" not in values and "id" in doc:
        values["name"] = str(doc["id"])
    if problems:
        raise ScenarioError(problems)
    return build_policy(Policy(), values, where)


# Every message about the policy file itself (Chinese first; the reader has no language).
_TOO_BIG = "策略文件超过 {0:,} 字节，不是策略文件；请检查文件。"
_NOT_TEXT = "无法按 UTF-8 或 GB18030（GBK）编码读取；请以 UTF-8 编码另存。"
_ALIAS = "YAML 锚点和别名（&、*）不受支持；请直接写出每个值。"


def _fail(file: Path, value: object, expected: str) -> ScenarioError:
    return ScenarioError([Problem(str(file), None, None, value, expected)], source=str(file))


def _read_text(file: Path) -> str:
    """The file's text: at most :data:`POLICY_FILE_MAX_BYTES`, UTF-8 or else GB18030."""
    try:
        with file.open("rb") as handle:
            data = handle.read(POLICY_FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(file, str(file), f"cannot read: {exc}") from None
    if len(data) > POLICY_FILE_MAX_BYTES:
        raise _fail(file, "", _TOO_BIG.format(POLICY_FILE_MAX_BYTES))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(file, "", _NOT_TEXT)


def _load_yaml(file: Path, text: str) -> Any:
    """Parse ``text`` as YAML without anchors or aliases (no alias bombs)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _fail(file, "", _ALIAS)
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise _fail(file, "", f"not valid YAML: {exc}") from None


def policy_from_sheet(
    base: Policy,
    raw: Mapping[str, Any],
    rows: Mapping[str, int],
    title: str,
    label: Callable[[str], str],
) -> tuple[Policy, list[Problem]]:
    """``base`` with the overrides ``raw`` (key -> cell) of the policy sheet ``title``.

    ``rows`` gives the Excel row of each key, ``label`` the header as written
    of a canonical column. Returns the policy (``base`` if the values do not
    fit together) and every problem found.
    """
    values, problems = parse_parameters(raw, title, rows=rows)
    out = [
        replace(p, column=label(p.column)) if p.column in ("key", "value") else p for p in problems
    ]
    try:
        return build_policy(base, values, title), out
    except ScenarioError as exc:
        out.extend(_policy_problem(p, raw, rows, label) for p in exc.problems)
        return base, out


def _policy_problem(
    p: Problem, raw: Mapping[str, Any], rows: Mapping[str, int], label: Callable[[str], str]
) -> Problem:
    """A problem between policy values, pointed at the row that set one of them."""
    key = p.column or ""
    if key in rows:
        return replace(p, row=rows[key], column=label("value"), value=raw[key])
    for other in _RELATED_POLICY_KEYS.get(key, ()):
        if other in rows:
            return replace(
                p,
                row=rows[other],
                column=label("value"),
                value=raw[other],
                expected=f"{p.expected} ({key} is {p.value})",
            )
    return p
