import gzip
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cx_rules import Event
from cx_rules.io import InputError, LogError, LogMapping, read_path, read_xes

DATA = Path(__file__).parent / "data"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _write(tmp_path, text, name="log.xes"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SMALL = [
    Event(
        "c17",
        "application_received",
        datetime(2026, 3, 2, 8, 30, tzinfo=UTC),
        actor="portal",
        channel="portal",
        attributes={"case:job_id": "j7"},
    ),
    Event(
        "c17",
        "interview_held",
        datetime(2026, 3, 5, 16, 0, tzinfo=UTC),
        attributes={
            "case:job_id": "j7",
            "personal": True,
            "delay_minutes": 15,
            "score": 4.5,
            "interview_id": "6c9b2a8e-8a47-4a1b-9d43-1f0a3c7e2b11",
            "scheduled_for": datetime(2026, 3, 5, 16, 0, tzinfo=UTC),
        },
    ),
    Event(
        "c18",
        "rejected",
        datetime(2026, 3, 9, 8, 0, tzinfo=UTC),
        attributes={
            "thanked": False,
            "items": ["experience", "languages"],
            "by": {"team": "sales"},
        },
    ),
]


def test_a_typical_export_reads_as_events_with_typed_attributes():
    stream = read_xes(DATA / "small.xes")
    assert list(stream) == SMALL
    assert dict(stream.skipped) == {"lifecycle:transition 'start'": 1}


def test_dates_with_offsets_keep_their_instant_and_offset():
    events = list(read_xes(DATA / "small.xes"))
    assert [timedelta(hours=1), timedelta(hours=-5), timedelta(0)] == [
        e.timestamp.utcoffset() for e in events
    ]
    assert [e.timestamp.isoformat() for e in events[:2]] == [
        "2026-03-02T09:30:00+01:00",
        "2026-03-05T11:00:00-05:00",
    ]


def test_gzipped_xes_is_read_by_extension(tmp_path):
    target = tmp_path / "small.xes.gz"
    with (DATA / "small.xes").open("rb") as raw, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(raw, packed)
    assert list(read_path(target)) == SMALL


def _log(*events, case='<string key="concept:name" value="c1"/>'):
    body = "".join(f"<event>{e}</event>\n" for e in events)
    return f"{HEAD}<log>\n<trace>{case}\n{body}</trace>\n</log>\n"


ACT = '<string key="concept:name" value="rejected"/>'


def test_bad_events_are_errors_naming_trace_and_event(tmp_path):
    path = _write(
        tmp_path,
        _log(
            ACT + '<date key="time:timestamp" value="2026-03-02T09:30:00"/>',
            ACT + '<date key="time:timestamp" value="tomorrow"/>',
            ACT + '<int key="delay_minutes" value="12.5"/>'
            '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
            ACT + '<boolean key="thanked" value="yes"/>'
            '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
            '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
            ACT + '<string key="thanked" value="nope"/>'
            '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
            ACT + '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
        ),
    )
    name = str(path)
    where = "trace 1 (case c1), event {}".format
    expected = [
        InputError(
            name,
            4,
            "event attribute 'time:timestamp' (date): the time has no time zone; "
            "give an offset (2026-03-02T09:30:00+01:00) or set assume_timezone in the policy",
            where(1),
        ),
        InputError(
            name,
            5,
            "event attribute 'time:timestamp' (date): an 8-character text is not an ISO 8601 time with an offset "
            "(expected e.g. 2026-03-02T09:30:00+01:00)",
            where(2),
        ),
        InputError(
            name,
            6,
            "event attribute 'delay_minutes' (int): expected an integer, got a 4-character text",
            where(3),
        ),
        InputError(
            name,
            7,
            "event attribute 'thanked' (boolean): expected true or false, got a 3-character text",
            where(4),
        ),
        InputError(name, 8, "missing required field 'activity'", where(5)),
        InputError(
            name, 9, "attribute 'thanked': expected true or false, got a 4-character text", where(6)
        ),
        Event("c1", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ]
    assert expected == list(read_xes(path))


def test_default_tz_labels_naive_dates(tmp_path):
    path = _write(tmp_path, _log(ACT + '<date key="time:timestamp" value="2026-07-01T09:30:00"/>'))
    zone = ZoneInfo("Europe/Copenhagen")
    assert [Event("c1", "rejected", datetime(2026, 7, 1, 9, 30, tzinfo=zone))] == list(
        read_xes(path, default_tz=zone)
    )


def test_a_trace_without_a_name_makes_each_event_an_error(tmp_path):
    path = _write(
        tmp_path,
        _log(ACT + '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>', case=""),
    )
    assert [
        InputError(str(path), 4, "missing required field 'case_id'", "trace 1, event 1")
    ] == list(read_xes(path))


def test_a_bad_trace_attribute_spoils_every_event_of_the_trace(tmp_path):
    path = _write(
        tmp_path,
        _log(
            ACT + '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
            ACT + '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>',
            case='<string key="concept:name" value="c1"/><int key="age" value="old"/>',
        ),
    )
    message = "trace attribute 'age' (int): expected an integer, got a 3-character text"
    assert [
        InputError(str(path), 4, message, "trace 1 (case c1), event 1"),
        InputError(str(path), 5, message, "trace 1 (case c1), event 2"),
    ] == list(read_xes(path))


def test_the_mapping_renames_xes_keys_and_activities(tmp_path):
    path = _write(
        tmp_path,
        _log(
            '<string key="concept:name" value="Send rejection"/>'
            '<string key="medium" value="E-mail"/>'
            '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/>'
        ),
    )
    mapping = LogMapping(
        columns={"medium": "channel"},
        activities={"Send rejection": "rejected"},
        values={"channel": {"E-mail": "email"}},
    )
    assert [
        Event("c1", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC), channel="email")
    ] == list(read_xes(path, mapping=mapping))


BOMB = (
    HEAD + "<!DOCTYPE lolz [\n"
    ' <!ENTITY lol "lol">\n'
    ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
    "]>\n"
    '<log><trace><string key="concept:name" value="&lol3;"/></trace></log>\n'
)


def test_a_billion_laughs_bomb_is_refused(tmp_path):
    path = _write(tmp_path, BOMB)
    with pytest.raises(LogError) as info:
        list(read_xes(path))
    assert (
        f"{path}:2: DOCTYPE declaration refused; an XES log needs none, and entities could "
        "read other files or expand without bound"
    ) == str(info.value)


def test_an_external_entity_is_refused_and_nothing_is_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret", encoding="utf-8")
    path = _write(
        tmp_path,
        HEAD + f'<!DOCTYPE log [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        "<log><trace>"
        '<string key="concept:name" value="&xxe;"/>'
        f"<event>{ACT}"
        '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/></event>'
        "</trace></log>\n",
    )
    with pytest.raises(LogError) as info:
        list(read_xes(path))
    assert str(info.value).startswith(f"{path}:2: DOCTYPE declaration refused")
    assert "s3cret" not in str(info.value)


def test_an_undeclared_entity_is_not_well_formed(tmp_path):
    path = _write(tmp_path, HEAD + '<log><trace><string key="concept:name" value="&xxe;"/>')
    with pytest.raises(LogError) as info:
        list(read_xes(path))
    assert f"{path}:2: not well-formed XML (undefined entity); expected an XES log" == str(
        info.value
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("case_id,activity\n", ":1: not well-formed XML (syntax error); expected an XES log"),
        (
            HEAD + "<feed><entry/></feed>\n",
            ":2: root element is <feed>, expected <log> (an XES log)",
        ),
        ("", ":1: not well-formed XML (no element found); expected an XES log"),
    ],
)
def test_a_file_that_is_not_xes_raises(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(LogError) as info:
        list(read_xes(path))
    assert f"{path}{message}" == str(info.value)


def test_events_before_a_late_fault_are_yielded_first(tmp_path):
    path = _write(
        tmp_path,
        HEAD + "<log><trace>"
        '<string key="concept:name" value="c1"/>'
        f'<event>{ACT}<date key="time:timestamp" value="2026-03-02T09:30:00Z"/></event>'
        "</trace><trace>",
    )
    stream = read_xes(path)
    assert Event("c1", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) == next(stream)
    with pytest.raises(LogError) as info:
        next(stream)
    assert f"{path}:2: not well-formed XML (no element found); expected an XES log" == str(
        info.value
    )


def test_offsets_are_converted_not_relabelled(tmp_path):
    path = _write(
        tmp_path, _log(ACT + '<date key="time:timestamp" value="2026-03-02T23:30:00-08:00"/>')
    )
    (event,) = read_xes(path, default_tz=UTC)
    assert datetime(2026, 3, 3, 7, 30, tzinfo=UTC) == event.timestamp
