"""Start-up: ``import cx_rules`` and ``cx-rules --version`` against a bare interpreter.

    python benchmarks/startup.py              # 30 runs of each, taking turns
    python benchmarks/startup.py --runs 100

Each row is a fresh process, timed from launch to exit; the rows take turns so that the
machine's load touches them alike, and the shortest time of each is printed, with the bare
interpreter (``python -c pass``) as the baseline measured in the same run.  The targets of
the issue: ``import cx_rules`` under 60 ms and ``cx-rules --version`` under 150 ms.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import machine

TARGETS = {"import cx_rules": 60.0, "cx-rules --version": 150.0}


def _command_line() -> list[str]:
    # The console script pip installed next to this interpreter, else the module.
    script = Path(sys.executable).with_name("cx-rules")
    if script.exists():
        return [str(script), "--version"]
    found = shutil.which("cx-rules")
    return [found, "--version"] if found else [sys.executable, "-m", "cx_rules", "--version"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    rows = {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "import cx_rules": [sys.executable, "-c", "import cx_rules"],
        "cx-rules --version": _command_line(),
    }
    best = dict.fromkeys(rows, float("inf"))
    for _ in range(args.runs):
        for name, command in rows.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            best[name] = min(best[name], time.perf_counter() - start)
    base = best["python -c pass (baseline)"]
    print(f"Start-up: {machine()}; best of {args.runs} runs each")
    for name, seconds in best.items():
        ms = seconds * 1000
        target = TARGETS.get(name)
        verdict = (
            f"  (target {target:.0f} ms: {'met' if ms < target else 'not met'})" if target else ""
        )
        print(f"  {name:28} {ms:6.1f} ms  {seconds / base:4.1f}x the bare interpreter{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
