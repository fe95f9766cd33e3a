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

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from .case import Case
from .events import Event
from .exceptions import CaseFormatError, CaseNotFound, ConcurrentUpdate
from .serialize import (
    _SURROGATE,
    _TIMES_VERSION,
    FORMAT,
    _escape_surrogate,
    _time_text,
    case_from_dict,
    case_from_json,
)
from .stores import SQLiteEventStore as SQLiteEventStore  # re-exported: the event stores
from .stores import record_events as record_events
from .stores._base import Closing, Decoded
from .stores._base import mismatches as _mismatches
from .stores._codec import check_unchanged as _check_unchanged
from .stores._codec import check_version as _check_version
from .stores._codec import event_dicts as _encode_events
from .stores._codec import new_token as _new_token
from .stores._codec import obligation_dicts as _obligation_dicts

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
    """A :class:`CaseStore` in an SQLite database file: a row per case and a row per event.

    The table (``cx_cases`` unless ``table`` says otherwise) is created when missing, with
    the columns ``case_id`` (primary key), ``version``, ``state`` (the case's state, for the
    ATS's own queries) and ``data`` (the case as JSON, without its events); the events are
    rows of ``{table}_events`` (``case_id``, ``seq``, ``data``: one event as JSON), so a save
    appends the new events instead of rewriting the case.  A row written by cx-rules 0.x
    before this layout (``data`` holding the whole case with its ``events``) is read as it
    is and moved to the new layout by its next save.

    The last ``cache`` cases saved or read are kept decoded: a load whose row still holds
    what was cached (its version and a token that every save renews) reads no event rows.
    So recording an event costs the same on a long case as on a short one.

    Every save is committed to disk before it returns (SQLite's ``synchronous=FULL`` in the
    file's journal mode), which costs a wait for the disk at each event; ``durable=False``
    puts the file in WAL mode with ``synchronous=NORMAL``, as
    :class:`~cx_rules.stores.SQLiteEventStore` does: a killed process still loses nothing
    committed, a power cut may lose the last commits, never corrupt the file.

    One store may be shared by the threads of a process (its operations take turns on one
    connection); several processes may open the same file, and SQLite's locking with
    ``timeout`` seconds of patience keeps their writes apart.  Use it as a context manager,
    or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        table: str = "cx_cases",
        timeout: float = 30.0,
        cache: int = 1024,
        durable: bool = True,
    ) -> None:
        if not _IDENTIFIER.match(table):
            raise ValueError(
                f"table: {table!r} is not a plain SQL identifier (letters, digits, underscore)"
            )
        self.path = str(path)
        self.table = table
        self._events = f"{table}_events"
        self._decoded = Decoded(cache)
        self._lock = threading.Lock()
        with self._sql():
            # Autocommit outside the explicit transactions below: none is left open between
            # calls to hold a lock other processes wait for.
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
        with self._lock, self._sql():
            if not durable:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._events} (case_id TEXT NOT NULL, "
                "seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, seq)) "
                "WITHOUT ROWID"
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

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:  # called with the lock held
        self._db.execute(begin)
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def __repr__(self) -> str:
        return f"SQLiteCaseStore({self.path!r}, table={self.table!r})"

    def load(self, case_id: str) -> tuple[Case, int]:
        """The stored case and its version; :class:`~cx_rules.CaseNotFound` when absent.

        Raises :class:`~cx_rules.CaseFormatError`, naming the file, table and case, when the
        stored data cannot be read.
        """
        if not _storable(case_id):
            raise CaseNotFound(case_id)  # no such id can have been saved
        where = f"{self.path}, table {self.table}, case {case_id!r}"
        rows: list[Any] | None = None
        with self._lock, self._sql(case_id), self._transaction("BEGIN"):
            row = self._db.execute(
                f"SELECT version, data FROM {self.table} WHERE case_id = ?", (case_id,)
            ).fetchone()
            if row is None:
                raise CaseNotFound(case_id)
            version, data = row
            if (
                not isinstance(data, str)
                or isinstance(version, bool)
                or not isinstance(version, int)
            ):
                raise CaseFormatError(
                    f"{where}: expected an integer version and the case as JSON text, got "
                    f"{type(version).__name__} and {type(data).__name__}"
                )
            cached = self._decoded.get(case_id, version, data)
            if cached is not None:
                return cached, version
            stored = _parse(data, where)
            if _in_rows(stored):
                rows = self._db.execute(
                    f"SELECT data FROM {self._events} WHERE case_id = ? ORDER BY seq",
                    (case_id,),
                ).fetchall()
        try:
            if rows is not None:
                stored = _with_events(stored, rows, self._events)
            case = case_from_dict(stored)
        except CaseFormatError as exc:
            raise CaseFormatError(f"{where}: {exc}") from None
        if rows is not None:
            self._decoded.put(case, version, data)
        return case, version

    def save(self, case: Case, expected_version: int, *, unchanged: int | None = None) -> int:
        """Store ``case`` if its stored version is ``expected_version``; the new version.

        ``expected_version=0`` creates the case.  Raises :class:`~cx_rules.ConcurrentUpdate`
        (nothing written) when the stored version differs, including when the case already
        exists on a create or no longer exists on an update.  Only the events after those
        stored are written: ``unchanged`` says how many leading events are the stored ones
        (the case was loaded, then events were recorded on it); without it, the events of the
        cached case that ``case`` continues are kept.
        """
        _check_version(expected_version)
        case_id = case.case_id
        if not _storable(case_id) or not _storable(case.state):
            raise CaseFormatError(
                f"{self.path}, table {self.table}: cannot store case {case_id!r}: its id or "
                "state holds a lone surrogate (half of a UTF-16 pair), which is not text "
                "SQLite can keep; correct the id where it is made"
            )
        keep, cached_head = 0, ""
        if expected_version and unchanged is not None:
            keep = _check_unchanged(case, unchanged)
        elif expected_version:
            keep, cached_head = self._decoded.unchanged(case, expected_version)
        events = _encode_events(case, keep)
        timed = any("times" in e for e in events)
        with self._lock, self._sql(case_id), self._transaction("BEGIN IMMEDIATE"):
            if expected_version == 0:
                data = _encode_head(case, timed)
                try:
                    self._db.execute(
                        f"INSERT INTO {self.table} (case_id, version, state, data) "
                        "VALUES (?, 1, ?, ?)",
                        (case_id, case.state, data),
                    )
                except sqlite3.IntegrityError:
                    raise ConcurrentUpdate(case_id, 0, self._version(case_id)) from None
                self._db.execute(f"DELETE FROM {self._events} WHERE case_id = ?", (case_id,))
            else:
                row = self._db.execute(
                    f"SELECT version, data FROM {self.table} WHERE case_id = ?", (case_id,)
                ).fetchone()
                if row is None or row[0] != expected_version:
                    raise ConcurrentUpdate(case_id, expected_version, self._version(case_id))
                stored = _stored_head(row[1])
                if keep and (stored is None or (cached_head and row[1] != cached_head)):
                    # a row of the old layout, or not the case cached: write every event
                    keep, events = 0, _encode_events(case, 0)
                    timed = any("times" in e for e in events)
                elif keep and stored is not None:
                    if stored[0] < keep:  # fewer rows than the caller said: write the rest
                        keep, events = stored[0], _encode_events(case, stored[0])
                        timed = any("times" in e for e in events)
                    timed = timed or stored[1]
                data = _encode_head(case, timed)
                self._db.execute(
                    f"UPDATE {self.table} SET version = version + 1, state = ?, data = ? "
                    "WHERE case_id = ? AND version = ?",
                    (case.state, data, case_id, expected_version),
                )
                self._db.execute(
                    f"DELETE FROM {self._events} WHERE case_id = ? AND seq >= ?", (case_id, keep)
                )
            self._db.executemany(
                f"INSERT INTO {self._events} VALUES (?, ?, ?)",
                ((case_id, i, _dumps(e)) for i, e in enumerate(events, keep)),
            )
        self._decoded.put(case, expected_version + 1, data)
        return expected_version + 1

    def delete(self, case_id: str, expected_version: int) -> None:
        """Remove the case if its stored version is ``expected_version``.

        Raises :class:`~cx_rules.ConcurrentUpdate` (nothing removed) otherwise.
        """
        _check_version(expected_version)
        if not _storable(case_id):
            raise ConcurrentUpdate(case_id, expected_version, 0)
        with self._lock, self._sql(case_id), self._transaction("BEGIN IMMEDIATE"):
            changed = self._db.execute(
                f"DELETE FROM {self.table} WHERE case_id = ? AND version = ?",
                (case_id, expected_version),
            ).rowcount
            if changed != 1:
                raise ConcurrentUpdate(case_id, expected_version, self._version(case_id))
            self._db.execute(f"DELETE FROM {self._events} WHERE case_id = ?", (case_id,))
        self._decoded.drop(case_id)

    def case_ids(self) -> list[str]:
        """The ids of every stored case, sorted."""
        with self._lock, self._sql():
            rows = self._db.execute(f"SELECT case_id FROM {self.table} ORDER BY case_id")
            return [row[0] for row in rows]

    def check(self) -> list[str]:
        """What is inconsistent in the store (empty when nothing): SQLite's integrity check,
        every case whose event rows do not match what its row says, and event rows of no
        case.  Rows of the old layout (events in ``data``) have no event rows to match."""
        problems: list[str] = []
        with self._lock, self._sql():
            for (line,) in self._db.execute("PRAGMA integrity_check"):
                if line != "ok":
                    problems.append(f"sqlite: {line}")
            rows = self._db.execute(
                f"SELECT h.case_id, json_extract(h.data, '$.event_rows'), COUNT(e.seq), "
                f"COALESCE(MAX(e.seq), -1) FROM {self.table} h LEFT JOIN {self._events} e "
                "ON e.case_id = h.case_id WHERE json_valid(h.data) "
                "AND json_type(h.data, '$.event_rows') = 'integer' GROUP BY h.case_id"
            ).fetchall()
            orphans = self._db.execute(
                f"SELECT COUNT(*) FROM {self._events} e WHERE NOT EXISTS "
                f"(SELECT 1 FROM {self.table} h WHERE h.case_id = e.case_id)"
            ).fetchone()[0]
        return problems + _mismatches(rows, orphans)

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


def _dumps(value: Any) -> str:
    # A lone surrogate (JSON logs may carry one as an escape) is written as that escape.
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _SURROGATE.sub(_escape_surrogate, text)


def _encode_head(case: Case, timed: bool) -> str:
    """The ``data`` of a case's row: the stored case (:func:`cx_rules.serialize.case_to_dict`)
    without its events, with how many event rows it has and a token new at every save."""
    where = f"case {case.case_id!r}"
    obligations = _obligation_dicts(case)
    timed = timed or any(
        isinstance(o["opened_by"], dict) and "times" in o["opened_by"] for o in obligations
    )
    return _dumps(
        {
            "format": FORMAT,
            "version": _TIMES_VERSION if timed else 1,
            "token": _new_token(),
            "case_id": case.case_id,
            "state": case.state,
            "clock": None if case.clock is None else _time_text(case.clock, f"{where}: clock"),
            "event_rows": len(case.events),
            "obligations": obligations,
        }
    )


def _in_rows(stored: object) -> bool:
    """Whether a parsed ``data`` keeps its events in the event table (the old layout has
    them in ``events``)."""
    return isinstance(stored, dict) and "events" not in stored and "event_rows" in stored


def _stored_head(data: object) -> tuple[int, bool] | None:
    """How many event rows a stored row says it has, and whether its format version says
    some event has times; ``None`` for a row of the old layout or one that cannot be read."""
    try:
        stored = json.loads(data) if isinstance(data, str) else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or not _in_rows(stored):
        return None
    rows, version = stored["event_rows"], stored.get("version")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        return None
    return rows, version == _TIMES_VERSION


def _parse(data: str, where: str) -> Any:
    """``data`` parsed, or the error :func:`~cx_rules.serialize.case_from_json` gives for it."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        pass
    try:
        case_from_json(data)  # raises, saying what is wrong and where
    except CaseFormatError as exc:
        raise CaseFormatError(f"{where}: {exc}") from None
    raise CaseFormatError(f"{where}: stored case: not JSON")  # pragma: no cover


