"""Every row of issue #19's table, each as a ratio against its baseline measured in the same run.

    python benchmarks/table.py                                   # bounded defaults (minutes)
    python benchmarks/table.py --events 2000 --one-case 500,2000 --store-events 200 \\
        --calls 2000 --valgrind-events 0                         # a smoke run (seconds)
    python benchmarks/table.py --events 1000000 --one-case 20000,100000 --store-events 3000

Rows (``--rows`` picks some; all by default):

- ``instructions``: ``cx-rules audit --format json`` of a time-ordered JSONL log of
  ``--valgrind-events`` events, instructions per event under ``valgrind --tool=cachegrind``
  (``PYTHONHASHSEED=0``), against the bare parse (``json.loads`` + ``fromisoformat``) and the
  bare parse with orjson; each child's start-up (importing cx-rules, building the engine) is
  subtracted.  Skipped without valgrind or with ``--valgrind-events 0``.
- ``cpu``: the same command, in this process, against the bare parse, CPU time, taking turns;
  events per second on one core.
- ``memory``: the peak resident memory of the command in a process of its own, per format of
  ``--memory-formats``, against a process that imports cx-rules and does the bare parse.
- ``one-case``: ``cx_rules.audit`` of a log whose events are all on one case, at each size of
  ``--one-case``, against the bare parse of the same file; the growth from the first size to
  the last (1.0 is linear, 2.0 quadratic).  Each audit runs in a child with ``--timeout``.
- ``live``: ``Engine.record`` (all built-in rules) against a ``transitions`` transition: an
  interview, a rejection, and a realistic mix (every event of a generated log, recorded in
  log order); median (and for the mix, mean) microseconds per call.
- ``store``: ``record_in`` on each store of ``--stores`` (``SQLiteCaseStore``, with
  ``durable=False``, ``SQLiteEventStore``, ``PostgresEventStore`` at
  ``$CX_RULES_TEST_POSTGRES``),
  ``--store-events`` events on one case, against writing each event bare (one ``INSERT`` and
  commit per event, on the same database); per event, and the last tenth against the first
  (1.0 is linear).
- ``pm4py``: ``cx_rules.audit`` of the CSV log against pm4py's temporal profile and its LTL
  eventually-follows check on the same file (the ``bench`` extra).

Every row prints the machine's load with its figures; prefer the instruction counts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from _common import best_of, instructions, log, machine, package_version, rate
from memory import child_argv
from throughput import bare_jsonl

from cx_rules import Engine, Event, Policy
from cx_rules.cli import main as cli
from cx_rules.io import read_path

ROWS = ("instructions", "cpu", "memory", "one-case", "live", "store", "pm4py")


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


def _cli_json(path: Path) -> Callable[[], object]:
    argv = ["audit", str(path), "--format", "json", "--output", os.devnull]
    return lambda: cli(argv)


def row_instructions(events: int) -> None:
    path = log(events, "jsonl")
    counts: dict[str, int | None] = {}
    modes = ["start", "baseline", "cli:json"]
    if package_version("orjson") != "?":
        modes.insert(2, "orjson")
    for mode in modes:
        counts[mode] = instructions(child_argv(mode, path))
        if counts[mode] is None:
            print("instructions: valgrind is not installed, no counts")
            return
    start = counts["start"] or 0

    def per_event(mode: str) -> float:
        return ((counts[mode] or 0) - start) / events

    bare, audit = per_event("baseline"), per_event("cli:json")
    print(f"instructions: {path.name}, {events:,} events, per event, start-up subtracted")
    print(f"  bare parse (json.loads + fromisoformat) {bare:>10,.0f}")
    if "orjson" in counts:
        print(f"  bare parse with orjson                  {per_event('orjson'):>10,.0f}")
    print(f"  cx-rules audit --format json            {audit:>10,.0f}")
    print(f"  audit / bare parse: {audit / bare:.1f}x (target at most 3x)")


def row_cpu(events: int, rounds: int) -> None:
    path = log(events, "jsonl")
    lines = bare_jsonl(path)
    best = best_of(
        {"bare": lambda: bare_jsonl(path), "audit": _cli_json(path)}, rounds, time.process_time
    )
    ratio = best["audit"] / best["bare"]
    print(f"cpu: {path.name}, {lines:,} events, CPU time, best of {rounds} ({_load()})")
    print(f"  bare parse                    {best['bare']:8.2f} s {rate(lines, best['bare']):>9}")
    print(f"  cx-rules audit --format json  {best['audit']:8.2f} s {rate(lines, best['audit']):>9}")
    print(f"  audit / bare parse: {ratio:.1f}x (target at most 3x and at least 150k/s)")


def _peak(mode: str, path: Path) -> float:
    done = subprocess.run(child_argv(mode, path), capture_output=True, text=True, check=True)
    found: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return found["peak"] / 1024


def row_memory(events: int, formats: list[str]) -> None:
    path = log(events, "jsonl")
    base = _peak("baseline", path)
    print(f"memory: {path.name}, {events:,} events, peak resident memory ({_load()})")
    print(f"  import cx-rules and bare parse   {base:8.0f} MB")
    for fmt in formats:
        peak = _peak(f"cli:{fmt}", path)
        print(f"  cx-rules audit --format {fmt:<8} {peak:8.0f} MB  ({peak / base:.1f}x)")
    print("  (target: under 150 MB at 1M events in every format, flat from 1M to 4M)")


CHILD_AUDIT = r"""
import json, sys, time
from cx_rules import audit
began = time.process_time()
report = audit(sys.argv[1])
print(json.dumps({"cpu": time.process_time() - began, "events": report.input.events}))
"""


def row_one_case(sizes: list[int], timeout: float) -> None:
    print(f"one-case: every event on one case, cx_rules.audit in a child ({_load()})")
    measured: list[tuple[int, float]] = []
    for size in sizes:
        path = log(size, "jsonl", shape="one-case")
        bare = best_of({"bare": partial(bare_jsonl, path)}, 3, time.process_time)["bare"]
        try:
            done = subprocess.run(
                [sys.executable, "-c", CHILD_AUDIT, str(path)],
                capture_output=True,
                text=True,
                check=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            print(f"  {size:>8,} events: over {timeout:g} s (stopped); bare parse {bare:.3f} s")
            continue
        cpu = json.loads(done.stdout.strip().splitlines()[-1])["cpu"]
        measured.append((size, cpu))
        print(
            f"  {size:>8,} events: audit {cpu:8.2f} s, bare parse {bare:6.3f} s, {cpu / bare:6.1f}x"
        )
    if len(measured) >= 2:
        (n1, t1), (n2, t2) = measured[0], measured[-1]
        growth = math.log(t2 / t1) / math.log(n2 / n1)
        print(f"  growth: time ~ events^{growth:.2f} (target 1.0, and 100k events under 1 s)")


def _log_events(count: int) -> list[Event]:
    found: list[Event] = []
    stream = read_path(log(count, "jsonl"))
    try:
        found = [r for r in stream if isinstance(r, Event)]
    finally:
        stream.close()
    return found


def _mix(engine: Engine, events: list[Event]) -> Callable[[], object]:
    # Each call records the next event of the log on its case, as an ATS would; at the end of
    # the log every case starts again.
    cases: dict[str, object] = {}
    index = [0]

    def step() -> object:
        i = index[0]
        if i == len(events):
            cases.clear()
            i = 0
        index[0] = i + 1
        event = events[i]
        case = cases.get(event.case_id)
        if case is None:
            case = engine.start(event.case_id)
        done = engine.record(case, event)  # type: ignore[arg-type]
        cases[event.case_id] = done.case
        return done

    return step


def row_live(calls: int, rounds: int) -> None:
    from live_record import _cx_rules, _transitions, measure

    rows: dict[str, Callable[[], object]] = {
        f"transitions {package_version('transitions')}: bare transition": _transitions(),
        **_cx_rules(calls),
    }
    engine = Engine(Policy(timezone="Europe/Copenhagen"))
    mix = _log_events(max(calls, 2000))
    rows[f"cx-rules: record, a realistic mix ({len(mix):,} events of a generated log)"] = _mix(
        engine, mix
    )
    samples = measure(rows, calls, rounds)
    base = statistics.median(next(iter(samples.values())))
    print(f"live: microseconds per call, {calls:,} calls per row ({_load()})")
    for name, found in samples.items():
        median = statistics.median(found)
        mean = statistics.fmean(found)
        print(f"  {name}")
        print(
            f"    median {median:7.1f} us ({median / base:4.1f}x)  "
            f"mean {mean:7.1f} us ({mean / base:4.1f}x)"
        )
    print("  (target: the mix at most 1.5x a transition, a rejection at most 3x)")


def _one_case_events(count: int) -> Iterator[Event]:
    stream = read_path(log(max(count, 1000), "jsonl", shape="one-case"))
    try:
        n = 0
        for record in stream:
            if isinstance(record, Event):
                yield record
                n += 1
                if n == count:
                    return
    finally:
        stream.close()


def _store_opener(kind: str, where: Path) -> tuple[str, Callable[[], object]]:
    from cx_rules.store import SQLiteCaseStore
    from cx_rules.stores import SQLiteEventStore

    if kind == "case":
        return "SQLiteCaseStore", partial(SQLiteCaseStore, where / "cases.db")
    if kind == "case-wal":
        name = "SQLiteCaseStore(durable=False)"
        return name, partial(SQLiteCaseStore, where / "cases.db", durable=False)
    if kind == "events":
        return "SQLiteEventStore", partial(SQLiteEventStore, where / "events.db")
    from cx_rules.stores.postgres import PostgresEventStore

    dsn = os.environ["CX_RULES_TEST_POSTGRES"]
    prefix = f"bench{os.getpid()}"
    return "PostgresEventStore", partial(PostgresEventStore, dsn, prefix=prefix, pool=1)


def _bare_writes(kind: str, where: Path, events: list[Event]) -> list[float]:
    """One INSERT and commit per event, on a database like the store's (PostgreSQL; SQLite
    in the store's journal mode and synchronous setting)."""
    bodies = [
        (e.case_id, json.dumps([e.activity, e.timestamp.isoformat(), e.event_id])) for e in events
    ]
    bare: list[float] = []
    if kind == "postgres":
        import psycopg

        pg = psycopg.connect(os.environ["CX_RULES_TEST_POSTGRES"])
        table = f"bench_bare{os.getpid()}"
        with pg.transaction():
            pg.execute(f"CREATE TABLE {table} (case_id TEXT, body TEXT)")
        for row in bodies:
            began = time.perf_counter()
            with pg.transaction():
                pg.execute(f"INSERT INTO {table} VALUES (%s, %s)", row)
            bare.append(time.perf_counter() - began)
        with pg.transaction():
            pg.execute(f"DROP TABLE {table}")
        pg.close()
        return bare
    connection = sqlite3.connect(where / "bare.db")
    if kind != "case":  # the event store, and the case store with durable=False
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE events (case_id TEXT, body TEXT)")
    for row in bodies:
        began = time.perf_counter()
        with connection:
            connection.execute("INSERT INTO events VALUES (?, ?)", row)
        bare.append(time.perf_counter() - began)
    connection.close()
    return bare


