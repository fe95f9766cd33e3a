"""Partial reports and the batch functions: the report of merged partials is the report of
the whole log, byte for byte in every format, however the cases are split and merged."""

from __future__ import annotations

import itertools
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import Engine, Policy, audit
from cx_rules.batch import CANONICAL_COLUMNS, audit_batch, audit_batches, latest_event
from cx_rules.partials import Partial, PartialMismatch
from cx_rules.report import render

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FORMATS = ("text", "json", "csv", "html")
ACTIVITIES = (
    "application_received",
    "application_acknowledged",
    "screening_started",
    "interview_scheduled",
    "interview_held",
    "rejected",
    "feedback_given",
    "data_deleted",
    "moved_to_folder",  # unknown to the process model: counted, not recorded
)
ZONES = (UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30)))
ENGINE = Engine(guard=False)


@st.composite
def case_rows(draw: st.DrawFn, n: int) -> list[dict[str, Any]]:
    """The rows of one case as an export writes them, a few of them broken."""
    case_id: object = n if n % 5 == 4 else f"app-{n:03d}"  # some ids are numbers
    rows: list[dict[str, Any]] = []
    at = START + timedelta(hours=draw(st.integers(0, 200)))
    for step in range(draw(st.integers(1, 7))):
        at += timedelta(hours=draw(st.integers(0, 80)))
        kind = draw(st.integers(0, 19))
        activity = ACTIVITIES[step] if step < 2 else draw(st.sampled_from(ACTIVITIES))
        stamp = at.astimezone(draw(st.sampled_from(ZONES))).isoformat()
        row: dict[str, Any] = {"case_id": case_id, "activity": activity, "timestamp": stamp}
        if kind == 0:
            row["timestamp"] = at.replace(tzinfo=None).isoformat()  # naive: an input error
        elif kind == 1:
            row["timestamp"] = "next tuesday"
        elif kind == 2:
            del row["activity"]
        if draw(st.booleans()):
            # Sometimes an id reused within the case: a retry, or another event under it.
            row["event_id"] = f"e{n}-{draw(st.integers(0, step))}"
        if draw(st.booleans()):
            row["actor"] = draw(st.sampled_from(["ana", "bo", "chen"]))
        if activity == "application_received":
            row["job_id"] = draw(st.sampled_from(["job-1", "job-2"]))
        if activity == "rejected":
            row["channel"] = draw(st.sampled_from(["email", "phone"]))
            row["reason"] = "fit"
        rows.append(row)
    return rows


@st.composite
def sorted_logs(draw: st.DrawFn) -> list[list[dict[str, Any]]]:
    """A log sorted by case: the rows of each case, cases in order."""
    count = draw(st.integers(1, 8))
    return [draw(case_rows(n)) for n in range(count)]


def _canonical(row: dict[str, Any]) -> dict[str, Any]:
    rest = dict(row)
    out = {c: rest.pop(c, None) for c in CANONICAL_COLUMNS[:-1]}
    out["attributes"] = json.dumps(rest) if rest else None
    return out


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame([_canonical(r) for r in rows], columns=list(CANONICAL_COLUMNS))
    return frame.astype(object)


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@st.composite
def merge_order(draw: st.DrawFn, parts: list[Partial]) -> Partial:
    """The partials merged in a drawn grouping (a random tree of merges)."""
    pool = list(parts)
    while len(pool) > 1:
        i = draw(st.integers(0, len(pool) - 2))
        left, right = pool[i], pool[i + 1]
        pool[i : i + 2] = [left.merge(right)]
    return pool[0]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    log=sorted_logs(),
    cuts=st.lists(st.integers(0, 100), max_size=4),
    group_by=st.sampled_from([None, "job_id", "actor", "month"]),
    late=st.booleans(),
    data=st.data(),
)
def test_merged_partials_render_as_the_whole_audit(
    tmp_path: Path,
    log: list[list[dict[str, Any]]],
    cuts: list[int],
    group_by: str | None,
    late: bool,
    data: st.DataObject,
) -> None:
    rows = [row for case in log for row in case]
    path = _write(tmp_path / "log.jsonl", rows)
    as_of = START + timedelta(days=9) if late else None
    whole = audit(str(path), engine=ENGINE, group_by=group_by, as_of=as_of)
    cut = whole.as_of
    # Contiguous ranges of whole cases, at drawn case boundaries.
    bounds = sorted({min(c % (len(log) + 1), len(log)) for c in cuts} | {0, len(log)})
    parts = []
    for low, high in itertools.pairwise(bounds):
        offset = sum(len(case) for case in log[:low])
        part_rows = [row for case in log[low:high] for row in case]
        batch = _frame(part_rows)
        if data.draw(st.booleans(), label="as arrow"):
            batch = pa.Table.from_pandas(batch.astype(str).where(batch.notna(), None))
        parts.append(
            audit_batch(
                batch,
                engine=ENGINE,
                as_of=cut,
                group_by=group_by,
                offset=offset,
                name=str(path),
                files=(str(path),),
            )
        )
    merged = data.draw(merge_order(parts), label="merges")
    finished = Partial.from_bytes(merged.to_bytes()).finish(ENGINE)
    for fmt in FORMATS:
        assert render(finished, fmt) == render(whole, fmt), fmt
    if cut is None:
        return  # no events: nothing for audit_batches to cut at
    size = data.draw(st.integers(1, 6), label="batch size")
    frame = _frame(rows)
    chunks = [frame.iloc[i : i + size] for i in range(0, len(frame), size)]
    streamed = audit_batches(
        chunks,
        engine=ENGINE,
        as_of=cut,
        group_by=group_by,
        name=str(path),
        files=(str(path),),
    )
    assert render(streamed.finish(ENGINE), "json") == render(whole, "json")


