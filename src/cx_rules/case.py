"""Cases: one candidate's application to one job, as an immutable value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import attrs

from .events import Event
from .obligations import Obligation

__all__ = ["Case"]


@attrs.frozen
class Case:
    """The state of one application after the events recorded so far.

    A case never changes: :meth:`Engine.record <cx_rules.Engine.record>` returns a new one.
    ``events`` are the events applied, oldest first; ``obligations`` are those still open or
    overdue, soonest first.  Start a case with :meth:`Engine.start <cx_rules.Engine.start>`.
    """

    case_id: str
    state: str
    events: tuple[Event, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    #: The latest moment the case has seen: its last event or the clock it was advanced to.
    clock: datetime | None = None

    @property
    def last_event(self) -> Event | None:
        """The most recent event, or ``None`` for a new case."""
        return self.events[-1] if self.events else None

    def count(self, activity: str) -> int:
        """How many recorded events have ``activity``."""
        return sum(1 for e in self.events if e.activity == activity)

    def first(self, activity: str) -> Event | None:
        """The earliest event with ``activity``, or ``None``."""
        return next((e for e in self.events if e.activity == activity), None)

    def last(self, activity: str) -> Event | None:
        """The latest event with ``activity``, or ``None``."""
        return next((e for e in reversed(self.events) if e.activity == activity), None)

    def having(self, activity: str) -> Iterator[Event]:
        """The events with ``activity``, oldest first."""
        return (e for e in self.events if e.activity == activity)

    def obligation(self, code: str, key: str) -> Obligation | None:
        """The open or overdue obligation of rule ``code`` with ``key``, or ``None``."""
        for o in self.obligations:
            if o.code == code and o.key == key:
                return o
        return None
