"""The rule budget times a step, and blames a rule only when the rule itself is slow.

An engine with ``rule_budget`` reads its clock twice an event; a step over the budget is run
again rule by rule under the clock, so that a pause landing in one step (a garbage
collection, a busy machine) is not counted against any rule.  The clocks here are moved by
the rules themselves: nothing waits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cx_rules import Engine, Event, Policy, Rule, Severity
from cx_rules.step import Step

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


CLOCK = _Clock()


class AlwaysSlow(Rule):
    code = "TIME100"
    name = "always-slow"
    practice = "experience"
    severity = Severity.INFO
    activities = frozenset({"status_update_sent"})

    def on_event(self, step: Step) -> None:
        CLOCK.now += 5.0
        step.passed()


class Fast(Rule):
    code = "TIME200"
    name = "fast"
    practice = "experience"
    severity = Severity.INFO
    activities = frozenset({"status_update_sent"})

    def on_event(self, step: Step) -> None:
        step.passed()


class SlowOnce(Rule):
    """Slow on its first call only: a pause, not a slow rule."""

    code = "TIME300"
    name = "slow-once"
    practice = "experience"
    severity = Severity.INFO
    activities = frozenset({"status_update_sent"})
    calls = 0

    def on_event(self, step: Step) -> None:
        SlowOnce.calls += 1
        if SlowOnce.calls == 1:
            CLOCK.now += 5.0
        step.passed()


def _engine(*rules: type[Rule]) -> Engine:
    return Engine(Policy(), rules=list(rules), rule_budget=1.0, clock=CLOCK)


def _events(n: int) -> list[Event]:
    first = Event("c1", "application_received", T0, event_id="c1-0")
    return [first] + [
        Event("c1", "status_update_sent", T0 + timedelta(hours=i), event_id=f"c1-{i}")
        for i in range(1, n + 1)
    ]


def test_a_slow_rule_is_counted_on_every_event_and_a_fast_one_beside_it_never() -> None:
    engine = _engine(AlwaysSlow, Fast)
    found = engine.replay(_events(4)).findings
    assert dict(engine.overruns) == {"TIME100": 4}
    # Run again to find the slow rule, the step's findings are still those of one run.
    assert [f.code for f in found].count("TIME100") == 4
    assert [f.code for f in found].count("TIME200") == 4


def test_a_pause_in_one_step_is_not_blamed_on_its_rule() -> None:
    SlowOnce.calls = 0
    engine = _engine(SlowOnce, Fast)
    engine.replay(_events(3))
    assert SlowOnce.calls == 4  # three events and the run again of the step that overran
    assert dict(engine.overruns) == {}


def test_a_step_within_the_budget_reads_the_clock_twice() -> None:
    engine = _engine(Fast)
    before = CLOCK.reads
    engine.replay(_events(5))
    assert CLOCK.reads - before == 2 * 5
    assert dict(engine.overruns) == {}
