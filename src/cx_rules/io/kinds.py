"""The kinds of the attributes cx-rules knows, and how a value of each kind is typed.

Text formats (CSV, XES string attributes) carry every value as a string; JSON carries some
types itself.  Every reader passes attributes through :func:`coerce`, so a known attribute
has the same Python type whatever the format: ``thanked`` is a ``bool``, ``delay_minutes``
an ``int``, ``scheduled_for`` an aware ``datetime`` and ``items`` a ``list``.  Attributes not
in :data:`KINDS` keep their values as given.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any, Final

from ..events import _EDGE_YEARS, _TIME_SEPARATORS, OutOfRange, check_range, parse_timestamp
from ..exceptions import InvalidEvent, NaiveTimestamp

__all__ = [
    "KINDS",
    "Kind",
    "coerce",
    "describe",
    "parse_moment",
    "shape",
    "sized",
    "too_long_number",
]


class Kind(enum.StrEnum):
    """How the value of a known attribute is typed."""

    BOOLEAN = "boolean"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"
    LIST = "list"


#: The known attributes and their kinds; every reader types values by this table.
KINDS: Final[Mapping[str, Kind]] = MappingProxyType(
    {
        "thanked": Kind.BOOLEAN,
        "template": Kind.BOOLEAN,
        "personal": Kind.BOOLEAN,
        "consent": Kind.BOOLEAN,
        "delay_minutes": Kind.INTEGER,
        "scheduled_for": Kind.TIMESTAMP,
        "started_at": Kind.TIMESTAMP,
        "items": Kind.LIST,
    }
)

# KINDS as a plain dict, faster to ask than the read-only view.
_KIND_OF: Final[dict[str, Kind]] = dict(KINDS)
_TRUE: Final = frozenset({"true", "1"})
_FALSE: Final = frozenset({"false", "0"})
# Values longer than this are described, not quoted: a misplaced column may hold message text.
_QUOTE_LIMIT: Final = 24
# Python's refusal to convert a whole number of too many digits (sys.get_int_max_str_digits):
# "Exceeds the limit (4300 digits) for integer string conversion[: value has 5001 digits]; ..."
_TOO_MANY_DIGITS: Final = re.compile(
    r"^Exceeds the limit \((\d+) digits\) for integer string conversion"
    r"(?:: value has (\d+) digits)?"
)


def describe(value: object) -> str:
    """A short description of a bad value for a message: quoted when short, else its size.

    Never quotes long text, so a column of message text in the wrong place does not leak into
    error messages.
    """
    if isinstance(value, str):
        if len(value) <= _QUOTE_LIMIT and "\n" not in value:
            return repr(value)
        return f"a {len(value)}-character text"
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    return f"a {type(value).__name__}"


def shape(value: object) -> str:
    """A bad value's kind and shape for a message, never its content: ``a 23-character
    text``, ``a whole number``, ``null``.

    For the values of a record that are not identifiers (timestamps, attributes): a column
    out of place may hold an e-mail address, a name or message text, which no output shows
    unless asked for.
    """
    if isinstance(value, str):
        if not value.strip():
            return "an empty text" if not value else "a text of spaces only"
        return f"{sized(len(value))} text"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def sized(count: int) -> str:
    """``a 23-character`` (``an 8-character``, ``a 1-character``): a text's size for a
    message."""
    digits = str(count)
    vowel = digits[0] == "8" or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
    return f"{'an' if vowel else 'a'} {digits}-character"


def too_long_number(exc: ValueError) -> str | None:
    """The message for Python's refusal to convert a whole number of more digits than
    :func:`sys.get_int_max_str_digits` allows (``exc``), or ``None`` for any other error.

    It says how long the number is, when Python said so, and what is read.
    """
    found = _TOO_MANY_DIGITS.match(str(exc))
    if found is None:
        return None
    limit, digits = found.groups()
    size = f" of {digits} digits," if digits is not None else ""
    return f"a number{size} too long to read; expected whole numbers of at most {limit} digits"


def parse_moment(value: object, where: str, default_tz: tzinfo | None) -> datetime:
    """An aware datetime for an ISO 8601 string or a datetime.

    A moment without a zone gets ``default_tz`` (a relabel: the wall-clock time is kept) when
    one is given, else raises :class:`~cx_rules.NaiveTimestamp`; a moment with an offset is
    kept as the instant it names.  ``where`` names the field in messages.
    """
    if not isinstance(value, str | datetime):
        raise InvalidEvent(f"{where}: expected an ISO 8601 timestamp, got {shape(value)}")
    try:
        return parse_timestamp(value, where=where)
    except NaiveTimestamp:
        if default_tz is None:
            # parse_timestamp's message shows the time; an input error shows no value.
            raise NaiveTimestamp(
                f"{where}: the time has no time zone; give an offset "
                "(2026-03-02T09:30:00+01:00) or set assume_timezone in the policy"
            ) from None
    except OutOfRange:
        raise
    except InvalidEvent:
        raise InvalidEvent(
            f"{where}: {shape(value)} is not an ISO 8601 time with an offset "
            "(expected e.g. 2026-03-02T09:30:00+01:00)"
        ) from None
    naive = value if isinstance(value, datetime) else _naive(value)
    return check_range(naive.replace(tzinfo=default_tz), where)


def _moment(value: object, where: str, default_tz: tzinfo | None) -> datetime:
    # parse_moment, with a short way for the usual value: ISO 8601 text with an offset and
    # nothing around it, a date of 10 characters and then the time, which parse_timestamp
    # would read with fromisoformat alone.
    if type(value) is str:
        try:
            moment = _fromisoformat(value)
        except ValueError:
            pass
        else:
            zone = moment.tzinfo
            if (
                zone is not None
                and value[10:11] in _TIME_SEPARATORS
                and len(value.strip()) == len(value)
            ):
                edge = moment.year in _EDGE_YEARS
                if edge:
                    check_range(moment, where)
                # fromisoformat makes a new zone object per call: moments with one object
                # for each offset compare many times faster (and take less memory).
                shared = _OFFSETS.get(zone)
                if shared is None:
                    if len(_OFFSETS) >= _OFFSETS_KEPT:
                        return moment
                    shared = _OFFSETS[zone] = zone
                if shared is zone:
                    return moment
                # The same offset: astimezone keeps every field, at a third of replace's
                # cost; in the edge years, where its arithmetic could leave the range,
                # replace.
                return moment.replace(tzinfo=shared) if edge else moment.astimezone(shared)
    return parse_moment(value, where, default_tz)


_fromisoformat: Final = datetime.fromisoformat
# What coerce's parse of JSON text gives for text nested deeper than the parser follows.
_TOO_DEEP: Final = object()


def _too_deep(value: list[Any]) -> bool:
    # The limit readers hold values to (MAX_NESTING) holds for JSON text too.
    from .mapping import check_nesting

    try:
        check_nesting({"": value})
    except InvalidEvent:
        return True
    return False


def _max_nesting() -> int:
    from .mapping import MAX_NESTING

    return MAX_NESTING


# One zone object per offset read (fromisoformat's unnamed fixed offsets, equal when their
# offsets are), up to a bound in case a log writes odd offsets by the thousand.
_OFFSETS: Final[dict[tzinfo, tzinfo]] = {}
_OFFSETS_KEPT: Final = 4096


def _naive(text: str) -> datetime:
    # parse_timestamp has already accepted the text as ISO 8601 without an offset.
    return datetime.fromisoformat(text.strip())


def coerce(name: str, value: Any, default_tz: tzinfo | None = None) -> Any:
    """The value of attribute ``name`` typed by its kind; unknown attributes pass through.

    ``None`` stays ``None``.  Strings are parsed (``true``/``false``/``1``/``0`` for
    booleans, case-insensitive; decimal digits for integers; ISO 8601 for timestamps; a JSON
    array for lists); values already of the right type are kept.  Anything else raises
    :class:`~cx_rules.InvalidEvent` naming the attribute and the expected kind.
    """
    kind = _KIND_OF.get(name)
    if kind is None or value is None:
        return value
    # The values a JSON log carries already typed pass at once.
    if kind is Kind.BOOLEAN:
        if value is True or value is False:
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise InvalidEvent(f"attribute {name!r}: expected true or false, got {shape(value)}")
    if kind is Kind.INTEGER:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip(), 10)
            except ValueError:
                pass
        raise InvalidEvent(f"attribute {name!r}: expected a whole number, got {shape(value)}")
    where = f"attribute {name!r}"
    if kind is Kind.TIMESTAMP:
        return _moment(value, where, default_tz)
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        except RecursionError:
            # JSON text nested thousands deep: the parser recurses once per level.
            parsed = _TOO_DEEP
        if parsed is _TOO_DEEP or (isinstance(parsed, list) and _too_deep(parsed)):
            raise InvalidEvent(
                f"{where}: nested too deeply (expected at most {_max_nesting()} levels of "
                "lists and objects)"
            )
        if isinstance(parsed, list):
            return parsed
    raise InvalidEvent(f"{where}: expected a JSON list, got {shape(value)}")
