"""The Odoo importer, from Odoo's external API and spreadsheet exports to an audit report."""

from __future__ import annotations

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
from cx_rules import Event
from cx_rules.importers import ImportResult, get_importer
from cx_rules.importers.odoo import Odoo
from cx_rules.io import read_jsonl
from cx_rules.io.native import event_to_dict
from cx_rules.io.records import InputError
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
API = sorted(str(p) for p in (DATA / "odoo" / "api").iterdir())
EXPORT = sorted(str(p) for p in (DATA / "odoo" / "export").iterdir())
ODOO = Odoo()


@pytest.fixture(scope="module")
def api() -> ImportResult:
    return ImportResult.of(ODOO.read(API))


@pytest.fixture(scope="module")
def export() -> ImportResult:
    pytest.importorskip("openpyxl")
    return ImportResult.of(ODOO.read(EXPORT))


def _golden(name: str) -> list[dict[str, Any]]:
    return [event_to_dict(e) for e in read_jsonl(DATA / name) if isinstance(e, Event)]


def _shown(items: Any) -> list[str]:
    return [str(i).replace(str(DATA / "odoo") + "/", "") for i in items]


def test_the_api_records_import_as_the_golden_log(api: ImportResult) -> None:
    assert [event_to_dict(e) for e in api.events] == _golden("odoo-api.golden.jsonl")


def test_the_spreadsheet_export_imports_as_the_golden_log(export: ImportResult) -> None:
    assert [event_to_dict(e) for e in export.events] == _golden("odoo-export.golden.jsonl")


def test_every_api_record_is_an_event_source_an_error_or_a_skip(api: ImportResult) -> None:
    records = 0
    for name in API:
        text = Path(name).read_text("utf-8")
        if name.endswith(".jsonl"):
            records += len(text.splitlines())
        else:
            document = json.loads(text)
            records += len(document["result"] if isinstance(document, dict) else document)
    assert (*kit.tally(api, records), len(api.events)) == (30, 4, 12, 17)
    assert dict(api.skipped) == {
        "a message of another model": 1,
        "a notification (its tracked changes are their own records)": 5,
        "a refusal also in its applicant": 2,
        "a tracked change of another field": 1,
        "an archived meeting": 1,
        "an e-mail received": 1,
        "an internal note": 1,
    }


def test_input_errors_and_warnings_name_the_file_and_the_place(
    api: ImportResult, export: ImportResult
) -> None:
    assert _shown(api.errors) == [
        "api/hr_applicant.json ([3]): create_date: expected an Odoo datetime (YYYY-MM-DD "
        "HH:MM:SS, UTC), got a 20-character string",
        "api/mail_message.json (result[11]): message 1012: its applicant, case '99', is not "
        "in the input",
        "api/mail_message.json (result[13]): date: expected an Odoo datetime (YYYY-MM-DD "
        "HH:MM:SS, UTC), got a 16-character string",
        "api/mail_tracking_value.jsonl:7: tracking value 508: its message 9999 is not in the input",
    ]
    assert _shown(api.warnings) == [
        "api/hr_applicant.json ([5]): case '46' is refused, but neither refuse_date nor a "
        "tracked refuse_reason_id is in the input: the refusal is not imported"
    ]
    assert api.partial == {"46": "the refusal's time is not in the export"}
    assert _shown(export.errors) == [
        "export/mail_tracking_value.xlsx (sheet 'mail.tracking.value', row 5): field_id: "
        "expected the tracked field, got false"
    ]


def _of(result: ImportResult, case_id: str) -> list[Event]:
    return [e for e in result.events if e.case_id == case_id]


def test_naive_odoo_datetimes_are_utc(api: ImportResult) -> None:
    (received,) = [e for e in _of(api, "41") if e.activity == "application_received"]
    assert received.timestamp.isoformat() == "2026-03-02T08:15:00+00:00"


