"""What the event stores share: their table names, the statements that differ only in the
driver's parameter marker, the rows a save writes, what a due query and a consistency check
make of the rows they read, and the life of a store as a context manager.

The dialects stay in the stores: each creates its own tables (types, ``WITHOUT ROWID``),
holds its own transactions and locks, and sorts case ids its own way.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from types import TracebackType
from typing import Any, Final, Self

import attrs

from ..case import Case
from ..exceptions import CaseNotFound
from . import _codec
from ._codec import DueRow, Head

__all__ = [
    "Closing",
    "Decoded",
    "Statements",
    "StoreBase",
    "due_bound",
    "head_row",
    "import_rows",
    "mismatches",
    "select_due",
    "table_names",
    "update_values",
]

_IDENTIFIER: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def table_names(prefix: str) -> tuple[str, str]:
    """The head and event tables of a store with this prefix; :class:`ValueError` when the
    prefix is not a plain SQL identifier (it is written into the statements)."""
    if not _IDENTIFIER.match(prefix):
        raise ValueError(f"prefix: {prefix!r} is not a plain SQL identifier")
    return f"{prefix}_heads", f"{prefix}_events"


@attrs.frozen
class Statements:
    """The statements both stores run, for a driver's parameter marker (``?`` or ``%s``)."""

    select_head: str
    select_events: str
    select_version: str
    select_head_data: str
    insert_head: str
    update_head: str
    insert_event: str
    delete_head: str
    delete_events: str
    delete_events_from: str
    due: str
    counts: str
    orphans: str

    @classmethod
    def of(cls, heads: str, events: str, mark: str) -> Statements:
        m = mark
        return cls(
            select_head=f"SELECT version, state, data FROM {heads} WHERE case_id = {m}",
            select_events=f"SELECT data FROM {events} WHERE case_id = {m} ORDER BY seq",
            select_version=f"SELECT version FROM {heads} WHERE case_id = {m}",
            select_head_data=f"SELECT data FROM {heads} WHERE case_id = {m}",
            insert_head=f"INSERT INTO {heads} VALUES ({m}, 1, {m}, {m}, {m}, {m})",
            update_head=(
                f"UPDATE {heads} SET version = version + 1, state = {m}, events = {m}, "
                f"next_due = {m}, data = {m} WHERE case_id = {m} AND version = {m}"
            ),
            insert_event=f"INSERT INTO {events} VALUES ({m}, {m}, {m})",
            delete_head=f"DELETE FROM {heads} WHERE case_id = {m} AND version = {m}",
            delete_events=f"DELETE FROM {events} WHERE case_id = {m}",
            delete_events_from=f"DELETE FROM {events} WHERE case_id = {m} AND seq >= {m}",
            due=(
                f"SELECT case_id, data FROM {heads} WHERE next_due IS NOT NULL AND next_due <= {m}"
            ),
            counts=(
                f"SELECT h.case_id, h.events, COUNT(e.seq), COALESCE(MAX(e.seq), -1) "
                f"FROM {heads} h LEFT JOIN {events} e ON e.case_id = h.case_id "
                "GROUP BY h.case_id, h.events"
            ),
            orphans=(
                f"SELECT COUNT(*) FROM {events} e WHERE NOT EXISTS "
                f"(SELECT 1 FROM {heads} h WHERE h.case_id = e.case_id)"
            ),
        )


def head_row(case: Case, head: Head) -> tuple[str, str, int, float | None, str]:
    """The values of ``insert_head`` for a new case."""
    return (case.case_id, head.state, len(case.events), head.next_due, head.data)


def update_values(case: Case, head: Head, expected_version: int) -> tuple[Any, ...]:
    """The values of ``update_head`` for a case stored at ``expected_version``."""
    return (head.state, len(case.events), head.next_due, head.data, case.case_id, expected_version)


