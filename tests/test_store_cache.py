"""The stores' cache of decoded cases and their appends: recording through a store equals
recording in memory whoever else writes, and databases made before the change still open."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import CaseFormatError, Engine, Event, Policy
from cx_rules.store import SQLiteCaseStore, record_in
from cx_rules.stores import SQLiteEventStore, record_events

CPH = ZoneInfo("Europe/Copenhagen")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CPH)
DATA = Path(__file__).parent / "data" / "stores"
ENGINES = {
    "insert": Engine(Policy(timezone="Europe/Copenhagen", out_of_order="insert")),
    "refuse": Engine(Policy(timezone="Europe/Copenhagen")),
}
ENGINE = ENGINES["refuse"]
POSTGRES_ENV = "CX_RULES_TEST_POSTGRES"

Opener = Callable[[], Any]


def ev(case: str, activity: str, minutes: int, eid: str, **kw: Any) -> Event:
    return Event(case, activity, T0 + timedelta(minutes=minutes), event_id=eid, **kw)


@pytest.fixture(params=["case", "events", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Opener]:
    """Opens another store on one fresh database each time it is called, as another process
    would (its own connection, its own cache)."""
    opened: list[Any] = []
    if request.param == "postgres":
        dsn = os.environ.get(POSTGRES_ENV)
        if not dsn:
            pytest.skip(f"{POSTGRES_ENV} is not set (start one with .ci/postgres start DIR)")
        from cx_rules.stores.postgres import PostgresEventStore

        prefix = f"t{uuid.uuid4().hex[:12]}"

        def make() -> Any:
            opened.append(PostgresEventStore(dsn, prefix=prefix, pool=1))
            return opened[-1]
    else:
        path = tmp_path_factory.mktemp("store") / "cases.db"
        kind = SQLiteCaseStore if request.param == "case" else SQLiteEventStore

        def make() -> Any:
            opened.append(kind(path))
            return opened[-1]

    yield make
    if request.param == "postgres" and opened:
        opened[0].drop()
    for store in opened:
        store.close()


def _record(store: Any, engine: Engine, event: Event) -> Any:
    if isinstance(store, SQLiteCaseStore):
        return record_in(store, engine, event)
    return record_events(store, engine, event)


def _consistent(store: Any) -> None:
    assert store.check() == []


_ACTIVITIES = [
    "application_acknowledged",
    "question_received",
    "question_answered",
    "status_update_sent",
    "screening_started",
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    policy=st.sampled_from(sorted(ENGINES)),
    steps=st.lists(
        st.tuples(
            st.sampled_from(_ACTIVITIES),
            st.integers(0, 3000),  # minutes after the first event: often out of order
            st.booleans(),  # an id that repeats (a duplicate, or a clash)
            st.integers(0, 1),  # which of two writers records it
        ),
        max_size=14,
    ),
)
def test_recording_through_a_store_equals_recording_in_memory(
    opener: Opener, policy: str, steps: list[tuple[str, int, bool, int]]
) -> None:
    """Two writers on one database take turns, each with its own cache: every result, and
    every case each of them reads, is what the engine gives in memory."""
    engine = ENGINES[policy]
    case_id = f"c-{uuid.uuid4().hex[:8]}"  # Hypothesis reuses the fixture's database
    writers = [opener(), opener()]
    first = ev(case_id, "application_received", 0, "first")
    case = engine.record(engine.start(case_id), first).case
    assert _record(writers[0], engine, first).case == case
    version = 1
    for n, (activity, minute, repeat, who) in enumerate(steps):
        event = ev(case_id, activity, 1 + minute, f"e{minute}" if repeat else f"e{n}")
        try:
            expected = engine.record(case, event)
        except Exception as exc:
            with pytest.raises(type(exc)):
                _record(writers[who], engine, event)
            continue
        result = _record(writers[who], engine, event)
        assert (result.case, result.duplicate, result.replayed) == (
            expected.case,
            expected.duplicate,
            expected.replayed,
        )
        if not expected.duplicate:
            case, version = expected.case, version + 1
        for store in writers:
            assert store.load(case_id) == (case, version)
    _consistent(writers[0])


def test_a_case_deleted_and_made_again_at_the_same_version_is_read_again(
    opener: Opener,
) -> None:
    mine, theirs = opener(), opener()
    _record(mine, ENGINE, ev("c1", "application_received", 0, "a"))
    _record(mine, ENGINE, ev("c1", "application_acknowledged", 60, "b"))
    version = mine.load("c1")[1]  # and cached
    theirs.delete("c1", version)
    other = [
        ev("c1", "application_received", 5, "x", channel="email"),
        ev("c1", "screening_started", 600, "y"),
    ]
    for e in other:
        _record(theirs, ENGINE, e)
    assert mine.load("c1") == (ENGINE.replay(other).case, 2)


def test_a_save_over_a_case_made_again_writes_the_whole_case(opener: Opener) -> None:
    """The version matches (the other writer deleted and re-made the case), so the save wins,
    as it always did; but it keeps none of the other case's event rows."""
    mine, theirs = opener(), opener()
    _record(mine, ENGINE, ev("c1", "application_received", 0, "a"))
    case, version = mine.load("c1")
    theirs.delete("c1", version)
    _record(theirs, ENGINE, ev("c1", "application_received", 5, "x", channel="email"))
    moved = ENGINE.record(case, ev("c1", "application_acknowledged", 60, "b")).case
    assert mine.save(moved, version) == 2
    assert theirs.load("c1") == (moved, 2)
    _consistent(theirs)


