"""The event stores, SQLite and PostgreSQL alike: versions, appends, races, due lists."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import CaseNotFound, ConcurrentUpdate, Engine, Event, Policy
from cx_rules.stores import SQLiteEventStore, record_events

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ENGINE = Engine(Policy(out_of_order="insert"))


def ev(case: str, activity: str, minutes: int, eid: str | None = None, **kw: Any) -> Event:
    return Event(case, activity, T0 + timedelta(minutes=minutes), event_id=eid, **kw)


def test_a_case_reads_back_equal_after_appends(store: Any) -> None:
    events = [
        ev("c1", "application_received", 0, "a", channel="portal"),
        ev("c1", "application_acknowledged", 30, "b", channel="email"),
        ev("c1", "screening_started", 60, "c", attributes={"stage": "phone screen"}),
    ]
    for e in events:
        record_events(store, ENGINE, e)
    case, version = store.load("c1")
    assert version == 3
    assert case == ENGINE.replay(events).case
    assert store.check() == []


def test_a_late_event_is_inserted_and_the_case_rewritten(store: Any) -> None:
    record_events(store, ENGINE, ev("c1", "application_received", 0, "a"))
    record_events(store, ENGINE, ev("c1", "screening_started", 60, "c"))
    result = record_events(store, ENGINE, ev("c1", "application_acknowledged", 30, "b"))
    assert result.replayed
    case, _ = store.load("c1")
    assert [e.event_id for e in case.events] == ["a", "b", "c"]
    assert store.check() == []


def test_a_save_from_a_stale_version_is_refused_and_writes_nothing(store: Any) -> None:
    record_events(store, ENGINE, ev("c1", "application_received", 0, "a"))
    case, version = store.load("c1")
    moved = ENGINE.record(case, ev("c1", "application_acknowledged", 30, "b")).case
    store.save(moved, version, unchanged=len(case.events))
    with pytest.raises(ConcurrentUpdate) as info:
        store.save(moved, version, unchanged=len(case.events))
    assert (info.value.expected, info.value.actual) == (1, 2)
    assert len(store.load("c1")[0].events) == 2
    assert store.check() == []


def test_unknown_cases_and_bad_versions(store: Any) -> None:
    with pytest.raises(CaseNotFound):
        store.load("nobody")
    with pytest.raises(ValueError, match="expected_version"):
        store.save(ENGINE.start("c1"), -1)


def test_eight_writers_on_one_case_lose_nothing(store: Any) -> None:
    record_events(store, ENGINE, ev("c1", "application_received", 0, "start"))
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(10):
                event = ev("c1", "question_received", 1 + worker * 10 + i, f"w{worker}-{i}")
                record_events(store, ENGINE, event, attempts=500)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    case, _version = store.load("c1")
    ids = {e.event_id for e in case.events}
    assert ids == {"start"} | {f"w{w}-{i}" for w in range(8) for i in range(10)}
    assert [e.timestamp for e in case.events] == sorted(e.timestamp for e in case.events)
    assert store.check() == []


def test_bulk_import_is_all_or_nothing(store: Any) -> None:
    cases = [
        ENGINE.replay([ev(f"c{i}", "application_received", i, f"a{i}")]).case for i in range(50)
    ]
    assert store.import_cases(cases) == 50
    assert store.load("c7")[0] == cases[7]
    again = [ENGINE.replay([ev("new", "application_received", 0)]).case, cases[3]]
    with pytest.raises(ConcurrentUpdate) as info:
        store.import_cases(again)
    assert info.value.case_id == "c3"
    with pytest.raises(CaseNotFound):
        store.load("new")


def _raw(store: Any, sql: str) -> None:
    """Run SQL on the store's own connection, behind its back (to damage it)."""
    if isinstance(store, SQLiteEventStore):
        store._db.execute(sql)
        return
    with store._conn() as conn, conn.transaction():
        conn.execute(sql)


def test_check_reports_missing_and_orphaned_event_rows(store: Any) -> None:
    record_events(store, ENGINE, ev("c1", "application_received", 0, "a"))
    record_events(store, ENGINE, ev("c1", "application_acknowledged", 30, "b"))
    record_events(store, ENGINE, ev("c2", "application_received", 0, "c"))
    assert store.check() == []
    _raw(store, f"DELETE FROM {store._events} WHERE case_id = 'c1' AND seq = 1")
    _raw(store, f"DELETE FROM {store._heads} WHERE case_id = 'c2'")
    assert store.check() == [
        "case 'c1': the head says 2 events, 1 are stored",
        "1 event rows belong to no case",
    ]


