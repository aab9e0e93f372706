"""Messages in the user's language, through the standard gettext machinery.

Source strings (msgids) are English; the Chinese translations live in
``planner/locale/zh_CN/LC_MESSAGES/planner.po``, compiled to ``planner.mo``
(package data). A translator edits the ``.po`` file only; docs/translating.md
has the workflow (``pybabel extract``, ``update``, ``compile``).

The language of a message is, in this order:

1. the one set by :func:`use_language` / :func:`set_language` in the current
   context (the CLI sets ``--lang`` once per command; the web server per
   request: a :class:`contextvars.ContextVar`, so threads and tasks do not
   see each other's);
2. the environment: ``PLANNER_LANG``, then ``LC_ALL``, ``LC_MESSAGES``,
   ``LANG`` (the first one set decides; a value starting with ``en`` means
   English);
3. Chinese.

Messages with values use named placeholders filled after translation::

    _("{staff} is {age} on 1 September {year}, limit {limit}").format(...)

``--help`` texts are translated when a command is defined (at import), so
they follow the environment's language, not ``--lang``.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

from planner.rules import Rule

__all__ = [
    "CLICK_DOMAIN",
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "N_",
    "_",
    "current_language",
    "env_language",
    "gettext",
    "ngettext",
    "normalize",
    "pgettext",
    "rule_label",
    "set_language",
    "translations",
    "use_language",
]

DOMAIN = "planner"
# click's own messages (usage, option errors, --help headings), translated in
# a catalog of their own: ``click.po`` beside ``planner.po``.
CLICK_DOMAIN = "click"
LANGS = ("zh", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
# The catalog's locale for each language the planner speaks (English: the msgids).
_LOCALES = {"zh": "zh_CN"}
ENV_VARS = ("PLANNER_LANG", "LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[str | None] = ContextVar("planner_language", default=None)


def normalize(value: str | None) -> str:
    """``en`` for a value starting with ``en`` (``en_US.UTF-8``), else ``zh``."""
    return "en" if value and value.strip().lower().startswith("en") else "zh"


def env_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for (the first variable set decides)."""
    env = os.environ if environ is None else environ
    for name in ENV_VARS:
        value = env.get(name)
        if value:
            return normalize(value)
    return "zh"


def current_language() -> str:
    """The language of messages now: the context's, else the environment's."""
    lang = _current.get()
    return lang if lang is not None else env_language()


def set_language(lang: str | None) -> Token[str | None]:
    """Set the context's language (``None``: follow the environment again);
    the token resets it (``_current.reset``) — prefer :func:`use_language`."""
    return _current.set(None if lang is None else normalize(lang))


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Messages in ``lang`` inside the block (``None``: the environment's)."""
    token = set_language(lang)
    try:
        yield current_language()
    finally:
        _current.reset(token)


@cache
def translations(lang: str, domain: str = DOMAIN) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (English: the msgids themselves); ``domain``
    :data:`CLICK_DOMAIN` is the command-line library's own messages."""
    locale = _LOCALES.get(normalize(lang))
    if locale is None:
        return _gettext.NullTranslations()
    return _gettext.translation(domain, LOCALE_DIR, languages=[locale], fallback=True)


def gettext(message: str) -> str:
    """``message`` (an English msgid) in the current language."""
    return translations(current_language()).gettext(message)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now: for
    tables built at import, translated with ``_()`` where used."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English
    words elsewhere by ``context``."""
    return translations(current_language()).pgettext(context, message)


def rule_label(rule: str) -> str:
    """A rule as a reader of the current language names it: ``任期 TERM`` in
    Chinese, the id in English (any other code as it is)."""
    if current_language() == "zh" and rule in Rule.__members__.values():
        return Rule(rule).label
    return str(rule)


# The soft goals' Chinese names, as the roster's summary sheet names them.
GOAL_ZH: dict[str, str] = {
    "SHORTFALL": "不足",
    "OVERSPEND": "超支",
    "COVER": "覆盖",
    "STABLE": "稳定",
    "FAIR": "公平",
    "PREFER": "偏好",
    "COST": "经费",
}


def goal_label(goal: str) -> str:
    """A goal level as a reader of the current language names it: ``覆盖 COVER``
    in Chinese, the name in English."""
    if current_language() == "zh" and goal in GOAL_ZH:
        return f"{GOAL_ZH[goal]} {goal}"
    return goal
