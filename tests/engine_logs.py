"""Small logs for the Spark and Dask tests, written as Parquet: generated ones (with
benchmarks/generate.py) with input errors and a skewed case, and the bundled example."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from cx_rules.report import render

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("json", "text", "csv", "html")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "cx_bench_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


def write_parquet(rows: list[dict[str, Any]], path: Path) -> Path:
    """``rows`` as one Parquet file, every key a column (null where a row lacks it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    table = pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in rows])
    pq.write_table(table, path, row_group_size=400)
    return path


def mixed_rows(count: int = 1200) -> list[dict[str, Any]]:
    """A generated log with input errors of every kind among its rows."""
    rows = list(generate.events(count, seed=17))
    first = rows[0]
    rows[3:3] = [
        # a naive timestamp, a row without a case, an activity nobody knows
        {**first, "event_id": "bad-1", "timestamp": "2025-01-06T09:00:00"},
        {**first, "event_id": "bad-2", "case_id": None},
        {**first, "event_id": "bad-3", "activity": "application_recieved"},
        # a retry (the same event twice) and an event id taken by another event
        dict(rows[1]),
        {**rows[2], "event_id": rows[1]["event_id"], "channel": "phone"},
        {**first, "event_id": "bad-4", "timestamp": "not a time"},
    ]
    return rows


def skewed_rows(long: int = 4000, others: int = 400) -> list[dict[str, Any]]:
    """One case of ``long`` events among a few hundred events of short cases."""
    big = [{**row, "case_id": "app-long"} for row in generate.one_case(long, seed=5)]
    small = list(generate.events(others, seed=6))
    return sorted(big + small, key=lambda r: generate._utc_key(r["timestamp"]))


def sample_rows() -> list[dict[str, Any]]:
    """The bundled example log's events."""
    text = (ROOT / "examples" / "sample.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_same(expected: Any, actual: Any) -> None:
    """The two reports are the same, byte for byte, in every format."""
    for form in FORMATS:
        assert render(expected, form) == render(actual, form), form
