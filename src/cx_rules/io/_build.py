"""The one path every reader takes from a source record (a dict) to an event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, Final

from ..events import Event, is_missing
from ..exceptions import InvalidEvent
from .kinds import describe
from .mapping import STANDARD_COLUMNS, LogMapping, check_nesting
from .native import _NOT_ATTRIBUTES, _checked, event_from_dict, quick_outline
from .stream import Outline, Part, Skip

__all__ = ["LIFECYCLE", "build_event", "build_plain", "build_share", "lifecycle_skip", "plain"]

#: The XES lifecycle attribute; only ``complete`` (or no value) makes an event count.
LIFECYCLE: Final = "lifecycle:transition"

_IDENTITY: Final = LogMapping()
_STANDARD: Final = STANDARD_COLUMNS.keys()
_CONTAINERS: Final = frozenset((list, dict))


def build_event(
    record: Mapping[str, Any], mapping: LogMapping | None, default_tz: tzinfo | None
) -> Event | Skip:
    """Map ``record``, drop it as a :class:`Skip` when its lifecycle is not ``complete``, and
    build the event; raises :class:`~cx_rules.InvalidEvent` for a bad record.  Moments
    without a zone get the mapping's :attr:`~cx_rules.io.LogMapping.zone`, else
    ``default_tz``."""
    if mapping is None and _STANDARD.isdisjoint(record):
        # The identity mapping renames nothing in this record: it would only copy it.
        return _checked_plain(record, default_tz)
    mapping = mapping or _IDENTITY
    # The mapping describes the log: its zone comes before the one the caller gives.
    zone = mapping.zone or default_tz
    data = mapping.apply(record, zone)
    transition = data.pop(LIFECYCLE, None)
    if not is_missing(transition):
        skip = lifecycle_skip(transition)
        if skip is not None:
            return skip
    return event_from_dict(data, default_tz=zone, typed=True)


def plain(mapping: LogMapping | None) -> LogMapping | None:
    """``None`` for a mapping that renames nothing (the identity), else ``mapping``: a reader
    calls this once, so that :func:`build_event` can spot the identity cheaply."""
    return None if mapping is None or mapping == _IDENTITY else mapping


def build_plain(
    record: Mapping[str, Any],
    default_tz: tzinfo | None,
    *,
    parsed: bool = False,
    outline: bool = False,
) -> Event | Outline | Skip:
    """:func:`build_event` with no mapping, for a record none of whose keys is one of
    :data:`~cx_rules.io.mapping.STANDARD_COLUMNS` (the caller makes sure).

    ``parsed`` says that the values are what a JSON or CSV parser gives (strings, numbers,
    booleans, ``None``, and lists and dicts of exactly those types).  ``outline`` returns
    an :class:`~cx_rules.io.stream.Outline` of the event once it is checked in full.
    """
    skip = _plain_skip(record, parsed)
    if skip is not None:
        return skip
    return _checked(record, default_tz, True, _NOT_ATTRIBUTES, outline)


def _checked_plain(record: Mapping[str, Any], default_tz: tzinfo | None) -> Event | Skip:
    skip = _plain_skip(record, False)
    if skip is not None:
        return skip
    return _checked(record, default_tz, True, _NOT_ATTRIBUTES)


def _plain_skip(record: Mapping[str, Any], parsed: bool) -> Skip | None:
    # What build_plain decides before it reads a field: values nested too deeply (raises
    # InvalidEvent), then a lifecycle other than complete (a Skip).
    if not parsed or not _CONTAINERS.isdisjoint(map(type, record.values())):
        # Without a list or dict among the values (a parser's values are of exact types),
        # there is nothing to nest: the check is skipped only then.
        check_nesting(record)
    if LIFECYCLE in record:  # seldom: the check of its value is a call
        transition = record[LIFECYCLE]
        if not is_missing(transition):
            return lifecycle_skip(transition)
    return None


def build_share(
    record: Mapping[str, Any],
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    part: Part,
    position: int,
    *,
    parsed: bool = False,
    outline: bool = False,
) -> Event | Outline | Skip | str | None:
    """:func:`build_event` for a reader working for one share of an audit (see
    :class:`~cx_rules.io.stream.Part`).

    ``position`` is the record's position if it is one (a :class:`Skip` is not).  Returns
    the event or the skip; ``None`` for a record of another share, which is not checked at
    all when its case id can be read first; or the message of the input error it is.
    """
    if mapping is None and _STANDARD.isdisjoint(record):
        try:
            skip = _plain_skip(record, parsed)
        except InvalidEvent as exc:
            return str(exc) if part.owns_position(position) else None
        if skip is not None:
            return skip
        if not part.owns_raw(record.get("case_id"), position):
            return None
        if outline and type(record) is dict:
            found = quick_outline(record)
            if found is not None:
                return found
        try:
            return _checked(record, default_tz, True, _NOT_ATTRIBUTES, outline)
        except InvalidEvent as exc:
            return str(exc)
    try:
        built = build_event(record, mapping, default_tz)
    except InvalidEvent as exc:
        return str(exc) if part.owns_position(position) else None
    if isinstance(built, Skip):
        return built
    return built if part.owns_case(built.case_id) else None


def lifecycle_skip(transition: object) -> Skip | None:
    """The :class:`Skip` for a lifecycle transition other than ``complete``, else ``None``.

    The reason reads ``lifecycle:transition 'start'`` (lower-cased, so counts add up across
    spellings).
    """
    if isinstance(transition, str):
        text = transition.strip().lower()
        if not text or text == "complete":
            return None
        return Skip(f"{LIFECYCLE} {describe(text)}")
    return Skip(f"{LIFECYCLE} {describe(transition)}")
