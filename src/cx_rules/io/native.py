"""The native event format: one JSON object per event with canonical keys."""

from __future__ import annotations

from collections.abc import Container, Mapping
from datetime import datetime, timezone, tzinfo
from sys import intern as _intern
from typing import Any, Final, Literal, overload

from ..events import _EDGE_YEARS, _TIME_SEPARATORS, Event, _event, parse_timestamp
from ..exceptions import InvalidEvent
from .kinds import KINDS, Kind, _moment, coerce, too_long_number
from .stream import Outline

__all__ = ["FIELDS", "event_from_dict", "event_to_dict", "quick_event", "quick_outline"]

#: The keys the native format gives a meaning; every other key is an attribute.
FIELDS: Final = ("case_id", "activity", "timestamp", "event_id", "actor", "channel")

_REQUIRED: Final = ("case_id", "activity", "timestamp")
_OPTIONAL: Final = ("event_id", "actor", "channel")
_KIND_KEYS: Final = frozenset(KINDS)
# Recent case ids, so that the events of a case share one string (see _checked).
_CASE_IDS: Final[dict[str, str]] = {}
_CASE_IDS_KEPT: Final = 1 << 16
#: What is not an attribute of an event read by the readers: the fields, and the lifecycle.
_NOT_ATTRIBUTES: Final = frozenset((*FIELDS, "lifecycle:transition"))
# What an outline taken cheaply needs the record not to have (see quick_outline): a key whose
# value is typed by its kind, a lifecycle; and the types of values it cannot pass unread.
_NOT_QUICK: Final = frozenset(
    (*(k for k, v in KINDS.items() if v is Kind.LIST), "lifecycle:transition")
)
_NOT_QUICK_EVENT: Final = frozenset((*KINDS, "lifecycle:transition"))
_QUICK_KINDS: Final = {k: v for k, v in KINDS.items() if v is not Kind.LIST}
_CONTAINERS: Final = frozenset((list, dict))
_OPTIONAL_TYPES: Final = frozenset((str, type(None)))
_fromisoformat: Final = datetime.fromisoformat
# Outline(...) without the named tuple's own __new__, a Python function.
_new_outline: Final = tuple.__new__


def event_from_dict(
    data: Mapping[str, Any], *, default_tz: tzinfo | None = None, typed: bool = False
) -> Event:
    """Build an :class:`~cx_rules.Event` from a native record (a parsed JSON object).

    ``case_id``, ``activity`` and ``timestamp`` are required; ``event_id``, ``actor`` and
    ``channel`` are optional strings (a number as ``case_id`` or ``event_id`` is taken as its
    text); every other key becomes an attribute: kept as given, or with ``typed=True`` typed
    by :data:`~cx_rules.io.kinds.KINDS` as every reader does.  A timestamp without a zone
    gets ``default_tz`` when one is given, else raises :class:`~cx_rules.NaiveTimestamp`; one
    with an offset keeps the instant it names.  Raises :class:`~cx_rules.InvalidEvent`
    naming the field for anything malformed.
    """
    if not isinstance(data, Mapping):
        raise InvalidEvent(f"expected a JSON object, got {type(data).__name__}")
    return _checked(data, default_tz, typed, FIELDS)


