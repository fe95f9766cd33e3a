"""cx_rules.io.tables: rows of CSV, TSV, XLSX and Parquet files, with their places."""

from __future__ import annotations

import codecs
import gzip
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cx_rules.io import LogError, read_path
from cx_rules.io.records import InputError
from cx_rules.io.tables import (
    Row,
    RowPlace,
    _parquet,
    _xlsx,
    excel_moment,
    read_table,
    table_format,
)
from cx_rules.io.tabular import read_table_log

openpyxl = pytest.importorskip("openpyxl")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TEXT = "id;when;note\nA-1;02-03-2026 09:12;på skrift\nA-2;;  \nA-3\n"


def _rows(table: object) -> list[Row | InputError]:
    with table as opened:  # type: ignore[attr-defined]
        return list(opened)


# -- CSV and TSV -----------------------------------------------------------------------------


def test_csv_rows_have_their_line_and_blank_cells_are_none(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TEXT, encoding="utf-8")

    table = read_table(path)

    assert table.columns == ("id", "when", "note")
    assert table.epoch is None
    assert _rows(table) == [
        Row(
            RowPlace(str(path), 2, None, True),
            {"id": "A-1", "when": "02-03-2026 09:12", "note": "på skrift"},
        ),
        Row(RowPlace(str(path), 3, None, True), {"id": "A-2", "when": None, "note": None}),
        InputError(str(path), 4, "expected 3 cells as in the header, got 1"),
    ]


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_marks_decide_the_encoding(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "t.csv"
    data = TEXT.encode(codec)
    if codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)

    rows = _rows(read_table(path))

    assert [r.cells["note"] for r in rows if isinstance(r, Row)] == ["på skrift", None]


