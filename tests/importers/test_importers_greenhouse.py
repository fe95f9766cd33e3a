"""The Greenhouse importer, from Harvest API records as documented to an audit report."""

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
from cx_rules.importers import ImportResult
from cx_rules.importers.greenhouse import Greenhouse
from cx_rules.io.records import InputError
from cx_rules.report import redact, render
from cx_rules.testing.strategies import json_values, vendor_records

DATA = Path(__file__).parent / "data"
DUMP = DATA / "greenhouse"
FILES = [
    *sorted(str(p) for p in DUMP.iterdir() if p.suffix in (".json", ".jsonl")),
    str(DUMP / "application_history.csv"),
]
GOLDEN = DATA / "greenhouse.golden.jsonl"
GREENHOUSE = Greenhouse()


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return ImportResult.of(GREENHOUSE.read(FILES))


def _source_records() -> int:
    """The records of the fixture dump, counted from the files themselves."""
    count = 0
    for name in FILES:
        path = Path(name)
        if path.suffix == ".csv":
            count += len(path.read_text("utf-8").splitlines()) - 1
            continue
        for value in kit.json_records(path):
            if "activity_feed" in value:
                count += sum(len(items) for items in value["activity_feed"].values())
            elif "applications" in value:
                count += len(value["applications"])
            else:
                count += 1
    return count


def test_the_dump_imports_as_the_golden_log(result: ImportResult) -> None:
    assert kit.dicts(result.events) == kit.golden(GOLDEN)


def test_every_record_is_an_event_source_an_error_or_a_skip(result: ImportResult) -> None:
    records = _source_records()
    producing = kit.producing(result, records)
    assert kit.tally(result, records) == (34, 5, 13)
    # Each producing record gave at least one event; an application gives up to two.
    assert producing <= len(result.events) <= 2 * producing
    assert set(result.skipped) == {
        "a prospect (no application to a job)",
        "an application already read from another record",
        "an internal note",
        "an e-mail from the candidate",
        "a stage change also in application_history",
        "a rejection also in its application",
        "an activity the importer does not recognise",
        "a record with nothing to import",
        "a scorecard of an imported scheduled interview",
        "a superseded offer version",
        "the first stage of an application read from its record",
    }


def test_input_errors_name_the_file_and_the_place(result: ImportResult) -> None:
    assert sorted(str(e).replace(str(DUMP) + "/", "") for e in result.errors) == [
        "activity_feeds.jsonl:2 (activity_feed.emails[0]): e-mail 8100: candidate '52009' has no "
        "application in the input",
        "application_history.csv:8: updated_at: a 19-character string is not an ISO 8601 "
        "timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)",
        "application_history.csv:9: new_status: expected one of active, rejected, hired, got "
        "an 8-character string",
        "applications-page2.jsonl:4: applied_at: a 19-character string is not an ISO 8601 "
        "timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)",
        "scheduled_interviews.json ([3]): scheduled interview 9128484: its application, case "
        "'79999', is not in the input",
    ]


def test_warnings_name_the_place(result: ImportResult) -> None:
    shown = [str(w).replace(str(DUMP) + "/", "") for w in result.warnings]
    assert shown == [
        "activity_feeds.jsonl:1 (activity_feed.activities[2]): activity 6003: the subject "
        "(a 16-character string) is not one the importer recognises (Candidate Stage Change, "
        "Candidate Rejected); skipped",
        "scheduled_interviews.json ([2]): scheduled interview 9128483 has no created_at: when "
        "it was scheduled is not known",
        "scheduled_interviews.json ([2]): scheduled interview 9128483 is an all-day event: "
        "without a time (and a zone) it is not imported as held",
        "application_history.csv:7: case '71007' was hired with no accepted offer in the "
        "input: the offer is inferred from the hire",
    ]


def _of(result: ImportResult, case_id: str) -> list[Event]:
    return [e for e in result.events if e.case_id == case_id]


def test_a_rejection_email_sent_later_is_the_rejection_at_its_sending(result: ImportResult) -> None:
    (rejection,) = [e for e in _of(result, "71001") if e.activity == "rejected"]
    assert rejection.timestamp.isoformat() == "2026-03-23T09:00:12+00:00"
    assert rejection.channel == "email"
    assert rejection.attributes["decided_at"] == "2026-03-19T13:02:44.517000+00:00"
    assert rejection.attributes["reason"] == "Lacking skill(s)/qualification(s)"
    # The HTML body is text now, the style sheet gone.
    assert rejection.attributes["text"].startswith("Dear candidate,\n\nThank you for the time")
    assert "color" not in rejection.attributes["text"]


