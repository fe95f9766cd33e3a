from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cx_rules import Event
from cx_rules.io import InputError, LogError, LogMapping, read_ocel, read_path

DATA = Path(__file__).parent / "data"
MAPPING = LogMapping(
    columns={"vacancy": "job_id"},
    activities={"submit application": "application_received", "send rejection": "rejected"},
    values={"channel": {"E-mail": "email"}},
)
SUBMITTED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))
REJECTED = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
NAIVE = (
    "timestamp: the time has no time zone; give an offset "
    "(2026-03-02T09:30:00+01:00) or set assume_timezone in the policy"
)


def _events(job):
    return [
        Event(
            "a1",
            "application_received",
            SUBMITTED,
            event_id="e1",
            channel="email",
            attributes={"job_id": "v1"} if job else {},
        ),
        Event(
            "a1",
            "rejected",
            REJECTED,
            event_id="e3",
            attributes={"thanked": True, **({"job_id": "v1"} if job else {})},
        ),
        Event(
            "a2",
            "rejected",
            REJECTED,
            event_id="e3",
            attributes={"thanked": True, **({"job_id": "v1"} if job else {})},
        ),
    ]


def test_ocel1_is_flattened_on_the_case_type():
    path = DATA / "small-ocel1.jsonocel"
    stream = read_ocel(path, mapping=MAPPING)
    name = str(path)
    expected = [
        *_events(job=True),
        InputError(
            name,
            None,
            "refers to object 'a9', which is not among the log's objects (1 unknown reference(s))",
            'ocel:events["e4"]',
        ),
        InputError(name, None, f"case 'a2': {NAIVE}", 'ocel:events["e5"]'),
        InputError(name, None, "'ocel:omap': expected a list of object ids", 'ocel:events["e6"]'),
    ]
    assert expected == list(stream)
    assert dict(stream.skipped) == {"no object of type 'application'": 1}


def test_ocel2_is_flattened_on_the_case_type():
    path = DATA / "small-ocel2.json"
    stream = read_ocel(path, mapping=MAPPING)
    name = str(path)
    expected = [
        *_events(job=True),
        InputError(
            name,
            None,
            "refers to object 'a9', which is not among the log's objects (1 unknown reference(s))",
            'events["e4"]',
        ),
        InputError(name, None, f"case 'a2': {NAIVE}", 'events["e5"]'),
        InputError(name, None, "'attributes': expected a list of {name, value}", 'events["e6"]'),
        InputError(name, None, "'id': expected a non-empty string", "events[6]"),
    ]
    assert expected == list(stream)
    assert dict(stream.skipped) == {"no object of type 'application'": 1}


def test_default_tz_and_no_carried_columns():
    stream = read_path(
        DATA / "small-ocel1.jsonocel",
        mapping=LogMapping(activities=dict(MAPPING.activities), values=dict(MAPPING.values)),
        default_tz=UTC,
    )
    records = list(stream)
    assert _events(job=False) == records[:3]
    assert Event("a2", "rejected", REJECTED, event_id="e5") == records[4]


def test_another_object_type_makes_other_cases():
    stream = read_ocel(DATA / "small-ocel1.jsonocel", mapping=LogMapping(object_type="vacancy"))
    events = [r for r in stream if isinstance(r, Event)]
    assert [(e.case_id, e.activity) for e in events] == [
        ("v1", "submit application"),
        ("v1", "open vacancy"),
        ("v1", "send rejection"),
    ]
    assert dict(stream.skipped) == {"no object of type 'vacancy'": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{nope", ":1: not valid JSON; expected an OCEL log"),
        (
            '[{"case_id": "c1"}]',
            ": not an OCEL log (expected a JSON object with 'ocel:events' and 'ocel:objects' "
            "for OCEL 1.0, or 'events' and 'objects' for OCEL 2.0)",
        ),
        (
            '{"ocel:events": [], "ocel:objects": {}}',
            ": 'ocel:events' and 'ocel:objects' must be JSON objects (OCEL 1.0)",
        ),
        (
            '{"events": {}, "objects": []}',
            ": 'events' and 'objects' must be JSON arrays (OCEL 2.0)",
        ),
    ],
)
def test_a_file_that_is_not_ocel_raises(tmp_path, text, message):
    path = tmp_path / "log.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LogError) as info:
        list(read_path(path))
    assert f"{path}{message}" == str(info.value)


def test_a_text_stream_that_is_not_utf8_is_a_log_error() -> None:
    import io

    stream = io.TextIOWrapper(io.BytesIO(b'{"ocel:events": "\xff"}'), encoding="utf-8")
    with pytest.raises(LogError) as info:
        list(read_ocel(stream, name="export.jsonocel"))
    assert str(info.value) == (
        "export.jsonocel: not UTF-8 text (invalid start byte); expected a UTF-8 encoded OCEL log"
    )
