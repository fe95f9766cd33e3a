"""The files auditors have, audited through the command line as a user would run it.

Each fixture is written here the way the program that makes it writes it: a Danish Excel
CSV in cp1252 with semicolons and day-first dates, Excel's "Unicode text" (UTF-16 with a
byte order mark, tab-separated) with US dates, a wide pipeline export (one row per
application, a date column per stage), an XLSX workbook with date cells and serial numbers,
and a Parquet file from a warehouse with timestamps with and without a zone.  Every audit
selects the rules such files can hold evidence for (CX001, CX101, CX405): a stage-date export
records no acknowledgements or messages, so the rules that need them would only say so.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

POLICY = """\
select = ["CX001", "CX101", "CX405"]
timezone = "Europe/Copenhagen"
"""

# A Danish ATS export as Excel saves "CSV (semikolonsepareret)": cp1252, ';', day-first.
DANISH_CSV = """\
Ansøgning;Hændelse;Tidspunkt;Begrundelse;Sagsbehandler
DK-101;Ansøgning modtaget;02-03-2026 09:12;;
DK-101;Screening påbegyndt;04-03-2026 10:00;;Søren Ørsted
DK-101;Afslag sendt;10-03-2026 14:30;Vi har valgt en kandidat med mere erfaring i løn;Søren Ørsted
DK-102;Ansøgning modtaget;02-03-2026 20:45;;
DK-102;Afslag sendt;23-03-2026 08:05;;Åse Bæk
"""

DANISH_MAP = """\
[mapping]
timestamp_format = ["%d-%m-%Y %H:%M"]
assume_timezone = "Europe/Copenhagen"

[mapping.columns]
"Ansøgning" = "case_id"
"Hændelse" = "activity"
"Tidspunkt" = "timestamp"
"Begrundelse" = "reason"
"Sagsbehandler" = "actor"

[mapping.activities]
"Ansøgning modtaget" = "application_received"
"Screening påbegyndt" = "screening_started"
"Afslag sendt" = "rejected"
"""

# Excel's "Unicode text": UTF-16 with a byte order mark, tabs, CRLF; US dates, 12-hour clock.
US_TSV = (
    "Application\tStep\tWhen\tReason\r\n"
    "US-7\tApplied\t3/2/2026 9:12 AM\t\r\n"
    "US-7\tRejected\t3/4/2026 4:05 PM\tRole filled internally \u2013 sorry\r\n"
    "US-8\tApplied\t03/02/2026 11:30 PM\t\r\n"
    "US-8\tPhone screen\t3/20/2026 10:00 AM\t\r\n"
)

US_MAP = """\
timestamp_format = ["%m/%d/%Y %I:%M %p"]
assume_timezone = "America/New_York"

[columns]
"Application" = "case_id"
"Step" = "activity"
"When" = "timestamp"
"Reason" = "reason"

