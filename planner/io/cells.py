"""Cell and value parsers shared by every reader (scenario, plan, policy).

Each ``parse_*`` function takes a raw value (a workbook cell, a JSON or YAML
value) and returns the parsed value or raises :class:`ValueError`, with a
detail in the message where one helps; the caller turns that into a
:class:`~planner.problems.Problem` naming what is expected (the ``EXPECT_*``
texts below). :func:`norm` is how headers, sheet names, keys and codes are
compared; :func:`blank` says whether a cell counts as empty.

This module imports nothing of the data model, so the data model
(:mod:`planner.policy`) can use these parsers too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from planner.i18n import N_, _
from planner.io.limits import (
    AMOUNT_DECIMALS,
    AMOUNT_LIMIT,
    BIRTH_YEAR_MIN,
    COUNT_MAX,
    ID_MAX_CHARS,
    PRIORITY_DECIMALS,
    PRIORITY_MAX,
    PRIORITY_MIN,
    YEAR_MAX,
    YEAR_MIN,
    decimal_places,
)

__all__ = [
    "EXPECT_AMOUNT",
    "EXPECT_BOOL",
    "EXPECT_CAPACITY",
    "EXPECT_COUNT",
    "EXPECT_DATE",
    "EXPECT_HORIZON",
    "EXPECT_ID",
    "EXPECT_PRIORITY",
    "EXPECT_TEXT",
    "EXPECT_UNAVAILABLE",
    "EXPECT_YEAR",
    "FALSE_WORDS",
    "HORIZON_MAX",
    "OR_BLANK",
    "TRUE_WORDS",
    "YEAR_MAX",
    "YEAR_MIN",
    "blank",
    "enum_expected",
    "enum_parser",
    "expect",
    "norm",
    "normalize_id",
    "parse_amount",
    "parse_bool",
    "parse_count",
    "parse_date",
    "parse_decimal",
    "parse_id",
    "parse_int_range",
    "parse_priority",
    "parse_text",
    "parse_unavailable",
    "parse_whole",
    "parse_year",
]

# The contract's value ranges live in planner.io.limits; the plan horizon here.
HORIZON_MAX = 20

# What a cell of each kind holds: messages of the catalog (planner.i18n.N_),
# with the limits as placeholders; :func:`expect` gives one in the current
# language with the limits filled in.
EXPECT_ID = N_("an id (text; a whole number is read as its digits)")
EXPECT_TEXT = N_("text")
EXPECT_YEAR = N_("a four-digit school year {year_min}..{year_max} (e.g. 2022)")
EXPECT_DATE = N_("a date as YYYY-MM-DD (a date cell or text such as 1985-03-01)")
EXPECT_BOOL = N_("yes or no (also true/false, 1/0, 是/否; blank = no)")
EXPECT_COUNT = N_("a whole number 0..{count_max}")
EXPECT_CAPACITY = N_("a whole number 0..{count_max}, or blank for no limit")
EXPECT_PRIORITY = N_(
    "a number {priority_min}..{priority_max} with at most {priority_decimals} "
    "decimal places (blank = 1)"
)
EXPECT_AMOUNT = N_(
    "an amount 0 <= amount < {amount_limit} with at most {amount_decimals} decimal places"
)
EXPECT_HORIZON = N_("a whole number of school years 1..{horizon_max}")
EXPECT_UNAVAILABLE = N_(
    "school years {year_min}..{year_max} separated by commas (e.g. 2023,2024), or blank"
)
# Appended to an expectation where a blank cell is allowed too.
OR_BLANK = N_(", or blank")
# What :func:`enum_expected` says, read back by :func:`expect`.
_ONE_OF = re.compile(r"one of (?P<values>[^()]+?)(?: \(or (?P<aliases>[^()]+)\))?")

_LIMITS: dict[str, object] = {
    "year_min": YEAR_MIN,
    "year_max": YEAR_MAX,
    "count_max": COUNT_MAX,
    "priority_min": PRIORITY_MIN,
    "priority_max": PRIORITY_MAX,
    "priority_decimals": PRIORITY_DECIMALS,
    "amount_limit": f"{AMOUNT_LIMIT:,.0f}",
    "amount_decimals": AMOUNT_DECIMALS,
    "horizon_max": HORIZON_MAX,
}


def expect(message: str) -> str:
    """An ``EXPECT_*`` message (optionally followed by :data:`OR_BLANK`) in the
    current language, its limits filled in; any other text as it is."""
    if message.endswith(OR_BLANK) and message != OR_BLANK:
        return expect(message[: -len(OR_BLANK)]) + _(OR_BLANK)
    listed = _ONE_OF.fullmatch(message)
    if listed is not None:
        out = _("one of {values}").format(values=listed["values"])
        if listed["aliases"]:
            out += _(" (or {aliases})").format(aliases=listed["aliases"])
        return out
    try:
        return _(message).format(**_LIMITS)
    except (KeyError, IndexError, ValueError):
        return _(message)


# Excel keeps 15 significant digits: a longer number in an id cell has lost some.
_LONGEST_NUMBER_ID = 10**15


def norm(text: object) -> str:
    """A header, sheet name, key or code as compared: NFKC, stripped, lower case,
    spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFKC", str(text)).strip().lower())


