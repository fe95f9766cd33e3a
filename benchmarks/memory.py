"""Memory: the peak resident memory of an audit, and what it is made of, at two log sizes.

    python benchmarks/memory.py                      # 1,000,000 and 4,000,000 events
    python benchmarks/memory.py --events 100000,400000

Each measurement runs in a child process of its own, which reports its peak resident set
size, read before anything else is measured: ``VmHWM`` from ``/proc/self/status`` on Linux.
Not ``ru_maxrss``: Linux carries it across ``exec``, so a child started by a parent that
holds a lot would report the parent's peak (``resource.getrusage`` is the fallback elsewhere).

- the baseline, in the same run: a child that imports cx-rules, builds the engine and reads
  the same file with the bare parse (``json.loads`` and ``datetime.fromisoformat``);
- the audit: ``cx_rules.audit`` of the file, default policy, every built-in rule; then the
  size of the report it returns (every object reachable from it, counted once).

The script also counts, from the file, the cases open at the busiest moment (first event
read, last not yet) and the events the audit holds then.  The audit's own working memory is
the peak minus the baseline minus the report: it should follow the open cases, not the
length of the log.  The report lists every case and every violation, but holds at most a
bounded number of each in memory (the rest is in its spools' temporary file, see
``cx_rules.report.spool``): what the walk counts is what is in memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from _common import log, machine

CHILD = r"""
import gc, json, resource, sys
from datetime import datetime
mode, path = sys.argv[1], sys.argv[2]

def peak_kb():
    # The high-water mark of this process's own memory (kB).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

if mode in ("start", "baseline", "orjson"):
    from cx_rules import Engine
    Engine()
    if mode != "start":
        loads, parse = json.loads, datetime.fromisoformat
        if mode == "orjson":
            import orjson
            loads = orjson.loads
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parse(loads(line)["timestamp"])
    print(json.dumps({"peak": peak_kb()}))
    raise SystemExit
if mode.startswith("cli:"):
    # What a user of the command line gets: the audit and the report rendered and written.
    import os
    from cx_rules.cli import main
    argv = ["audit", path, "--format", mode[4:], "--output", os.devnull, *sys.argv[3:]]
    code = main(argv)
    print(json.dumps({"peak": peak_kb(), "exit": code}))
    raise SystemExit
if mode in ("plan", "norules", "nogc", "audit-only"):
    # The pieces of an audit, for a profile by subtraction (benchmarks/profile_audit.py).
    from cx_rules import Engine, Policy, audit
    if mode == "plan":
        from cx_rules.auditing import _open, _Share
        engine = Engine(guard=False)
        _Share(_open(path, engine.policy, None), engine, None, False, None, None, None).plan()
    elif mode == "norules":
        audit(path, engine=Engine(Policy(select=("CX000",)), guard=False))
    else:
        if mode == "nogc":
            gc.disable()
        audit(path)
    print(json.dumps({"peak": peak_kb()}))
    raise SystemExit
from cx_rules import audit
report = audit(path)
peak = peak_kb()
gc.collect()

def walk(root):
    # The bytes of every object reachable from root, each counted once; classes, modules
    # and the small values Python shares anyway (interned names, enums) are left out.
    import types, enum
    seen, size, todo = set(), 0, [root]
    skip = (type, types.ModuleType, types.FunctionType, enum.Enum)
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, skip) or obj is None or isinstance(obj, bool):
            continue
        seen.add(id(obj))
        size += sys.getsizeof(obj)
        if isinstance(obj, dict):
            todo.extend(obj.keys()); todo.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend(obj)
        elif hasattr(obj, "__slots__"):
            todo.extend(getattr(obj, s) for s in type(obj).__slots__ if hasattr(obj, s))
        elif hasattr(obj, "__dict__"):
            todo.extend(vars(obj).values())
    return size

print(json.dumps({
    "peak": peak,
    "report": walk(report),
    "cases": report.input.cases,
    "findings": len(report.findings),
}))
"""


def child_argv(mode: str, path: Path, *extra: str) -> list[str]:
    """The command that runs ``mode`` of the child on ``path`` in a process of its own.

    Modes: ``start`` (import cx-rules, build the engine), ``baseline`` (and the bare parse),
    ``orjson`` (the bare parse with orjson), ``audit`` (``cx_rules.audit`` and the size of
    its report), ``audit-only``, ``nogc`` (the audit with the collector disabled), ``plan``
    (the first pass alone), ``norules`` (the audit with no rule but CX000), ``cli:FORMAT``
    (``cx-rules audit --format FORMAT`` written to the null device; ``extra`` are further
    options).  Each prints one JSON line with ``peak``, its peak memory in kB.
    """
    return [sys.executable, "-c", CHILD, mode, str(path), *extra]


def _child(mode: str, path: Path, *extra: str) -> dict[str, int]:
    done = subprocess.run(
        child_argv(mode, path, *extra),
        check=True,
        capture_output=True,
        text=True,
    )
    found: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def busiest(path: Path) -> tuple[int, int]:
    """The most cases open at once, and the most events held then (see the module text)."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            case = str(json.loads(line)["case_id"])
            first.setdefault(case, index)
            last[case] = index
    starts = Counter(first.values())
    ends = Counter(last.values())
    per_case: Counter[str] = Counter()
    open_cases = held = most_cases = most_held = 0
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            case = str(json.loads(line)["case_id"])
            open_cases += starts[index]
            per_case[case] += 1
            held += 1
            if open_cases > most_cases:
                most_cases = open_cases
            if held > most_held:
                most_held = held
            if ends[index]:
                open_cases -= ends[index]
                held -= per_case.pop(case)
    return most_cases, most_held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", default="1000000,4000000", help="comma-separated sizes")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.events.split(",")]
    print(f"Memory: {machine()}")
    print(
        f"{'events':>10} {'cases':>8} {'open at most':>13} {'held at most':>13} "
        f"{'baseline':>9} {'audit peak':>11} {'report':>8} {'the rest':>9}"
    )
    for size in sizes:
        path = log(size, "jsonl")
        most_cases, most_held = busiest(path)
        base = _child("baseline", path)["peak"] / 1024
        found = _child("audit", path)
        peak = found["peak"] / 1024
        report = found["report"] / 2**20
        rest = peak - base - report
        print(
            f"{size:>10,} {found['cases']:>8,} {most_cases:>13,} {most_held:>13,} "
            f"{base:>7.0f}MB {peak:>9.0f}MB {report:>6.0f}MB {rest:>7.0f}MB"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
