"""Cores: ``cx-rules audit --jobs N`` against ``--jobs 1``, and the same report from both.

    python benchmarks/jobs.py                         # 1,000,000 events, --jobs 2
    python benchmarks/jobs.py --events 100000 --jobs 2,3 --rounds 3
    python benchmarks/jobs.py --events 1000000 --phases   # CPU time of each phase, per process
    python benchmarks/jobs.py --format parquet            # the 1M Parquet log, read once
    python benchmarks/jobs.py --format parquet --memory   # peak memory of each process

Each row runs the command line in a fresh process, the report written as JSON to a file; the
rows take turns and the shortest wall-clock time of each is printed, with ``--jobs 1``
measured in the same run as the baseline, and the CPU time of the command and its forked
shares.  Every report is compared byte for byte with the one of ``--jobs 1``.  The target:
at least 1.8x with two processes on two cores.  ``--format parquet`` audits the Parquet log
of ``scale_out.py`` (read once as columns and cut into ranges of whole cases); JSONL and
CSV logs are shared out by a hash of the case id.  ``--memory`` prints, for each row, the
peak resident memory of the command's process and of its largest forked share.

On a machine shared with other work the wall-clock ratio says more about the load than about
the program.  ``--phases`` measures instead, in this process, the CPU time of each phase of
``audit(jobs=N)`` in each process (reading and holding the share, checking it, the partial's
bytes, merging and finishing the report, writing it), and prints the time two idle cores
would take: the serial start, the slower share, and the serial end.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import log, machine, rate

TARGET = 1.8


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--format", default="jsonl", choices=("jsonl", "csv", "parquet"))
    parser.add_argument("--jobs", default="2", help="comma-separated process counts")
    parser.add_argument("--rounds", type=int, default=2, help="turns each row takes")
    parser.add_argument("--phases", action="store_true", help="CPU time by phase, in-process")
    parser.add_argument(
        "--instructions", action="store_true", help="instructions per process (cachegrind)"
    )
    parser.add_argument("--memory", action="store_true", help="peak memory of each process")
    args = parser.parse_args(argv)
    if args.format == "parquet":
        from scale_out import _parquet  # the Parquet log the engines are measured on

        path = _parquet(args.events)
    else:
        path = log(args.events, args.format)
    counts = [1, *(int(n) for n in args.jobs.split(",") if int(n) != 1)]
    print(f"Jobs: {machine()}")
    if args.phases:
        return _phases(path, counts)
    if args.instructions:
        return _instructions(path, counts)
    if args.memory:
        return _memory(path, counts)
    best = dict.fromkeys(counts, float("inf"))
    cpu = dict.fromkeys(counts, float("inf"))
    with tempfile.TemporaryDirectory() as scratch:
        outputs = {jobs: Path(scratch) / f"jobs-{jobs}.json" for jobs in counts}
        for _ in range(args.rounds):
            for jobs in counts:
                command = [sys.executable, "-m", "cx_rules", "audit", str(path)]
                command += ["--format", "json", "--output", str(outputs[jobs])]
                command += ["--jobs", str(jobs)]
                before = _cpu_children()
                start = time.perf_counter()
                subprocess.run(command, check=True)
                best[jobs] = min(best[jobs], time.perf_counter() - start)
                cpu[jobs] = min(cpu[jobs], _cpu_children() - before)
        reference = outputs[1].read_bytes()
        same = {jobs: outputs[jobs].read_bytes() == reference for jobs in counts}
    print(f"{path.name}: {args.events:,} events; the command line, report as JSON to a file")
    for jobs in counts:
        speedup = best[1] / best[jobs]
        verdict = ""
        if jobs == 2:
            verdict = f" (target {TARGET}x: {'met' if speedup >= TARGET else 'not met'})"
        print(
            f"  --jobs {jobs}  {best[jobs]:7.2f} s  {rate(args.events, best[jobs]):>9}  "
            f"CPU {cpu[jobs]:7.2f} s  {speedup:4.2f}x{verdict}  "
            f"report {'identical' if same[jobs] else 'DIFFERENT'}"
        )
    print(f"  load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if all(same.values()) else 1


# -- memory ----------------------------------------------------------------------------------

# The command line in a process that says, on its way out, its peak resident memory and that
# of its largest forked share (Linux reports kibibytes).
_PEAK = """
import resource, runpy, sys
sys.argv = ["cx-rules", *sys.argv[1:]]
try:
    runpy.run_module("cx_rules", run_name="__main__")