def blank(value: object) -> bool:
    """An empty cell: nothing, or text of blanks only."""
    return value is None or (isinstance(value, str) and not value.strip())


# Characters that do not show: zero-width space, joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalize_id(text: str) -> str:
    """An id as compared: NFKC (full-width as half-width), invisible characters
    removed, surrounding blanks stripped."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()


def parse_id(raw: Any) -> str:
    """An id: text normalised by :func:`normalize_id`, a whole number as its digits."""
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError(_("a number with a fraction is not an id"))
        raw = int(raw)
    if isinstance(raw, int):
        if abs(raw) >= _LONGEST_NUMBER_ID:
            raise ValueError(
                _(
                    "a number of more than 15 digits loses digits in Excel; format the column "
                    "as text and type the id again"
                )
            )
        return str(raw)
    if not isinstance(raw, str):
        raise ValueError
    text = normalize_id(raw)
    if not text:
        raise ValueError
    if len(text) > ID_MAX_CHARS:
        raise ValueError(_("an id of at most {n} characters").format(n=ID_MAX_CHARS))
    return text


def parse_text(raw: Any) -> str:
    """Text (stripped); a whole number as its digits."""
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def parse_whole(raw: Any) -> int:
    """A whole number: an int, a float without fraction or text of digits."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"[+-]?[0-9]{1,30}", raw.strip()):
        return int(raw.strip())
    raise ValueError


def parse_int_range(lo: int, hi: int | None) -> Callable[[Any], int]:
    """A parser of whole numbers ``lo..hi`` (``hi`` None: no upper bound)."""

    def parse(raw: Any) -> int:
        value = parse_whole(raw)
        if value < lo or (hi is not None and value > hi):
            raise ValueError
        return value

    return parse


_SCHOOL_YEAR_SPAN = re.compile(r"(\d{4})\s*[-–—/~至]\s*(\d{4})\s*(?:学年)?")


def parse_count(raw: Any) -> int:
    """A count or capacity ``0..COUNT_MAX``."""
    value = parse_decimal(raw)
    if value != value.to_integral_value():
        raise ValueError
    if not 0 <= value <= COUNT_MAX:
        raise ValueError(_("out of range 0..{hi}").format(hi=COUNT_MAX))
    return int(value)


def parse_year(raw: Any) -> int:
    """A school year ``YEAR_MIN..YEAR_MAX``: 2022, "2022年", "2022-2023学年"."""
    if isinstance(raw, str):
        text = raw.strip()
        span = _SCHOOL_YEAR_SPAN.fullmatch(text)  # "2022-2023学年" is school year 2022
        if span and int(span.group(2)) == int(span.group(1)) + 1:
            text = span.group(1)
        text = re.sub(r"\s*(学年|年)$", "", text)
        raw = text
    year = parse_whole(raw)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError
    return year


