"""The SQLite case store: versions, conflicts, and nothing lost."""

from __future__ import annotations

import sqlite3

import pytest

from cx_rules import Engine, Policy
from cx_rules.exceptions import CaseFormatError, CaseNotFound, ConcurrentUpdate, PolicyViolation
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.store import CaseStore, SQLiteCaseStore, record_in
from cx_rules.testing import event

RECEIVED = event("c1", "application_received", "2026-03-02T09:00:00+01:00", event_id="e1")
ACKED = event("c1", "application_acknowledged", "2026-03-03T09:00:00+01:00", event_id="e2")
SCREENED = event("c1", "screening_started", "2026-03-05T09:00:00+01:00", event_id="e3")


def engine(**policy: object) -> Engine:
    return Engine(
        Policy(timezone="Europe/Copenhagen", **policy),
        rules=[RuleError, IllegalTransition, AcknowledgeApplication],
    )


@pytest.fixture
def store(tmp_path):
    with SQLiteCaseStore(tmp_path / "cases.db") as s:
        yield s


def test_a_saved_case_loads_back_with_version_1(store):
    case = engine().replay([RECEIVED]).case
    assert store.save(case, 0) == 1
    assert store.load("c1") == (case, 1)


def test_each_save_adds_one_to_the_version(store):
    e = engine()
    case = e.replay([RECEIVED]).case
    version = store.save(case, 0)
    case = e.record(case, ACKED).case
    assert store.save(case, version) == 2
    assert store.load("c1") == (case, 2)


def test_a_stale_save_raises_and_writes_nothing(store):
    e = engine()
    first = e.replay([RECEIVED]).case
    store.save(first, 0)
    acked = e.record(first, ACKED).case
    store.save(acked, 1)
    screened = e.record(first, SCREENED).case
    with pytest.raises(ConcurrentUpdate) as info:
        store.save(screened, 1)
    assert (info.value.case_id, info.value.expected, info.value.actual) == ("c1", 1, 2)
    assert str(info.value) == (
        "case 'c1' was changed by someone else: expected version 1, the store has version 2; "
        "load it again and retry"
    )
    assert store.load("c1") == (acked, 2)


def test_two_writers_on_one_file_lose_nothing(tmp_path):
    e = engine()
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as first, SQLiteCaseStore(path) as second:
        first.save(e.replay([RECEIVED]).case, 0)
        mine, my_version = first.load("c1")
        theirs, their_version = second.load("c1")
        first.save(e.record(mine, ACKED).case, my_version)
        with pytest.raises(ConcurrentUpdate):
            second.save(e.record(theirs, SCREENED).case, their_version)
        theirs, their_version = second.load("c1")
        second.save(e.record(theirs, SCREENED).case, their_version)
        case, version = first.load("c1")
    assert case.events == (RECEIVED, ACKED, SCREENED)
    assert version == 3


def test_creating_a_case_that_exists_is_a_conflict(store):
    case = engine().replay([RECEIVED]).case
    store.save(case, 0)
    with pytest.raises(ConcurrentUpdate) as info:
        store.save(case, 0)
    assert (info.value.expected, info.value.actual) == (0, 1)


def test_updating_a_case_that_is_gone_is_a_conflict(store):
    case = engine().replay([RECEIVED]).case
    with pytest.raises(ConcurrentUpdate) as info:
        store.save(case, 3)
    assert str(info.value) == (
        "case 'c1' was changed by someone else: expected version 3, the store has no such "
        "case; load it again and retry"
    )


def test_loading_an_unknown_case_raises_case_not_found(store):
    with pytest.raises(KeyError) as info:
        store.load("nobody")
    assert isinstance(info.value, CaseNotFound)
    assert str(info.value) == "no stored case 'nobody'"


def test_delete_checks_the_version(store):
    case = engine().replay([RECEIVED]).case
    store.save(case, 0)
    with pytest.raises(ConcurrentUpdate):
        store.delete("c1", 2)
    assert store.case_ids() == ["c1"]
    store.delete("c1", 1)
    assert store.case_ids() == []
    with pytest.raises(CaseNotFound):
        store.load("c1")


def test_case_ids_and_cases_list_everything_sorted(store):
    e = engine()
    for case_id in ("c3", "c1", "c2"):
        store.save(e.start(case_id), 0)
    assert store.case_ids() == ["c1", "c2", "c3"]
    assert [c.case_id for c in store.cases()] == ["c1", "c2", "c3"]


