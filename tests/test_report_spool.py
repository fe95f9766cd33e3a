"""The report's spools: sorted, stable, re-iterable sequences that hold a bounded number of
items in memory and the rest in an anonymous temporary file; and the audit's report, byte
for byte the same in every format whether its spools spilled or not."""

from __future__ import annotations

import gc
import json
import os
import pickle
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import Engine, audit
from cx_rules.batch import CANONICAL_COLUMNS, audit_batch
from cx_rules.partials import Partial
from cx_rules.report import FORMATS, render, spool
from cx_rules.report.spool import Spool

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

items = st.lists(st.tuples(st.integers(0, 5), st.integers()), max_size=60)


def _spool(values: list[tuple[int, int]], held: int) -> Spool[tuple[int, int]]:
    made: Spool[tuple[int, int]] = Spool(itemgetter(0), held=held)
    made.extend(values)
    return made


@settings(max_examples=60, deadline=None)
@given(first=items, second=items, held=st.integers(1, 7))
def test_a_spool_is_the_stable_sort_of_what_it_was_given(
    first: list[tuple[int, int]], second: list[tuple[int, int]], held: int
) -> None:
    expected = tuple(sorted(first + second, key=itemgetter(0)))
    joined = _spool(first, held)
    joined.join(_spool(second, held))

    assert len(joined) == len(expected)
    assert tuple(joined) == expected
    assert tuple(joined) == expected  # again: read as often as asked
    assert joined == expected
    assert expected == joined
    assert pickle.loads(pickle.dumps(joined)) == expected
    assert isinstance(pickle.loads(pickle.dumps(joined)), tuple)
    if expected:
        assert joined[0] == expected[0]
        assert joined[-1] == expected[-1]
        assert joined[1:3] == expected[1:3]
    with pytest.raises(IndexError):
        joined[len(expected)]
    assert tuple(joined.mapped(itemgetter(1))) == tuple(v for _, v in expected)


def test_a_spool_encodes_what_it_writes_out() -> None:
    made: Spool[str] = Spool(len, encode=str.encode, decode=bytes.decode, held=2)
    made.extend(["ccc", "a", "bb", "d", "ee"])

    assert list(made) == ["a", "d", "bb", "ee", "ccc"]
    assert made != ["a"]
    assert made != "adbbeeccc"


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_the_file_a_spool_spills_to_is_closed_with_it() -> None:
    gc.collect()
    before = _fds()
    made = _spool([(n % 3, n) for n in range(50)], 4)
    assert _fds() == before + 1
    del made
    gc.collect()
    assert _fds() == before


def _log(path: Path, cases: int, *, acknowledged: bool) -> Path:
    """A log of ``cases`` cases that reach different states; with ``acknowledged`` false, no
    acknowledgement is ever recorded (its rule is then not recorded in this log)."""
    lines = []
    for n in range(cases):
        at = START + timedelta(hours=5 * n)
        steps = ["application_received", "screening_started", "interview_scheduled"]
        steps = steps[: 1 + n % 3]
        if acknowledged and n % 4:
            steps.insert(1, "application_acknowledged")
        if n % 5 == 0:
            steps.append("rejected")
        for step, activity in enumerate(steps):
            at += timedelta(hours=3 + 31 * ((n + step) % 5))
            row = (
                f'{{"case_id": "c{(n * 7919) % 1000:03d}-{n}", "activity": "{activity}", '
                f'"timestamp": "{at.isoformat()}", "actor": "r{n % 4}", "owner": "o{n % 3}"'
            )
            if activity == "application_received":
                row += f', "job_id": "job-{n % 2}"'
            lines.append(row + "}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("acknowledged", [True, False])
def test_the_report_is_the_same_when_its_spools_spill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, acknowledged: bool
) -> None:
    log = _log(tmp_path / "log.jsonl", 60, acknowledged=acknowledged)
    engine = Engine(guard=False)
    expected = {fmt: render(audit(log, engine=engine), fmt) for fmt in FORMATS}
    monkeypatch.setattr(spool, "HELD", 3)

    spilled = audit(log, engine=engine)

    assert len(spilled.findings) > 3
    for fmt in FORMATS:
        assert render(spilled, fmt) == expected[fmt], fmt
    # Partials of parts of the log, merged and sent as bytes, spill and merge alike.
    lines = log.read_text(encoding="utf-8").splitlines()
    by_case: dict[str, list[str]] = {}
    for line in lines:
        by_case.setdefault(_case(line), []).append(line)
    ordered = [line for case in by_case.values() for line in case]
    parts = _whole_cases(ordered, engine, spilled.as_of, str(log))
    assert len(parts) > 1
    merged = Partial.merge_all(parts)
    for finished in (merged.finish(engine), Partial.from_bytes(merged.to_bytes()).finish(engine)):
        for fmt in ("json", "text", "csv"):
            assert render(finished, fmt) == expected[fmt], fmt


def _case(line: str) -> str:
    return line.split('"')[3]


def _whole_cases(
    lines: list[str], engine: Engine, as_of: datetime | None, name: str
) -> list[Partial]:
    """Partials of runs of whole cases, about 40 lines each."""
    parts = []
    start = 0
    while start < len(lines):
        end = min(start + 40, len(lines))
        while end < len(lines) and _case(lines[end]) == _case(lines[end - 1]):
            end += 1
        parts.append(_partial(lines[start:end], engine, as_of, start, name))
        start = end
    return parts


def _partial(
    lines: list[str], engine: Engine, as_of: datetime | None, offset: int, name: str
) -> Partial:
    rows: list[dict[str, Any]] = []
    for line in lines:
        rest = json.loads(line)
        row = {c: rest.pop(c, None) for c in CANONICAL_COLUMNS[:-1]}
        row["attributes"] = json.dumps(rest) if rest else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(CANONICAL_COLUMNS)).astype(object)
    return audit_batch(frame, engine=engine, as_of=as_of, offset=offset, name=name, files=(name,))
