"""An event store in PostgreSQL (psycopg 3), for several service instances on one database.

The same tables, versions and optimistic concurrency as :class:`~cx_rules.stores.SQLiteEventStore`:
a save is one transaction that moves the head row's version on only if it still is the one
loaded (``UPDATE ... WHERE version = %s``), so two instances that race on a case never both
win.  Install with ``pip install 'cx-rules[postgres]'``.
"""

from __future__ import annotations

import queue
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Final

from ..case import Case
from ..exceptions import CaseNotFound, ConcurrentUpdate
from . import _codec
from ._codec import DueRow

__all__ = ["PostgresEventStore"]

_IDENTIFIER: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ImportError(
            "the PostgreSQL store needs psycopg 3: pip install 'cx-rules[postgres]'"
        ) from None
    return psycopg


class PostgresEventStore:
    """Cases in PostgreSQL: ``{prefix}_heads`` and ``{prefix}_events``, created when missing.

    ``dsn`` is a libpq connection string (``postgresql://user@host:5432/db``); ``pool`` is
    how many connections the store keeps for its threads.
    """

    def __init__(self, dsn: str, *, prefix: str = "cx", pool: int = 4) -> None:
        if not _IDENTIFIER.match(prefix):
            raise ValueError(f"prefix: {prefix!r} is not a plain SQL identifier")
        if pool < 1:
            raise ValueError(f"pool: expected at least 1 connection, got {pool}")
        psycopg = _psycopg()
        self._errors = psycopg.errors
        self._heads = f"{prefix}_heads"
        self._events = f"{prefix}_events"
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
            head = conn.execute(
                f"SELECT version, state, data FROM {self._heads} WHERE case_id = %s", (case_id,)
            ).fetchone()
            rows = conn.execute(
                f"SELECT data FROM {self._events} WHERE case_id = %s ORDER BY seq", (case_id,)
            ).fetchall()
        if head is None:
            raise CaseNotFound(case_id)
        version, state, data = head
        return _codec.assemble(case_id, state, data, (r[0] for r in rows), "postgres"), int(version)

    def save(self, case: Case, expected_version: int, *, unchanged: int | None = None) -> int:
        """Store ``case`` if its stored version is ``expected_version``; the new version (see
        :meth:`SQLiteEventStore.save <cx_rules.stores.SQLiteEventStore.save>`)."""
        _codec.check_version(expected_version)
        keep = _codec.check_unchanged(case, unchanged) if expected_version else 0
        head = _codec.encode_head(case)
        events = _codec.encode_events(case, keep)
        case_id = case.case_id
        with self._conn() as conn:
            try:
                with conn.transaction():
                    if expected_version == 0:
                        conn.execute(
                            f"INSERT INTO {self._heads} VALUES (%s, 1, %s, %s, %s, %s)",
                            (case_id, head.state, len(case.events), head.next_due, head.data),
                        )
                    else:
                        changed = conn.execute(
                            f"UPDATE {self._heads} SET version = version + 1, state = %s, "
                            "events = %s, next_due = %s, data = %s "
                            "WHERE case_id = %s AND version = %s",
                            (
                                head.state,
                                len(case.events),
                                head.next_due,
                                head.data,
                                case_id,
                                expected_version,
                            ),
                        ).rowcount
                        if changed != 1:
                            raise _Lost
                        conn.execute(
                            f"DELETE FROM {self._events} WHERE case_id = %s AND seq >= %s",
                            (case_id, keep),
                        )
                    if events:
                        with conn.cursor() as cur:
                            cur.executemany(
                                f"INSERT INTO {self._events} VALUES (%s, %s, %s)",
                                [(case_id, i, e) for i, e in enumerate(events, keep)],
                            )
            except (_Lost, self._errors.UniqueViolation):
                raise _codec.conflict(
                    case_id, expected_version, self._version(conn, case_id)
                ) from None
        return expected_version + 1

    def import_cases(self, cases: Iterable[Case]) -> int:
        """Save new cases in one transaction; how many (nothing when one already exists)."""
        rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[str, int, str]] = []
        for case in cases:
            head = _codec.encode_head(case)
            rows.append((case.case_id, head.state, len(case.events), head.next_due, head.data))
            event_rows.extend(
                (case.case_id, i, e) for i, e in enumerate(_codec.encode_events(case, 0))
            )
        with self._conn() as conn:
            try:
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO {self._heads} VALUES (%s, 1, %s, %s, %s, %s)", rows
                    )
                    cur.executemany(f"INSERT INTO {self._events} VALUES (%s, %s, %s)", event_rows)
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
                        f"DELETE FROM {self._heads} WHERE case_id = %s AND version = %s",
                        (case_id, expected_version),
                    ).rowcount
                    if changed != 1:
                        raise _Lost
                    conn.execute(f"DELETE FROM {self._events} WHERE case_id = %s", (case_id,))
            except _Lost:
                raise _codec.conflict(
                    case_id, expected_version, self._version(conn, case_id)
                ) from None

    def case_ids(self) -> list[str]:
        """The ids of every stored case, sorted (byte order, as SQLite sorts)."""
        with self._conn() as conn, conn.transaction():
            rows = conn.execute(
                f'SELECT case_id FROM {self._heads} ORDER BY case_id COLLATE "C"'
            ).fetchall()
        return [r[0] for r in rows]

    def cases(self) -> Iterator[Case]:
        """Every stored case, by id."""
        for case_id in self.case_ids():
            try:
                yield self.load(case_id)[0]
            except CaseNotFound:
                continue

    def due(
        self, now: datetime, horizon: datetime, *, after: Sequence[Any] | None = None
    ) -> list[tuple[DueRow, bool]]:
        """The due items by ``horizon`` (and everything overdue at ``now``), soonest first."""
        with self._conn() as conn, conn.transaction():
            rows = conn.execute(
                f"SELECT case_id, data FROM {self._heads} WHERE next_due IS NOT NULL "
                "AND next_due <= %s",
                (max(now.timestamp(), horizon.timestamp()),),
            ).fetchall()
        found = [d for case_id, data in rows for d in _codec.due_rows(case_id, data)]
        return _codec.select_due(found, now, horizon, after)

    def check(self) -> list[str]:
        """Every case whose event rows do not match its head row (empty when none)."""
        with self._conn() as conn, conn.transaction():
            rows = conn.execute(
                f"SELECT h.case_id, h.events, COUNT(e.seq), COALESCE(MAX(e.seq), -1) "
                f"FROM {self._heads} h LEFT JOIN {self._events} e ON e.case_id = h.case_id "
                "GROUP BY h.case_id, h.events"
            ).fetchall()
            orphans = conn.execute(
                f"SELECT COUNT(*) FROM {self._events} e WHERE NOT EXISTS "
                f"(SELECT 1 FROM {self._heads} h WHERE h.case_id = e.case_id)"
            ).fetchone()[0]
        problems = [
            f"case {case_id!r}: the head says {expected} events, {count} are stored"
            for case_id, expected, count, top in rows
            if count != expected or top != expected - 1
        ]
        if orphans:
            problems.append(f"{orphans} event rows belong to no case")
        return problems

    def drop(self) -> None:
        """Drop the store's tables (for tests and benchmarks)."""
        with self._conn() as conn, conn.transaction():
            conn.execute(f"DROP TABLE IF EXISTS {self._heads}, {self._events}")

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        for conn in self._all:
            conn.close()

    def __enter__(self) -> PostgresEventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _version(self, conn: Any, case_id: str) -> int:
        with conn.transaction():
            row = conn.execute(
                f"SELECT version FROM {self._heads} WHERE case_id = %s", (case_id,)
            ).fetchone()
        return 0 if row is None else int(row[0])


class _Lost(Exception):
    """A version check failed inside a transaction (rolled back)."""
