"""The experience rules CX402-CX406: transparency, punctuality, pace and rescheduling."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import Engine, Outcome, Policy, PolicyViolation
from cx_rules.rules.experience import (
    RULES,
    DecisionTimeliness,
    InterviewPunctuality,
    ProcessTransparency,
    RescheduleCourtesy,
    TimeToDisposition,
)
from cx_rules.testing import event, findings_of, outcomes, run
from cx_rules.testing.strategies import event_sequences, json_values, timestamps

# Maundy Thursday, Good Friday and Easter Monday 2026 (Danish public holidays).
EASTER_2026 = (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6))
SECRET = "Dear Ann, you were not technical enough"


def engine(rule, **policy):
    return Engine(Policy(timezone="Europe/Copenhagen", **policy), rules=[rule])


def ev(activity, timestamp, **attributes):
    return event("c1", activity, timestamp, **attributes)


def at(text):
    return datetime.fromisoformat(text)


APPLIED = ev("application_received", "2026-03-02T09:00:00+01:00")


def interview(held_at, *, scheduled_at="2026-03-04T10:00:00+01:00", key="i1", **held):
    """Application, invitation and the interview held at ``held_at``."""
    return [
        APPLIED,
        ev("interview_scheduled", scheduled_at, interview_id=key),
        ev("interview_held", held_at, interview_id=key, **held),
    ]


def test_the_module_lists_its_rules_in_code_order():
    assert [r.code for r in RULES] == ["CX401", "CX402", "CX403", "CX404", "CX405", "CX406"]


# -- CX402 process-transparency -----------------------------------------------------------


def test_cx402_process_information_before_the_first_invitation_passes():
    info = ev("process_info_sent", "2026-03-03T10:00:00+01:00", channel="email")
    invite = ev("interview_scheduled", "2026-03-04T10:00:00+01:00", interview_id="i1")
    (found,) = run(engine(ProcessTransparency), [APPLIED, info, invite])
    assert (found.outcome, found.evidence, found.message) == (
        Outcome.PASSED,
        (info, invite),
        "process information (process_info_sent at 2026-03-03T10:00:00+01:00 by email) came "
        "before the first interview invitation (interview_scheduled at "
        "2026-03-04T10:00:00+01:00)",
    )


def test_cx402_an_invitation_without_process_information_violates():
    invite = ev("interview_scheduled", "2026-03-04T10:00:00+01:00", interview_id="i1")
    (found,) = run(engine(ProcessTransparency), [APPLIED, invite])
    assert (found.outcome, found.evidence, found.message, found.at) == (
        Outcome.VIOLATED,
        (invite,),
        "the first interview invitation (interview_scheduled at 2026-03-04T10:00:00+01:00) "
        "was sent before any information about the process",
        invite.timestamp,
    )


def test_cx402_information_after_the_invitation_does_not_repair_it():
    stream = [
        APPLIED,
        ev("interview_scheduled", "2026-03-04T10:00:00+01:00"),
        ev("process_info_sent", "2026-03-04T10:00:00+01:00"),
        ev("interview_scheduled", "2026-03-05T10:00:00+01:00"),
    ]
    assert outcomes(run(engine(ProcessTransparency), stream), "CX402") == ["violated"]


def test_cx402_information_at_the_same_moment_recorded_first_counts():
    stream = [
        APPLIED,
        ev("process_info_sent", "2026-03-04T10:00:00+01:00"),
        ev("interview_scheduled", "2026-03-04T10:00:00+01:00"),
    ]
    assert outcomes(run(engine(ProcessTransparency), stream), "CX402") == ["passed"]


def test_cx402_judges_only_the_first_invitation():
    stream = [
        APPLIED,
        ev("process_info_sent", "2026-03-03T10:00:00+01:00"),
        ev("interview_scheduled", "2026-03-04T10:00:00+01:00", interview_id="i1"),
        ev("interview_scheduled", "2026-03-11T10:00:00+01:00", interview_id="i2"),
    ]
    assert outcomes(run(engine(ProcessTransparency), stream), "CX402") == ["passed"]


def test_cx402_does_not_apply_without_an_invitation():
    stream = [
        APPLIED,
        ev("screening_started", "2026-03-03T10:00:00+01:00"),
        ev("rejected", "2026-03-04T10:00:00+01:00", reason=SECRET),
    ]
    assert run(engine(ProcessTransparency), stream, as_of="2026-06-01T00:00:00+02:00") == []


def test_cx402_never_unknown_even_under_a_strict_evidence_policy():
    # Nothing the rule reads can be missing: the invitation itself is the evidence.
    stream = [APPLIED, ev("interview_scheduled", "2026-03-04T10:00:00+01:00")]
    found = run(engine(ProcessTransparency, missing_evidence="violation"), stream)
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.VIOLATED, None)]


def test_cx402_options_choose_the_activities():
    rule = engine(
        ProcessTransparency,
        rules={"CX402": {"informed_by": ["status_update_sent"]}},
    )
    stream = [
        APPLIED,
        ev("status_update_sent", "2026-03-03T10:00:00+01:00"),
        ev("interview_scheduled", "2026-03-04T10:00:00+01:00"),
    ]
    assert outcomes(run(rule, stream), "CX402") == ["passed"]


# -- CX403 interview-punctuality ----------------------------------------------------------


def scheduled_at_ten(held_at="2026-03-10T11:00:00+01:00", **held):
    return [
        APPLIED,
        ev(
            "interview_scheduled",
            "2026-03-04T10:00:00+01:00",
            interview_id="i1",
            scheduled_for="2026-03-10T10:00:00+01:00",
        ),
        ev("interview_held", held_at, interview_id="i1", **held),
    ]


def test_cx403_an_interview_five_minutes_late_passes():
    stream = scheduled_at_ten(started_at="2026-03-10T10:05:00+01:00")
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.evidence, found.message) == (
        Outcome.PASSED,
        (stream[1], stream[2]),
        "the interview (interview_held at 2026-03-10T11:00:00+01:00) started within 10 "
        "minutes of its scheduled time (5 minutes late)",
    )


def test_cx403_exactly_ten_minutes_late_passes_and_one_more_minute_violates():
    on_time = scheduled_at_ten(started_at="2026-03-10T10:10:00+01:00")
    late = scheduled_at_ten(started_at="2026-03-10T10:11:00+01:00")
    assert outcomes(run(engine(InterviewPunctuality), on_time), "CX403") == ["passed"]
    (found,) = run(engine(InterviewPunctuality), late)
    assert (found.outcome, found.due, found.late, found.message) == (
        Outcome.VIOLATED,
        at("2026-03-10T10:10:00+01:00"),
        timedelta(minutes=1),
        "the interview (interview_held at 2026-03-10T11:00:00+01:00) started 11 minutes "
        "after its scheduled time; at most 10 minutes are allowed",
    )


def test_cx403_an_early_start_passes():
    stream = scheduled_at_ten(started_at="2026-03-10T09:57:00+01:00")
    (found,) = run(engine(InterviewPunctuality), stream)
    assert found.message.endswith("(3 minutes early)")


def test_cx403_recorded_delay_minutes_wins_over_the_times():
    stream = scheduled_at_ten(delay_minutes=11, started_at="2026-03-10T10:00:00+01:00")
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.late, found.due, found.evidence) == (
        Outcome.VIOLATED,
        timedelta(minutes=1),
        None,
        (stream[2],),
    )


@pytest.mark.parametrize(("delay", "expected"), [(10, "passed"), (10.5, "violated"), (0, "passed")])
def test_cx403_delay_minutes_alone_is_enough(delay, expected):
    stream = [*interview("2026-03-10T11:00:00+01:00", delay_minutes=delay)]
    assert outcomes(run(engine(InterviewPunctuality), stream), "CX403") == [expected]


def test_cx403_scheduled_for_on_the_held_event_wins_over_the_history():
    stream = scheduled_at_ten(
        started_at="2026-03-10T14:05:00+01:00", scheduled_for="2026-03-10T14:00:00+01:00"
    )
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.evidence) == (Outcome.PASSED, (stream[2],))


def test_cx403_the_latest_reschedule_of_the_same_interview_sets_the_time():
    stream = [
        *scheduled_at_ten()[:2],
        ev(
            "interview_scheduled",
            "2026-03-04T10:01:00+01:00",
            interview_id="i2",
            scheduled_for="2026-03-12T09:00:00+01:00",
        ),
        ev(
            "interview_rescheduled",
            "2026-03-05T10:00:00+01:00",
            interview_id="i1",
            by="company",
            scheduled_for="2026-03-10T13:00:00+01:00",
        ),
        ev(
            "interview_held",
            "2026-03-10T14:00:00+01:00",
            interview_id="i1",
            started_at="2026-03-10T13:20:00+01:00",
        ),
    ]
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.late, found.evidence) == (
        Outcome.VIOLATED,
        timedelta(minutes=10),
        (stream[3], stream[4]),
    )


def test_cx403_interview_ids_match_as_text():
    stream = [
        APPLIED,
        ev(
            "interview_scheduled",
            "2026-03-04T10:00:00+01:00",
            interview_id=7,
            scheduled_for="2026-03-10T10:00:00+01:00",
        ),
        ev(
            "interview_held",
            "2026-03-10T11:00:00+01:00",
            interview_id="7",
            started_at="2026-03-10T10:02:00+01:00",
        ),
    ]
    assert outcomes(run(engine(InterviewPunctuality), stream), "CX403") == ["passed"]


def test_cx403_times_may_be_datetimes():
    stream = scheduled_at_ten(started_at=at("2026-03-10T09:25:00+00:00"))
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.late) == (Outcome.VIOLATED, timedelta(minutes=15))


def test_cx403_spring_forward_is_measured_in_real_time():
    # 01:55 CET to 03:04 CEST on 2026-03-29 is 9 minutes, though the clock moved 69.
    stream = [
        APPLIED,
        ev(
            "interview_scheduled",
            "2026-03-20T10:00:00+01:00",
            scheduled_for="2026-03-29T01:55:00+01:00",
        ),
        ev("interview_held", "2026-03-29T04:00:00+02:00", started_at="2026-03-29T03:04:00+02:00"),
    ]
    (found,) = run(engine(InterviewPunctuality), stream)
    assert found.message.endswith("(9 minutes late)")


def test_cx403_fall_back_is_measured_in_real_time():
    # 02:55 CEST to the second 02:04 (CET) on 2026-10-25 is 9 minutes, though the clock
    # went back.
    stream = [
        APPLIED,
        ev(
            "interview_scheduled",
            "2026-10-20T10:00:00+02:00",
            scheduled_for="2026-10-25T02:55:00+02:00",
        ),
        ev("interview_held", "2026-10-25T04:00:00+01:00", started_at="2026-10-25T02:04:00+01:00"),
    ]
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.message.endswith("(9 minutes late)")) == (Outcome.PASSED, True)


def test_cx403_without_started_at_is_unknown():
    stream = scheduled_at_ten()
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.missing, found.message) == (
        Outcome.UNKNOWN,
        "started_at",
        "punctuality of the interview (interview_held at 2026-03-10T11:00:00+01:00) cannot "
        "be judged: neither delay_minutes nor a started_at with a time zone is recorded",
    )


def test_cx403_without_any_scheduled_time_is_unknown():
    stream = interview("2026-03-10T11:00:00+01:00", started_at="2026-03-10T10:00:00+01:00")
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.missing, found.evidence) == (
        Outcome.UNKNOWN,
        "scheduled_for",
        (stream[1], stream[2]),
    )


def test_cx403_a_schedule_of_another_interview_is_not_used():
    stream = scheduled_at_ten()
    stream[2] = ev(
        "interview_held",
        "2026-03-10T11:00:00+01:00",
        interview_id="i9",
        started_at="2026-03-10T10:00:00+01:00",
    )
    (found,) = run(engine(InterviewPunctuality), stream)
    assert (found.outcome, found.missing, found.evidence) == (
        Outcome.UNKNOWN,
        "scheduled_for",
        (stream[2],),
    )


@pytest.mark.parametrize(
    ("held", "missing"),
    [
        ({"started_at": "2026-03-10T10:05:00"}, "started_at"),
        ({"started_at": "ten past ten"}, "started_at"),
        ({"started_at": 1000}, "started_at"),
        ({"delay_minutes": "five"}, "delay_minutes"),
        ({"delay_minutes": True}, "delay_minutes"),
    ],
)
def test_cx403_unreadable_values_are_unknown_and_never_quoted(held, missing):
    (found,) = run(engine(InterviewPunctuality), scheduled_at_ten(**held))
    assert (found.outcome, found.missing) == (Outcome.UNKNOWN, missing)
    assert str(held[missing]) not in found.message


def test_cx403_unknown_counts_as_violated_under_a_strict_evidence_policy():
    found = run(engine(InterviewPunctuality, missing_evidence="violation"), scheduled_at_ten())
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.VIOLATED, "started_at")]


def test_cx403_does_not_apply_before_an_interview_is_held():
    stream = scheduled_at_ten()[:2]
    assert run(engine(InterviewPunctuality), stream, as_of="2026-06-01T00:00:00+02:00") == []


def test_cx403_minutes_is_an_option():
    rule = engine(InterviewPunctuality, rules={"CX403": {"minutes": 2}})
    stream = scheduled_at_ten(started_at="2026-03-10T10:03:00+01:00")
    assert outcomes(run(rule, stream), "CX403") == ["violated"]


# -- CX404 decision-timeliness ------------------------------------------------------------


def test_cx404_a_rejection_a_week_after_the_interview_passes():
    stream = [
        *interview("2026-03-10T11:00:00+01:00"),
        ev("rejected", "2026-03-17T14:00:00+01:00"),
    ]
    (found,) = run(engine(DecisionTimeliness), stream)
    assert (found.outcome, found.due, found.evidence, found.message) == (
        Outcome.PASSED,
        at("2026-03-24T11:00:00+01:00"),
        (stream[2], stream[3]),
        "next step after the interview within 10 business days: done at 2026-03-17T14:00:00+01:00",
    )


@pytest.mark.parametrize(
    ("decided", "expected"),
    [("2026-03-24T17:00:00+01:00", ["passed"]), ("2026-03-24T17:01:00+01:00", ["violated"])],
)
def test_cx404_exactly_at_the_deadline_is_on_time(decided, expected):
    stream = [*interview("2026-03-10T17:00:00+01:00"), ev("offer_made", decided)]
    assert outcomes(run(engine(DecisionTimeliness), stream), "CX404") == expected


def test_cx404_an_overdue_decision_is_reported_once_at_its_due_time():
    stream = [
        *interview("2026-03-10T17:00:00+01:00"),
        ev("status_update_sent", "2026-03-26T09:00:00+01:00"),
        ev("rejected", "2026-03-30T10:00:00+02:00"),
    ]
    (found,) = run(engine(DecisionTimeliness), stream, as_of="2026-04-30T00:00:00+02:00")
    assert (found.outcome, found.at, found.due, found.evidence) == (
        Outcome.VIOLATED,
        at("2026-03-24T17:00:00+01:00"),
        at("2026-03-24T17:00:00+01:00"),
        (stream[2],),
    )


def test_cx404_counts_business_days_over_the_weekend():
    # Held on a Friday: ten business days end two Fridays later.
    stream = interview("2026-03-06T17:00:00+01:00")
    (found,) = run(engine(DecisionTimeliness), stream, as_of="2026-03-20T17:00:00+01:00")
    assert (found.outcome, found.due) == (Outcome.PENDING, at("2026-03-20T17:00:00+01:00"))


def test_cx404_skips_holidays():
    stream = interview("2026-04-01T17:00:00+02:00", scheduled_at="2026-03-25T10:00:00+01:00")
    (found,) = run(
        engine(DecisionTimeliness, holidays=EASTER_2026),
        stream,
        as_of="2026-04-01T18:00:00+02:00",
    )
    assert found.due == at("2026-04-20T17:00:00+02:00")


def test_cx404_skips_danish_holidays_from_the_holidays_package():
    pytest.importorskip("holidays")
    stream = [
        *interview("2026-04-01T17:00:00+02:00", scheduled_at="2026-03-25T10:00:00+01:00"),
        ev("rejected", "2026-04-20T17:00:00+02:00"),
    ]
    found = run(engine(DecisionTimeliness, holiday_country="DK"), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-04-20T17:00:00+02:00"))
    ]


def test_cx404_keeps_17_00_across_the_spring_daylight_saving_change():
    stream = [
        *interview("2026-03-20T17:00:00+01:00"),
        ev("rejected", "2026-04-03T17:00:00+02:00"),
    ]
    found = run(engine(DecisionTimeliness), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-04-03T17:00:00+02:00"))
    ]


def test_cx404_keeps_17_00_across_the_autumn_daylight_saving_change():
    stream = [
        *interview("2026-10-16T17:00:00+02:00", scheduled_at="2026-10-01T10:00:00+02:00"),
        ev("rejected", "2026-10-30T17:01:00+01:00"),
    ]
    found = run(engine(DecisionTimeliness), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.VIOLATED, at("2026-10-30T17:00:00+01:00"))
    ]


def test_cx404_a_new_invitation_is_the_next_step():
    stream = [
        *interview("2026-03-10T11:00:00+01:00"),
        ev("interview_scheduled", "2026-03-12T09:00:00+01:00", interview_id="i2"),
    ]
    assert outcomes(run(engine(DecisionTimeliness), stream), "CX404") == ["passed"]


def test_cx404_each_interview_starts_the_clock_again():
    stream = [
        *interview("2026-03-10T11:00:00+01:00"),
        ev("interview_scheduled", "2026-03-12T09:00:00+01:00", interview_id="i2"),
        ev("interview_held", "2026-03-20T11:00:00+01:00", interview_id="i2"),
        ev("offer_made", "2026-04-02T11:00:00+02:00"),
    ]
    found = run(engine(DecisionTimeliness), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-03-24T11:00:00+01:00")),
        (Outcome.PASSED, at("2026-04-03T11:00:00+02:00")),
    ]


def test_cx404_a_repeated_interview_renews_the_clock():
    # Two held interviews with no invitation between them: one obligation, renewed.
    stream = [
        *interview("2026-03-10T11:00:00+01:00", key=None),
        ev("interview_held", "2026-03-17T11:00:00+01:00"),
        ev("rejected", "2026-03-30T11:00:00+02:00"),
    ]
    found = run(engine(DecisionTimeliness), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-03-31T11:00:00+02:00"))
    ]


def test_cx404_an_interview_still_to_come_is_the_next_step():
    stream = [
        APPLIED,
        ev(
            "interview_scheduled",
            "2026-03-04T10:00:00+01:00",
            interview_id="i1",
            scheduled_for="2026-03-10T10:00:00+01:00",
        ),
        ev(
            "interview_scheduled",
            "2026-03-04T10:05:00+01:00",
            interview_id="i2",
            scheduled_for="2026-04-01T10:00:00+02:00",
        ),
        ev("interview_held", "2026-03-10T11:00:00+01:00", interview_id="i1"),
        ev("interview_held", "2026-04-01T11:00:00+02:00", interview_id="i2"),
        ev("rejected", "2026-04-08T11:00:00+02:00"),
    ]
    found = run(engine(DecisionTimeliness), stream)
    assert [(f.outcome, f.evidence[0]) for f in found] == [(Outcome.PASSED, stream[4])]


def test_cx404_a_schedule_whose_time_has_passed_is_not_a_next_step():
    stream = [
        APPLIED,
        ev(
            "interview_scheduled",
            "2026-03-04T10:00:00+01:00",
            interview_id="i2",
            scheduled_for="2026-03-09T10:00:00+01:00",
        ),
        ev("interview_scheduled", "2026-03-04T10:05:00+01:00", interview_id="i1"),
        ev("interview_held", "2026-03-10T11:00:00+01:00", interview_id="i1"),
    ]
    found = run(engine(DecisionTimeliness), stream, as_of="2026-03-30T00:00:00+02:00")
    assert outcomes(found, "CX404") == ["violated"]


@pytest.mark.parametrize("leaving", ["withdrawn", "data_deleted"])
def test_cx404_does_not_apply_once_the_candidate_left(leaving):
    stream = [*interview("2026-03-10T11:00:00+01:00"), ev(leaving, "2026-03-12T11:00:00+01:00")]
    assert run(engine(DecisionTimeliness), stream, as_of="2026-06-01T00:00:00+02:00") == []


def test_cx404_does_not_apply_without_a_held_interview():
    stream = [APPLIED, ev("rejected", "2026-03-30T11:00:00+02:00")]
    assert run(engine(DecisionTimeliness), stream, as_of="2026-06-01T00:00:00+02:00") == []


def test_cx404_never_unknown_even_with_bare_events():
    stream = [
        APPLIED,
        ev("interview_scheduled", "2026-03-04T10:00:00+01:00"),
        ev("interview_held", "2026-03-10T11:00:00+01:00"),
    ]
    found = run(
        engine(DecisionTimeliness, missing_evidence="violation"),
        stream,
        as_of="2026-03-11T00:00:00+01:00",
    )
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.PENDING, None)]


def test_cx404_business_days_and_next_steps_are_options():
    rule = engine(
        DecisionTimeliness,
        rules={"CX404": {"business_days": 2, "next_steps": ["status_update_sent"]}},
    )
    stream = [
        *interview("2026-03-10T11:00:00+01:00"),
        ev("status_update_sent", "2026-03-12T11:00:00+01:00"),
    ]
    found = run(rule, stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.PASSED, at("2026-03-12T11:00:00+01:00"))
    ]


def test_cx404_is_an_error_by_default():
    assert engine(DecisionTimeliness).severity("CX404").value == "error"


# -- CX405 time-to-disposition ------------------------------------------------------------


def test_cx405_screening_within_two_weeks_passes():
    stream = [APPLIED, ev("screening_started", "2026-03-05T13:00:00+01:00")]
    (found,) = run(engine(TimeToDisposition), stream)
    assert (found.outcome, found.due, found.message) == (
        Outcome.PASSED,
        at("2026-03-16T09:00:00+01:00"),
        "first decision on the application within 14 days: done at 2026-03-05T13:00:00+01:00",
    )


@pytest.mark.parametrize(
    ("decided", "expected"),
    [("2026-03-16T17:00:00+01:00", ["passed"]), ("2026-03-16T17:01:00+01:00", ["violated"])],
)
def test_cx405_exactly_at_the_deadline_is_on_time(decided, expected):
    stream = [
        ev("application_received", "2026-03-02T17:00:00+01:00"),
        ev("rejected", decided, reason=SECRET),
    ]
    found = run(engine(TimeToDisposition), stream)
    assert outcomes(found, "CX405") == expected
    assert all(SECRET not in f.message for f in found)


def test_cx405_weekends_and_holidays_count_as_days():
    # Calendar days: a deadline on Good Friday stays there, holiday or not.
    stream = [
        ev("application_received", "2026-03-20T17:00:00+01:00"),
        ev("screening_started", "2026-04-03T17:01:00+02:00"),
    ]
    found = run(engine(TimeToDisposition, holidays=EASTER_2026), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.VIOLATED, at("2026-04-03T17:00:00+02:00"))
    ]


def test_cx405_a_saturday_application_is_due_two_saturdays_later():
    stream = [
        ev("application_received", "2026-03-07T10:00:00+01:00"),
        ev("screening_started", "2026-03-23T08:00:00+01:00"),
    ]
    found = run(engine(TimeToDisposition), stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.VIOLATED, at("2026-03-21T10:00:00+01:00"))
    ]


def test_cx405_keeps_the_wall_clock_across_the_autumn_change():
    stream = [ev("application_received", "2026-10-20T09:00:00+02:00")]
    (found,) = run(engine(TimeToDisposition), stream, as_of="2026-10-21T00:00:00+02:00")
    assert (found.outcome, found.due.isoformat()) == (Outcome.PENDING, "2026-11-03T09:00:00+01:00")


@pytest.mark.parametrize("decision", ["interview_scheduled", "rejected"])
def test_cx405_an_invitation_or_a_rejection_is_a_decision(decision):
    stream = [APPLIED, ev(decision, "2026-03-06T13:00:00+01:00")]
    assert outcomes(run(engine(TimeToDisposition), stream), "CX405") == ["passed"]


def test_cx405_only_the_first_decision_is_judged():
    stream = [
        APPLIED,
        ev("screening_started", "2026-03-05T13:00:00+01:00"),
        ev("interview_scheduled", "2026-04-06T13:00:00+02:00"),
    ]
    assert outcomes(run(engine(TimeToDisposition), stream), "CX405") == ["passed"]


@pytest.mark.parametrize("leaving", ["withdrawn", "data_deleted"])
def test_cx405_does_not_apply_when_the_candidate_leaves_first(leaving):
    stream = [APPLIED, ev(leaving, "2026-03-05T13:00:00+01:00")]
    assert run(engine(TimeToDisposition), stream, as_of="2026-06-01T00:00:00+02:00") == []


def test_cx405_never_unknown_even_under_a_strict_evidence_policy():
    found = run(
        engine(TimeToDisposition, missing_evidence="violation"),
        [APPLIED],
        as_of="2026-03-17T00:00:00+01:00",
    )
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.VIOLATED, None)]


def test_cx405_options():
    rule = engine(TimeToDisposition, rules={"CX405": {"days": 3, "decided_by": ["rejected"]}})
    stream = [
        APPLIED,
        ev("screening_started", "2026-03-03T13:00:00+01:00"),
        ev("rejected", "2026-03-05T10:00:00+01:00"),
    ]
    found = run(rule, stream)
    assert [(f.outcome, f.due) for f in found] == [
        (Outcome.VIOLATED, at("2026-03-05T09:00:00+01:00"))
    ]


# -- CX406 reschedule-courtesy ------------------------------------------------------------


def moved(timestamp, by="company", key="i1", **attributes):
    return ev("interview_rescheduled", timestamp, interview_id=key, by=by, **attributes)


def set_for(scheduled_for, key="i1", timestamp="2026-03-04T10:00:00+01:00"):
    return [
        APPLIED,
        ev("interview_scheduled", timestamp, interview_id=key, scheduled_for=scheduled_for),
    ]


def test_cx406_a_move_days_ahead_passes():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-06T09:00:00+01:00")]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert (found.outcome, found.evidence, found.message) == (
        Outcome.PASSED,
        (stream[1], stream[2]),
        "the company moved the interview set for 2026-03-10T10:00:00+01:00 with 4d 1h notice, "
        "move 1 of at most 1",
    )


def test_cx406_a_move_two_hours_ahead_violates():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-10T08:00:00+01:00")]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert (found.outcome, found.due, found.late, found.message) == (
        Outcome.VIOLATED,
        at("2026-03-09T10:00:00+01:00"),
        None,  # the move breaks the rule, it is not a late reply: enforce may refuse it
        "the company moved the interview set for 2026-03-10T10:00:00+01:00 with 2h notice "
        "(interview_rescheduled at 2026-03-10T08:00:00+01:00); at least 24 hours' notice is "
        "expected",
    )


@pytest.mark.parametrize(
    ("when", "expected"),
    [("2026-03-09T17:00:00+01:00", ["passed"]), ("2026-03-09T17:01:00+01:00", ["violated"])],
)
def test_cx406_exactly_24_hours_is_enough_notice(when, expected):
    stream = [*set_for("2026-03-10T17:00:00+01:00"), moved(when)]
    assert outcomes(run(engine(RescheduleCourtesy), stream), "CX406") == expected


def test_cx406_notice_is_real_time_across_the_spring_change():
    # 11:00 CET on Saturday to 12:00 CEST on Sunday 2026-03-29 is 24 real hours.
    enough = [*set_for("2026-03-29T12:00:00+02:00"), moved("2026-03-28T11:00:00+01:00")]
    # 11:30 CET looks 24.5 hours away on the clock but is only 23.5 hours.
    short = [*set_for("2026-03-29T12:00:00+02:00"), moved("2026-03-28T11:30:00+01:00")]
    assert outcomes(run(engine(RescheduleCourtesy), enough), "CX406") == ["passed"]
    (found,) = run(engine(RescheduleCourtesy), short)
    assert (found.outcome, found.at - found.due) == (Outcome.VIOLATED, timedelta(minutes=30))


def test_cx406_an_enforced_policy_refuses_a_short_notice_move():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-10T08:00:00+01:00")]
    guard = Engine(Policy(enforce=("CX406",)), rules=[RescheduleCourtesy])
    case = guard.replay(stream[:-1]).case
    with pytest.raises(PolicyViolation) as info:
        guard.record(case, stream[-1])
    assert [f.code for f in info.value.findings] == ["CX406"]


def test_cx406_a_move_after_the_time_has_come_violates():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-10T10:30:00+01:00")]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert found.message == (
        "the company moved the interview set for 2026-03-10T10:00:00+01:00 only when that time "
        "had come (interview_rescheduled at 2026-03-10T10:30:00+01:00); at least 24 hours' "
        "notice is expected"
    )


def test_cx406_a_second_company_move_violates_even_with_notice():
    first = moved("2026-03-05T09:00:00+01:00", scheduled_for="2026-03-11T10:00:00+01:00")
    second = moved("2026-03-06T09:00:00+01:00", scheduled_for="2026-03-12T10:00:00+01:00")
    stream = [*set_for("2026-03-10T10:00:00+01:00"), first, second]
    found = run(engine(RescheduleCourtesy), stream)
    assert [(f.outcome, f.evidence) for f in found] == [
        (Outcome.PASSED, (stream[1], first)),
        (Outcome.VIOLATED, (first, second)),
    ]
    assert found[1].message == (
        "the company moved the same interview 2 times (interview_rescheduled at "
        "2026-03-06T09:00:00+01:00); at most 1 allowed"
    )


def test_cx406_candidate_moves_do_not_count_against_the_company():
    stream = [
        *set_for("2026-03-10T10:00:00+01:00"),
        moved(
            "2026-03-05T09:00:00+01:00", by="candidate", scheduled_for="2026-03-11T10:00:00+01:00"
        ),
        moved("2026-03-06T09:00:00+01:00", scheduled_for="2026-03-12T10:00:00+01:00"),
    ]
    found = run(engine(RescheduleCourtesy), stream)
    assert [(f.outcome, f.evidence) for f in found] == [(Outcome.PASSED, (stream[2], stream[3]))]


def test_cx406_moves_of_other_interviews_do_not_count():
    stream = [
        *set_for("2026-03-10T10:00:00+01:00"),
        ev(
            "interview_scheduled",
            "2026-03-04T10:00:00+01:00",
            interview_id="i2",
            scheduled_for="2026-03-17T10:00:00+01:00",
        ),
        moved("2026-03-05T09:00:00+01:00", key="i2"),
        moved("2026-03-06T09:00:00+01:00"),
    ]
    assert outcomes(run(engine(RescheduleCourtesy), stream), "CX406") == ["passed", "passed"]


def test_cx406_a_move_by_the_candidate_is_not_judged():
    stream = [
        *set_for("2026-03-10T10:00:00+01:00"),
        moved("2026-03-10T08:00:00+01:00", "candidate"),
    ]
    assert run(engine(RescheduleCourtesy), stream) == []


def test_cx406_without_by_is_unknown():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-10T08:00:00+01:00", None)]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert (found.outcome, found.missing, found.message) == (
        Outcome.UNKNOWN,
        "by",
        "the reschedule (interview_rescheduled at 2026-03-10T08:00:00+01:00) cannot be judged: "
        "by does not record who moved the interview (expected one of company, candidate)",
    )


def test_cx406_an_unrecognised_by_is_unknown_and_not_quoted():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-10T08:00:00+01:00", SECRET)]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert (found.outcome, found.missing, SECRET in found.message) == (Outcome.UNKNOWN, "by", False)


def test_cx406_without_the_previous_time_the_notice_is_unknown():
    stream = [
        APPLIED,
        ev("interview_scheduled", "2026-03-04T10:00:00+01:00", interview_id="i1"),
        moved("2026-03-10T08:00:00+01:00"),
    ]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert (found.outcome, found.missing, found.evidence) == (
        Outcome.UNKNOWN,
        "scheduled_for",
        (stream[1], stream[2]),
    )


def test_cx406_without_a_previous_schedule_the_notice_is_unknown():
    stream = [*set_for("2026-03-10T10:00:00+01:00", key="i2"), moved("2026-03-10T08:00:00+01:00")]
    (found,) = run(engine(RescheduleCourtesy), stream)
    assert (found.outcome, found.missing, found.evidence) == (
        Outcome.UNKNOWN,
        "scheduled_for",
        (stream[2],),
    )


def test_cx406_unknown_counts_as_violated_under_a_strict_evidence_policy():
    stream = [*set_for("2026-03-10T10:00:00+01:00"), moved("2026-03-10T08:00:00+01:00", None)]
    found = run(engine(RescheduleCourtesy, missing_evidence="violation"), stream)
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.VIOLATED, "by")]


def test_cx406_does_not_apply_without_a_reschedule():
    stream = set_for("2026-03-10T10:00:00+01:00")
    assert run(engine(RescheduleCourtesy), stream, as_of="2026-06-01T00:00:00+02:00") == []


def test_cx406_options():
    rule = engine(
        RescheduleCourtesy,
        rules={
            "CX406": {
                "notice_hours": 48,
                "max_moves": 2,
                "company": ["recruiter"],
                "candidate": ["applicant"],
            }
        },
    )
    stream = [
        *set_for("2026-03-10T10:00:00+01:00"),
        moved("2026-03-07T09:00:00+01:00", "recruiter", scheduled_for="2026-03-11T10:00:00+01:00"),
        moved("2026-03-08T09:00:00+01:00", "recruiter", scheduled_for="2026-03-12T10:00:00+01:00"),
        moved("2026-03-08T10:00:00+01:00", "applicant"),
        moved("2026-03-08T11:00:00+01:00", "company"),
    ]
    assert outcomes(run(rule, stream), "CX406") == ["passed", "passed", "unknown"]


def test_no_experience_message_quotes_message_text():
    stream = [
        APPLIED,
        ev("process_info_sent", "2026-03-03T10:00:00+01:00", text=SECRET),
        ev(
            "interview_scheduled",
            "2026-03-04T10:00:00+01:00",
            interview_id="i1",
            scheduled_for="2026-03-10T10:00:00+01:00",
            text=SECRET,
        ),
        moved("2026-03-10T08:00:00+01:00", text=SECRET),
        ev("interview_held", "2026-03-11T11:00:00+01:00", interview_id="i1", text=SECRET),
        ev("rejected", "2026-04-30T11:00:00+02:00", reason=SECRET, text=SECRET),
    ]
    found = run(Engine(Policy(timezone="Europe/Copenhagen"), rules=RULES), stream)
    assert len(found) >= 6
    assert [f.message for f in found if SECRET in f.message] == []
    assert Outcome.PASSED in {f.outcome for f in findings_of(found, "CX402")}


# -- robustness ---------------------------------------------------------------------------

MOMENTS = st.one_of(
    timestamps().map(datetime.isoformat), timestamps(), json_values, st.just("2026-03-10T10:00")
)


@st.composite
def interview_logs(draw):
    """Generated cases whose events may carry the times the interview rules read."""
    stream = draw(event_sequences(valid=None, max_size=15))
    return [
        attrs.evolve(
            e,
            attributes={
                **e.attributes,
                **draw(st.dictionaries(st.sampled_from(["scheduled_for", "started_at"]), MOMENTS)),
            },
        )
        for e in stream
    ]


@settings(max_examples=60)
@given(interview_logs())
def test_the_experience_rules_never_fail_on_any_log(stream):
    checked = Engine(Policy(timezone="Europe/Copenhagen"), rules=RULES)
    found = run(checked, stream, as_of=stream[-1].timestamp if stream else None)
    assert [f for f in found if f.code == "CX000"] == []
