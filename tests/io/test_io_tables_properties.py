"""Properties of the table readers: any rows give events and input errors, never another
exception, with counts that add up; text round-trips through every encoding read."""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import Event
from cx_rules.io import InputError, LogMapping, read_csv, read_path
from cx_rules.io.tables import Row, read_table
from cx_rules.io.tabular import NO_DATE
from cx_rules.testing.strategies import hostile_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

HEADER = ["Application ID", "Job", "Applied On", "Rejected On", "Rejection Reason"]
WIDE = LogMapping.from_dict(
    {
        "timestamp_format": ["%d-%m-%Y %H:%M", "%Y-%m-%d"],
        "assume_timezone": "Europe/Copenhagen",
        "wide": {
            "case_id": "Application ID",
            "attributes": {"Job": "job_id"},
            "events": [
                {"column": "Applied On", "activity": "application_received"},
                {
                    "column": "Rejected On",
                    "activity": "rejected",
                    "attributes": {"Rejection Reason": "reason"},
                },
            ],
        },
    }
)
LONG = LogMapping.from_dict(
    {
        "timestamp_format": ["%m/%d/%Y %I:%M %p"],
        "columns": {"Application ID": "case_id", "Job": "activity", "Applied On": "timestamp"},
    }
)

dates = st.one_of(
    st.just(""),
    st.sampled_from(["02-03-2026 09:12", "2026-03-02", "3/2/2026 9:12 AM", "31-02-2026 09:12"]),
    st.datetimes(min_value=datetime(1900, 1, 1)).map(lambda d: d.strftime("%d-%m-%Y %H:%M")),
    hostile_text,
)
cells = st.one_of(hostile_text, dates, st.just(""))
text_rows = st.lists(st.lists(cells, min_size=3, max_size=6), max_size=12)


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _tally(stream: Any) -> tuple[int, int, dict[str, int]]:
    events = errors = 0
    for record in stream:
        if isinstance(record, Event):
            events += 1
        else:
            assert isinstance(record, InputError)
            errors += 1
    return events, errors, dict(stream.skipped)


def _clean(text: str) -> str:
    # The csv module cannot write NUL, and lone surrogates are no text to encode.
    return text.replace("\0", "").encode("utf-8", "replace").decode("utf-8")


@SETTINGS
@given(rows=text_rows, mapping=st.sampled_from([WIDE, LONG]))
def test_any_csv_rows_give_events_and_input_errors(
    rows: list[list[str]], mapping: LogMapping
) -> None:
    rows = [[_clean(c) for c in row] for row in rows]
    text = _csv_text(HEADER, rows)
    events, errors, skipped = _tally(read_csv(io.StringIO(text, newline=""), mapping=mapping))
    data = list(csv.reader(io.StringIO(text, newline="")))[1:]
    data = [r for r in data if r]  # csv writes an empty row as a blank line: no record
    if mapping is LONG:
        assert events + errors + sum(skipped.values()) == len(data)
    else:
        # A row of the wrong width is one error; else one record per date, or one skip.
        expected = 0
        for row in data:
            if len(row) != len(HEADER):
                expected += 1
            else:
                found = sum(1 for i in (2, 3) if row[i].strip())
                expected += found or 1
        assert events + errors + skipped.get(NO_DATE, 0) == expected


encodable = st.text(
    st.characters(codec="cp1252", exclude_characters="\0\r\n\x1a"), max_size=12
).filter(lambda t: t.strip() == t)


