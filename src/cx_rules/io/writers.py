"""Writers: export events as JSONL, CSV, XES or OCEL 2.0 JSON that the readers read back.

Reading a written file gives events equal to the ones written, within what each format can
carry: XES and OCEL group events by case (each case keeps its order); CSV and XES write a
``None`` or blank attribute as nothing, so it comes back absent; CSV carries text, so an
attribute outside :data:`~cx_rules.io.kinds.KINDS` comes back as a string; OCEL needs an id
per event, so an event without ``event_id`` comes back with the one it was given.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final
from xml.sax.saxutils import quoteattr

from ..events import Event
from .native import FIELDS, event_to_dict

__all__ = ["write_csv", "write_jsonl", "write_ocel", "write_xes"]

_XES_HEAD: Final = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Identity" prefix="identity" uri="http://www.xes-standard.org/identity.xesext"/>
"""


@contextmanager
def _opened(target: str | Path | IO[str]) -> Iterator[IO[str]]:
    if isinstance(target, str | Path):
        with Path(target).open("w", encoding="utf-8", newline="") as handle:
            yield handle
    else:
        yield target


def write_jsonl(events: Iterable[Event], target: str | Path | IO[str]) -> int:
    """Write one native JSON object per line (streaming); returns the number of events."""
    count = 0
    with _opened(target) as handle:
        for event in events:
            handle.write(json.dumps(event_to_dict(event), ensure_ascii=False) + "\n")
            count += 1
    return count


def write_csv(
    events: Iterable[Event],
    target: str | Path | IO[str],
    *,
    columns: Sequence[str] | None = None,
) -> int:
    """Write a CSV file with a header of native names; returns the number of events.

    The header is ``case_id, activity, timestamp, event_id, actor, channel`` and then the
    attribute names in order of first appearance, which means holding all events in memory;
    give ``columns`` (the attribute names) to write while streaming instead.  An attribute not
    in ``columns`` raises :class:`ValueError` naming it.  Booleans are written ``true`` and
    ``false``, datetimes in ISO 8601 with their offset, lists and dicts as JSON; rows end in
    CRLF (RFC 4180), so a lone CR or LF inside a value is quoted and survives.
    """
    if columns is None:
        events = list(events)
        names = list(dict.fromkeys(k for e in events for k in e.attributes))
    else:
        names = list(columns)
    header = [*FIELDS, *names]
    count = 0
    with _opened(target) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for event in events:
            unknown = sorted(set(event.attributes) - set(names))
            if unknown:
                raise ValueError(
                    f"event {count + 1} (case {event.case_id!r}): attribute {unknown[0]!r} "
                    "is not among the columns given"
                )
            row = [_cell(getattr(event, f)) for f in FIELDS]
            row += [_cell(event.attributes.get(n)) for n in names]
            writer.writerow(row)
            count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _by_case(events: Iterable[Event]) -> dict[str, list[Event]]:
    cases: dict[str, list[Event]] = {}
    for event in events:
        cases.setdefault(event.case_id, []).append(event)
    return cases


def write_xes(events: Iterable[Event], target: str | Path | IO[str]) -> int:
    """Write an XES log, one trace per case in order of first appearance; returns the count.

    Fields become ``concept:name``, ``time:timestamp``, ``org:resource``, ``identity:id`` and
    ``channel``; attributes are typed (``string``, ``boolean``, ``int``, ``float``, ``date``,
    ``list``, ``container``).  Holds all events in memory to group them by case.  Raises
    :class:`ValueError` for text XML cannot carry (control characters).
    """
    count = 0
    with _opened(target) as handle:
        handle.write(_XES_HEAD)
        for case, trace in _by_case(events).items():
            handle.write("  <trace>\n")
            handle.write("    " + _xes("concept:name", case) + "\n")
            for event in trace:
                handle.write("    <event>\n")
                fields = {
                    "concept:name": event.activity,
                    "time:timestamp": event.timestamp,
                    "org:resource": event.actor,
                    "identity:id": event.event_id,
                    "channel": event.channel,
                }
                for key, value in [*fields.items(), *event.attributes.items()]:
                    if value is not None:
                        handle.write("      " + _xes(key, value) + "\n")
                handle.write("    </event>\n")
                count += 1
            handle.write("  </trace>\n")
        handle.write("</log>\n")
    return count


