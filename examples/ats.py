"""A small applicant tracking system built on cx-rules.

Four candidates move through a pipeline.  Every event is recorded the way an ATS's request
handler would record it: load the case from the database, record the event, save it with the
version it was loaded at.  The guard stops what the policy enforces (a rejection by email after
two interviews, an offer to someone already rejected, a talent-pool entry without consent), a
retried webhook is recognised as a duplicate, and the list of what needs attention "today" is
printed at the end.  "Today" is a fixed date: cx-rules never reads the clock.

Run it with ``python examples/ats.py``.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from cx_rules import Engine, Event, Policy
from cx_rules.exceptions import PolicyViolation
from cx_rules.reminders import describe, due_across
from cx_rules.store import SQLiteCaseStore, record_in

CPH = ZoneInfo("Europe/Copenhagen")
TODAY = datetime(2026, 3, 25, 12, 0, tzinfo=CPH)

# What the ATS would keep in its pyproject.toml or cx-rules.toml.
POLICY = Policy.from_mapping(
    {
        "timezone": "Europe/Copenhagen",
        "enforce": ["CX001", "CX102", "CX502"],
    },
    source="ats policy",
)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=CPH)


def pipeline() -> list[Event]:
    """What happened before today, in the order the ATS learned about it."""
    return [
        Event("ana", "application_received", at(2, 9), event_id="ana-1", channel="portal"),
        Event("ana", "application_acknowledged", at(2, 10), event_id="ana-2", channel="email"),
        Event("ana", "interview_scheduled", at(3, 11), event_id="ana-3", channel="email"),
        Event("ana", "interview_held", at(9, 10), event_id="ana-4", channel="meeting"),
        Event("ana", "interview_held", at(12, 14), event_id="ana-5", channel="video"),
        Event("ben", "application_received", at(12, 9), event_id="ben-1", channel="portal"),
        Event("cleo", "application_received", at(3, 13), event_id="cleo-1", channel="portal"),
        Event("cleo", "application_acknowledged", at(3, 14), event_id="cleo-2", channel="email"),
        Event("cleo", "interview_scheduled", at(4, 9), event_id="cleo-3", channel="phone"),
        Event("cleo", "interview_held", at(11, 9), event_id="cleo-4", channel="meeting"),
        Event("dan", "application_received", at(2, 8), event_id="dan-1", channel="portal"),
        Event(
            "dan",
            "rejected",
            at(4, 15),
            event_id="dan-2",
            channel="email",
            attributes={"reason": "the role needs a driving licence", "thanked": True},
        ),
    ]


def record(store: SQLiteCaseStore, engine: Engine, event: Event) -> None:
    """What a request handler does with one event, and what it tells the recruiter."""
    label = f"{event.case_id} {event.activity}"
    try:
        result = record_in(store, engine, event)
    except PolicyViolation as refused:
        codes = ", ".join(f"{f.code} {engine.rules[f.code].name}" for f in refused.findings)
        print(f"refused   {label}: {codes}")
        return
    if result.duplicate:
        print(f"duplicate {label}: already recorded, nothing saved")
        return
    version = store.load(event.case_id)[1]
    print(f"recorded  {label} -> {result.case.state} (version {version})")


def main(directory: Path) -> None:
    engine = Engine(POLICY)
    with SQLiteCaseStore(directory / "ats.db") as store:
        for event in pipeline():
            record(store, engine, event)

        print("\n-- this morning --")
        # The job board retries the webhook that delivered Ben's application.
        record(store, engine, pipeline()[5])

        # Before the recruiter sends Ana a rejection by email, the screen asks the engine.
        draft = Event(
            "ana",
            "rejected",
            at(25, 9),
            event_id="ana-6",
            channel="email",
            attributes={"reason": "another candidate had more team-lead experience"},
        )
        case, _ = store.load("ana")
        blocked = ", ".join(f.code for f in engine.preview(case, draft).blocked)
        print(f"warning   ana rejected by email would be refused: {blocked}")
        # So she calls Ana instead, and offers her a place in the talent pool.
        record(store, engine, attrs.evolve(draft, channel="phone"))
        offered = Event("ana", "talent_pool_offered", at(25, 9), event_id="ana-7", channel="phone")
        record(store, engine, offered)
        # Ana says yes, but the form is saved before the consent box is ticked; then with it.
        joined = Event("ana", "talent_pool_joined", at(25, 10), event_id="ana-8")
        record(store, engine, joined)
        record(store, engine, attrs.evolve(joined, event_id="ana-9", attributes={"consent": True}))
        # A hiring manager clicks "make offer" on Dan, who was rejected three weeks ago.
        record(store, engine, Event("dan", "offer_made", at(25, 11), event_id="dan-3"))

        print(f"\n-- needs attention on {TODAY.date().isoformat()} --")
        reminders = due_across(engine, store.cases(), TODAY, within=timedelta(days=1))
        for due in reminders:
            print(describe(due, TODAY))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        main(Path(tmp))