def test_they_rejected_us_is_a_withdrawal(result: ImportResult) -> None:
    activities = [e.activity for e in _of(result, "71002")]
    assert "withdrawn" in activities
    assert "rejected" not in activities


def test_an_anonymised_candidate_is_a_partial_trace(result: ImportResult) -> None:
    assert result.partial == {
        "71004": "the candidate was anonymised: stage data and e-mails may be gone"
    }
    assert [e.activity for e in _of(result, "71004")] == ["application_received", "rejected"]


def test_no_name_or_address_reaches_an_event(result: ImportResult) -> None:
    text = GOLDEN.read_text("utf-8")
    for personal in ("Maja", "Holm", "Ole Berg", "@example.com", "Cand One"):
        assert personal not in text
    assert {e.actor for e in result.events} == {None, "4080", "4082"}


def test_one_application_translates_on_its_own() -> None:
    record = json.loads((DUMP / "applications-page1.json").read_text("utf-8"))[1]
    one = GREENHOUSE.translate(record, name="webhook")
    assert [(e.activity, e.timestamp.isoformat()) for e in one.events] == [
        ("application_received", "2026-03-03T10:40:00+00:00"),
        ("withdrawn", "2026-03-12T07:30:00+00:00"),
    ]
    lone = GREENHOUSE.translate({"candidate_id": 1, "activity_feed": {"emails": [{"id": 5}]}})
    assert [str(e) for e in lone.errors] == [
        "<record> (activity_feed.emails[0]): created_at: expected an ISO 8601 timestamp with "
        "a zone, got null"
    ]


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(FILES, importer=GREENHOUSE)


def _findings(report: cx_rules.Report) -> Counter[tuple[str, str, str]]:
    return Counter((f.case_id, f.code, f.outcome.value) for f in report.findings)


def test_the_audit_of_the_dump_finds_what_the_data_shows(report: cx_rules.Report) -> None:
    assert report.input.events == 23
    assert report.input.rejected == 5
    assert dict(report.input.unmapped_activities) == {}
    assert _findings(report) == Counter(
        {
            # Rejected by e-mail after a video interview: not personal.
            ("71001", "CX102", "violated"): 1,
            ("71001", "CX202", "unknown"): 1,
            ("71001", "CX301", "unknown"): 1,
            ("71001", "CX402", "unknown"): 1,
            ("71001", "CX403", "unknown"): 1,
            ("71001", "CX501", "unknown"): 1,
            ("71001", "CX503", "unknown"): 1,
            # No acknowledgement within 2 business days; an interview only a scorecard knows,
            # scheduled (inferred) at its time: no illegal transition, nothing to judge on it.
            ("71002", "CX401", "violated"): 1,
            ("71002", "CX402", "unknown"): 1,
            ("71002", "CX403", "unknown"): 1,
            ("71002", "CX503", "unknown"): 1,
            ("71003", "CX402", "unknown"): 1,
            ("71003", "CX403", "unknown"): 1,
            # Anonymised: violations are unknown, the trace is partial.
            ("71004", "CX101", "unknown"): 1,
            ("71004", "CX104", "unknown"): 1,
            ("71004", "CX401", "unknown"): 1,
            ("71004", "CX405", "unknown"): 1,
            ("71004", "CX201", "unknown"): 1,
            ("71004", "CX503", "unknown"): 1,
            # Known from the history alone: moved on within days (CX405 passes), but no
            # message to the candidate before the hire.
            ("71007", "CX401", "violated"): 1,
            ("71007", "CX104", "violated"): 1,
        }
    )
    states = {c.case_id: c.state for c in report.cases}
    assert states == {
        "71001": "rejected",
        "71002": "withdrawn",
        "71003": "hired",
        "71004": "rejected",
        "71007": "hired",
    }


def test_no_rule_the_source_cannot_feed_is_ever_violated(report: cx_rules.Report) -> None:
    kit.assert_never_judged(report, "CX103 CX301 CX302 CX402 CX403 CX406 CX501 CX502 CX503")
    reasons = {f.message for f in report.findings if f.code == "CX403"}
    assert reasons == {
        "not recorded by this source (greenhouse): interview_held.started_at|interview_held."
        "delay_minutes (no ATS records when an interview really started; Greenhouse keeps the "
        "time it was scheduled for; Greenhouse records no interview delays) (punctuality of "
        f"the interview ({e}) cannot be judged: neither delay_minutes nor a started_at with a "
        "time zone is recorded)"
        for e in (
            "interview_held at 2026-03-16T09:00:00+00:00 by video",
            "interview_held at 2026-03-12T13:00:00+00:00 by meeting",
            "interview_held at 2026-03-10T10:00:00+00:00",
        )
    }


