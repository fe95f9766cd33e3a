"""An event store in PostgreSQL (psycopg 3), for several service instances on one database.

The same tables, versions and optimistic concurrency as :class:`~cx_rules.stores.SQLiteEventStore`:
a save is one transaction that moves the head row's version on only if it still is the one
loaded (``UPDATE ... WHERE version = %s``), so two instances that race on a case never both
win.  Install with ``pip install 'cx-rules[postgres]'``.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ..case import Case
from ..exceptions import CaseNotFound, ConcurrentUpdate
from . import _base, _codec
from ._codec import DueRow

__all__ = ["PostgresEventStore"]


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ImportError(
            "the PostgreSQL store needs psycopg 3: pip install 'cx-rules[postgres]'"
        ) from None
    return psycopg


class PostgresEventStore(_base.StoreBase):
    """Cases in PostgreSQL: ``{prefix}_heads`` and ``{prefix}_events``, created when missing.

    ``dsn`` is a libpq connection string (``postgresql://user@host:5432/db``); ``pool`` is
    how many connections the store keeps for its threads; ``cache`` how many decoded cases
    it keeps (as :class:`~cx_rules.stores.SQLiteEventStore` does).
    """

    def __init__(self, dsn: str, *, prefix: str = "cx", pool: int = 4, cache: int = 1024) -> None:
        self._decoded = _base.Decoded(cache)
        self._heads, self._events = _base.table_names(prefix)
        if pool < 1:
            raise ValueError(f"pool: expected at least 1 connection, got {pool}")
        psycopg = _psycopg()
        self._errors = psycopg.errors
        self._sql = _base.Statements.of(self._heads, self._events, "%s")
        self._lock_head = f"SELECT data FROM {self._heads} WHERE case_id = %s FOR UPDATE"
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._all = [psycopg.connect(dsn) for _ in range(pool)]
        for conn in self._all:
            self._pool.put(conn)
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7410016)")  # one creator at a time
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._heads} (case_id TEXT PRIMARY KEY, "
                "version BIGINT NOT NULL, state TEXT NOT NULL, events INTEGER NOT NULL, "
                "next_due DOUBLE PRECISION, data TEXT NOT NULL)"
            )
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._events} (case_id TEXT NOT NULL, "
                "seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq))"
            )
            conn.execute(
                f"CREATE INDEX IF NOT EXISTS {self._heads}_due ON {self._heads} (next_due) "
                "WHERE next_due IS NOT NULL"
            )

    def __repr__(self) -> str:
        return f"PostgresEventStore(<dsn>, tables {self._heads}, {self._events})"

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        conn = self._pool.get()
        try:
            yield conn
        finally:
            self._pool.put(conn)

    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its version; :class:`~cx_rules.CaseNotFound` when absent."""
        with self._conn() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            head = conn.execute(self._sql.select_head, (case_id,)).fetchone()
            if head is None:
                raise CaseNotFound(case_id)
            version, state, data = head
            cached = self._decoded.get(case_id, int(version), data)
            if cached is not None:
                return cached, int(version)
            rows = conn.execute(self._sql.select_events, (case_id,)).fetchall()
        case = _codec.assemble(case_id, state, data, (r[0] for r in rows), "postgres")
        if _codec.has_token(data):  # a head written before tokens is read again every time
            self._decoded.put(case, int(version), data)
        return case, int(version)

    def save(self, case: Case, expected_version: int, *, unchanged: int | None = None) -> int:
        """Store ``case`` if its stored version is ``expected_version``; the new version (see
        :meth:`SQLiteEventStore.save <cx_rules.stores.SQLiteEventStore.save>`)."""
        _codec.check_version(expected_version)
        keep, cached_head = 0, ""
        if expected_version and unchanged is not None:
            keep = _codec.check_unchanged(case, unchanged)
        elif expected_version:
            keep, cached_head = self._decoded.unchanged(case, expected_version)
        head = _codec.encode_head(case)
        events = _codec.encode_events(case, keep)
        case_id = case.case_id
        with self._conn() as conn:
            try:
                with conn.transaction():
                    if cached_head:
                        row = conn.execute(self._lock_head, (case_id,)).fetchone()
                        if row is None or row[0] != cached_head:
                            keep, events = 0, _codec.encode_events(case, 0)  # not the cached
                    if expected_version == 0:
                        conn.execute(self._sql.insert_head, _base.head_row(case, head))
                    else:
                        changed = conn.execute(
                            self._sql.update_head, _base.update_values(case, head, expected_version)
                        ).rowcount
                        if changed != 1:
                            raise _Lost
                        conn.execute(self._sql.delete_events_from, (case_id, keep))
                    if events:
                        with conn.cursor() as cur:
                            cur.executemany(
                                self._sql.insert_event,
                                [(case_id, i, e) for i, e in enumerate(events, keep)],
                            )
            except (_Lost, self._errors.UniqueViolation):
                raise _codec.conflict(
                    case_id, expected_version, self._version(conn, case_id)
                ) from None
        self._decoded.put(case, expected_version + 1, head.data)
        return expected_version + 1

    def import_cases(self, cases: Iterable[Case]) -> int:
        """Save new cases in one transaction; how many (nothing when one already exists)."""
        rows, event_rows = _base.import_rows(cases)
        with self._conn() as conn:
            try:
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(self._sql.insert_head, rows)
                    cur.executemany(self._sql.insert_event, event_rows)
            except self._errors.UniqueViolation:
                ids = [r[0] for r in rows]
                existing = next((i for i in ids if self._version(conn, i)), ids[0])
                raise ConcurrentUpdate(existing, 0, self._version(conn, existing)) from None
        return len(rows)

    def delete(self, case_id: str, expected_version: int) -> None:
        """Remove the case if its stored version is ``expected_version``."""
        _codec.check_version(expected_version)
        with self._conn() as conn:
            try:
                with conn.transaction():
                    changed = conn.execute(
                        self._sql.delete_head, (case_id, expected_version)
                    ).rowcount
                    if changed != 1:
                        raise _Lost
                    conn.execute(self._sql.delete_events, (case_id,))
            except _Lost:
                raise _codec.conflict(
                    case_id, expected_version, self._version(conn, case_id)
                ) from None
        self._decoded.drop(case_id)

    def case_ids(self) -> list[str]:
        """The ids of every stored case, sorted (byte order, as SQLite sorts)."""
        with self._conn() as conn, conn.transaction():
            rows = conn.execute(
                f'SELECT case_id FROM {self._heads} ORDER BY case_id COLLATE "C"'
            ).fetchall()
        return [r[0] for r in rows]

    def due(
        self, now: datetime, horizon: datetime, *, after: Sequence[Any] | None = None
    ) -> list[tuple[DueRow, bool]]:
        """The due items by ``horizon`` (and everything overdue at ``now``), soonest first."""
        with self._conn() as conn, conn.transaction():
            rows = conn.execute(self._sql.due, (_base.due_bound(now, horizon),)).fetchall()
        return _base.select_due(rows, now, horizon, after)

    def check(self) -> list[str]:
        """Every case whose event rows do not match its head row (empty when none)."""
        with self._conn() as conn, conn.transaction():
            rows = conn.execute(self._sql.counts).fetchall()
            orphans = conn.execute(self._sql.orphans).fetchone()[0]
        return _base.mismatches(rows, orphans)

    def drop(self) -> None:
        """Drop the store's tables (for tests and benchmarks)."""
        with self._conn() as conn, conn.transaction():
            conn.execute(f"DROP TABLE IF EXISTS {self._heads}, {self._events}")

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        for conn in self._all:
            conn.close()

    def _version(self, conn: Any, case_id: str) -> int:
        with conn.transaction():
            row = conn.execute(self._sql.select_version, (case_id,)).fetchone()
        return 0 if row is None else int(row[0])


class _Lost(Exception):
    """A version check failed inside a transaction (rolled back)."""