def test_the_refusal_e_mail_is_the_rejection_with_the_refuse_reason(api: ImportResult) -> None:
    (rejected,) = [e for e in _of(api, "41") if e.activity == "rejected"]
    assert (rejected.timestamp.isoformat(), rejected.channel, rejected.actor) == (
        "2026-03-12T14:00:05+00:00",
        "email",
        "3",
    )
    assert rejected.attributes["reason"] == "Doesn't fit the job requirements"
    assert rejected.attributes["decided_at"] == "2026-03-12T14:00:00+00:00"
    assert rejected.attributes["text"].startswith("Dear Freja,\n\nThank you for your interest")


def test_tracked_stages_a_withdrawal_and_a_hire(api: ImportResult) -> None:
    assert [(e.activity, e.attributes.get("stage")) for e in _of(api, "42")][-2:] == [
        ("screening_started", "First Interview"),
        ("stage_changed", "Contract Proposal"),
    ]
    assert [e.activity for e in _of(api, "42")].count("offer_accepted") == 1
    # The refusal's time comes from its tracked refuse_reason_id (no refuse_date).
    (withdrawn,) = [e for e in _of(api, "43") if e.activity == "withdrawn"]
    assert (withdrawn.timestamp.isoformat(), dict(withdrawn.attributes)) == (
        "2026-03-07T09:00:00+00:00",
        {"reason": "Refused by Applicant: salary"},
    )
    (meeting,) = [e for e in _of(api, "41") if e.activity == "interview_scheduled"]
    assert (meeting.channel, meeting.attributes["scheduled_for"]) == (
        "video",
        "2026-03-09T13:00:00+00:00",
    )


def test_the_old_field_shape_and_spreadsheet_cells(export: ImportResult) -> None:
    assert [(e.activity, e.timestamp.isoformat()) for e in _of(export, "51")] == [
        ("application_received", "2026-03-02T07:45:00+00:00"),
        # Its time from the tracked refuse_reason_id (field 'refuse_reason_id').
        ("rejected", "2026-03-10T16:00:00+00:00"),
        ("status_update_sent", "2026-03-02T08:00:00+00:00"),
        ("screening_started", "2026-03-03T09:00:00+00:00"),
    ]
    # The candidate's own message (author = the applicant's contact) is not a message sent.
    assert export.skipped["a message from the candidate"] == 1


def test_no_name_address_or_note_reaches_the_log() -> None:
    # Names and addresses of records are not imported (message bodies are, as written).
    for name in ("odoo-api.golden.jsonl", "odoo-export.golden.jsonl"):
        text = (DATA / name).read_text("utf-8")
        for personal in (
            "Nielsen",
            "Jonas Berg",
            "example.com",
            "weak on SQL",
            "Møller",
        ):
            assert personal not in text


def test_one_applicant_translates_on_its_own() -> None:
    record = json.loads((DATA / "odoo" / "api" / "hr_applicant.json").read_text("utf-8"))[0]
    one = ODOO.translate(record, name="webhook")
    assert [(e.activity, e.timestamp.isoformat()) for e in one.events] == [
        ("application_received", "2026-03-02T08:15:00+00:00"),
        ("rejected", "2026-03-12T14:00:00+00:00"),
    ]
    lone = ODOO.translate(
        {
            "id": 5,
            "model": "hr.applicant",
            "res_id": 1,
            "message_type": "comment",
            "date": "2026-03-02 10:00:00",
        }
    )
    assert _shown(lone.errors) == [
        "<record>: message 5: its applicant, case '1', is not in the input"
    ]


def test_odoo_is_registered() -> None:
    assert isinstance(get_importer("odoo"), Odoo)


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(API, importer=ODOO)


def test_the_audit_finds_what_the_data_shows(report: cx_rules.Report) -> None:
    assert report.input.events == 16
    violated = Counter(
        (f.case_id, f.code) for f in report.findings if f.outcome.value == "violated"
    )
    assert violated == Counter(
        {
            # Silent from the interview invitation until the hire.
            ("42", "CX104"): 1,
            # Never acknowledged.
            ("43", "CX401"): 1,
            ("45", "CX401"): 1,
            ("45", "CX104"): 1,
            ("45", "CX405"): 1,
        }
    )
    assert {f.outcome.value for f in report.findings if f.case_id == "46"} == {"unknown"}
    passed = {r.code for r in report.rules if r.tally.passed}
    assert {"CX101", "CX201", "CX401", "CX405"} <= passed


