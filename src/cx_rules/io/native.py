"""The native event format: one JSON object per event with canonical keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, Final

from ..events import Event
from ..exceptions import InvalidEvent
from .kinds import coerce, parse_moment

__all__ = ["FIELDS", "event_from_dict", "event_to_dict"]

#: The keys the native format gives a meaning; every other key is an attribute.
FIELDS: Final = ("case_id", "activity", "timestamp", "event_id", "actor", "channel")


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
    for key in ("case_id", "activity", "timestamp"):
        value = data.get(key)
        if value is None or value == "":
            raise InvalidEvent(f"missing required field {key!r}")
    timestamp = parse_moment(data["timestamp"], "timestamp", default_tz)
    attributes = {k: v for k, v in data.items() if k not in FIELDS}
    if typed:
        attributes = {k: coerce(k, v, default_tz) for k, v in attributes.items()}
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
