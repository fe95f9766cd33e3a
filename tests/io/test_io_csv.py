from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from cx_rules import Event
from cx_rules.io import InputError, LogError, LogMapping, read_csv

CET = timezone(timedelta(hours=1))


def _write(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_native_header_typed_values_and_blank_cells(tmp_path):
    path = _write(
        tmp_path,
        "case_id,activity,timestamp,event_id,actor,channel,thanked,delay_minutes,items,job_id\n"
        'c1,rejected,2026-03-02T09:30:00+01:00,e1,ann,email,true,45,"[""cv""]",j7\n'
        "c2,rejected,2026-03-02 10:00:00Z,,,,,,,\n",
    )
    expected = [
        Event(
            "c1",
            "rejected",
            datetime(2026, 3, 2, 9, 30, tzinfo=CET),
            event_id="e1",
            actor="ann",
            channel="email",
            attributes={"thanked": True, "delay_minutes": 45, "items": ["cv"], "job_id": "j7"},
        ),
        Event("c2", "rejected", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
    ]
    assert expected == list(read_csv(path))


def test_process_mining_header_and_lifecycle(tmp_path):
    path = _write(
        tmp_path,
        "case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition\n"
        "c1,interview_held,2026-03-02T09:00:00Z,bo,start\n"
        "c1,interview_held,2026-03-02T10:00:00Z,bo,COMPLETE\n"
        "c1,rejected,2026-03-03T10:00:00Z,bo,\n",
    )
    stream = read_csv(path)
    expected = [
        Event("c1", "interview_held", datetime(2026, 3, 2, 10, 0, tzinfo=UTC), actor="bo"),
        Event("c1", "rejected", datetime(2026, 3, 3, 10, 0, tzinfo=UTC), actor="bo"),
    ]
    assert expected == list(stream)
    assert dict(stream.skipped) == {"lifecycle:transition 'start'": 1}


def test_bom_crlf_and_embedded_newlines_keep_physical_line_numbers(tmp_path):
    path = _write(
        tmp_path,
        "\ufeffcase_id,activity,timestamp,reason\r\n"
        'c1,rejected,2026-03-02T09:30:00Z,"two\r\nlines"\r\n'
        "c2,rejected,2026-03-02T09:30:00Z,x,extra\r\n"
        "\r\n"
        "c3,rejected\r\n",
    )
    name = str(path)
    expected = [
        Event(
            "c1",
            "rejected",
            datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            attributes={"reason": "two\r\nlines"},
        ),
        InputError(name, 4, "expected 4 cells as in the header, got 5"),
        InputError(name, 6, "expected 4 cells as in the header, got 2"),
    ]
    assert expected == list(read_csv(path))


def test_bad_rows_are_errors_and_the_stream_goes_on(tmp_path):
    path = _write(
        tmp_path,
        "case_id,activity,timestamp,consent\n"
        "c1,rejected,2026-03-02T09:30:00,\n"
        "c2,rejected,2026-03-02T09:30:00Z,maybe\n"
        'c3,rejected,2026-03-02T09:30:00Z,"true"x\n'
        ",rejected,2026-03-02T09:30:00Z,\n"
        "c5,rejected,last tuesday,\n"
        "c6,rejected,2026-03-02T09:30:00Z,0\n",
    )
    name = str(path)
    expected = [
        InputError(
            name,
            2,
            "timestamp: the time has no time zone; give an offset "
            "(2026-03-02T09:30:00+01:00) or set assume_timezone in the policy",
        ),
        InputError(name, 3, "attribute 'consent': expected true or false, got a 5-character text"),
        InputError(name, 4, "not a valid CSV row (',' expected after '\"')"),
        InputError(name, 5, "missing required field 'case_id'"),
        InputError(
            name,
            6,
            "timestamp: a 12-character text is not an ISO 8601 time with an offset "
            "(expected e.g. 2026-03-02T09:30:00+01:00)",
        ),
        Event(
            "c6", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC), attributes={"consent": False}
        ),
    ]
    assert expected == list(read_csv(path))


def test_default_tz_for_naive_timestamps_and_typed_timestamp_attributes(tmp_path):
    path = _write(
        tmp_path,
        "case_id,activity,timestamp,scheduled_for\n"
        "c1,interview_scheduled,2026-03-02T09:30:00,2026-03-05T14:00:00\n",
    )
    zone = ZoneInfo("Europe/Copenhagen")
    (event,) = read_csv(path, default_tz=zone)
    assert datetime(2026, 3, 2, 9, 30, tzinfo=zone) == event.timestamp
    assert {"scheduled_for": datetime(2026, 3, 5, 14, 0, tzinfo=zone)} == event.attributes


def test_semicolons_and_mapped_columns(tmp_path):
    path = _write(
        tmp_path,
        "Ansøgning;Hændelse;Tidspunkt;Kanal\n"
        "a-1;Afslag sendt;2026-03-02T09:30:00+01:00;E-mail\n"
        "a-2;Samtale;2026-03-02T09:30:00+01:00;Telefon\n",
    )
    mapping = LogMapping(
        columns={
            "Ansøgning": "case_id",
            "Hændelse": "activity",
            "Tidspunkt": "timestamp",
            "Kanal": "channel",
        },
        activities={"Afslag sendt": "rejected", "Samtale": "interview_held"},
        values={"channel": {"E-mail": "email", "Telefon": "phone"}},
    )
    assert [(e.case_id, e.activity, e.channel) for e in read_csv(path, mapping=mapping)] == [
        ("a-1", "rejected", "email"),
        ("a-2", "interview_held", "phone"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name,when\nc1,2026-03-02T09:30:00Z\n",
            "1: no CSV header naming the case, activity and timestamp columns (expected "
            "case_id, activity, timestamp or case:concept:name, concept:name, time:timestamp, "
            "or names given in [mapping.columns])",
        ),
        ("", "1: empty first line; expected a CSV header row"),
        (
            "case_id,activity,timestamp,case_id\n",
            "1: column 'case_id' appears twice in the header",
        ),
    ],
)
def test_a_file_without_a_usable_header_raises(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(LogError) as info:
        list(read_csv(path))
    assert f"{path}:{message}" == str(info.value)


def test_a_file_that_is_not_utf8_raises(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(
        "case_id,activity,timestamp\nc1,afvist,2026-03-02T09:30:00Z,\xe6\n".encode("latin-1")
    )
    with pytest.raises(LogError) as info:
        list(read_csv(path))
    assert (
        f"{path}:2: not UTF-8 text (byte 0xE6 at offset 58: invalid continuation byte); "
        "expected a UTF-8 encoded log; if it was saved by Excel or another Windows program, its "
        'encoding is probably cp1252: pass --encoding cp1252 (encoding="cp1252" in Python)'
        == str(info.value)
    )


LIMIT_MESSAGE = "a cell longer than 131072 characters; expected cells of at most 131072 characters"


@pytest.mark.parametrize(
    "cell",
    [
        "x" * 140_000,  # unquoted
        '"' + "x" * 140_000 + '"',  # quoted, on one line
        '"' + "x" * 140_000 + '\nc9,withdrawn,2026-03-09T09:30:00+01:00,""injected""\nend"',
        '"start\n' + "a line of the cell\n" * 8_000 + 'end"',  # over the limit lines later
        'a 27" screen ' + "x" * 140_000,  # a quote inside an unquoted cell is just a character
        '"a ""27"" screen ' + "x" * 140_000 + '"',  # doubled quotes inside a quoted cell
        "x" * 140_000 + ',a 27" screen',  # in the next, unquoted, cell: ordinary too
    ],
    ids=[
        "unquoted",
        "quoted",
        "quoted-then-lines",
        "many-lines",
        "stray-quote",
        "doubled-quotes",
        "quote-in-next-cell",
    ],
)
def test_a_cell_over_the_limit_is_an_error_for_its_row_and_the_next_row_is_read(tmp_path, cell):
    path = _write(
        tmp_path,
        "case_id,activity,timestamp,text\n"
        f"c1,rejected,2026-03-09T09:00:00+01:00,{cell}\n"
        "c1,thank_you_sent,2026-03-09T10:00:00+01:00,\n"
        "c1,oops\n",
    )
    after = 3 + cell.count("\n")  # the line the next row starts on
    assert [
        InputError(str(path), 2, LIMIT_MESSAGE),
        Event("c1", "thank_you_sent", datetime(2026, 3, 9, 10, tzinfo=CET)),
        InputError(str(path), after + 1, "expected 4 cells as in the header, got 2"),
    ] == list(read_csv(path))


def test_a_quoted_cell_over_the_limit_that_never_ends_takes_the_rest_of_the_file(tmp_path):
    path = _write(
        tmp_path,
        "case_id,activity,timestamp,text\n"
        'c1,rejected,2026-03-09T09:00:00+01:00,"' + "x" * 140_000 + "\n"
        "c1,thank_you_sent,2026-03-09T10:00:00+01:00,\n",
    )
    assert [InputError(str(path), 2, LIMIT_MESSAGE)] == list(read_csv(path))