@pytest.mark.parametrize("kind", [SQLiteCaseStore, SQLiteEventStore])
def test_a_record_on_a_long_case_reads_no_event_rows_and_writes_one(
    kind: type[Any], tmp_path: Path
) -> None:
    events = [
        ev("c1", "status_update_sent" if n else "application_received", n, f"e{n}")
        for n in range(30)
    ]
    with kind(tmp_path / "cases.db") as store:
        for e in events[:-1]:
            _record(store, ENGINE, e)
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)
        _record(store, ENGINE, events[-1])
        store._db.set_trace_callback(None)
        table = "cx_cases_events" if kind is SQLiteCaseStore else "cx_events"
        assert [q for q in statements if f"FROM {table}" in q and "SELECT" in q] == []
        assert len([q for q in statements if q.startswith(f"INSERT INTO {table}")]) == 1
    with kind(tmp_path / "cases.db") as again:
        assert again.load("c1") == (ENGINE.replay(events).case, 30)


def _before(case: str) -> list[Event]:
    """The events tests/data/stores/make_before.py recorded."""
    return [
        Event(case, "application_received", T0, event_id=f"{case}-1", channel="portal"),
        Event(
            case,
            "application_acknowledged",
            T0 + timedelta(hours=5),
            event_id=f"{case}-2",
            actor="Birgitte",
            channel="email",
        ),
        Event(
            case,
            "screening_started",
            T0 + timedelta(days=2),
            event_id=f"{case}-3",
            attributes={"stage": "phone"},
        ),
    ]


