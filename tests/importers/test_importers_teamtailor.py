"""The Teamtailor importer, from JSON:API pages as documented to an audit report."""

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
from cx_rules.importers.teamtailor import Teamtailor
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
DUMP = DATA / "teamtailor"
FILES = sorted(str(p) for p in DUMP.iterdir())
GOLDEN = DATA / "teamtailor.golden.jsonl"
TT = Teamtailor()


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return ImportResult.of(TT.read(FILES))


def _source_records() -> int:
    """The resources of the fixture pages (an empty or broken page counts once), counted
    from the files themselves."""
    count = 0
    for name in FILES:
        for page in kit.json_values(name):
            count += len(page.get("data", [])) + len(page.get("included", [])) or 1
    return count


def _of(result: ImportResult, case_id: str) -> list[tuple[str, str]]:
    return [(e.timestamp.isoformat(), e.activity) for e in result.events if e.case_id == case_id]


def test_the_pages_import_as_the_golden_log(result: ImportResult) -> None:
    assert kit.dicts(result.events) == kit.golden(GOLDEN)


def test_every_resource_is_an_event_source_an_error_or_a_skip(result: ImportResult) -> None:
    records = _source_records()
    assert kit.tally(result, records) == (18, 2, 10)
    producing = kit.producing(result, records)
    # An application gives up to three events (received, its last stage, its rejection).
    assert producing <= len(result.events) <= 3 * producing
    assert result.skipped == {
        "a candidate without consent to future jobs": 1,
        "a consent before any application in the input": 1,
        "a resource already read from another page": 2,
        "a sourced application (the candidate did not apply)": 1,
        "a stage, job or rejection reason (read for its name)": 4,
        "an empty page": 1,
    }


def test_input_errors_and_warnings_name_the_file_and_the_place(result: ImportResult) -> None:
    assert [str(e).replace(str(DUMP) + "/", "") for e in result.errors] == [
        "candidates.jsonl:2: not a JSON:API document: expected an object with data (a "
        "resource or a list of resources) and included; got an object",
        "job-applications-page2.json (data[1]): created-at: a 19-character string is not an "
        "ISO 8601 timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)",
    ]
    assert [str(w).replace(str(DUMP) + "/", "") for w in result.warnings] == [
        "candidates.jsonl:1 (data[0]): candidate 204 consented to future jobs at "
        "2026-02-01T12:00:00+00:00, before any of their job applications in the input: the "
        "consent is not imported",
        "job-applications-page2.json (data[2]): case '106': rejection reason 13 is not in the "
        "input (ask for include=rejection-reason): the rejection is imported without its reason",
        "job-applications-page2.json: the input holds 7 of the 8 job applications "
        "meta.record-count announces: pages are missing",
    ]


def test_an_application_with_its_last_stage_reason_and_consent(result: ImportResult) -> None:
    # Times keep the zone Teamtailor wrote; the candidate's consent joins the talent pool.
    assert _of(result, "101") == [
        ("2026-03-02T09:14:05.123000+01:00", "application_received"),
        ("2026-03-06T14:00:00+01:00", "stage_changed"),
        ("2026-03-20T10:00:00+01:00", "rejected"),
        ("2026-03-21T09:00:00+01:00", "talent_pool_joined"),
    ]
    by_activity = {e.activity: e for e in result.events if e.case_id == "101"}
    assert by_activity["stage_changed"].get("stage") == "Interview"
    assert by_activity["rejected"].get("reason") == "Not enough experience"
    assert by_activity["talent_pool_joined"].get("consent") is True


def test_a_reason_not_rejected_by_the_company_is_a_withdrawal(result: ImportResult) -> None:
    assert _of(result, "102") == [
        ("2026-03-03T11:30:00+01:00", "application_received"),
        ("2026-03-10T08:00:00+01:00", "withdrawn"),
    ]


def test_partial_traces_are_reported_with_their_reason(result: ImportResult) -> None:
    assert result.partial == {
        "101": "only the last stage change is in the export (changed-stage-at)",
        "103": "the candidate is gone (deleted or anonymised): the trace may be partial",
        "106": "only the last stage change is in the export (changed-stage-at)",
    }