@overload
def _checked(
    data: Mapping[str, Any],
    default_tz: tzinfo | None,
    typed: bool,
    fields: Container[str],
    outline: Literal[False] = False,
) -> Event: ...
@overload
def _checked(
    data: Mapping[str, Any],
    default_tz: tzinfo | None,
    typed: bool,
    fields: Container[str],
    outline: bool,
) -> Event | Outline: ...
def _checked(
    data: Mapping[str, Any],
    default_tz: tzinfo | None,
    typed: bool,
    fields: Container[str],
    outline: bool = False,
) -> Event | Outline:
    # event_from_dict for a mapping; keys in ``fields`` are not attributes.  Every check the
    # Event constructor would make is made here, in the order it would make them, so the
    # event is built without it.  With ``outline``, every check is made and nothing built.
    case_id = data.get("case_id")
    activity = data.get("activity")
    raw = data.get("timestamp")
    # Each check once: non-empty strings (the usual case and activity) pass two tests.
    if not (type(case_id) is str and case_id and type(activity) is str and activity) or (
        raw is None or raw == ""
    ):
        for key in _REQUIRED:
            value = data.get(key)
            if value is None or value == "":
                raise InvalidEvent(f"missing required field {key!r}")
    timestamp = _moment(raw, "timestamp", default_tz)
    if outline:
        return _outline(data, default_tz, typed, fields, timestamp)
    if typed and not _KIND_KEYS.isdisjoint(data):
        attributes = {
            k: v if v is None or k not in _KIND_KEYS else coerce(k, v, default_tz)
            for k, v in data.items()
            if k not in fields
        }
    else:
        attributes = {k: v for k, v in data.items() if k not in fields}
    # Strings, as they nearly always are, are taken as they are; the rest is checked.
    if type(case_id) is not str:
        case_id = _text(case_id, "case_id")
    if type(activity) is not str:
        activity = _text(activity, "activity")
    event_id = data.get("event_id")
    if type(event_id) is not str or not event_id:
        event_id = _optional_text(event_id, "event_id")
    actor = data.get("actor")
    if type(actor) is not str or not actor:
        actor = _optional_text(actor, "actor")
    channel = data.get("channel")
    if type(channel) is not str or not channel:
        channel = _optional_text(channel, "channel")
    # A zone fromisoformat made (the usual) always has an offset: only another is asked.
    if type(timestamp.tzinfo) is not timezone and timestamp.utcoffset() is None:
        parse_timestamp(timestamp)  # raises NaiveTimestamp as the constructor would
    return _built(case_id, activity, timestamp, event_id, actor, channel, attributes)


def _built(
    case_id: str,
    activity: str,
    timestamp: datetime,
    event_id: str | None,
    actor: str | None,
    channel: str | None,
    attributes: dict[str, Any],
) -> Event:
    # The event of values checked (see _event).
    # One string object for every event that repeats a value (a case's id, an activity, a
    # recruiter): an audit holds many events at once.  Only plain strings can be interned;
    # case ids, which do not repeat from case to case, are shared through a bounded table.
    if type(case_id) is str:
        shared = _CASE_IDS.get(case_id)
        if shared is None:
            if len(_CASE_IDS) >= _CASE_IDS_KEPT:
                _CASE_IDS.clear()
            shared = _CASE_IDS[case_id] = case_id
        case_id = shared
    return _event(
        case_id,
        _intern(activity) if type(activity) is str else activity,
        timestamp,
        event_id,
        _intern(actor) if type(actor) is str else actor,
        _intern(channel) if type(channel) is str else channel,
        attributes,
    )


def quick_event(
    data: dict[str, Any], default_tz: tzinfo | None, *, flat: bool = False
) -> Event | None:
    """The event of a usual record, built with a few type tests and one parse of the
    timestamp, or ``None`` when the record is not a usual one.

    What the caller makes sure of and what a usual record is are as for
    :func:`quick_outline`, but for attributes of a known kind, which send a record to the
    full check here (their values are typed there).  Such a record passes every check
    :func:`_checked` makes before it reads the timestamp, so the event is the one it builds
    (and a bad timestamp raises what it raises); for any other, ``None`` sends the caller
    to the full check.
    """
    case_id = data.get("case_id")
    activity = data.get("activity")
    value = data.get("timestamp")
    event_id = data.get("event_id")
    actor = data.get("actor")
    channel = data.get("channel")
    if (
        type(case_id) is not str
        or not case_id
        or type(activity) is not str
        or not activity
        or type(value) is not str
        or not value
        or not _NOT_QUICK_EVENT.isdisjoint(data)
        or (not flat and not _CONTAINERS.isdisjoint(map(type, data.values())))
        or type(event_id) not in _OPTIONAL_TYPES
        or type(actor) not in _OPTIONAL_TYPES
        or type(channel) not in _OPTIONAL_TYPES
    ):
        return None
    timestamp = _moment(value, "timestamp", default_tz)
    if type(timestamp.tzinfo) is not timezone and timestamp.utcoffset() is None:
        return None  # the full check says so
    return _built(
        case_id,
        activity,
        timestamp,
        event_id or None,
        actor or None,
        channel or None,
        {k: v for k, v in data.items() if k not in _NOT_ATTRIBUTES},
    )


