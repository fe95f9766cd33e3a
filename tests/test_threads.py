"""One engine shared by many threads gives what a sequential run gives."""

from __future__ import annotations

import random
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cx_rules import Engine, Event, Policy, default_model
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.store import SQLiteCaseStore, record_in

CPH = ZoneInfo("Europe/Copenhagen")
ALL_RULES = [info.rule for info in collect_rules(plugin_manager(autoload=False)).values()]
CHANNELS = ("email", "phone", "meeting", "portal", None)
THREADS = 4


def walk(case_id: str, rng: random.Random) -> list[Event]:
    """A legal path through the default model, with the attributes rules read."""
    model = default_model()
    state = model.initial
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=CPH)
    events = []
    for index in range(rng.randint(1, 12)):
        allowed = model.allowed(state)
        if not allowed:
            break
        activity = rng.choice(allowed)
        moment += timedelta(hours=rng.randint(1, 80))
        attributes = {"reason": "skills"} if rng.random() < 0.5 else {}
        if activity == "talent_pool_joined":
            attributes["consent"] = rng.random() < 0.5
        events.append(
            Event(
                case_id,
                activity,
                moment,
                event_id=f"{case_id}-{index}",
                channel=rng.choice(CHANNELS),
                attributes=attributes,
            )
        )
        state = model.next_state(state, activity) or state
    return events


@pytest.fixture
def often_switching():
    # Switch threads far more often than the default 5 ms, so steps really interleave.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def run_case(engine: Engine, events: list[Event], as_of: datetime):
    case = engine.start(events[0].case_id)
    found = []
    for e in events:
        case, step = engine.record(case, e)
        found.extend(step)
    case, last = engine.finish(case, as_of)
    return case, tuple(found) + last


def test_threads_sharing_one_engine_match_a_sequential_run(often_switching):
    engine = Engine(Policy(timezone="Europe/Copenhagen"), rules=ALL_RULES)
    rng = random.Random(20260302)
    streams = [walk(f"c{n:03}", rng) for n in range(120)]
    as_of = datetime(2026, 6, 1, tzinfo=CPH)
    sequential = {s[0].case_id: run_case(engine, s, as_of) for s in streams}
    start = threading.Barrier(THREADS)

    def worker(part: list[list[Event]]):
        start.wait()
        return {s[0].case_id: run_case(engine, s, as_of) for s in part}

    with ThreadPoolExecutor(THREADS) as pool:
        parts = pool.map(worker, [streams[i::THREADS] for i in range(THREADS)])
        concurrent = {k: v for part in parts for k, v in part.items()}
    assert concurrent == sequential
    assert sum(len(found) for _, found in sequential.values()) > 500


def test_threads_writing_one_case_through_the_store_lose_nothing(tmp_path, often_switching):
    engine = Engine(Policy(timezone="Europe/Copenhagen", out_of_order="insert"), rules=ALL_RULES)
    received = Event("c1", "application_received", datetime(2026, 3, 2, 9, tzinfo=CPH))
    messages = [
        Event(
            "c1",
            "status_update_sent",
            datetime(2026, 3, 2, 10, tzinfo=CPH) + timedelta(minutes=n),
            event_id=f"u{n}",
            channel="email",
        )
        for n in range(40)
    ]
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as setup:
        record_in(setup, engine, received)
    start = threading.Barrier(THREADS)

    def worker(part: list[Event]) -> None:
        # One store per thread, as separate workers of an ATS would each open the file.
        with SQLiteCaseStore(path) as store:
            start.wait()
            for e in part:
                record_in(store, engine, e, attempts=1000)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, [messages[i::THREADS] for i in range(THREADS)]))
    with SQLiteCaseStore(path) as store:
        case, version = store.load("c1")
    assert case == engine.replay([received, *messages]).case
    assert version == 41
