"""Against the field's tool: cx-rules with every rule against pm4py's temporal-profile check.

    pip install pm4py                             # the benchmark's own dependency
    python benchmarks/vs_pm4py.py                 # 1,000,000 events, CSV
    python benchmarks/vs_pm4py.py --events 100000 --format xes

pm4py can express two of cx-rules' checks as temporal-profile conformance: the time from
``application_received`` to ``application_acknowledged`` (CX401, 2 days here, as pm4py
counts calendar time) and from ``interview_held`` to ``rejected`` (CX404, 14 days).  Each is
a pair with a mean and a deviation, checked with ``zeta = 1``: within ``mean +- std``.

End to end, in one process, the rows taking turns (best time of each):

- pm4py: read the file (``pandas.read_csv`` and ``pm4py.format_dataframe``, or
  ``pm4py.read_xes``), then ``pm4py.conformance_temporal_profile`` of the two pairs;
- cx-rules: ``cx_rules.audit`` of the same file, default policy, every built-in rule.

It prints both times, events per second and the ratio (the issue's target: cx-rules at least
8x faster).  Importing either library is not timed.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from _common import best_of, log, machine, package_version, rate

from cx_rules import audit

DAY = 86400.0
# (source, target): (mean, std) in seconds; with zeta = 1 the allowed range is [0, 2 * mean].
PROFILE = {
    ("application_received", "application_acknowledged"): (1 * DAY, 1 * DAY),
    ("interview_held", "rejected"): (7 * DAY, 7 * DAY),
}
TARGET = 8.0


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--format", default="csv", choices=("csv", "xes"))
    parser.add_argument("--rounds", type=int, default=2, help="turns each row takes")
    args = parser.parse_args(argv)
    path = log(args.events, args.format)
    _pm4py()
    deviations = pm4py_check(path, args.format)
    report = audit(path)
    best = best_of(
        {
            "pm4py": lambda: pm4py_check(path, args.format),
            "cx-rules": lambda: audit(path),
        },
        args.rounds,
    )
    events = report.input.events
    ratio = best["pm4py"] / best["cx-rules"]
    print(f"Against pm4py {package_version('pm4py')}: {machine()}")
    print(f"{path.name}: {events:,} events, {report.input.cases:,} cases")
    print(
        f"  pm4py: read, temporal profile of 2 pairs  {best['pm4py']:8.2f} s  "
        f"{rate(events, best['pm4py']):>9}  ({deviations:,} deviations)"
    )
    print(
        f"  cx-rules: audit, {len(report.rules)} rules          {best['cx-rules']:8.2f} s  "
        f"{rate(events, best['cx-rules']):>9}  ({report.tally.violated:,} violations)"
    )
    verdict = "met" if ratio >= TARGET else "not met"
    print(f"  cx-rules is {ratio:.2f}x as fast as pm4py (target {TARGET}x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
