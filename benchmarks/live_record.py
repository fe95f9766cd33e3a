"""Live recording: what one ``Engine.record`` costs next to a bare state-machine transition.

An ATS records events inside request handlers, so the cost that matters is one event on one
case, with every built-in rule enabled.  This measures it side by side, in one process, with
the two Python state-machine libraries an ATS might otherwise use for the bare transition:

- transitions (``Machine.trigger`` through the model's generated method),
- python-statemachine (calling the event on a ``StateMachine``).

Each call is timed on its own (``time.perf_counter_ns``); the median and the 99th percentile
are printed in microseconds, with the ratio of each median to the transitions median.  The
benchmark needs the ``bench`` extra: ``pip install transitions python-statemachine``.

Run: ``python benchmarks/live_record.py`` (``--calls N`` to change the sample size).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib.metadata import version
from zoneinfo import ZoneInfo

from cx_rules import EVERY_ACTIVITY, Case, Engine, Event, Policy
from cx_rules.plugins import plugin_manager
from cx_rules.rules.process import IllegalTransition, RuleError

CPH = ZoneInfo("Europe/Copenhagen")


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=CPH)


def _interviewed_case(engine: Engine) -> Case:
    history = [
        Event("c1", "application_received", _at(2, 9), event_id="e1", channel="portal"),
        Event("c1", "application_acknowledged", _at(2, 10), event_id="e2", channel="email"),
        Event("c1", "interview_scheduled", _at(3, 11), event_id="e3", channel="email"),
        Event("c1", "interview_held", _at(9, 10), event_id="e4", channel="meeting"),
    ]
    return engine.replay(history).case


def _cx_rules(calls: int) -> dict[str, Callable[[], object]]:
    everything = Engine(
        Policy(timezone="Europe/Copenhagen"), plugins=plugin_manager(autoload=False)
    )
    bare = Engine(Policy(timezone="Europe/Copenhagen"), rules=[RuleError, IllegalTransition])
    # Each call records the event at another day and time: the calendar remembers the days it
    # has counted, and recording one moment over and over would time that memory, not the
    # step.  (In an ATS most events of a day share the day's count, so this is the dear case.)
    moments = [_at(12, 14) + timedelta(days=n, minutes=37 * n % 600) for n in range(calls + 1000)]
    held = [Event("c1", "interview_held", m, event_id="e5", channel="video") for m in moments]
    rejected = [
        Event(
            "c1",
            "rejected",
            m,
            event_id="e5",
            channel="phone",
            attributes={"reason": "another candidate had more team-lead experience"},
        )
        for m in moments
    ]
    case = _interviewed_case(everything)
    bare_case = _interviewed_case(bare)
    rules = len(everything.rules)

    def subscribed(activity: str) -> int:
        # As the engine dispatches: EVERY_ACTIVITY ("*") stands for every activity.
        return sum(
            1
            for r in everything.rules.values()
            if activity in r.subscriptions() or EVERY_ACTIVITY in r.subscriptions()
        )

    # Cases are immutable, so recording on the same case again and again measures the same
    # step every time, but for the moment.
    return {
        "cx-rules: record interview_held, CX000 and CX001 only": _cycle(
            lambda event: bare.record(bare_case, event), held
        ),
        f"cx-rules: record interview_held, {rules} rules ({subscribed('interview_held')} run)": (
            _cycle(lambda event: everything.record(case, event), held)
        ),
        f"cx-rules: record rejected, {rules} rules ({subscribed('rejected')} run)": _cycle(
            lambda event: everything.record(case, event), rejected
        ),
    }


def _cycle(record: Callable[[Event], object], events: list[Event]) -> Callable[[], object]:
    # Each call takes the next event of the list (from the start again at its end).
    index = [0]

    def step() -> object:
        i = index[0]
        index[0] = (i + 1) % len(events)
        return record(events[i])

    return step


def _transitions() -> Callable[[], object]:
    from transitions import Machine

    class Application:
        pass

    model = Application()
    Machine(
        model=model,
        states=["applied", "interviewing"],
        transitions=[
            ["invite", "applied", "interviewing"],
            ["reset", "interviewing", "applied"],
        ],
        initial="applied",
    )
    return _alternate(model.invite, model.reset)  # type: ignore[attr-defined]


def _statemachine() -> Callable[[], object]:
    from statemachine import State, StateMachine

    class Application(StateMachine):
        applied = State(initial=True)
        interviewing = State()
        invite = applied.to(interviewing)
        reset = interviewing.to(applied)

    machine = Application()
    return _alternate(machine.invite, machine.reset)


def _alternate(first: Callable[[], object], second: Callable[[], object]) -> Callable[[], object]:
    # Alternate two events so that every call is a real transition.
    calls = [first, second]
    index = [0]

    def step() -> object:
        i = index[0]
        index[0] = 1 - i
        return calls[i]()

    return step


def measure(
    rows: dict[str, Callable[[], object]], calls: int, rounds: int
) -> dict[str, list[float]]:
    """Microseconds per call for each row, each call timed on its own.

    The rows take turns, ``rounds`` times, so that a change in the machine's load during the
    run touches every row alike.
    """
    for call in rows.values():
        for _ in range(1000):
            call()
    clock = time.perf_counter_ns
    samples: dict[str, list[float]] = {name: [] for name in rows}
    per_round = max(1, calls // rounds)
    for _ in range(rounds):
        for name, call in rows.items():
            found = samples[name]
            for _ in range(per_round):
                start = clock()
                call()
                found.append((clock() - start) / 1000)
    return samples


def _version(name: str) -> str:
    try:
        return version(name)
    except Exception:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="timed calls per row")
    parser.add_argument("--rounds", type=int, default=20, help="turns the rows take")
    args = parser.parse_args(argv)
    rows = {
        f"transitions {_version('transitions')}: bare transition": _transitions(),
        f"python-statemachine {_version('python-statemachine')}: bare transition": (
            _statemachine()
        ),
        **_cx_rules(args.calls),
    }
    gc.collect()
    samples = measure(rows, args.calls, args.rounds)
    print(
        f"Live recording: cx-rules {_version('cx-rules')}, Python {platform.python_version()} "
        f"on {platform.machine()}, {os.cpu_count()} cores; {len(next(iter(samples.values())))} "
        "timed calls per row"
    )
    width = max(len(name) for name in samples)
    print(f"{'':{width}} {'median':>9} {'p99':>9} {'vs transitions':>15}")
    base = statistics.median(next(iter(samples.values())))
    for name, found in samples.items():
        found.sort()
        median = statistics.median(found)
        p99 = found[int(len(found) * 0.99) - 1]
        print(f"{name:{width}} {median:7.1f}us {p99:7.1f}us {median / base:14.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
