"""The Lever importer, from Lever API records as documented to an audit report."""

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
from cx_rules.importers.lever import Lever
from cx_rules.io.records import InputError
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
DUMP = DATA / "lever"
FILES = sorted(str(p) for p in DUMP.iterdir())
GOLDEN = DATA / "lever.golden.jsonl"
LEVER = Lever()

A = "250d8f03-738a-4bba-a671-8a3d73477145"  # rejected after an on-site, consented
B = "7f3e21c9-1d2b-4c3a-9e77-0b6a5d2c8f10"  # hired
C = "c0ffee00-5a5a-4b4b-8c8c-123456789abc"  # anonymised, withdrew
D = "d4e5f6a7-0000-4111-8222-333344445555"  # archive reason not in the export
H = "b7b7b7b7-6c6c-4d5d-8e4e-3f3f3f3f3f3f"  # never moved on


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return ImportResult.of(LEVER.read(FILES))


def _source_records() -> int:
    """The records of the fixture dump, counted from the files themselves: each
    opportunity, stage change, archive reason and item of an opportunity's list, and each
    line of the lists file (a list that is empty or not JSON is one record)."""
    count = 0
    for name in FILES:
        path = Path(name)
        if path.suffix == ".jsonl":
            for line in path.read_text("utf-8").splitlines():
                try:
                    value = json.loads(line)
                except json.JSONDecodeError:
                    count += 1
                    continue
                items = next(v for k, v in value.items() if k != "opportunityId")
                items = items["data"] if isinstance(items, dict) else items
                known = value["opportunityId"] in (A, B, "9a9a9a9a-8b8b-4c7c-9d6d-5e5e5e5e5e5e")
                count += max(1, len(items)) if known else 1
            continue
        for record in json.loads(path.read_text("utf-8"))["data"]:
            count += 1 + len(record.get("stageChanges") or [])
    return count


def test_the_dump_imports_as_the_golden_log(result: ImportResult) -> None:
    assert kit.dicts(result.events) == kit.golden(GOLDEN)


def test_every_record_is_an_event_source_an_error_or_a_skip(result: ImportResult) -> None:
    records = _source_records()
    producing = kit.producing(result, records)
    assert (*kit.tally(result, records), len(result.events)) == (34, 5, 15, 21)
    assert producing <= len(result.events) <= 3 * producing
    assert dict(result.skipped) == {
        "a deleted note": 1,
        "a stage change of an opportunity that could not be read": 1,
        "an archive reason": 4,
        "an empty list of an opportunity": 1,
        "an internal note": 1,
        "feedback on an imported interview": 1,
        "feedback on an interview not in the input": 1,
        "interview feedback without its interview": 1,
        "the stage an opportunity was created in": 4,
    }


def _shown(items: Any) -> list[str]:
    return [str(i).replace(str(DUMP) + "/", "") for i in items]


def test_input_errors_name_the_file_and_the_place(result: ImportResult) -> None:
    assert _shown(result.errors) == [
        "opportunities-2.json (data[0].stageChanges[1]): updatedAt: expected epoch "
        "milliseconds, got a string",
        "opportunities-2.json (data[1]): createdAt: expected epoch milliseconds, got a string",
        "opportunities-2.json (data[2]): createdAt: 1772701200 is too small for epoch "
        "milliseconds (seconds, or not a time?)",
        "opportunity_lists.jsonl:6: its opportunity, case '0000dead-beef-4000-8000-"
        "000000000000', is not in the input",
        "opportunity_lists.jsonl:8: not JSON (Expecting value, column 1)",
    ]


def test_warnings_name_the_place(result: ImportResult) -> None:
    assert _shown(result.warnings) == [
        f"opportunities-2.json (data[0]): case '{D}' was archived for reason "
        "99999999-aaaa-4bbb-8ccc-dddddddddddd, which is not among the archive reasons in the "
        "input: whether it was a hire is not known, and the archive is not imported",
        "opportunity_lists.jsonl:4 (interviews[2]): interview 3a8a2c7b-5e3b-4c4d-8f9b-"
        "5d0e1f2a3b4c has no createdAt: when it was scheduled is not known",
        "opportunity_lists.jsonl:5 (feedback[0]): feedback fb-0005 is on interview "
        "4b9b3d8c-6f4c-4d5e-9a0c-6e1f2a3b4c5d, which is not in the input: the interview is "
        "not imported",
    ]


def _of(result: ImportResult, case_id: str) -> list[tuple[str, str]]:
    return sorted(
        (e.timestamp.isoformat(), e.activity) for e in result.events if e.case_id == case_id
    )


