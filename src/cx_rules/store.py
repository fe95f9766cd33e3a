"""Keeping cases between requests: a store protocol with optimistic concurrency, on SQLite.

Every stored case has a version: ``1`` when first saved, one more at each save.  A writer
loads a case with its version, records events, and saves with the version it loaded; when
someone else saved in between, the save raises :class:`~cx_rules.ConcurrentUpdate` and writes
nothing, so no event is lost: load again, record again, save again (:func:`record_in` does
exactly that).  Any database that can compare and set a version column in one statement can
hold cases the same way: see :class:`CaseStore`.  The event stores of :mod:`cx_rules.stores`
(appended events, a due index, PostgreSQL) are re-exported here.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

from .case import Case
from .events import Event
from .exceptions import CaseFormatError, CaseNotFound, ConcurrentUpdate
from .serialize import case_from_json, case_to_json
from .stores import SQLiteEventStore as SQLiteEventStore  # re-exported: the event stores
from .stores import record_events as record_events
from .stores._base import Closing
from .stores._codec import check_version as _check_version

if TYPE_CHECKING:
    from .engine import Engine, Recorded

__all__ = ["CaseStore", "SQLiteCaseStore", "record_in"]

_IDENTIFIER: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COLUMNS: Final = ("case_id", "version", "state", "data")


@runtime_checkable
class CaseStore(Protocol):
    """What cx-rules needs from a place that keeps cases: versioned load and save.

    An implementation on another database follows these rules (the SQLite store is one):

    - a case that was never saved has version ``0``; the first save is
      ``save(case, expected_version=0)`` and stores version ``1``;
    - ``save`` writes only if the stored version still equals ``expected_version``, in one
      atomic step (``UPDATE ... SET version = version + 1 WHERE case_id = ? AND version = ?``
      and check that one row changed, or an insert guarded by a unique key); otherwise it
      raises :class:`~cx_rules.ConcurrentUpdate` and changes nothing;
    - ``load`` raises :class:`~cx_rules.CaseNotFound` for an unknown id;
    - cases are stored with :func:`cx_rules.serialize.case_to_json` (or the dict form) so that
      they read back unchanged, and the stored format version travels with each case.
    """

    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its version; :class:`~cx_rules.CaseNotFound` when absent."""
        ...

    def save(self, case: Case, expected_version: int) -> int:
        """Store ``case`` if its stored version is ``expected_version``; the new version."""
        ...

    def delete(self, case_id: str, expected_version: int) -> None:
        """Remove the case if its stored version is ``expected_version``."""
        ...

    def case_ids(self) -> list[str]:
        """The ids of every stored case, sorted."""
        ...


