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


# -- an event id reused within a case ------------------------------------------------------

REUSED = "reuses the event_id of a different event of the case; it is left out"


def _event_line(activity: str, hour: int, event_id: str, case_id: str = "c1") -> str:
    return json.dumps(
        {
            "case_id": case_id,
            "activity": activity,
            "timestamp": f"2026-03-02T{hour:02}:00:00+01:00",
            "event_id": event_id,
        }
    )


def _places(report: object) -> list[tuple[str, int | None, str | None, str]]:
    return [
        (e.file, e.line, e.element, e.message)
        for e in report.errors  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_event_left_out_for_a_reused_event_id_is_named_by_its_line(
    tmp_path: Path, jobs: int
) -> None:
    path = tmp_path / "log.jsonl"
    lines = [
        _event_line("application_received", 9, "e1"),
        "",  # blank lines are not records: the place is the line, not the record's position
        _event_line("application_acknowledged", 10, "e2"),
        _event_line("rejected", 11, "e2"),
        _event_line("application_received", 9, "e1", case_id="c2"),
        "",
        _event_line("withdrawn", 12, "e2"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = audit(path, jobs=jobs)

    assert _places(report) == [
        (str(path), 4, None, f"case 'c1': rejected at 2026-03-02T11:00:00+01:00 {REUSED}"),
        (str(path), 7, None, f"case 'c1': withdrawn at 2026-03-02T12:00:00+01:00 {REUSED}"),
    ]
    assert str(report.errors[0]).startswith(f"{path}:4: case 'c1': rejected")
    assert (report.input.lines, report.input.events, report.input.rejected) == (5, 3, 2)
    assert _adds_up(report)


def test_the_same_event_left_out_twice_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    rejected = _event_line("rejected", 11, "e1")
    path.write_text(
        "\n".join([_event_line("application_received", 9, "e1"), rejected, rejected]) + "\n",
        encoding="utf-8",
    )

    report = audit(path)

    assert [(e.line, e.message.endswith(REUSED)) for e in report.errors] == [(2, True), (3, True)]
    assert _adds_up(report)


def test_a_reused_event_id_in_csv_names_the_line_its_row_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "case_id,activity,timestamp,event_id,note\n"
        'c1,application_received,2026-03-02T09:00:00+01:00,e1,"a note\nover two lines"\n'
        "c1,rejected,2026-03-02T11:00:00+01:00,e1,\n",
        encoding="utf-8",
    )

    report = audit(path)

    assert [(e.line, e.element) for e in report.errors] == [(4, None)]
    assert report.errors[0].message.endswith(REUSED)


def test_a_reused_event_id_in_xes_names_the_line_and_the_element(tmp_path: Path) -> None:
    def event(activity: str, hour: int) -> str:
        return (
            f'<event><string key="concept:name" value="{activity}"/>'
            f'<date key="time:timestamp" value="2026-03-02T{hour:02}:00:00+01:00"/>'
            '<id key="identity:id" value="e1"/></event>\n'
        )

    path = tmp_path / "log.xes"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<log>\n'
        '<trace><string key="concept:name" value="c1"/>\n'
        + event("application_received", 9)
        + event("rejected", 11)
        + "</trace>\n</log>\n",
        encoding="utf-8",
    )

    report = audit(path)

    assert [(e.line, e.element) for e in report.errors] == [(5, "trace 1 (case c1), event 2")]
    assert str(report.errors[0]).startswith(f"{path}:5 (trace 1 (case c1), event 2): case 'c1'")


def test_a_reused_event_id_names_its_own_file_among_several(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(_event_line("application_received", 9, "e1") + "\n", encoding="utf-8")
    second.write_text(
        _event_line("application_received", 8, "e0", case_id="c2")
        + "\n"
        + _event_line("rejected", 11, "e1")
        + "\n",
        encoding="utf-8",
    )

    report = audit([first, second])

    assert [(e.file, e.line) for e in report.errors] == [(str(second), 2)]


def test_a_reused_event_id_in_an_iterable_names_the_item(tmp_path: Path) -> None:
    items = [json.loads(_event_line(a, h, "e1")) for a, h in (("applied", 8), ("rejected", 11))]
    items[0]["activity"] = "application_received"

    report = audit(items)

    assert [(e.file, e.line) for e in report.errors] == [("<input>", 2)]
    assert report.errors[0].message.endswith(REUSED)


def test_a_reused_event_id_in_ocel_names_the_element(tmp_path: Path) -> None:
    def event(type: str, time: str) -> dict[str, object]:
        return {
            "id": "e1",
            "type": type,
            "time": time,
            "attributes": [],
            "relationships": [{"objectId": "a1", "qualifier": ""}],
        }

    path = tmp_path / "log.json"
    path.write_text(
        json.dumps(
            {
                "objects": [{"id": "a1", "type": "application", "attributes": []}],
                "events": [
                    event("application_received", "2026-03-02T09:00:00+01:00"),
                    event("rejected", "2026-03-02T11:00:00+01:00"),
                ],
            }
        ),
        encoding="utf-8",
    )

    report = audit(path)

    assert [(e.line, e.element) for e in report.errors] == [(None, 'events["e1"]')]
    assert str(report.errors[0]).startswith(f"{path} (events[\"e1\"]): case 'a1': rejected")
