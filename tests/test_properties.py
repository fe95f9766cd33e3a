"""Properties of the engine over generated event sequences and process models."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cx_rules import (
    CxRulesError,
    Engine,
    Event,
    EventOutOfOrder,
    Outcome,
    Policy,
    TransitionNotAllowed,
    default_model,
)
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.testing.strategies import event_sequences, process_models, timestamps

ALL_RULES = [info.rule for info in collect_rules(plugin_manager(autoload=False)).values()]
ENGINE = Engine(Policy(timezone="Europe/Copenhagen"), rules=ALL_RULES)


@given(event_sequences())
def test_any_sequence_records_without_undocumented_errors(events):
    case = ENGINE.start("c1")
    for event in events:
        case, findings = ENGINE.record(case, event)
        for finding in findings:
            assert finding.case_id == "c1"
            assert finding.code in ENGINE.rules
    ENGINE.finish(case, events[-1].timestamp + timedelta(days=400) if events else case_time())


def case_time():
    from cx_rules.testing.strategies import START

    return START


@given(process_models(), st.data())
def test_any_valid_model_and_sequence(model, data):
    engine = Engine(Policy(), model=model, rules=ALL_RULES)
    events = data.draw(event_sequences(model))
    case = engine.start("c1")
    for event in events:
        try:
            case, _ = engine.record(case, event)
        except CxRulesError:  # pragma: no cover - any documented error would be a failure here
            raise
    assert case.state in model.states


@given(event_sequences(valid=True))
def test_valid_sequences_never_trip_cx001(events):
    found = ENGINE.replay(events).findings if events else ()
    assert [f for f in found if f.code == "CX001" and f.outcome is Outcome.VIOLATED] == []


@given(event_sequences())
def test_strict_mode_raises_only_documented_errors(events):
    strict = Engine(Policy(), rules=ALL_RULES, strict=True)
    case = strict.start("c1")
    for event in events:
        try:
            case, _ = strict.record(case, event)
        except (TransitionNotAllowed, CxRulesError):
            continue


@given(event_sequences())
def test_recording_is_deterministic(events):
    if not events:
        return
    assert ENGINE.replay(events) == ENGINE.replay(events)


@given(event_sequences(), st.data())
def test_preview_never_changes_the_case(events, data):
    if not events:
        return
    *head, last = events
    case = ENGINE.replay(head).case if head else ENGINE.start("c1")
    snapshot = (case.state, case.events, case.obligations, case.clock)
    previewed = ENGINE.preview(case, last)
    assert (case.state, case.events, case.obligations, case.clock) == snapshot
    assert previewed == ENGINE.record(case, last)


@given(event_sequences(), st.data())
def test_an_older_event_is_refused(events, data):
    case = ENGINE.replay(events).case if events else None
    # Illegal events are not applied; order is kept among the applied ones.
    if (
        case is None
        or len(case.events) < 2
        or case.events[0].timestamp == case.events[-1].timestamp
    ):
        return
    first = case.events[0]
    older = Event(first.case_id, first.activity, first.timestamp)  # no id: not a duplicate
    try:
        ENGINE.record(case, older)
    except EventOutOfOrder:
        return
    raise AssertionError("an older event was accepted")


class EngineAgainstReference(RuleBasedStateMachine):
    """The engine's state, history and clock follow a plain dictionary walk of the model."""

    model = default_model()

    @initialize()
    def start(self) -> None:
        self.case = ENGINE.start("c1")
        self.state = self.model.initial
        self.history: list[str] = []
        self.moment = None

    @rule(activity=st.sampled_from(sorted(default_model().activities)), data=st.data())
    def record(self, activity, data) -> None:
        from cx_rules import Event
        from cx_rules.testing.strategies import START

        self.moment = data.draw(timestamps(after=self.moment or START))
        event = Event("c1", activity, self.moment)
        self.case, findings = ENGINE.record(self.case, event)
        target = self.model.transitions.get(self.state, {}).get(activity)
        illegal = [f for f in findings if f.code == "CX001" and f.outcome is Outcome.VIOLATED]
        if target is None:
            assert len(illegal) == 1
        else:
            assert illegal == []
            self.state = target
            self.history.append(activity)

    @precondition(lambda self: self.moment is not None)
    @rule(days=st.integers(min_value=0, max_value=30))
    def advance(self, days) -> None:
        self.moment = self.moment + timedelta(days=days)
        before = self.case.obligations
        self.case, findings = ENGINE.advance(self.case, self.moment)
        assert all(f.outcome is Outcome.VIOLATED or f.outcome is Outcome.UNKNOWN for f in findings)
        assert len(findings) == sum(1 for o in before if not o.expired and o.due < self.moment)

    @invariant()
    def matches_reference(self) -> None:
        assert self.case.state == self.state
        assert [e.activity for e in self.case.events] == self.history
        dues = [o.due for o in self.case.obligations]
        assert dues == sorted(dues)


EngineAgainstReference.TestCase.settings = settings(max_examples=60, stateful_step_count=30)
test_engine_against_reference = EngineAgainstReference.TestCase