def import_rows(
    cases: Iterable[Case],
) -> tuple[list[tuple[Any, ...]], list[tuple[str, int, str]]]:
    """The head rows and event rows that save these cases as new."""
    rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[str, int, str]] = []
    for case in cases:
        rows.append(head_row(case, _codec.encode_head(case)))
        event_rows.extend((case.case_id, i, e) for i, e in enumerate(_codec.encode_events(case, 0)))
    return rows, event_rows


def due_bound(now: datetime, horizon: datetime) -> float:
    """The latest ``next_due`` (POSIX seconds) a due query reads."""
    return max(now.timestamp(), horizon.timestamp())


def select_due(
    rows: Iterable[tuple[str, str]],
    now: datetime,
    horizon: datetime,
    after: Sequence[Any] | None,
) -> list[tuple[DueRow, bool]]:
    """The due items of the head rows a due query read, soonest first, each with whether it
    is overdue."""
    found = [d for case_id, data in rows for d in _codec.due_rows(case_id, data)]
    return _codec.select_due(found, now, horizon, after)


def mismatches(rows: Iterable[tuple[str, int, int, int]], orphans: int) -> list[str]:
    """What the ``counts`` and ``orphans`` statements show to be inconsistent."""
    problems = [
        f"case {case_id!r}: the head says {expected} events, {count} are stored"
        for case_id, expected, count, top in rows
        if count != expected or top != expected - 1
    ]
    if orphans:
        problems.append(f"{orphans} event rows belong to no case")
    return problems


class Decoded:
    """The cases a store saved or read last, decoded, each with the version and the head text
    (which holds a random token, new at every save) it was stored with.

    A load reads the head row first and takes the case from here only when both still match,
    in the same transaction, so a save by another connection or process (which always writes
    a new token) is never missed, even when a delete and a re-create bring a version number
    back.  At most ``size`` cases are kept, least recently used going first; ``0`` keeps none.
    Safe to share between threads.
    """

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"cache: expected a number of cases >= 0, got {size!r}")
        self.size = size
        self._cases: OrderedDict[str, tuple[int, str, Case]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, case_id: str, version: int, head: str) -> Case | None:
        """The case stored at ``version`` with ``head``, when it is here."""
        with self._lock:
            found = self._cases.get(case_id)
            if found is None or found[0] != version or found[1] != head:
                return None
            self._cases.move_to_end(case_id)
            return found[2]

    def unchanged(self, case: Case, version: int) -> tuple[int, str]:
        """How many leading events of ``case`` are those of its case stored at ``version``,
        and that case's head text; ``(0, "")`` when it is not here or ``case`` does not
        continue it.  A save keeps that many only when the stored head is still that text."""
        with self._lock:
            found = self._cases.get(case.case_id)
        if found is None or found[0] != version:
            return 0, ""
        stored, events = found[2].events, case.events
        k = len(stored)
        if len(events) < k or (k and events[k - 1] is not stored[k - 1]):
            return 0, ""
        # One pass over the pointers (equal objects compare by identity first).
        if tuple(islice(events, k)) != tuple(stored):
            return 0, ""
        return k, found[1]

    def put(self, case: Case, version: int, head: str) -> None:
        """Remember ``case`` as stored at ``version`` with ``head``."""
        if not self.size:
            return
        with self._lock:
            self._cases[case.case_id] = (version, head, case)
            self._cases.move_to_end(case.case_id)
            while len(self._cases) > self.size:
                self._cases.popitem(last=False)

    def drop(self, case_id: str) -> None:
        """Forget a case."""
        with self._lock:
            self._cases.pop(case_id, None)


class Closing(ABC):
    """A store used as a context manager closes when the block ends."""

    @abstractmethod
    def close(self) -> None:
        """Release the store's connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class StoreBase(Closing):
    """What an event store derives from what it stores: its cases, one by one."""

    @abstractmethod
    def case_ids(self) -> list[str]:
        """Every stored case id, sorted."""

    @abstractmethod
    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its version."""

    def cases(self) -> Iterator[Case]:
        """Every stored case, by id."""
        for case_id in self.case_ids():
            try:
                yield self.load(case_id)[0]
            except CaseNotFound:
                continue