@pytest.mark.parametrize("format", ["text", "json", "csv", "html"])
def test_every_format_says_what_the_source_does_not_record(
    report: cx_rules.Report, format: str
) -> None:
    text = render(report, format)
    assert "not recorded by this source (greenhouse): interview_held.started_at" in text
    listed = {
        "text": "    CX403: interview_held.started_at|",
        "json": '"CX403": "not recorded by this source (greenhouse): interview_held.started_at|',
        "csv": "CX403,interview-punctuality,",
        "html": "<li><code>CX403</code> interview_held.started_at|",
    }
    assert listed[format] in text
    kit.assert_none_in(
        text, ("Dear candidate", "Thank you for applying", "Phone call", "@example.com")
    )


def test_the_json_report_validates_and_carries_the_source(report: cx_rules.Report) -> None:
    data = kit.validated(render(report, "json"))
    assert data["source"]["system"] == "greenhouse"
    assert list(data["source"]["partial_cases"]) == ["71004"]
    assert len(data["source"]["warnings"]) == 4


def test_redaction_hides_the_partial_cases_and_the_ids_in_warnings(
    report: cx_rules.Report,
) -> None:
    hidden = redact(report, "salt")
    assert hidden.source is not None
    assert not any("52009" in e.message for e in hidden.errors)
    assert "71004" not in json.dumps(dict(hidden.source.partial_cases))
    assert not any("'71007'" in w.message for w in hidden.source.warnings)


def test_the_audit_is_the_same_in_two_processes(report: cx_rules.Report) -> None:
    split = cx_rules.audit(FILES, importer=GREENHOUSE, jobs=2)
    assert render(split, "json") == render(report, "json")


def test_the_audit_of_the_imported_log_judges_as_the_import_does(tmp_path) -> None:
    # The canonical log alone knows no source: only what the source cannot say differs.
    plain = cx_rules.audit(str(GOLDEN))
    assert plain.source is None
    assert plain.input.events == 23


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = (
    "id",
    "candidate_id",
    "application_id",
    "applied_at",
    "rejected_at",
    "status",
    "prospect",
    "jobs",
    "rejection_reason",
    "rejection_details",
    "start",
    "created_at",
    "interviewers",
    "interviewed_at",
    "version",
    "resolved_at",
    "activity_feed",
    "applications",
    "first_name",
    "emails",
    "notes",
    "activities",
    "user",
    "body",
    "subject",
)
_SAMPLES = (
    "2026-03-02T09:00:00.000Z",
    "2026-03-02 09:00:00 UTC",
    "2026-03-02T09:00:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "rejected",
    "hired",
    "active",
    "complete",
    "accepted",
    "deprecated",
    "They rejected us",
    "Candidate Stage Change",
    "Candidate Rejected",
    "Anonymized",
    "<p>Hi</p>",
    "x was moved into Y for Z on 03/09/2026 by W",
)
_SCALARS = st.one_of(st.sampled_from(_SAMPLES), st.none(), st.integers(), st.text(max_size=8))


_RECORD = vendor_records(_FIELDS, _SAMPLES)


@given(st.lists(st.one_of(_RECORD, json_values), max_size=6))
def test_any_json_of_the_right_shape_gives_events_and_errors(records: list[Any]) -> None:
    name = _write(records)
    try:
        for record in GREENHOUSE.read([name]):
            assert isinstance(record, Event | InputError)
    finally:
        Path(name).unlink()
    for record in records:
        if isinstance(record, dict):
            one = GREENHOUSE.translate(record)
            assert all(isinstance(e, Event) for e in one.events)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "application_id": st.one_of(st.integers(1, 4), st.text(max_size=3)),
                "new_stage_id": st.one_of(st.integers(0, 9).map(str), st.just("")),
                "new_status": st.sampled_from(["active", "rejected", "hired", "", "x"]),
                "updated_at": _SCALARS.map(str),
            }
        ),
        max_size=6,
    )
)
def test_any_history_table_gives_events_and_errors(rows: list[dict[str, Any]]) -> None:
    import csv
    import io
    import tempfile

    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["application_id", "new_stage_id", "new_status", "updated_at"]
    )
    writer.writeheader()
    writer.writerows(rows)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write(buffer.getvalue())
    result = ImportResult.of(GREENHOUSE.read([f.name]))
    assert len(result.events) + len(result.errors) + sum(result.skipped.values()) >= len(
        [r for r in rows if any(str(v).strip() for v in r.values())]
    )
    Path(f.name).unlink()


