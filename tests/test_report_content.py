"""The report's content: data coverage, rules not recorded in a log, fix first, owners,
several group-by keys, cohorts, benchmarks; and that all of it merges exactly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import Engine, Policy, PolicyError
from cx_rules.auditing import audit
from cx_rules.events import Event
from cx_rules.io import read_path
from cx_rules.report import (
    CaseScore,
    Collector,
    InputSummary,
    Report,
    Tally,
    json_schema,
    redact,
    render,
    to_json,
)
from cx_rules.report.as_csv import COLUMNS
from cx_rules.report.benchmarks import PUBLISHED

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"
EVERY = Policy(min_group_size=1)


def _line(case: str, activity: str, ts: str, **extra: object) -> str:
    return json.dumps({"case_id": case, "activity": activity, "timestamp": ts, **extra})


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _unacknowledged(n: int) -> list[str]:
    """``n`` applications, none acknowledged, each rejected a week later with a reason."""
    lines = []
    for i in range(n):
        day = 2 + i % 3
        lines.append(
            _line(
                f"c{i}",
                "application_received",
                f"2026-03-0{day}T09:00:00+01:00",
                job_id="J1",
                owner="ann" if i % 2 else "bo",
                department="sales" if i < 3 else "tech",
            )
        )
        lines.append(
            _line(
                f"c{i}",
                "rejected",
                f"2026-03-1{day}T09:00:00+01:00",
                actor="carl",
                channel="email",
                reason="fit",
            )
        )
    return lines


# -- data coverage and rules not recorded in this log ----------------------------------------


def test_a_rule_whose_evidence_never_occurs_is_not_recorded_and_unknown(tmp_path: Path) -> None:
    report = audit(_write(tmp_path / "log.jsonl", _unacknowledged(6)))

    reason = report.not_recorded["CX401"]
    assert reason == (
        "not recorded in this log: no application_acknowledged or status_update_sent or "
        "process_info_sent in 6 cases"
    )
    ack = {r.code: r for r in report.rules}["CX401"]
    assert (ack.tally.passed, ack.tally.violated, ack.tally.unknown) == (0, 0, 6)
    assert ack.not_recorded == reason
    assert ack.compliance is None
    # Its findings are listed as unknown, saying why; no case is scored on it.
    found = [f for f in report.findings if f.code == "CX401"]
    assert len(found) == 6
    assert all(f.outcome.value == "unknown" and f.message.startswith(reason) for f in found)
    assert all(c.tally.violated == 0 or c.score is not None for c in report.cases)
    assert not any(f.code == "CX401" for f in report.findings if f.outcome.value == "violated")
    rows = {c.key: c for c in report.coverage}
    assert (rows["application_acknowledged"].seen, rows["application_acknowledged"].missing) == (
        0,
        6,
    )
    assert (rows["rejected.reason"].seen, rows["rejected.reason"].missing) == (6, 0)
    assert rows["application_acknowledged"].rules == ("CX104", "CX401")
    # A rule whose evidence is there is judged as before.
    assert "CX101" not in report.not_recorded


def test_the_policy_can_say_that_such_absence_is_a_violation(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", _unacknowledged(6))
    policy = Policy.from_mapping({"rules": {"CX401": {"absence_is_violation": True}}})

    report = audit(path, policy=policy)

    assert "CX401" not in report.not_recorded
    assert {r.code: r for r in report.rules}["CX401"].tally.violated == 6


def test_the_rescored_cases_are_those_of_the_whole_log(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", _unacknowledged(6))
    policy = Policy(rules={"CX401": {"absence_is_violation": True}})

    unknown = audit(path)
    violated = audit(path, policy=policy)

    before = {c.case_id: c for c in violated.cases}
    for case in unknown.cases:
        assert before[case.case_id].tally.violated >= case.tally.violated
        assert case.tally.judged + case.tally.unknown == (
            before[case.case_id].tally.judged + before[case.case_id].tally.unknown
        )
    assert sum(c.tally.violated for c in unknown.cases) == unknown.tally.violated


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"rules": {"CX401": {"absence_is_violation": "yes"}}}, "expected true or false"),
        ({"min_group_size": 0}, "min_group_size: expected a whole number"),
        ({"min_group_size": True}, "min_group_size: expected a whole number"),
    ],
)
def test_bad_report_options_are_policy_errors(table: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Policy.from_mapping(table, source="cx-rules.toml")


def test_absence_is_violation_is_not_given_to_the_rule_as_an_option() -> None:
    policy = Policy(rules={"CX401": {"absence_is_violation": True, "business_days": 3}})
    assert Engine(policy).rules["CX401"].option_values["business_days"] == 3
    assert policy.options_for("CX401") == {"business_days": 3}


def test_the_sample_log_records_everything_its_rules_read() -> None:
    report = audit(SAMPLE)
    assert report.not_recorded == {}
    assert all(r.not_recorded is None for r in report.rules)
    assert all(c.seen + c.missing <= report.input.cases for c in report.coverage)


# -- fix first and worst-first order ---------------------------------------------------------


def test_fix_first_ranks_by_severity_weight_times_candidates() -> None:
    report = audit(SAMPLE)
    weights = [i.weight for i in report.fix_first]

    assert weights == sorted(weights, reverse=True)
    for item in report.fix_first:
        rule = {r.code: r for r in report.rules}[item.code]
        assert item.weight == rule.severity.weight * item.candidates
        assert item.candidates == rule.candidates <= rule.tally.violated
        assert item.action
        assert item.page == f"rules/generated/{item.code}.html"
    # The obligation's action, where the rule opens one.
    assert {i.code: i.action for i in report.fix_first}["CX104"] == (
        "send the candidate a status update"
    )


def test_worst_cases_rank_more_violations_first() -> None:
    cases = (
        CaseScore("two", None, "rejected", Tally(0, 2), 0.0),
        CaseScore("five", None, "rejected", Tally(5, 5), 40.0),
        CaseScore("none", None, "hired", Tally(3), 100.0),
    )
    report = Report(None, InputSummary(), None, Tally(), (), (), cases, ())
    assert [c.case_id for c in report.worst_cases()] == ["five", "two"]


def test_zero_percent_and_nothing_judged_differ_in_every_format(tmp_path: Path) -> None:
    report = audit(SAMPLE)
    rules = {r.code: r for r in report.rules}
    zero = next(r.code for r in report.rules if r.compliance == 0.0)
    idle = next(r.code for r in report.rules if r.compliance is None)

    data = {r["code"]: r for r in json.loads(to_json(report))["rules"]}
    assert (data[zero]["compliance"], data[idle]["compliance"]) == (0.0, None)
    rows = {
        r[COLUMNS.index("code")]: r
        for r in csv.reader(io.StringIO(render(report, "csv"), newline=""))
        if r[0] == "rule"
    }
    value, detail = COLUMNS.index("value"), COLUMNS.index("detail")
    assert (rows[zero][value], rows[idle][value], rows[idle][detail]) == (
        "0.0",
        "",
        "nothing judged",
    )
    text = render(report, "text")
    assert f"{zero}  {rules[zero].name}" in text
    assert "n/a = nothing judged (not 0%)" in text


# -- owners and group-by ---------------------------------------------------------------------


def test_an_omission_is_the_owners_and_the_owners_table_scores_each(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", _unacknowledged(6))
    policy = Policy(min_group_size=1, rules={"CX401": {"absence_is_violation": True}})

    report = audit(path, policy=policy)

    missed = [f for f in report.findings if f.code == "CX401"]
    # The rejection came after the deadline: a late action is the actor's ...
    assert {f.actor for f in missed} == {"carl"}
    assert {f.owner for f in missed} == {"ann", "bo"}
    owners = {g.key: g for g in report.owners}
    assert set(owners) == {"ann", "bo"}
    assert owners["ann"].candidates == 3
    assert {r.code for r in owners["ann"].rules} >= {"CX401", "CX101"}


def test_a_deadline_nobody_met_is_attributed_to_the_owner(tmp_path: Path) -> None:
    lines = [
        _line("c1", "application_received", "2026-03-02T09:00:00+01:00", owner="ann"),
        _line("c1", "screening_started", "2026-03-03T09:00:00+01:00", actor="bo"),
        _line("c2", "application_received", "2026-03-02T09:00:00+01:00"),
        _line("c2", "application_acknowledged", "2026-03-02T10:00:00+01:00", actor="bo"),
    ]
    report = audit(_write(tmp_path / "log.jsonl", lines), as_of="2026-03-20T00:00:00+01:00")

    ack = [f for f in report.findings if f.code == "CX401" and f.case_id == "c1"]
    assert [(f.outcome.value, f.actor, f.owner) for f in ack] == [("violated", "ann", "ann")]
    assert redact(report, "salt").findings[0].owner != "ann"


def test_several_group_by_keys_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", _unacknowledged(6))

    report = audit(path, policy=EVERY, group_by=["department", "owner", "month", "job"])

    assert report.group_keys == ("department", "owner", "month", "job_id")
    assert report.group_by == "department"
    grouped = report.grouped()
    assert [g.key for g in grouped["department"]] == ["sales", "tech"]
    assert [g.candidates for g in grouped["department"]] == [3, 3]
    assert [g.key for g in grouped["owner"]] == ["ann", "bo"]
    assert [g.key for g in grouped["job_id"]] == ["J1"]
    assert sum(g.tally.violated for g in grouped["job_id"]) == report.tally.violated
    # One key as a string still works.
    assert [g.by for g in audit(path, policy=EVERY, group_by="department").groups] == [
        "department",
        "department",
    ]


def test_small_groups_owners_and_cohorts_are_suppressed(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", _unacknowledged(6))

    report = audit(path, group_by="department")

    assert [(g.key, g.suppressed, g.tally, g.score, g.rules) for g in report.groups] == [
        ("sales", True, Tally(), None, ()),
        ("tech", True, Tally(), None, ()),
    ]
    assert all(g.suppressed for g in report.owners)
    assert [(c.month, c.candidates, c.suppressed) for c in report.cohorts] == [
        ("2026-03", 6, False)
    ]
    text = render(report, "text")
    assert "suppressed: fewer than 5 candidates" in text
    data = json.loads(to_json(report))
    assert data["groups"][0]["suppressed"] is True
    assert data["groups"][0]["passed"] == 0


# -- cohorts ---------------------------------------------------------------------------------


def test_cohorts_leave_pending_checks_out(tmp_path: Path) -> None:
    lines = _unacknowledged(6) + [
        _line(f"n{i}", "application_received", "2026-04-20T09:00:00+02:00") for i in range(5)
    ]
    report = audit(_write(tmp_path / "log.jsonl", lines), policy=EVERY)

    by_month = {c.month: c for c in report.cohorts}
    assert set(by_month) == {"2026-03", "2026-04"}
    assert by_month["2026-04"].candidates == 5
    assert by_month["2026-04"].tally.pending == 0
    assert report.tally.pending > 0


# -- benchmarks ------------------------------------------------------------------------------


def test_benchmarks_sit_beside_the_organisations_figures(tmp_path: Path) -> None:
    report = audit(_write(tmp_path / "log.jsonl", _unacknowledged(6)))
    rows = {b.measure: b for b in report.benchmarks}

    ack = rows["applications acknowledged"]
    assert (ack.ours, ack.basis, ack.published, ack.year) == (0.0, 6, 58.0, 2022)
    feedback = rows["rejected candidates given feedback"]
    assert (feedback.ours, feedback.basis) == (0.0, 6)
    # No rejection followed an interview: nothing to measure, not 0%.
    phone = rows["rejections after an interview made by phone"]
    assert (phone.ours, phone.basis) == (None, 0)
    assert rows["median days from application to a decision"].ours == 10.0
    assert {b.measure for b in report.benchmarks} == {p.measure for p in PUBLISHED.values()}
    assert all(b.source for b in report.benchmarks)


# -- every format, and exact merging ---------------------------------------------------------


def test_every_format_shows_the_coverage_first(tmp_path: Path) -> None:
    report = audit(_write(tmp_path / "log.jsonl", _unacknowledged(6)))

    text = render(report, "text")
    assert text.index("Data coverage (6 cases)") < text.index("Score:")
    assert "CX401: not recorded in this log: no application_acknowledged" in text
    data = json.loads(to_json(report))
    jsonschema.validate(data, json_schema())
    assert list(data).index("coverage") < list(data).index("score")
    assert data["not_recorded"]["CX401"].startswith("not recorded in this log")
    rows = list(csv.reader(io.StringIO(render(report, "csv"), newline="")))
    assert [r[0] for r in rows[1:4]] == ["header", "header", "coverage"]


def _cases(path: Path) -> dict[str, list[Event]]:
    cases: dict[str, list[Event]] = {}
    for record in read_path(path):
        assert isinstance(record, Event)
        cases.setdefault(record.case_id, []).append(record)
    return cases


def _collect(engine: Engine, cases: dict[str, list[Event]], ids: list[str]) -> Collector:
    collector = Collector(engine, group_by=["job_id", "actor", "month"])
    cut = max(e.timestamp for events in cases.values() for e in events)
    for case_id in ids:
        events = engine.model.in_order(cases[case_id])
        case, found = engine.replay(events)
        case, tail = engine.finish(case, cut)
        collector.add_case(case, events, [*found, *tail])
    return collector


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_two_halves_absorbed_give_the_whole_report(data: st.DataObject) -> None:
    engine = Engine(Policy(min_group_size=2))
    cases = _cases(SAMPLE)
    ids = sorted(cases)
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True))
    rest = [i for i in ids if i not in chosen]
    whole = _collect(engine, cases, ids)
    merged = Collector(engine, group_by=["job_id", "actor", "month"])
    for part in (rest, chosen) if data.draw(st.booleans()) else (chosen, rest):
        merged.absorb(_collect(engine, cases, part).partial())

    summary = InputSummary(cases=len(ids))
    expected = to_json(whole.report(as_of=None, input=summary))
    assert to_json(merged.report(as_of=None, input=summary)) == expected


def test_jobs_give_the_same_report_with_the_new_content(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.jsonl", _unacknowledged(12))
    one = audit(path, group_by=["department", "owner"])
    two = audit(path, group_by=["department", "owner"], jobs=2)
    assert to_json(one) == to_json(two)


def test_the_command_takes_several_group_by_keys(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = _write(tmp_path / "log.jsonl", _unacknowledged(6))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cx_rules",
            "audit",
            str(path),
            "--format",
            "json",
            "--group-by",
            "department",
            "--group-by",
            "owner",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    data = json.loads(done.stdout)
    assert (data["group_by"], data["group_keys"]) == ("department", ["department", "owner"])
    assert [(g["by"], g["key"]) for g in data["groups"]] == [
        ("department", "sales"),
        ("department", "tech"),
        ("owner", "ann"),
        ("owner", "bo"),
    ]
    assert data["policy"] is None
    text = subprocess.run(
        [sys.executable, "-m", "cx_rules", "audit", str(path), "--group-by", "department"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "By department" in text
    assert "0 input records rejected" in text


def test_a_key_the_source_declares_it_records_is_judged_even_when_always_empty(
    tmp_path: Path,
) -> None:
    from cx_rules.coverage import Coverage

    declared = Coverage(
        "acme",
        produces={"application_received", "application_acknowledged", "rejected"},
        never={"rejected.reason": "acme keeps no rejection reasons"},
    )
    report = audit(_write(tmp_path / "log.jsonl", _unacknowledged(6)), coverage=declared)

    # acme records acknowledgements: none in the log means none was sent.
    assert "CX401" not in report.not_recorded
    assert {r.code: r for r in report.rules}["CX401"].tally.violated == 6
    rows = {c.key: c for c in report.coverage}
    assert rows["application_acknowledged"].declared == "recorded"
    assert rows["rejected.reason"].declared == "acme keeps no rejection reasons"
    # What acme never records is the source's to say, not named again for the log.
    assert report.source is not None
    assert "CX101" in report.source.not_recorded
    assert "CX101" not in report.not_recorded