def _rows(cases: int) -> list[dict[str, Any]]:
    rows = []
    for n in range(cases):
        at = START + timedelta(hours=7 * n)
        for step, activity in enumerate(ACTIVITIES[: 2 + n % 6]):
            at += timedelta(hours=10 + 29 * ((n + step) % 4))
            rows.append(
                {
                    "case_id": f"c{n:03d}",
                    "activity": activity,
                    "timestamp": at.isoformat(),
                    "event_id": f"e{n}-{step}",
                    "actor": f"r{n % 3}",
                }
            )
    return rows


def test_counts_add_up_in_the_merge(tmp_path: Path) -> None:
    rows = _rows(30)
    rows.insert(5, {"case_id": "c000", "activity": "rejected", "timestamp": "2026-03-03T10:00"})
    rows.sort(key=lambda r: r["case_id"])
    whole = audit(_write(tmp_path / "l.jsonl", rows), engine=ENGINE)
    assert whole.as_of is not None
    cut = next(i for i in range(40, len(rows)) if rows[i]["case_id"] != rows[i - 1]["case_id"])
    first = audit_batch(_frame(rows[:cut]), engine=ENGINE, as_of=whole.as_of)
    second = audit_batch(_frame(rows[cut:]), engine=ENGINE, as_of=whole.as_of, offset=cut)
    both = first.merge(second)
    assert (both.lines, both.events, both.rejected, both.cases) == (
        first.lines + second.lines,
        first.events + second.events,
        first.rejected + second.rejected,
        first.cases + second.cases,
    )
    summary = both.finish(ENGINE).input
    assert summary.lines == summary.events + summary.rejected + summary.unmapped
    assert (summary.events, summary.rejected, summary.cases) == (
        whole.input.events,
        whole.input.rejected,
        whole.input.cases,
    )
    # The naive timestamp is placed by its row.
    naive = next(i for i, r in enumerate(rows) if r["timestamp"] == "2026-03-03T10:00")
    assert [(e.file, e.line) for e in both.finish(ENGINE).errors] == [("<batch>", naive + 1)]


def test_rows_need_not_be_sorted(tmp_path: Path) -> None:
    rows = _rows(12)
    whole = audit(_write(tmp_path / "l.jsonl", rows), engine=ENGINE)
    shuffled = rows[::-1]
    part = audit_batch(
        _frame(shuffled), engine=ENGINE, as_of=whole.as_of, files=(str(tmp_path / "l.jsonl"),)
    )
    assert render(part.finish(ENGINE), "json") == render(whole, "json")


def test_arrow_timestamps_with_and_without_a_zone() -> None:
    moments = [START, START + timedelta(hours=30)]
    table = pa.table(
        {
            "case_id": ["c1", "c1"],
            "activity": ["application_received", "application_acknowledged"],
            "timestamp": pa.array(moments, type=pa.timestamp("ns", tz="Europe/Copenhagen")),
        }
    )
    part = audit_batch(table, engine=ENGINE, as_of=moments[-1])
    assert (part.events, part.rejected, part.cases) == (2, 0, 1)
    naive = table.set_column(
        2, "timestamp", pa.array([m.replace(tzinfo=None) for m in moments], pa.timestamp("us"))
    )
    part = audit_batch(naive, engine=ENGINE, as_of=moments[-1], name="part-7", offset=100)
    assert part.rejected == 2
    assert part.events == 0
    errors = part.finish(ENGINE).errors
    assert [(e.file, e.line) for e in errors] == [("part-7", 101), ("part-7", 102)]
    assert all("timestamp" in e.message for e in errors)


