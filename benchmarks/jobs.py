"""Cores: ``cx-rules audit --jobs N`` against ``--jobs 1``, and the same report from both.

    python benchmarks/jobs.py                         # 1,000,000 events, --jobs 2
    python benchmarks/jobs.py --events 100000 --jobs 2,3 --rounds 3

Each row runs the command line in a fresh process, the report written as JSON to a file; the
rows take turns and the shortest wall-clock time of each is printed, with ``--jobs 1``
measured in the same run as the baseline.  Every report is compared byte for byte with the
one of ``--jobs 1``.  The issue's target: at least 1.7x with two processes on two cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import log, machine, rate

TARGET = 1.7


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--format", default="jsonl", choices=("jsonl", "csv"))
    parser.add_argument("--jobs", default="2", help="comma-separated process counts")
    parser.add_argument("--rounds", type=int, default=2, help="turns each row takes")
    args = parser.parse_args(argv)
    path = log(args.events, args.format)
    counts = [1, *(int(n) for n in args.jobs.split(",") if int(n) != 1)]
    print(f"Jobs: {machine()}")
    best = dict.fromkeys(counts, float("inf"))
    with tempfile.TemporaryDirectory() as scratch:
        outputs = {jobs: Path(scratch) / f"jobs-{jobs}.json" for jobs in counts}
        for _ in range(args.rounds):
            for jobs in counts:
                command = [sys.executable, "-m", "cx_rules", "audit", str(path)]
                command += ["--format", "json", "--output", str(outputs[jobs])]
                command += ["--jobs", str(jobs)]
                start = time.perf_counter()
                subprocess.run(command, check=True)
                best[jobs] = min(best[jobs], time.perf_counter() - start)
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
            f"{speedup:4.2f}x{verdict}  report {'identical' if same[jobs] else 'DIFFERENT'}"
        )
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
