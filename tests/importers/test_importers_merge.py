"""The Merge importer, from Merge's unified ATS model as documented to an audit report."""

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
from cx_rules import Event
from cx_rules.importers import ImportResult, get_importer
from cx_rules.importers.merge import Merge
from cx_rules.io.records import InputError
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
DUMP = DATA / "merge"
FILES = sorted(str(p) for p in DUMP.iterdir())
GOLDEN = DATA / "merge.golden.jsonl"
MERGE = Merge()


def _app(n: int) -> str:
    return f"99999999-0000-4000-8000-{n:012d}"


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return ImportResult.of(MERGE.read(FILES))


def _source_records() -> int:
    count = 0
    for name in FILES:
        path = Path(name)
        text = path.read_text("utf-8")
        if path.suffix == ".jsonl":
            count += len([line for line in text.splitlines() if line.strip()])
        else:
            count += len(json.loads(text)["results"])
    return count


def _shown(items: Any) -> list[str]:
    return [str(i).replace(str(DUMP) + "/", "") for i in items]


def test_the_dump_imports_as_the_golden_log(result: ImportResult) -> None:
    assert kit.dicts(result.events) == kit.golden(GOLDEN)


def test_every_record_is_an_event_source_an_error_or_a_skip(result: ImportResult) -> None:
    records = _source_records()
    producing = kit.producing(result, records)
    assert (*kit.tally(result, records), len(result.events)) == (31, 5, 13, 18)
    assert producing <= len(result.events) <= 2 * producing
    assert dict(result.skipped) == {
        "a reject reason": 2,
        "a scorecard of an imported interview": 2,
        "a scorecard of an interview not in the input": 1,
        "a scorecard without its interview": 1,
        "an activity of no known type": 1,
        "an activity of type OTHER": 1,
        "an application already read from another record": 1,
        "an e-mail with no user: its sender is not known": 1,
        "an internal note": 1,
        "an offer not sent to the candidate": 1,
        "deleted in the source system": 1,
    }


def test_input_errors_and_warnings_name_the_file_and_the_place(result: ImportResult) -> None:
    assert _shown(result.errors) == [
        "activities.jsonl:7: activity aaaaaaaa-0000-4000-8000-000000000007: candidate "
        "cccccccc-0000-4000-8000-000000000009 has no application in the input",
        "activities.jsonl:8: remote_created_at: a 19-character string is not an ISO 8601 "
        "timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)",
        "applications-2.json (results[1]): applied_at: expected the time of the application, "
        "got null",
        "scheduled_interviews.json (results[2]): scheduled interview 77777777-0000-4000-8000-"
        f"000000000003: its application, case '{_app(99)}', is not in the input",
        "scheduled_interviews.json (results[3]): status: expected one of SCHEDULED, "
        "AWAITING_FEEDBACK, COMPLETE or null, got a 9-character string",
    ]
    assert _shown(result.warnings) == [
        "activities.jsonl:9: activity aaaaaaaa-0000-4000-8000-000000000009: activity_type "
        "(a 3-character string) is not one of EMAIL, NOTE, OTHER; skipped",
        f"applications-2.json (results[2]): case '{_app(5)}': its reject reason "
        "bbbbbbbb-0000-4000-8000-000000000009 is not in the input",
        "scorecards.json (results[2]): scorecard 66666666-0000-4000-8000-000000000003 is of "
        "interview 77777777-0000-4000-8000-000000000050, which is not in the input: the "
        "interview is not imported",
    ]


def test_the_rejection_email_is_the_rejection_with_its_text(result: ImportResult) -> None:
    (rejected,) = [e for e in result.events if e.case_id == _app(1) and e.activity == "rejected"]
    assert (rejected.timestamp.isoformat(), rejected.channel) == (
        "2026-03-13T08:00:00+00:00",
        "email",
    )
    assert rejected.attributes["reason"] == "Not enough experience"
    assert rejected.attributes["decided_at"] == "2026-03-12T15:00:00+00:00"
    assert rejected.attributes["text"].startswith("Dear candidate,\nthank you for your time")


def test_activities_go_to_the_application_applied_to_most_recently(result: ImportResult) -> None:
    # Candidate 1 applied twice; the e-mail of 17 March is about the second application.
    (later,) = [
        e
        for e in result.events
        if e.event_id == "merge-activity-" + "a" * 8 + "-0000-4000-8000-000000000011"
    ]
    assert later.case_id == _app(6)
    assert later.timestamp.isoformat() == "2026-03-17T09:30:00+01:00"


def test_a_logged_call_a_withdrawal_a_hire_and_a_scored_interview(result: ImportResult) -> None:
    def of(n: int) -> list[tuple[str, str | None]]:
        return [(e.activity, e.channel) for e in result.events if e.case_id == _app(n)]

    assert ("status_update_sent", "phone") in of(2)
    assert ("offer_accepted", None) in of(2)
    # SCHEDULED, but its submitted scorecard says it was held.
    assert ("interview_held", "meeting") in of(2)
    assert [a for a, _ in of(3)] == ["application_received", "withdrawn"]
    assert result.partial == {
        _app(3): "deleted in the source system: its other records may be gone",
        _app(5): "its reject reason is not in the export",
    }


