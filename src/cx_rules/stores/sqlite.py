"""An event store in SQLite: WAL mode, events appended, a due-time index, bulk import."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..case import Case
from ..exceptions import CaseNotFound, ConcurrentUpdate
from . import _base, _codec
from ._codec import DueRow

__all__ = ["SQLiteEventStore"]


class SQLiteEventStore(_base.StoreBase):
    """Cases in an SQLite file as a head row per case and a row per event.

    The same versioned ``load``/``save`` as :class:`~cx_rules.store.CaseStore`, with these
    differences:

    - the database is in WAL mode with ``synchronous=NORMAL`` (``durable=True`` for ``FULL``:
      with NORMAL a power cut may lose the last commits, never corrupt the file; a killed
      process loses nothing that was committed);
    - ``save(case, version, unchanged=n)`` appends the events after the first ``n`` (those the
      caller loaded) instead of rewriting the case; without ``unchanged`` it rewrites them;
    - each head row keeps its earliest due time in an indexed column, so :meth:`due` reads
      only the cases with something due;
    - the last ``cache`` cases saved or read are kept decoded (see
      :class:`~cx_rules.stores._base.Decoded`): a load whose head row still matches reads no
      event rows, and a save of a case that continues the cached one (or with ``unchanged``)
      writes only its new events, so recording an event costs the same on a long case as on a
      short one;
    - :meth:`import_cases` saves many new cases in one transaction.

    Tables ``{prefix}_heads`` and ``{prefix}_events`` (``prefix`` defaults to ``cx``).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        prefix: str = "cx",
        timeout: float = 30.0,
        durable: bool = False,
        cache: int = 1024,
    ) -> None:
        self._decoded = _base.Decoded(cache)
        self._heads, self._events = _base.table_names(prefix)
        self.path = str(path)
        self._sql = _base.Statements.of(self._heads, self._events, "?")
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._heads} (case_id TEXT PRIMARY KEY, "
                "version INTEGER NOT NULL, state TEXT NOT NULL, events INTEGER NOT NULL, "
                "next_due REAL, data TEXT NOT NULL)"
            )
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._events} (case_id TEXT NOT NULL, "
                "seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq)) "
                "WITHOUT ROWID"
            )
            self._db.execute(
                f"CREATE INDEX IF NOT EXISTS {self._heads}_due ON {self._heads} (next_due) "
                "WHERE next_due IS NOT NULL"
            )

    def __repr__(self) -> str:
        return f"SQLiteEventStore({self.path!r})"

    @property
    def journal_mode(self) -> str:
        """The database's journal mode (``wal``)."""
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its version; :class:`~cx_rules.CaseNotFound` when absent."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                head = self._db.execute(self._sql.select_head, (case_id,)).fetchone()
                if head is None:
                    raise CaseNotFound(case_id)
                version, state, data = head
                cached = self._decoded.get(case_id, version, data)
                if cached is not None:
                    return cached, int(version)
                rows = self._db.execute(self._sql.select_events, (case_id,)).fetchall()
            finally:
                self._db.execute("COMMIT")
        case = _codec.assemble(case_id, state, data, (r[0] for r in rows), self.path)
        if _codec.has_token(data):  # a head written before tokens is read again every time
            self._decoded.put(case, int(version), data)
        return case, int(version)

    def save(self, case: Case, expected_version: int, *, unchanged: int | None = None) -> int:
        """Store ``case`` if its stored version is ``expected_version``; the new version.

        ``unchanged`` says how many leading events are those stored (the case was loaded,
        then events were recorded on it); only the others are written.  Without it, the
        events of the cached case at ``expected_version`` that ``case`` continues are kept.
        Raises :class:`~cx_rules.ConcurrentUpdate` (nothing written) on a lost race.
        """
        _codec.check_version(expected_version)
        keep, cached_head = 0, ""
        if expected_version and unchanged is not None:
            keep = _codec.check_unchanged(case, unchanged)
        elif expected_version:
            keep, cached_head = self._decoded.unchanged(case, expected_version)
        head = _codec.encode_head(case)
        events = _codec.encode_events(case, keep)
        case_id = case.case_id
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if cached_head and self._stored_head(case_id) != cached_head:
                    keep, events = 0, _codec.encode_events(case, 0)  # not the case cached
                if expected_version == 0:
                    try:
                        self._db.execute(self._sql.insert_head, _base.head_row(case, head))
                    except sqlite3.IntegrityError:
                        raise _codec.conflict(case_id, 0, self._version(case_id)) from None
                else:
                    changed = self._db.execute(
                        self._sql.update_head, _base.update_values(case, head, expected_version)
                    ).rowcount
                    if changed != 1:
                        raise _codec.conflict(case_id, expected_version, self._version(case_id))
                    self._db.execute(self._sql.delete_events_from, (case_id, keep))
                self._db.executemany(
                    self._sql.insert_event, ((case_id, i, e) for i, e in enumerate(events, keep))
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._decoded.put(case, expected_version + 1, head.data)
        return expected_version + 1

    def import_cases(self, cases: Iterable[Case]) -> int:
        """Save new cases in one transaction; how many.  When one of them is already stored,
        :class:`~cx_rules.ConcurrentUpdate` names it and nothing is saved."""
        rows, event_rows = _base.import_rows(cases)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(self._sql.insert_head, rows)
                self._db.executemany(self._sql.insert_event, event_rows)
            except sqlite3.IntegrityError:
                self._db.execute("ROLLBACK")
                existing = self._existing([r[0] for r in rows])
                raise ConcurrentUpdate(existing, 0, self._version(existing)) from None
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return len(rows)

    def delete(self, case_id: str, expected_version: int) -> None:
        """Remove the case if its stored version is ``expected_version``."""
        _codec.check_version(expected_version)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            changed = self._db.execute(self._sql.delete_head, (case_id, expected_version)).rowcount
            if changed != 1:
                self._db.execute("ROLLBACK")
                raise _codec.conflict(case_id, expected_version, self._version(case_id))
            self._db.execute(self._sql.delete_events, (case_id,))
            self._db.execute("COMMIT")
            self._decoded.drop(case_id)

    def case_ids(self) -> list[str]:
        """The ids of every stored case, sorted."""
        with self._lock:
            rows = self._db.execute(f"SELECT case_id FROM {self._heads} ORDER BY case_id")
            return [r[0] for r in rows]

    def due(
        self, now: datetime, horizon: datetime, *, after: Sequence[Any] | None = None
    ) -> list[tuple[DueRow, bool]]:
        """The due items by ``horizon`` (and everything overdue at ``now``), soonest first,
        each with whether it is overdue; read from the due index, without decoding cases."""
        with self._lock:
            rows = self._db.execute(self._sql.due, (_base.due_bound(now, horizon),)).fetchall()
        return _base.select_due(rows, now, horizon, after)

    def check(self) -> list[str]:
        """What is inconsistent in the store (empty when nothing): SQLite's integrity check,
        and every case whose event rows do not match its head row."""
        problems: list[str] = []
        with self._lock:
            for (line,) in self._db.execute("PRAGMA integrity_check"):
                if line != "ok":
                    problems.append(f"sqlite: {line}")
            rows = self._db.execute(self._sql.counts).fetchall()
            orphans = self._db.execute(self._sql.orphans).fetchone()[0]
        return problems + _base.mismatches(rows, orphans)

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def _stored_head(self, case_id: str) -> str | None:
        row = self._db.execute(self._sql.select_head_data, (case_id,)).fetchone()
        return None if row is None else str(row[0])

    def _version(self, case_id: str) -> int:
        row = self._db.execute(self._sql.select_version, (case_id,)).fetchone()
        return 0 if row is None else int(row[0])

    def _existing(self, ids: list[str]) -> str:
        for case_id in ids:
            if self._version(case_id):
                return case_id
        seen: set[str] = set()
        for case_id in ids:
            if case_id in seen:
                return case_id
            seen.add(case_id)
        return ids[0] if ids else ""
