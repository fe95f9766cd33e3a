"""Audits in several processes (``audit --jobs N``): the same report, byte for byte.

Real processes, real files: each test audits a log in one process and in several and compares
the rendered reports, or the errors raised.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cx_rules import Event, InvalidEvent, LogError, Policy, audit
from cx_rules.auditing import OneProcess
from cx_rules.io import read_path, write_csv, write_xes
from cx_rules.io.records import InputError
from cx_rules.io.stream import FOREIGN, PARTITION, Part
from cx_rules.report import MAX_ERRORS, to_json

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ACTIVITIES = [
    "application_received",
    "application_acknowledged",
    "screening_started",
    "interview_scheduled",
    "interview_held",
    "rejected",
    "feedback_given",
    "data_deleted",
]


def _log(cases: int, *, seed: int = 0) -> list[dict[str, object]]:
    """A time-ordered log of ``cases`` cases, some late, some with missing attributes."""
    rows = []
    for n in range(cases):
        at = START + timedelta(hours=5 * n + seed)
        for step, activity in enumerate(ACTIVITIES[: 2 + (n + seed) % 7]):
            at += timedelta(hours=9 + 31 * ((n * 7 + step * 3 + seed) % 5))
            row: dict[str, object] = {
                "case_id": f"app-{n:04d}" if n % 11 else n,  # some ids are numbers
                "activity": activity,
                "timestamp": at.isoformat(),
                "event_id": f"e{n}-{step}",
                "actor": f"recruiter-{n % 4}",
            }
            if activity == "application_received":
                row["job_id"] = f"job-{n % 3}"
            if activity == "rejected":
                row.update(
                    channel=["phone", "email", None][n % 3], reason="fit", thanked=n % 2 == 0
                )
            if activity == "interview_held":
                row["delay_minutes"] = 5 * (n % 4)
            rows.append(row)
    rows.sort(key=lambda r: str(r["timestamp"]))
    return rows


def _jsonl(path: Path, rows: list[dict[str, object]], extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    lines = [json.dumps(row) for row in rows]
    for number, line in enumerate(extra):
        lines.insert(min(len(lines), 3 + 7 * number), line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Every kind of record a share must claim exactly once.
ODD_LINES = [
    "not json at all",
    "[1, 2, 3]",
    '{"case_id": "app-0003", "activity": "rejected", "timestamp": "yesterday"}',
    '{"activity": "rejected", "timestamp": "2026-03-03T10:00:00+00:00"}',
    '{"case_id": 3.5, "activity": "rejected", "timestamp": "2026-03-03T10:00:00+00:00"}',
    '{"case_id": "app-0005", "activity": "rejected", "timestamp": "2026-03-03T10:00:00+00:00",'
    ' "lifecycle:transition": "start"}',
    '{"case_id": [1], "activity": "x", "timestamp": "2026-03-03T10:00:00+00:00",'
    ' "lifecycle:transition": "schedule"}',
    '{"case_id": "app-0007", "activity": "moved_to_folder", "timestamp": "2026-03-04T10:00:00Z"}',
    '{"case_id": "app-0002", "activity": "rejected", "timestamp": "2026-03-05T10:00:00Z",'
    ' "thanked": "perhaps"}',
    '{"case_id": "app-0009", "activity": "rejected", "timestamp": "2026-03-05T10:00:00Z",'
    ' "items": ' + "[" * 150 + "]" * 150 + "}",
    # The same event id as another event of the case: a conflict, found while checking.
    '{"case_id": "app-0001", "activity": "status_update_sent",'
    ' "timestamp": "2026-03-04T11:00:00+00:00", "event_id": "e1-0"}',
]


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("jobs")
    rows = _log(160)
    events = [
        Event(
            str(r["case_id"]),
            str(r["activity"]),
            datetime.fromisoformat(str(r["timestamp"])),
            event_id=str(r["event_id"]),
            actor=str(r["actor"]),
        )
        for r in rows
    ]
    found = {
        "jsonl": _jsonl(base / "log.jsonl", rows, ODD_LINES),
        "first": _jsonl(base / "first.jsonl", _log(40, seed=1)),
        "second": _jsonl(base / "second.jsonl", _log(40, seed=2), ODD_LINES[:4]),
        "csv": base / "log.csv",
        "xes": base / "log.xes",
    }
    write_csv(events, found["csv"])
    write_xes(events, found["xes"])
    return found


def _both(source: object, jobs: int, **options: object) -> tuple[str, str]:
    one = to_json(audit(source, **options))  # type: ignore[arg-type]
    many = to_json(audit(source, jobs=jobs, **options))  # type: ignore[arg-type]
    return one, many


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("name", ["jsonl", "csv", "xes"])
def test_the_report_is_the_same_in_several_processes(
    logs: dict[str, Path], name: str, jobs: int
) -> None:
    one, many = _both(logs[name], jobs)
    assert one == many


@pytest.mark.parametrize("group_by", ["job_id", "actor", "month"])
def test_groups_are_the_same_in_several_processes(logs: dict[str, Path], group_by: str) -> None:
    one, many = _both(logs["jsonl"], 2, group_by=group_by)
    assert one == many


def test_several_files_are_read_as_one_log_in_several_processes(logs: dict[str, Path]) -> None:
    one, many = _both([logs["first"], logs["second"], logs["jsonl"]], 3)
    assert one == many


def test_policy_waivers_and_a_cut_off_are_the_same_in_several_processes(
    logs: dict[str, Path],
) -> None:
    policy = Policy.from_mapping(
        {
            "timezone": "Europe/Copenhagen",
            "missing_evidence": "violation",
            "waivers": [
                {
                    "rule": "CX10",
                    "cases": ["app-001*"],
                    "justification": "a pilot team",
                    "expires": date(2026, 12, 31),
                },
                {
                    "rule": "CX4",
                    "cases": ["nobody"],
                    "justification": "an old arrangement",
                    "expires": date(2025, 1, 1),
                },
            ],
        }
    )
    one, many = _both(logs["jsonl"], 2, policy=policy, as_of="2026-03-20T00:00:00+01:00")
    assert one == many


def test_errors_beyond_the_listed_ones_keep_their_order(tmp_path: Path) -> None:
    rows = _log(30)
    bad = [f'{{"case_id": "bad-{n}", "activity": "rejected"}}' for n in range(MAX_ERRORS + 300)]
    path = _jsonl(tmp_path / "errors.jsonl", rows, bad)
    one, many = _both(path, 2)
    report = audit(path, jobs=2)
    expected = (one, MAX_ERRORS, MAX_ERRORS + 300)
    assert expected == (many, len(report.errors), report.input.rejected)


def test_the_first_rejected_record_is_raised_in_strict_mode(logs: dict[str, Path]) -> None:
    with pytest.raises(InvalidEvent) as single:
        audit(logs["jsonl"], strict=True)
    for jobs in (2, 3):
        with pytest.raises(InvalidEvent) as several:
            audit(logs["jsonl"], strict=True, jobs=jobs)
        assert str(single.value) == str(several.value)


def test_a_file_that_cannot_be_read_fails_alike(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b'{"case_id": "c1", "activity": "rejected", "timestamp": "x"}\n\xff\xfe\n')
    with pytest.raises(LogError) as single:
        audit(path)
    with pytest.raises(LogError) as several:
        audit(path, jobs=2)
    assert str(single.value) == str(several.value)


def test_an_iterable_source_is_audited_in_this_process() -> None:
    rows = _log(10)
    with pytest.warns(OneProcess, match=r"^--jobs 4: reading the input in one process because"):
        many = to_json(audit(rows, jobs=4))
    assert to_json(audit(rows)) == many


def test_standard_input_is_shared_out_too(logs: dict[str, Path]) -> None:
    def run(*extra: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "cx_rules", "audit", "-", "--format-in", "jsonl"]
        return subprocess.run(
            [*command, "--format", "json", *extra],
            input=logs["jsonl"].read_bytes(),
            capture_output=True,
            check=False,
        )

    one, many = run(), run("--jobs", "2")
    assert (one.returncode, one.stdout, one.stderr) == (many.returncode, many.stdout, many.stderr)


def test_the_collector_is_paused_during_an_audit_and_restored(logs: dict[str, Path]) -> None:
    seen: list[bool] = []

    def progress(phase: str, records: int, cases: int) -> None:
        seen.append(gc.isenabled())

    assert gc.isenabled()
    audit(logs["jsonl"], progress=progress)
    assert seen
    assert not any(seen)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    with pytest.raises(LogError):
        audit(logs["jsonl"].parent / "missing.jsonl")
    assert gc.isenabled()
    gc.disable()
    try:
        audit(logs["jsonl"])
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_a_cycle_made_during_an_audit_is_still_collected() -> None:
    import cx_rules.auditing as auditing

    class Node:
        pass

    alive: list[weakref.ref[Node]] = []

    def progress(phase: str, records: int, cases: int) -> None:
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        alive.append(weakref.ref(node))

    rows = _log(auditing._COLLECT_EVERY + 10)
    audit(rows, progress=progress)
    # Cycles made before the last young collection are gone while the audit runs.
    assert alive
    assert alive[0]() is None


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_must_be_a_whole_number_of_processes(jobs: object) -> None:
    with pytest.raises(ValueError, match=r"^jobs: expected a whole number of processes"):
        audit([], jobs=jobs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["jsonl", "csv", "xes"])
def test_every_record_belongs_to_exactly_one_share(logs: dict[str, Path], name: str) -> None:
    whole = list(read_path(logs[name]))
    whole_stream = read_path(logs[name])
    list(whole_stream)
    for count in (2, 3):
        claimed: list[list[object]] = [[] for _ in whole]
        for index in range(count):
            token = PARTITION.set(Part(index, count))
            try:
                stream = read_path(logs[name])
            finally:
                PARTITION.reset(token)
            records = list(stream)
            assert (len(whole), whole_stream.skipped) == (len(records), stream.skipped)
            for position, record in enumerate(records):
                if record is FOREIGN:
                    continue
                if not stream.partitioned:  # decided by the audit once built
                    owned = (
                        Part(index, count).owns_position(position)
                        if isinstance(record, InputError)
                        else Part(index, count).owns_case(record.case_id)
                    )
                    if not owned:
                        continue
                claimed[position].append(record)
        assert [[record] for record in whole] == claimed


def test_a_case_is_checked_whole_in_one_share(logs: dict[str, Path]) -> None:
    shares: Counter[tuple[str, int]] = Counter()
    for index in range(3):
        token = PARTITION.set(Part(index, 3))
        try:
            stream = read_path(logs["jsonl"])
        finally:
            PARTITION.reset(token)
        for record in stream:
            if isinstance(record, Event):
                shares[record.case_id, index] += 1
    cases = Counter(case for case, _ in shares)
    assert {1} == set(cases.values())


def test_the_command_line_gives_the_same_report_with_jobs(logs: dict[str, Path]) -> None:
    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cx_rules", "audit", str(logs["jsonl"]), *extra]
        return subprocess.run(
            [*command, "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )

    one, many = run(), run("--jobs", "2")
    assert (one.returncode, one.stdout, one.stderr) == (many.returncode, many.stdout, many.stderr)
    assert one.stdout.startswith("{")


def test_the_command_line_refuses_a_number_of_jobs_below_one(logs: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cx_rules", "audit", str(logs["jsonl"]), "--jobs", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    refused = "argument --jobs/-j: expected a whole number of processes >= 1, got '0'"
    expected = (2, "", True)
    assert expected == (done.returncode, done.stdout, refused in done.stderr)
