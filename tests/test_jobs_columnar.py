"""``audit --jobs N`` on Parquet logs: read once as columns, sorted by case, cut into ranges
of whole cases (:mod:`cx_rules._columnar_jobs`), and the report of one process, byte for byte.

Real processes, real files: each test audits a Parquet log with ``jobs=1`` (the row reader,
one process) and with more, and compares the reports rendered in every format.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow", reason="the [parquet] extra is not installed")
pq = pytest.importorskip("pyarrow.parquet", reason="the [parquet] extra is not installed")

from cx_rules import Policy, audit  # noqa: E402
from cx_rules import _columnar_jobs as columnar  # noqa: E402
from cx_rules.auditing import _open  # noqa: E402
from cx_rules.coverage import Coverage  # noqa: E402
from cx_rules.io import LogMapping  # noqa: E402
from cx_rules.report import FORMATS, render  # noqa: E402

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STEPS = [
    "application_received",
    "application_acknowledged",
    "screening_started",
    "interview_scheduled",
    "interview_held",
    "rejected",
    "feedback_given",
]


def _rows(
    cases: int, *, long: int = 0, seed: int = 0, long_id: str = "app-long"
) -> list[dict[str, Any]]:
    """A time-ordered log of ``cases`` short cases, one of ``long`` events (a case that
    spans any cut), input errors of several kinds, a retry and an event id taken twice."""
    rows: list[dict[str, Any]] = []
    for n in range(cases):
        at = START + timedelta(hours=3 * n + seed)
        for step, activity in enumerate(STEPS[: 2 + (n + seed) % 6]):
            at += timedelta(hours=7 + 29 * ((n * 5 + step * 3 + seed) % 4))
            row: dict[str, Any] = {
                "case_id": f"app-{n:04d}",
                "activity": activity,
                "timestamp": at.isoformat(),
                "event_id": f"e{n}-{step}",
                "actor": f"recruiter-{n % 3}",
                "job_id": f"job-{n % 4}" if step == 0 else None,
                "thanked": n % 2 == 0 if activity == "rejected" else None,
                "delay_minutes": 5 * (n % 4) if activity == "interview_held" else None,
            }
            rows.append(row)
    at = START
    for number in range(long):
        at += timedelta(hours=5)
        activity = "application_received" if number == 0 else "status_update_sent"
        rows.append(
            {"case_id": long_id, "activity": activity, "timestamp": at.isoformat()}
            | {"event_id": f"long-{number}", "actor": "recruiter-9"}
        )
    rows.sort(key=lambda r: r["timestamp"])
    first = dict(rows[0])
    bad = [
        {**first, "event_id": "bad-1", "timestamp": "2026-03-06T09:00:00"},  # naive
        {**first, "event_id": "bad-2", "case_id": None},  # no case
        {**first, "event_id": "bad-3", "activity": "application_recieved"},  # unknown
        {**first, "event_id": "bad-4", "timestamp": "not a time"},
        dict(rows[1]),  # a retry
        {**rows[2], "event_id": rows[1]["event_id"], "channel": "phone"},  # id taken
    ]
    for offset, row in enumerate(bad):
        rows.insert(5 + 9 * offset, row)
    return rows


def _parquet(path: Path, rows: list[dict[str, Any]], **columns: Any) -> Path:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    table = pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in rows])
    for name, array in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, array)
    pq.write_table(table, path, row_group_size=64)
    return path


def _same(source: Any, jobs: tuple[int, ...] = (2, 3), **options: Any) -> None:
    """The report of ``jobs=1`` and of every count in ``jobs``, the same in every format."""
    one = audit(source, **options)
    expected = {form: render(one, form) for form in FORMATS}
    for count in jobs:
        many = audit(source, jobs=count, **options)
        for form in FORMATS:
            assert render(many, form) == expected[form], (count, form)


def _ranged(source: Any, jobs: int, policy: Policy | None = None) -> columnar.Plan | None:
    policy = policy or Policy()
    files = [str(source)] if not isinstance(source, list) else [str(s) for s in source]
    return columnar.plan(_open(files, policy, None), policy, jobs, False)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _parquet(tmp_path_factory.mktemp("columnar") / "log.parquet", _rows(90, long=120))


def test_a_parquet_log_is_read_once_and_cut_at_case_boundaries(log: Path) -> None:
    found = _ranged(log, 3)
    assert found is not None
    cases = found.table.column("case_id").take(found.order).to_pylist()
    assert found.cuts[0] == 0
    assert found.cuts[-1] == len(cases)
    for cut in found.cuts[1:-1]:
        assert cut in (0, len(cases)) or cases[cut] != cases[cut - 1] or cases[cut] is None
    owners = {
        c: {i for i in range(3) if c in cases[found.cuts[i] : found.cuts[i + 1]]} for c in cases
    }
    assert all(len(ranges) == 1 for case, ranges in owners.items() if case is not None)


@pytest.mark.parametrize("jobs", [2, 3])
def test_the_report_is_the_one_of_one_process_in_every_format(log: Path, jobs: int) -> None:
    assert _ranged(log, jobs) is not None
    _same(log, (jobs,))


def test_groups_a_policy_and_a_cut_off(log: Path) -> None:
    policy = Policy.from_mapping({"timezone": "Europe/Copenhagen"})
    _same(log, (2,), group_by=["job_id", "actor"], policy=policy)
    _same(log, (3,), as_of="2026-03-09T00:00:00+01:00")


def test_one_case_longer_than_a_share_leaves_a_range_empty(tmp_path: Path) -> None:
    # The long case sorts first: this process's range is empty, a child checks the case.
    path = _parquet(tmp_path / "skewed.parquet", _rows(3, long=400, long_id="aaa-long"))
    found = _ranged(path, 3)
    assert found is not None
    assert found.cuts[:2] == [0, 0]
    _same(path, (2, 3))


def test_several_files_whole_number_and_text_case_ids_and_zoned_timestamps(
    tmp_path: Path,
) -> None:
    rows = [r for r in _rows(30, seed=1) if r["case_id"] is not None]
    for row in rows:
        row["case_id"] = int(row["case_id"][4:]) if row["case_id"] != "app-long" else 9999
    numbers = _parquet(tmp_path / "numbers.parquet", rows)
    texts = [{**r, "case_id": str(r["case_id"])} for r in _rows(20, seed=2)][:120]
    stamps = pa.array(
        [
            datetime.fromisoformat(r["timestamp"])
            if "T" in r["timestamp"] and r["timestamp"][-6] in "+-"
            else None
            for r in texts
        ],
        pa.timestamp("us", tz="Europe/Paris"),
    )
    zoned = _parquet(tmp_path / "zoned.parquet", texts, timestamp=stamps)
    # Different columns in the two files: the hash split reads them; the same report.
    _same([numbers, zoned], (2,))
    assert _ranged(numbers, 2) is not None
    assert _ranged(zoned, 2) is not None
    _same(zoned, (2, 3))
    both = [numbers, _parquet(tmp_path / "numbers2.parquet", _rows(10, seed=3))]
    _same(both, (3,))


def test_what_the_batch_function_would_read_otherwise_is_shared_out_by_hash(
    tmp_path: Path, log: Path
) -> None:
    rows = _rows(20)
    dated = _parquet(
        tmp_path / "dated.parquet",
        rows,
        delay_minutes=pa.array([datetime(2026, 1, 1).date()] * len(rows), pa.date32()),
    )
    assert _ranged(dated, 2) is None  # a date among the attributes
    _same(dated, (2,))
    mapping = LogMapping.from_dict({"activities": {"screening_started": "screening_started"}})
    assert columnar.plan(_open([str(log)], Policy(), mapping), Policy(), 2, False) is None
    _same(log, (2,), mapping=mapping)


def test_a_coverage_and_renamed_columns(tmp_path: Path) -> None:
    rows = [{("Case" if k == "case_id" else k): v for k, v in r.items()} for r in _rows(25)]
    path = _parquet(tmp_path / "renamed.parquet", rows)
    mapping = LogMapping.from_dict({"columns": {"Case": "case_id"}})
    assert columnar.plan(_open([str(path)], Policy(), mapping), Policy(), 2, False) is not None
    _same(path, (2, 3), mapping=mapping)
    coverage = Coverage(
        "acme",
        produces={"application_received", "application_acknowledged", "rejected"},
        never={"rejected.reason": "acme keeps no rejection reasons"},
    )
    covered = _parquet(tmp_path / "covered.parquet", _rows(25, seed=4))
    _same(covered, (2,), coverage=coverage)


def test_an_empty_log_and_a_log_of_errors_only(tmp_path: Path) -> None:
    empty = pa.table({n: pa.array([], pa.string()) for n in ("case_id", "activity", "timestamp")})
    path = tmp_path / "empty.parquet"
    pq.write_table(empty, path)
    _same(path, (2,))
    errors = [{"case_id": None, "activity": "rejected", "timestamp": "x"}] * 5
    _same(_parquet(tmp_path / "errors.parquet", errors), (2, 3))


def test_the_command_line_gives_the_same_report(log: Path, tmp_path: Path) -> None:
    from cx_rules.cli import main

    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"report-{jobs}.sarif"
        main(["audit", str(log), "--format", "sarif", "-o", str(out), "--jobs", jobs])
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    json.loads(outputs[0])


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=0, max_size=60),
    count=st.integers(min_value=1, max_value=9),
)
def test_every_case_is_whole_in_exactly_one_range(sizes: list[int], count: int) -> None:
    starts = [0]
    for size in sizes:
        starts.append(starts[-1] + size)
    rows = starts.pop()
    starts = starts or [0]
    cuts = columnar.ranges(starts, rows, count)
    assert len(cuts) == count + 1
    assert cuts[0] == 0
    assert cuts[-1] == rows
    assert cuts == sorted(cuts)
    owner: Counter[int] = Counter()
    for number, (start, size) in enumerate(zip(starts, sizes, strict=False)):
        ranges = {i for i in range(count) if cuts[i] <= start < cuts[i + 1]}
        ends = {i for i in range(count) if cuts[i] < start + size <= cuts[i + 1]}
        assert ranges == ends, number  # begins and ends in one range
        owner.update(ranges)
    assert sum(owner.values()) == len(sizes)
    if count > 1 and sizes:
        # About equal: no range is longer than its share by more than the largest case.
        share = rows / count
        assert max(b - a for a, b in itertools.pairwise(cuts)) <= share + max(sizes)