def _write(records: list[Any]) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(records, f)
    return f.name


def _fixture_records() -> list[Any]:
    records: list[Any] = []
    for name in FILES:
        path = Path(name)
        if path.suffix == ".jsonl":
            records.extend(json.loads(line) for line in path.read_text("utf-8").splitlines())
        elif path.suffix == ".json":
            records.extend(json.loads(path.read_text("utf-8")))
    return records


@st.composite
def _mutated(draw: st.DrawFn) -> list[Any]:
    """The fixture's records, each documented field at any depth perhaps replaced or gone."""
    records = json.loads(json.dumps(_fixture_records()))

    def mutate(value: Any) -> Any:
        if isinstance(value, dict):
            for key in list(value):
                choice = draw(st.integers(0, 9))
                if choice == 0:
                    del value[key]
                elif choice == 1:
                    value[key] = draw(_SCALARS)
                else:
                    value[key] = mutate(value[key])
        elif isinstance(value, list):
            return [mutate(v) for v in value if draw(st.integers(0, 9))]
        return value

    return [mutate(r) for r in records]


@given(_mutated())
def test_documented_records_with_any_field_broken_give_events_and_errors(
    records: list[Any],
) -> None:
    name = _write(records)
    try:
        result = ImportResult.of(GREENHOUSE.read([name]))
    finally:
        Path(name).unlink()
    assert all(isinstance(e, Event) for e in result.events)
    assert all(isinstance(e, InputError) for e in result.errors)


# -- messier exports -------------------------------------------------------------------------


def _app(id: int, candidate: int, applied: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": id,
        "candidate_id": candidate,
        "prospect": False,
        "applied_at": applied,
        "rejected_at": None,
        "rejection_reason": None,
        "rejection_details": None,
        "jobs": [{"id": 1, "name": "Nurse"}],
        "status": "active",
        "current_stage": {"id": 5, "name": "Application Review"},
    }
    record.update(fields)
    return record


def _email(id: int, at: str, user: int | None = 7) -> dict[str, Any]:
    return {
        "id": id,
        "created_at": at,
        "subject": "About your application",
        "body": "<p>Hello</p>",
        "to": "c@example.com",
        "from": "r@example.com",
        "cc": None,
        "user": None if user is None else {"id": user, "name": "R"},
    }


def _read(tmp_path: Path, *documents: Any) -> ImportResult:
    names = []
    for n, document in enumerate(documents):
        path = tmp_path / f"part{n}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        names.append(str(path))
    return ImportResult.of(GREENHOUSE.read(names))


def test_a_feed_item_goes_to_the_application_applied_to_last_before_it(tmp_path) -> None:
    apps = [
        _app(1, 9, "2026-01-05T10:00:00Z", status="rejected", rejected_at="2026-01-20T10:00:00Z"),
        _app(2, 9, "2026-03-02T10:00:00Z"),
    ]
    feed = {
        "candidate_id": 9,
        "activity_feed": {
            "emails": [
                _email(10, "2026-01-06T10:00:00Z"),
                _email(11, "2026-03-03T10:00:00Z"),
                _email(12, "2026-01-01T10:00:00Z"),
            ]
        },
    }
    result = _read(tmp_path, apps, feed)
    sent = {e.event_id: e.case_id for e in result.events if e.activity == "status_update_sent"}
    assert sent == {"gh-email-10": "1", "gh-email-11": "2"}
    assert [e.message for e in result.errors] == [
        "e-mail 12: candidate '9' has no application in the input applied to before "
        "2026-01-01T10:00:00+00:00"
    ]


def test_overlapping_pages_import_each_record_once_for_the_audit(tmp_path) -> None:
    page = [_app(1, 9, "2026-03-02T10:00:00Z"), _app(2, 8, "2026-03-02T11:00:00Z")]
    once = _read(tmp_path, page)
    twice = _read(tmp_path, page, page[1:])
    assert [e.event_id for e in twice.events] == [e.event_id for e in once.events]
    assert twice.skipped == {"an application already read from another record": 1}


