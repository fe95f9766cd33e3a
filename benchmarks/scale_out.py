"""The Spark and Dask paths against ``--jobs 2``, and the constants of the cluster cost model.

    python benchmarks/scale_out.py --events 1000000
    python benchmarks/scale_out.py --events 200000 --only batch
    nice -n 19 python benchmarks/scale_out.py --events 10000000 --only parquet

Two parts, each optional (``--only``):

``engines``: the command line on one Parquet log of ``--events`` generated events, report as
JSON to a file: ``--jobs 2``, ``--engine spark --spark-master local[2]`` and ``--engine dask``
(a local cluster of two worker processes); wall-clock time, the ratio to ``--jobs 2``, and
whether each report is the one ``--jobs 2`` wrote, byte for byte.

``batch``: the batch function alone, in this process, on ``--batch-events`` events shared by
case into ``--parts`` parts: events per second on one core, the bytes of each part's
partial (``Partial.to_bytes``) per event, and the time to read the partials back, merge
them and finish the report: the constants the cost model in ``docs/performance.md`` uses.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def _parquet(events: int) -> Path:
    """The generated log of ``events`` events as Parquet (made once, kept in data/).

    Written in chunks of one row group each, so that memory holds one chunk's rows, never
    the whole log: a first pass over the generator finds the columns (in the order their
    keys first appear) and each column's type, a second writes the rows."""
    path = DATA / f"{events // 1000}k-2026.parquet"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    partial = path.with_suffix(".parquet.partial")
    write_parquet(events, partial)
    partial.replace(path)
    return path


#: The rows of one chunk, and of one row group of the file.
CHUNK = 100_000


def write_parquet(events: int, path: Path) -> None:
    """The generated log of ``events`` events to ``path`` as Parquet, a chunk at a time."""
    import pyarrow.parquet as pq

    schema = _schema(events)
    keys = schema.names
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in generate.events(events):
            chunk.append(row)
            if len(chunk) == CHUNK:
                writer.write_table(_table(chunk, keys, schema), row_group_size=CHUNK)
                chunk = []
        if chunk:
            writer.write_table(_table(chunk, keys, schema), row_group_size=CHUNK)


def _schema(events: int) -> Any:
    """The schema ``pa.Table.from_pylist`` infers for every generated row at once: the keys
    in the order they first appear, each typed by its values (one of each Python type, and
    a non-empty list, is enough to infer it)."""
    import pyarrow as pa

    samples: dict[str, dict[Any, Any]] = {}
    for row in generate.events(events):
        for key, value in row.items():
            seen = samples.setdefault(key, {})
            if value is None:
                continue
            kind: Any = (list, bool(value)) if isinstance(value, list) else type(value)
            seen.setdefault(kind, value)
    return pa.schema([(key, pa.array(list(seen.values())).type) for key, seen in samples.items()])


def _table(rows: list[dict[str, Any]], keys: list[str], schema: Any) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in rows], schema=schema)


def engines(events: int) -> None:
    log = _parquet(events)
    print(f"{log.name}: {events:,} events; the command line, report as JSON to a file")
    runs = {
        "--jobs 2": ["--jobs", "2"],
        "spark local[2]": ["--engine", "spark", "--spark-master", "local[2]"],
        "dask 2 workers": ["--engine", "dask"],
    }
    base: bytes | None = None
    first = 0.0
    for label, extra in runs.items():
        out = DATA / f"report-{label.split()[0].strip('-')}.json"
        command = [sys.executable, "-m", "cx_rules", "audit", str(log), "--format", "json"]
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "-o", str(out), *extra], capture_output=True, text=True, check=False
        )
        took = time.perf_counter() - start
        if done.returncode not in (0, 1):
            print(f"  {label:16} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            continue
        data = out.read_bytes()
        if base is None:
            base, first = data, took
            same = "the baseline"
        else:
            same = "report identical" if data == base else "REPORT DIFFERS"
        print(
            f"  {label:16} {took:8.2f} s  {events / took / 1000:6.1f}k/s  "
            f"{took / first:5.2f}x the time of --jobs 2  {same}   ({_load()})"
        )


def batch(events: int, parts: int) -> None:
    import pyarrow as pa

    from cx_rules import Engine
    from cx_rules.batch import audit_batch
    from cx_rules.partials import Partial

    rows = list(generate.events(events))
    canonical = ("case_id", "activity", "timestamp", "event_id", "actor", "channel")
    shares: list[list[dict[str, Any]]] = [[] for _ in range(parts)]
    latest = max(r["timestamp"] for r in rows)  # one offset in the generated log
    for row in rows:
        packed = {k: row.get(k) for k in canonical}
        extra = {k: v for k, v in row.items() if k not in canonical and v is not None}
        packed["attributes"] = json.dumps(extra) if extra else None
        shares[zlib.crc32(row["case_id"].encode()) % parts].append(packed)
    tables = [pa.Table.from_pylist(share) for share in shares]
    engine = Engine(guard=False)
    print(f"batch function: {events:,} events in {parts} parts of whole cases, one core")
    found = []
    took = 0.0
    for table in tables:
        start = time.perf_counter()
        found.append(audit_batch(table, engine=engine, as_of=latest))
        took += time.perf_counter() - start
    print(f"  audit_batch      {took:8.2f} s  {events / took / 1000:6.1f}k events/s per core")
    blobs = [p.to_bytes() for p in found]
    size = sum(len(b) for b in blobs)
    print(
        f"  partials         {size / 2**20:8.2f} MiB  {size / events:6.1f} bytes an event  "
        f"({len(blobs)} partials, {sum(len(p.findings) for p in found):,} listed findings)"
    )
    start = time.perf_counter()
    merged = Partial.merge_all(Partial.from_bytes(b) for b in blobs)
    read_merge = time.perf_counter() - start
    start = time.perf_counter()
    merged.finish(engine)
    finish = time.perf_counter() - start
    print(f"  read and merge   {read_merge:8.2f} s  {read_merge / events * 1e6:6.2f} us an event")
    print(f"  finish           {finish:8.2f} s  {finish / events * 1e6:6.2f} us an event")
    print(f"  ({_load()})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-events", type=int, default=200_000)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument(
        "--only",
        choices=["engines", "batch", "parquet"],
        help="one part; parquet: only write the Parquet log of --events (if it is missing)",
    )
    args = parser.parse_args(argv)
    if args.only == "parquet":
        print(_parquet(args.events))
        return 0
    print(
        f"Distributed: CPython {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, {_load()}"
    )
    if args.only in (None, "batch"):
        batch(args.batch_events, args.parts)
    if args.only in (None, "engines"):
        engines(args.events)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