class SQLiteCaseStore(Closing):
    """A :class:`CaseStore` in one table of an SQLite database file.

    The table (``cx_cases`` unless ``table`` says otherwise) is created when missing, with
    the columns ``case_id`` (primary key), ``version``, ``state`` (the case's state, for the
    ATS's own queries) and ``data`` (the case as JSON).  One store may be shared by the threads
    of a process (its operations take turns on one connection); several processes may open the
    same file, and SQLite's locking with ``timeout`` seconds of patience keeps their writes
    apart.  Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | Path, *, table: str = "cx_cases", timeout: float = 30.0) -> None:
        if not _IDENTIFIER.match(table):
            raise ValueError(
                f"table: {table!r} is not a plain SQL identifier (letters, digits, underscore)"
            )
        self.path = str(path)
        self.table = table
        self._lock = threading.Lock()
        with self._sql():
            # Autocommit: every statement below is one atomic step, and no transaction is
            # left open between calls to hold a lock other processes wait for.
            self._db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            with self._lock:
                self._db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} ("
                    "case_id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
                    "state TEXT NOT NULL, data TEXT NOT NULL)"
                )
                columns = [row[1] for row in self._db.execute(f"PRAGMA table_info({table})")]
        missing = [c for c in _COLUMNS if c not in columns]
        if missing:
            self._db.close()
            raise CaseFormatError(
                f"{self.path}, table {table}: has no column {missing[0]!r}; expected the "
                f"table SQLiteCaseStore makes ({', '.join(_COLUMNS)}), or another table= name"
            )

    @contextmanager
    def _sql(self, case_id: str | None = None) -> Iterator[None]:
        """SQLite's errors as :class:`~cx_rules.CaseFormatError` naming the file (and the
        case): a damaged file, another program's database, a disk that is full."""
        try:
            yield
        except sqlite3.Error as exc:
            # SQLite's messages name its own state ("file is not a database"), never data.
            about = "" if case_id is None else f", case {case_id!r}"
            raise CaseFormatError(
                f"{self.path}, table {self.table}{about}: SQLite failed: {exc} "
                f"({type(exc).__name__}); expected a database file SQLiteCaseStore made"
            ) from None

    def __repr__(self) -> str:
        return f"SQLiteCaseStore({self.path!r}, table={self.table!r})"

    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its version; :class:`~cx_rules.CaseNotFound` when absent.

        Raises :class:`~cx_rules.CaseFormatError`, naming the file, table and case, when the
        stored data cannot be read.
        """
        if not _storable(case_id):
            raise CaseNotFound(case_id)  # no such id can have been saved
        with self._lock, self._sql(case_id):
            row = self._db.execute(
                f"SELECT version, data FROM {self.table} WHERE case_id = ?", (case_id,)
            ).fetchone()
        if row is None:
            raise CaseNotFound(case_id)
        version, data = row
        where = f"{self.path}, table {self.table}, case {case_id!r}"
        if not isinstance(data, str) or isinstance(version, bool) or not isinstance(version, int):
            raise CaseFormatError(
                f"{where}: expected an integer version and the case as JSON text, got "
                f"{type(version).__name__} and {type(data).__name__}"
            )
        try:
            case = case_from_json(data)
        except CaseFormatError as exc:
            raise CaseFormatError(f"{where}: {exc}") from None
        return case, version

    def save(self, case: Case, expected_version: int) -> int:
        """Store ``case`` if its stored version is ``expected_version``; the new version.

        ``expected_version=0`` creates the case.  Raises :class:`~cx_rules.ConcurrentUpdate`
        (nothing written) when the stored version differs, including when the case already
        exists on a create or no longer exists on an update.
        """
        _check_version(expected_version)
        data = case_to_json(case)
        case_id = case.case_id
        if not _storable(case_id) or not _storable(case.state):
            raise CaseFormatError(
                f"{self.path}, table {self.table}: cannot store case {case_id!r}: its id or "
                "state holds a lone surrogate (half of a UTF-16 pair), which is not text "
                "SQLite can keep; correct the id where it is made"
            )
        with self._lock, self._sql(case_id):
            if expected_version == 0:
                try:
                    self._db.execute(
                        f"INSERT INTO {self.table} (case_id, version, state, data) "
                        "VALUES (?, 1, ?, ?)",
                        (case_id, case.state, data),
                    )
                except sqlite3.IntegrityError:
                    raise ConcurrentUpdate(case_id, 0, self._version(case_id)) from None
                return 1
            changed = self._db.execute(
                f"UPDATE {self.table} SET version = version + 1, state = ?, data = ? "
                "WHERE case_id = ? AND version = ?",
                (case.state, data, case_id, expected_version),
            ).rowcount
            if changed != 1:
                raise ConcurrentUpdate(case_id, expected_version, self._version(case_id))
        return expected_version + 1

    def delete(self, case_id: str, expected_version: int) -> None:
        """Remove the case if its stored version is ``expected_version``.

        Raises :class:`~cx_rules.ConcurrentUpdate` (nothing removed) otherwise.
        """
        _check_version(expected_version)
        if not _storable(case_id):
            raise ConcurrentUpdate(case_id, expected_version, 0)
        with self._lock, self._sql(case_id):
            changed = self._db.execute(
                f"DELETE FROM {self.table} WHERE case_id = ? AND version = ?",
                (case_id, expected_version),
            ).rowcount
            if changed != 1:
                raise ConcurrentUpdate(case_id, expected_version, self._version(case_id))

    def case_ids(self) -> list[str]:
        """The ids of every stored case, sorted."""
        with self._lock, self._sql():
            rows = self._db.execute(f"SELECT case_id FROM {self.table} ORDER BY case_id")
            return [row[0] for row in rows]

    def cases(self, *, errors: list[CaseFormatError] | None = None) -> Iterator[Case]:
        """Every stored case, by id: what a reminder list runs over.

        A row that cannot be read does not stop the others: with ``errors``, each one's
        :class:`~cx_rules.CaseFormatError` is appended to it; without, the first is raised
        once every readable case has been yielded, saying how many rows were bad.
        """
        bad: list[CaseFormatError] = [] if errors is None else errors
        start = len(bad)
        for case_id in self.case_ids():
            try:
                yield self.load(case_id)[0]
            except CaseNotFound:
                continue  # deleted since the ids were listed
            except CaseFormatError as exc:
                bad.append(exc)
        if errors is None and len(bad) > start:
            count = len(bad) - start
            raise CaseFormatError(
                f"{bad[start]} ({count} stored case{'' if count == 1 else 's'} could not be "
                "read; the others were given)"
            )

    def close(self) -> None:
        """Close the database connection; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def _version(self, case_id: str) -> int:  # called with the lock and _sql held
        row = self._db.execute(
            f"SELECT version FROM {self.table} WHERE case_id = ?", (case_id,)
        ).fetchone()
        return 0 if row is None else int(row[0])


def _storable(text: str) -> bool:
    # SQLite keeps text as UTF-8: a lone surrogate (which JSON escapes can give) has none.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_in(store: CaseStore, engine: Engine, event: Event, *, attempts: int = 5) -> Recorded:
    """Load the event's case (or start it), record ``event`` and save, retrying on conflict.

    Returns what :meth:`Engine.record <cx_rules.Engine.record>` returned on the attempt that
    was saved.  A duplicate event saves nothing.  Errors of ``record``
    (:class:`~cx_rules.PolicyViolation`, :class:`~cx_rules.EventOutOfOrder`, ...) propagate
    with nothing saved.  When another writer wins ``attempts`` times in a row, the last
    :class:`~cx_rules.ConcurrentUpdate` is raised.
    """
    if attempts < 1:
        raise ValueError(f"attempts: expected at least 1, got {attempts}")
    conflict: ConcurrentUpdate | None = None
    for _ in range(attempts):
        try:
            case, version = store.load(event.case_id)
        except CaseNotFound:
            case, version = engine.start(event.case_id), 0
        result = engine.record(case, event)
        if result.duplicate:
            return result
        try:
            store.save(result.case, version)
        except ConcurrentUpdate as exc:
            conflict = exc
            continue
        return result
    assert conflict is not None
    raise conflict