def test_epoch_milliseconds_stage_changes_and_the_archive(result: ImportResult) -> None:
    assert _of(result, A) == [
        ("2026-03-02T09:00:00+00:00", "application_received"),
        ("2026-03-04T10:15:00+00:00", "screening_started"),
        ("2026-03-05T12:00:00+00:00", "interview_scheduled"),
        ("2026-03-09T14:00:00+00:00", "stage_changed"),
        # The feedback submitted on it says the interview was held.
        ("2026-03-10T08:00:00+00:00", "interview_held"),
        ("2026-03-13T15:30:00+00:00", "rejected"),
        ("2026-03-13T15:31:07.250000+00:00", "talent_pool_joined"),
    ]
    (rejected,) = [e for e in result.events if e.case_id == A and e.activity == "rejected"]
    assert dict(rejected.attributes) == {
        "reason": "Underqualified",
        "reason_id": "63dd55b2-a99f-4e7b-985f-22c7bf80ab42",
    }


def test_the_hired_archive_reason_is_a_hire(result: ImportResult) -> None:
    hire = [e for e in result.events if e.case_id == B and e.activity.startswith("offer")]
    assert [(e.activity, dict(e.attributes)) for e in hire] == [
        ("offer_made", {"inferred": "hired"}),
        ("offer_accepted", {"inferred": "hired"}),
    ]
    # A canceled interview was scheduled, never held.
    canceled = [e for e in result.events if e.event_id and "2f7f1b6a" in e.event_id]
    assert [(e.activity, e.attributes["canceled_at"]) for e in canceled] == [
        ("interview_scheduled", "2026-03-11T08:00:00+00:00")
    ]


def test_data_protection_consent_is_a_consent_event(result: ImportResult) -> None:
    (joined,) = [e for e in result.events if e.activity == "talent_pool_joined"]
    assert (joined.case_id, dict(joined.attributes)) == (
        A,
        {"consent": True, "expires_at": "2027-03-13T15:30:00+00:00", "contact_allowed": True},
    )
    # store.allowed false (B) and no store at all (H) join nothing.


def test_a_withdrawal_and_the_partial_traces(result: ImportResult) -> None:
    assert [a for _, a in _of(result, C)] == ["application_received", "withdrawn"]
    assert result.partial == {
        C: "the opportunity was anonymised: its history may be gone",
        D: "its archive reason is not in the export",
    }


def test_no_name_address_or_note_reaches_an_event() -> None:
    text = GOLDEN.read_text("utf-8")
    for personal in ("Shane", "example.com", "456-7891", "parking", "Rachel", "Acme"):
        assert personal not in text


def test_one_opportunity_translates_on_its_own() -> None:
    page = json.loads((DUMP / "opportunities-1.json").read_text("utf-8"))
    reasons = json.loads((DUMP / "archive_reasons.json").read_text("utf-8"))["data"]
    alone = LEVER.translate(page["data"][2])
    assert [e.activity for e in alone.events] == ["application_received"]
    assert len(alone.warnings) == 1  # its archive reason is not known on its own
    with_reasons = LEVER.translate({**page["data"][2], "archiveReasons": reasons}, name="hook")
    assert [e.activity for e in with_reasons.events] == ["application_received", "withdrawn"]
    lone = LEVER.translate({"opportunityId": A, "notes": [{"id": "n"}]})
    assert _shown(lone.errors) == [f"<record>: its opportunity, case '{A}', is not in the input"]