[activities]
"Applied" = "application_received"
"Rejected" = "rejected"
"Phone screen" = "screening_started"
"""

# A pipeline export, one row per application.  The column names are invented (see the
# input guide): Greenhouse's own export headers are not publicly documented.
WIDE_CSV = """\
Application ID,Candidate,Job,Applied On,Phone Screen On,Rejected On,Rejection Reason,Hired On
GH-1,Ada Lovelace,J-9,2026-03-02,2026-03-05,,,2026-03-30
GH-2,Alan Turing,J-9,2026-03-02,,2026-03-20,,
GH-3,Grace Hopper,J-9,2026-03-03,2026-03-06,2026-03-12,Another candidate had more SQL experience,
GH-4,Edsger Dijkstra,J-9,,,,,
GH-5,,J-9,2026-03-04,,2026-03-05,Not eligible to work in the EU,
"""

# The example mapping users start from, read as shipped.
WIDE_MAP = (
    Path(__file__).resolve().parents[2] / "examples" / "mappings" / "wide-pipeline.toml"
).read_text(encoding="utf-8")


def _cli(*args: str, stdin: bytes | None = None, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", "audit", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def _outcomes(
    result: subprocess.CompletedProcess[bytes],
) -> tuple[dict[str, Any], dict[str, tuple[str, int, int]], list[tuple[str, str, str]]]:
    """The report's input summary, each case's state and passed and violated counts, and
    the findings listed (those not passed) as (case, code, outcome)."""
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    cases = {c["case_id"]: (c["state"], c["passed"], c["violated"]) for c in report["cases"]}
    listed = sorted((f["case_id"], f["code"], f["outcome"]) for f in report["findings"])
    return report["input"], cases, listed


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    return tmp_path


def test_a_cp1252_csv_read_as_utf8_names_the_byte_and_the_option(folder: Path) -> None:
    (folder / "afslag.csv").write_bytes(DANISH_CSV.encode("cp1252"))
    (folder / "map.toml").write_text(DANISH_MAP, encoding="utf-8")

    result = _cli("afslag.csv", "--map", "map.toml", "--policy", "policy.toml", cwd=folder)

    # "Ansøgning": the header's ø (0xF8 in cp1252) is the fourth byte, at offset 3.
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "cx-rules: error: afslag.csv:1: not UTF-8 text (byte 0xF8 at offset 3: invalid start "
        "byte); expected a UTF-8 encoded log; if it was saved by Excel or another Windows "
        'program, its encoding is probably cp1252: pass --encoding cp1252 (encoding="cp1252" '
        "in Python)\n"
    )


def test_a_cp1252_csv_with_day_first_dates_audits_with_its_encoding(folder: Path) -> None:
    (folder / "afslag.csv").write_bytes(DANISH_CSV.encode("cp1252"))
    (folder / "map.toml").write_text(DANISH_MAP, encoding="utf-8")

    result = _cli(
        "afslag.csv",
        "--map",
        "map.toml",
        "--policy",
        "policy.toml",
        "--encoding",
        "cp1252",
        "--format",
        "json",
        cwd=folder,
    )

    summary, cases, listed = _outcomes(result)
    assert (summary["events"], summary["cases"], summary["lines"]) == (5, 2, 5)
    # DK-101: three legal steps, screened within 14 days, a reason given (CX101 passes).
    assert cases == {"DK-101": ("rejected", 5, 0), "DK-102": ("rejected", 2, 2)}
    assert listed == [("DK-102", "CX101", "violated"), ("DK-102", "CX405", "violated")]
    report = json.loads(result.stdout)
    (late,) = [f for f in report["findings"] if f["code"] == "CX405"]
    # 20:45 in Copenhagen on 2 March: the mapping's zone was given to the naive times.
    assert late["evidence"][0]["timestamp"] == "2026-03-02T20:45:00+01:00"
    assert late["actor"] == "Åse Bæk"


def test_a_utf16_tab_separated_export_with_us_dates_audits(folder: Path) -> None:
    (folder / "pipeline.txt").write_bytes(US_TSV.encode("utf-16"))
    (folder / "map.toml").write_text(US_MAP, encoding="utf-8")

    result = _cli(
        "pipeline.txt",
        "--format-in",
        "tsv",
        "--map",
        "map.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        cwd=folder,
    )

    summary, cases, listed = _outcomes(result)
    assert (summary["events"], summary["cases"]) == (4, 2)
    assert cases == {"US-7": ("rejected", 4, 0), "US-8": ("screening", 2, 1)}
    assert listed == [("US-8", "CX405", "violated")]  # 3/2 11:30 PM to 3/20: 17 days
    report = json.loads(result.stdout)
    (late,) = report["findings"]
    # 11:30 PM is 23:30 in New York: the 12-hour clock and the zone both read.
    assert late["evidence"][0]["timestamp"] == "2026-03-02T23:30:00-05:00"


def test_a_date_that_fits_no_pattern_is_an_input_error_naming_the_patterns(
    folder: Path,
) -> None:
    text = US_TSV + "US-9\tApplied\t2026-03-02 09:12\t\r\n"
    (folder / "pipeline.tsv").write_bytes(text.encode("utf-16"))
    (folder / "map.toml").write_text(US_MAP, encoding="utf-8")

    result = _cli(
        "pipeline.tsv",
        "--map",
        "map.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        cwd=folder,
    )

    report = json.loads(result.stdout)
    assert report["input"]["rejected"] == 1
    assert [e["message"] for e in report["errors"]] == [
        "timestamp: a 16-character text fits none of the timestamp formats '%m/%d/%Y %I:%M %p'"
    ]
    assert report["errors"][0]["line"] == 6


def test_a_wide_pipeline_export_is_unpivoted_with_its_reasons(folder: Path) -> None:
    (folder / "pipeline.csv").write_text(WIDE_CSV, encoding="utf-8")
    (folder / "wide.toml").write_text(WIDE_MAP, encoding="utf-8")

    result = _cli(
        "pipeline.csv",
        "--map",
        "wide.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        cwd=folder,
    )

    summary, cases, listed = _outcomes(result)
    # GH-1 4 events (the hire is an offer made and accepted), GH-2 2, GH-3 3, GH-5 2; GH-4
    # has no date at all and is counted.
    assert (summary["events"], summary["cases"], summary["lines"]) == (11, 4, 11)
    assert summary["skipped"] == {"a wide row without a date": 1}
    assert cases == {
        "GH-1": ("hired", 5, 0),  # the offer a hire implies: no illegal transition
        "GH-2": ("rejected", 2, 2),
        "GH-3": ("rejected", 5, 0),  # the reason column went to the rejection: CX101 passes
        "GH-5": ("rejected", 4, 0),
    }
    assert listed == [
        ("GH-2", "CX101", "violated"),  # rejected, no reason in the export
        ("GH-2", "CX405", "violated"),  # 18 days to the first decision
    ]
    report = json.loads(result.stdout)
    assert {f["job_id"] for f in report["findings"]} == {"J-9"}
    # Candidate names are in no column the [wide] table names: they reach nothing.
    assert "Lovelace" not in result.stdout.decode()


def test_a_wide_export_audited_with_every_rule_violates_only_what_it_can_show(
    folder: Path,
) -> None:
    (folder / "pipeline.csv").write_text(WIDE_CSV, encoding="utf-8")
    (folder / "wide.toml").write_text(WIDE_MAP, encoding="utf-8")
    (folder / "calendar.toml").write_text('timezone = "Europe/Copenhagen"\n', encoding="utf-8")

    result = _cli(
        "pipeline.csv",
        "--map",
        "wide.toml",
        "--policy",
        "calendar.toml",
        "--format",
        "json",
        cwd=folder,
    )

    report = json.loads(result.stdout)
    violated = sorted(
        (f["case_id"], f["code"]) for f in report["findings"] if f["outcome"] == "violated"
    )
    # Only what the columns show: a missing reason and a slow decision. No acknowledgement,
    # message or interview is in such an export, so none is judged missing.
    assert violated == [("GH-2", "CX101"), ("GH-2", "CX405")]
    source = report["source"]
    assert source["system"] == "wide table"
    assert source["not_recorded"]["CX401"] == (
        "not recorded by this source (wide table): "
        "application_acknowledged|status_update_sent|process_info_sent "
        "(no column of the wide table holds it)"
    )
    acknowledged = {f["outcome"] for f in report["findings"] if f["code"] == "CX401"}
    assert acknowledged == {"unknown"}
    text = _cli("pipeline.csv", "--map", "wide.toml", "--policy", "calendar.toml", cwd=folder)
    assert "\nSource: wide table export\n" in text.stdout.decode()


def test_a_hire_whose_earlier_stages_the_table_never_records_is_no_illegal_step(
    folder: Path,
) -> None:
    # No screening date and no interview column: the steps before the offer are not shown.
    (folder / "pipeline.csv").write_text(
        "Application ID,Candidate,Job,Applied On,Phone Screen On,Rejected On,Rejection Reason,"
        "Hired On\nGH-7,Ada,J-9,2026-03-03,,,,2026-03-12\n",
        encoding="utf-8",
    )
    (folder / "wide.toml").write_text(WIDE_MAP, encoding="utf-8")

    result = _cli("pipeline.csv", "--map", "wide.toml", "--format", "json", cwd=folder)

    report = json.loads(result.stdout)
    assert [c["state"] for c in report["cases"]] == ["hired"]
    assert not [f for f in report["findings"] if f["outcome"] == "violated"]
    assert report["input"]["events"] == 3  # the inferred step is not an input event


def test_standard_input_with_format_in(folder: Path) -> None:
    (folder / "wide.toml").write_text(WIDE_MAP, encoding="utf-8")
    piped = _cli(
        "-",
        "--format-in",
        "csv",
        "--map",
        "wide.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        stdin=gzip.compress(WIDE_CSV.encode("utf-8")),
        cwd=folder,
    )
    (folder / "pipeline.csv").write_text(WIDE_CSV, encoding="utf-8")
    named = _cli(
        "pipeline.csv",
        "--map",
        "wide.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        cwd=folder,
    )

    assert piped.returncode == 0, piped.stderr.decode()
    from_stdin, from_file = json.loads(piped.stdout), json.loads(named.stdout)
    assert from_stdin["input"]["files"] == ["<stdin>"]
    from_stdin["input"]["files"] = from_file["input"]["files"]
    assert from_stdin == from_file

    without = _cli("-", "--policy", "policy.toml", stdin=b"", cwd=folder)
    assert without.returncode == 2
    assert without.stderr.decode() == (
        "cx-rules: error: <stdin>: standard input has no extension to tell its format; name "
        "it with --format-in (format= in Python)\n"
    )


def test_an_unknown_extension_points_to_format_in(folder: Path) -> None:
    (folder / "export.dat").write_text("x\n", encoding="utf-8")

    result = _cli("export.dat", cwd=folder)

    assert result.returncode == 2
    assert "name the format with --format-in (jsonl, csv, tsv" in result.stderr.decode()
    bad = _cli("export.dat", "--format-in", "xls", cwd=folder)
    assert bad.stderr.decode() == (
        "cx-rules: error: --format-in: unknown format 'xls' (expected one of jsonl, csv, tsv, "
        "xes, ocel, xlsx, parquet)\n"
    )


def test_an_xlsx_workbook_with_date_cells_and_serial_numbers(folder: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["Exported from the ATS"])
    sheet = book.create_sheet("Pipeline")
    sheet.append(
        [
            "Application ID",
            "Job",
            "Applied On",
            "Phone Screen On",
            "Rejected On",
            "Rejection Reason",
            "Hired On",
        ]
    )
    sheet.append(
        ["GH-1", "J-9", datetime(2026, 3, 2, 9, 12), datetime(2026, 3, 5, 10, 0), None, None, None]
    )
    # A serial number (46084.5 is 2026-03-03 12:00) in a cell formatted as a number.
    sheet.append(["GH-2", "J-9", 46084.5, None, datetime(2026, 3, 24, 16, 0), None, None])
    sheet.append([])  # an empty row is no record
    sheet.append(["GH-3", "J-9", "not a date", None, None, None, None])
    book.save(folder / "pipeline.xlsx")
    (folder / "wide.toml").write_text(
        WIDE_MAP.replace("[mapping]\n", '[mapping]\nsheet = "Pipeline"\n'), encoding="utf-8"
    )

    result = _cli(
        "pipeline.xlsx",
        "--map",
        "wide.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        cwd=folder,
    )

    summary, cases, listed = _outcomes(result)
    assert (summary["events"], summary["cases"], summary["rejected"]) == (4, 2, 1)
    assert cases == {"GH-1": ("screening", 3, 0), "GH-2": ("rejected", 2, 2)}
    assert listed == [("GH-2", "CX101", "violated"), ("GH-2", "CX405", "violated")]
    report = json.loads(result.stdout)
    (late,) = [f for f in report["findings"] if f["code"] == "CX405"]
    # The serial number's day and time, in the mapping's zone.
    assert late["evidence"][0]["timestamp"] == "2026-03-03T12:00:00+01:00"
    assert [(e["element"], e["message"]) for e in report["errors"]] == [
        (
            "sheet 'Pipeline', row 5, column 'Applied On'",
            "timestamp: a 10-character text is not an ISO 8601 time with an offset (expected e.g. "
            "2026-03-02T09:30:00+01:00)",
        )
    ]


def test_a_parquet_file_with_zoned_and_naive_timestamps(folder: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "application_id": ["P-1", "P-1", "P-2", "P-2"],
            "activity": ["application_received", "rejected", "application_received", "rejected"],
            # Stored in UTC, with the zone as column metadata, as warehouses write them.
            "updated_at": pa.array(
                [
                    datetime(2026, 3, 2, 8, 12),
                    datetime(2026, 3, 4, 15, 0),
                    datetime(2026, 3, 2, 9, 0),
                    datetime(2026, 3, 30, 9, 0),
                ],
                pa.timestamp("ns", tz="Europe/Copenhagen"),
            ),
            "reason": ["", "Position closed", None, None],
        }
    )
    pq.write_table(table, folder / "history.parquet", row_group_size=2)
    (folder / "map.toml").write_text(
        '[columns]\n"application_id" = "case_id"\n"updated_at" = "timestamp"\n', encoding="utf-8"
    )

    result = _cli(
        "history.parquet",
        "--map",
        "map.toml",
        "--policy",
        "policy.toml",
        "--format",
        "json",
        cwd=folder,
    )

    summary, cases, listed = _outcomes(result)
    assert (summary["events"], summary["cases"]) == (4, 2)
    assert cases == {"P-1": ("rejected", 4, 0), "P-2": ("rejected", 2, 2)}
    assert listed == [("P-2", "CX101", "violated"), ("P-2", "CX405", "violated")]
    report = json.loads(result.stdout)
    (late,) = [f for f in report["findings"] if f["code"] == "CX405"]
    # 09:00 UTC, shown in its column's zone: the instant is kept.
    assert late["evidence"][0]["timestamp"] == "2026-03-02T10:00:00+01:00"

    naive = pa.table(
        {
            "case_id": ["N-1"],
            "activity": ["application_received"],
            "timestamp": pa.array([datetime(2026, 3, 2, 9, 0)], pa.timestamp("us")),
        }
    )
    pq.write_table(naive, folder / "naive.parquet")
    result = _cli("naive.parquet", "--policy", "policy.toml", "--format", "json", cwd=folder)
    report = json.loads(result.stdout)
    assert [(e["element"], e["message"]) for e in report["errors"]] == [
        (
            "row 1",
            "timestamp: the date and time has no time zone; set assume_timezone in the mapping "
            'or the policy (assume_timezone = "Europe/Copenhagen")',
        )
    ]
