"""How the two databases here were made, with the cx-rules of commit ec953b5 (before the
case store kept events in rows and before head rows held a token):

    git archive ec953b5 src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src python tests/data/stores/make_before.py tests/data/stores
"""

import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cx_rules import Engine, Event, Policy
from cx_rules.store import SQLiteCaseStore, record_in
from cx_rules.stores import SQLiteEventStore, record_events

CPH = ZoneInfo("Europe/Copenhagen")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CPH)
engine = Engine(Policy(timezone="Europe/Copenhagen"))


def events(case):
    return [
        Event(case, "application_received", T0, event_id=f"{case}-1", channel="portal"),
        Event(
            case,
            "application_acknowledged",
            T0 + timedelta(hours=5),
            event_id=f"{case}-2",
            actor="Birgitte",
            channel="email",
        ),
        Event(
            case,
            "screening_started",
            T0 + timedelta(days=2),
            event_id=f"{case}-3",
            attributes={"stage": "phone"},
        ),
    ]


out = sys.argv[1]
with SQLiteCaseStore(f"{out}/cases-before-event-rows.db") as s:
    for e in events("c1"):
        record_in(s, engine, e)
    record_in(s, engine, events("c2")[0])
with SQLiteEventStore(f"{out}/events-before-tokens.db") as s:
    for e in events("c1"):
        record_events(s, engine, e)
    record_events(s, engine, events("c2")[0])
