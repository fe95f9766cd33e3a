"""The native event format: one JSON object per event with canonical keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, Final

from ..events import Event, parse_timestamp
from ..exceptions import InvalidEvent, NaiveTimestamp

__all__ = ["FIELDS", "event_from_dict", "event_to_dict"]

#: The keys the native format gives a meaning; every other key is an attribute.
FIELDS: Final = ("case_id", "activity", "timestamp", "event_id", "actor", "channel")


def event_from_dict(data: Mapping[str, Any], *, default_tz: tzinfo | None = None) -> Event:
    """Build an :class:`~cx_rules.Event` from a native record (a parsed JSON object).

    ``case_id``, ``activity`` and ``timestamp`` are required; ``event_id``, ``actor`` and
    ``channel`` are optional strings (a number as ``case_id`` or ``event_id`` is taken as its
    text); every other key becomes an attribute.  A timestamp without a zone gets
    ``default_tz`` when one is given, else raises :class:`~cx_rules.NaiveTimestamp`.
    """
    if not isinstance(data, Mapping):
        raise InvalidEvent(f"expected a JSON object, got {type(data).__name__}")
    for key in ("case_id", "activity", "timestamp"):
        value = data.get(key)
        if value is None or value == "":
            raise InvalidEvent(f"missing required field {key!r}")
    raw_ts = data["timestamp"]
    try:
        timestamp = parse_timestamp(raw_ts)
    except NaiveTimestamp:
        if default_tz is None:
            raise
        naive = raw_ts if isinstance(raw_ts, datetime) else datetime.fromisoformat(raw_ts)
        timestamp = naive.replace(tzinfo=default_tz)
    attributes = {k: v for k, v in data.items() if k not in FIELDS}
    return Event(
        _text(data["case_id"], "case_id"),
        _text(data["activity"], "activity"),
        timestamp,
        event_id=_optional_text(data.get("event_id"), "event_id"),
        actor=_optional_text(data.get("actor"), "actor"),
        channel=_optional_text(data.get("channel"), "channel"),
        attributes=attributes,
    )


def _text(value: object, key: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InvalidEvent(f"field {key!r}: expected a string, got {type(value).__name__}")


def _optional_text(value: object, key: str) -> str | None:
    if value is None or value == "":
        return None
    return _text(value, key)


def event_to_dict(event: Event) -> dict[str, Any]:
    """The native record of ``event``; :func:`event_from_dict` reads it back unchanged."""
    data: dict[str, Any] = {
        "case_id": event.case_id,
        "activity": event.activity,
        "timestamp": event.timestamp.isoformat(),
    }
    for key in ("event_id", "actor", "channel"):
        value = getattr(event, key)
        if value is not None:
            data[key] = value
    data.update(event.attributes)
    return data
