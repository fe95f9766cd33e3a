"""A case's history is appended to, not copied, and still behaves as the tuple it replaces.

The engine records an event by appending it to a :class:`~cx_rules.case.History` shared
along a line of cases; these tests hold a history against the tuple of its events, check
that a case recorded on twice keeps two independent histories (and duplicate checks), and
that a long case shares one list instead of copying it at every event.
"""

from __future__ import annotations

import pickle
import threading
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import Engine, Event, EventConflict
from cx_rules.case import Case, History
from cx_rules.serialize import case_from_dict, case_to_dict
from cx_rules.testing.strategies import event_sequences

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _event(i: int, activity: str = "status_update_sent", *, case_id: str = "c1") -> Event:
    return Event(case_id, activity, T0 + timedelta(hours=i), event_id=f"{case_id}-{i}")


@given(event_sequences(max_size=8), st.integers(min_value=-10, max_value=10), st.data())
def test_a_history_reads_as_the_tuple_of_its_events(
    events: list[Event], index: int, data: st.DataObject
) -> None:
    as_tuple = tuple(events)
    history = History(events)
    assert len(history) == len(as_tuple)
    assert bool(history) == bool(as_tuple)
    assert history == as_tuple
    assert as_tuple == history
    assert not history != as_tuple  # noqa: SIM202 (the operator itself is tested)
    assert hash(history) == hash(as_tuple)
    assert repr(history) == repr(as_tuple)
    assert list(history) == list(as_tuple)
    assert list(reversed(history)) == list(reversed(as_tuple))
    start = data.draw(st.integers(min_value=-10, max_value=10) | st.none())
    stop = data.draw(st.integers(min_value=-10, max_value=10) | st.none())
    step = data.draw(st.sampled_from([None, 1, 2, -1, -2]))
    assert history[start:stop:step] == as_tuple[start:stop:step]
    if -len(as_tuple) <= index < len(as_tuple):
        assert history[index] is as_tuple[index]
    else:
        with pytest.raises(IndexError):
            history[index]
    for e in as_tuple:
        assert e in history
        assert history.count(e) == as_tuple.count(e)
        assert history.index(e) == as_tuple.index(e)
    assert history + () == as_tuple  # noqa: RUF005 (concatenation is what is tested)
    assert () + history == as_tuple  # noqa: RUF005
    assert pickle.loads(pickle.dumps(history)) == as_tuple


@given(event_sequences(max_size=10))
def test_a_replayed_case_equals_the_case_built_with_a_tuple(events: list[Event]) -> None:
    engine = Engine()
    case = engine.replay(events, engine.start("c1")).case
    by_hand = attrs.evolve(case, events=tuple(case.events))
    assert case == by_hand
    assert hash(case) == hash(by_hand)
    assert case_from_dict(case_to_dict(case)) == case


def test_a_long_case_shares_one_list_and_copies_nothing() -> None:
    engine = Engine()
    case = engine.start("c1")
    first = case = engine.record(case, _event(0, "application_received")).case
    for i in range(1, 200):
        case = engine.record(case, _event(i)).case
    assert isinstance(case.events, History)
    assert isinstance(first.events, History)
    assert case.events._log is first.events._log
    assert len(first.events) == 1
    assert len(case.events) == 200
    assert first.events == (_event(0, "application_received"),)


def test_a_case_recorded_on_twice_keeps_two_histories() -> None:
    engine = Engine()
    base = engine.record(engine.start("c1"), _event(0, "application_received")).case
    left = engine.record(base, _event(1)).case
    right = engine.record(base, _event(2)).case
    assert base.events == (_event(0, "application_received"),)
    assert left.events == (_event(0, "application_received"), _event(1))
    assert right.events == (_event(0, "application_received"), _event(2))
    # Each line knows only its own event ids.
    assert engine.record(left, _event(1)).duplicate
    assert engine.record(right, _event(2)).duplicate
    assert not engine.record(base, _event(1)).duplicate
    assert not engine.record(base, _event(2)).duplicate
    # The id c1-1 under another event: a conflict on the line that has it, new on the other.
    changed = Event("c1", "status_update_sent", T0 + timedelta(hours=9), event_id="c1-1")
    with pytest.raises(EventConflict):
        engine.record(left, changed)
    assert engine.record(right, changed).case.events[-1] is changed


def test_duplicates_are_found_on_cases_built_by_hand_and_loaded() -> None:
    engine = Engine()
    events = (_event(0, "application_received"), _event(1))
    case = Case("c1", "applied", events, clock=events[-1].timestamp)
    assert engine.record(case, _event(1)).duplicate
    loaded = case_from_dict(case_to_dict(engine.record(case, _event(2)).case))
    assert engine.record(loaded, _event(2)).duplicate
    assert not engine.record(loaded, _event(3)).duplicate


def test_threads_recording_on_one_case_each_get_their_own_history() -> None:
    engine = Engine()
    base = engine.record(engine.start("c1"), _event(0, "application_received")).case
    results: dict[int, Case] = {}
    barrier = threading.Barrier(8)

    def record(n: int) -> None:
        barrier.wait()
        case = base
        for i in range(1, 60):
            case = engine.record(case, _event(n * 1000 + i)).case
        results[n] = case

    threads = [threading.Thread(target=record, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, case in results.items():
        expected = (
            _event(0, "application_received"),
            *(_event(n * 1000 + i) for i in range(1, 60)),
        )
        assert case.events == expected
        assert all(case.events.index(e) == i for i, e in enumerate(expected))