def test_cases_are_listed_by_id_and_deleted_only_at_their_version(store: Any) -> None:
    record_events(store, ENGINE, ev("b1", "application_received", 0, "b"))
    record_events(store, ENGINE, ev("a1", "application_received", 0, "a"))
    record_events(store, ENGINE, ev("a1", "application_acknowledged", 30, "c"))
    assert [c.case_id for c in store.cases()] == ["a1", "b1"]
    with pytest.raises(ConcurrentUpdate) as info:
        store.delete("a1", 1)
    assert (info.value.expected, info.value.actual) == (1, 2)
    store.delete("a1", 2)
    assert store.case_ids() == ["b1"]
    with pytest.raises(CaseNotFound):
        store.load("a1")
    assert store.check() == []


def test_a_prefix_that_is_not_a_plain_identifier_is_refused(tmp_path: Any) -> None:
    from cx_rules.stores.postgres import PostgresEventStore

    with pytest.raises(ValueError, match="prefix: 'cx; drop' is not a plain SQL identifier"):
        SQLiteEventStore(tmp_path / "x.db", prefix="cx; drop")
    # Refused before a connection is tried: no server is needed to see it.
    with pytest.raises(ValueError, match="prefix: 'cx-1' is not a plain SQL identifier"):
        PostgresEventStore("postgresql://nowhere.invalid/db", prefix="cx-1")
    assert not (tmp_path / "x.db").exists()


def test_the_due_list_reads_what_is_due_in_order(store: Any) -> None:
    for i in range(5):
        record_events(store, ENGINE, ev(f"c{i}", "application_received", i * 60 * 24, f"a{i}"))
    # CX401 asks for an acknowledgement within 2 business days of each application.
    rows = store.due(T0 + timedelta(days=3), T0 + timedelta(days=3))
    assert rows, "something is due"
    keys = [(r.due_at, r.case_id, r.code, r.key) for r, _ in rows]
    assert keys == sorted(keys)
    overdue = {(r.case_id, r.code) for r, late in rows if late}
    assert ("c0", "CX401") in overdue
    # Everything the engine says is due by then, across all cases, and nothing else.
    now = T0 + timedelta(days=3)
    expected = {
        (d.case_id, d.code, d.obligation.key)
        for i in range(5)
        for d in ENGINE.due(store.load(f"c{i}")[0], now)
        if d.overdue or d.due <= now
    }
    assert {(r.case_id, r.code, r.key) for r, _ in rows} == expected
    after = rows[1][0]
    rest = store.due(now, now, after=[after.due_at, after.case_id, after.code, after.key])
    assert rest == rows[2:]


def test_sqlite_is_in_wal_mode_with_a_due_index(tmp_path: Any) -> None:
    with SQLiteEventStore(tmp_path / "x.db") as s:
        assert s.journal_mode == "wal"
        plan = s._db.execute(
            "EXPLAIN QUERY PLAN SELECT case_id, data FROM cx_heads "
            "WHERE next_due IS NOT NULL AND next_due <= 1"
        ).fetchall()
        assert any("cx_heads_due" in str(row) for row in plan)


def test_a_save_appends_rather_than_rewrites(tmp_path: Any) -> None:
    with SQLiteEventStore(tmp_path / "x.db") as s:
        record_events(s, ENGINE, ev("c1", "application_received", 0, "a"))
        statements: list[str] = []
        s._db.set_trace_callback(statements.append)
        record_events(s, ENGINE, ev("c1", "application_acknowledged", 30, "b"))
        inserts = [q for q in statements if q.startswith("INSERT INTO cx_events")]
        assert len(inserts) == 1, "only the new event is written"


def test_damage_is_reported_by_check(tmp_path: Any) -> None:
    with SQLiteEventStore(tmp_path / "x.db") as s:
        record_events(s, ENGINE, ev("c1", "application_received", 0, "a"))
        record_events(s, ENGINE, ev("c1", "application_acknowledged", 30, "b"))
        s._db.execute("DELETE FROM cx_events WHERE seq = 1")
        assert s.check() == ["case 'c1': the head says 2 events, 1 are stored"]


_ACTIVITIES = ["question_received", "question_answered", "status_update_sent"]


@settings(max_examples=25)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(_ACTIVITIES), st.integers(0, 5000), st.booleans()),
        max_size=12,
    )
)
def test_stored_cases_equal_the_engines_replay(tmp_path_factory: Any, steps: Any) -> None:
    """Whatever order events come in (late ones, repeats), the stored case is the engine's."""
    folder = tmp_path_factory.mktemp("prop")
    with SQLiteEventStore(folder / "p.db") as s:
        case = ENGINE.start("c1")
        first = ev("c1", "application_received", 0, "first")
        record_events(s, ENGINE, first)
        case = ENGINE.record(case, first).case
        for n, (activity, minute, repeat) in enumerate(steps):
            event = ev("c1", activity, 1 + minute, f"e{minute if repeat else n}-{activity}")
            try:
                expected = ENGINE.record(case, event).case
            except Exception as exc:
                with pytest.raises(type(exc)):
                    record_events(s, ENGINE, event)
                continue
            record_events(s, ENGINE, event)
            case = expected
        assert s.load("c1")[0] == case
        assert s.check() == []
