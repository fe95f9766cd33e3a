"""The deadline rules three ways, on one generated log, with the same findings checked.

    python benchmarks/prototypes/deadlines.py --events 20000          # time every design
    python benchmarks/prototypes/deadlines.py --events 20000 --cachegrind

The rules are the deadline-shaped built-ins CX401 (acknowledge-application) and CX405
(time-to-disposition), configured by the default policy.  Every design reads the same
events, already parsed and grouped in each case's replay order (reading is the same for all
and is measured by ``benchmarks/table.py``), and audits them to the same cut-off:

- ``engine``: today's engine, ``Engine._audit_case`` per case, as ``cx_rules.audit`` calls it
  (passes and pending checks counted, not built; the default per-rule-call timing);
- ``compiled``: prototype (a), ``fastpath.py``, interpreted;
- ``compiled-nogc``: the same with the cyclic garbage collector frozen and disabled;
- ``mypyc``: ``fastpath.py`` compiled by mypyc (built on first use into a temporary folder);
- ``columnar``: prototype (c), ``columnar.py``, polars over the whole log (building the frame
  from the events is timed separately: a columnar reader would build it directly).

Not run unless named in ``--designs``, and not compared: ``engine-empty`` and
``compiled-empty``, each design's walk without any rule (so that a rule's own cost is the
difference), and ``columnar-import`` and ``columnar-frame``, the columnar design's import of
polars and its frame apart from the evaluation.

Each design's violations (case, code, outcome, time, due time) and its passed and pending
counts are compared with the engine's; any difference is printed and the script exits 1.
``--cachegrind`` runs each design once under ``valgrind --tool=cachegrind`` (with
``PYTHONHASHSEED=0``) and prints instructions per event: the design's run minus a run that
loads and groups the log and stops.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # _common
sys.path.insert(0, str(HERE))

import columnar  # noqa: E402
import fastpath  # noqa: E402
from _common import instructions, log, machine, rate  # noqa: E402
from spec import Deadline, deadlines_of  # noqa: E402

from cx_rules import Engine, Event, Policy  # noqa: E402
from cx_rules.io import read_path  # noqa: E402

DESIGNS = ("engine", "compiled", "compiled-nogc", "mypyc", "columnar")
# The walk alone, without a rule (not run by default, not compared): what each design pays
# per event before any rule, so that a rule's own cost is the difference.
# ``columnar-import`` imports polars, ``columnar-frame`` also builds the frame: the columnar
# design's fixed and reading costs, apart from its evaluation.
SKELETONS = ("engine-empty", "compiled-empty", "columnar-import", "columnar-frame")
Key = tuple[str, str, str, datetime, datetime | None]
Result = tuple[Counter[Key], dict[str, int], dict[str, int]]
Cases = list[tuple[str, list[Event]]]


def load(events: int, engine: Engine) -> tuple[Cases, datetime, int]:
    """The generated log's cases in replay order, the cut-off and the number of events."""
    held: dict[str, list[Event]] = {}
    count = 0
    stream = read_path(log(events, "jsonl"))
    try:
        for record in stream:
            if isinstance(record, Event) and record.activity in engine.model.activities:
                held.setdefault(record.case_id, []).append(record)
                count += 1
    finally:
        stream.close()
    cut = max(e.timestamp for found in held.values() for e in found)
    in_order = engine.model.in_order
    return [(c, in_order(found)) for c, found in held.items()], cut, count


def _key(case: str, code: str, outcome: str, at: datetime, due: datetime | None) -> Key:
    return (case, code, outcome, at.astimezone(UTC), None if due is None else due.astimezone(UTC))


def run_engine(engine: Engine, cases: Cases, cut: datetime, codes: set[str]) -> Result:
    found: Counter[Key] = Counter()
    passed: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    for _case_id, events in cases:
        _case, findings, tallied = engine._audit_case(events, cut)
        for f in findings:
            found[_key(f.case_id, f.code, f.outcome.value, f.at, f.due)] += 1
        for code, outcome in tallied:
            (passed if outcome.value == "passed" else pending)[code] += 1
    return found, _only(passed, codes), _only(pending, codes)


def _only(counts: Counter[str], codes: set[str]) -> dict[str, int]:
    return {c: counts.get(c, 0) for c in sorted(codes)}