def _with_events(stored: dict[str, Any], rows: list[Any], where_rows: str) -> dict[str, Any]:
    """The stored case of the new layout, its event rows put back into ``events``."""
    expected = stored["event_rows"]
    if len(rows) != expected:
        raise CaseFormatError(
            f"stored case: event_rows: says {expected} events, {len(rows)} are in {where_rows}"
        )
    events = []
    for i, (text,) in enumerate(rows):
        try:
            events.append(json.loads(text) if isinstance(text, str) else None)
        except (ValueError, RecursionError):
            raise CaseFormatError(f"stored case: events[{i}] in {where_rows}: not JSON") from None
    return {**stored, "events": events}


def _storable(text: str) -> bool:
    # SQLite keeps text as UTF-8: a lone surrogate (which JSON escapes can give) has none.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_in(store: CaseStore, engine: Engine, event: Event, *, attempts: int = 5) -> Recorded:
    """Load the event's case (or start it), record ``event`` and save, retrying on conflict.

    On the stores of cx-rules this costs the same on a long case as on a short one: the
    case comes from the store's cache while nobody else changed it, and only the new event
    is written.

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
            if not result.replayed and _appends(store):
                # The loaded events are stored: only the new one is written, without the
                # store comparing the case with the one it cached.
                store.save(result.case, version, unchanged=len(case.events))  # type: ignore[call-arg]
            else:
                store.save(result.case, version)
        except ConcurrentUpdate as exc:
            conflict = exc
            continue
        return result
    assert conflict is not None
    raise conflict


def _appends(store: object) -> bool:
    """Whether ``store`` has the ``save`` of a cx-rules store, which takes ``unchanged``."""
    from .stores.postgres import PostgresEventStore

    return getattr(type(store), "save", None) in (
        SQLiteCaseStore.save,
        SQLiteEventStore.save,
        PostgresEventStore.save,
    )
