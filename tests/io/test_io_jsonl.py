import json
import sys
import types
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from cx_rules import Event
from cx_rules.io import InputError, LogMapping, read_jsonl
from cx_rules.io.jsonl import _parser

CPH = ZoneInfo("Europe/Copenhagen")


def _write(tmp_path, text, name="log.jsonl"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_good_lines_become_events_and_blank_lines_are_not_records(tmp_path):
    path = _write(
        tmp_path,
        '{"case_id": "c1", "activity": "application_received", '
        '"timestamp": "2026-03-02T09:30:00+01:00", "channel": "portal", "job_id": "j7"}\n'
        "\n"
        '{"case_id": 17, "activity": "rejected", "timestamp": "2026-03-09T10:00:00Z"}\n',
    )
    expected = [
        Event(
            "c1",
            "application_received",
            datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            channel="portal",
            attributes={"job_id": "j7"},
        ),
        Event("17", "rejected", datetime(2026, 3, 9, 10, 0, tzinfo=UTC)),
    ]
    assert expected == list(read_jsonl(path))


def test_each_bad_line_is_an_error_with_its_line_and_the_stream_goes_on(tmp_path):
    path = _write(
        tmp_path,
        "{not json\n"
        "[1, 2]\n"
        '{"case_id": "c1", "timestamp": "2026-03-02T09:30:00Z"}\n'
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00"}\n'
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z",'
        ' "delay_minutes": "soon"}\n'
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z"}\n',
    )
    name = str(path)
    expected = [
        InputError(
            name,
            1,
            "not valid JSON (Expecting property name enclosed in double quotes); "
            "expected one object per line",
        ),
        InputError(name, 2, "expected a JSON object, got list"),
        InputError(name, 3, "missing required field 'activity'"),
        InputError(
            name,
            4,
            "timestamp: the time has no time zone; give an offset "
            "(2026-03-02T09:30:00+01:00) or set assume_timezone in the policy",
        ),
        InputError(
            name, 5, "attribute 'delay_minutes': expected a whole number, got a 4-character text"
        ),
        Event("c1", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ]
    assert expected == list(read_jsonl(path))


def test_default_tz_labels_naive_timestamps_and_keeps_offsets(tmp_path):
    path = _write(
        tmp_path,
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-07-01T09:30:00"}\n'
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-07-01T09:30:00-04:00"}\n',
    )
    events = list(read_jsonl(path, default_tz=CPH))
    assert [datetime(2026, 7, 1, 7, 30, tzinfo=UTC), datetime(2026, 7, 1, 13, 30, tzinfo=UTC)] == [
        e.timestamp for e in events
    ]
    assert [CPH, timezone(timedelta(hours=-4))] == [e.timestamp.tzinfo for e in events]


def test_bom_and_crlf_are_accepted(tmp_path):
    path = _write(
        tmp_path,
        '\ufeff{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z"}\r\n'
        '{"case_id": "c2", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z"}\r\n',
    )
    assert [e.case_id for e in read_jsonl(path)] == ["c1", "c2"]


def test_known_attributes_are_typed_and_the_mapping_applies(tmp_path):
    path = _write(
        tmp_path,
        '{"Candidate": "c1", "Step": "Afslag sendt", "When": "2026-03-02T09:30:00Z", '
        '"channel": "E-mail", "thanked": "TRUE", "items": "[\\"cv\\"]", '
        '"scheduled_for": "2026-03-03T10:00:00+01:00"}\n',
    )
    mapping = LogMapping(
        columns={"Candidate": "case_id", "Step": "activity", "When": "timestamp"},
        activities={"Afslag sendt": "rejected"},
        values={"channel": {"E-mail": "email"}},
    )
    expected = Event(
        "c1",
        "rejected",
        datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        channel="email",
        attributes={
            "thanked": True,
            "items": ["cv"],
            "scheduled_for": datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        },
    )
    assert [expected] == list(read_jsonl(path, mapping=mapping))


def test_an_open_stream_is_read_and_named(tmp_path):
    path = _write(tmp_path, '{"case_id": "c1"}\n')
    with path.open(encoding="utf-8") as handle:
        records = list(read_jsonl(handle, name="export"))
    assert [InputError("export", 1, "missing required field 'activity'")] == records


def test_messages_never_quote_long_text(tmp_path):
    text = "Tak for din ansøgning, vi har desværre valgt en anden kandidat"
    path = _write(
        tmp_path,
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z", '
        f'"thanked": "{text}"}}\n',
    )
    (error,) = read_jsonl(path)
    assert isinstance(error, InputError)
    assert error.message == "attribute 'thanked': expected true or false, got a 62-character text"


def test_a_number_of_thousands_of_digits_is_an_error_for_its_line_alone(tmp_path):
    limit = sys.get_int_max_str_digits()
    digits = limit + 700
    path = _write(
        tmp_path,
        '{"case_id": "c", "activity": "applied", "timestamp": "2026-03-02T09:00:00+00:00", '
        f'"x": 1{"0" * (digits - 1)}}}\n'
        '{"case_id": "c", "activity": "applied", "timestamp": "2026-03-02T10:00:00+00:00"}\n',
    )
    assert [
        InputError(
            str(path),
            1,
            f"a number of {digits} digits, too long to read; expected whole numbers of at most "
            f"{limit} digits",
        ),
        Event("c", "applied", datetime(2026, 3, 2, 10, tzinfo=UTC)),
    ] == list(read_jsonl(path))


def test_a_line_reads_the_same_whatever_its_length():
    # orjson reads lines up to 64 Ki characters, json.loads longer ones (orjson would take
    # a dozen times the line while it parses): both must give the same.
    parse = _parser()
    for size in (10, 64 * 2**10 - 200, 64 * 2**10 + 200, 2**20):
        line = json.dumps({"case_id": "c1", "n": 2**70, "ok": True, "t": "x" * size}) + "\n"
        value = parse(line)
        assert value == json.loads(line)
        assert [type(v) for v in value.values()] == [str, int, bool, str]


def test_long_lines_are_not_given_to_orjson(monkeypatch):
    seen = []

    def fast(line):
        seen.append(len(line))
        return json.loads(line)

    monkeypatch.setitem(sys.modules, "orjson", types.SimpleNamespace(loads=fast))
    parse = _parser()
    short, long = '{"a": "x"}', '{"a": "' + "x" * 2**17 + '"}'

    assert (parse(short), parse(long)) == ({"a": "x"}, {"a": "x" * 2**17})
    assert seen == [len(short)]