@SETTINGS
@given(
    rows=st.lists(st.lists(encodable, min_size=3, max_size=3), min_size=1, max_size=8),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_text_round_trips_through_every_encoding(
    rows: list[list[str]], codec: str, delimiter: str
) -> None:
    header = ["a", "b", "c"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(_csv_text(header, rows, delimiter).encode(codec))
        given_codec = "cp1252" if codec == "cp1252" else None
        with read_table(path, encoding=given_codec, delimiter=delimiter) as table:
            read = [r.cells for r in table if isinstance(r, Row)]
    expected = [
        {k: (v if v.strip() else None) for k, v in zip(header, row, strict=True)}
        for row in rows
        if row != ["", "", ""] or delimiter != "\t"
    ]
    # A row of three empty cells is ",," (a row) but with tabs it is a blank-looking line
    # of two tabs, still a row: keep only what the csv module gives back.
    assert [r for r in read if any(v is not None for v in r.values())] == [
        r for r in expected if any(v is not None for v in r.values())
    ]


workbook_cells = st.one_of(
    st.none(),
    hostile_text.map(lambda t: "".join(c for c in _clean(t) if c.isprintable())),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
    st.dates(min_value=date(1900, 3, 1)),
    st.times(),
)


@SLOW
@given(
    rows=st.lists(st.lists(workbook_cells, min_size=0, max_size=7), max_size=8),
    mapping=st.sampled_from([None, WIDE, LogMapping(assume_timezone="UTC")]),
)
def test_any_workbook_gives_events_and_input_errors(
    rows: list[list[object]], mapping: LogMapping | None
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["case_id", "activity", "timestamp"] if mapping is not WIDE else HEADER)
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.xlsx"
        book.save(path)
        events, errors, skipped = _tally(read_path(path, mapping=mapping))
    non_empty = [r for r in rows if any(c is not None and str(c).strip() for c in r)]
    if mapping is not WIDE:
        assert events + errors + sum(skipped.values()) == len(non_empty)


parquet_values = st.one_of(
    st.none(),
    hostile_text.map(_clean),  # Arrow strings are UTF-8: no lone surrogates
    st.sampled_from(["application_received", "rejected", "c1"]),
)


@SLOW
@given(
    rows=st.lists(
        st.tuples(
            parquet_values,
            parquet_values,
            st.one_of(
                st.none(),
                st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)),
            ),
            st.one_of(st.none(), st.integers(-(2**62), 2**62)),
        ),
        max_size=20,
    ),
    zone=st.sampled_from([None, "UTC", "Europe/Copenhagen", "-05:00"]),
    mapping=st.sampled_from([None, LogMapping(assume_timezone="Europe/Copenhagen")]),
)
def test_any_parquet_rows_give_events_and_input_errors(
    rows: list[tuple[Any, ...]], zone: str | None, mapping: LogMapping | None
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    table = pa.table(
        {
            "case_id": pa.array(columns[0], pa.string()),
            "activity": pa.array(columns[1], pa.string()),
            "timestamp": pa.array(columns[2], pa.timestamp("us", tz=zone)),
            "delay_minutes": pa.array(columns[3], pa.int64()),
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.parquet"
        pq.write_table(table, path, row_group_size=7)
        events, errors, skipped = _tally(read_path(path, mapping=mapping))
    assert events + errors + sum(skipped.values()) == len(rows)
    if zone is None and mapping is None:
        assert events == 0  # naive moments and no zone to give them: every one an error


def test_a_time_of_day_alone_is_no_timestamp(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["case_id", "activity", "timestamp"])
    book.active.append(["c1", "rejected", time(9, 30)])
    book.save(tmp_path / "b.xlsx")

    (error,) = read_path(tmp_path / "b.xlsx", mapping=LogMapping(assume_timezone="UTC"))

    assert str(error) == (
        f"{tmp_path / 'b.xlsx'} (sheet 'Sheet', row 2): timestamp: a time of day without a date"
    )


# Built once: openpyxl stamps the save time into the workbook, and Hypothesis must see the
# same seed bytes each time it replays an example.
@functools.cache
def _seed_workbook() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["case_id", "activity", "timestamp", "reason"])
    for i in range(5):
        book.active.append([f"c{i}", "rejected", datetime(2026, 3, 2, 9, i), "no"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _seed_parquet() -> bytes:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "case_id": ["c1", "c2", "c3"],
            "activity": ["rejected"] * 3,
            "timestamp": pa.array(
                [datetime(2026, 3, 2, 9, i) for i in range(3)], pa.timestamp("ns", tz="UTC")
            ),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=2)
    return out.getvalue()


@SLOW
@given(data=st.data())
@pytest.mark.parametrize(
    ("suffix", "seed"), [(".xlsx", _seed_workbook), (".parquet", _seed_parquet)]
)
def test_damaged_binary_tables_are_log_errors_or_records(
    suffix: str, seed: Any, data: st.DataObject
) -> None:
    from cx_rules.io import LogError
    from cx_rules.testing.strategies import mutated

    damaged = data.draw(mutated([seed()]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_bytes(damaged)
        refused = ""
        try:
            for record in read_path(path, mapping=LogMapping(assume_timezone="UTC")):
                assert isinstance(record, Event | InputError)
        except LogError as exc:
            refused = str(exc)
    assert not refused or refused.startswith(str(path))
