"""Cases to JSON and back: nothing lost, every malformed input named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import Case, Engine, Event, Obligation, Policy
from cx_rules.exceptions import CaseFormatError
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.serialize import (
    FORMAT,
    FORMAT_VERSION,
    case_from_dict,
    case_from_json,
    case_to_dict,
    case_to_json,
)
from cx_rules.testing import event

CPH = ZoneInfo("Europe/Copenhagen")

# -- strategies ------------------------------------------------------------------------------

fixed_offsets = st.builds(
    timezone,
    st.timedeltas(
        min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
    ),
)
zones: st.SearchStrategy[tzinfo] = st.one_of(st.just(UTC), fixed_offsets, st.timezones())
moments = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30), timezones=zones
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
optional_text = st.none() | st.text(min_size=1)


def events_of(case_id: str) -> st.SearchStrategy[Event]:
    return st.builds(
        Event,
        st.just(case_id) | st.text(min_size=1),
        st.text(min_size=1),
        moments,
        event_id=optional_text,
        actor=optional_text,
        channel=optional_text,
        attributes=st.dictionaries(st.text(), json_values, max_size=4),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    case_id = draw(st.text(min_size=1))
    events = draw(st.lists(events_of(case_id), max_size=5))
    opened_by = st.sampled_from(events) | events_of(case_id) if events else events_of(case_id)
    obligations = draw(
        st.lists(
            st.builds(
                Obligation,
                code=st.text(min_size=1),
                key=st.text(),
                due=moments,
                opened_by=opened_by,
                message=st.text(),
                action=st.text(),
                expired=st.booleans(),
                missing=optional_text,
            ),
            max_size=4,
        )
    )
    return Case(
        case_id,
        draw(st.text(min_size=1)),
        tuple(events),
        tuple(obligations),
        draw(st.none() | moments),
    )


# -- exact comparison --------------------------------------------------------------------------


def _moment(value: datetime) -> tuple[object, ...]:
    # datetime equality ignores the zone and the fold; "nothing lost" means they survive too.
    # A fold that changes no offset (any fixed offset, most local times) means nothing, and
    # is compared as 0.
    zone = value.tzinfo
    name = zone.key if isinstance(zone, ZoneInfo) else None
    flipped = value.replace(fold=1 - value.fold)
    fold = value.fold if flipped.utcoffset() != value.utcoffset() else 0
    return (value.replace(tzinfo=None, fold=0), fold, value.utcoffset(), type(zone), name)


def _typed(value: Any) -> Any:
    # True == 1 == 1.0 in Python; the stored form must keep the JSON type as well.
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


def _event_shape(e: Event) -> tuple[object, ...]:
    return (
        e.case_id,
        e.activity,
        _moment(e.timestamp),
        e.event_id,
        e.actor,
        e.channel,
        _typed(dict(e.attributes)),
    )


def _shape(case: Case) -> tuple[object, ...]:
    return (
        case.case_id,
        case.state,
        [_event_shape(e) for e in case.events],
        [
            (
                o.code,
                o.key,
                _moment(o.due),
                _event_shape(o.opened_by),
                o.message,
                o.action,
                o.expired,
                o.missing,
            )
            for o in case.obligations
        ],
        None if case.clock is None else _moment(case.clock),
    )


@settings(max_examples=300, deadline=None)
@given(cases())
def test_any_case_survives_json_unchanged(case):
    back = case_from_json(case_to_json(case))
    assert back == case
    assert _shape(back) == _shape(case)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_the_dict_form_is_plain_json(case):
    data = case_to_dict(case)
    assert json.loads(json.dumps(data)) == data
    assert _shape(case_from_dict(data)) == _shape(case)


def test_an_engine_case_round_trips_with_its_obligation_and_zones():
    e = Engine(
        Policy(timezone="Europe/Copenhagen"),
        rules=[RuleError, IllegalTransition, AcknowledgeApplication],
    )
    received = event(
        "c1", "application_received", "2026-03-02T09:00:00+01:00", source="careers page"
    )
    case = e.record(e.start("c1"), received).case
    case = e.advance(case, datetime(2026, 3, 9, 12, 0, tzinfo=CPH)).case
    back = case_from_json(case_to_json(case))
    assert back == case
    assert back.obligations[0].due.tzinfo is CPH
    assert back.obligations[0].opened_by is back.events[0]
    assert back.obligations[0].expired


def test_the_stored_form_is_documented_json():
    received = Event(
        "c1",
        "application_received",
        datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1))),
        channel="portal",
        attributes={"source": "careers page"},
    )
    case = Case(
        "c1",
        "applied",
        (received,),
        (
            Obligation(
                "CX401",
                "ack",
                datetime(2026, 3, 4, 9, 0, tzinfo=CPH),
                received,
                "application acknowledged within 2 business days",
                "acknowledge the application",
            ),
        ),
        datetime(2026, 3, 2, 9, 0, tzinfo=CPH),
    )
    assert case_to_dict(case) == {
        "format": "cx-rules.case",
        "version": 1,
        "case_id": "c1",
        "state": "applied",
        "clock": "2026-03-02T09:00:00+01:00[Europe/Copenhagen]",
        "events": [
            {
                "activity": "application_received",
                "timestamp": "2026-03-02T09:00:00+01:00",
                "channel": "portal",
                "attributes": {"source": "careers page"},
            }
        ],
        "obligations": [
            {
                "code": "CX401",
                "key": "ack",
                "due": "2026-03-04T09:00:00+01:00[Europe/Copenhagen]",
                "opened_by": 0,
                "message": "application acknowledged within 2 business days",
                "action": "acknowledge the application",
                "expired": False,
                "missing": None,
            }
        ],
    }
    assert (FORMAT, FORMAT_VERSION) == ("cx-rules.case", 2)


# Stored data of format version 1 as written by the first release: it must stay readable.
VERSION_1 = (
    '{"format":"cx-rules.case","version":1,"case_id":"c1","state":"applied",'
    '"clock":"2026-10-25T02:30:00+01:00[Europe/Copenhagen]","events":[{"activity":'
    '"application_received","timestamp":"2026-10-25T02:30:00+02:00[Europe/Copenhagen]",'
    '"event_id":"e1"}],"obligations":[{"code":"CX401","key":"ack","due":'
    '"2026-10-27T02:30:00+01:00[Europe/Copenhagen]","opened_by":0,"message":"m",'
    '"action":"a","expired":false,"missing":null}]}'
)


def test_version_1_data_reads_with_the_daylight_saving_fold_kept():
    case = case_from_json(VERSION_1)
    first, second = case.events[0].timestamp, case.clock
    assert (first.fold, second.fold) == (0, 1)
    assert (first.utcoffset(), second.utcoffset()) == (timedelta(hours=2), timedelta(hours=1))
    assert case_to_json(case) == VERSION_1


def test_a_wall_time_skipped_by_daylight_saving_survives():
    skipped = datetime(2026, 3, 29, 2, 30, tzinfo=CPH, fold=1)
    case = Case("c1", "new", clock=skipped)
    back = case_from_json(case_to_json(case)).clock
    assert back is not None
    assert _moment(back) == _moment(skipped)


def test_an_offset_the_zone_no_longer_has_keeps_the_instant():
    text = VERSION_1.replace(
        '"clock":"2026-10-25T02:30:00+01:00[Europe/Copenhagen]"',
        '"clock":"2026-07-01T12:00:00+05:00[Europe/Copenhagen]"',
    )
    clock = case_from_json(text).clock
    assert clock is not None
    assert (clock.isoformat(), clock.tzinfo) == ("2026-07-01T09:00:00+02:00", CPH)


def test_bytes_are_read_as_utf8():
    assert case_from_json(VERSION_1.encode()) == case_from_json(VERSION_1)


# -- what cannot be written ----------------------------------------------------------------------


def _case_with(**attributes: Any) -> Case:
    received = Event(
        "c1",
        "application_received",
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        attributes=attributes,
    )
    return Case("c1", "applied", (received,))


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {"items": ("a", "b")},
            "case 'c1': events[0].attributes.items: a tuple would not read back as the same "
            "value (expected a string, number, boolean, null, list or dict with string keys)",
        ),
        (
            {"sent": [datetime(2026, 3, 2, tzinfo=UTC)]},
            "case 'c1': events[0].attributes.sent[0]: a datetime would not read back as the same "
            "value (expected a string, number, boolean, null, list or dict with string keys)",
        ),
        (
            {"scores": [1.0, float("nan")]},
            "case 'c1': events[0].attributes.scores[1]: a non-finite number cannot be stored "
            "in JSON",
        ),
        (
            {"by": {1: "x"}},
            "case 'c1': events[0].attributes.by: a key of type int cannot be stored in JSON "
            "(expected string keys)",
        ),
    ],
)
def test_attributes_json_cannot_hold_are_named(attributes, message):
    with pytest.raises(CaseFormatError) as info:
        case_to_json(_case_with(**attributes))
    assert str(info.value) == message


def test_a_foreign_tzinfo_is_refused_on_writing():
    class Fixed(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            return timedelta(hours=1)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

    case = Case("c1", "new", clock=datetime(2026, 3, 2, tzinfo=Fixed()))
    with pytest.raises(CaseFormatError) as info:
        case_to_json(case)
    assert str(info.value) == (
        "case 'c1': clock: has a Fixed time zone, which cannot be stored without loss "
        "(expected zoneinfo.ZoneInfo or datetime.timezone)"
    )


def test_message_text_is_never_quoted_in_errors():
    with pytest.raises(CaseFormatError) as info:
        case_to_json(_case_with(text=("Dear candidate, unfortunately",)))
    assert "unfortunately" not in str(info.value)


# -- what cannot be read -------------------------------------------------------------------------


def _stored(**changes: Any) -> dict[str, Any]:
    data = json.loads(VERSION_1)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "stored case: expected a JSON object, got a list"),
        (
            {"version": 1},
            "stored case: format: expected 'cx-rules.case'; this is not a case cx-rules stored",
        ),
        (
            _stored(version=3),
            "stored case: format version 3 was written by a newer cx-rules; this one reads "
            "versions 1 to 2 (upgrade cx-rules to read it)",
        ),
        (_stored(version="1"), "stored case: version: expected a positive integer"),
        (_stored(version=0), "stored case: version: expected a positive integer"),
        (_stored(case_id=7), "stored case: case_id: expected a non-empty string, got a number"),
        (_stored(state=None), "case 'c1': state: expected a non-empty string, got null"),
        (
            _stored(clock="yesterday"),
            "case 'c1': clock: a 9-character text is not an ISO 8601 time "
            "(expected e.g. 2026-03-02T09:30:00+01:00[Europe/Copenhagen])",
        ),
        (
            _stored(clock="2026-03-02T09:00:00"),
            "case 'c1': clock: the time has no UTC offset",
        ),
        (
            _stored(clock="2026-03-02T09:00:00+01:00[Mars/Olympus]"),
            "case 'c1': clock: the zone name (a 12-character text) is not a time zone this "
            "system knows "
            "(expected an IANA name such as Europe/Copenhagen)",
        ),
        (_stored(events={}), "case 'c1': events: expected a list, got an object"),
        (_stored(events=["x"]), "case 'c1': events[0]: expected an object, got a string"),
        (
            _stored(events=[{"activity": "a", "timestamp": 5}]),
            "case 'c1': events[0].timestamp: expected an ISO 8601 string, got a number",
        ),
        (
            _stored(
                events=[
                    {"activity": "a", "timestamp": "2026-03-02T09:00:00+01:00", "attributes": []}
                ]
            ),
            "case 'c1': events[0]: attributes: expected an object, got a list",
        ),
        (
            _stored(
                events=[{"activity": "a", "timestamp": "2026-03-02T09:00:00+01:00", "actor": 3}]
            ),
            "case 'c1': events[0]: actor: expected a string or null, got a number",
        ),
        (
            _stored(obligations=[{**json.loads(VERSION_1)["obligations"][0], "opened_by": 4}]),
            "case 'c1': obligations[0]: opened_by: 4 is not the index of an event (the case has 1)",
        ),
        (
            _stored(obligations=[{**json.loads(VERSION_1)["obligations"][0], "expired": "no"}]),
            "case 'c1': obligations[0]: expired: expected true or false, got a string",
        ),
        (
            _stored(obligations=[{**json.loads(VERSION_1)["obligations"][0], "message": None}]),
            "case 'c1': obligations[0]: message: expected a string, got null",
        ),
    ],
)
def test_malformed_data_names_the_field(data, message):
    with pytest.raises(CaseFormatError) as info:
        case_from_dict(data)
    assert str(info.value) == message


def test_text_that_is_not_json_names_the_position():
    with pytest.raises(CaseFormatError) as info:
        case_from_json('{"format": ')
    assert str(info.value) == ("stored case: not JSON: Expecting value at line 1, column 12")


def test_bytes_that_are_not_utf8_are_named():
    with pytest.raises(CaseFormatError) as info:
        case_from_json(b"\xff\xfe{")
    assert str(info.value) == "stored case: not JSON: the bytes are not UTF-8"


def test_case_format_error_is_a_value_error():
    assert issubclass(CaseFormatError, ValueError)