def test_no_name_address_or_cover_letter_reaches_an_event(result: ImportResult) -> None:
    text = GOLDEN.read_text("utf-8")
    for personal in ("Alma", "Vester", "@example.com", "warehouse", "LinkedIn"):
        assert personal not in text
    assert {e.actor for e in result.events} == {None}


def test_one_document_translates_on_its_own() -> None:
    page = json.loads((DUMP / "job-applications-page1.json").read_text("utf-8"))
    one = TT.translate(page, name="page")
    assert Counter(e.case_id for e in one.events) == {"101": 4, "102": 2, "103": 1}
    lone = TT.translate({"data": {"type": "job-applications", "id": "9", "attributes": {}}})
    assert [str(e) for e in lone.errors] == [
        "<record> (data): created-at: expected an ISO 8601 timestamp with a zone, got null"
    ]


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(FILES, importer=TT)


def test_the_audit_finds_what_the_data_shows(report: cx_rules.Report) -> None:
    assert (report.input.events, report.input.rejected) == (10, 2)
    judged = Counter(
        (f.case_id, f.code, f.outcome.value)
        for f in report.findings
        if not f.message.startswith("not recorded")
    )
    assert judged == Counter(
        {
            # Never moved on, rejected after three weeks, without a reason.
            ("107", "CX101", "violated"): 1,
            ("107", "CX405", "violated"): 1,
            # Only the last stage change is known: when the first decision came is not.
            ("101", "CX405", "unknown"): 1,
            ("103", "CX405", "unknown"): 1,
            ("106", "CX405", "unknown"): 1,
            # The reason is in a resource the export left out.
            ("106", "CX101", "unknown"): 1,
        }
    )
    passed = {r.code: r.tally.passed for r in report.rules if r.tally.passed}
    assert passed == {"CX001": 10, "CX101": 1, "CX105": 3, "CX502": 1}


def test_no_rule_the_export_cannot_feed_is_ever_violated(report: cx_rules.Report) -> None:
    kit.assert_never_judged(
        report,
        "CX102 CX103 CX104 CX201 CX202 CX301 CX302 CX401 CX402 CX403 CX404 CX406 CX501 CX503",
    )


@pytest.mark.parametrize("format", ["text", "json", "csv", "html"])
def test_no_format_prints_what_the_candidate_wrote(report: cx_rules.Report, format: str) -> None:
    text = render(report, format)
    kit.assert_none_in(text, ("warehouse", "Alma", "@example.com"))


def test_the_json_report_validates_and_carries_the_source(report: cx_rules.Report) -> None:
    data = kit.validated(render(report, "json"))
    assert data["source"]["system"] == "teamtailor"
    assert list(data["source"]["partial_cases"]) == ["101", "103", "106"]


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = (
    "data",
    "included",
    "meta",
    "record-count",
    "type",
    "id",
    "attributes",
    "relationships",
    "created-at",
    "rejected-at",
    "changed-stage-at",
    "consent-future-jobs-at",
    "sourced",
    "candidate",
    "stage",
    "rejection-reason",
    "reason",
    "rejected-by-company",
    "name",
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**13),
    st.sampled_from(
        [
            "2026-03-02T09:00:00.000+01:00",
            "2026-03-02T09:00:00",
            "0001-01-01T00:00:00Z",
            "job-applications",
            "candidates",
            "stages",
            "rejection-reasons",
            "1",
            "2",
        ]
    ),
    st.text(max_size=6),
)
_VALUES = kit.nested(_SCALARS, _FIELDS, list_size=4, dict_size=5, max_leaves=16)
_DOCUMENT = st.dictionaries(st.sampled_from(("data", "included", "meta")), _VALUES, max_size=3)


@given(st.lists(st.one_of(_DOCUMENT, _VALUES), max_size=4))
def test_any_json_of_the_right_shape_gives_events_and_errors(documents: list[Any]) -> None:
    with kit.written(".jsonl", kit.jsonl(documents)) as name:
        kit.assert_reads_events_and_errors(TT, name)
    kit.assert_translates_to_events(TT, documents)