def compiled_of(module: ModuleType, engine: Engine, shapes: Sequence[Deadline]) -> Any:
    calendar = engine.calendar
    table = module.compile_table(
        {state: dict(row) for state, row in engine._moves.items()},
        [(d.code, d.after, d.then, d.cancel_on) for d in shapes],
    )
    return module.Compiled(
        table,
        engine.model.initial,
        [d.code for d in shapes],
        [d.days for d in shapes],
        [d.business for d in shapes],
        calendar.add_business_days,
        calendar.add_days,
        calendar._comparable,
    )


def run_compiled(
    module: ModuleType, engine: Engine, shapes: Sequence[Deadline], cases: Cases, cut: datetime
) -> Result:
    compiled = compiled_of(module, engine, shapes)
    run = compiled.run_case
    for case_id, events in cases:
        run(case_id, events, cut)
    found = Counter(_key(*f) for f in compiled.findings)
    codes = [d.code for d in shapes]
    passed = dict(zip(codes, compiled.passed, strict=True))
    pending = dict(zip(codes, compiled.pending, strict=True))
    return found, dict(sorted(passed.items())), dict(sorted(pending.items()))


def without_gc(run: Callable[[], Result]) -> Result:
    """``run()`` with the cyclic collector frozen (nothing allocated so far is ever scanned)
    and disabled; restored afterwards, even on an error."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        return run()
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def run_columnar(
    engine: Engine, shapes: Sequence[Deadline], cases: Cases, cut: datetime, frame: Any = None
) -> Result:
    calendar = engine.calendar

    def due_of(moment: datetime, days: int, business: bool) -> datetime:
        count = calendar.add_business_days if business else calendar.add_days
        return count(moment, days)

    if frame is None:
        frame = columnar.frame_of(cases)
    findings, passed, pending = columnar.evaluate(frame, shapes, due_of, cut)
    return (
        Counter(_key(*f) for f in findings),
        dict(sorted(passed.items())),
        dict(sorted(pending.items())),
    )


def mypyc_module() -> ModuleType:
    """``fastpath`` compiled by mypyc, built once per version of its source."""
    source = HERE / "fastpath.py"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    where = Path(tempfile.gettempdir()) / f"cx-rules-mypyc-{digest}"
    built = sorted(where.glob("fastpath.*.so")) if where.exists() else []
    if not built:
        where.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, where / "fastpath.py")
        print(f"compiling fastpath.py with mypyc in {where} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [sys.executable, "-m", "mypyc", "fastpath.py"],
            cwd=where,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )
        built = sorted(where.glob("fastpath.*.so"))
    spec = importlib.util.spec_from_file_location("fastpath", built[0])
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def designs(
    engine: Engine, shapes: Sequence[Deadline], cases: Cases, cut: datetime, names: Sequence[str]
) -> dict[str, Callable[[], Result]]:
    codes = {d.code for d in shapes}
    rows: dict[str, Callable[[], Result]] = {}
    for name in names:
        if name == "engine":
            rows[name] = lambda: run_engine(engine, cases, cut, codes)
        elif name == "engine-empty":
            bare = Engine(Policy(select=("CX000",)), guard=False)
            rows[name] = lambda b=bare: run_engine(b, cases, cut, set())  # type: ignore[misc]
        elif name == "columnar-import":
            rows[name] = _import_polars
        elif name == "columnar-frame":
            rows[name] = lambda: _frame_only(cases)
        elif name == "compiled-empty":
            rows[name] = lambda: run_compiled(fastpath, engine, [], cases, cut)
        elif name == "compiled":
            rows[name] = lambda: run_compiled(fastpath, engine, shapes, cases, cut)
        elif name == "compiled-nogc":
            rows[name] = lambda: without_gc(
                lambda: run_compiled(fastpath, engine, shapes, cases, cut)
            )
        elif name == "mypyc":
            native = mypyc_module()
            rows[name] = lambda m=native: without_gc(  # type: ignore[misc]
                lambda: run_compiled(m, engine, shapes, cases, cut)
            )
        elif name == "columnar":
            frame = columnar.frame_of(cases)
            rows[name] = lambda f=frame: run_columnar(engine, shapes, cases, cut, f)  # type: ignore[misc]
            rows["columnar: build the frame"] = lambda: _frame_only(cases)
        else:
            known = ", ".join((*DESIGNS, *SKELETONS))
            raise SystemExit(f"unknown design {name!r} (expected one of {known})")
    return rows


def _import_polars() -> Result:
    import polars  # noqa: F401

    return Counter(), {}, {}


def _frame_only(cases: Cases) -> Result:
    columnar.frame_of(cases)
    return Counter(), {}, {}


def compare(name: str, got: Result, want: Result) -> bool:
    """Print whether ``got`` has the findings and counts of ``want``; whether it does."""
    found, passed, pending = got
    same = got == want
    print(
        f"  {name:<14} same findings as the engine: {'yes' if same else 'NO'} "
        f"({sum(found.values()):,} violations, passed {passed}, pending {pending})"
    )
    if not same:
        extra = found - want[0]
        missing = want[0] - found
        for key in list(extra)[:5]:
            print(f"    only here:        {key}")
        for key in list(missing)[:5]:
            print(f"    only the engine's: {key}")
    return same


def cachegrind(args: argparse.Namespace, names: Sequence[str]) -> int:
    """Instructions per event of each design, under cachegrind, against a load-only run."""
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: no instruction counts")
        return 0
    if "mypyc" in names:
        mypyc_module()  # build outside valgrind
    log(args.events, "jsonl")
    counts: dict[str, int] = {}
    for name in ("none", *names):
        found = instructions(
            [sys.executable, str(Path(__file__)), "--events", str(args.events), "--only", name]
        )
        assert found is not None  # valgrind is installed: checked above
        counts[name] = found
    print(f"Instructions per event under cachegrind, {args.events:,} events (PYTHONHASHSEED=0):")
    base = counts["none"]
    engine_cost = (counts.get("engine", base) - base) / args.events
    for name in names:
        per_event = (counts[name] - base) / args.events
        versus = (
            f"  ({engine_cost / per_event:.1f}x fewer than the engine)"
            if "engine" in counts and name != "engine"
            else ""
        )
        print(f"  {name:<14} {per_event:>10,.0f}{versus}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--designs", default=",".join(DESIGNS), help="comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="turns each design takes")
    parser.add_argument("--cachegrind", action="store_true", help="count instructions too")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one design, once (for cachegrind)
    args = parser.parse_args(argv)
    names = [n for n in args.designs.split(",") if n]
    engine = Engine(Policy(select=("CX401", "CX405")), guard=False)
    shapes = deadlines_of(engine)
    if args.only is not None:
        cases, cut, _ = load(args.events, engine)
        if args.only != "none":
            designs(engine, shapes, cases, cut, [args.only])[args.only]()
        return 0
    if args.cachegrind:
        return cachegrind(args, names)
    cases, cut, count = load(args.events, engine)
    print(f"Deadline rules {', '.join(d.code for d in shapes)}: {machine()}")
    print(f"  {count:,} events, {len(cases):,} cases, cut-off {cut.isoformat()}")
    rows = designs(engine, shapes, cases, cut, names)
    want = (
        rows["engine"]()
        if "engine" in rows
        else run_engine(engine, cases, cut, {d.code for d in shapes})
    )
    illegal = Engine(Policy(select=("CX001",)), guard=False)
    wrong = sum(len(illegal._audit_case(events, cut)[1]) for _, events in cases)
    print(f"  illegal transitions in the log (CX001 violations): {wrong}")
    same = all(
        compare(name, call(), want)
        for name, call in rows.items()
        if not name.startswith("columnar:") and name not in SKELETONS
    )
    best = dict.fromkeys(rows, float("inf"))
    for _ in range(args.rounds):
        for name, call in rows.items():
            began = time.process_time()
            call()
            best[name] = min(best[name], time.process_time() - began)
    print(f"  CPU time, best of {args.rounds} (load average now {os.getloadavg()[0]:.2f}):")
    base = best.get("engine")
    for name, seconds in best.items():
        versus = f"  {base / seconds:5.1f}x the engine's speed" if base and name != "engine" else ""
        print(f"  {name:<26} {seconds:7.3f} s {rate(count, seconds):>10}{versus}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
