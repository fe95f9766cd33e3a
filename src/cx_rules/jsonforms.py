"""Events, findings and due items as JSON values, and the JSON Schemas of those shapes.

The same shapes the HTTP service speaks (see ``docs/guide/service.md``), for a Python program
that talks to another language::

    >>> from cx_rules.jsonforms import event_from_dict, event_to_dict
    >>> e = event_from_dict({"case_id": "c1", "activity": "application_received",
    ...                      "timestamp": "2026-03-02T09:00:00+01:00", "channel": "portal"})
    >>> event_to_dict(e)["timestamp"]
    '2026-03-02T09:00:00+01:00'

``*_from_dict`` raise :class:`~cx_rules.InvalidEvent` naming the field (``timestamp``,
``attributes.score``) and what was expected; they never quote a value of an attribute.
Cases use :func:`cx_rules.serialize.case_to_dict` and :func:`~cx_rules.serialize.case_from_dict`,
re-exported here.  :data:`SCHEMAS` holds the JSON Schema (draft 2020-12) of each shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final, TypeVar

from .events import Event, parse_timestamp
from .exceptions import CaseFormatError, InvalidEvent
from .findings import Finding, Outcome, Severity
from .obligations import Due, Obligation
from .serialize import _event, _event_dict, case_from_dict, case_to_dict

__all__ = [
    "SCHEMAS",
    "case_from_dict",
    "case_to_dict",
    "due_to_dict",
    "event_from_dict",
    "event_to_dict",
    "finding_from_dict",
    "finding_to_dict",
    "responsible_for",
]

_E = TypeVar("_E", bound=Enum)
_TIME: Final = {"type": "string", "format": "date-time", "description": "ISO 8601 with a zone"}
_EVENT_KEYS: Final = frozenset(
    {"case_id", "activity", "timestamp", "event_id", "actor", "channel", "attributes", "times"}
)

#: JSON Schemas (draft 2020-12) of the shapes, by name: ``event``, ``finding``, ``due``, ``case``.
SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "event": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "cx-rules/event-1.schema.json",
        "title": "cx-rules event",
        "type": "object",
        "required": ["case_id", "activity", "timestamp"],
        "additionalProperties": False,
        "properties": {
            "case_id": {"type": "string", "minLength": 1, "maxLength": 200},
            "activity": {"type": "string", "minLength": 1, "maxLength": 100},
            "timestamp": _TIME,
            "event_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 200},
            "actor": {"type": ["string", "null"], "maxLength": 200},
            "channel": {"type": ["string", "null"], "maxLength": 100},
            "attributes": {"type": "object"},
            "times": {"type": "array", "items": {"type": "string"}},
        },
    },
    "finding": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "cx-rules/finding-1.schema.json",
        "title": "cx-rules finding",
        "type": "object",
        "required": ["case_id", "code", "outcome", "severity", "message", "at"],
        "properties": {
            "case_id": {"type": "string"},
            "code": {"type": "string", "pattern": "^CX[0-9]{3}$|^[A-Z][A-Z0-9]*[0-9]{3}$"},
            "outcome": {"enum": [o.value for o in Outcome]},
            "severity": {"enum": [s.value for s in Severity]},
            "message": {"type": "string"},
            "at": _TIME,
            "due": {"anyOf": [_TIME, {"type": "null"}]},
            "late_seconds": {"type": ["number", "null"]},
            "missing": {"type": ["string", "null"]},
            "waived_by": {"type": ["string", "null"]},
            "evidence": {"type": "array", "items": {"type": "string"}},
        },
    },
    "due": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "cx-rules/due-1.schema.json",
        "title": "cx-rules due item",
        "type": "object",
        "required": ["case_id", "code", "key", "due", "action", "overdue", "responsible"],
        "properties": {
            "case_id": {"type": "string"},
            "code": {"type": "string"},
            "key": {"type": "string"},
            "due": _TIME,
            "action": {"type": "string"},
            "overdue": {"type": "boolean"},
            "responsible": {"type": ["string", "null"]},
        },
    },
    "case": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "cx-rules/case-2.schema.json",
        "title": "cx-rules stored case",
        "type": "object",
        "required": ["format", "version", "case_id", "state", "events", "obligations"],
        "properties": {
            "format": {"const": "cx-rules.case"},
            "version": {"type": "integer", "minimum": 1, "maximum": 2},
            "case_id": {"type": "string"},
            "state": {"type": "string"},
            "clock": {"type": ["string", "null"]},
            "events": {"type": "array", "items": {"type": "object"}},
            "obligations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "key", "due", "action", "expired"],
                    "properties": {
                        "code": {"type": "string"},
                        "key": {"type": "string"},
                        "due": {"type": "string"},
                        "action": {"type": "string"},
                        "expired": {"type": "boolean"},
                    },
                },
            },
        },
    },
}


def event_to_dict(event: Event) -> dict[str, Any]:
    """``event`` as a JSON object of the ``event`` schema (its ``case_id`` included)."""
    data = _event_dict(event, "", f"event of case {event.case_id!r}")
    data["case_id"] = event.case_id
    return data


def _text(data: Mapping[str, Any], key: str, *, required: bool, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise InvalidEvent(f"{key}: required (a non-empty string)")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidEvent(f"{key}: expected a non-empty string, got {_kind(value)}")
    if len(value) > limit:
        raise InvalidEvent(f"{key}: longer than {limit} characters")
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def event_from_dict(data: Mapping[str, Any], *, case_id: str | None = None) -> Event:
    """The event a JSON object of the ``event`` schema describes.

    ``case_id`` given here fills a missing ``case_id`` and must equal a present one.  Times
    need a zone; attribute names listed in ``times`` are read as times.  Raises
    :class:`~cx_rules.InvalidEvent` (or its :class:`~cx_rules.NaiveTimestamp`) naming the field.
    """
    if not isinstance(data, Mapping):
        raise InvalidEvent(f"event: expected a JSON object, got {_kind(data)}")
    unknown = sorted(str(k) for k in data if k not in _EVENT_KEYS)
    if unknown:
        raise InvalidEvent(
            f"{unknown[0]}: not a field of an event (expected {', '.join(sorted(_EVENT_KEYS))})"
        )
    given = _text(data, "case_id", required=case_id is None, limit=200)
    if case_id is not None and given is not None and given != case_id:
        raise InvalidEvent("case_id: differs from the case named in the address")
    cid = case_id if given is None else given
    assert cid is not None
    activity = _text(data, "activity", required=True, limit=100)
    assert activity is not None
    raw_time = data.get("timestamp")
    if not isinstance(raw_time, str):
        raise InvalidEvent(
            f"timestamp: expected an ISO 8601 string with a zone, got {_kind(raw_time)}"
        )
    timestamp = parse_timestamp(raw_time, where="timestamp")
    attributes = data.get("attributes")
    attributes = {} if attributes is None else attributes
    if not isinstance(attributes, Mapping):
        raise InvalidEvent(f"attributes: expected an object, got {_kind(attributes)}")
    times = data.get("times")
    times = [] if times is None else times
    if not isinstance(times, list) or not all(isinstance(t, str) for t in times):
        raise InvalidEvent("times: expected an array of attribute names")
    stored: dict[str, Any] = {
        "activity": activity,
        "timestamp": raw_time,
        "attributes": dict(attributes),
        "times": times,
    }
    for key in ("event_id", "actor", "channel"):
        value = _text(data, key, required=False, limit=200)
        if value is not None:
            stored[key] = value
    try:
        event = _event_from_stored(stored, cid)
    except CaseFormatError as exc:
        message = str(exc).removeprefix("event").lstrip(".:").lstrip()
        raise InvalidEvent(message) from None
    if event.timestamp != timestamp:  # pragma: no cover - both read the same text
        raise InvalidEvent("timestamp: could not be read")
    return event


def _event_from_stored(stored: dict[str, Any], case_id: str) -> Event:
    if not stored["times"]:
        del stored["times"]
    if not stored["attributes"]:
        del stored["attributes"]
    return _event(stored, case_id, "event")


def _iso(moment: datetime) -> str:
    """RFC 3339 text of an aware time (its offset, without a zone name)."""
    return moment.isoformat()


def responsible_for(obligation: Obligation, events: Sequence[Event] = ()) -> str | None:
    """Who should act on ``obligation``: the actor of the case's latest event that names one
    other than the candidate (``None`` when no event does).  ``events`` are the case's."""
    for event in reversed(events):
        if event.actor and event.actor.strip().lower() != "candidate":
            return event.actor
    return None


