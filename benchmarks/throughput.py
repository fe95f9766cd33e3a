"""Throughput: an audit of a whole log against the bare parse of the same file.

    python benchmarks/throughput.py                      # 1,000,000 events, JSONL and CSV
    python benchmarks/throughput.py --events 100000 --formats jsonl --rounds 5

For each format the script times, in turns, in one process:

- the bare parse, the least any tool must do to read the file: for JSONL, ``json.loads`` of
  each line and ``datetime.fromisoformat`` of its timestamp; for CSV, ``csv.DictReader`` and
  ``datetime.fromisoformat``; nothing else;
- ``cx_rules.audit`` of the same file with the default policy and every built-in rule: both
  passes over the file, every rule, the scores and the findings, the report as a value (not
  rendered).

It prints the best time of each, the events per second and the audit's time as a multiple of
the bare parse (the issue's target: at most 1.8x).  ``--parser json`` makes the audit read
JSONL with the standard library even when orjson is installed.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from _common import best_of, log, machine, package_version, rate

from cx_rules import audit

TARGET = 1.8


def bare_jsonl(path: Path) -> int:
    """Read every line with json.loads and its timestamp with fromisoformat; the line count."""
    lines = 0
    loads, parse = json.loads, datetime.fromisoformat
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parse(loads(line)["timestamp"])
            lines += 1
    return lines


def bare_csv(path: Path) -> int:
    """Read every row with csv.DictReader and its timestamp with fromisoformat; the row count."""
    rows = 0
    parse = datetime.fromisoformat
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            parse(row["timestamp"])
            rows += 1
    return rows


BARE: dict[str, Callable[[Path], int]] = {"jsonl": bare_jsonl, "csv": bare_csv}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--formats", default="jsonl,csv", help="comma-separated: jsonl,csv")
    parser.add_argument("--rounds", type=int, default=3, help="turns each row takes")
    parser.add_argument(
        "--parser",
        choices=("auto", "json"),
        default="auto",
        help="the audit's JSON parser: orjson when installed (auto), or the standard library",
    )
    args = parser.parse_args(argv)
    if args.parser == "json":
        import cx_rules.io.jsonl as jsonl

        jsonl._parser = lambda: json.loads  # type: ignore[assignment]
    fast = package_version("orjson") if args.parser == "auto" else "?"
    print(f"Throughput: {machine()}")
    print(f"  JSON parser of the audit: {'orjson ' + fast if fast != '?' else 'json (stdlib)'}")
    for fmt in args.formats.split(","):
        path = log(args.events, fmt)
        lines = BARE[fmt](path)
        report = audit(path)
        events = report.input.events
        gc.collect()
        best = best_of(
            {"bare": lambda p=path, f=fmt: BARE[f](p), "audit": lambda p=path: audit(p)},
            args.rounds,
        )
        ratio = best["audit"] / best["bare"]
        print(
            f"{fmt}: {path.name}, {lines:,} lines, {events:,} events, {report.input.cases:,} cases"
        )
        print(f"  bare parse  {best['bare']:8.2f} s  {rate(lines, best['bare']):>10}")
        print(f"  audit       {best['audit']:8.2f} s  {rate(events, best['audit']):>10}")
        verdict = "met" if ratio <= TARGET else "not met"
        print(f"  audit / bare parse: {ratio:.2f}x (target {TARGET}x: {verdict})")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
