"""The checks of an event before it is recorded, and the small helpers of the engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from ..case import Case, History
from ..events import Event, check_range
from ..exceptions import EventConflict, NaiveTimestamp
from ..findings import Finding


def _merged(findings: Iterable[Finding], refused: Sequence[Finding]) -> list[Finding]:
    """``findings`` with each of ``refused`` put after the last one that is not later."""
    merged = list(findings)
    for f in refused:
        at = len(merged)
        while at and merged[at - 1].at > f.at:
            at -= 1
        merged.insert(at, f)
    return merged


def _older(case: Case, event: Event) -> str:
    """Why ``event`` is out of order on ``case``: older than its last event, or its clock."""
    where = f"case {case.case_id!r}: {event.activity} at {event.timestamp.isoformat()}"
    events = case.events
    if events and event.timestamp < events[-1].timestamp:
        last = events[-1]
        return (
            f"{where} is older than the last event ({last.activity} at "
            f"{last.timestamp.isoformat()})"
        )
    clock = case.clock.isoformat() if case.clock is not None else "?"
    return (
        f"{where} is older than the case's clock ({clock}: the latest event it was given, "
        "or the time it was advanced to), as of which its obligations were already judged"
    )


def _check_types(case: object, event: object) -> None:
    if not isinstance(case, Case):
        raise TypeError(f"case: expected a Case, got {type(case).__name__}")
    if not isinstance(event, Event):
        raise TypeError(f"event: expected an Event, got {type(event).__name__}")


def _seen(case: Case, event: Event) -> bool:
    """Whether ``event`` is already on ``case``; raises when its id names another event."""
    event_id = event.event_id
    events = case.events
    if events.__class__ is History:
        # The engine's own histories index their event ids: a look-up, not a scan.
        at = events.position(cast(str, event_id))
        candidates: Sequence[Event] = () if at is None else (events[at],)
    else:
        candidates = events
    for known in candidates:
        if known.event_id == event_id:
            if known == event:
                return True
            raise EventConflict(
                f"case {case.case_id!r}: event_id {event_id!r} is already recorded for "
                f"{known.describe()}, and the event now given under that id differs "
                f"({event.describe()}; fields and attributes are compared too)"
            )
    return False


def _a(value: object) -> str:
    """``a str``, ``an int``: the type of what a rule returned, for its CX000 message."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveTimestamp(f"{name}: {moment.isoformat()} has no time zone")
    check_range(moment, name)  # an instant every zone can show, as events must be