except SystemExit:
    pass
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak {own} {child}", file=sys.stderr)
"""


def _memory(path: Path, counts: list[int]) -> int:
    for jobs in counts:
        command = [sys.executable, "-c", _PEAK, "audit", str(path), "--format", "json"]
        command += ["--output", os.devnull, "--jobs", str(jobs)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        found = re.search(r"peak (\d+) (\d+)", done.stderr)
        if found is None:
            print(f"  --jobs {jobs}: failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            return 1
        own, child = (int(n) / 1024 for n in found.groups())
        shown = f", largest share {child:.0f} MiB" if jobs > 1 else ""
        print(f"  --jobs {jobs}: peak resident memory: this process {own:.0f} MiB{shown}")
    print(f"  load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


# -- instructions ----------------------------------------------------------------------------


def _instructions(path: Path, counts: list[int]) -> int:
    """Each command under cachegrind, which follows the forked shares: the instructions of
    each process.  This process's count is the critical path when the shares are even (it
    starts, checks one share and does the serial end; a share checks the other)."""
    if shutil.which("valgrind") is None:
        print("  valgrind is not installed")
        return 1
    along: dict[int, int] = {}
    for jobs in counts:
        command = [sys.executable, "-m", "cx_rules", "audit", str(path), "--format", "json"]
        command += ["--output", os.devnull, "--jobs", str(jobs)]
        done = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                "--cachegrind-out-file=/dev/null",
                *command,
            ],
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=True,
        )
        found = [
            (int(pid), int(count.replace(",", "")))
            for pid, count in re.findall(r"==(\d+)== I\s+refs:\s+([\d,]+)", done.stderr)
        ]
        found.sort()  # the parent's pid is the lowest
        along[jobs] = found[0][1]
        shown = ", ".join(f"{count:,}" for _, count in found)
        print(f"  --jobs {jobs}: instructions per process (this one first): {shown}")
    for jobs in counts[1:]:
        print(
            f"  --jobs {jobs} against --jobs 1, instructions along this process: "
            f"{along[1] / along[jobs]:.2f}x"
        )
    return 0


# -- phases ----------------------------------------------------------------------------------


def _phases(path: Path, counts: list[int]) -> int:
    """Each count in a child process of its own (so that the phases of one do not warm the
    next), which prints its phases as ``name seconds`` lines per process."""
    totals = {}
    for jobs in counts:
        done = subprocess.run(
            [sys.executable, __file__, "--phases-child", str(path), str(jobs)],
            capture_output=True,
            text=True,
            check=True,
        )
        table: dict[str, dict[str, float]] = {}
        for line in done.stdout.splitlines():
            who, name, seconds = line.split()
            table.setdefault(who, {})[name] = float(seconds)
        parent = table.pop("parent")
        # A Parquet log is read once, in this process ("read"), then each range's share of
        # the cut-off ("survey") and its check, each a step all processes wait for.
        surveys = [parent.get("survey", 0), *(t.get("survey", 0) for t in table.values())]
        shares = [parent.get("hold", 0) + parent.get("check", 0)]
        shares += [
            t.get("hold", 0) + t.get("check", 0) + t.get("to_bytes", 0) for t in table.values()
        ]
        tail = parent.get("from_bytes", 0) + parent["finish"] + parent["write"]
        start = parent["start"] + parent.get("read", 0)
        if jobs == 1:
            shares = [parent.get("plan", 0) + parent["check"]]
            surveys = [0.0]
        ideal = start + max(surveys) + max(shares) + tail
        totals[jobs] = ideal
        shown = ", ".join(f"{name} {value:.2f} s" for name, value in sorted(parent.items()))
        print(f"  --jobs {jobs}: this process: {shown}")
        for who, phases in sorted(table.items()):
            print(
                f"    share {who}: "
                + ", ".join(f"{n} {v:.2f} s" for n, v in sorted(phases.items()))
            )
        surveyed = f"slowest survey {max(surveys):.2f} + " if max(surveys) else ""
        print(
            f"    on two idle cores: start {start:.2f} + {surveyed}slowest share "
            f"{max(shares):.2f} + serial end {tail:.2f} = {ideal:.2f} s"
        )
    for jobs in counts[1:]:
        print(
            f"  --jobs {jobs} against --jobs 1, CPU time of the phases: {totals[1] / totals[jobs]:.2f}x"
        )
    print(f"  load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _phases_child(path: str, jobs: int) -> None:
    begun = time.process_time()
    import cx_rules._columnar_jobs as columnar
    import cx_rules.auditing as auditing
    from cx_rules.partials import Partial
    from cx_rules.report import write

    spent: dict[str, float] = {"start": time.process_time() - begun}
    main = os.getpid()

    def timed(owner: Any, name: str, label: str, *, static: bool = False) -> None:
        inner = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            before = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - before
                if os.getpid() != main and label == "to_bytes":
                    for key, value in spent.items():
                        if key not in ("start", "read"):
                            print(f"{os.getpid()} {key} {value:.3f}", flush=True)

        setattr(owner, name, staticmethod(wrapper) if static else wrapper)

    timed(columnar, "plan", "read")
    timed(columnar, "_latest", "survey")
    timed(columnar, "_check", "check")
    timed(auditing._Log, "hold", "hold")
    timed(auditing._Share, "plan", "plan")
    timed(auditing._Share, "check", "check")
    timed(Partial, "to_bytes", "to_bytes")
    timed(Partial, "from_bytes", "from_bytes", static=True)
    timed(Partial, "finish", "finish")
    report = auditing.audit(path, jobs=jobs)
    before = time.process_time()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        write(report, sink, "json")
    spent["write"] = time.process_time() - before
    for key, value in spent.items():
        print(f"parent {key} {value:.3f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--phases-child":
        _phases_child(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    sys.exit(main())