def test_an_application_without_stage_data_is_partial(tmp_path) -> None:
    result = _read(tmp_path, [_app(1, 9, "2026-03-02T10:00:00Z", current_stage=None)])
    assert result.partial == {"1": "the application has no stage data (anonymised?)"}


def test_a_hire_without_its_offer_or_history_is_a_warning_and_partial(tmp_path) -> None:
    result = _read(tmp_path, [_app(1, 9, "2026-03-02T10:00:00Z", status="hired")])
    assert [e.activity for e in result.events] == ["application_received"]
    assert [w.message for w in result.warnings] == [
        "case '1' is hired, but neither an accepted offer nor an application_history row is "
        "in the input: the hire is not imported"
    ]
    assert result.partial == {"1": "the hire's time is not in the export"}


def test_a_rejection_only_the_feed_records_keeps_its_reason(tmp_path) -> None:
    feed = {
        "candidate_id": 9,
        "activity_feed": {
            "activities": [
                {
                    "id": 3,
                    "created_at": "2026-03-05T10:00:00.250Z",
                    "subject": "Candidate Rejected",
                    "body": "Reason: Position filled\n\nMore text.",
                    "user": {"id": 7},
                }
            ]
        },
    }
    result = _read(tmp_path, [_app(1, 9, "2026-03-02T10:00:00Z")], feed)
    (rejected,) = [e for e in result.events if e.activity == "rejected"]
    assert (rejected.attributes, rejected.actor) == ({"reason": "Position filled"}, "7")


def test_an_import_takes_no_mapping() -> None:
    from cx_rules.io import LogMapping

    with pytest.raises(ValueError, match="a mapping does not apply"):
        cx_rules.audit(FILES, importer=GREENHOUSE, mapping=LogMapping())


def test_a_feed_saved_without_its_candidate_says_how_to_save_it(tmp_path) -> None:
    result = _read(tmp_path, {"notes": [], "emails": [], "activities": []})
    assert [e.message for e in result.errors] == [
        "an activity feed without its candidate: save it as {candidate_id, activity_feed} "
        "(see the Greenhouse importer's guide)"
    ]


@given(_mutated())
def test_any_broken_export_audits_to_a_report(records: list[Any]) -> None:
    name = _write(records)
    try:
        report = cx_rules.audit(name, importer=GREENHOUSE)
    finally:
        Path(name).unlink()
    assert report.input.lines == report.input.events + report.input.rejected + (
        report.input.unmapped + report.input.after_as_of
    )
    assert report.source is not None


def test_an_application_and_its_feed_translate_together() -> None:
    app = _app(1, 9, "2026-03-02T10:00:00Z", status="rejected", rejected_at="2026-03-09T10:00:00Z")
    feed = {"candidate_id": 9, "activity_feed": {"emails": [_email(4, "2026-03-10T08:00:00Z")]}}
    together = GREENHOUSE.translate_records([app, feed], name="webhook")
    assert [(e.activity, e.channel) for e in together.events] == [
        ("application_received", None),
        ("rejected", "email"),
    ]
    alone = GREENHOUSE.translate(feed, name="webhook")
    assert [str(e) for e in alone.errors] == [
        "webhook (activity_feed.emails[0]): e-mail 4: candidate '9' has no application in the input"
    ]


def test_the_default_translate_records_translates_each_on_its_own() -> None:
    from cx_rules.importers import Importer

    class One(Importer):
        name = "one"

        def translate(self, record, *, name="<record>"):  # type: ignore[no-untyped-def]
            return GREENHOUSE.translate(record, name=name)

    app = _app(1, 9, "2026-03-02T10:00:00Z")
    both = One().translate_records([app, {"x": 1}], name="in")
    assert [e.activity for e in both.events] == ["application_received"]
    (error,) = both.errors
    assert str(error).startswith("in[1]: not a Greenhouse record")


def test_the_owner_is_the_applications_recruiter_else_its_coordinator() -> None:
    record = json.loads((DUMP / "applications-page1.json").read_text("utf-8"))[0]
    assert record["recruiter"]["id"] == 4080
    received = GREENHOUSE.translate(record, name="webhook").events[0]
    assert (received.activity, received.get("owner")) == ("application_received", "4080")

    coordinated = {**record, "recruiter": None, "coordinator": {"id": 4099, "name": "Ole"}}
    received = GREENHOUSE.translate(coordinated, name="webhook").events[0]
    assert received.get("owner") == "4099"
    nobody = {**record, "recruiter": None, "coordinator": None}
    assert GREENHOUSE.translate(nobody, name="webhook").events[0].get("owner") is None