def test_bad_batches_are_refused_clearly() -> None:
    frame = pd.DataFrame({"case_id": ["c1"], "activity": ["rejected"], "when": ["x"]})
    with pytest.raises(ValueError, match="unknown column when"):
        audit_batch(frame, engine=ENGINE, as_of=START)
    with pytest.raises(ValueError, match="timestamp"):
        audit_batch(frame.drop(columns="when"), engine=ENGINE, as_of=START)
    with pytest.raises(TypeError, match="RecordBatch"):
        audit_batch([{"case_id": "c1"}], engine=ENGINE, as_of=START)
    with pytest.raises(ValueError, match="policy or an engine"):
        audit_batch(frame, engine=ENGINE, policy=Policy(), as_of=START)
    rows = _rows(3)
    unsorted = [rows[0], rows[-1], rows[1]]
    with pytest.raises(ValueError, match="sorted by case"):
        audit_batches([_frame(unsorted)], engine=ENGINE, as_of=START)


def test_bad_attributes_are_input_errors() -> None:
    frame = _frame(_rows(1))
    frame.loc[0, "attributes"] = "[1, 2]"
    frame.loc[1, "attributes"] = "{not json"
    part = audit_batch(frame, engine=ENGINE, as_of=START + timedelta(days=30))
    messages = [e.message for _, e in part.errors]
    assert part.rejected == 2
    assert len(messages) == 2
    assert "attributes" in messages[0]
    assert "attributes" in messages[1]


def test_partials_of_other_cut_offs_do_not_merge() -> None:
    frame = _frame(_rows(2))
    one = audit_batch(frame, engine=ENGINE, as_of=START + timedelta(days=3))
    two = audit_batch(frame, engine=ENGINE, as_of=START + timedelta(days=4))
    with pytest.raises(PartialMismatch, match="cut-offs"):
        one.merge(two)
    grouped = audit_batch(frame, engine=ENGINE, as_of=START + timedelta(days=3), group_by="actor")
    with pytest.raises(PartialMismatch, match="group_by"):
        one.merge(grouped)


def test_bytes_are_versioned_and_compact(tmp_path: Path) -> None:
    rows = _rows(200)
    part = audit_batch(_frame(rows), engine=ENGINE, as_of=START + timedelta(days=60))
    data = part.to_bytes()
    again = Partial.from_bytes(data)
    assert render(again.finish(ENGINE), "json") == render(part.finish(ENGINE), "json")
    # Much smaller than the report it makes.
    assert len(data) * 5 < len(render(part.finish(ENGINE), "json"))
    with pytest.raises(ValueError, match="not a cx-rules partial"):
        Partial.from_bytes(b"{}")
    newer = data[:17] + bytes([99]) + data[18:]
    with pytest.raises(ValueError, match="format 99"):
        Partial.from_bytes(newer)
    with pytest.raises(ValueError, match="damaged"):
        Partial.from_bytes(data[:-20])


def test_the_engine_pickles_and_audits_alike() -> None:
    engine = Engine(Policy(), guard=False)
    copy = pickle.loads(pickle.dumps(engine))
    frame = _frame(_rows(20))
    cut = START + timedelta(days=20)
    ours = audit_batch(frame, engine=engine, as_of=cut).finish(engine)
    theirs = audit_batch(frame, engine=copy, as_of=cut).finish(copy)
    assert render(ours, "json") == render(theirs, "json")


def test_the_latest_event_of_the_batches_is_the_cut_off_of_the_whole(tmp_path: Path) -> None:
    rows = _rows(25)
    rows.append(
        {"case_id": "c999", "activity": "moved_to_folder", "timestamp": "2027-01-01T00:00Z"}
    )
    rows.append({"case_id": "c998", "activity": "rejected", "timestamp": "2027-02-01T00:00"})
    whole = audit(_write(tmp_path / "l.jsonl", rows), engine=ENGINE)
    halves = [_frame(rows[:60]), _frame(rows[60:])]
    latest = max(filter(None, (latest_event(h, engine=ENGINE) for h in halves)))
    assert latest == whole.as_of
    assert latest_event(_frame(rows[-2:]), engine=ENGINE) is None


def test_measures_written_as_patterns_before_merge_as_owner_and_cohort_checks() -> None:
    # Partials written before the checks per owner and cohort were counted as such held one
    # entry per distinct (owner, cohort, counts): they still merge, to the same counts.
    from collections import Counter

    from cx_rules.findings import Outcome
    from cx_rules.report.measure import merged

    passed, pending = ("CX401", Outcome.PASSED), ("CX405", Outcome.PENDING)
    new = {
        "cases": 1,
        "owner_checks": Counter({("ann", passed): 1}),
        "cohort_checks": Counter({("2026-01", passed): 1}),
        "unsure": (),
        "actions": {},
    }
    old = {
        "cases": 3,
        "patterns": Counter({("ann", "2026-01", ((passed, 2), (pending, 1))): 3}),
        "unsure": {},
        "actions": {},
    }

    out = merged([new, old])

    assert out["cases"] == 4
    assert out["owner_checks"] == Counter({("ann", passed): 7, ("ann", pending): 3})
    assert out["cohort_checks"] == Counter({("2026-01", passed): 7})
