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

from planner.i18n import _
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
            [Problem(where, None, "parameters", doc, _("a mapping 'parameters:' of key: value"))]
        )
    values, problems = parse_parameters(doc["parameters"], where)
    if "name" not in values and "id" in doc:
        values["name"] = str(doc["id"])
    if problems:
        raise ScenarioError(problems)
    return build_policy(Policy(), values, where)


def _fail(file: Path, value: object, expected: str) -> ScenarioError:
    return ScenarioError([Problem(str(file), None, None, value, expected)], source=str(file))


def _read_text(file: Path) -> str:
    """The file's text: at most :data:`POLICY_FILE_MAX_BYTES`, UTF-8 or else GB18030."""
    try:
        with file.open("rb") as handle:
            data = handle.read(POLICY_FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(file, str(file), _("cannot read: {error}").format(error=exc)) from None
    if len(data) > POLICY_FILE_MAX_BYTES:
        too_big = _("the file is larger than {n} bytes, too large for a policy file; check it.")
        raise _fail(file, "", too_big.format(n=f"{POLICY_FILE_MAX_BYTES:,}"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(
        file,
        "",
        _("cannot be read as UTF-8 or GB18030 (GBK) text; save it with the UTF-8 encoding."),
    )


def _load_yaml(file: Path, text: str) -> Any:
    """Parse ``text`` as YAML without anchors or aliases (no alias bombs)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _fail(
                    file,
                    "",
                    _("YAML anchors and aliases (&, *) are not supported; write out every value."),
                )
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise _fail(file, "", _("not valid YAML: {error}").format(error=exc)) from None


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
                expected=_("{expected} ({key} is {value})").format(
                    expected=p.expected, key=key, value=p.value
                ),
            )
    return p
