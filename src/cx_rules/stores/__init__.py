"""Event stores: cases kept as a head row and appended event rows, on SQLite or PostgreSQL.

:class:`SQLiteEventStore` and :class:`PostgresEventStore` keep the versioned ``load``/``save``
of :class:`~cx_rules.store.CaseStore` (so :func:`record_events` and
:func:`cx_rules.store.record_in` work with them) and add appends, a due index, bulk import and
a consistency check.  :func:`record_events` records an event with the retries a service needs.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any, Protocol

from ..exceptions import CaseNotFound, ConcurrentUpdate
from .sqlite import SQLiteEventStore

if TYPE_CHECKING:
    from datetime import datetime

    from ..case import Case
    from ..engine import Engine, Recorded
    from ..events import Event
    from ._codec import DueRow

__all__ = ["EventStore", "PostgresEventStore", "SQLiteEventStore", "open_store", "record_events"]


class EventStore(Protocol):
    """What the service needs of a store (both event stores provide it)."""

    def load(self, case_id: str) -> tuple[Case, int]: ...
    def save(self, case: Case, expected_version: int, *, unchanged: int | None = None) -> int: ...
    def due(
        self, now: datetime, horizon: datetime, *, after: Any = None
    ) -> list[tuple[DueRow, bool]]: ...
    def check(self) -> list[str]: ...
    def close(self) -> None: ...


def __getattr__(name: str) -> Any:
    if name == "PostgresEventStore":
        from .postgres import PostgresEventStore

        return PostgresEventStore
    raise AttributeError(name)


def open_store(url: str) -> EventStore:
    """The store a URL names: ``sqlite:///path/to/file.db`` (or a plain path) or
    ``postgresql://...``."""
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresEventStore

        return PostgresEventStore(url)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    return SQLiteEventStore(path)


def record_events(
    store: EventStore,
    engine: Engine,
    event: Event,
    *,
    attempts: int = 50,
    preview: bool = False,
) -> Recorded:
    """Load the event's case (or start it), record ``event``, save only what is new.

    On a lost race the load and record are done again, up to ``attempts`` times with a short
    random pause; then the last :class:`~cx_rules.ConcurrentUpdate` is raised.  A duplicate
    saves nothing.  ``preview=True`` saves nothing and does not raise for enforced rules.
    """
    conflict: ConcurrentUpdate | None = None
    for attempt in range(attempts):
        try:
            case, version = store.load(event.case_id)
        except CaseNotFound:
            case, version = engine.start(event.case_id), 0
        if preview:
            return engine.preview(case, event)
        result = engine.record(case, event)
        if result.duplicate:
            return result
        unchanged = None if result.replayed else len(case.events)
        try:
            store.save(result.case, version, unchanged=unchanged)
        except ConcurrentUpdate as exc:
            conflict = exc
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
            continue
        return result
    assert conflict is not None
    raise conflict


if TYPE_CHECKING:
    from .postgres import PostgresEventStore