def parse_decimal(raw: Any) -> Decimal:
    """A finite decimal from a cell or YAML value (floats via their repr, exactly)."""
    if isinstance(raw, bool):
        raise ValueError
    text = repr(raw) if isinstance(raw, float) else str(raw).strip()
    if len(text) > 100:
        raise ValueError(_("a number of more than 100 characters"))
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not value.is_finite():
        raise ValueError
    if value and not -30 <= value.adjusted() <= 30:
        raise ValueError(_("out of every supported range"))
    return value


def parse_priority(raw: Any) -> Decimal:
    """A number ``PRIORITY_MIN..PRIORITY_MAX`` of at most ``PRIORITY_DECIMALS`` decimals."""
    value = parse_decimal(raw)
    if value <= 0:
        raise ValueError
    if decimal_places(value) > PRIORITY_DECIMALS:
        raise ValueError(_("more than {n} decimal places: round it").format(n=PRIORITY_DECIMALS))
    if not PRIORITY_MIN <= value <= PRIORITY_MAX:
        raise ValueError(_("out of range {lo}..{hi}").format(lo=PRIORITY_MIN, hi=PRIORITY_MAX))
    return value


def parse_amount(raw: Any) -> Decimal:
    """An amount of money ``0 <= amount < AMOUNT_LIMIT`` of at most ``AMOUNT_DECIMALS`` decimals."""
    value = parse_decimal(raw)
    if value < 0:
        raise ValueError
    if value >= AMOUNT_LIMIT:
        raise ValueError(_("out of range: at most {most}").format(most=f"{AMOUNT_LIMIT - 1:,.0f}"))
    if decimal_places(value) > AMOUNT_DECIMALS:
        raise ValueError(
            _("more than {n} decimal places: round it to the fen").format(n=AMOUNT_DECIMALS)
        )
    return value


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(raw: Any) -> dt.date:
    """A date: a date cell, or text such as 1985-03-01, 1985/3/1, 1985年3月1日."""
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str):
        match = _DATE_TEXT.fullmatch(raw.strip())
        if not match:
            raise ValueError
        year, month, day = (int(g) for g in match.groups())
        try:
            value = dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(_("no such day")) from exc
    else:
        raise ValueError
    if not BIRTH_YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(_("the year is out of range"))
    return value


def parse_unavailable(raw: Any) -> frozenset[int]:
    """School years separated by commas (or 、 ; and blanks), or one year."""
    if isinstance(raw, str):
        tokens = [t for t in re.split(r"[,，、;；\s]+", raw.strip()) if t]
    else:
        tokens = [raw]
    years: set[int] = set()
    for token in tokens:
        try:
            years.add(parse_year(token))
        except ValueError:
            raise ValueError(_("{token!r} is not a school year").format(token=token)) from None
    return frozenset(years)


TRUE_WORDS = {"yes", "true", "1", "是", "y"}
FALSE_WORDS = {"no", "false", "0", "否", "n", ""}


def parse_bool(raw: Any) -> bool:
    """The contract's yes/no: yes/no, true/false, 1/0, 是/否, blank = no."""
    if raw is None:
        return False
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError


def enum_parser(enum: type[Enum], aliases: Mapping[str, str]) -> Callable[[Any], Any]:
    """A parser of ``enum``'s values and their ``aliases`` (alias -> value)."""
    lookup: dict[str, Enum] = {norm(member.value): member for member in enum}
    for alias, value in aliases.items():
        lookup[norm(alias)] = enum(value)
    exact: dict[object, Enum] = {member.value: member for member in enum}

    def parse(raw: Any) -> Any:
        found = exact.get(raw) if isinstance(raw, str) else None
        if found is not None:
            return found
        try:
            return lookup[norm(raw)]
        except KeyError:
            raise ValueError from None

    return parse


def enum_expected(
    enum: type[Enum], aliases: Mapping[str, str], only: Sequence[Enum] | None = None
) -> str:
    """What a coded cell expects: the values (of ``only``) and their Chinese aliases."""
    members = list(only) if only is not None else list(enum)
    values = ", ".join(str(m.value) for m in members)
    chinese = [a for a, v in aliases.items() if enum(v) in members and not a.isascii()]
    # English here (a table built at import); :func:`expect` translates it.
    return f"one of {values}" + (f" (or {', '.join(chinese)})" if chinese else "")
