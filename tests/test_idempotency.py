"""Idempotency and order: duplicates are no-ops, late events are refused or inserted."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cx_rules import (
    CxRulesError,
    Engine,
    EventOutOfOrder,
    Outcome,
    Policy,
    PolicyError,
    default_model,
)
from cx_rules.exceptions import EventConflict, PolicyViolation
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.testing import event
from cx_rules.testing.strategies import event_sequences

BASE = [RuleError, IllegalTransition, AcknowledgeApplication]
ALL_RULES = [info.rule for info in collect_rules(plugin_manager(autoload=False)).values()]

RECEIVED = event("c1", "application_received", "2026-03-02T09:00:00+01:00", event_id="e1")
ACKED = event("c1", "application_acknowledged", "2026-03-03T09:00:00+01:00", event_id="e2")
SCREENED = event("c1", "screening_started", "2026-03-05T09:00:00+01:00", event_id="e3")


def engine(**policy: object) -> Engine:
    return Engine(Policy(timezone="Europe/Copenhagen", **policy), rules=BASE)


# -- duplicates ----------------------------------------------------------------------------------


def test_recording_an_event_again_is_a_no_op_that_says_so():
    e = engine()
    case = e.replay([RECEIVED, ACKED]).case
    again = e.record(case, ACKED)
    assert again.duplicate
    assert case is again.case
    assert again.findings == ()
    assert not again.replayed


def test_a_retried_copy_of_the_event_is_a_duplicate_too():
    e = engine()
    case = e.replay([RECEIVED]).case
    copy = event("c1", "application_received", "2026-03-02T08:00:00+00:00", event_id="e1")
    assert e.record(case, copy).duplicate


def test_a_duplicate_older_than_the_last_event_is_still_a_duplicate():
    e = engine()
    case = e.replay([RECEIVED, ACKED, SCREENED]).case
    assert e.record(case, RECEIVED).duplicate


def test_the_same_id_on_another_event_is_a_conflict():
    e = engine()
    case = e.replay([RECEIVED, ACKED]).case
    other = event("c1", "screening_started", "2026-03-05T09:00:00+01:00", event_id="e2")
    with pytest.raises(EventConflict) as info:
        e.record(case, other)
    assert str(info.value) == (
        "case 'c1': event_id 'e2' is already recorded for application_acknowledged at "
        "2026-03-03T09:00:00+01:00, and the event now given under that id differs "
        "(screening_started at 2026-03-05T09:00:00+01:00; fields and attributes are compared "
        "too)"
    )
    assert isinstance(info.value, CxRulesError)
    assert isinstance(info.value, ValueError)


def test_a_conflict_in_attributes_is_named_without_quoting_them():
    e = engine()
    case = e.replay([RECEIVED]).case
    changed = event(
        "c1",
        "application_received",
        "2026-03-02T09:00:00+01:00",
        event_id="e1",
        text="secret rejection wording",
    )
    with pytest.raises(EventConflict) as info:
        e.record(case, changed)
    assert "secret" not in str(info.value)


def test_events_without_an_id_are_never_taken_for_duplicates():
    e = engine()
    case = e.replay([RECEIVED]).case
    update = event("c1", "status_update_sent", "2026-03-03T09:00:00+01:00", channel="email")
    once = e.record(case, update).case
    twice = e.record(once, update)
    assert not twice.duplicate
    assert len(twice.case.events) == 3


def test_replay_skips_duplicates():
    e = engine()
    assert e.replay([RECEIVED, ACKED]) == e.replay([RECEIVED, ACKED, RECEIVED, ACKED])


def test_a_duplicate_is_not_blocked_even_when_enforced():
    e = Engine(Policy(enforce=("CX001",)), rules=BASE)
    case = e.replay([RECEIVED]).case
    assert e.record(case, RECEIVED).duplicate


# Events the model refuses in audit mode are not kept on the case, so only legal sequences
# can promise that a retry changes nothing.
@settings(max_examples=60, deadline=None)
@given(event_sequences(valid=True, max_size=12), st.data())
def test_duplicates_anywhere_change_nothing(events, data):
    e = Engine(Policy(timezone="Europe/Copenhagen"), rules=ALL_RULES)
    assume(events)
    stream = list(events)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        again = data.draw(st.sampled_from(events))
        at = data.draw(st.integers(min_value=stream.index(again) + 1, max_value=len(stream)))
        stream.insert(at, again)
    assert e.replay(events) == e.replay(stream)


# -- order -------------------------------------------------------------------------------------


def test_an_older_event_is_refused_by_default():
    e = engine()
    case = e.replay([RECEIVED, SCREENED]).case
    with pytest.raises(EventOutOfOrder) as info:
        e.record(case, ACKED)
    assert str(info.value) == (
        "case 'c1': application_acknowledged at 2026-03-03T09:00:00+01:00 is older than the "
        "last event (screening_started at 2026-03-05T09:00:00+01:00)"
    )


def test_insert_puts_the_event_in_its_place_and_re_evaluates():
    e = engine(out_of_order="insert")
    case = e.replay([RECEIVED, SCREENED]).case
    result = e.record(case, ACKED)
    assert result.replayed
    assert not result.duplicate
    assert result.case.events == (RECEIVED, ACKED, SCREENED)
    in_order = e.replay([RECEIVED, ACKED, SCREENED])
    assert in_order.case == result.case
    assert in_order.findings == result.findings
    assert [f.outcome.value for f in result.findings if f.code == "CX401"] == ["passed"]


def test_insert_keeps_the_clock_the_case_was_advanced_to():
    e = engine(out_of_order="insert")
    case = e.replay([RECEIVED]).case
    later = event("c1", "status_update_sent", "2026-03-20T09:00:00+01:00", channel="email")
    case = e.record(case, later).case
    case = e.advance(case, later.timestamp.replace(day=25)).case
    questioned = event("c1", "question_received", "2026-03-10T09:00:00+01:00", event_id="q")
    result = e.record(case, questioned)
    assert case.clock == result.case.clock
    assert (RECEIVED, questioned, later) == result.case.events


def test_insert_of_an_event_equal_in_time_to_the_last_is_ordinary():
    e = engine(out_of_order="insert")
    case = e.replay([RECEIVED]).case
    same_time = event("c1", "application_acknowledged", "2026-03-02T09:00:00+01:00")
    result = e.record(case, same_time)
    assert not result.replayed
    assert (RECEIVED, same_time) == result.case.events


def test_an_insertion_that_makes_a_later_event_illegal_is_blocked():
    e = Engine(Policy(enforce=("CX001",), out_of_order="insert"), rules=BASE)
    case = e.replay([RECEIVED, SCREENED]).case
    rejection = event("c1", "rejected", "2026-03-04T09:00:00+01:00", channel="phone")
    preview = e.preview(case, rejection)
    assert preview.replayed
    assert [(f.code, f.outcome, f.evidence) for f in preview.blocked] == [
        ("CX001", Outcome.VIOLATED, (SCREENED,))
    ]
    with pytest.raises(PolicyViolation):
        e.record(case, rejection)


def test_an_insertion_is_not_blocked_for_violations_the_case_already_had():
    audit = Engine(Policy(), rules=BASE)
    offer = event("c1", "offer_made", "2026-03-04T09:00:00+01:00")
    case = audit.replay([RECEIVED, offer, SCREENED]).case
    guarded = Engine(Policy(enforce=("CX001",), out_of_order="insert"), rules=BASE)
    result = guarded.record(case, ACKED)
    assert result.blocked == ()
    assert result.replayed
    assert result.case.events == (RECEIVED, ACKED, SCREENED)


def test_a_bad_out_of_order_value_is_a_policy_error():
    with pytest.raises(PolicyError) as info:
        Policy.from_mapping({"out_of_order": "sort"}, source="cx.toml")
    assert str(info.value) == "cx.toml: out_of_order: expected 'refuse' or 'insert', got 'sort'"


def _moves_nothing(events):
    """For each event of a legal sequence, whether it leaves the case in the same state."""
    model = default_model()
    state = model.initial
    still = []
    for e in events:
        target = model.next_state(state, e.activity)
        still.append(target == state)
        state = target
    return still


# Only events that do not move the case can arrive late and still be legal on arrival: a late
# interview would be refused by the model before the event it depends on is inserted.
@settings(max_examples=60, deadline=None)
@given(event_sequences(valid=True, max_size=12), st.data())
def test_late_messages_in_any_arrival_order_equal_the_ordered_replay(events, data):
    stamps = [e.timestamp for e in events]
    assume(len(set(stamps)) == len(stamps))
    movable = [e for e, still in zip(events, _moves_nothing(events), strict=True) if still]
    late = data.draw(st.lists(st.sampled_from(movable), unique=True) if movable else st.just([]))
    late = data.draw(st.permutations(late))
    arrival = [e for e in events if e not in late] + late
    e = Engine(Policy(timezone="Europe/Copenhagen", out_of_order="insert"), rules=ALL_RULES)
    if events:
        assert e.replay(events) == e.replay(arrival)