def test_a_named_encoding_is_used_and_gzip_too(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv.gz"
    path.write_bytes(gzip.compress(TEXT.replace(";", "\t").encode("cp1252")))

    rows = _rows(read_table(path, encoding="cp1252"))

    assert rows[0].cells["note"] == "på skrift"  # type: ignore[union-attr]
    assert read_table(path).format == "tsv"


def test_an_unknown_encoding_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(TEXT, encoding="utf-8")

    with pytest.raises(LogError) as info:
        _ = read_table(path, encoding="klingon").columns

    assert str(info.value) == (
        f"{path}: unknown encoding 'klingon' (expected a Python codec name such as utf-8, "
        "utf-16, cp1252 or latin-1)"
    )


def test_a_bad_byte_in_a_named_encoding_says_which(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id;note\nA-1;ok\nA-2;\x81\n")  # 0x81 is no character in cp1252

    with pytest.raises(LogError) as info:
        _rows(read_table(path, encoding="cp1252"))

    assert str(info.value) == (
        f"{path}:3: not cp1252 text (byte 0x81 at offset 19: character maps to <undefined>); "
        "expected cp1252 text; pass the file's own encoding with --encoding (encoding= in "
        "Python)"
    )


def test_a_broken_utf16_file_names_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    # A lone low surrogate (0xDC00) on line 3, after the mark and two lines.
    path.write_bytes("id;note\nA-1;ok\nA-2;".encode("utf-16") + b"\x00\xdc\n\x00")

    with pytest.raises(LogError) as info:
        _rows(read_table(path))

    assert str(info.value) == (
        f"{path}:3: not UTF-16 text (byte 0x00 at offset 40: illegal encoding); expected "
        "UTF-16 text (it starts with a byte order mark); pass the file's own encoding with "
        "--encoding (encoding= in Python)"
    )


def test_the_delimiter_is_found_by_the_header_check(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b;c\n1,2;3\n", encoding="utf-8")

    def wants_c(header: object) -> str | None:
        return None if "c" in header else "a column c"  # type: ignore[operator]

    table = read_table(path, check_header=wants_c)
    assert table.columns == ("a,b", "c")
    with pytest.raises(LogError) as info:
        _ = read_table(path, delimiter=",", check_header=wants_c).columns
    assert str(info.value) == f"{path}:1: no CSV header naming a column c"


def test_a_stream_is_read_as_csv(tmp_path: Path) -> None:
    import io

    rows = _rows(read_table(io.StringIO("x\ty\n1\t2\n"), delimiter="\t", name="pipe"))

    assert rows == [Row(RowPlace("pipe", 2, None, True), {"x": "1", "y": "2"})]
    with pytest.raises(LogError, match="a xlsx table is read from a file"):
        read_table(io.StringIO(""), format="xlsx")


def test_unknown_formats_and_extensions(tmp_path: Path) -> None:
    assert table_format("a.CSV.gz") == "csv"
    assert table_format("a.pq") == "parquet"
    assert table_format("a.txt") is None
    with pytest.raises(LogError, match=r"a\.txt: unknown table extension"):
        read_table(tmp_path / "a.txt")
    with pytest.raises(LogError, match=r"unknown table format 'xls'"):
        read_table(tmp_path / "a.txt", format="xls")


# -- XLSX ------------------------------------------------------------------------------------


def _book(path: Path, rows: list[list[object]], title: str = "Pipeline") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_rows_by_sheet_with_excel_row_numbers(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "b.xlsx",
        [
            [],
            ["id", "when", None, "n", None],  # a gap and trailing blanks in the header
            ["A-1", datetime(2026, 3, 2, 9, 12), None, 3],
            [None, None, None, None],
            ["A-2", "  ", None, 2.5, None],
            ["A-3", None, "stray", None],
        ],
    )

    table = read_table(path, sheet="Pipeline")

    assert table.columns == ("id", "when", "n")
    assert table.epoch == datetime(1899, 12, 30)
    where = RowPlace(str(path), 3, "Pipeline")
    assert _rows(table) == [
        Row(where, {"id": "A-1", "when": datetime(2026, 3, 2, 9, 12), "n": 3}),
        Row(where._replace(row=5), {"id": "A-2", "when": None, "n": 2.5}),
        InputError(
            str(path),
            None,
            "a value in column C, which has no name in the header row",
            "sheet 'Pipeline', row 6",
        ),
    ]


def test_a_row_of_formulas_never_computed_is_an_error_not_a_blank_row(tmp_path: Path) -> None:
    # openpyxl writes formulas without the values a spreadsheet program would save with them:
    # read for their values, such a row looks blank, and was silently left out.
    path = _book(
        tmp_path / "b.xlsx",
        [
            ["id", "n"],
            ['=HYPERLINK("http://example.invalid/?x","open")'],
            [None, None],
            ["A-1", 1],
        ],
    )

    rows = _rows(read_table(path, sheet="Pipeline"))

    assert rows[0] == InputError(
        str(path),
        None,
        "formulas without a saved value (the workbook was written by a program that does "
        "not compute them); expected values: open and save it in a spreadsheet program, or "
        "export CSV",
        "sheet 'Pipeline', row 2",
    )
    assert rows[1:] == [Row(RowPlace(str(path), 4, "Pipeline"), {"id": "A-1", "n": 1})]


def test_xlsx_sheet_default_missing_and_gzip(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", [["id", "x"], ["A-1", 1]], title="Data")
    packed = tmp_path / "b.xlsx.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))

    assert read_table(path).columns == ()  # the first sheet, Notes, is empty
    assert _rows(read_table(packed, sheet="Data"))[0].cells == {"id": "A-1", "x": 1}  # type: ignore[union-attr]
    with pytest.raises(LogError) as info:
        _ = read_table(path, sheet="Pipeline").columns
    assert str(info.value) == f"{path}: no sheet 'Pipeline' (the workbook has 'Notes', 'Data')"


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    path.write_text("id,when\n", encoding="utf-8")

    with pytest.raises(LogError) as info:
        _ = read_table(path).columns

    assert str(info.value) == (
        f"{path}: not an XLSX workbook (not a zip file); expected an .xlsx file"
    )


def test_shared_strings_over_the_bound_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _book(tmp_path / "b.xlsx", [["id", "x"], ["A-1", "some text"]])
    monkeypatch.setattr(_xlsx, "MAX_WORKBOOK_PART", 10)

    with pytest.raises(LogError, match=r"xl/\w+\.xml is larger than 0 MiB; expected a workbook"):
        _ = read_table(path).columns


def test_excel_serial_numbers_match_openpyxl() -> None:
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

    for value in (1, 59, 59.75, 60, 61, 46084.5, 46084.383333333, 2_958_465.5):
        assert excel_moment(value, WINDOWS_EPOCH) == from_excel(value, WINDOWS_EPOCH)
    for value in (1, 60, 44_000.25):
        assert excel_moment(value, MAC_EPOCH) == from_excel(value, MAC_EPOCH)
    assert excel_moment(46084.383333333, WINDOWS_EPOCH) == datetime(2026, 3, 3, 9, 12)
    for bad in (0.5, -1, 3_000_000, True):
        with pytest.raises(ValueError, match="not an Excel date serial number"):
            excel_moment(bad, WINDOWS_EPOCH)


# -- Parquet ---------------------------------------------------------------------------------


def test_parquet_values_and_their_zones(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    moment = datetime(2026, 3, 2, 8, 12, 0, 123456)
    table = pa.table(
        {
            "id": ["A-1", "A-2"],
            "utc": pa.array([moment, None], pa.timestamp("us", tz="UTC")),
            "cph": pa.array([moment, moment], pa.timestamp("ns", tz="Europe/Copenhagen")),
            "fixed": pa.array([moment, moment], pa.timestamp("ms", tz="+05:30")),
            "naive": pa.array([moment, moment], pa.timestamp("ns")),
            "day": pa.array([date(2026, 3, 2), None], pa.date32()),
            "n": [1, None],
        }
    )
    pq.write_table(table, path, row_group_size=1)

    rows = _rows(read_table(path))

    assert [r.place for r in rows] == [RowPlace(str(path), 1), RowPlace(str(path), 2)]  # type: ignore[union-attr]
    first = rows[0].cells  # type: ignore[union-attr]
    assert first["utc"] == moment.replace(tzinfo=UTC)
    assert first["cph"] == moment.replace(tzinfo=UTC)
    assert first["cph"].tzinfo == ZoneInfo("Europe/Copenhagen")  # type: ignore[union-attr]
    assert first["fixed"] == moment.replace(microsecond=123000, tzinfo=UTC)
    assert first["fixed"].utcoffset() == timedelta(hours=5, minutes=30)  # type: ignore[union-attr]
    assert first["naive"] == moment
    assert first["naive"].tzinfo is None  # type: ignore[union-attr]
    assert (first["day"], first["n"]) == (date(2026, 3, 2), 1)
    assert rows[1].cells["utc"] is None  # type: ignore[union-attr]


def test_parquet_nanoseconds_are_cut_to_microseconds(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    nanos = pa.array([1_772_439_120_123_456_789], pa.int64()).cast(pa.timestamp("ns", tz="UTC"))
    pq.write_table(pa.table({"id": ["A"], "at": nanos}), path)

    (row,) = _rows(read_table(path))

    assert row.cells["at"] == datetime(2026, 3, 2, 8, 12, 0, 123456, tzinfo=UTC)  # type: ignore[union-attr]


def test_parquet_row_groups_over_the_bound_and_files_that_are_not_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["A"] * 100, "x": list(range(100))}), path)
    monkeypatch.setattr(_parquet, "MAX_ROW_GROUP", 10)
    with pytest.raises(LogError, match=r"row group 0 holds \d+ bytes uncompressed"):
        _ = read_table(path).columns

    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    with pytest.raises(LogError, match=r"bad\.parquet: not a Parquet file"):
        _ = read_table(bad).columns
    packed = tmp_path / "bad.parquet.gz"
    packed.write_bytes(b"not gzip")
    with pytest.raises(LogError, match="not gzip-compressed data"):
        _ = read_table(packed).columns


def test_parquet_gz_is_read_through_a_temporary_copy(tmp_path: Path) -> None:
    plain = tmp_path / "t.parquet"
    pq.write_table(
        pa.table(
            {"case_id": ["A"], "activity": ["rejected"], "timestamp": ["2026-03-02T09:00:00+01:00"]}
        ),
        plain,
    )
    packed = tmp_path / "t.parquet.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))

    assert list(read_path(packed)) == list(read_path(plain))


def test_a_zone_the_machine_does_not_know_is_an_error_for_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    moments = pa.array([0], pa.int64()).cast(pa.timestamp("s", tz="UTC"))
    schema = pa.schema([("id", pa.string()), ("at", pa.timestamp("s", tz="Mars/Olympus"))])
    pq.write_table(pa.table({"id": ["A"], "at": moments}).cast(schema, safe=False), path)

    with pytest.raises(LogError, match=r"unknown time zone 'Mars/Olympus'"):
        _rows(read_table(path))


def test_utc_offset_names() -> None:
    assert _parquet._zone(pa.timestamp("s", tz="-03:00")) == timezone(timedelta(hours=-3))
    assert _parquet._zone(pa.timestamp("s")) is None


def test_a_workbook_declaring_entities_is_refused(tmp_path: Path) -> None:
    import zipfile

    plain = _book(
        tmp_path / "plain.xlsx", [["case_id", "activity", "timestamp"], ["c1", "rejected", "x"]]
    )
    with zipfile.ZipFile(plain) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    parts[sheet] = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY r "rejected">]>' + parts[
        sheet
    ].replace(b"rejected", b"&r;")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    with pytest.raises(LogError, match=r"bomb\.xlsx: not an XLSX workbook"):
        _rows(read_table(bomb, sheet="Pipeline"))


def test_a_sheet_without_the_columns_is_a_log_error(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", [["id", "x"], ["A-1", 1]])

    with pytest.raises(LogError) as info:
        list(read_table_log(path, sheet="Pipeline"))

    assert str(info.value) == (
        f"{path} (sheet 'Pipeline', row 1): no header row naming the case, activity and "
        "timestamp columns (expected case_id, activity, timestamp or case:concept:name, "
        "concept:name, time:timestamp, or names given in [mapping.columns])"
    )