def test_no_rule_the_source_cannot_feed_is_ever_violated(report: cx_rules.Report) -> None:
    kit.assert_never_judged(
        report, "CX102 CX103 CX202 CX301 CX302 CX402 CX403 CX404 CX406 CX501 CX502 CX503"
    )


@pytest.mark.parametrize("format", ["text", "json", "csv", "html"])
def test_no_message_text_reaches_a_report(report: cx_rules.Report, format: str) -> None:
    text = render(report, format)
    kit.assert_none_in(text, ("Dear Freja", "PostgreSQL", "Called Freja", "pick a time"))
    if format == "json":
        kit.validated(text)


def test_the_audit_is_the_same_in_two_processes(report: cx_rules.Report) -> None:
    split = cx_rules.audit(API, importer=ODOO, jobs=2)
    assert render(split, "json") == render(report, "json")


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = (
    "id",
    "create_date",
    "stage_id",
    "job_id",
    "partner_id",
    "refuse_reason_id",
    "refuse_date",
    "application_status",
    "date_closed",
    "model",
    "res_id",
    "date",
    "message_type",
    "subtype_id",
    "author_id",
    "subject",
    "body",
    "mail_message_id",
    "field",
    "field_id",
    "new_value_char",
    "new_value_integer",
    "start",
    "stop",
    "allday",
    "applicant_id",
    "res_model",
    "active",
    "location",
    "videocall_location",
    "hired_stage",
    "result",
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.sampled_from(
        [
            "2026-03-02 09:00:00",
            "2026-03-02T09:00:00Z",
            "0001-01-01 00:00:00",
            "hr.applicant",
            "comment",
            "notification",
            "email",
            "email_outgoing",
            "refused",
            "hired",
            "stage_id",
            "refuse_reason_id",
            "Stage (hr.applicant)",
            "Refused by Applicant: salary",
            "<p>Called</p>",
            "a",
        ]
    ),
    st.text(max_size=6),
)


def _values() -> st.SearchStrategy[Any]:
    return st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.tuples(st.integers(1, 5), st.sampled_from(["Discussions", "Note", "x"])).map(list),
            st.dictionaries(st.sampled_from(_FIELDS), inner, max_size=6),
        ),
        max_leaves=14,
    )


_RECORD = st.dictionaries(st.sampled_from(_FIELDS), _values(), max_size=9)


@given(st.lists(st.one_of(_RECORD, _values()), max_size=6), st.booleans())
def test_any_json_of_the_right_shape_gives_events_and_errors(records: list[Any], rpc: bool) -> None:
    with kit.written(
        ".json", json.dumps({"jsonrpc": "2.0", "id": 1, "result": records} if rpc else records)
    ) as name:
        result = ImportResult.of(ODOO.read([name]))
        assert all(isinstance(e, Event) for e in result.events)
        assert all(isinstance(e, InputError) for e in result.errors)
    kit.assert_translates_to_events(ODOO, records)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                ".id": st.one_of(st.integers(1, 4).map(str), st.just(""), st.just("x")),
                "create_date": _SCALARS.map(lambda v: "" if v is None else str(v)),
                "stage_id": st.sampled_from(["New", "", "False"]),
                "refuse_reason_id": st.sampled_from(["", "Refused by Applicant: salary", "Spam"]),
                "refuse_date": _SCALARS.map(lambda v: "" if v is None else str(v)),
                "active": st.sampled_from(["True", "False", "", "maybe"]),
            }
        ),
        max_size=6,
    )
)
def test_any_applicant_table_gives_events_and_errors(rows: list[dict[str, str]]) -> None:
    import csv

    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", delete=False, encoding="utf-8", newline=""
    ) as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else [".id", "stage_id"])
        writer.writeheader()
        writer.writerows(rows)
    try:
        result = ImportResult.of(ODOO.read([f.name]))
        assert all(isinstance(e, Event) for e in result.events)
    finally:
        Path(f.name).unlink()