def test_deleted_feedback_does_not_make_an_interview_held(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    lines = [
        {"id": "o1", "createdAt": 1772442000000, "stageChanges": [], "archived": None},
        {
            "opportunityId": "o1",
            "interviews": [{"id": "i1", "createdAt": 1772445600000, "date": 1772701200000}],
            "feedback": [
                {
                    "id": "f1",
                    "interview": "i1",
                    "completedAt": 1772704800000,
                    "deletedAt": 1772708400000,
                },
            ],
        },
    ]
    export.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = ImportResult.of(LEVER.read([str(export)]))
    assert [e.activity for e in result.events] == ["application_received", "interview_scheduled"]
    assert result.skipped["a deleted feedback form"] == 1


def test_lever_is_registered() -> None:
    assert isinstance(get_importer("lever"), Lever)


# -- the audit -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> cx_rules.Report:
    return cx_rules.audit(FILES, importer=LEVER)


def test_the_audit_of_the_dump_finds_what_the_data_shows(report: cx_rules.Report) -> None:
    assert report.input.events == 19
    assert dict(report.input.unmapped_activities) == {"stage_changed": 2}
    problems = Counter(
        (f.case_id[:4], f.code, f.outcome.value)
        for f in report.findings
        if f.outcome.value != "unknown"
    )
    # Never moved on and never archived: no first decision in 14 days.
    assert problems == Counter({("b7b7", "CX405", "violated"): 1})
    states = {c.case_id[:4]: c.state for c in report.cases}
    assert states == {
        "250d": "rejected",
        "7f3e": "hired",
        "9a9a": "applied",
        "b7b7": "applied",
        "c0ff": "withdrawn",
        "d4e5": "applied",
    }
    passed = {r.code for r in report.rules if r.tally.passed}
    assert {"CX101", "CX404", "CX405", "CX502"} <= passed


def test_without_messages_silence_is_unknown_never_a_violation(report: cx_rules.Report) -> None:
    kit.assert_never_judged(
        report, "CX102 CX103 CX104 CX201 CX202 CX301 CX302 CX401 CX402 CX403 CX406 CX501 CX503"
    )
    # The partial case's missing first decision is unknown, not violated.
    (late,) = [f for f in report.findings if f.case_id == D and f.code == "CX405"]
    assert late.outcome.value == "unknown"


def test_the_json_report_validates_and_keeps_notes_out(report: cx_rules.Report) -> None:
    text = render(report, "json")
    data = kit.validated(text)
    assert data["source"]["system"] == "lever"
    assert sorted(data["source"]["partial_cases"]) == sorted([C, D])
    kit.assert_none_in(text, ("parking", "Shane", "example.com"))


def test_the_audit_is_the_same_in_two_processes(report: cx_rules.Report) -> None:
    split = cx_rules.audit(FILES, importer=LEVER, jobs=2)
    assert render(split, "json") == render(report, "json")


# -- any JSON of the right shape -------------------------------------------------------------

_FIELDS = (
    "id",
    "createdAt",
    "updatedAt",
    "stage",
    "stageChanges",
    "toStageId",
    "toStageIndex",
    "userId",
    "archived",
    "archivedAt",
    "reason",
    "dataProtection",
    "store",
    "contact",
    "allowed",
    "expiresAt",
    "isAnonymized",
    "applications",
    "posting",
    "text",
    "type",
    "opportunityId",
    "interviews",
    "feedback",
    "notes",
    "data",
    "date",
    "canceledAt",
    "feedbackForms",
    "interview",
    "completedAt",
    "deletedAt",
    "location",
    "duration",
    "user",
    "archiveReasons",
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**14),
    st.sampled_from(
        [
            1772442000000,
            "1772442000000",
            1772442000,
            253370764800000,
            "2026-03-02T09:00:00Z",
            "hired",
            "non-hired",
            "Withdrew",
            "https://meet.example.com/x",
            "a",
            "b",
        ]
    ),
    st.text(max_size=6),
)


def _values() -> st.SearchStrategy[Any]:
    return kit.nested(_SCALARS, _FIELDS, list_size=3, dict_size=6, max_leaves=14)


_RECORD = st.dictionaries(st.sampled_from(_FIELDS), _values(), max_size=8)


@given(st.lists(st.one_of(_RECORD, _values()), max_size=6), st.booleans())
def test_any_json_of_the_right_shape_gives_events_and_errors(
    records: list[Any], paged: bool
) -> None:
    with kit.written(
        ".json", json.dumps({"data": records, "hasNext": False} if paged else records)
    ) as name:
        result = ImportResult.of(LEVER.read([name]))
        assert all(isinstance(e, Event) for e in result.events)
        assert all(isinstance(e, InputError) for e in result.errors)
    kit.assert_translates_to_events(LEVER, records)


def test_redaction_hides_the_case_ids_of_warnings_and_partial_cases(
    report: cx_rules.Report,
) -> None:
    from cx_rules.report import redact

    hidden = redact(report, "salt")
    assert hidden.source is not None
    assert C not in json.dumps(dict(hidden.source.partial_cases))
    assert not any(D in w.message for w in hidden.source.warnings)


def test_the_owner_is_the_opportunitys_owner(result: ImportResult) -> None:
    received = {e.case_id: e for e in result.events if e.activity == "application_received"}
    assert received[A].get("owner") == "8d49b010-cc6a-4f40-ace5-e86061c677ed"
    report = cx_rules.audit(FILES, importer=LEVER, policy=cx_rules.Policy(min_group_size=1))
    # Every opportunity of the dump has the one owner: the owners table has one row.
    assert [(g.key, g.candidates) for g in report.owners] == [
        ("8d49b010-cc6a-4f40-ace5-e86061c677ed", 6)
    ]
