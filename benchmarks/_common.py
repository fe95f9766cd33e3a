"""What the benchmark scripts share: the machine's description, test logs, and timing.

Every script measures its figure and a baseline in the same run, taking turns, so that a change
in the machine's load touches both alike; the ratio between them is the figure to compare.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def package_version(name: str) -> str:
    """The installed version of distribution ``name``, or ``?``."""
    try:
        return version(name)
    except Exception:
        return "?"


def machine() -> str:
    """One line: cx-rules, Python, the processor and the number of cores, the load."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"cx-rules {package_version('cx-rules')}, {platform.python_implementation()} "
        f"{platform.python_version()} on {platform.machine()} ({_cpu()}), "
        f"{os.cpu_count()} cores, load average {load}"
    )


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def log(events: int, fmt: str, *, seed: int = 2026, shape: str = "mix") -> Path:
    """The generated log of ``events`` events in ``fmt``, written on first use.

    ``shape`` is ``mix`` (many cases, interleaved, as an ATS exports them) or ``one-case``
    (every event on one long case; see ``generate.py``)."""
    prefix = "" if shape == "mix" else f"{shape}-"
    path = DATA / f"{prefix}{_size(events)}-{seed}.{fmt}"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        partial = path.with_suffix(path.suffix + ".partial")
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--events",
                str(events),
                "--seed",
                str(seed),
                "--format",
                fmt,
                "--out",
                str(partial),
                "--shape",
                shape,
            ],
            check=True,
        )
        partial.replace(path)
    return path


def _size(events: int) -> str:
    if events % 1_000_000 == 0:
        return f"{events // 1_000_000}m"
    if events % 1000 == 0:
        return f"{events // 1000}k"
    return str(events)


def best_of(
    rows: dict[str, Callable[[], object]],
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """The shortest time in seconds of each row over ``rounds`` turns (wall-clock time, or
    ``clock``: ``time.process_time`` for the CPU time of this process).

    The rows take turns, so that a change in the machine's load touches them alike; the
    shortest time is the one least disturbed by whatever else ran.
    """
    best = dict.fromkeys(rows, float("inf"))
    for _ in range(rounds):
        for name, call in rows.items():
            start = clock()
            call()
            best[name] = min(best[name], clock() - start)
    return best


def rate(count: int, seconds: float) -> str:
    """``count`` per second, as people read it (``412k/s``)."""
    per_second = count / seconds
    if per_second >= 10_000:
        return f"{per_second / 1000:,.0f}k/s"
    return f"{per_second:,.0f}/s"


def instructions(argv: list[str], *, timeout: float = 3600) -> int | None:
    """The instructions the command ``argv`` executes, counted by ``valgrind
    --tool=cachegrind`` with ``PYTHONHASHSEED=0``; ``None`` when valgrind is not installed.

    Instruction counts do not move with the machine's load: compare them, not times, to
    find a regression.  Valgrind runs programs some 50 times slower: keep the logs small.
    """
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            *argv,
        ],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))
