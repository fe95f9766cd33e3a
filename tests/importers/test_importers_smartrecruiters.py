"""The SmartRecruiters importer, from status histories as documented to an audit report."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import kit
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cx_rules
from cx_rules.importers import ImportResult
from cx_rules.importers.smartrecruiters import SmartRecruiters
from cx_rules.io.native import event_to_dict
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
DUMP = DATA / "smartrecruiters"
FILES = sorted(str(p) for p in DUMP.iterdir())
GOLDEN = DATA / "smartrecruiters.golden.jsonl"
SR = SmartRecruiters()
A1 = "a1c7e2f0-1b2c-4d5e-8f90-112233445566:743999700000001"
C3 = "c3e9a4b2-3d4e-4f60-8b12-334455667788:743999700000001"
D4 = "d4fab5c3-4e5f-4071-9c23-445566778899:743999700000003"
E5 = "e5abc6d4-5f60-4182-8d34-5566778899aa:743999700000003"
T1 = "1b2c3d4e-8293-44b5-9067-8899aabbccdd:743999700000003"


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return ImportResult.of(SR.read(FILES))


def _source_records() -> int:
    """The status changes of the fixture dump (a wrapper with none counts once), counted
    from the files themselves."""
    count = 0
    for name in FILES:
        path = Path(name)
        if path.suffix == ".csv":
            count += len(path.read_text("utf-8").splitlines()) - 1
            continue
        for value in kit.json_records(path):
            count += len(value["content"]) if value.get("jobId") and value["content"] else 1
    return count


def _of(result: ImportResult, case_id: str) -> list[tuple[str, str]]:
    return sorted(
        (e.timestamp.isoformat(), e.activity) for e in result.events if e.case_id == case_id
    )


def test_the_dump_imports_as_the_golden_log(result: ImportResult) -> None:
    assert kit.dicts(result.events) == kit.golden(GOLDEN)


def test_every_record_is_an_event_source_an_error_or_a_skip(result: ImportResult) -> None:
    records = _source_records()
    assert kit.tally(result, records) == (33, 5, 4)
    producing = kit.producing(result, records)
    # One status change gives one event; a hire without its offer two.
    assert producing <= len(result.events) <= producing + 1
    assert result.skipped == {
        "a lead (considered for the job, not an application)": 1,
        "a status change already read (overlapping pages)": 1,
        "an application transferred to another job": 1,
        "an empty status history": 1,
    }


def test_input_errors_name_the_file_and_the_place(result: ImportResult) -> None:
    assert [str(e).replace(str(DUMP) + "/", "") for e in result.errors] == [
        "candidate_status_history.csv:8: candidate_id: expected an id, got an empty cell",
        "history-page1.json ([5].content[2]): changedOn: a 19-character string is not an ISO "
        "8601 timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)",
        "history-page1.json ([5].content[3]): status: expected one of LEAD, NEW, IN_REVIEW, "
        "INTERVIEW, OFFERED, HIRED, REJECTED, WITHDRAWN, TRANSFERRED, ARCHIVED, got a 9-character string",
        "history-page1.json ([5].content[4]): subStatus: an ARCHIVED status needs one of "
        "REJECTED, WITHDRAWN_BY_APPLICANT, TRANSFERRED, DELETED_BY_COMPANY, got null",
        "history-page1.json ([6]): not a SmartRecruiters status history (jobId: expected an id "
        '(a number or a string), got null): expected {"candidateId", "jobId", "content": '
        "[...]}, got an object",
    ]


def test_warnings_name_the_place(result: ImportResult) -> None:
    assert [str(w).replace(str(DUMP) + "/", "") for w in result.warnings] == [
        "candidate_status_history.csv:7: case '4e5f6071-b5c6-47e8-a39a-bbccddeeff00:"
        "743999700000002' was hired with no OFFERED status before it: the offer is inferred "
        "from the hire",
        f"history-page1.json ([4]): case {E5!r}: the input holds 2 of the 5 status changes "
        "totalFound announces: pages are missing",
        f"history-page1.json ([4].content[0]): case {E5!r}: the status history starts at "
        "IN_REVIEW, not NEW: when the application came in is not in the export",
    ]


def test_a_history_newest_first_is_put_in_order(result: ImportResult) -> None:
    # The API lists the changes newest first; the first move out of NEW starts screening.
    assert _of(result, A1) == [
        ("2026-03-02T08:15:31.204000+00:00", "application_received"),
        ("2026-03-03T10:02:00+00:00", "screening_started"),
        ("2026-03-05T13:30:00+00:00", "stage_changed"),
        ("2026-03-16T09:00:00+00:00", "offer_made"),
        ("2026-03-20T15:45:00+00:00", "offer_accepted"),
    ]
    (interview,) = [e for e in result.events if e.case_id == A1 and e.activity == "stage_changed"]
    assert dict(interview.attributes) == {"stage": "INTERVIEW", "sub_status": "Phone screen"}


def test_archived_sub_statuses_are_rejections_and_withdrawals(result: ImportResult) -> None:
    assert _of(result, C3)[-1] == ("2026-03-30T08:00:00+00:00", "withdrawn")
    rejected = [e for e in result.events if e.activity == "rejected"]
    assert {e.get("sub_status") for e in rejected} == {None, "REJECTED"}


def test_one_history_split_across_files_is_one_trace(result: ImportResult) -> None:
    # Page 2 repeats page 1's last change: imported once.
    assert _of(result, D4) == [
        ("2026-03-03T07:05:00+00:00", "application_received"),
        ("2026-03-04T12:00:00+00:00", "screening_started"),
        ("2026-03-11T14:10:00+00:00", "rejected"),
    ]


def test_partial_traces_are_reported_with_their_reason(result: ImportResult) -> None:
    assert result.partial == {
        T1: "the application was transferred to another job: its end is not a decision",
        E5: "pages of the status history are not in the export",
    }
    assert [a for _, a in _of(result, E5)] == ["stage_changed", "rejected"]


def test_no_name_or_address_reaches_an_event(result: ImportResult) -> None:
    assert {e.actor for e in result.events} == {None}
    assert "@" not in GOLDEN.read_text("utf-8")


def test_one_history_translates_on_its_own() -> None:
    record = json.loads((DUMP / "history-page1.json").read_text("utf-8"))[1]
    one = SR.translate(record, name="webhook")
    assert [(e.activity, e.timestamp.isoformat()) for e in one.events] == [
        ("application_received", "2026-03-02T09:40:00+00:00"),
        ("rejected", "2026-03-13T16:20:00+00:00"),
    ]
    bad = SR.translate({"candidateId": "x", "jobId": "y", "content": [{"status": "NEW"}]})
    assert [str(e) for e in bad.errors] == [
        "<record> (content[0]): changedOn: expected an ISO 8601 timestamp with a zone, got null"
    ]


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(FILES, importer=SR)


def test_the_audit_judges_only_what_a_status_history_shows(report: cx_rules.Report) -> None:
    assert (report.input.events, report.input.rejected) == (23, 5)
    assert dict(report.input.unmapped_activities) == {"stage_changed": 2}
    judged = Counter(
        (f.case_id, f.code, f.outcome.value)
        for f in report.findings
        if f.outcome.value != "unknown" or not f.message.startswith("not recorded")
    )
    assert judged == Counter(
        {
            # Three weeks from application to the first move.
            (C3, "CX405", "violated"): 1,
            # It starts at IN_REVIEW and pages are missing: the transition is unknown.
            (E5, "CX001", "unknown"): 1,
            # Transferred away: when this job's decision came is not known.
            (T1, "CX405", "unknown"): 1,
        }
    )
    assert {c.case_id: c.state for c in report.cases}[A1] == "hired"


def test_no_rule_the_history_cannot_feed_is_ever_violated(report: cx_rules.Report) -> None:
    kit.assert_never_judged(
        report,
        "CX101 CX102 CX103 CX104 CX201 CX202 CX301 CX302 "
        "CX401 CX402 CX403 CX404 CX406 CX501 CX502 CX503",
    )
    assert {r.code for r in report.rules if r.tally.passed} == {"CX001", "CX105", "CX405"}


def test_the_json_report_validates_and_carries_the_source(report: cx_rules.Report) -> None:
    data = kit.validated(render(report, "json"))
    assert data["source"]["system"] == "smartrecruiters"
    assert sorted(data["source"]["partial_cases"]) == sorted([E5, T1])
    assert len(data["source"]["warnings"]) == 3


def test_the_audit_is_the_same_in_two_processes(report: cx_rules.Report) -> None:
    split = cx_rules.audit(FILES, importer=SR, jobs=2)
    assert render(split, "json") == render(report, "json")


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = ("candidateId", "jobId", "totalFound", "content", "changedOn", "status", "subStatus")
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**13),
    st.sampled_from(
        [
            "2026-03-02T09:00:00.000Z",
            "2026-03-02 09:00:00 UTC",
            "2026-03-02T09:00:00",
            "0001-01-01T00:00:00Z",
            "NEW",
            "IN_REVIEW",
            "OFFERED",
            "HIRED",
            "ARCHIVED",
            "REJECTED",
            "WITHDRAWN_BY_APPLICANT",
            "TRANSFERRED",
            "LEAD",
            "c1",
        ]
    ),
    st.text(max_size=6),
)
_VALUES = kit.nested(_SCALARS, _FIELDS, list_size=4, dict_size=5, max_leaves=14)
_RECORD = st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=7)


@given(st.lists(st.one_of(_RECORD, _VALUES), max_size=5))
def test_any_json_of_the_right_shape_gives_events_and_errors(records: list[Any]) -> None:
    with kit.written(".json", json.dumps(records)) as name:
        kit.assert_reads_events_and_errors(SR, name)
    kit.assert_translates_to_events(SR, records)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "candidate_id": st.sampled_from(["c1", "c2", ""]),
                "job_id": st.sampled_from(["j1", ""]),
                "changed_on": _SCALARS.map(str),
                "status": st.sampled_from(["NEW", "IN_REVIEW", "HIRED", "ARCHIVED", "x", ""]),
                "sub_status": st.sampled_from(["", "REJECTED", "Phone screen"]),
            }
        ),
        max_size=6,
    )
)
def test_any_history_table_gives_events_and_errors(rows: list[dict[str, Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["candidate_id"])
    writer.writeheader()
    writer.writerows(rows)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write(buffer.getvalue() if rows else "candidate_id,job_id,changed_on,status\n")
    try:
        result = ImportResult.of(SR.read([f.name]))
    finally:
        Path(f.name).unlink()
    # Every row written is read, a row of blank cells too (it is an input error: no id).
    events_from = len(rows) - len(result.errors) - sum(result.skipped.values())
    assert 0 <= events_from <= len(result.events) <= 2 * max(events_from, 0)


# -- the table as Parquet ----------------------------------------------------------------------


def _table_rows() -> list[dict[str, str]]:
    with (DUMP / "candidate_status_history.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_table_as_parquet_imports_as_the_csv_does(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from datetime import datetime

    rows = [r for r in _table_rows() if r["candidate_id"]]
    moments = [datetime.fromisoformat(r["changed_on"].replace(" UTC", "+00:00")) for r in rows]
    table = pa.table(
        {
            "changed_on": pa.array(moments, pa.timestamp("us", tz="UTC")),
            "candidate_id": [r["candidate_id"] for r in rows],
            "job_id": [int(r["job_id"]) for r in rows],
            "status": [r["status"] for r in rows],
            "sub_status": [r["sub_status"] or None for r in rows],
        }
    )
    path = tmp_path / "candidate_status_history.parquet"
    pq.write_table(table, path)
    from_parquet = ImportResult.of(SR.read([str(path)]))
    from_csv = ImportResult.of(SR.read([str(DUMP / "candidate_status_history.csv")]))
    assert [event_to_dict(e) for e in from_parquet.events] == [
        event_to_dict(e) for e in from_csv.events
    ]
    assert from_parquet.errors == ()

    naive = table.set_column(0, "changed_on", pa.array(moments, pa.timestamp("us")))
    pq.write_table(naive, path)
    errors = ImportResult.of(SR.read([str(path)])).errors
    assert len(errors) == len(rows)
    assert str(errors[0]) == (
        f"{path} (row 1): changed_on: the time has no time zone (a Parquet timestamp without "
        "one, or a spreadsheet date); expected a time with its zone"
    )


def test_a_table_without_the_columns_it_needs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text("candidate_id,job_id,changed_on\nc,j,2026-03-02T09:00:00Z\n", "utf-8")
    with pytest.raises(cx_rules.LogError, match=r"history\.csv:1: no CSV header naming status"):
        ImportResult.of(SR.read([str(path)]))
