"""Cases as JSON, to keep in an ATS's own database and read back with nothing lost.

A stored case is one JSON object::

    {"format": "cx-rules.case", "version": 1, "case_id": "c1", "state": "applied",
     "clock": "2026-03-02T09:00:00+01:00[Europe/Copenhagen]",
     "events": [{"activity": "application_received",
                 "timestamp": "2026-03-02T09:00:00+01:00", "channel": "portal",
                 "attributes": {"source": "careers page"}}],
     "obligations": [{"code": "CX401", "key": "ack",
                      "due": "2026-03-04T09:00:00+01:00[Europe/Copenhagen]",
                      "opened_by": 0, "message": "...", "action": "...",
                      "expired": false, "missing": null}]}

``version`` is the format version (:data:`FORMAT_VERSION`).  A later cx-rules reads every
earlier version; data of a version newer than this one is refused with
:class:`~cx_rules.CaseFormatError`, never half-read.  Each case is written in the oldest
version that holds it, so data stays readable by older releases where it can:

- version 1 has everything above;
- version 2 adds ``"times"`` to an event: the names of its attributes whose values are times
  (readers type ``scheduled_for`` and ``started_at`` so), written as text like every other
  time and read back as the same aware datetimes.  Only a case with such an attribute is
  written as version 2.

Times keep their zone: a time in a named IANA zone (:class:`zoneinfo.ZoneInfo`) is written as
ISO 8601 with the offset and the zone's name in brackets (RFC 9557); a time with a fixed offset
(:class:`datetime.timezone`) as plain ISO 8601.  Other ``tzinfo`` classes (pytz, dateutil)
cannot be written: convert to zoneinfo first.  Event attributes must be JSON values (strings,
numbers, booleans, ``None``, lists and dicts with string keys) or, at the top level, aware
datetimes; a tuple, a set, a date, a datetime inside a list or a non-finite float is an error
that names the attribute, since reading it back would not give the same event.  Attributes
nested deeper than :data:`MAX_DEPTH` levels are refused too.  ``opened_by`` is the index of
the event in ``events`` when it is one of them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .case import Case
from .events import Event
from .exceptions import CaseFormatError, InvalidEvent
from .obligations import Obligation

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_DEPTH",
    "case_from_dict",
    "case_from_json",
    "case_to_dict",
    "case_to_json",
]

#: The value of the ``format`` key of every stored case.
FORMAT: Final = "cx-rules.case"
#: The newest format version this cx-rules writes and reads.
FORMAT_VERSION: Final = 2
#: How deeply lists and dicts may nest in an attribute value that is stored (and read).
MAX_DEPTH: Final = 100

_TIMES_VERSION: Final = 2

_EVENT_FIELDS: Final = ("event_id", "actor", "channel")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
# Python writes and reads integers of at most 4300 digits (CVE-2020-10735); stay below.
_INT_BITS: Final = 14_000
_OFFSET: Final = re.compile(r"([+-])(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{6}))?)?$")
_JSON_TYPES: Final = "a string, number, boolean, null, list or dict with string keys"


# -- writing ---------------------------------------------------------------------------------


def case_to_dict(case: Case) -> dict[str, Any]:
    """The stored form of ``case``: a dict of JSON values, with ``format`` and ``version``.

    :func:`case_from_dict` gives back an equal case, with times in the same zones.  Raises
    :class:`~cx_rules.CaseFormatError`, naming the event and attribute, for a value JSON
    cannot hold without loss.
    """
    where = f"case {case.case_id!r}"
    events = [
        _event_dict(e, case.case_id, f"{where}: events[{i}]") for i, e in enumerate(case.events)
    ]
    obligations = [
        _obligation_dict(o, case, f"{where}: obligations[{i}]")
        for i, o in enumerate(case.obligations)
    ]
    embedded = [o["opened_by"] for o in obligations if isinstance(o["opened_by"], dict)]
    timed = any("times" in e for e in [*events, *embedded])
    return {
        "format": FORMAT,
        "version": _TIMES_VERSION if timed else 1,
        "case_id": case.case_id,
        "state": case.state,
        "clock": None if case.clock is None else _time_text(case.clock, f"{where}: clock"),
        "events": events,
        "obligations": obligations,
    }


def case_to_json(case: Case, *, indent: int | None = None) -> str:
    """``case`` as JSON text (see :func:`case_to_dict`); compact unless ``indent`` is given.

    The text always encodes as UTF-8: a lone surrogate in a string (JSON logs may carry one
    as a ``\\ud800`` escape) is written as that escape, which reads back as the same string.
    """
    separators = (",", ":") if indent is None else None
    text = json.dumps(
        case_to_dict(case),
        ensure_ascii=False,
        allow_nan=False,
        indent=indent,
        separators=separators,
    )
    # Surrogates can only stand inside strings here, where the escape means the same thing.
    return _SURROGATE.sub(_escape_surrogate, text)


def _escape_surrogate(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _time_text(moment: datetime, where: str) -> str:
    zone = moment.tzinfo
    if isinstance(zone, ZoneInfo):
        if zone.key is None:
            raise CaseFormatError(
                f"{where}: the time zone was loaded from a file and has no IANA name "
                "(expected ZoneInfo('Area/City') or a fixed offset)"
            )
        return f"{moment.isoformat()}[{zone.key}]"
    if isinstance(zone, timezone):
        return moment.isoformat()
    kind = "no time zone" if zone is None else f"a {type(zone).__name__} time zone"
    raise CaseFormatError(
        f"{where}: has {kind}, which cannot be stored without loss "
        "(expected zoneinfo.ZoneInfo or datetime.timezone)"
    )


def _event_dict(event: Event, case_id: str, where: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "activity": event.activity,
        "timestamp": _time_text(event.timestamp, f"{where}.timestamp"),
    }
    if event.case_id != case_id:
        data["case_id"] = event.case_id
    for key in _EVENT_FIELDS:
        value = getattr(event, key)
        if value is not None:
            data[key] = value
    if event.attributes:
        attributes: dict[str, Any] = {}
        times: list[str] = []
        for key, value in event.attributes.items():
            if isinstance(value, datetime):
                attributes[key] = _time_text(value, f"{where}.attributes.{key}")
                times.append(key)
            else:
                _check_json(value, f"{where}.attributes.{key}", 0)
                attributes[key] = value
        data["attributes"] = attributes
        if times:
            data["times"] = sorted(times)
    return data


def _check_json(value: object, where: str, depth: int, top: str = "") -> None:
    # ``top`` is the attribute's own place: a message about depth names it, not the path.
    top = top or where
    if value is None or isinstance(value, str | bool):
        return
    if isinstance(value, int):
        if value.bit_length() > _INT_BITS:
            raise CaseFormatError(f"{where}: an integer of more than 4000 digits")
        return
    if depth >= MAX_DEPTH and isinstance(value, list | dict):
        raise CaseFormatError(
            f"{top}: nested deeper than {MAX_DEPTH} levels (expected a flatter value)"
        )
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CaseFormatError(f"{where}: a non-finite number cannot be stored in JSON")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]", depth + 1, top)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CaseFormatError(
                    f"{where}: a key of type {type(key).__name__} cannot be stored in JSON "
                    "(expected string keys)"
                )
            _check_json(item, f"{where}.{key}", depth + 1, top)
        return
    # The value itself is never quoted: attributes may hold message text.
    raise CaseFormatError(
        f"{where}: a {type(value).__name__} would not read back as the same value "
        f"(expected {_JSON_TYPES})"
    )


def _obligation_dict(obligation: Obligation, case: Case, where: str) -> dict[str, Any]:
    return {
        "code": obligation.code,
        "key": obligation.key,
        "due": _time_text(obligation.due, f"{where}.due"),
        "opened_by": _event_ref(obligation.opened_by, case, f"{where}.opened_by"),
        "message": obligation.message,
        "action": obligation.action,
        "expired": obligation.expired,
        "missing": obligation.missing,
    }


def _event_ref(event: Event, case: Case, where: str) -> int | dict[str, Any]:
    events = case.events
    for i, known in enumerate(events):
        if known is event:
            return i
    stored = _event_dict(event, case.case_id, where)
    for i, known in enumerate(events):
        # Equal events may differ in how their times are zoned (the same instant in UTC and
        # in Europe/London): only an event that is stored alike may stand in for this one.
        if known == event and _event_dict(known, case.case_id, where) == stored:
            return i
    return stored


# -- reading ---------------------------------------------------------------------------------


def case_from_json(text: str | bytes) -> Case:
    """The case stored as JSON ``text`` by :func:`case_to_json`.

    Raises :class:`~cx_rules.CaseFormatError` naming the position for text that is not JSON,
    and as :func:`case_from_dict` does for JSON that is not a stored case.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # Some of json's messages end in "at" ("Unterminated string starting at").
        raise CaseFormatError(
            f"stored case: not JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from None
    except UnicodeDecodeError:
        raise CaseFormatError("stored case: not JSON: the bytes are not UTF-8") from None
    except RecursionError:
        raise CaseFormatError(
            f"stored case: not a stored case: nested deeper than Python can read "
            f"(a stored case nests at most {MAX_DEPTH} levels in an attribute)"
        ) from None
    except ValueError as exc:
        # Python refuses integers of more than 4300 digits (CVE-2020-10735).
        raise CaseFormatError(f"stored case: not JSON: {exc}") from None
    return case_from_dict(data)


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """The case stored as ``data`` (a parsed JSON object) by :func:`case_to_dict`.

    Raises :class:`~cx_rules.CaseFormatError` for data of another format, a version newer
    than :data:`FORMAT_VERSION`, or a missing or malformed field; the message names the field
    (``events[3].timestamp``) and what was expected, and never quotes attribute values.
    """
    if not isinstance(data, Mapping):
        raise CaseFormatError(f"stored case: expected a JSON object, got {_json_kind(data)}")
    if data.get("format") != FORMAT:
        raise CaseFormatError(
            f"stored case: format: expected {FORMAT!r}; this is not a case cx-rules stored"
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CaseFormatError("stored case: version: expected a positive integer")
    if version > FORMAT_VERSION:
        raise CaseFormatError(
            f"stored case: format version {version} was written by a newer cx-rules; this one "
            f"reads versions 1 to {FORMAT_VERSION} (upgrade cx-rules to read it)"
        )
    case_id = _string(data, "case_id", "stored case")
    where = f"case {case_id!r}"
    state = _string(data, "state", where)
    raw_clock = data.get("clock")
    clock = None if raw_clock is None else _time(raw_clock, f"{where}: clock")
    raw_events = _list(data, "events", where)
    events = tuple(
        _event(item, case_id, f"{where}: events[{i}]") for i, item in enumerate(raw_events)
    )
    raw_obligations = _list(data, "obligations", where)
    obligations = tuple(
        _obligation(item, case_id, events, f"{where}: obligations[{i}]")
        for i, item in enumerate(raw_obligations)
    )
    return Case(case_id, state, events, obligations, clock)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CaseFormatError(f"{where}: expected an object, got {_json_kind(value)}")
    return value


def _string(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise CaseFormatError(
            f"{where}: {key}: expected a non-empty string, got {_json_kind(value)}"
        )
    return value


def _plain_string(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise CaseFormatError(f"{where}: {key}: expected a string, got {_json_kind(value)}")
    return value


def _optional_string(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise CaseFormatError(f"{where}: {key}: expected a string or null, got {_json_kind(value)}")
    return value


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CaseFormatError(f"{where}: {key}: expected a list, got {_json_kind(value)}")
    return value


def _time(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise CaseFormatError(f"{where}: expected an ISO 8601 string, got {_json_kind(value)}")
    text, zone_name = value, None
    if value.endswith("]") and "[" in value:
        text, _, zone_name = value[:-1].partition("[")
    try:
        moment = _parse_iso(text)
    except ValueError:
        raise CaseFormatError(
            f"{where}: {_sized(value)} is not an ISO 8601 time "
            "(expected e.g. 2026-03-02T09:30:00+01:00[Europe/Copenhagen])"
        ) from None
    offset = moment.utcoffset()
    if offset is None:
        raise CaseFormatError(f"{where}: the time has no UTC offset")
    if zone_name is None:
        return moment
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CaseFormatError(
            f"{where}: the zone name ({_sized(zone_name)}) is not a time zone this system knows "
            "(expected an IANA name such as Europe/Copenhagen)"
        ) from None
    wall = moment.replace(tzinfo=None)
    # The offset tells apart the two readings of a wall time that a daylight-saving change
    # makes ambiguous (or skips); it decides ``fold``.
    for fold in (0, 1):
        local = wall.replace(tzinfo=zone, fold=fold)
        if local.utcoffset() == offset:
            return local
    # The zone's rules changed since the time was written: keep the instant, which is what
    # the deadline meant.
    return moment.astimezone(zone)


def _sized(text: str) -> str:
    # A stored or sent value is described, never quoted (cx_rules.io.kinds.shape).
    from .io.kinds import shape

    return shape(text)


def _parse_iso(text: str) -> datetime:
    found = _OFFSET.search(text)
    if found is None:
        return datetime.fromisoformat(text)
    # Python 3.11's fromisoformat drops the fraction of an offset such as +00:00:00.5; the
    # offset is read here so that every offset isoformat() writes reads back exactly.
    naive = datetime.fromisoformat(text[: found.start()])
    if naive.tzinfo is not None:
        raise ValueError(text)
    sign, hours, minutes, seconds, micros = found.groups()
    offset = timedelta(
        hours=int(hours),
        minutes=int(minutes),
        seconds=int(seconds or 0),
        microseconds=int(micros or 0),
    )
    return naive.replace(tzinfo=timezone(-offset if sign == "-" else offset))


def _event(value: object, case_id: str, where: str) -> Event:
    data = _object(value, where)
    activity = _string(data, "activity", where)
    timestamp = _time(data.get("timestamp"), f"{where}.timestamp")
    attributes = data.get("attributes", {})
    if not isinstance(attributes, Mapping):
        raise CaseFormatError(
            f"{where}: attributes: expected an object, got {_json_kind(attributes)}"
        )
    for key, value in attributes.items():
        _check_json(value, f"{where}.attributes.{key}", 0)
    times = data.get("times", [])
    if not isinstance(times, list) or not all(isinstance(t, str) for t in times):
        raise CaseFormatError(f"{where}: times: expected a list of attribute names")
    if times:
        attributes = dict(attributes)
        for key in times:
            if key not in attributes:
                raise CaseFormatError(
                    f"{where}: times: {key!r} names no attribute of the event "
                    f"(expected names of attributes that hold times)"
                )
            attributes[key] = _time(attributes[key], f"{where}.attributes.{key}")
    event_case = _optional_string(data, "case_id", where) or case_id
    try:
        return Event(
            event_case,
            activity,
            timestamp,
            event_id=_optional_string(data, "event_id", where),
            actor=_optional_string(data, "actor", where),
            channel=_optional_string(data, "channel", where),
            attributes=attributes,
        )
    except InvalidEvent as exc:
        raise CaseFormatError(f"{where}: {exc}") from None


def _obligation(value: object, case_id: str, events: tuple[Event, ...], where: str) -> Obligation:
    data = _object(value, where)
    ref = data.get("opened_by")
    if isinstance(ref, int) and not isinstance(ref, bool):
        if not 0 <= ref < len(events):
            raise CaseFormatError(
                f"{where}: opened_by: {ref} is not the index of an event "
                f"(the case has {len(events)})"
            )
        opened_by = events[ref]
    else:
        opened_by = _event(ref, case_id, f"{where}.opened_by")
    expired = data.get("expired", False)
    if not isinstance(expired, bool):
        raise CaseFormatError(
            f"{where}: expired: expected true or false, got {_json_kind(expired)}"
        )
    return Obligation(
        code=_string(data, "code", where),
        key=_plain_string(data, "key", where),
        due=_time(data.get("due"), f"{where}.due"),
        opened_by=opened_by,
        message=_plain_string(data, "message", where),
        action=_plain_string(data, "action", where),
        expired=expired,
        missing=_optional_string(data, "missing", where),
    )
