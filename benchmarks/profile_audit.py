"""Where an audit's time goes: cProfile by phase, and instructions per event by subtraction.

    python benchmarks/profile_audit.py --events 200000 --no-cachegrind   # cProfile only
    python benchmarks/profile_audit.py --events 20000                    # and cachegrind

cProfile runs ``cx-rules audit LOG --format json`` in this process (the default per-rule-call
timing included, as a user gets it) and prints the cumulative time of each phase and the
functions that take the most time of their own.  cProfile slows calls down unevenly: its
shares are a map, the instruction counts are the measure.

Under ``valgrind --tool=cachegrind`` (``PYTHONHASHSEED=0``, one process at a time) each phase
is the difference between two child processes (see ``memory.child_argv``), per event:

- first pass: the first pass alone, minus start-up (import, engine);
- second pass, reading and building events, replay without rules: an audit whose only rule
  is CX000, minus the first pass;
- engine, rules and tallies: the audit (``cx_rules.audit``, no timing) minus the above;
- of which the cyclic garbage collector: the audit minus the audit with the collector off;
- JSON rendering and writing: ``cx-rules audit --format json --rule-budget 0`` minus the
  audit;
- the default per-rule-call timing: ``--format json`` minus ``--rule-budget 0``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys

from _common import instructions, log, machine
from memory import child_argv

from cx_rules.cli import main as cli

# (label, function name, file name ends with) whose cumulative time is a phase.
PHASES = (
    ("the whole command", "main", "cx_rules/cli.py"),
    ("first pass (_Share.plan)", "plan", "cx_rules/auditing.py"),
    ("second pass (_Share.check)", "check", "cx_rules/auditing.py"),
    ("  engine, per case (Engine._audit_case)", "_audit_case", "cx_rules/engine/core.py"),
    ("    one step (Engine._apply)", "_apply", "cx_rules/engine/core.py"),
    ("    rule-call timing (Engine._timed, its own)", "_timed", "cx_rules/engine/core.py"),
    ("  tallies (Collector.add_case)", "add_case", "cx_rules/report/collect.py"),
    ("the report value (_report)", "_report", "cx_rules/auditing.py"),
    ("rendering (report.render)", "render", "cx_rules/report/__init__.py"),
    ("  JSON encoding (json.dumps)", "dumps", "json/__init__.py"),
)


def profile(path: str, top: int) -> None:
    argv = ["audit", path, "--format", "json", "--output", os.devnull]
    profiler = cProfile.Profile()
    profiler.runcall(cli, argv)
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_f, _l, name), (_cc, _nc, _tt, ct, _c) in table.items() if name == "main")
    print(f"cProfile of cx-rules audit {os.path.basename(path)} --format json ({total:.2f} s)")
    for label, name, ends in PHASES:
        own = "its own" in label
        spent = sum(
            (tt if own else ct)
            for (file, _line, func), (_cc, _nc, tt, ct, _callers) in table.items()
            if func == name and file.replace(os.sep, "/").endswith(ends)
        )
        print(f"  {label:<48} {spent:7.2f} s {100 * spent / total:5.1f}%")
    print("  garbage collections: see the cachegrind rows (cProfile does not see them)")
    print(f"Functions by their own time (top {top}):")
    stats.sort_stats("tottime").print_stats(top)


def cachegrind(path: str, events: int) -> None:
    runs = {
        "start": child_argv("start", log(events, "jsonl")),
        "plan": child_argv("plan", log(events, "jsonl")),
        "norules": child_argv("norules", log(events, "jsonl")),
        "audit": child_argv("audit-only", log(events, "jsonl")),
        "nogc": child_argv("nogc", log(events, "jsonl")),
        "untimed": child_argv("cli:json", log(events, "jsonl"), "--rule-budget", "0"),
        "cli": child_argv("cli:json", log(events, "jsonl")),
    }
    counts: dict[str, int] = {}
    for name, argv in runs.items():
        found = instructions(argv)
        if found is None:
            print("valgrind is not installed: no instruction counts")
            return
        counts[name] = found
        print(f"  ({name}: {found:,} instructions)", file=sys.stderr, flush=True)

    def per(a: str, b: str) -> float:
        return (counts[a] - counts[b]) / events

    whole = per("cli", "start")
    rows = (
        ("first pass", per("plan", "start")),
        ("second pass: reading, building events, replay without rules", per("norules", "plan")),
        ("engine, rules and tallies", per("audit", "norules")),
        ("  of which the garbage collector (whole audit)", per("audit", "nogc")),
        ("JSON rendering and writing", per("untimed", "audit")),
        ("default per-rule-call timing", per("cli", "untimed")),
    )
    print(f"Instructions per event, {events:,} events, cachegrind, PYTHONHASHSEED=0:")
    print(f"  {'cx-rules audit --format json, start-up subtracted':<62} {whole:>9,.0f}")
    for label, value in rows:
        print(f"  {label:<62} {value:>9,.0f} {100 * value / whole:5.1f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=25, help="functions listed by own time")
    parser.add_argument("--no-cachegrind", action="store_true", help="cProfile only")
    parser.add_argument("--no-profile", action="store_true", help="cachegrind only")
    args = parser.parse_args(argv)
    path = str(log(args.events, "jsonl"))
    print(f"Profile: {machine()}")
    if not args.no_profile:
        profile(path, args.top)
    if not args.no_cachegrind:
        cachegrind(path, args.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
