"""The README's command reference names every command and every option
(in the manner of sqlite-utils' test_docs): a command or option added to
the CLI fails here until it is documented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from planner.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def _reference() -> str:
    """The first code block of the README's "Command reference" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert match, "no code block in the README's command reference"
    return match.group(1)


def _usage_lines() -> dict[str, str]:
    """Each command's lines of the reference: ``planner NAME ...`` and the
    indented lines that continue it."""
    lines: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _reference().splitlines():
        if line.startswith("planner "):
            words = [w for w in line.split()[1:] if re.fullmatch(r"[a-z][a-z-]*", w)]
            name = words[0] if words else ""
            current = lines.setdefault(name, [])
            current.append(line)
        elif line.startswith(" ") and current is not None:
            current.append(line)
        else:
            current = None
    return {name: "\n".join(text) for name, text in lines.items()}


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command registered on ``group``, subgroups walked (``sub cmd``)."""
    for name, command in sorted(group.commands.items()):
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


COMMANDS = dict(_commands(main))
OPTIONS = [
    (name, flag)
    for name, command in COMMANDS.items()
    for param in command.params
    if isinstance(param, click.Option)
    for flag in (*param.opts, *param.secondary_opts)
    if flag.startswith("--")
]


def test_reference_found() -> None:
    assert COMMANDS and OPTIONS
    assert _usage_lines()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_in_reference(name: str) -> None:
    assert f"planner {name}" in _reference(), f"`planner {name}` missing from the README"
    assert name.split()[0] in _usage_lines()


@pytest.mark.parametrize(("name", "flag"), OPTIONS)
def test_option_in_reference(name: str, flag: str) -> None:
    usage = _usage_lines()[name.split()[0]]
    assert re.search(rf"{re.escape(flag)}(?![\w-])", usage), (
        f"`planner {name} {flag}` missing from the README's command reference"
    )
