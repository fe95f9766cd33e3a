"""Event stores: cases kept as a head row and appended event rows, on SQLite or PostgreSQL.

:class:`SQLiteEventStore` and :class:`PostgresEventStore` keep the versioned ``load``/``save``
of :class:`~cx_rules.store.CaseStore` (so :func:`record_events` and
:func:`cx_rules.store.record_in` work with them) and add appends, a due index, bulk import and
a consistency check.  :func:`record_events` records an event with the retries a service needs.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Protocol

from ..case import Case
from ..exceptions import CaseNotFound, ConcurrentUpdate
from .sqlite import SQLiteEventStore

if TYPE_CHECKING:
    from datetime import datetime

    from ..engine import Engine, Recorded
    from ..events import Event
    from ._codec import DueRow

__all__ = [
    "CaseCache",
    "EventStore",
    "PostgresEventStore",
    "SQLiteEventStore",
    "open_store",
    "record_events",
]


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


class CaseCache:
    """The last saved version of recently used cases, so a record need not read the case back.

    A cached case may be stale when another process saved it since: the save then fails its
    version check, the entry is dropped and the case read again, so a cache never loses an
    event.  At most ``size`` cases are kept (least recently used go first).
    """

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._cases: OrderedDict[str, tuple[Case, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, case_id: str) -> tuple[Case, int] | None:
        """The cached case and version, or ``None``."""
        with self._lock:
            found = self._cases.get(case_id)
            if found is not None:
                self._cases.move_to_end(case_id)
            return found

    def put(self, case: Case, version: int) -> None:
        """Remember ``case`` as saved at ``version``."""
        with self._lock:
            self._cases[case.case_id] = (case, version)
            self._cases.move_to_end(case.case_id)
            while len(self._cases) > self.size:
                self._cases.popitem(last=False)

    def drop(self, case_id: str) -> None:
        """Forget a case (it is read from the store next time)."""
        with self._lock:
            self._cases.pop(case_id, None)


def record_events(
    store: EventStore,
    engine: Engine,
    event: Event,
    *,
    attempts: int = 50,
    preview: bool = False,
    cache: CaseCache | None = None,
) -> Recorded:
    """Load the event's case (or start it), record ``event``, save only what is new.

    On a lost race the load and record are done again, up to ``attempts`` times with a short
    random pause; then the last :class:`~cx_rules.ConcurrentUpdate` is raised.  A duplicate
    saves nothing.  ``preview=True`` saves nothing and does not raise for enforced rules.
    With a ``cache``, the case comes from it when it is there (see :class:`CaseCache`).
    """
    conflict: ConcurrentUpdate | None = None
    for attempt in range(attempts):
        cached = cache.get(event.case_id) if cache is not None and attempt == 0 else None
        if cached is not None:
            case, version = cached
        else:
            try:
                case, version = store.load(event.case_id)
            except CaseNotFound:
                case, version = engine.start(event.case_id), 0
        if preview:
            return engine.preview(case, event)
        try:
            result = engine.record(case, event)
        except BaseException:
            if cache is not None:
                cache.drop(event.case_id)
            raise
        if result.duplicate:
            return result
        unchanged = None if result.replayed else len(case.events)
        try:
            saved = store.save(result.case, version, unchanged=unchanged)
        except ConcurrentUpdate as exc:
            conflict = exc
            if cache is not None:
                cache.drop(event.case_id)
            if cached is None:
                time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
            continue
        except BaseException:
            if cache is not None:
                cache.drop(event.case_id)
            raise
        if cache is not None:
            cache.put(result.case, saved)
        return result
    assert conflict is not None
    raise conflict


if TYPE_CHECKING:
    from .postgres import PostgresEventStore