def test_a_case_store_made_before_event_rows_opens_and_moves_on_save(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    shutil.copy(DATA / "cases-before-event-rows.db", path)
    later = ev("c1", "status_update_sent", 4000, "c1-4", channel="email")
    with SQLiteCaseStore(path) as store:
        assert store.load("c1") == (ENGINE.replay(_before("c1")).case, 3)
        assert store.load("c2") == (ENGINE.replay(_before("c2")[:1]).case, 1)
        record_in(store, ENGINE, later)
    with SQLiteCaseStore(path) as store:
        assert store.load("c1") == (ENGINE.replay([*_before("c1"), later]).case, 4)
        assert [c.case_id for c in store.cases()] == ["c1", "c2"]
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT case_id, data FROM cx_cases ORDER BY case_id").fetchall()
        counts = db.execute("SELECT case_id, COUNT(*) FROM cx_cases_events GROUP BY 1").fetchall()
    assert ['"events":' in data for _, data in rows] == [False, True]  # c2 not saved since
    assert counts == [("c1", 4)]


def test_an_event_store_made_before_tokens_opens_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    shutil.copy(DATA / "events-before-tokens.db", path)
    later = ev("c1", "status_update_sent", 4000, "c1-4", channel="email")
    with SQLiteEventStore(path) as store:
        assert store.load("c1") == (ENGINE.replay(_before("c1")).case, 3)
        assert store.check() == []
        record_events(store, ENGINE, later)
        assert store.check() == []
    with SQLiteEventStore(path) as store:
        assert store.load("c1") == (ENGINE.replay([*_before("c1"), later]).case, 4)
        assert store.load("c2") == (ENGINE.replay(_before("c2")[:1]).case, 1)


def test_missing_or_unreadable_event_rows_name_the_file_table_and_case(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        for e in _before("c1"):
            record_in(store, ENGINE, e)
    where = f"{path}, table cx_cases, case 'c1': stored case"
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM cx_cases_events WHERE seq = 1")
    with SQLiteCaseStore(path) as store, pytest.raises(CaseFormatError) as info:
        store.load("c1")
    assert str(info.value) == f"{where}: event_rows: says 3 events, 2 are in cx_cases_events"
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO cx_cases_events VALUES ('c1', 1, '{\"activity\": ')")
    with SQLiteCaseStore(path) as store, pytest.raises(CaseFormatError) as info:
        store.load("c1")
    assert str(info.value) == f"{where}: events[1] in cx_cases_events: not JSON"


def test_a_lone_surrogate_in_an_event_is_kept_as_an_escape(tmp_path: Path) -> None:
    received = ev("c1", "application_received", 0, "a", actor="\udfff")
    with SQLiteCaseStore(tmp_path / "cases.db") as store:
        record_in(store, ENGINE, received)
    with SQLiteCaseStore(tmp_path / "cases.db") as store:
        assert store.load("c1") == (ENGINE.replay([received]).case, 1)


def test_the_cache_holds_at_most_its_size_and_may_be_off(tmp_path: Path) -> None:
    with SQLiteCaseStore(tmp_path / "cases.db", cache=2) as store:
        for n in range(4):
            record_in(store, ENGINE, ev(f"c{n}", "application_received", n, "a"))
        assert list(store._decoded._cases) == ["c2", "c3"]
    with SQLiteEventStore(tmp_path / "events.db", cache=0) as events:
        record_events(events, ENGINE, ev("c1", "application_received", 0, "a"))
        assert events.load("c1")[1] == 1
        assert not events._decoded._cases
    with pytest.raises(ValueError, match="cache: expected a number of cases >= 0, got -1"):
        SQLiteCaseStore(tmp_path / "x.db", cache=-1)


def test_a_case_store_that_need_not_be_durable_is_in_wal_mode(tmp_path: Path) -> None:
    with SQLiteCaseStore(tmp_path / "fast.db", durable=False) as fast:
        record_in(fast, ENGINE, ev("c1", "application_received", 0, "a"))
        modes = fast._db.execute("PRAGMA journal_mode").fetchone()[0]
        sync = fast._db.execute("PRAGMA synchronous").fetchone()[0]
        assert (modes, sync) == ("wal", 1)  # NORMAL
    with SQLiteCaseStore(tmp_path / "fast.db") as again:
        assert again.load("c1")[1] == 1
        assert again._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_check_finds_missing_and_orphaned_event_rows_of_the_case_store(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    shutil.copy(DATA / "cases-before-event-rows.db", path)
    with SQLiteCaseStore(path) as store:
        assert store.check() == []  # rows of the old layout have no event rows to match
        record_in(store, ENGINE, ev("c1", "status_update_sent", 4000, "c1-4"))
        record_in(store, ENGINE, ev("c3", "application_received", 0, "c3-1"))
        assert store.check() == []
        store._db.execute("DELETE FROM cx_cases_events WHERE case_id = 'c1' AND seq = 2")
        store._db.execute("INSERT INTO cx_cases_events VALUES ('gone', 0, '{}')")
        assert store.check() == [
            "case 'c1': the head says 4 events, 3 are stored",
            "1 event rows belong to no case",
        ]
