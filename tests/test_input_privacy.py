"""Input errors describe a bad value by its kind and size, never its text; and a wide row's
refused date cell leaves its case partial, not judged as if complete.

A misaligned export puts whatever is in the next column where a timestamp belongs: an e-mail
address, a candidate's name.  No output shows it (stdout, stderr, any report format, with or
without ``--redact``); the error still says where the value was and what was expected.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import InvalidEvent, NaiveTimestamp, Outcome, Policy, audit
from cx_rules.importers import ImportProblem
from cx_rules.importers.values import vendor_time
from cx_rules.io import InputError, LogMapping, read_csv, read_jsonl
from cx_rules.io.kinds import coerce, parse_moment, shape, sized
from cx_rules.io.tabular import DATE_REFUSED
from cx_rules.io.wide import Wide

EMAIL = "jane.doe@example.com"
NAME = "Søren Ørsted"
HOSTILE = (EMAIL, NAME)

POLICY = 'select = ["CX001", "CX101", "CX405"]\ntimezone = "Europe/Copenhagen"\n'

WIDE_MAP = """\
[mapping]
assume_timezone = "Europe/Copenhagen"

[mapping.wide]
case_id = "Application ID"
attributes = { "Job" = "job_id" }

[[mapping.wide.events]]
column = "Applied On"
activity = "application_received"

[[mapping.wide.events]]
column = "Phone Screen On"
activity = "screening_started"

