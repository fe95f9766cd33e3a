"""The OCEL reader: object-centric event logs (OCEL 1.0 and 2.0 JSON), flattened on one type.

An object-centric event relates to several objects (an application, an offer, a vacancy).
cx-rules follows one case at a time, so the log is flattened on the object type that is a
case (``LogMapping.object_type``, ``"application"`` by default): an event becomes one record
per related object of that type, with the object's id as the case id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import tzinfo
from pathlib import Path
from typing import IO, Any, Final

from ..exceptions import InvalidEvent
from ._build import build_event
from ._files import MAX_DOCUMENT, open_text
from .kinds import describe, too_long_number
from .mapping import LogMapping, check_nesting
from .records import InputError, LogError, Record
from .stream import PLACES, LogStream, Place, Skip

__all__ = ["MAX_CONTAINERS", "detect_version", "read_ocel"]

_IDENTITY: Final = LogMapping()

#: The most lists and objects an OCEL document may hold (16 Mi), counted as its ``{`` and
#: ``[`` characters (those in strings too) while it is read, before it is parsed: a parsed
#: ``{}`` takes about 36 times the two characters it is written in.
MAX_CONTAINERS: Final = 2**24

_CHUNK: Final = 2**20


def read_ocel(
    source: str | Path | IO[str],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
) -> LogStream:
    """Stream the events of an OCEL 1.0 or 2.0 JSON log, flattened on the case object type.

    The version is detected from the content (``ocel:events`` for 1.0; ``events`` and
    ``objects`` for 2.0).  For each event, in file order: one
    :class:`~cx_rules.Event` per related object of type ``mapping.object_type``, with the
    object id as ``case_id``, the OCEL event id as ``event_id``, the activity (1.0) or event
    type (2.0) as ``activity`` and the event's attributes (``ocel:vmap`` or ``attributes``)
    as attributes.  A related object of another type whose type is named in
    ``mapping.columns`` gives that column its id (a sorted list when there are several).

    An event related to no object of the case type is not a record: it is skipped and counted
    in :attr:`~cx_rules.io.stream.LogStream.skipped` under ``no object of type '...'``.  An
    event that names an object not in the log's objects, or that is malformed, is one
    :class:`~cx_rules.io.records.InputError` whose ``element`` reads ``ocel:events["e12"]``
    (1.0) or ``events["e12"]`` (2.0); a bad record of a flattened event is one error per
    case.  OCEL is not line-based: the JSON is loaded whole before the first record, then
    records are produced one event at a time.  Raises
    :class:`~cx_rules.io.records.LogError` for a file that is not JSON or not OCEL.
    """
    places = PLACES.get()  # see PLACES
    if isinstance(source, str | Path):
        label = name or str(source)
        return LogStream(_from_path(Path(source), label, mapping, default_tz, places), label)
    label = name or str(getattr(source, "name", "<stream>"))
    return LogStream(_from_stream(source, label, mapping, default_tz, places), label)


def detect_version(data: object) -> str:
    """``"1.0"`` or ``"2.0"`` for a parsed OCEL JSON document, ``""`` when it is neither."""
    if not isinstance(data, dict):
        return ""
    if "ocel:events" in data:
        return "1.0"
    if "events" in data and "objects" in data:
        return "2.0"
    return ""


def _from_stream(
    handle: IO[str],
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    places: bool,
) -> Iterator[Record | Skip | Place]:
    # A text stream of the caller's: nothing names the place of a byte that is not UTF-8.
    try:
        yield from _read(handle, name, mapping, default_tz, places)
    except UnicodeDecodeError as exc:
        raise LogError(
            f"{name}: not UTF-8 text ({exc.reason}); expected a UTF-8 encoded OCEL log"
        ) from None


def _from_path(
    path: Path, name: str, mapping: LogMapping | None, default_tz: tzinfo | None, places: bool
) -> Iterator[Record | Skip | Place]:
    with open_text(path, name) as handle:
        yield from _read(handle, name, mapping, default_tz, places)


def _read(
    handle: IO[str],
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    places: bool = False,
) -> Iterator[Record | Skip | Place]:
    text = _text(handle, name)
    try:
        data = _DECODER.decode(text)
    except UnicodeDecodeError:
        raise  # open_text names the line and byte (a ValueError, but not of JSON)
    except ValueError as exc:
        # Not JSON, or a number of more digits than Python converts (which has no place).
        long = None if isinstance(exc, json.JSONDecodeError) else too_long_number(exc)
        if long is not None:
            raise LogError(f"{name}: not a readable OCEL log: {long}") from None
        where = f":{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise LogError(f"{name}{where}: not valid JSON; expected an OCEL log") from None
    except RecursionError:
        # The parser recurses once per level of nesting: a hostile file must not crash it.
        raise LogError(
            f"{name}: JSON nested deeper than Python can read; expected an OCEL log "
            "(a few levels deep)"
        ) from None
    del text
    if isinstance(data, _Repeated):
        raise LogError(
            f"{name}: the key {describe(next(iter(data.repeated)))} appears more than once at "
            "the top of the document; expected each key once (which one is meant?)"
        )
    version = detect_version(data)
    if version == "1.0":
        types, events = _events_v1(data, name)
    elif version == "2.0":
        types, events = _events_v2(data, name)
    else:
        raise LogError(
            f"{name}: not an OCEL log (expected a JSON object with 'ocel:events' and "
            "'ocel:objects' for OCEL 1.0, or 'events' and 'objects' for OCEL 2.0)"
        )
    yield from _flatten(events, types, name, mapping or _IDENTITY, default_tz, places)


def _text(handle: IO[str], name: str) -> str:
    # The document, read in chunks whose brackets are counted: a file of a billion empty
    # objects (a small .gz) is refused before any of them is built.
    chunks: list[str] = []
    containers = size = 0
    while chunk := handle.read(_CHUNK):
        size += len(chunk)
        containers += chunk.count("{") + chunk.count("[")
        if containers > MAX_CONTAINERS:
            raise LogError(
                f"{name}: more than {MAX_CONTAINERS // 2**20} Mi lists and objects ('{{' and "
                "'['); expected an OCEL log small enough to read whole (split it, or export JSONL)"
            )
        if size > MAX_DOCUMENT:
            raise LogError(
                f"{name}: larger than {MAX_DOCUMENT // 2**30} Gi characters; expected a "
                "log small enough to read whole (split it, or export JSONL)"
            )
        chunks.append(chunk)
    return "".join(chunks)


class _Repeated(dict[str, Any]):
    """A JSON object in which some keys appear more than once: it holds the first value of
    each key, and ``repeated`` counts the later ones."""

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        repeated: dict[str, int] = {}
        for key, value in pairs:
            if key in self:
                repeated[key] = repeated.get(key, 0) + 1
            else:
                self[key] = value
        self.repeated = repeated


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last value of a repeated key without a word: here it is marked.
    result = dict(pairs)
    return result if len(result) == len(pairs) else _Repeated(pairs)


_DECODER: Final = json.JSONDecoder(object_pairs_hook=_object)


def _repeated_key(*objects: object) -> str:
    """The problem of an event any of whose ``objects`` repeats a key, else ``""``."""
    for value in objects:
        if isinstance(value, _Repeated):
            key = next(iter(value.repeated))
            return f"the key {describe(key)} appears more than once; expected each key once"
    return ""


# One source event: where it is, and either (id, record, related object ids) or a problem.
_Item = tuple[str, tuple[str, dict[str, Any], list[str]] | str]


def _events_v1(data: dict[str, Any], name: str) -> tuple[dict[str, str | None], Iterator[_Item]]:
    events = data.get("ocel:events")
    objects = data.get("ocel:objects", {})
    if not isinstance(events, dict) or not isinstance(objects, dict):
        raise LogError(f"{name}: 'ocel:events' and 'ocel:objects' must be JSON objects (OCEL 1.0)")
    types = {
        oid: _type(obj.get("ocel:type")) for oid, obj in objects.items() if isinstance(obj, dict)
    }
    return types, _items_v1(events)


def _type(value: object) -> str | None:
    # An object's type is compared and collected in sets: anything but a string is no type.
    return value if isinstance(value, str) else None


def _items_v1(events: dict[str, Any]) -> Iterator[_Item]:
    repeated = events.repeated if isinstance(events, _Repeated) else {}
    for eid, event in events.items():
        element = f"ocel:events[{json.dumps(eid)}]"
        yield from _v1_item(eid, event, element)
        for _ in range(repeated.get(eid, 0)):
            # Each later event of the same id is one record, refused: none is lost unseen.
            yield element, "another event with this id; expected each id once in 'ocel:events'"


def _v1_item(eid: str, event: object, element: str) -> Iterator[_Item]:
    if not isinstance(event, dict):
        yield element, f"expected a JSON object, got {type(event).__name__}"
        return
    vmap = event.get("ocel:vmap", {})
    omap = event.get("ocel:omap", [])
    problem = _repeated_key(event, vmap)
    if problem:
        yield element, problem
        return
    if not isinstance(vmap, dict):
        yield element, "'ocel:vmap': expected a JSON object"
        return
    if not isinstance(omap, list) or not all(isinstance(o, str) for o in omap):
        yield element, "'ocel:omap': expected a list of object ids"
        return
    record = dict(vmap)
    record["activity"] = event.get("ocel:activity")
    record["timestamp"] = event.get("ocel:timestamp")
    yield element, (eid, record, omap)


def _events_v2(data: dict[str, Any], name: str) -> tuple[dict[str, str | None], Iterator[_Item]]:
    events = data.get("events")
    objects = data.get("objects")
    if not isinstance(events, list) or not isinstance(objects, list):
        raise LogError(f"{name}: 'events' and 'objects' must be JSON arrays (OCEL 2.0)")
    types = {
        obj["id"]: _type(obj.get("type"))
        for obj in objects
        if isinstance(obj, dict) and isinstance(obj.get("id"), str)
    }
    return types, _items_v2(events)


def _items_v2(events: list[Any]) -> Iterator[_Item]:
    for number, event in enumerate(events):
        if not isinstance(event, dict):
            yield f"events[{number}]", f"expected a JSON object, got {type(event).__name__}"
            continue
        eid = event.get("id")
        if not isinstance(eid, str) or not eid:
            yield f"events[{number}]", "'id': expected a non-empty string"
            continue
        element = f"events[{json.dumps(eid)}]"
        problem = _repeated_key(event)
        if problem:
            yield element, problem
            continue
        problem, record = _attributes_v2(event.get("attributes", []))
        if problem:
            yield element, problem
            continue
        related = event.get("relationships", [])
        if not isinstance(related, list) or not all(
            isinstance(r, dict) and isinstance(r.get("objectId"), str) for r in related
        ):
            yield element, "'relationships': expected a list of {objectId, qualifier}"
            continue
        record["activity"] = event.get("type")
        record["timestamp"] = event.get("time")
        yield element, (eid, record, [r["objectId"] for r in related])


def _attributes_v2(value: object) -> tuple[str, dict[str, Any]]:
    if not isinstance(value, list):
        return "'attributes': expected a list of {name, value}", {}
    record: dict[str, Any] = {}
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return "'attributes': expected a list of {name, value}", {}
        problem = _repeated_key(item)
        if problem:
            return f"'attributes': {problem}", {}
        if item["name"] in record:
            return f"'attributes': {describe(item['name'])} is given twice; expected each once", {}
        record[item["name"]] = item.get("value")
    return "", record


def _flatten(
    items: Iterator[_Item],
    types: Mapping[str, str | None],
    name: str,
    mapping: LogMapping,
    default_tz: tzinfo | None,
    places: bool = False,
) -> Iterator[Record | Skip | Place]:
    # places: yield the Place of each source event before its records.
    case_type = mapping.object_type
    # Object types named in [mapping.columns] are carried as columns holding related ids.
    carried = [t for t in mapping.columns if t != case_type and t in set(types.values())]
    for element, parts in items:
        if places:
            yield Place(None, element)
        if isinstance(parts, str):
            yield InputError(name, None, parts, element)
            continue
        eid, record, omap = parts
        dangling = [oid for oid in omap if oid not in types]
        if dangling:
            yield InputError(
                name,
                None,
                f"refers to object {describe(dangling[0])}, which is not among the log's "
                f"objects ({len(dangling)} unknown reference(s))",
                element,
            )
            continue
        cases = [oid for oid in dict.fromkeys(omap) if types[oid] == case_type]
        if not cases:
            yield Skip(f"no object of type {case_type!r}")
            continue
        for column in carried:
            related = sorted({oid for oid in omap if types[oid] == column})
            if related:
                record[column] = related[0] if len(related) == 1 else related
        try:
            check_nesting(record)
        except InvalidEvent as exc:
            yield InputError(name, None, str(exc), element)
            continue
        for case in cases:
            try:
                yield build_event({**record, "case_id": case, "event_id": eid}, mapping, default_tz)
            except InvalidEvent as exc:
                yield InputError(name, None, f"case {describe(case)}: {exc}", element)