def row_store(count: int, kinds: list[str]) -> None:
    from cx_rules.store import record_in

    events = list(_one_case_events(count))
    engine = Engine(Policy(timezone="Europe/Copenhagen"))
    for kind in kinds:
        with tempfile.TemporaryDirectory() as folder:
            where = Path(folder)
            name, opener = _store_opener(kind, where)
            times: list[float] = []
            store = opener()
            cpu = time.process_time()
            try:
                for event in events:
                    began = time.perf_counter()
                    record_in(store, engine, event)  # type: ignore[arg-type]
                    times.append(time.perf_counter() - began)
                cpu = time.process_time() - cpu
                if kind == "postgres":
                    store.drop()  # type: ignore[attr-defined]
            finally:
                store.close()  # type: ignore[attr-defined]
            bare = _bare_writes(kind, where, events)
        tenth = max(1, len(times) // 10)
        per = sum(times) / len(times)
        per_bare = sum(bare) / len(bare)
        growth = (sum(times[-tenth:]) / tenth) / (sum(times[:tenth]) / tenth)
        print(f"store: record_in on {name}, {len(events):,} events on one case ({_load()})")
        print(f"  total {sum(times):8.2f} s, {per * 1000:8.3f} ms per event")
        print(f"  CPU time of this process: {cpu / len(events) * 1000:.3f} ms per event")
        print(f"  bare INSERT + commit per event: {per_bare * 1000:.3f} ms ({per / per_bare:.1f}x)")
        print(f"  last tenth / first tenth per event: {growth:.2f}x (1.0 is linear)")
    print("  (target: linear, under 1 ms per event)")


def row_store_instructions(count: int, kinds: list[str]) -> None:
    """Instructions an event of ``record_in`` in the first ``count`` events of a case and in
    the next ``count`` (valgrind; a child process each, its start-up subtracted)."""
    size = 2 * count
    child = [sys.executable, str(Path(__file__).with_name("store_record.py"))]
    for kind in kinds:
        start, half, full = (
            instructions([*child, kind, str(size), str(n)]) for n in (0, count, size)
        )
        if start is None or half is None or full is None:
            print("store: valgrind is not installed, instructions skipped")
            return
        first, second = (half - start) / count, (full - half) / count
        print(f"store: record_in on {kind}, instructions an event under valgrind ({_load()})")
        print(
            f"  events 1-{count:,}: {first:12,.0f}   events {count + 1:,}-{size:,}: {second:12,.0f}"
        )
        print(f"  second / first: {second / first:.2f}x (1.0 is linear)")


def row_pm4py(events: int, rounds: int) -> None:
    if package_version("pm4py") == "?":
        print("pm4py: not installed (pip install 'cx-rules[bench]'), row skipped")
        return
    from vs_pm4py import _pm4py, pm4py_check, pm4py_eventually_follows

    from cx_rules import audit

    path = log(events, "csv")
    _pm4py()
    best = best_of(
        {
            "temporal": lambda: pm4py_check(path, "csv"),
            "ltl": lambda: pm4py_eventually_follows(path),
            "cx-rules": lambda: audit(path),
        },
        rounds,
    )
    print(
        f"pm4py {package_version('pm4py')}: {path.name}, wall-clock, best of {rounds} ({_load()})"
    )
    ours = best["cx-rules"]
    print(f"  cx-rules audit, every rule          {ours:8.2f} s {rate(events, ours):>9}")
    for name, label in (
        ("temporal", "temporal profile, 2 pairs"),
        ("ltl", "LTL eventually-follows"),
    ):
        theirs = best[name]
        print(
            f"  pm4py {label:<29} {theirs:8.2f} s {rate(events, theirs):>9}  "
            f"cx-rules {theirs / ours:.2f}x as fast"
        )
    print("  (target: faster than pm4py at every size, at least 10x at 1M)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated: " + ",".join(ROWS))
    parser.add_argument("--events", type=int, default=200_000, help="events of the audit rows")
    parser.add_argument("--valgrind-events", type=int, default=20_000, help="0: no valgrind")
    parser.add_argument("--memory-formats", default="json", help="comma-separated formats")
    parser.add_argument("--one-case", default="2000,10000", help="comma-separated sizes")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per one-case audit")
    parser.add_argument("--store-events", type=int, default=600)
    parser.add_argument(
        "--store-valgrind",
        type=int,
        default=0,
        help="the store row also counts instructions an event in the first N and next N",
    )
    parser.add_argument(
        "--stores",
        default="case,events",
        help="comma-separated stores of the store row: case (SQLiteCaseStore), case-wal "
        "(SQLiteCaseStore(durable=False)), events (SQLiteEventStore), postgres "
        "(PostgresEventStore at $CX_RULES_TEST_POSTGRES)",
    )
    parser.add_argument("--calls", type=int, default=20_000, help="timed calls per live row")
    parser.add_argument("--rounds", type=int, default=2, help="turns each row takes")
    args = parser.parse_args(argv)
    wanted = args.rows.split(",")
    unknown = sorted(set(wanted) - set(ROWS))
    if unknown:
        parser.error(f"--rows: unknown {', '.join(unknown)} (expected some of {', '.join(ROWS)})")
    print(f"Issue #19's table: {machine()}")
    fast = package_version("orjson")
    print(f"  JSON parser of the audit: {'orjson ' + fast if fast != '?' else 'json (stdlib)'}")
    for name in ROWS:
        if name not in wanted:
            continue
        if name == "instructions" and args.valgrind_events > 0:
            row_instructions(args.valgrind_events)
        elif name == "cpu":
            row_cpu(args.events, args.rounds)
        elif name == "memory":
            row_memory(args.events, args.memory_formats.split(","))
        elif name == "one-case":
            row_one_case([int(n) for n in args.one_case.split(",")], args.timeout)
        elif name == "live":
            row_live(args.calls, max(2, args.rounds * 5))
        elif name == "store":
            row_store(args.store_events, args.stores.split(","))
            if args.store_valgrind > 0:
                row_store_instructions(args.store_valgrind, args.stores.split(","))
        elif name == "pm4py":
            row_pm4py(args.events, args.rounds)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
