"""The engine's compiled table against its reference path, on one generated log.

    python benchmarks/compiled.py --events 20000                 # rule calls, CPU time
    python benchmarks/compiled.py --events 20000 --cachegrind    # and instructions per event

Both engines have every built-in rule and the default policy, and audit the same cases
(read, grouped and put in replay order once, beforehand) with ``Engine._audit_case``, as
``cx_rules.audit`` calls it, without per-step timing:

- ``compiled``: the engine as built, its table by state and activity (a rule is called only
  on the moves where its ``reacts`` declaration says it can react);
- ``reference``: ``Engine(..., _compiled=False)``, every subscribed rule on every event.

The script prints the rule calls per event of each (by rule), checks that both give the same
findings, case states and tallies (exit 1 if not), and times them taking turns (CPU time:
the machine is shared, so only the ratio of the same run means anything).  ``--cachegrind``
runs each once under ``valgrind --tool=cachegrind`` (``PYTHONHASHSEED=0``) and prints
instructions per event: the run minus one that loads and groups the log and stops.  Run with
``PYTHONPATH`` pointing at another checkout's ``src``, ``--mode engine`` gives that
checkout's engine (one without ``_compiled``) under the same measure.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import datetime
from typing import Any

from _common import instructions, log, machine

from cx_rules import Engine, Event, Policy
from cx_rules.io import read_path

MODES = ("compiled", "reference")
Cases = list[tuple[str, list[Event]]]


def engine_for(mode: str) -> Engine:
    if mode == "engine":  # another checkout's engine, as it is built there
        return Engine(Policy())
    return Engine(Policy(), _compiled=mode == "compiled")  # type: ignore[call-arg]


def load(events: int, engine: Engine) -> tuple[Cases, datetime, int]:
    held: dict[str, list[Event]] = {}
    count = 0
    stream = read_path(log(events, "jsonl"))
    try:
        for record in stream:
            if isinstance(record, Event):
                held.setdefault(record.case_id, []).append(record)
                count += 1
    finally:
        stream.close()
    cut = max(e.timestamp for found in held.values() for e in found)
    in_order = engine.model.in_order
    return [(c, in_order(found)) for c, found in held.items()], cut, count


def run(engine: Engine, cases: Cases, cut: datetime) -> tuple[Any, ...]:
    findings: Counter[tuple[Any, ...]] = Counter()
    tallied: Counter[tuple[str, str]] = Counter()
    states: Counter[str] = Counter()
    for _case_id, events in cases:
        case, found, passes = engine._audit_case(events, cut)
        states[case.state] += 1
        for f in found:
            findings[(f.case_id, f.code, f.outcome.value, f.at, f.due, f.message)] += 1
        for code, outcome in passes:
            tallied[(code, outcome.value)] += 1
    return findings, tallied, states


def calls(engine: Engine, cases: Cases, cut: datetime) -> Counter[str]:
    """Rule calls by code, counted by wrapping each rule's on_event in the built table."""
    counted: Counter[str] = Counter()

    def wrap(code: str, on_event: Any) -> Any:
        def counting(step: Any) -> Any:
            counted[code] += 1
            return on_event(step)

        return counting

    table = getattr(engine, "_table", None)
    if table is None:  # another checkout: its table by activity
        for activity, entries in engine._dispatch.items():  # type: ignore[attr-defined]
            engine._dispatch[activity] = tuple(  # type: ignore[attr-defined]
                (e, wrap(code, f), code, s, p) for e, f, code, s, p in entries
            )
    else:
        for row in table.values():
            for activity, move in row.items():
                # A timer the engine runs itself is counted as the call of its on_event.
                wrapped = [
                    (e, wrap(code, f), code, s, p, None) for e, f, code, s, p, *_ in move.rules
                ]
                row[activity] = move._replace(
                    rules=tuple(wrapped),
                    unconditional=tuple(d for d in wrapped if d[2] not in move.conditional),
                )
    run(engine, cases, cut)
    return counted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cachegrind", action="store_true", help="count instructions too")
    parser.add_argument("--mode", choices=(*MODES, "engine", "load"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mode is not None:  # a child of --cachegrind
        engine = engine_for("engine" if args.mode == "load" else args.mode)
        cases, cut, _count = load(args.events, engine)
        if args.mode != "load":
            run(engine, cases, cut)
        return 0
    print(machine())
    engines = {mode: engine_for(mode) for mode in MODES}
    cases, cut, count = load(args.events, engines["compiled"])
    print(f"{count:,} events in {len(cases):,} cases")
    results = {mode: run(engine, cases, cut) for mode, engine in engines.items()}
    if results["compiled"] != results["reference"]:
        print("the compiled table and the reference path differ", file=sys.stderr)
        return 1
    print("same findings, tallies and case states on both paths")
    counted = {mode: calls(engine_for(mode), cases, cut) for mode in MODES}
    codes = sorted(set(counted["reference"]) | set(counted["compiled"]))
    print(f"{'rule':<8}{'reference':>12}{'compiled':>12}   (calls per event)")
    for code in codes:
        ref, com = counted["reference"][code] / count, counted["compiled"][code] / count
        print(f"{code:<8}{ref:>12.3f}{com:>12.3f}")
    ref, com = (sum(counted[m].values()) / count for m in ("reference", "compiled"))
    print(f"{'all':<8}{ref:>12.3f}{com:>12.3f}   ({1 - com / ref:.0%} fewer calls)")
    best = dict.fromkeys(MODES, float("inf"))
    for _ in range(args.rounds):
        for mode, engine in engines.items():
            began = time.process_time()
            run(engine, cases, cut)
            best[mode] = min(best[mode], time.process_time() - began)
    for mode in MODES:
        print(f"{mode:<10} {best[mode]:.3f} s CPU, {best[mode] / count * 1e6:.1f} us an event")
    print(f"reference / compiled: {best['reference'] / best['compiled']:.2f}x")
    if args.cachegrind:
        child = [sys.executable, __file__, "--events", str(args.events), "--mode"]
        base = instructions([*child, "load"])
        if base is None:
            print("valgrind is not installed: no instruction counts")
            return 0
        for mode in MODES:
            total = instructions([*child, mode])
            assert total is not None
            print(f"{mode:<10} {(total - base) / count:,.0f} instructions an event")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
