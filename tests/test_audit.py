"""The audit driver: replaying logs through the engine, cut-offs, counts and input order."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

import pytest

from cx_rules import Engine, Event, InvalidEvent, NaiveTimestamp, Outcome, Policy
from cx_rules.auditing import SourceChanged, audit
from cx_rules.io.native import event_from_dict
from cx_rules.io.records import InputError
from cx_rules.report import Tally, to_json
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.testing import run

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"


def _engine(policy: Policy | None = None) -> Engine:
    # Only the process rules and CX401: these tests are about the driver, not the catalogue.
    return Engine(policy, rules=[RuleError, IllegalTransition, AcknowledgeApplication])


def _line(case: str, activity: str, ts: str, **extra: object) -> str:
    return json.dumps({"case_id": case, "activity": activity, "timestamp": ts, **extra})


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# c1 is acknowledged late, c2 never, c3 on time; c1 then gets an offer after its rejection.
LOG = [
    _line("c1", "application_received", "2026-03-02T09:00:00+01:00", job_id="J1", actor="ann"),
    _line("c2", "application_received", "2026-03-02T10:00:00+01:00", job_id="J2"),
    _line("c3", "application_received", "2026-03-03T10:00:00+01:00", job_id="J1"),
    _line("c3", "application_acknowledged", "2026-03-03T12:00:00+01:00", actor="bo"),
    _line("c1", "rejected", "2026-03-09T09:00:00+01:00", actor="ann", reason="private words"),
    _line("c1", "offer_made", "2026-03-10T09:00:00+01:00", actor="bo"),
]


def _listed(report_findings: object) -> list[tuple[str, str, str]]:
    return [(f.case_id, f.code, f.outcome.value) for f in report_findings]  # type: ignore[attr-defined]


def test_audit_replays_each_case_and_finishes_at_the_latest_event(tmp_path: Path) -> None:
    report = audit(_write(tmp_path / "log.jsonl", LOG), engine=_engine())

    assert datetime.fromisoformat("2026-03-10T09:00:00+01:00") == report.as_of
    assert _listed(report.findings) == [
        ("c1", "CX401", "violated"),
        ("c1", "CX001", "violated"),
        ("c2", "CX401", "violated"),
    ]
    rules = {r.code: r.tally for r in report.rules}
    assert Tally(passed=5, violated=1) == rules["CX001"]
    assert Tally(passed=1, violated=2) == rules["CX401"]
    assert Tally() == rules["CX000"]
    cases = {c.case_id: (c.job_id, c.state, c.tally) for c in report.cases}
    assert {
        "c1": ("J1", "rejected", Tally(passed=2, violated=2)),
        "c2": ("J2", "applied", Tally(passed=1, violated=1)),
        "c3": ("J1", "applied", Tally(passed=3)),
    } == cases


def test_report_findings_are_those_of_the_live_engine(tmp_path: Path) -> None:
    # The audit must judge exactly as an ATS calling Engine.record and Engine.finish would.
    engine = _engine()
    events = [
        Event(d["case_id"], d["activity"], d["timestamp"])
        for d in (json.loads(line) for line in LOG)
    ]
    live = run(engine, events, as_of="2026-03-10T09:00:00+01:00")
    expected = sorted(
        (f.case_id, f.at, f.code, f.outcome.value, f.message)
        for f in live
        if f.outcome in (Outcome.VIOLATED, Outcome.UNKNOWN)
    )

    report = audit(events, engine=engine)

    assert expected == [
        (f.case_id, f.at, f.code, f.outcome.value, f.message) for f in report.findings
    ]


def test_as_of_later_than_the_log_turns_pending_into_violations(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "log.jsonl",
        [_line("c1", "application_received", "2026-03-02T09:00:00+01:00")],
    )

    # A one-case log never holds an acknowledgement: the policy says its absence violates.
    policy = Policy(rules={"CX401": {"absence_is_violation": True}})
    before = audit(path, engine=_engine(policy))
    after = audit(path, engine=_engine(policy), as_of="2026-03-09T00:00:00+01:00")

    assert Tally(pending=1) == {r.code: r.tally for r in before.rules}["CX401"]
    assert Tally(violated=1) == {r.code: r.tally for r in after.rules}["CX401"]
    assert datetime.fromisoformat("2026-03-09T00:00:00+01:00") == after.as_of


def test_events_after_as_of_are_left_out_and_counted(tmp_path: Path) -> None:
    report = audit(
        _write(tmp_path / "log.jsonl", LOG), engine=_engine(), as_of="2026-03-05T00:00:00+01:00"
    )

    assert (
        report.input.lines,
        report.input.events,
        report.input.after_as_of,
        report.input.cases,
    ) == (6, 4, 2, 3)
    # c1's rejection and offer come later: c1 is still open, its acknowledgement overdue.
    assert _listed(report.findings) == [("c1", "CX401", "violated"), ("c2", "CX401", "violated")]


def test_as_of_must_have_a_time_zone(tmp_path: Path) -> None:
    with pytest.raises(NaiveTimestamp, match="as_of"):
        audit(_write(tmp_path / "log.jsonl", LOG), engine=_engine(), as_of="2026-03-05T00:00:00")


@pytest.mark.parametrize("order", ["reversed", "shuffled", "by case"])
def test_input_order_never_changes_the_report(tmp_path: Path, order: str) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    if order == "reversed":
        lines.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(lines)
    else:
        lines.sort(key=lambda line: json.loads(line)["case_id"])
    expected = audit(SAMPLE)
    actual = audit(_write(tmp_path / "sample.jsonl", lines))

    assert to_json(expected).replace(str(SAMPLE), "X") == to_json(actual).replace(
        str(tmp_path / "sample.jsonl"), "X"
    )


def test_a_case_split_over_files_is_one_case(tmp_path: Path) -> None:
    first = _write(tmp_path / "b.jsonl", LOG[3:])
    second = _write(tmp_path / "a.jsonl", LOG[:3])
    whole = audit(_write(tmp_path / "log.jsonl", LOG), engine=_engine())

    split = audit([first, second], engine=_engine())

    assert (str(first), str(second)) == split.input.files
    assert whole.findings == split.findings
    assert whole.cases == split.cases


def test_sources_may_be_events_dicts_and_input_errors() -> None:
    bad = InputError("upstream.csv", 4, "missing required field 'timestamp'")
    source = [
        json.loads(LOG[0]),
        Event("c2", "application_received", "2026-03-02T10:00:00+01:00"),
        bad,
        {"case_id": "c3", "activity": "rejected"},
    ]

    report = audit(source, engine=_engine())

    assert (
        report.input.lines,
        report.input.events,
        report.input.rejected,
        report.input.cases,
    ) == (4, 2, 2, 2)
    assert (
        bad,
        InputError("<input>", 4, "missing required field 'timestamp'"),
    ) == report.errors
    assert report.input.files == ()


def test_a_one_shot_iterator_is_read_once_and_still_audited() -> None:
    events = (Event(f"c{n}", "application_received", "2026-03-02T10:00:00+01:00") for n in range(3))

    report = audit(events, engine=_engine())

    assert report.input.cases == 3


def test_source_items_of_another_type_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="item 2: expected an Event"):
        audit([json.loads(LOG[0]), 42], engine=_engine())


def test_unknown_activities_are_counted_per_activity_not_recorded(tmp_path: Path) -> None:
    lines = [
        *LOG,
        _line("c2", "recruiter_note", "2026-03-04T10:00:00+01:00", text="never shown"),
        _line("c3", "recruiter_note", "2026-03-04T11:00:00+01:00"),
        _line("c9", "coffee", "2026-03-04T11:00:00+01:00"),
    ]

    report = audit(_write(tmp_path / "log.jsonl", lines), engine=_engine())

    assert dict(report.input.unmapped_activities) == {"coffee": 1, "recruiter_note": 2}
    assert report.input.unmapped == 3
    assert report.input.cases == 3  # c9 had no recorded event, so it is no case


def test_strict_stops_at_the_first_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", [LOG[0], "{oops", '"a string"'])

    with pytest.raises(InvalidEvent, match=r"log\.jsonl:2: not valid JSON"):
        audit(path, engine=_engine(), strict=True)


def test_strict_input_without_errors_audits_normally(tmp_path: Path) -> None:
    report = audit(_write(tmp_path / "log.jsonl", LOG), engine=_engine(), strict=True)

    assert report.input.cases == 3


def test_duplicates_are_skipped_and_conflicting_event_ids_rejected(tmp_path: Path) -> None:
    lines = [
        _line("c1", "application_received", "2026-03-02T09:00:00+01:00", event_id="e1"),
        _line("c1", "application_received", "2026-03-02T09:00:00+01:00", event_id="e1"),
        _line("c1", "application_acknowledged", "2026-03-02T10:00:00+01:00", event_id="e2"),
        _line("c1", "rejected", "2026-03-02T11:00:00+01:00", event_id="e2"),
    ]

    report = audit(_write(tmp_path / "log.jsonl", lines), engine=_engine())

    assert (report.input.lines, report.input.events, report.input.rejected) == (4, 3, 1)
    assert [
        InputError(
            str(tmp_path / "log.jsonl"),
            4,
            "case 'c1': rejected at 2026-03-02T11:00:00+01:00 reuses the event_id of a "
            "different event of the case; it is left out",
        )
    ] == list(report.errors)
    assert report.cases[0].state == "applied"
    assert Tally(passed=1) == {r.code: r.tally for r in report.rules}["CX401"]


def test_an_audit_judges_and_never_blocks_on_enforced_rules(tmp_path: Path) -> None:
    policy = Policy.from_mapping({"enforce": ["CX001"]})

    report = audit(_write(tmp_path / "log.jsonl", LOG), policy=policy)

    assert [t for t in _listed(report.findings) if t[1] == "CX001"] == [("c1", "CX001", "violated")]


def test_the_policy_mapping_renames_the_log(tmp_path: Path) -> None:
    policy = Policy.from_mapping(
        {"mapping": {"activities": {"Ansøgning modtaget": "application_received"}}}
    )
    path = _write(
        tmp_path / "log.jsonl",
        [_line("c1", "Ansøgning modtaget", "2026-03-02T09:00:00+01:00")],
    )

    report = audit(path, policy=policy)

    assert (report.input.events, report.input.unmapped) == (1, 0)


def test_group_by_scores_per_job_actor_and_month(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", LOG)

    # Groups this small are suppressed by default (min_group_size 5).
    every = Policy(min_group_size=1)
    by_job = audit(path, engine=_engine(every), group_by="job_id")
    by_actor = audit(path, engine=_engine(every), group_by="actor")
    by_month = audit(path, engine=_engine(every), group_by="month")

    assert [
        ("J1", Tally(passed=5, violated=2)),
        ("J2", Tally(passed=1, violated=1)),
    ] == [(g.key, g.tally) for g in by_job.groups]
    assert [
        ("ann", Tally(passed=2, violated=1)),
        ("bo", Tally(passed=3, violated=1)),
        (None, Tally(passed=1, violated=1)),
    ] == [(g.key, g.tally) for g in by_actor.groups]
    assert [("2026-03", Tally(passed=6, violated=3))] == [(g.key, g.tally) for g in by_month.groups]
    assert audit(path, engine=_engine()).groups == ()


def test_group_by_must_name_an_attribute_once(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", LOG)
    with pytest.raises(ValueError, match="group_by: expected an event attribute"):
        audit(path, engine=_engine(), group_by=["job_id", " "])
    with pytest.raises(ValueError, match="group_by: job_id given twice"):
        audit(path, engine=_engine(), group_by=["job_id", "job"])


def test_a_policy_and_an_engine_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not both"):
        audit(_write(tmp_path / "log.jsonl", LOG), engine=_engine(), policy=Policy())


def test_a_strict_engine_is_refused(tmp_path: Path) -> None:
    strict = Engine(rules=[RuleError, IllegalTransition], strict=True)
    with pytest.raises(ValueError, match="strict=False"):
        audit(_write(tmp_path / "log.jsonl", LOG), engine=strict)


def test_an_empty_log_gives_an_empty_report(tmp_path: Path) -> None:
    report = audit(_write(tmp_path / "log.jsonl", []), engine=_engine())

    assert (report.as_of, report.score, report.input.lines, report.findings) == (None, None, 0, ())


def test_a_file_changed_between_the_passes_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", LOG)
    calls: list[tuple[str, int, int]] = []

    def grow(phase: str, records: int, cases: int) -> None:
        calls.append((phase, records, cases))
        if (phase, records) == ("reading", len(LOG)):  # the first pass is over
            with path.open("a", encoding="utf-8") as handle:
                handle.write(_line("c7", "application_received", "2026-03-11T09:00:00+01:00"))

    with pytest.raises(SourceChanged, match="changed between the audit's two passes"):
        audit(path, engine=_engine(), progress=grow)
    assert calls[0] == ("reading", 0, 0)


def test_progress_reports_both_passes(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []

    audit(
        _write(tmp_path / "log.jsonl", LOG),
        engine=_engine(),
        progress=lambda *args: calls.append(args),
    )

    assert calls == [
        ("reading", 0, 0),
        ("reading", 6, 0),
        ("checking", 0, 0),
        ("checking", 6, 3),
    ]


def test_the_sample_log_shows_good_and_bad_practice() -> None:
    report = audit(SAMPLE)

    assert (
        report.input.lines,
        report.input.events,
        report.input.cases,
        report.input.rejected,
        dict(report.input.unmapped_activities),
    ) == (98, 97, 16, 0, {"recruiter_note": 1})
    assert datetime.fromisoformat("2026-05-12T10:00:00+02:00") == report.as_of
    listed = set(_listed(report.findings))
    # An offer after the rejection, an e-mail rejection after an interview, a late
    # acknowledgement and a talent-pool join without consent.
    assert {
        ("A-006", "CX001", "violated"),
        ("A-002", "CX102", "violated"),
        ("A-003", "CX401", "violated"),
        ("A-008", "CX502", "violated"),
    } <= listed
    assert report.score is not None
    assert 50 < report.score < 95
    # The exemplary case has nothing to act on.
    assert "A-001" not in {f.case_id for f in report.findings}


def test_events_at_one_moment_are_replayed_in_the_models_order(tmp_path: Path) -> None:
    # Exports with minute resolution put several events of a case at one moment, in whatever
    # order the exporting system sorted them.  The audit orders them as the process does:
    # the interview before the rejection, the process information with the invitation.
    lines = [
        _line("c1", "application_received", "2026-03-02T09:00:00+01:00"),
        _line("c1", "application_acknowledged", "2026-03-02T09:00:00+01:00", channel="email"),
        _line("c1", "interview_scheduled", "2026-03-04T10:00:00+01:00", interview_id="i1"),
        _line("c1", "process_info_sent", "2026-03-04T10:00:00+01:00", channel="email"),
        _line("c1", "rejected", "2026-03-10T10:00:00+01:00", channel="phone", reason="skills"),
        _line("c1", "interview_held", "2026-03-10T10:00:00+01:00", channel="video"),
    ]
    reports = [
        to_json(audit(_write(tmp_path / f"{name}.jsonl", order), as_of="2026-03-10T10:00:00+01:00"))
        for name, order in (("forward", lines), ("reversed", lines[::-1]))
    ]
    assert reports[0].replace("forward", "X") == reports[1].replace("reversed", "X")
    data = json.loads(reports[0])
    assert [f["code"] for f in data["findings"] if f["code"] in ("CX001", "CX402")] == []
    tallies = {r["code"]: r for r in data["rules"]}
    assert (tallies["CX001"]["passed"], tallies["CX402"]["passed"]) == (6, 1)
    events = [event_from_dict(json.loads(line)) for line in lines[::-1]]
    assert [e.activity for e in Engine().model.in_order(events)] == [
        "application_received",
        "application_acknowledged",
        "process_info_sent",
        "interview_scheduled",
        "interview_held",
        "rejected",
    ]
