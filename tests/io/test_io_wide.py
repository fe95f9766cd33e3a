"""The mapping keys for the files auditors have: timestamp_format, assume_timezone, sheet and
[wide]; how they are checked when loaded and what they do to records."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cx_rules import Event, InvalidEvent, NaiveTimestamp, PolicyError, audit
from cx_rules.io import InputError, LogError, LogMapping, read_csv, read_path
from cx_rules.io.wide import Wide, WideEvent

CPH = ZoneInfo("Europe/Copenhagen")
WIDE = {
    "case_id": "App",
    "events": [
        {"column": "Applied", "activity": "application_received"},
        {"column": "Rejected", "activity": "rejected", "attributes": {"Why": "reason"}},
    ],
}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"timestamp_format": "%d-%m-%Y", "assume_timezone": "Mars/Olympus"},
            "m.toml: mapping.assume_timezone: 'Mars/Olympus' is not a known IANA time zone "
            "(expected e.g. Europe/Copenhagen)",
        ),
        (
            {"timestamp_format": []},
            "m.toml: mapping.timestamp_format: expected a strptime pattern or a list of them",
        ),
        (
            {"timestamp_format": ["dd-mm-yyyy"]},
            "m.toml: mapping.timestamp_format: 'dd-mm-yyyy' is not a strptime pattern "
            "(expected e.g. '%d-%m-%Y %H:%M')",
        ),
        ({"sheet": 3}, "m.toml: mapping.sheet: expected a non-empty string, got 3"),
        ({"wide": []}, "m.toml: mapping.wide: expected a table, got list"),
        (
            {"wide": {"events": []}},
            "m.toml: mapping.wide.case_id: expected the name of the case id column",
        ),
        (
            {"wide": {"case_id": "App"}},
            "m.toml: mapping.wide.events: expected [[wide.events]] tables, each with a column "
            "and an activity",
        ),
        (
            {"wide": {"case_id": "App", "events": [{"column": "Applied"}]}},
            "m.toml: mapping.wide.events[1].activity: expected a non-empty string",
        ),
        (
            {"wide": {"case_id": "App", "events": [{"column": "A", "activity": "x", "when": 1}]}},
            "m.toml: mapping.wide.events[1]: unknown key 'when' (expected one of column, "
            "activity, attributes)",
        ),
        (
            {"wide": {**WIDE, "attributes": {"Job": ""}}},
            "m.toml: mapping.wide.attributes.Job: expected a non-empty attribute name, got ''",
        ),
        (
            {"wide": {"case_id": "App", "events": [WIDE["events"][0], WIDE["events"][0]]}},
            "m.toml: mapping.wide.events: column 'Applied' is named twice",
        ),
    ],
)
def test_bad_values_are_named(table: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyError) as info:
        LogMapping.from_dict(table, source="m.toml")
    assert str(info.value) == message


def test_a_mapping_file_with_a_wide_table(tmp_path: Path) -> None:
    path = tmp_path / "wide.toml"
    path.write_text(
        'sheet = "Pipeline"\ntimestamp_format = "%d-%m-%Y"\n'
        '[wide]\ncase_id = "App"\n'
        '[[wide.events]]\ncolumn = "Applied"\nactivity = "application_received"\n',
        encoding="utf-8",
    )

    mapping = LogMapping.load(path)

    assert mapping.sheet == "Pipeline"
    assert mapping.timestamp_format == ("%d-%m-%Y",)
    assert mapping.wide == Wide("App", (WideEvent("Applied", "application_received"),))
    assert mapping.zone is None


def test_patterns_are_tried_in_order_and_an_offset_is_kept() -> None:
    mapping = LogMapping(
        timestamp_format=("%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z"),
        assume_timezone="Europe/Copenhagen",
    )

    assert mapping.moment("02-03-2026 09:12", "timestamp", mapping.zone) == datetime(
        2026, 3, 2, 9, 12, tzinfo=CPH
    )
    assert mapping.moment(" 2026-03-02T09:12:00-0500 ", "timestamp", None) == datetime(
        2026, 3, 2, 9, 12, tzinfo=timezone(timedelta(hours=-5))
    )
    with pytest.raises(NaiveTimestamp) as naive:
        mapping.moment("02-03-2026 09:12", "timestamp", None)
    assert str(naive.value) == (
        "timestamp: a 16-character text (read with '%d-%m-%Y %H:%M') has no time zone; set "
        'assume_timezone in the mapping or the policy (assume_timezone = "Europe/Copenhagen")'
    )
    with pytest.raises(InvalidEvent) as bad:
        mapping.moment("31-02-2026 09:12", "attribute 'scheduled_for'", None)
    assert str(bad.value) == (
        "attribute 'scheduled_for': a 16-character text fits none of the timestamp formats "
        "'%d-%m-%Y %H:%M', '%Y-%m-%dT%H:%M:%S%z'"
    )


def test_formats_apply_to_timestamp_attributes_and_every_reader(tmp_path: Path) -> None:
    mapping = LogMapping(timestamp_format=("%d.%m.%Y %H:%M",), assume_timezone="Europe/Copenhagen")
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "02.03.2026 09:00",'
        ' "scheduled_for": "05.03.2026 13:30"}\n',
        encoding="utf-8",
    )

    (event,) = read_path(path, mapping=mapping)

    assert isinstance(event, Event)
    assert event.timestamp == datetime(2026, 3, 2, 9, 0, tzinfo=CPH)
    assert event.get("scheduled_for") == datetime(2026, 3, 5, 13, 30, tzinfo=CPH)


def test_the_mappings_zone_comes_before_the_callers() -> None:
    text = "case_id,activity,timestamp\nc1,rejected,2026-03-02T09:00:00\n"
    mapping = LogMapping(assume_timezone="Europe/Copenhagen")

    (event,) = read_csv(io.StringIO(text), mapping=mapping, default_tz=UTC)

    assert isinstance(event, Event)
    assert event.timestamp.tzinfo == CPH


def test_wide_rows_with_their_places_and_errors() -> None:
    text = (
        "App,Applied,Rejected,Why,Name\n"
        "A-1,2026-03-02T09:00:00+01:00,2026-03-09T10:00:00+01:00,too junior,Ada\n"
        ",2026-03-02T09:00:00+01:00,,,Bo\n"
        "A-3,soon,,,Cy\n"
        "A-4,,,,Di\n"
        "A-5,2026-03-02T09:00:00+01:00\n"
    )
    stream = read_csv(
        io.StringIO(text), mapping=LogMapping(wide=Wide.from_dict(WIDE, "w")), name="p.csv"
    )

    records = list(stream)

    assert [r.activity if isinstance(r, Event) else str(r) for r in records] == [
        "application_received",
        "rejected",
        "p.csv:3 (column 'Applied'): missing required field 'case_id'",
        "p.csv:4 (column 'Applied'): timestamp: a 4-character text is not an ISO 8601 time with an offset "
        "(expected e.g. 2026-03-02T09:30:00+01:00)",
        "p.csv:6: expected 5 cells as in the header, got 2",
    ]
    assert records[1].attributes == {"reason": "too junior"}  # type: ignore[union-attr]
    assert records[0].attributes == {}  # type: ignore[union-attr]
    assert dict(stream.skipped) == {"a wide row without a date": 1}


def test_a_wide_table_needs_its_columns_and_a_table() -> None:
    mapping = LogMapping(wide=Wide.from_dict(WIDE, "w"))
    with pytest.raises(LogError) as info:
        list(read_csv(io.StringIO("App,Applied\nA-1,2026-03-02\n"), mapping=mapping, name="p.csv"))
    assert str(info.value) == (
        "p.csv:1: no CSV header naming the columns the [wide] table names (missing: "
        "'Rejected', 'Why')"
    )


def test_a_wide_table_on_a_log_that_is_no_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    with pytest.raises(LogError) as info:
        read_path(path, mapping=LogMapping(wide=Wide.from_dict(WIDE, "w")))
    assert str(info.value) == (
        f"{path}: the mapping's [wide] table unpivots tables (csv, tsv, xlsx, parquet), not a "
        "jsonl log"
    )
    with pytest.raises(LogError) as info:
        read_path(path, encoding="cp1252")
    assert str(info.value) == (
        f"{path}: an encoding applies to CSV and TSV logs only; a jsonl log is read in its own "
        "(JSON is UTF-8, XML declares its encoding, XLSX and Parquet are binary)"
    )


def test_an_audit_places_an_event_it_left_out_in_a_wide_table(tmp_path: Path) -> None:
    # Two events claiming one id: the second is left out, and its error is placed by
    # reading the file again (the row and the column).
    path = tmp_path / "p.csv"
    path.write_text(
        "App,Applied,Rejected,Why,Id\n"
        "A-1,2026-03-02T09:00:00+01:00,,,e1\n"
        "A-1,,2026-03-09T10:00:00+01:00,no,e1\n",
        encoding="utf-8",
    )
    wide = {**WIDE, "attributes": {"Id": "event_id"}}
    report = audit(path, mapping=LogMapping(wide=Wide.from_dict(wide, "w")))

    placed = [(e.line, e.element) for e in report.errors]
    assert placed == [(3, "column 'Rejected'")]


def test_parquet_values_without_a_plain_form(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    pq.write_table(
        pa.table(
            {
                "case_id": ["c1", "c2"],
                "activity": ["rejected", "rejected"],
                "timestamp": ["2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"],
                "salary": pa.array([Decimal("51234.50"), None], pa.decimal128(10, 2)),
                "blob": pa.array([None, b"\x00\x01"], pa.binary()),
            }
        ),
        path,
    )

    first, second = read_path(path)

    assert isinstance(first, Event)
    assert first.get("salary") == "51234.50"
    assert isinstance(second, InputError)
    assert str(second) == (
        f"{path} (row 2): blob: a bytes value is not read (expected text, a number, a "
        "boolean, a date or a timestamp)"
    )


def test_a_wide_workbooks_date_cells_reach_timestamp_attributes(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["App", "Invited", "Interview at"])
    book.active.append(["A-1", datetime(2026, 3, 2, 9, 0), 46087.5625])  # 6 March, 13:30
    book.save(tmp_path / "w.xlsx")
    wide = {
        "case_id": "App",
        "events": [
            {
                "column": "Invited",
                "activity": "interview_scheduled",
                "attributes": {"Interview at": "scheduled_for"},
            }
        ],
    }
    mapping = LogMapping.from_dict({"assume_timezone": "Europe/Copenhagen", "wide": wide})

    (event,) = read_path(tmp_path / "w.xlsx", mapping=mapping)

    assert isinstance(event, Event)
    assert event.timestamp == datetime(2026, 3, 2, 9, 0, tzinfo=CPH)
    assert event.get("scheduled_for") == datetime(2026, 3, 6, 13, 30, tzinfo=CPH)


def test_a_column_of_several_activities_gives_each_in_order_the_implied_ones_inferred() -> None:
    wide = Wide.from_dict(
        {
            "case_id": "id",
            "attributes": {"Job": "job_id"},
            "events": [
                {"column": "Applied", "activity": "application_received"},
                {"column": "Hired", "activity": ["offer_made", "offer_accepted"]},
            ],
        },
        "mapping.wide",
    )
    records = list(wide.records({"id": "a1", "Job": "J", "Applied": "d1", "Hired": "d2"}))

    assert records == [
        (
            "Applied",
            {"case_id": "a1", "activity": "application_received", "timestamp": "d1", "job_id": "J"},
        ),
        (
            "Hired",
            {
                "case_id": "a1",
                "activity": "offer_made",
                "timestamp": "d2",
                "job_id": "J",
                "inferred": "Hired",
            },
        ),
        (
            "Hired",
            {"case_id": "a1", "activity": "offer_accepted", "timestamp": "d2", "job_id": "J"},
        ),
    ]
    assert wide.events[1].activity == "offer_accepted"
    coverage = wide.coverage()
    assert coverage.system == "wide table"
    assert coverage.produces == {
        "application_received",
        "application_received.job_id",
        "offer_made",
        "offer_made.job_id",
        "offer_accepted",
        "offer_accepted.job_id",
    }
    assert coverage.why_not("rejected.reason") == (
        "rejected.reason (no column of the wide table holds it)"
    )


@pytest.mark.parametrize("activity", [[], [""], ["offer_made", 3], 7])
def test_a_wide_activity_list_must_name_activities(activity: object) -> None:
    with pytest.raises(PolicyError, match=r"mapping\.wide\.events\[1\]\.activity: expected"):
        Wide.from_dict(
            {"case_id": "id", "events": [{"column": "Hired", "activity": activity}]},
            "mapping.wide",
        )