def _xes(key: str, value: Any) -> str:
    head = f"key={quoteattr(_xml_text(key))}"
    if isinstance(value, bool):
        return f"<boolean {head} value={quoteattr('true' if value else 'false')}/>"
    if isinstance(value, int):
        return f"<int {head} value={quoteattr(str(value))}/>"
    if isinstance(value, float):
        return f"<float {head} value={quoteattr(repr(value))}/>"
    if isinstance(value, datetime):
        return f"<date {head} value={quoteattr(value.isoformat())}/>"
    if isinstance(value, list):
        items = "".join(_xes("item", v) for v in value if v is not None)
        return f"<list {head}><values>{items}</values></list>"
    if isinstance(value, Mapping):
        items = "".join(_xes(str(k), v) for k, v in value.items() if v is not None)
        return f"<container {head}>{items}</container>"
    return f"<string {head} value={quoteattr(_xml_text(str(value)))}/>"


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters, escaped or not.
    for char in text:
        if ord(char) < 0x20 and char not in "\t\n\r":
            raise ValueError(f"XML cannot carry the control character U+{ord(char):04X}")
    return text


def write_ocel(
    events: Iterable[Event],
    target: str | Path | IO[str],
    *,
    object_type: str = "application",
) -> int:
    """Write an OCEL 2.0 JSON log with one object of ``object_type`` per case.

    Returns the number of OCEL events written.  Events that share an ``event_id`` and are
    otherwise equal (as flattening produces) become one OCEL event related to each of their
    cases; sharing an id otherwise raises :class:`ValueError`.  An event without an id gets
    ``e1``, ``e2``, ... (skipping ids in use).  ``actor`` and ``channel`` are written as
    event attributes of those names.  Holds all events in memory.
    """
    events = list(events)
    used = {e.event_id for e in events if e.event_id is not None}
    merged: dict[str, dict[str, Any]] = {}
    signature: dict[str, tuple[Any, ...]] = {}
    cases: dict[str, None] = {}
    types: dict[str, dict[str, str]] = {}
    serial = 0
    for event in events:
        cases.setdefault(event.case_id, None)
        eid = event.event_id
        if eid is None:
            serial += 1
            while f"e{serial}" in used:
                serial += 1
            eid = f"e{serial}"
        values = {"actor": event.actor, "channel": event.channel, **event.attributes}
        attributes = {k: v for k, v in values.items() if v is not None}
        mark = (event.activity, event.timestamp, sorted(attributes.items(), key=repr))
        relation = {"objectId": event.case_id, "qualifier": ""}
        if eid in merged:
            if signature[eid] != mark:
                raise ValueError(f"event id {eid!r} is used by two different events")
            merged[eid]["relationships"].append(relation)
            continue
        signature[eid] = mark
        declared = types.setdefault(event.activity, {})
        for key, value in attributes.items():
            declared.setdefault(key, _ocel_type(value))
        merged[eid] = {
            "id": eid,
            "type": event.activity,
            "time": event.timestamp.isoformat(),
            "attributes": [{"name": k, "value": _json(v)} for k, v in attributes.items()],
            "relationships": [relation],
        }
    document = {
        "objectTypes": [{"name": object_type, "attributes": []}],
        "eventTypes": [
            {"name": name, "attributes": [{"name": k, "type": t} for k, t in attrs.items()]}
            for name, attrs in types.items()
        ],
        "objects": [
            {"id": case, "type": object_type, "attributes": [], "relationships": []}
            for case in cases
        ],
        "events": list(merged.values()),
    }
    with _opened(target) as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return len(merged)


def _ocel_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, datetime):
        return "time"
    return "string"


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