def test_no_name_or_internal_note_reaches_the_log() -> None:
    text = GOLDEN.read_text("utf-8")
    assert "system design" not in text  # an internal note
    assert "see you then" not in text  # the candidate's own e-mail


def test_one_application_translates_on_its_own() -> None:
    page = json.loads((DUMP / "applications-1.json").read_text("utf-8"))
    one = MERGE.translate(page["results"][2], name="webhook")
    assert [e.activity for e in one.events] == ["application_received", "withdrawn"]
    lone = MERGE.translate(
        {
            "id": "x",
            "activity_type": "EMAIL",
            "user": "u",
            "candidate": "c",
            "remote_created_at": "2026-03-02T09:00:00Z",
        }
    )
    assert _shown(lone.errors) == [
        "<record>: activity x: candidate c has no application in the input"
    ]


def test_merge_is_registered() -> None:
    assert isinstance(get_importer("merge"), Merge)


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(FILES, importer=MERGE)


def test_the_audit_of_the_dump_finds_what_the_data_shows(report: cx_rules.Report) -> None:
    assert report.input.events == 18
    violated = Counter(
        (f.case_id[-1], f.code) for f in report.findings if f.outcome.value == "violated"
    )
    assert violated == Counter(
        {
            # Rejected by e-mail after an interview.
            ("1", "CX102"): 1,
            # Acknowledged only by the logged call, a day late.
            ("2", "CX401"): 1,
            # Never heard from.
            ("7", "CX401"): 1,
            ("7", "CX104"): 1,
            ("7", "CX405"): 1,
        }
    )
    # The partial case's violations are unknown.
    assert {f.outcome.value for f in report.findings if f.case_id == _app(5)} == {"unknown"}
    assert {c.case_id[-1]: c.state for c in report.cases} == {
        "1": "rejected",
        "2": "hired",
        "3": "withdrawn",
        "5": "rejected",
        "6": "applied",
        "7": "applied",
    }
    passed = {r.code for r in report.rules if r.tally.passed}
    assert {"CX101", "CX201", "CX404", "CX405"} <= passed


def test_no_rule_the_source_cannot_feed_is_ever_violated(report: cx_rules.Report) -> None:
    kit.assert_never_judged(report, "CX103 CX301 CX302 CX402 CX403 CX406 CX501 CX502 CX503")


@pytest.mark.parametrize("format", ["text", "json", "csv", "html"])
def test_no_message_text_reaches_a_report(report: cx_rules.Report, format: str) -> None:
    text = render(report, format)
    kit.assert_none_in(
        text, ("Dear candidate", "Kubernetes", "invited to the on-site", "Thanks for applying")
    )
    if format == "json":
        kit.validated(text)


def test_the_audit_is_the_same_in_two_processes(report: cx_rules.Report) -> None:
    split = cx_rules.audit(FILES, importer=MERGE, jobs=2)
    assert render(split, "json") == render(report, "json")


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = (
    "id",
    "remote_id",
    "candidate",
    "application",
    "job",
    "applied_at",
    "rejected_at",
    "reject_reason",
    "current_stage",
    "remote_was_deleted",
    "activity_type",
    "user",
    "remote_created_at",
    "subject",
    "body",
    "visibility",
    "start_at",
    "end_at",
    "status",
    "location",
    "organizer",
    "interviewers",
    "interview",
    "interviewer",
    "submitted_at",
    "overall_recommendation",
    "sent_at",
    "closed_at",
    "creator",
    "name",
    "results",
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**13),
    st.sampled_from(
        [
            "2026-03-02T09:00:00Z",
            "2026-03-03T09:00:00.123+01:00",
            "2026-03-02T09:00:00",
            "EMAIL",
            "NOTE",
            "OTHER",
            "COMPLETE",
            "SIGNED",
            "DENIED",
            "Phone call: hi",
            "<p>Hi</p>",
            "Candidate withdrew",
            "a",
            "b",
        ]
    ),
    st.text(max_size=6),
)


def _values() -> st.SearchStrategy[Any]:
    return kit.nested(_SCALARS, _FIELDS, list_size=3, dict_size=6, max_leaves=14)


_RECORD = st.dictionaries(st.sampled_from(_FIELDS), _values(), max_size=9)


@given(st.lists(st.one_of(_RECORD, _values()), max_size=6), st.booleans())
def test_any_json_of_the_right_shape_gives_events_and_errors(
    records: list[Any], paged: bool
) -> None:
    with kit.written(
        ".json", json.dumps({"next": None, "results": records} if paged else records)
    ) as name:
        result = ImportResult.of(MERGE.read([name]))
        assert all(isinstance(e, Event) for e in result.events)
        assert all(isinstance(e, InputError) for e in result.errors)
    kit.assert_translates_to_events(MERGE, records)


def test_candidates_are_read_for_what_they_name_not_as_errors() -> None:
    one = MERGE.translate({"id": "c1", "first_name": "Ada", "applications": ["a1"]})
    assert (one.events, one.errors) == ((), ())
    assert dict(one.skipped) == {"a candidate (its applications are read from the applications)": 1}
