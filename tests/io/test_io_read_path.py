from pathlib import Path

import pytest

from cx_rules import CxRulesError, Event
from cx_rules.io import InputError, LogError, format_for, read_jsonl, read_path

DATA = Path(__file__).parent / "data"
LINE = '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z"}\n'


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("log.jsonl", "jsonl"),
        ("LOG.NDJSON", "jsonl"),
        ("export.csv", "csv"),
        ("bpi.xes", "xes"),
        ("bpi.XES.gz", "xes"),
        ("recruiting.jsonocel", "ocel"),
        ("ocel2.json", "ocel"),
        ("export.tsv", "tsv"),
        ("export.TAB", "tsv"),
        ("pipeline.xlsx", "xlsx"),
        ("pipeline.xlsm.gz", "xlsx"),
        ("history.parquet", "parquet"),
        ("history.pq", "parquet"),
    ],
)
def test_the_extension_picks_the_format(name, expected):
    assert expected == format_for(name)


def test_an_unknown_extension_raises_naming_the_file():
    with pytest.raises(LogError) as info:
        format_for("export.xls")
    assert str(info.value) == (
        "export.xls: unknown log extension '.xls' (expected one of .csv, .json, .jsonl, "
        ".jsonocel, .ndjson, .parquet, .pq, .tab, .tsv, .xes, .xlsm, .xlsx, each also as .gz); "
        "name the format with --format-in (jsonl, csv, tsv, xes, ocel, xlsx, parquet), or "
        "format= in Python"
    )
    assert isinstance(info.value, CxRulesError)
    assert isinstance(info.value, ValueError)


def test_format_overrides_the_extension(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(LINE, encoding="utf-8")
    assert [e.case_id for e in read_path(path, format="jsonl")] == ["c1"]
    with pytest.raises(LogError) as info:
        read_path(path, format="xls")
    assert (
        f"{path}: unknown format 'xls' (expected one of jsonl, csv, tsv, xes, ocel, xlsx, parquet)"
        == str(info.value)
    )


def test_a_missing_file_raises_at_once(tmp_path):
    with pytest.raises(LogError) as info:
        read_path(tmp_path / "gone.jsonl")
    assert f"{tmp_path / 'gone.jsonl'}: no such file; expected an event log" == str(info.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("log.xes", ":1: not well-formed XML (syntax error); expected an XES log"),
        ("log.json", ":1: not valid JSON; expected an OCEL log"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says_raises(tmp_path, name, message):
    path = tmp_path / name
    path.write_text("case_id,activity,timestamp\n", encoding="utf-8")
    with pytest.raises(LogError) as info:
        list(read_path(path))
    assert f"{path}{message}" == str(info.value)


def test_csv_in_a_jsonl_file_is_one_error_per_line(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text("case_id,activity\nc1,rejected\n", encoding="utf-8")
    assert [r.line for r in read_path(path) if isinstance(r, InputError)] == [1, 2]


def test_the_stream_counts_what_it_skipped_once_exhausted():
    stream = read_path(DATA / "small.xes")
    assert dict(stream.skipped) == {}
    records = list(stream)
    assert [e.case_id for e in records if isinstance(e, Event)] == ["c17", "c17", "c18"]
    assert dict(stream.skipped) == {"lifecycle:transition 'start'": 1}


def test_closing_a_stream_early_releases_the_file(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(LINE * 3, encoding="utf-8")
    stream = read_path(path)
    assert next(stream).case_id == "c1"
    stream.close()
    assert list(stream) == []


def test_input_errors_print_file_line_and_element():
    assert str(InputError("log.csv", 7, "bad")) == "log.csv:7: bad"
    assert str(InputError("log.xes", 12, "bad", "trace 3 (case c17), event 7")) == (
        "log.xes:12 (trace 3 (case c17), event 7): bad"
    )
    assert str(InputError("log.json", None, "bad", 'ocel:events["e12"]')) == (
        'log.json (ocel:events["e12"]): bad'
    )


def test_a_directory_or_undecodable_file_raises_while_reading(tmp_path):
    with pytest.raises(LogError) as info:
        list(read_jsonl(tmp_path))
    assert str(info.value) == f"{tmp_path}: cannot read the log: Is a directory"
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"case_id": "\xff"}\n')
    with pytest.raises(LogError) as info:
        list(read_path(path))
    assert str(info.value) == (
        f"{path}:1: not UTF-8 text (byte 0xFF at offset 13: invalid start byte); "
        "expected a UTF-8 encoded log"
    )