def test_cases_survive_closing_and_reopening(tmp_path):
    case = engine().replay([RECEIVED, ACKED]).case
    with SQLiteCaseStore(tmp_path / "cases.db", table="pipeline") as first:
        first.save(case, 0)
    with SQLiteCaseStore(tmp_path / "cases.db", table="pipeline") as again:
        assert again.load("c1") == (case, 1)


def test_the_state_column_is_there_for_the_ats(tmp_path):
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        store.save(engine().replay([RECEIVED]).case, 0)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT case_id, version, state FROM cx_cases").fetchall()
    assert rows == [("c1", 1, "applied")]


def test_unreadable_stored_data_names_the_file_table_case_and_field(tmp_path):
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        store.save(engine().replay([RECEIVED]).case, 0)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE cx_cases SET data = replace(data, '\"version\":1', '\"version\":9')")
    with SQLiteCaseStore(path) as store, pytest.raises(CaseFormatError) as info:
        store.load("c1")
    assert str(info.value) == (
        f"{path}, table cx_cases, case 'c1': stored case: format version 9 was written by a newer "
        "cx-rules; this one reads versions 1 to 2 (upgrade cx-rules to read it)"
    )


def test_a_table_name_must_be_an_identifier(tmp_path):
    with pytest.raises(ValueError, match="is not a plain SQL identifier"):
        SQLiteCaseStore(tmp_path / "cases.db", table="cases; DROP TABLE x")


def test_a_negative_version_is_refused(store):
    with pytest.raises(ValueError, match="expected_version: expected 0"):
        store.save(engine().start("c1"), -1)


def test_the_sqlite_store_follows_the_protocol(store):
    assert isinstance(store, CaseStore)


# -- record_in ---------------------------------------------------------------------------------


def test_record_in_starts_saves_and_then_updates(store):
    e = engine()
    first = record_in(store, e, RECEIVED)
    assert store.load("c1") == (first.case, 1)
    second = record_in(store, e, ACKED)
    assert store.load("c1") == (second.case, 2)
    assert second.case.events == (RECEIVED, ACKED)


def test_record_in_saves_nothing_for_a_duplicate(store):
    e = engine()
    record_in(store, e, RECEIVED)
    again = record_in(store, e, RECEIVED)
    assert again.duplicate
    assert store.load("c1")[1] == 1


def test_record_in_saves_nothing_when_the_guard_refuses(store):
    e = engine(enforce=("CX001",))
    record_in(store, e, RECEIVED)
    with pytest.raises(PolicyViolation):
        record_in(store, e, event("c1", "offer_accepted", "2026-03-04T09:00:00+01:00"))
    assert store.load("c1")[1] == 1


class _Interleaved(SQLiteCaseStore):
    """A store whose next saves are preceded by another writer's save of ``event``."""

    def __init__(self, path, engine, events):
        super().__init__(path)
        self.other = SQLiteCaseStore(path)
        self.engine = engine
        self.pending = list(events)

    def save(self, case, expected_version):
        if self.pending:
            theirs, version = self.other.load(case.case_id)
            self.other.save(self.engine.record(theirs, self.pending.pop(0)).case, version)
        return super().save(case, expected_version)


def test_record_in_retries_when_another_writer_wins(tmp_path):
    e = engine()
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as setup:
        setup.save(e.replay([RECEIVED]).case, 0)
    store = _Interleaved(path, e, [ACKED])
    try:
        result = record_in(store, e, SCREENED)
        assert result.case.events == (RECEIVED, ACKED, SCREENED)
        assert store.load("c1") == (result.case, 3)
    finally:
        store.other.close()
        store.close()


def test_record_in_gives_up_after_its_attempts(tmp_path):
    e = engine()
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as setup:
        setup.save(e.replay([RECEIVED]).case, 0)
    others = [
        event("c1", "status_update_sent", f"2026-03-0{day}T09:00:00+01:00", event_id=f"u{day}")
        for day in (3, 4)
    ]
    store = _Interleaved(path, e, others)
    try:
        with pytest.raises(ConcurrentUpdate) as info:
            record_in(store, e, SCREENED, attempts=2)
        assert (info.value.expected, info.value.actual) == (2, 3)
        assert store.load("c1")[0].events == (RECEIVED, *others)
    finally:
        store.other.close()
        store.close()


def test_record_in_needs_one_attempt_at_least(store):
    with pytest.raises(ValueError, match="attempts: expected at least 1, got 0"):
        record_in(store, engine(), RECEIVED, attempts=0)