def due_to_dict(due: Due, *, responsible: str | None = None) -> dict[str, Any]:
    """``due`` as a JSON object of the ``due`` schema; the obligation's ``key`` is kept, so
    two obligations of one rule on one case stay apart."""
    return {
        "case_id": due.case_id,
        "code": due.code,
        "key": due.obligation.key,
        "due": _iso(due.due),
        "action": due.action,
        "overdue": due.overdue,
        "responsible": responsible,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """``finding`` as a JSON object of the ``finding`` schema.

    ``evidence`` holds the ids of the events it rests on (``activity@timestamp`` for events
    without an id); the message is the rule's, which names activities and times, not texts.
    """
    return {
        "case_id": finding.case_id,
        "code": finding.code,
        "outcome": finding.outcome.value,
        "severity": finding.severity.value,
        "message": finding.message,
        "at": _iso(finding.at),
        "due": None if finding.due is None else _iso(finding.due),
        "late_seconds": None if finding.late is None else finding.late.total_seconds(),
        "missing": finding.missing,
        "waived_by": finding.waived_by,
        "evidence": [e.event_id or f"{e.activity}@{_iso(e.timestamp)}" for e in finding.evidence],
    }


def _member(kind: type[_E], value: str, key: str) -> _E:
    # The enum member named ``value``; a value it does not name is described, never quoted.
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(str(m.value) for m in kind)
        raise ValueError(f"{key}: expected one of {names}, got {_sized(value)}") from None


def _sized(value: str) -> str:
    from .io.kinds import shape

    return shape(value)


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    """The finding a JSON object of the ``finding`` schema describes (its evidence, given as
    ids, is not rebuilt: ``evidence`` is empty).  Raises :class:`ValueError` naming the field."""
    if not isinstance(data, Mapping):
        raise ValueError(f"finding: expected a JSON object, got {_kind(data)}")

    def text(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str):
            raise ValueError(f"{key}: expected a string, got {_kind(value)}")
        return value

    def time(key: str) -> datetime:
        return parse_timestamp(text(key), where=key)

    outcome = _member(Outcome, text("outcome"), "outcome")
    severity = _member(Severity, text("severity"), "severity")
    late = data.get("late_seconds")
    if late is not None and (isinstance(late, bool) or not isinstance(late, int | float)):
        raise ValueError(f"late_seconds: expected a number or null, got {_kind(late)}")
    return Finding(
        case_id=text("case_id"),
        code=text("code"),
        outcome=outcome,
        severity=severity,
        message=text("message"),
        at=time("at"),
        due=None if data.get("due") is None else time("due"),
        late=None if late is None else timedelta(seconds=late),
        missing=data.get("missing"),
        waived_by=data.get("waived_by"),
    )