[[mapping.wide.events]]
column = "Rejected On"
activity = "rejected"
attributes = { "Rejection Reason" = "reason" }
"""

WIDE_HEADER = (
    "Application ID,Candidate,Job,Applied On,Phone Screen On,Rejected On,Rejection Reason\n"
)


def _jsonl(values: Sequence[str]) -> str:
    rows: list[dict[str, Any]] = [
        {"case_id": "c-0", "activity": "application_received", "timestamp": "2026-03-02T09:00Z"}
    ]
    for number, value in enumerate(values, start=1):
        good = {"case_id": f"c-{number}", "activity": "application_received"}
        rows.append({**good, "timestamp": value})
        rows.append({**good, "timestamp": "2026-03-02T09:00:00+01:00", "thanked": value})
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _csv(values: Sequence[str]) -> str:
    rows = ["case_id,activity,timestamp,thanked", "c-0,application_received,2026-03-02T09:00Z,"]
    for number, value in enumerate(values, start=1):
        rows.append(f"c-{number},application_received,{value},")
        rows.append(f"c-{number},application_received,2026-03-02T09:00:00+01:00,{value}")
    return "\n".join(rows) + "\n"


def _wide(values: Sequence[str]) -> str:
    rows = [f"GH-{n},{NAME},J-9,{value},,2026-03-20,\n" for n, value in enumerate(values, 1)]
    return WIDE_HEADER + "".join(rows) + "GH-0,Ada,J-9,2026-03-02,,2026-03-05,\n"


def _workable(values: Sequence[str]) -> str:
    def candidate(cid: str, created: str) -> dict[str, Any]:
        return {
            "id": cid,
            "name": NAME,
            "email": EMAIL,
            "job": {"shortcode": "JOB01", "title": "Analyst"},
            "stage": "Applied",
            "disqualified": False,
            "sourced": False,
            "created_at": created,
            "updated_at": "2026-03-03T10:00:00.000Z",
            "hired_at": None,
        }

    page = [candidate(f"w-{n}", value) for n, value in enumerate(values, 1)]
    page.append(candidate("w-0", "2026-03-02T09:00:00.000Z"))
    return json.dumps({"candidates": page}, ensure_ascii=False)


# (file name, its text for the hostile timestamps, the extra arguments, errors per value)
CASES = {
    "jsonl": ("log.jsonl", _jsonl, (), 2),
    "csv": ("log.csv", _csv, (), 2),
    "wide": ("pipeline.csv", _wide, ("--map", "map.toml"), 1),
    "importer": ("candidates.json", _workable, ("--from", "workable"), 1),
}


def _cli(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", "audit", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        cwd=cwd,
    )


@pytest.mark.parametrize("source", sorted(CASES))
def test_a_hostile_timestamp_reaches_no_output_of_the_cli(tmp_path: Path, source: str) -> None:
    name, text, extra, errors = CASES[source]
    (tmp_path / name).write_text(text(HOSTILE), encoding="utf-8")
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "map.toml").write_text(WIDE_MAP, encoding="utf-8")
    base = [name, "--policy", "policy.toml", *extra]
    for form in ("text", "json", "csv", "html"):
        for redact in ((), ("--redact", "--salt", "s3cret")):
            result = _cli([*base, "--format", form, *redact], tmp_path)
            assert result.returncode == 0, result.stderr
            for hostile in HOSTILE:
                assert hostile not in result.stdout, (form, redact)
                assert hostile not in result.stderr, (form, redact)
            if form == "json":
                report = json.loads(result.stdout)
                assert len(report["errors"]) == errors * len(HOSTILE)
                first = report["errors"][0]["message"]
                # Where the value was, what it is and what was expected.
                assert "character" in first, first
                assert "ISO 8601" in first, first
    written = tmp_path / "report.json"
    result = _cli([*base, "--format", "json", "--output", str(written)], tmp_path)
    assert result.returncode == 0, result.stderr
    saved = written.read_text(encoding="utf-8")
    assert not [hostile for hostile in HOSTILE if hostile in saved]


def test_strict_stops_at_the_record_without_its_value(tmp_path: Path) -> None:
    (tmp_path / "log.jsonl").write_text(_jsonl([EMAIL]), encoding="utf-8")
    result = _cli(["log.jsonl", "--strict"], tmp_path)
    assert result.returncode != 0
    assert "timestamp" in result.stderr
    assert EMAIL not in result.stderr
    assert EMAIL not in result.stdout


def test_the_readers_errors_name_the_field_and_the_size() -> None:
    stream = read_jsonl(io.StringIO(_jsonl([EMAIL])))
    errors = [r for r in stream if isinstance(r, InputError)]
    assert [e.message for e in errors] == [
        "timestamp: a 20-character text is not an ISO 8601 time with an offset (expected "
        "e.g. 2026-03-02T09:30:00+01:00)",
        "attribute 'thanked': expected true or false, got a 20-character text",
    ]
    rows = list(read_csv(io.StringIO(_csv([NAME]))))
    messages = [r.message for r in rows if isinstance(r, InputError)]
    assert messages[0].startswith("timestamp: a 12-character text is not an ISO 8601 time")
    assert NAME not in " ".join(messages)


def test_a_naive_timestamp_is_named_without_its_value() -> None:
    with pytest.raises(InvalidEvent) as info:
        parse_moment("2026-03-02T09:30:00", "timestamp", None)
    assert str(info.value).startswith("timestamp: the time has no time zone; give an offset")
    assert "09:30:00 " not in str(info.value)


_UNREADABLE = "is not an ISO 8601 time with an offset (expected e.g. 2026-03-02T09:30:00+01:00)"


def _unreadable(text: str) -> bool:
    # Not a time at all (a time without a zone, or out of range, is another error).
    try:
        parse_moment(text, "timestamp", None)
    except NaiveTimestamp:
        return False
    except InvalidEvent as exc:
        return "is not an ISO 8601" in str(exc)
    return False


_BAD_TIMESTAMPS = st.one_of(
    st.emails(), st.text(min_size=1, max_size=80), st.sampled_from(HOSTILE)
).filter(_unreadable)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_BAD_TIMESTAMPS)
def test_no_bad_timestamp_reaches_its_error(text: str) -> None:
    # Every path a timestamp takes: a record's field, an attribute of timestamp kind, a
    # mapping's strptime patterns, a vendor's timestamp.  Each message is exactly the field,
    # the value's kind and size, and what was expected: nothing of the text.
    described = shape(text)
    with pytest.raises(InvalidEvent) as info:
        parse_moment(text, "timestamp", None)
    assert str(info.value) == f"timestamp: {described} {_UNREADABLE}"
    with pytest.raises(InvalidEvent) as info:
        coerce("started_at", text)
    assert str(info.value) == f"attribute 'started_at': {described} {_UNREADABLE}"
    mapping = LogMapping(timestamp_format=("%d-%m-%Y %H:%M",))
    patterned = _raised(lambda: mapping.moment(text, "timestamp", None))
    assert patterned in (
        f"timestamp: {described} fits none of the timestamp formats '%d-%m-%Y %H:%M'",
        f"timestamp: {described} (read with '%d-%m-%Y %H:%M') has no time zone; set "
        "assume_timezone in the mapping or the policy (assume_timezone = "
        '"Europe/Copenhagen")',
    )
    vendor = _raised(lambda: vendor_time(text, "created_at"))
    size = "an empty string" if not text.strip() else f"{sized(len(text))} string"
    assert vendor is None or vendor == (
        f"created_at: {size} is not an ISO 8601 timestamp with a zone (expected e.g. "
        "2026-03-02T09:30:00.000Z)"
    )


def _raised(call: Callable[[], object]) -> str | None:
    """The message of the error ``call`` raises (``None``: it raised none)."""
    try:
        call()
    except (InvalidEvent, ImportProblem) as exc:
        return str(exc)
    return None


def test_shape_says_the_kind_and_size_only() -> None:
    assert [shape(v) for v in ("", "  ", "x", EMAIL, "y" * 8, 12, 1.5, True, None, [EMAIL])] == [
        "an empty text",
        "a text of spaces only",
        "a 1-character text",
        "a 20-character text",
        "an 8-character text",
        "a whole number",
        "a decimal number",
        "a boolean",
        "null",
        "a list",
    ]


# -- a wide row's refused date cell ---------------------------------------------------------


def _wide_report(tmp_path: Path, screen: str) -> Any:
    # GH-1 was screened four days in (its first decision, within CX405's 14 days), then
    # rejected on the 20th: with the screening unreadable, the rejection looks 4 days late.
    path = tmp_path / "pipeline.csv"
    path.write_text(
        WIDE_HEADER
        + f"GH-1,{NAME},J-9,2026-03-02,{screen},2026-03-20,\n"
        + "GH-2,Ada,J-9,2026-03-02,,2026-03-05,\n",
        encoding="utf-8",
    )
    mapping = LogMapping.from_dict(
        {
            "assume_timezone": "Europe/Copenhagen",
            "wide": {
                "case_id": "Application ID",
                "attributes": {"Job": "job_id"},
                "events": [
                    {"column": "Applied On", "activity": "application_received"},
                    {"column": "Phone Screen On", "activity": "screening_started"},
                    {"column": "Rejected On", "activity": "rejected"},
                ],
            },
        },
        source="map",
    )
    policy = Policy(select=["CX405"], timezone="Europe/Copenhagen")
    return audit(path, mapping=mapping, policy=policy)


def _cx405(report: Any, case_id: str) -> Outcome:
    # The report lists the findings not passed; a case's score counts the passed ones.
    listed = [f.outcome for f in report.findings if f.case_id == case_id and f.code == "CX405"]
    if listed:
        (outcome,) = listed
        return outcome  # type: ignore[no-any-return]
    (score,) = [c for c in report.cases if c.case_id == case_id]
    assert score.tally.passed == 1
    return Outcome.PASSED


def test_a_refused_date_cell_is_an_error_and_leaves_its_case_partial(tmp_path: Path) -> None:
    report = _wide_report(tmp_path, EMAIL)
    assert [(e.line, e.element) for e in report.errors] == [(2, "column 'Phone Screen On'")]
    assert EMAIL not in report.errors[0].message
    assert report.source is not None
    assert dict(report.source.partial_cases) == {"GH-1": DATE_REFUSED}
    assert DATE_REFUSED == "a date cell could not be read"
    # The rejection on the 20th would be late only if nothing came before it: unknown.
    assert _cx405(report, "GH-1") is Outcome.UNKNOWN
    assert _cx405(report, "GH-2") is Outcome.PASSED
    # The counts add up: 2 rows, 5 date cells, 4 events, 1 rejected.
    assert (report.input.events, report.input.rejected) == (4, 1)


def test_the_same_row_read_is_judged_and_without_the_step_is_violated(tmp_path: Path) -> None:
    # The contrast that makes the partial mark matter: read, the screening is the first
    # decision (passed); absent from the table, the rejection is the first and it is late.
    read = _wide_report(tmp_path, "2026-03-06")
    assert _cx405(read, "GH-1") is Outcome.PASSED
    assert read.source is not None
    assert not read.source.partial_cases
    blank = _wide_report(tmp_path, "")
    assert _cx405(blank, "GH-1") is Outcome.VIOLATED
    assert not blank.errors


def test_a_refused_date_cell_of_a_wide_table_read_in_shares(tmp_path: Path) -> None:
    # audit --jobs 2 reads the table in two processes: the partial case is reported once.
    path = tmp_path / "pipeline.csv"
    path.write_text(_wide(["not a date"]), encoding="utf-8")
    (tmp_path / "map.toml").write_text(WIDE_MAP, encoding="utf-8")
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    args = ["pipeline.csv", "--map", "map.toml", "--policy", "policy.toml", "--format", "json"]
    one = _cli(args, tmp_path)
    two = _cli([*args, "--jobs", "2"], tmp_path)
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert json.loads(one.stdout)["source"]["partial_cases"] == {"GH-1": DATE_REFUSED}
    assert json.loads(two.stdout)["source"] == json.loads(one.stdout)["source"]


def test_the_wide_reader_keeps_the_partial_marks_on_its_stream() -> None:
    mapping = LogMapping(
        wide=Wide.from_dict(
            {
                "case_id": "App",
                "events": [
                    {"column": "Applied", "activity": "application_received"},
                    {"column": "Rejected", "activity": "rejected"},
                ],
            },
            "w",
        )
    )
    text = (
        "App,Applied,Rejected\n"
        "A-1,soon,2026-03-09T10:00:00+01:00\n"
        "A-2,2026-03-02T09:00:00+01:00,\n"
        ",later,\n"
    )
    stream = read_csv(io.StringIO(text), mapping=mapping)
    records = list(stream)
    assert [type(r).__name__ for r in records] == ["InputError", "Event", "Event", "InputError"]
    # The row without a case id has no case to mark.
    assert dict(stream.partial) == {"A-1": DATE_REFUSED}
