"""The Workable importer, from candidates and activities as documented to an audit report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import kit
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cx_rules
from cx_rules.importers import ImportResult
from cx_rules.importers.workable import Workable
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
DUMP = DATA / "workable"
FILES = sorted(str(p) for p in DUMP.iterdir())
GOLDEN = DATA / "workable.golden.jsonl"
WK = Workable()


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return ImportResult.of(WK.read(FILES))


def _source_records() -> int:
    """The candidates and activities of the fixture dump (an empty page counts once),
    counted from the files themselves."""
    count = 0
    for name in FILES:
        for value in kit.json_values(name):
            count += len(value.get("candidates", value.get("activities", []))) or 1
    return count


def _of(result: ImportResult, case_id: str) -> list[tuple[str, str]]:
    return sorted(
        (e.timestamp.isoformat(), e.activity) for e in result.events if e.case_id == case_id
    )


def test_the_dump_imports_as_the_golden_log(result: ImportResult) -> None:
    assert kit.dicts(result.events) == kit.golden(GOLDEN)


def test_every_record_is_an_event_source_an_error_or_a_skip(result: ImportResult) -> None:
    records = _source_records()
    assert kit.tally(result, records) == (27, 2, 12)
    producing = kit.producing(result, records)
    # A hired candidate gives three events (received, offer and hire inferred).
    assert producing <= len(result.events) <= 3 * producing
    assert result.skipped == {
        "a candidate already read from another page": 1,
        "a disqualification, imported from its candidate": 1,
        "a message from the candidate": 1,
        "a sourced candidate (did not apply)": 1,
        "an activity of a sourced candidate": 1,
        "an activity the importer does not recognise": 1,
        "an empty page": 1,
        "an internal comment or rating": 2,
        "the application, read from its candidate": 3,
    }


def test_input_errors_and_warnings_name_the_file_and_the_place(result: ImportResult) -> None:
    assert [str(e).replace(str(DUMP) + "/", "") for e in result.errors] == [
        "activities.jsonl:5 (activities[0]): activity: its candidate, case 'ce4a99', is not "
        "in the input",
        "candidates-page1.json (candidates[5]): created_at: a 16-character string is not an ISO "
        "8601 timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)",
    ]
    assert [str(w).replace(str(DUMP) + "/", "") for w in result.warnings] == [
        "activities.jsonl:2 (activities[2]): activity of case 'ce4a21': the action (a "
        "6-character string) is not one the importer recognises (applied, moved, message, "
        "comment, rating, disqualified); skipped",
        "candidates-page1.json (candidates[4]): case 'ce4a25': hired_at (a 10-character "
        "string) is not a timestamp with a zone: the hire is not imported",
        "candidates-page2.json (candidates[1]): case 'ce4a27' is disqualified, but neither "
        "disqualified_at nor a disqualification activity is in the input: the decision is not "
        "imported",
    ]


def test_moves_messages_and_the_hire(result: ImportResult) -> None:
    assert _of(result, "ce4a21") == [
        ("2026-03-02T08:00:00+00:00", "application_received"),
        ("2026-03-03T16:05:00+00:00", "status_update_sent"),
        ("2026-03-04T09:00:00+00:00", "screening_started"),
        ("2026-03-10T08:00:00+00:00", "stage_changed"),
        ("2026-03-20T10:00:00+00:00", "stage_changed"),
        ("2026-03-27T10:00:00+00:00", "offer_accepted"),
        ("2026-03-27T10:00:00+00:00", "offer_made"),
        ("2026-03-27T10:00:00+00:00", "stage_changed"),
    ]
    (message,) = [e for e in result.events if e.event_id == "wk-activity-7003"]
    # The HTML body is text now; the member's id is the actor, never their name.
    assert message.attributes["text"] == (
        "Hi,\n\nThanks for applying! We would like to call you this week."
    )
    assert (message.actor, message.channel) == ("13e0eb0e", "email")


def test_a_disqualification_takes_its_time_from_the_candidate_or_the_activity(
    result: ImportResult,
) -> None:
    rejected = {e.case_id: e for e in result.events if e.activity in ("rejected", "withdrawn")}
    assert rejected["ce4a22"].event_id == "wk-candidate-ce4a22-disqualified"
    assert rejected["ce4a22"].get("reason") == "Lacks required certification"
    # The list endpoint has no disqualified_at: the disqualification activity gives it;
    # withdrew makes it a withdrawal.
    assert (rejected["ce4a23"].activity, rejected["ce4a23"].event_id) == (
        "withdrawn",
        "wk-activity-7203",
    )
    assert rejected["ce4a23"].actor == "13e0eb0e"


def test_partial_traces_are_reported_with_their_reason(result: ImportResult) -> None:
    assert result.partial == {
        "ce4a25": "the hire's time is not in the export",
        "ce4a27": "the disqualification's time is not in the export",
    }


def test_no_name_or_address_reaches_an_event(result: ImportResult) -> None:
    text = GOLDEN.read_text("utf-8")
    for personal in ("Dana", "Holt", "Eva Recruiter", "@example.com", "Strong forklift"):
        assert personal not in text
    assert {e.actor for e in result.events} == {None, "13e0eb0e"}


def test_one_page_translates_on_its_own() -> None:
    page = json.loads((DUMP / "candidates-page2.json").read_text("utf-8"))
    one = WK.translate(page)
    assert [(e.case_id, e.activity) for e in one.events] == [
        ("ce4a22", "application_received"),
        ("ce4a22", "rejected"),
        ("ce4a27", "application_received"),
    ]
    lone = WK.translate({"candidate_id": "x", "activities": [{"action": "message"}]})
    assert [str(e) for e in lone.errors] == [
        "<record> (activities[0]): created_at: expected an ISO 8601 timestamp with a zone, got null"
    ]


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(FILES, importer=WK)


def test_the_audit_finds_what_the_data_shows(report: cx_rules.Report) -> None:
    assert (report.input.events, report.input.rejected) == (13, 2)
    assert dict(report.input.unmapped_activities) == {"stage_changed": 3}
    judged = Counter(
        (f.case_id, f.code, f.outcome.value)
        for f in report.findings
        if not f.message.startswith("not recorded")
    )
    assert judged == Counter(
        {
            # Partial: their end is not in the export.
            ("ce4a25", "CX401", "unknown"): 1,
            ("ce4a25", "CX405", "unknown"): 1,
            ("ce4a27", "CX401", "unknown"): 1,
            ("ce4a27", "CX405", "unknown"): 1,
        }
    )
    passed = {r.code: r.tally.passed for r in report.rules if r.tally.passed}
    assert passed == {"CX001": 13, "CX101": 1, "CX105": 1, "CX401": 3, "CX405": 2}
    # No message from 3 March to the hire on 27 March, but the move to Interview on 10 March
    # may have come with an invitation Workable's activities do not hold: not a violation.
    silences = [f for f in report.findings if (f.case_id, f.code) == ("ce4a21", "CX104")]
    assert silences
    assert {f.outcome.value for f in silences} == {"unknown"}
    assert all(
        "interview_scheduled (the candidates and their activities hold no interviews)" in f.message
        for f in silences
    )


def test_no_rule_the_export_cannot_feed_is_ever_violated(report: cx_rules.Report) -> None:
    kit.assert_never_judged(
        report,
        "CX102 CX103 CX104 CX201 CX202 CX301 CX302 CX402 CX403 CX404 CX406 CX501 CX502 CX503",
    )


@pytest.mark.parametrize("format", ["text", "json", "csv", "html"])
def test_no_format_prints_message_text(report: cx_rules.Report, format: str) -> None:
    text = render(report, format)
    kit.assert_none_in(
        text, ("Thanks for applying", "Dear applicant", "B-licence", "Eva Recruiter")
    )


def test_the_json_report_validates_and_carries_the_source(report: cx_rules.Report) -> None:
    data = kit.validated(render(report, "json"))
    assert data["source"]["system"] == "workable"
    assert len(data["source"]["warnings"]) == 3


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = (
    "candidates",
    "candidate",
    "candidate_id",
    "activities",
    "id",
    "created_at",
    "disqualified",
    "disqualified_at",
    "disqualification_reason",
    "withdrew",
    "sourced",
    "hired_at",
    "job",
    "shortcode",
    "action",
    "target_stage",
    "stage_name",
    "name",
    "member",
    "body",
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**13),
    st.sampled_from(
        [
            "2026-03-02T09:00:00.000Z",
            "2026-03-02",
            "2026-03-02T09:00:00",
            "ce1",
            "ce2",
            "applied",
            "moved",
            "message",
            "comment",
            "disqualified",
            "<p>Hi</p>",
        ]
    ),
    st.text(max_size=6),
)
_VALUES = kit.nested(_SCALARS, _FIELDS, list_size=4, dict_size=6, max_leaves=16)
_RECORD = st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=6)


@given(st.lists(st.one_of(_RECORD, _VALUES), max_size=5))
def test_any_json_of_the_right_shape_gives_events_and_errors(records: list[Any]) -> None:
    with kit.written(".jsonl", kit.jsonl(records)) as name:
        kit.assert_reads_events_and_errors(WK, name)
    kit.assert_translates_to_events(WK, records)
