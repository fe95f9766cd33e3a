"""Importers: a Greenhouse export imported, and audited straight away, against its bare parse.

    python benchmarks/importers.py                       # 10,000 applications
    python benchmarks/importers.py --applications 2000 --rounds 3

The export is made up in the documented Harvest shapes: per application its record, an
activity feed (three e-mails, one HTML, a logged call, a stage change), a scheduled
interview, its scorecard, and an offer for one in ten.  The script times, in turns:

- the bare parse: ``json.loads`` of every file, nothing else;
- the import: ``Greenhouse().read`` to its end (both passes, every record translated);
- ``cx_rules.audit(..., importer=Greenhouse())``: the import twice (the audit's two passes)
  and every built-in rule;
- ``cx_rules.audit`` of the canonical log the import wrote (JSONL), for comparison.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import best_of, machine, package_version, rate

from cx_rules import audit
from cx_rules.importers import ImportResult
from cx_rules.importers.greenhouse import Greenhouse
from cx_rules.io import write_jsonl

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def make_export(folder: Path, applications: int) -> list[str]:
    """Write a Greenhouse export of ``applications`` applications; return its files."""
    apps, feeds, interviews, scorecards, offers = [], [], [], [], []
    for n in range(applications):
        applied = START + timedelta(minutes=37 * n)
        rejected = n % 10 != 0
        apps.append(
            {
                "id": 100000 + n,
                "candidate_id": 500000 + n,
                "prospect": False,
                "applied_at": _at(applied),
                "rejected_at": _at(applied + timedelta(days=12)) if rejected else None,
                "rejection_reason": {
                    "id": 8,
                    "name": "Lacking skills",
                    "type": {"id": 1, "name": "We rejected them"},
                }
                if rejected
                else None,
                "rejection_details": None,
                "jobs": [{"id": 300 + n % 20, "name": f"Job {n % 20}"}],
                "status": "rejected" if rejected else "hired",
                "current_stage": {"id": 62828, "name": "Interview"},
                "recruiter": {"id": 4000 + n % 30, "name": "R"},
            }
        )
        user = {"id": 4000 + n % 30, "name": "R"}
        feeds.append(
            {
                "candidate_id": 500000 + n,
                "activity_feed": {
                    "emails": [
                        {
                            "id": 3 * n,
                            "created_at": _at(applied + timedelta(days=1)),
                            "subject": "Thanks",
                            "body": "<p>Thank you for applying.</p>",
                            "to": "c",
                            "from": "r",
                            "cc": None,
                            "user": user,
                        },
                        {
                            "id": 3 * n + 1,
                            "created_at": _at(applied + timedelta(days=4)),
                            "subject": "Next",
                            "body": "Here is how it works.",
                            "to": "c",
                            "from": "r",
                            "cc": None,
                            "user": user,
                        },
                        {
                            "id": 3 * n + 2,
                            "created_at": _at(applied + timedelta(days=13)),
                            "subject": "Result",
                            "body": "<html><body><p>Thank you for your time.</p></body></html>",
                            "to": "c",
                            "from": "r",
                            "cc": None,
                            "user": user,
                        },
                    ],
                    "notes": [
                        {
                            "id": n,
                            "created_at": _at(applied + timedelta(days=5)),
                            "body": "Phone call: next steps",
                            "user": user,
                            "private": False,
                            "visibility": "public",
                        }
                    ],
                    "activities": [
                        {
                            "id": n,
                            "created_at": _at(applied + timedelta(days=3)),
                            "subject": "Candidate Stage Change",
                            "body": f"C was moved into Interview for Job {n % 20} on 01/08/2026 by R",
                            "user": user,
                        }
                    ],
                },
            }
        )
        start = applied + timedelta(days=7)
        interviews.append(
            {
                "id": 900000 + n,
                "application_id": 100000 + n,
                "start": {"date_time": _at(start)},
                "end": {"date_time": _at(start + timedelta(hours=1))},
                "location": None,
                "video_conferencing_url": "https://v",
                "status": "complete",
                "created_at": _at(applied + timedelta(days=3, minutes=5)),
                "updated_at": _at(start),
                "interview": {"id": 7001, "name": "Interview"},
                "organizer": user,
                "interviewers": [{"id": 1, "name": "I", "scorecard_id": 700000 + n}],
            }
        )
        scorecards.append(
            {
                "id": 700000 + n,
                "application_id": 100000 + n,
                "candidate_id": 500000 + n,
                "interviewed_at": _at(start),
                "submitted_at": _at(start + timedelta(hours=2)),
                "interviewer": {"id": 1},
            }
        )
        if not rejected:
            offers.append(
                {
                    "id": 800000 + n,
                    "version": 1,
                    "application_id": 100000 + n,
                    "created_at": _at(applied + timedelta(days=9)),
                    "sent_at": None,
                    "resolved_at": _at(applied + timedelta(days=11)),
                    "status": "accepted",
                }
            )
    files = []
    for name, records in (
        ("applications", apps),
        ("interviews", interviews),
        ("scorecards", scorecards),
        ("offers", offers),
    ):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        files.append(str(path))
    path = folder / "feeds.jsonl"
    path.write_text("".join(json.dumps(f) + "\n" for f in feeds), encoding="utf-8")
    files.append(str(path))
    return files


def bare(files: list[str]) -> int:
    records = 0
    for name in files:
        text = Path(name).read_text("utf-8")
        if name.endswith(".jsonl"):
            records += sum(1 for line in text.splitlines() if json.loads(line))
        else:
            records += len(json.loads(text))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(machine(), f"cx-rules {package_version('cx-rules')}")
    greenhouse = Greenhouse()
    with tempfile.TemporaryDirectory() as folder:
        files = make_export(Path(folder), args.applications)
        result = ImportResult.of(greenhouse.read(files))
        events = len(result.events)
        log = Path(folder) / "log.jsonl"
        write_jsonl(result.events, log)
        print(
            f"{args.applications:,} applications: {events:,} events, {len(result.errors)} input errors"
        )
        timings = best_of(
            {
                "bare parse": lambda: bare(files),
                "import": lambda: ImportResult.of(greenhouse.read(files)),
                "audit --from greenhouse": lambda: audit(files, importer=greenhouse),
                "audit of the imported log": lambda: audit(str(log)),
            },
            args.rounds,
        )
    base = timings["bare parse"]
    for name, seconds in timings.items():
        print(
            f"  {name:<28} {seconds:8.2f} s  {rate(events, seconds):>14}  {seconds / base:5.1f}x the bare parse"
        )


if __name__ == "__main__":
    main()