def _outline(
    data: Mapping[str, Any],
    default_tz: tzinfo | None,
    typed: bool,
    fields: Container[str],
    timestamp: datetime,
) -> Outline:
    # The rest of _checked's checks, in its order, keeping only what an outline holds.
    if typed:
        kinds = _KIND_KEYS.intersection(data)  # no kind is a field
        if len(kinds) == 1:
            (key,) = kinds
            value = data[key]
            if value is not None:
                coerce(key, value, default_tz)
        elif kinds:
            for k, v in data.items():  # in the record's order: the first bad one is named
                if v is not None and k in kinds:
                    coerce(k, v, default_tz)
    case_id = _text(data["case_id"], "case_id")
    activity = _text(data["activity"], "activity")
    for key in _OPTIONAL:
        value = data.get(key)
        if type(value) is not str:
            _optional_text(value, key)
    if timestamp.utcoffset() is None:
        parse_timestamp(timestamp)
    return Outline(case_id, activity, timestamp)


def quick_outline(data: dict[str, Any], *, flat: bool = False) -> Outline | None:
    """The :class:`~cx_rules.io.stream.Outline` of a usual record, taken with a few type
    tests and one parse of the timestamp, or ``None`` when the record is not a usual one.

    ``data`` is what a JSON or CSV parser gives, and none of its keys is one of
    :data:`~cx_rules.io.mapping.STANDARD_COLUMNS` (the caller makes sure); ``flat`` says
    that no value is a list or a dict (a parser's guard has looked).  A record is usual
    when its ``case_id`` and ``activity`` are non-empty strings, its ``timestamp`` is ISO 8601
    text with an offset that :func:`~cx_rules.io.kinds._moment` reads at once (outside the
    edge years), ``event_id``, ``actor`` and ``channel`` are strings or null when given, and
    it has no list or dict value, no attribute of a known kind and no lifecycle.  Such a
    record passes every check :func:`_checked` makes, so this outline is the one it would
    return; for any other, ``None`` sends the caller to the full check (which then says
    what is wrong, or gives the outline).  This is the first pass of an audit's cost per
    event: every check is made once, in the second pass, where the event is built.
    """
    case_id = data.get("case_id")
    activity = data.get("activity")
    value = data.get("timestamp")
    if (
        type(case_id) is not str
        or not case_id
        or type(activity) is not str
        or not activity
        or type(value) is not str
        or not _NOT_QUICK.isdisjoint(data)
        or (not flat and not _CONTAINERS.isdisjoint(map(type, data.values())))
        or type(data.get("event_id")) not in _OPTIONAL_TYPES
        or type(data.get("actor")) not in _OPTIONAL_TYPES
        or type(data.get("channel")) not in _OPTIONAL_TYPES
    ):
        return None
    moment = _quick_moment(value)
    if moment is None:
        return None
    if not _KIND_KEYS.isdisjoint(data):
        # Attributes of a known kind, already of their type (a JSON log's), pass unread.
        for key, kind in _QUICK_KINDS.items():
            known = data.get(key)
            if known is None or (
                known is True or known is False
                if kind is Kind.BOOLEAN
                else type(known) is int
                if kind is Kind.INTEGER
                else type(known) is str and _quick_moment(known) is not None
            ):
                continue
            return None
    return _new_outline(Outline, (case_id, activity, moment))


def _quick_moment(value: str) -> datetime | None:
    # The moment _moment reads at once from value (see quick_outline), else None.
    if value[10:11] not in _TIME_SEPARATORS:
        return None
    try:
        moment = _fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.year in _EDGE_YEARS or len(value.strip()) != len(value):
        return None
    return moment


def _text(value: object, key: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError as exc:  # more digits than Python converts
            raise InvalidEvent(f"field {key!r}: {too_long_number(exc) or exc}") from None
    raise InvalidEvent(f"field {key!r}: expected a string, got {type(value).__name__}")


def _optional_text(value: object, key: str) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is str:
        return value
    return _text(value, key)


def event_to_dict(event: Event) -> dict[str, Any]:
    """The native record of ``event``, ready for :func:`json.dumps`.

    :func:`event_from_dict` reads it back as an equal event: datetimes (the timestamp and
    attributes of timestamp kind) are written as ISO 8601 text with their offset.
    """
    data: dict[str, Any] = {
        "case_id": event.case_id,
        "activity": event.activity,
        "timestamp": event.timestamp.isoformat(),
    }
    for key in ("event_id", "actor", "channel"):
        value = getattr(event, key)
        if value is not None:
            data[key] = value
    for key, value in event.attributes.items():
        data[key] = value.isoformat() if isinstance(value, datetime) else value
    return data
