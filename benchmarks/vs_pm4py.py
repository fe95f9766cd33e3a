"""Against the field's tool: cx-rules with every rule against pm4py's temporal-profile check.

    pip install pm4py                             # the benchmark's own dependency
    python benchmarks/vs_pm4py.py                 # 1,000,000 events, CSV
    python benchmarks/vs_pm4py.py --events 200000,1000000 --rounds 1
    python benchmarks/vs_pm4py.py --events 100000 --format xes

pm4py can express two of cx-rules' checks as temporal-profile conformance: the time from
``application_received`` to ``application_acknowledged`` (CX401, 2 days here, as pm4py
counts calendar time) and from ``interview_held`` to ``rejected`` (CX404, 14 days).  Each is
a pair with a mean and a deviation, checked with ``zeta = 1``: within ``mean +- std``.

End to end, in one process, the rows taking turns (best time of each):

- pm4py: read the file (``pandas.read_csv`` and ``pm4py.format_dataframe``, or
  ``pm4py.read_xes``), then ``pm4py.conformance_temporal_profile`` of the two pairs;
- cx-rules: ``cx_rules.audit`` of the same file, default policy, every built-in rule.

pm4py's LTL check ``eventually_follows`` (``application_received`` then ``rejected``) is a
row of its own on CSV logs, and cx-rules runs twice: every built-in rule, and only the two
rules the temporal profile expresses (CX401 and CX404: like for like).  ``--events`` takes
several sizes (``--events 200000,1000000``), since pm4py's check grows faster than linearly.
It prints the times, events per second and the ratios (the issue's target: cx-rules at least
10x faster at 1M events).  Importing either library is not timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import best_of, log, machine, package_version, rate

from cx_rules import Policy, audit

DAY = 86400.0
# (source, target): (mean, std) in seconds; with zeta = 1 the allowed range is [0, 2 * mean].
PROFILE = {
    ("application_received", "application_acknowledged"): (1 * DAY, 1 * DAY),
    ("interview_held", "rejected"): (7 * DAY, 7 * DAY),
}
TARGET = 10.0
# The like-for-like row: only the two rules the temporal profile expresses.
SAME_CHECKS = Policy(select=("CX401", "CX404"))


def _pm4py() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py  # the banner it prints goes to stdout once, before the figures
    return pm4py


def pm4py_check(path: Path, fmt: str) -> int:
    """Read ``path`` with pm4py and check the two pairs; the number of deviations."""
    pm4py = _pm4py()
    if fmt == "xes":
        frame = pm4py.read_xes(str(path))
    else:
        import pandas as pd

        frame = pm4py.format_dataframe(
            pd.read_csv(path),
            case_id="case_id",
            activity_key="activity",
            timestamp_key="timestamp",
        )
    found = pm4py.conformance_temporal_profile(frame, PROFILE, zeta=1.0)
    return sum(len(deviations) for deviations in found)


def pm4py_eventually_follows(path: Path) -> int:
    """Read CSV ``path`` with pm4py and keep the cases where ``application_received`` is
    eventually followed by ``rejected`` (LTL checking); the number of such cases."""
    pm4py = _pm4py()
    import pandas as pd
    from pm4py.algo.filtering.pandas.ltl import ltl_checker

    frame = pm4py.format_dataframe(
        pd.read_csv(path), case_id="case_id", activity_key="activity", timestamp_key="timestamp"
    )
    kept = ltl_checker.eventually_follows(frame, ["application_received", "rejected"])
    return int(kept["case:concept:name"].nunique())


def _rows(path: Path, fmt: str) -> dict[str, Callable[[], object]]:
    rows: dict[str, Callable[[], object]] = {
        "pm4py temporal profile": lambda: pm4py_check(path, fmt),
    }
    if fmt == "csv":
        rows["pm4py eventually-follows"] = lambda: pm4py_eventually_follows(path)
    rows["cx-rules, the same 2 checks"] = lambda: audit(path, policy=SAME_CHECKS)
    rows["cx-rules, every rule"] = lambda: audit(path)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--events", default="1000000", help="events of each log, comma-separated sizes"
    )
    parser.add_argument("--format", default="csv", choices=("csv", "xes"))
    parser.add_argument("--rounds", type=int, default=2, help="turns each row takes")
    args = parser.parse_args(argv)
    _pm4py()
    print(f"Against pm4py {package_version('pm4py')}: {machine()}")
    for size in (int(n) for n in args.events.split(",")):
        path = log(size, args.format)
        report = audit(path)
        same = audit(path, policy=SAME_CHECKS)
        counts = {
            "pm4py temporal profile": f"{pm4py_check(path, args.format):,} deviations",
            "pm4py eventually-follows": (
                f"{pm4py_eventually_follows(path):,} cases kept" if args.format == "csv" else ""
            ),
            "cx-rules, the same 2 checks": f"{same.tally.violated:,} violations",
            "cx-rules, every rule": f"{report.tally.violated:,} violations",
        }
        best = best_of(_rows(path, args.format), args.rounds)
        events = report.input.events
        print(f"{path.name}: {events:,} events, {report.input.cases:,} cases")
        for name, seconds in best.items():
            print(f"  {name:<28} {seconds:8.2f} s  {rate(events, seconds):>9}  ({counts[name]})")
        for ours in ("cx-rules, the same 2 checks", "cx-rules, every rule"):
            for theirs in (n for n in best if n.startswith("pm4py")):
                ratio = best[theirs] / best[ours]
                verdict = "met" if ratio >= TARGET else "not met"
                print(f"  {ours} is {ratio:.2f}x as fast as {theirs} (target {TARGET}x: {verdict})")
        print("  (load average {:.2f}, {:.2f}, {:.2f})".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
