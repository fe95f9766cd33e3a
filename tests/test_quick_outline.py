"""The first pass of an audit takes a usual record's outline cheaply (``quick_outline``),
and the second builds a usual record's event at once (``quick_event``): what they find
must be what the full check finds, record by record.

For JSONL and CSV, with and without a default zone, and for one share of an audit: the same
records are input errors (with the same line and message) and every event has the same case
id, activity and timestamp, whether the reader yields outlines (the first pass) or events.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cx_rules.events import Event
from cx_rules.exceptions import InvalidEvent
from cx_rules.io import jsonl, read_csv, read_jsonl
from cx_rules.io._build import build_plain
from cx_rules.io.mapping import STANDARD_COLUMNS
from cx_rules.io.native import quick_event, quick_outline
from cx_rules.io.records import InputError, Record
from cx_rules.io.stream import FOREIGN, OUTLINES, PARTITION, LogStream, Outline, Part
from cx_rules.testing.strategies import hostile_text, native_records

# Values a usual record's fields take, and the near misses the quick path must refuse to
# judge (left to the full check, which then finds them good or bad).
_MOMENTS = st.sampled_from(
    [
        "2026-03-02T09:30:00+01:00",
        "2026-03-02T09:30:00Z",
        "2026-03-02 09:30:00+01:00",
        "2026-03-02t09:30:00.250+05:30",
        " 2026-03-02T09:30:00+01:00",
        "2026-03-02T09:30:00+01:00 ",
        "2026-03-02T09:30:00",
        "2026-03-02+01:00",
        "20260302T093000+0100",
        "0001-01-01T00:00:00+01:00",
        "0001-01-02T12:00:00+00:00",
        "9999-12-31T01:00:00+00:00",
        "9999-12-30T12:00:00-05:00",
        "2026-02-30T10:00:00+01:00",
        "",
    ]
)
_KIND_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "thanked": st.one_of(st.booleans(), st.sampled_from(["true", "0", "yes", ""]), st.integers()),
    "consent": st.one_of(st.booleans(), st.none(), st.just(1)),
    "delay_minutes": st.one_of(st.integers(-5, 10**20), st.booleans(), st.just("15"), st.none()),
    "scheduled_for": st.one_of(_MOMENTS, st.integers(), st.none()),
    "started_at": _MOMENTS,
    "items": st.one_of(st.just([1, [2]]), st.just('["a"]'), st.just("nope")),
    "lifecycle:transition": st.sampled_from(["complete", "start", "", None]),
}


# The changes to a usual record drawn, one or two at a time: each field's near misses.
_CHANGES: dict[str, st.SearchStrategy[Any]] = {
    **_KIND_VALUES,
    "case_id": st.sampled_from(["", 7, 2.5, None, True]),
    "activity": st.sampled_from(["", None, 3, "interview_held"]),
    "timestamp": st.one_of(_MOMENTS, st.integers(), st.none()),
    "event_id": st.one_of(st.none(), st.just(""), st.integers(), hostile_text),
    "actor": st.one_of(st.none(), st.just(""), st.integers(), st.booleans()),
    "channel": st.one_of(st.none(), st.just("phone"), st.floats()),
    "note": st.one_of(st.just([]), st.just({"a": [1]}), st.floats(), hostile_text),
}


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    # native_records (good and broken), or a usual record with one or two near misses.
    if draw(st.integers(0, 2)) == 0:
        return draw(native_records())
    record: dict[str, Any] = {
        "case_id": draw(st.sampled_from(["c1", "c2"])),
        "activity": "rejected",
        "timestamp": "2026-03-02T09:30:00+01:00",
    }
    for key in draw(st.lists(st.sampled_from(sorted(_CHANGES)), max_size=2, unique=True)):
        if draw(st.integers(0, 5)) == 0:
            record.pop(key, None)
        else:
            record[key] = draw(_CHANGES[key])
    return record


# Lines no record gives: not JSON, not an object, a key twice.
_ODD_LINES = st.sampled_from(
    ["{", "[1, 2]", '"text"', '{"case_id": "c1", "case_id": "c2"}', "   ", "null"]
)
_ZONES = st.sampled_from([None, ZoneInfo("Europe/Copenhagen")])


def _jsonl(records: list[dict[str, Any] | str]) -> str:
    return "".join(
        f"{item}\n" if isinstance(item, str) else json.dumps(item) + "\n" for item in records
    )


def _csv(records: list[dict[str, Any] | str]) -> str:
    rows = [item for item in records if not isinstance(item, str)]
    header = sorted({key for row in rows for key in row} | {"case_id", "activity", "timestamp"})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else _cell(row.get(k)) for k in header])
    return out.getvalue()


def _cell(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _seen(read: Callable[[], LogStream], outline: bool, part: Part | None) -> list[object]:
    # Each record as what the first pass takes of it: an error's place and message, or an
    # event's three fields.
    seen: list[object] = []
    outlined, shared = OUTLINES.set(outline), PARTITION.set(part)
    try:
        stream = read()
    finally:
        PARTITION.reset(shared)
        OUTLINES.reset(outlined)
    for record in _all(stream):
        if record is FOREIGN:
            seen.append("foreign")
        elif isinstance(record, InputError):
            seen.append((record.file, record.line, record.message))
        else:
            seen.append((record.case_id, record.activity, record.timestamp.isoformat()))
    seen.append(dict(stream.skipped))
    return seen


def _all(stream: LogStream) -> Iterator[Record]:
    try:
        yield from stream
    finally:
        stream.close()


def _agree(read: Callable[[], LogStream]) -> None:
    for part in (None, Part(0, 2), Part(1, 2)):
        assert _seen(read, True, part) == _seen(read, False, part)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_records(), _records(), _ODD_LINES), max_size=12), _ZONES)
def test_jsonl_outlines_agree_with_the_full_read(
    records: list[dict[str, Any] | str], zone: tzinfo | None
) -> None:
    text = _jsonl(records)
    _agree(lambda: read_jsonl(io.StringIO(text), name="log.jsonl", default_tz=zone))


@settings(max_examples=150, deadline=None)
@given(st.lists(_records(), max_size=12), _ZONES)
def test_csv_outlines_agree_with_the_full_read(
    records: list[dict[str, Any] | str], zone: tzinfo | None
) -> None:
    text = _csv(records)
    _agree(lambda: read_csv(io.StringIO(text), name="log.csv", default_tz=zone))


def test_a_usual_record_is_outlined_without_the_full_check() -> None:
    record = {
        "case_id": "c1",
        "activity": "rejected",
        "timestamp": "2026-03-02T09:30:00+01:00",
        "actor": None,
        "thanked": True,
        "delay_minutes": 5,
        "scheduled_for": "2026-03-03T10:00:00+01:00",
    }
    found = quick_outline(record)
    assert found == Outline("c1", "rejected", datetime.fromisoformat(record["timestamp"]))


def test_an_unusual_record_goes_to_the_full_check() -> None:
    usual = {"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z"}
    for change in (
        {"case_id": 7},
        {"activity": ""},
        {"timestamp": "2026-03-02T09:30:00"},
        {"timestamp": "9999-12-30T12:00:00-05:00"},
        {"actor": 3},
        {"thanked": "true"},
        {"items": ["a"]},
        {"note": {"a": 1}},
        {"lifecycle:transition": "complete"},
    ):
        assert quick_outline({**usual, **change}) is None, change


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(_records(), _records(), _ODD_LINES), max_size=12), _ZONES)
def test_jsonl_outlines_agree_without_orjson(
    records: list[dict[str, Any] | str], zone: tzinfo | None
) -> None:
    # The standard library's parser alone (as without orjson): the same agreement.
    text = _jsonl(records)

    def read() -> LogStream:
        return LogStream(
            jsonl._read(io.StringIO(text), "log.jsonl", zone, None, jsonl._loads, outline=True),
            "log.jsonl",
        )

    def full() -> LogStream:
        return LogStream(
            jsonl._read(io.StringIO(text), "log.jsonl", zone, None, jsonl._loads), "log.jsonl"
        )

    assert _seen(read, True, None) == _seen(full, False, None)


def _outcome(build: Callable[[], object]) -> object:
    try:
        found = build()
    except InvalidEvent as exc:
        return (type(exc), str(exc))
    if isinstance(found, Event):
        return (found, repr(found), found.timestamp.utcoffset(), dict(found.attributes))
    return found


_USUAL = {"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00+01:00"}


@settings(max_examples=300, deadline=None)
@given(_records(), _ZONES)
@example({**_USUAL, "event_id": ""}, None)
@example({**_USUAL, "actor": "", "channel": None}, None)
@example({**_USUAL, "timestamp": "2026-03-02T09:30:00"}, ZoneInfo("Europe/Copenhagen"))
@example({**_USUAL, "timestamp": "2026-03-02T09:30:00"}, None)
@example({**_USUAL, "thanked": "yes"}, None)
def test_a_quick_event_is_the_event_the_full_check_builds(
    record: dict[str, Any], zone: tzinfo | None
) -> None:
    record = json.loads(json.dumps(record))  # what a parser gives
    if set(record) & set(STANDARD_COLUMNS):
        return
    quick = _outcome(lambda: quick_event(dict(record), zone))
    if quick is not None:
        assert quick == _outcome(lambda: build_plain(dict(record), zone, parsed=True))
