"""The language of a command's messages: ``--lang`` when given on the
command line, else the environment (:func:`planner.i18n.env_language`).

The ``planner`` group sets the environment's language for every command;
a command with ``--lang`` calls :func:`command_language` once, first, and
its messages follow for the rest of the command.
"""

from __future__ import annotations

import click
from click.core import ParameterSource

from planner.i18n import env_language, normalize, set_language, use_language

__all__ = ["command_language"]

_NOT_GIVEN = (None, ParameterSource.DEFAULT)


def command_language(lang: str | None) -> str:
    """``lang`` if the user typed ``--lang``, else the environment's language;
    set as the language of the rest of the command, and returned."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.get_parameter_source("lang") in _NOT_GIVEN:
        lang = None
    chosen = normalize(lang) if lang else env_language()
    if ctx is not None:
        ctx.with_resource(use_language(chosen))
    else:
        set_language(chosen)
    return chosen
