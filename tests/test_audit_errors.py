"""Broken input: every record is accounted for, and every error says where it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cx_rules import Policy
from cx_rules.auditing import audit
from cx_rules.io.records import LogError
from cx_rules.report import MAX_ERRORS

DATA = Path(__file__).resolve().parent / "data" / "audit"


def _adds_up(report: object) -> bool:
    i = report.input  # type: ignore[attr-defined]
    return bool(i.lines == i.events + i.rejected + i.unmapped + i.after_as_of)


def test_broken_log_counts_add_up_and_name_each_line() -> None:
    report = audit(DATA / "broken.jsonl")

    i = report.input
    assert (
        i.lines,
        i.events,
        i.cases,
        i.rejected,
        dict(i.unmapped_activities),
        i.after_as_of,
    ) == (14, 5, 3, 8, {"moved_to_folder": 1}, 0)
    assert _adds_up(report)
    name = str(DATA / "broken.jsonl")
    assert [(name, n) for n in (3, 4, 5, 6, 7, 11, 13, 14)] == [
        (e.file, e.line) for e in report.errors
    ]
    # Each message says what was expected, in the reader's words.
    expected_words = [
        "JSON",
        "object",
        "case_id",
        "time zone",
        "ISO 8601",
        "actor",
        "object",
        "case_id",
    ]
    for error, word in zip(report.errors, expected_words, strict=True):
        assert word in error.message


def test_an_event_older_than_its_case_is_replayed_in_time_order() -> None:
    report = audit(DATA / "broken.jsonl")

    # Line 12 acknowledges c1 an hour before its application: sorted first, it is an illegal
    # step in state 'new', and the application then goes unacknowledged.
    assert [(f.case_id, f.code, f.outcome.value) for f in report.findings if f.case_id == "c1"] == [
        ("c1", "CX001", "violated"),
        ("c1", "CX401", "violated"),
    ]


def test_a_number_as_case_id_is_read_as_text() -> None:
    report = audit(DATA / "broken.jsonl")

    assert [c.case_id for c in report.cases] == ["17", "c1", "c2"]


def test_assume_timezone_accepts_naive_timestamps() -> None:
    policy = Policy.from_mapping({"assume_timezone": "Europe/Copenhagen"})

    report = audit(DATA / "broken.jsonl", policy=policy)

    assert (report.input.events, report.input.rejected) == (6, 7)
    assert _adds_up(report)


def test_a_log_of_nothing_but_errors() -> None:
    report = audit(DATA / "only-errors.jsonl")

    assert (
        report.input.lines,
        report.input.events,
        report.input.cases,
        report.input.rejected,
    ) == (2, 0, 0, 2)
    assert (report.as_of, report.score) == (None, None)


def test_a_file_that_is_not_utf8_cannot_be_audited() -> None:
    with pytest.raises(LogError, match=r"not-utf8\.jsonl:2: not UTF-8 text"):
        audit(DATA / "not-utf8.jsonl")


def test_a_missing_file_is_named() -> None:
    with pytest.raises(LogError, match=r"absent\.jsonl: no such file"):
        audit(DATA / "absent.jsonl")


def test_errors_listed_are_capped_but_all_counted(tmp_path: Path) -> None:
    path = tmp_path / "noisy.jsonl"
    good = {"case_id": "c1", "activity": "application_received"}
    good["timestamp"] = "2026-03-02T09:00:00+01:00"
    path.write_text(
        json.dumps(good) + "\n" + "".join("{broken\n" for _ in range(MAX_ERRORS + 5)),
        encoding="utf-8",
    )

    report = audit(path)

    assert (
        report.input.lines,
        report.input.rejected,
        len(report.errors),
    ) == (MAX_ERRORS + 6, MAX_ERRORS + 5, MAX_ERRORS)
    assert (report.errors[0].line, report.errors[-1].line) == (2, MAX_ERRORS + 1)
    assert _adds_up(report)


def test_counts_add_up_with_a_cut_off() -> None:
    report = audit(DATA / "broken.jsonl", as_of="2026-03-02T12:00:00+01:00")

    assert (report.input.after_as_of, report.input.events) == (2, 3)
    assert _adds_up(report)
