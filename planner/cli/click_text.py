"""click's own words in the planner's language.

click writes its usage lines, ``--help`` headings and option errors
("Usage:", "Error: Invalid value for '--time-limit': ...") through the
standard ``gettext`` functions, which follow only the ``LANGUAGE``/``LANG``
environment, not the planner's order (``--lang``, ``PLANNER_LANG``, ...,
else Chinese). :func:`translate_click` gives each click module that imported
them the planner's lookups instead, over the ``click`` catalog
(``planner/locale/zh_CN/LC_MESSAGES/click.po``). An error in parsing the
command line comes before ``--lang`` is read, so it follows the environment.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import click

from planner.i18n import CLICK_DOMAIN, current_language, translations

# click's modules that bind ``_ = gettext.gettext`` and ``ngettext`` at import.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def click_gettext(message: str) -> str:
    """One of click's messages in the current language."""
    return translations(current_language(), CLICK_DOMAIN).gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """One of click's messages with a count, in the current language."""
    return translations(current_language(), CLICK_DOMAIN).ngettext(singular, plural, n)


HELP_TEXT = "Show this message and exit."
# The usage line's placeholders, click's defaults (no gettext of their own).
USAGE_WORDS = ("[OPTIONS]", "COMMAND [ARGS]...")


def translate_click() -> None:
    """Make click's modules look their messages up in the planner's catalogs."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
    if not getattr(click.Command.get_help_option, "_planner", False):
        click.Command.get_help_option = _help_option(click.Command.get_help_option)  # type: ignore[method-assign,assignment]
    for cls in (click.Command, click.Group):  # a group adds "COMMAND [ARGS]..." itself
        own = cls.__dict__.get("collect_usage_pieces")
        if own is not None and not getattr(own, "_planner", False):
            cls.collect_usage_pieces = _usage_pieces(own)  # type: ignore[method-assign,assignment]


def _usage_pieces(
    original: Callable[[click.Command, click.Context], list[str]],
) -> Callable[[click.Command, click.Context], list[str]]:
    """The usage line's "[OPTIONS]" and "COMMAND [ARGS]..." in the current
    language, asked for each time (click keeps them as plain attributes)."""

    def collect_usage_pieces(self: click.Command, ctx: click.Context) -> list[str]:
        return [click_gettext(p) if p in USAGE_WORDS else p for p in original(self, ctx)]

    collect_usage_pieces._planner = True  # type: ignore[attr-defined]
    return collect_usage_pieces


def _help_option(
    original: Callable[[click.Command, click.Context], click.Option | None],
) -> Callable[[click.Command, click.Context], click.Option | None]:
    """click makes each command's ``--help`` option once and keeps it: its
    text is given again in the current language every time it is asked for."""

    def get_help_option(self: click.Command, ctx: click.Context) -> click.Option | None:
        option = original(self, ctx)
        if option is not None:
            option.help = click_gettext(HELP_TEXT)
        return option

    get_help_option._planner = True  # type: ignore[attr-defined]
    return get_help_option
