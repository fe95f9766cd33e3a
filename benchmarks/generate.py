"""A seeded generator of realistic recruitment event logs of any size, for benchmarks.

    python benchmarks/generate.py --events 1000000 --format jsonl --out benchmarks/data/1m.jsonl

The log is time-ordered, like an ATS export: applications arrive through the period, each case
runs its course over days to weeks, and events of concurrent cases interleave.  The mix:
hired; rejected after screening; rejected after one to three interviews; withdrawn; rejected
without screening.  Some acknowledgements and decisions are late, some rejections of
interviewed candidates go by e-mail, some attributes are missing, most closed cases have
their data deleted within the retention period.  The same seed gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Copenhagen")
START = datetime(2025, 1, 6, 8, 0, tzinfo=ZONE)
JOBS = [f"job-{n:03d}" for n in range(40)]
RECRUITERS = [f"recruiter-{n:02d}" for n in range(25)]
AREAS = ["technical skills", "system design", "communication", "domain experience"]

Row = dict[str, Any]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(ZONE).isoformat(timespec="seconds")


class _Case:
    """Builds the events of one case from a seeded random source."""

    def __init__(self, rng: random.Random, number: int, start: datetime) -> None:
        self.rng = rng
        self.case_id = f"app-{number:07d}"
        self.t = start
        self.rows: list[Row] = []
        self.actor = rng.choice(RECRUITERS)
        self.counter = 0

    def add(self, activity: str, after_hours: float, **attributes: Any) -> None:
        self.t += timedelta(hours=after_hours, minutes=self.rng.randint(0, 59))
        self.counter += 1
        row: Row = {
            "case_id": self.case_id,
            "activity": activity,
            "timestamp": _stamp(self.t),
            "event_id": f"{self.case_id}-{self.counter}",
            "actor": self.actor,
        }
        row.update({k: v for k, v in attributes.items() if v is not None})
        self.rows.append(row)

    def channel(self, personal: bool) -> str | None:
        if self.rng.random() < 0.05:
            return None  # not recorded
        if personal:
            return self.rng.choice(["phone", "phone", "video", "meeting"])
        return self.rng.choice(["email", "email", "portal"])

    def build(self) -> list[Row]:
        rng = self.rng
        self.add("application_received", 0, job_id=rng.choice(JOBS), channel="portal")
        late = rng.random() < 0.1
        self.add(
            "application_acknowledged",
            rng.uniform(60, 100) if late else rng.uniform(1, 30),
            channel="email",
        )
        fate = rng.random()
        if fate < 0.10:
            self.reject(interviews=0, after=rng.uniform(24, 200))
            return self.rows
        self.add("screening_started", rng.uniform(24, 150))
        if fate < 0.40:
            self.reject(interviews=0, after=rng.uniform(24, 120))
            return self.rows
        if fate < 0.50:
            self.add("withdrawn", rng.uniform(24, 240))
            self.retention()
            return self.rows
        if rng.random() < 0.85:
            self.add("process_info_sent", rng.uniform(1, 48), channel="email")
        rounds = rng.choice([1, 1, 2, 2, 3])
        for n in range(1, rounds + 1):
            interview = f"{self.case_id}-i{n}"
            self.add(
                "interview_scheduled",
                rng.uniform(4, 72),
                interview_id=interview,
                scheduled_for=_stamp(self.t + timedelta(days=5)),
                channel="email",
            )
            if rng.random() < 0.1:
                self.add(
                    "interview_rescheduled",
                    rng.uniform(2, 48),
                    interview_id=interview,
                    by=rng.choice(["company", "candidate"]),
                    scheduled_for=_stamp(self.t + timedelta(days=6)),
                )
            if rng.random() < 0.2:
                self.add(
                    "question_received",
                    rng.uniform(1, 24),
                    question_id=f"{interview}-q",
                    channel="email",
                )
                self.add(
                    "question_answered",
                    rng.uniform(1, 60),
                    question_id=f"{interview}-q",
                    channel="email",
                )
            delay = rng.choice([0, 0, 0, 2, 5, 15])
            self.add(
                "interview_held", rng.uniform(70, 150), interview_id=interview, delay_minutes=delay
            )
        if fate < 0.80:
            self.reject(interviews=rounds, after=rng.uniform(24, 340))
            return self.rows
        self.add("offer_made", rng.uniform(24, 200), channel="phone")
        if rng.random() < 0.85:
            self.add("offer_accepted", rng.uniform(24, 120))
        else:
            self.add("offer_declined", rng.uniform(24, 120))
            self.retention()
        return self.rows

    def reject(self, *, interviews: int, after: float) -> None:
        rng = self.rng
        personal = interviews > 0 and rng.random() < 0.7
        reason = (
            None if rng.random() < 0.08 else rng.choice(["experience", "skills", "other candidate"])
        )
        self.add(
            "rejected",
            after,
            reason=reason,
            channel=self.channel(personal),
            thanked=rng.random() < 0.8,
            template=not personal,
        )
        if interviews:
            if rng.random() < 0.75:
                items = [{"area": rng.choice(AREAS), "detail": "see the interview notes"}]
                self.add("feedback_given", rng.uniform(4, 150), items=items, channel="email")
            if rng.random() < 0.6:
                self.add("talent_pool_offered", rng.uniform(2, 100), channel="email")
                if rng.random() < 0.5:
                    self.add("talent_pool_joined", rng.uniform(2, 100), consent=rng.random() < 0.97)
                    return
        self.retention()

    def retention(self) -> None:
        if self.rng.random() < 0.8:
            self.add("data_deleted", self.rng.uniform(30 * 24, 170 * 24))


def events(count: int, seed: int = 2026, per_day: int = 300) -> Iterator[Row]:
    """Yield about ``count`` native event rows in time order."""
    rng = random.Random(seed)
    gap = timedelta(days=1) / per_day
    heap: list[tuple[str, int, Row]] = []
    produced = 0
    number = 0
    start = START
    order = 0
    while produced < count:
        # Before the next application arrives, emit every queued event that happens earlier.
        while heap and heap[0][0] < _stamp_utc(start):
            yield heapq.heappop(heap)[2]
            produced += 1
            if produced >= count:
                return
        for row in _Case(rng, number, start).build():
            order += 1
            heapq.heappush(heap, (_utc_key(row["timestamp"]), order, row))
        number += 1
        start += gap
    while heap and produced < count:  # pragma: no cover - loop above returns first
        yield heapq.heappop(heap)[2]
        produced += 1


def one_case(count: int, seed: int = 2026) -> Iterator[Row]:
    """``count`` events on one case: an application, then questions and answers, status
    updates and process information every few hours, as a long-running application (an
    open pool, a candidate in touch for months) records them."""
    rng = random.Random(seed)
    case = _Case(rng, 0, START)
    case.add("application_received", 0, job_id=JOBS[0], channel="portal")
    case.add("application_acknowledged", rng.uniform(1, 20), channel="email")
    n = 0
    while len(case.rows) < count:
        n += 1
        if n % 3:
            question = f"{case.case_id}-q{n}"
            case.add("question_received", rng.uniform(1, 12), question_id=question, channel="email")
            case.add("question_answered", rng.uniform(1, 30), question_id=question, channel="email")
        elif n % 2:
            case.add("status_update_sent", rng.uniform(1, 48), channel="email")
        else:
            case.add("process_info_sent", rng.uniform(1, 48), channel="email")
    yield from case.rows[:count]


def _utc_key(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(ZoneInfo("UTC")).isoformat()


def _stamp_utc(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).isoformat()


def write(rows: Iterator[Row], fmt: str, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        n = 0
        with out.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
                n += 1
        return n
    if fmt == "csv":
        columns = [
            "case_id",
            "activity",
            "timestamp",
            "event_id",
            "actor",
            "channel",
            "job_id",
            "reason",
            "thanked",
            "template",
            "interview_id",
            "scheduled_for",
            "by",
            "delay_minutes",
            "question_id",
            "items",
            "consent",
        ]
        n = 0
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            for row in rows:
                cells = {
                    k: (
                        json.dumps(v)
                        if isinstance(v, list)
                        else str(v).lower()
                        if isinstance(v, bool)
                        else v
                    )
                    for k, v in row.items()
                }
                writer.writerow(cells)
                n += 1
        return n
    if fmt == "xes":
        from cx_rules.io.native import event_from_dict
        from cx_rules.io.writers import write_xes

        return write_xes((event_from_dict(r) for r in rows), out)
    raise SystemExit(f"unknown format {fmt!r} (expected jsonl, csv or xes)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-day", type=int, default=300, help="applications per day")
    parser.add_argument("--format", choices=["jsonl", "csv", "xes"], default="jsonl")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--shape",
        choices=["mix", "one-case"],
        default="mix",
        help="many interleaved cases (mix), or every event on one long case",
    )
    args = parser.parse_args(argv)
    rows = (
        one_case(args.events, args.seed)
        if args.shape == "one-case"
        else events(args.events, args.seed, args.per_day)
    )
    n = write(rows, args.format, args.out)
    print(f"wrote {n} events to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
