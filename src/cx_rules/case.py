"""Cases: one candidate's application to one job, as an immutable value."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Final, overload

import attrs

from .events import Event
from .obligations import Obligation

__all__ = ["Case", "History"]

#: Held while a history is appended to in place, so that two threads recording on the same
#: case never both append to it.
_append_lock: Final = threading.Lock()


class _Log:
    # The storage one chain of histories shares: the events, and where each event id sits.
    __slots__ = ("events", "ids")

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        ids: dict[str, int] = {}
        for i, e in enumerate(events):
            if e.event_id is not None:
                ids.setdefault(e.event_id, i)
        self.ids = ids


class History(Sequence[Event]):
    """The events of a case, oldest first: a read-only sequence that is equal to, hashes as and
    prints as the tuple of its events.

    The engine records an event by appending it to the history it shares with the case before
    (in place when that case holds the longest history of its line, by a copy otherwise, as
    when one case is recorded on twice), so a case of *n* events costs *n* appends rather than
    *n* copies, and finding an ``event_id`` is a look-up, not a scan.  A history never changes
    once made: a case sees only its own first ``len(history)`` events.  Slicing gives a tuple.
    """

    __slots__ = ("_length", "_log")

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._log = _Log(list(events))
        self._length = len(self._log.events)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...

    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        length = self._length
        if isinstance(index, slice):
            return tuple(self._log.events[:length][index])
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError("history index out of range")
        return self._log.events[index]

    def __iter__(self) -> Iterator[Event]:
        return islice(self._log.events, self._length)

    def __reversed__(self) -> Iterator[Event]:
        events = self._log.events
        return (events[i] for i in range(self._length - 1, -1, -1))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            if other._log is self._log:
                return self._length == other._length
            return self._length == other._length and tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return self._length == len(other) and tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __add__(self, other: tuple[Event, ...]) -> tuple[Event, ...]:
        return (*self, *other)

    def __radd__(self, other: tuple[Event, ...]) -> tuple[Event, ...]:
        return (*other, *self)

    def __reduce__(self) -> tuple[type[History], tuple[tuple[Event, ...]]]:
        return (History, (tuple(self),))

    def appended(self, event: Event) -> History:
        """This history and ``event`` after it (this one is unchanged)."""
        log = self._log
        length = self._length
        with _append_lock:
            if len(log.events) == length:
                log.events.append(event)
                if event.event_id is not None:
                    log.ids.setdefault(event.event_id, length)
                return _view(log, length + 1)
        return History((*self, event))

    def position(self, event_id: str) -> int | None:
        """Where the first event with ``event_id`` is, or ``None`` when none has it."""
        at = self._log.ids.get(event_id)
        return None if at is None or at >= self._length else at


def _view(log: _Log, length: int) -> History:
    history = object.__new__(History)
    history._log = log
    history._length = length
    return history


@attrs.frozen
class Case:
    """The state of one application after the events recorded so far.

    A case never changes: :meth:`Engine.record <cx_rules.Engine.record>` returns a new one.
    ``events`` are the events applied, oldest first (a tuple, or the :class:`History` the
    engine builds, which compares and hashes as one); ``obligations`` are those still open or
    overdue, soonest first.  Start a case with :meth:`Engine.start <cx_rules.Engine.start>`.
    """

    case_id: str
    state: str
    events: Sequence[Event] = ()
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
