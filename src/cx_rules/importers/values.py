"""Reading vendors' values strictly: timestamps, epoch milliseconds, ids, e-mail bodies.

Every function raises :class:`~cx_rules.importers.ImportProblem` naming the field (``where``)
and what was expected; none guesses a time zone.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Final

from ..events import OutOfRange, parse_timestamp
from ..exceptions import CxRulesError
from ..io.kinds import sized
from .base import ImportProblem

__all__ = [
    "epoch_ms",
    "html_to_text",
    "identifier",
    "message_text",
    "vendor_time",
]

# Some warehouses write a zone name after the time ("2026-03-02 09:30:00.123 UTC"), or the
# offset after a space ("2026-03-02 09:30:00.123 +0000").
_UTC_SUFFIX: Final = re.compile(r"\s+UTC$", re.IGNORECASE)
_SPACED_OFFSET: Final = re.compile(r"(?<=\d)\s+(?=[+-]\d\d(?::?\d\d)?$)")
# The times a vendor's timestamp may name: room left for a few days' arithmetic either side.
_FIRST: Final = datetime(1970, 1, 1, tzinfo=UTC)
_LAST: Final = datetime(9999, 1, 1, tzinfo=UTC)


def vendor_time(value: Any, where: str) -> datetime:
    """An ISO 8601 timestamp with a zone (``2026-03-02T09:30:00.123Z``) as an aware
    datetime.  What warehouses write is accepted too: a space for the ``T``, a trailing
    `` UTC``, an offset after a space (``2026-03-02 09:30:00.123 +0000``).

    A value without a zone, a date without a time, a time not in the calendar (month 13,
    ``24:00``, a leap second ``23:59:60``), a time outside 1970 to 9998, a number or anything
    else is an :class:`ImportProblem` naming ``where`` and never quoting the value: a
    vendor's documented timestamps carry their zone.
    """
    if not isinstance(value, str):
        raise ImportProblem(
            f"{where}: expected an ISO 8601 timestamp with a zone, got {_kind(value)}"
        )
    text = _SPACED_OFFSET.sub("", _UTC_SUFFIX.sub("+00:00", value.strip()))
    try:
        moment = parse_timestamp(text, where=where)
    except OutOfRange:
        moment = _LAST
    except CxRulesError:
        raise ImportProblem(
            f"{where}: {_shape(value)} is not an ISO 8601 timestamp with a zone "
            "(expected e.g. 2026-03-02T09:30:00.000Z)"
        ) from None
    if not _FIRST <= moment < _LAST:
        raise ImportProblem(f"{where}: a time outside 1970 to 9998 (expected a time in that range)")
    return moment


def epoch_ms(value: Any, where: str) -> datetime:
    """Milliseconds since 1970-01-01 UTC (a whole number, or its digits as a string), as an
    aware UTC datetime.  Seconds (10 digits or fewer) are refused: a vendor documenting
    milliseconds means milliseconds, and a value a thousand times too small is an error."""
    number: int
    if isinstance(value, bool):
        raise ImportProblem(f"{where}: expected epoch milliseconds, got a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 16:
        number = int(value.strip())
    else:
        raise ImportProblem(f"{where}: expected epoch milliseconds, got {_kind(value)}")
    if number < 10**11:
        raise ImportProblem(
            f"{where}: {number} is too small for epoch milliseconds (seconds, or not a time?)"
        )
    if number >= 253_370_764_800_000:  # 9999-01-01
        raise ImportProblem(f"{where}: {number} is too large for epoch milliseconds")
    return datetime.fromtimestamp(number / 1000, tz=UTC)


def identifier(value: Any, where: str) -> str:
    """A record id (a whole number or a non-empty string) as text."""
    if isinstance(value, bool):
        raise ImportProblem(f"{where}: expected an id, got a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        if len(value) > 200:
            raise ImportProblem(f"{where}: an id longer than 200 characters")
        return value.strip()
    raise ImportProblem(f"{where}: expected an id (a number or a string), got {_kind(value)}")


def _shape(value: str) -> str:
    # A bad value's size, never its text: a misaligned export may put an e-mail address or a
    # name where a timestamp belongs (see cx_rules.io.kinds.shape).
    if not value.strip():
        return "an empty string"
    return f"{sized(len(value))} string"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


# -- e-mail bodies ---------------------------------------------------------------------------

_BLOCKS: Final = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_HIDDEN: Final = frozenset({"script", "style", "head", "title", "template"})
_SPACES: Final = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES: Final = re.compile(r"\n\s*\n\s*(\n\s*)+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML e-mail body: tags dropped (scripts and styles with their
    content), entities decoded, block elements and ``<br>`` as line breaks, runs of spaces
    as one.  Uses the standard library's :mod:`html.parser`, which never fails on bad HTML."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_TAG: Final = re.compile(r"<\s*(/?\s*[a-zA-Z][a-zA-Z0-9]*|!--)[^<>]*>")


def message_text(value: Any, where: str) -> str | None:
    """A message body as text: ``None`` for null or blank, HTML converted with
    :func:`html_to_text` when the body holds tags, plain text kept as written."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: expected the message text, got {_kind(value)}")
    text = html_to_text(value) if _TAG.search(value) else value.strip()
    return text or None
