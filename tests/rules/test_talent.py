"""The talent-network rule CX501: offering rejected interviewees a place in the network."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings

from cx_rules import Engine, Outcome, Policy
from cx_rules.rules.talent import RULES, TalentPoolOffer
from cx_rules.testing import event, outcomes, run
from cx_rules.testing.strategies import event_sequences

EASTER_2026 = (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6))
SECRET = "Dear Ann, you were not technical enough"


def engine(**policy):
    return Engine(Policy(timezone="Europe/Copenhagen", **policy), rules=[TalentPoolOffer])


def ev(activity, timestamp, **attributes):
    return event("c1", activity, timestamp, **attributes)


def at(text):
    return datetime.fromisoformat(text)


def interviewed_then_rejected(rejected_at, *, reached="interview_held"):
    """An application that reached an interview and was rejected at ``rejected_at``."""
    stream = [
        ev("application_received", "2026-02-02T09:00:00+01:00"),
        ev("interview_scheduled", "2026-02-04T10:00:00+01:00", interview_id="i1"),
    ]
    if reached == "interview_held":
        stream.append(ev("interview_held", "2026-02-10T10:00:00+01:00", interview_id="i1"))
    stream.append(ev("rejected", rejected_at, reason=SECRET))
    return stream


def test_the_module_lists_its_rule():
    assert [r.code for r in RULES] == ["CX501"]


def test_an_offer_the_same_day_passes():
    stream = [
        *interviewed_then_rejected("2026-03-12T10:00:00+01:00"),
        ev("talent_pool_offered", "2026-03-12T10:30:00+01:00", channel="email"),
    ]
    (found,) = run(engine(), stream)
    assert (found.outcome, found.severity.value, found.due, found.evidence, found.message) == (
        Outcome.PASSED,
        "info",
        at("2026-03-19T10:00:00+01:00"),
        (stream[3], stream[4]),
        "talent network offered within 5 business days of the rejection: done at "
        "2026-03-12T10:30:00+01:00",
    )


def test_no_offer_violates_at_the_due_time():
    stream = interviewed_then_rejected("2026-03-12T10:00:00+01:00")
    (found,) = run(engine(), stream, as_of="2026-04-01T00:00:00+02:00")
    assert (found.outcome, found.at, found.evidence, found.message) == (
        Outcome.VIOLATED,
        at("2026-03-19T10:00:00+01:00"),
        (stream[3],),
        "talent network offered within 5 business days of the rejection: not done by "
        "2026-03-19T10:00:00+01:00",
    )
    assert SECRET not in found.message


@pytest.mark.parametrize(
    ("offered", "expected"),
    [("2026-03-19T17:00:00+01:00", ["passed"]), ("2026-03-19T17:01:00+01:00", ["violated"])],
)
def test_exactly_at_the_deadline_is_on_time(offered, expected):
    stream = [
        *interviewed_then_rejected("2026-03-12T17:00:00+01:00"),
        ev("talent_pool_offered", offered),
    ]
    assert outcomes(run(engine(), stream), "CX501") == expected


def test_a_late_offer_is_reported_once():
    stream = [
        *interviewed_then_rejected("2026-03-12T17:00:00+01:00"),
        ev("talent_pool_offered", "2026-03-24T09:00:00+01:00"),
    ]
    found = run(engine(), stream, as_of="2026-05-01T00:00:00+02:00")
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.VIOLATED, at("2026-03-19T17:00:00+01:00"))
    ]


def test_the_weekend_does_not_count():
    # Rejected on a Friday: five business days end the next Friday.
    stream = interviewed_then_rejected("2026-03-06T17:00:00+01:00")
    (found,) = run(engine(), stream, as_of="2026-03-13T17:00:00+01:00")
    assert (found.outcome, found.due) == (Outcome.PENDING, at("2026-03-13T17:00:00+01:00"))


def test_holidays_do_not_count():
    stream = interviewed_then_rejected("2026-04-01T17:00:00+02:00")
    (found,) = run(engine(holidays=EASTER_2026), stream, as_of="2026-04-02T00:00:00+02:00")
    assert found.due == at("2026-04-13T17:00:00+02:00")


def test_danish_holidays_from_the_holidays_package():
    pytest.importorskip("holidays")
    stream = [
        *interviewed_then_rejected("2026-04-01T17:00:00+02:00"),
        ev("talent_pool_offered", "2026-04-13T17:01:00+02:00"),
    ]
    found = run(engine(holiday_country="DK"), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.VIOLATED, at("2026-04-13T17:00:00+02:00"))
    ]


def test_the_deadline_keeps_17_00_across_the_spring_change():
    stream = [
        *interviewed_then_rejected("2026-03-24T17:00:00+01:00"),
        ev("talent_pool_offered", "2026-03-31T17:00:00+02:00"),
    ]
    found = run(engine(), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-03-31T17:00:00+02:00"))
    ]


def test_the_deadline_keeps_17_00_across_the_autumn_change():
    stream = interviewed_then_rejected("2026-10-22T17:00:00+02:00")
    (found,) = run(engine(), stream, as_of="2026-10-23T00:00:00+02:00")
    assert found.due.isoformat() == "2026-10-29T17:00:00+01:00"


def test_joining_straight_away_counts_as_the_offer():
    stream = [
        *interviewed_then_rejected("2026-03-12T10:00:00+01:00"),
        ev("talent_pool_joined", "2026-03-13T10:00:00+01:00", consent=True),
    ]
    assert outcomes(run(engine(), stream), "CX501") == ["passed"]


def test_an_offer_before_the_rejection_counts():
    stream = interviewed_then_rejected("2026-03-12T10:00:00+01:00")
    offer = ev("talent_pool_offered", "2026-03-11T10:00:00+01:00")
    stream.insert(3, offer)
    found = run(engine(), stream, as_of="2026-05-01T00:00:00+02:00")
    assert [(f.outcome, f.evidence) for f in found] == [(Outcome.PASSED, (offer, stream[4]))]
    assert found[0].message == (
        "the talent network was offered (talent_pool_offered at 2026-03-11T10:00:00+01:00) "
        "before the rejection (rejected at 2026-03-12T10:00:00+01:00)"
    )


def test_an_invitation_alone_brings_the_candidate_in_scope():
    stream = interviewed_then_rejected("2026-03-12T10:00:00+01:00", reached="invitation")
    found = run(engine(), stream, as_of="2026-05-01T00:00:00+02:00")
    assert outcomes(found, "CX501") == ["violated"]


def test_a_candidate_rejected_before_any_interview_is_out_of_scope():
    stream = [
        ev("application_received", "2026-03-02T09:00:00+01:00"),
        ev("screening_started", "2026-03-03T09:00:00+01:00"),
        ev("rejected", "2026-03-05T09:00:00+01:00"),
    ]
    assert run(engine(), stream, as_of="2026-05-01T00:00:00+02:00") == []


def test_a_withdrawn_candidate_is_out_of_scope():
    stream = [
        *interviewed_then_rejected("2026-03-12T10:00:00+01:00")[:3],
        ev("withdrawn", "2026-03-12T10:00:00+01:00"),
    ]
    assert run(engine(), stream, as_of="2026-05-01T00:00:00+02:00") == []


def test_deleting_the_data_ends_the_clock():
    stream = [
        *interviewed_then_rejected("2026-03-12T10:00:00+01:00"),
        ev("data_deleted", "2026-03-13T10:00:00+01:00"),
    ]
    assert run(engine(), stream, as_of="2026-05-01T00:00:00+02:00") == []


def test_never_unknown_even_under_a_strict_evidence_policy():
    stream = interviewed_then_rejected("2026-03-12T10:00:00+01:00")
    found = run(engine(missing_evidence="violation"), stream, as_of="2026-03-20T00:00:00+01:00")
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.VIOLATED, None)]


def test_options():
    policy = {
        "CX501": {
            "business_days": 1,
            "reached_by": ["screening_started"],
            "offered_by": ["status_update_sent"],
        }
    }
    stream = [
        ev("application_received", "2026-03-02T09:00:00+01:00"),
        ev("screening_started", "2026-03-03T09:00:00+01:00"),
        ev("rejected", "2026-03-06T09:00:00+01:00"),
        ev("talent_pool_offered", "2026-03-06T10:00:00+01:00"),
        ev("status_update_sent", "2026-03-09T09:00:00+01:00"),
    ]
    found = run(engine(rules=policy), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-03-09T09:00:00+01:00"))
    ]


@settings(max_examples=60)
@given(event_sequences(valid=None, max_size=15))
def test_the_rules_never_fail_on_any_log(stream):
    checked = Engine(Policy(timezone="Europe/Copenhagen"), rules=RULES)
    found = run(checked, stream, as_of=stream[-1].timestamp if stream else None)
    assert [f for f in found if f.code == "CX000"] == []
