"""CX101-CX105: reasons, personal rejections, answered questions, no ghosting, one rejection."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from cx_rules import Engine, Policy
from cx_rules.events import Event
from cx_rules.model import default_model
from cx_rules.rule import Rule
from cx_rules.rules.communication import (
    RULES,
    NoGhosting,
    PersonalRejection,
    QuestionsAnswered,
    RejectionReason,
    SingleRejection,
)
from cx_rules.rules.process import IllegalTransition
from cx_rules.testing import events, findings_of, outcomes, run
from rulekit import CPH, engine, ev, only

APPLIED = ev("application_received", "2026-02-16T09:00:00+01:00")
INTERVIEWS = [
    ev("interview_scheduled", "2026-02-17T10:00:00+01:00", channel="email"),
    ev("interview_held", "2026-02-20T10:00:00+01:00", channel="meeting"),
    ev("interview_held", "2026-02-26T13:00:00+01:00", channel="video"),
]

# -- the documented examples -------------------------------------------------------------------

EXAMPLES = {
    "CX101": (["passed"], ["violated"]),
    "CX102": (["passed"], ["violated"]),
    "CX103": (["passed"], ["violated"]),
    "CX104": (["passed", "passed", "passed"], ["passed", "violated"]),
    "CX105": (["passed"], ["violated"]),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_examples_pass_and_violate(rule: type[Rule]) -> None:
    eng = engine(rule)
    results = []
    for lines in (rule.passing, rule.violating):
        stream = events(*lines)
        results.append(outcomes(run(eng, stream, as_of=stream[-1].timestamp), rule.code))
    assert EXAMPLES[rule.code] == tuple(results)


# -- CX101 rejection-reason --------------------------------------------------------------------


def test_cx101_a_recorded_reason_passes_without_being_quoted() -> None:
    found = run(
        engine(RejectionReason),
        [APPLIED, ev("rejected", "2026-02-18T10:00:00+01:00", reason="weak Rust on the test")],
    )
    finding = only(found, "CX101")
    assert (
        finding.outcome.value,
        finding.message,
    ) == ("passed", "rejection on 2026-02-18 records a reason")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_cx101_an_absent_or_blank_reason_is_a_violation_not_unknown(reason: str | None) -> None:
    attributes = {} if reason is None else {"reason": reason}
    found = run(
        engine(RejectionReason),
        [APPLIED, ev("rejected", "2026-02-18T10:00:00+01:00", **attributes)],
    )
    finding = only(found, "CX101")
    assert (
        finding.outcome.value,
        finding.message,
        finding.missing,
    ) == ("violated", "rejected on 2026-02-18 without a recorded reason", None)


@pytest.mark.parametrize("reason", ["n/a", " N/A ", "-", "TBD", "none", "?"])
def test_cx101_a_placeholder_reason_is_a_violation(reason: str) -> None:
    found = run(
        engine(RejectionReason),
        [APPLIED, ev("rejected", "2026-02-18T10:00:00+01:00", reason=reason)],
    )
    finding = only(found, "CX101")
    assert (finding.outcome.value, finding.message, finding.missing) == (
        "violated",
        "rejected on 2026-02-18 with a placeholder for a reason",
        None,
    )


@pytest.mark.parametrize("reason", ["not a fit", "Nonetheless strong; role closed", 3])
def test_cx101_a_reason_that_only_looks_like_a_placeholder_passes(reason: object) -> None:
    found = run(
        engine(RejectionReason),
        [APPLIED, ev("rejected", "2026-02-18T10:00:00+01:00", reason=reason)],
    )
    assert outcomes(found, "CX101") == ["passed"]


def test_cx101_stays_a_violation_when_missing_evidence_counts_as_violation() -> None:
    found = run(
        engine(RejectionReason, missing_evidence="violation"),
        [APPLIED, ev("rejected", "2026-02-18T10:00:00+01:00")],
    )
    assert outcomes(found, "CX101") == ["violated"]


def test_cx101_does_not_apply_without_a_rejection() -> None:
    found = run(
        engine(RejectionReason),
        [APPLIED, ev("withdrawn", "2026-02-18T10:00:00+01:00")],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert findings_of(found, "CX101") == []


def test_cx101_uses_the_policy_time_zone_for_the_date() -> None:
    # 23:30 UTC on 2 March is 00:30 on 3 March in Copenhagen.
    found = run(engine(RejectionReason), [APPLIED, ev("rejected", "2026-03-02T23:30:00+00:00")])
    assert only(found, "CX101").message == "rejected on 2026-03-03 without a recorded reason"


# -- CX102 personal-rejection ------------------------------------------------------------------


def test_cx102_an_emailed_rejection_after_interviews_is_a_violation() -> None:
    rejection = ev("rejected", "2026-03-02T15:00:00+01:00", channel="email", reason="fit")
    found = run(engine(PersonalRejection), [APPLIED, *INTERVIEWS, rejection])
    finding = only(found, "CX102")
    assert (
        "violated",
        "rejected by email on 2026-03-02 after 2 interviews (last 2026-02-26); policy requires "
        "phone, video or meeting",
        (INTERVIEWS[1], INTERVIEWS[2], rejection),
    ) == (finding.outcome.value, finding.message, finding.evidence)


@pytest.mark.parametrize("channel", ["phone", "video", "meeting"])
def test_cx102_a_personal_channel_passes(channel: str) -> None:
    found = run(
        engine(PersonalRejection),
        [APPLIED, *INTERVIEWS, ev("rejected", "2026-03-02T15:00:00+01:00", channel=channel)],
    )
    finding = only(found, "CX102")
    assert (
        "passed",
        f"rejected by {channel} on 2026-03-02 after 2 interviews (last 2026-02-26)",
    ) == (finding.outcome.value, finding.message)


@pytest.mark.parametrize("channel", ["letter", "portal", "sms", "carrier pigeon"])
def test_cx102_every_other_channel_is_a_violation(channel: str) -> None:
    found = run(
        engine(PersonalRejection),
        [APPLIED, *INTERVIEWS, ev("rejected", "2026-03-02T15:00:00+01:00", channel=channel)],
    )
    assert outcomes(found, "CX102") == ["violated"]


def test_cx102_no_channel_is_unknown() -> None:
    found = run(
        engine(PersonalRejection),
        [APPLIED, *INTERVIEWS, ev("rejected", "2026-03-02T15:00:00+01:00")],
    )
    finding = only(found, "CX102")
    assert (finding.outcome.value, finding.missing, finding.message) == (
        "unknown",
        "channel",
        "rejected on 2026-03-02 after 2 interviews (last 2026-02-26); the channel is not recorded",
    )


def test_cx102_does_not_apply_before_an_interview() -> None:
    found = run(
        engine(PersonalRejection),
        [APPLIED, INTERVIEWS[0], ev("rejected", "2026-03-02T15:00:00+01:00", channel="email")],
    )
    assert findings_of(found, "CX102") == []


def test_cx102_options_set_the_interviews_and_the_channels() -> None:
    one = [APPLIED, *INTERVIEWS[:2], ev("rejected", "2026-03-02T15:00:00+01:00", channel="email")]
    two = [APPLIED, *INTERVIEWS, ev("rejected", "2026-03-02T15:00:00+01:00", channel="phone")]
    strict = engine(PersonalRejection, min_interviews=2, personal_channels=["meeting"])
    assert (
        findings_of(run(strict, one), "CX102"),
        only(run(strict, two), "CX102").message,
    ) == (
        [],
        "rejected by phone on 2026-03-02 after 2 interviews (last 2026-02-26); policy "
        "requires meeting",
    )


# -- CX103 questions-answered ------------------------------------------------------------------


def asked(timestamp: str, **attributes: object) -> Event:
    return ev("question_received", timestamp, channel="email", **attributes)


def answered(timestamp: str, **attributes: object) -> Event:
    return ev("question_answered", timestamp, channel="email", **attributes)


@pytest.mark.parametrize(
    ("question", "due", "holidays"),
    [
        # Monday 17:00 -> Wednesday 17:00.
        ("2026-03-02T17:00:00+01:00", "2026-03-04T17:00:00+01:00", ()),
        # Friday -> Tuesday, across the weekend.
        ("2026-03-06T17:00:00+01:00", "2026-03-10T17:00:00+01:00", ()),
        # Friday -> Wednesday when Monday is a holiday.
        ("2026-03-06T17:00:00+01:00", "2026-03-11T17:00:00+01:00", (date(2026, 3, 9),)),
        # Across the spring daylight-saving change (Sunday 29 March): still 17:00 local.
        ("2026-03-27T17:00:00+01:00", "2026-03-31T17:00:00+02:00", ()),
        # Across the autumn change (Sunday 25 October).
        ("2026-10-23T17:00:00+02:00", "2026-10-27T17:00:00+01:00", ()),
    ],
)
def test_cx103_an_answer_at_the_due_time_is_on_time_and_a_minute_later_is_late(
    question: str, due: str, holidays: tuple[date, ...]
) -> None:
    eng = engine(QuestionsAnswered, holidays=holidays)
    start = [APPLIED, asked(question, question_id="q1")]
    late_at = (datetime.fromisoformat(due) + timedelta(minutes=1)).isoformat()
    on_time = only(run(eng, [*start, answered(due, question_id="q1")]), "CX103")
    late = only(run(eng, [*start, answered(late_at, question_id="q1")]), "CX103")
    assert (
        ("passed", datetime.fromisoformat(due), None),
        ("violated", datetime.fromisoformat(due), timedelta(minutes=1)),
    ) == (
        (on_time.outcome.value, on_time.due, on_time.late),
        (late.outcome.value, late.due, late.late),
    )


def test_cx103_an_unanswered_question_is_violated_when_due_and_pending_before() -> None:
    stream = [APPLIED, asked("2026-03-02T17:00:00+01:00", question_id="q1")]
    eng = engine(QuestionsAnswered)
    before = only(run(eng, stream, as_of="2026-03-04T17:00:00+01:00"), "CX103")
    after = only(run(eng, stream, as_of="2026-03-04T17:01:00+01:00"), "CX103")
    assert ((before.outcome.value, before.message), (after.outcome.value, after.message)) == (
        (
            "pending",
            "question q1 answered within 2 business days: not yet due "
            "(due 2026-03-04T17:00:00+01:00)",
        ),
        (
            "violated",
            "question q1 answered within 2 business days: not done by 2026-03-04T17:00:00+01:00",
        ),
    )


def test_cx103_answers_are_matched_by_question_id() -> None:
    found = run(
        engine(QuestionsAnswered),
        [
            APPLIED,
            asked("2026-03-02T09:00:00+01:00", question_id="q1"),
            asked("2026-03-03T09:00:00+01:00", question_id="q2"),
            answered("2026-03-03T10:00:00+01:00", question_id="q2"),
            answered("2026-03-04T09:00:00+01:00", question_id="q1"),
        ],
    )
    assert [(f.outcome.value, f.message) for f in findings_of(found, "CX103")] == [
        (
            "passed",
            "question q2 answered within 2 business days: done at 2026-03-03T10:00:00+01:00",
        ),
        (
            "passed",
            "question q1 answered within 2 business days: done at 2026-03-04T09:00:00+01:00",
        ),
    ]


def test_cx103_without_question_ids_the_oldest_open_question_is_answered_first() -> None:
    found = run(
        engine(QuestionsAnswered),
        [
            APPLIED,
            asked("2026-03-02T09:00:00+01:00"),
            asked("2026-03-04T09:00:00+01:00"),
            answered("2026-03-05T10:00:00+01:00"),  # the first question: due Wednesday 09:00
            answered("2026-03-05T11:00:00+01:00"),  # the second: due Friday 09:00
        ],
    )
    assert [(f.outcome.value, f.message) for f in findings_of(found, "CX103")] == [
        (
            "violated",
            "question 1 (no question_id) answered within 2 business days: done 1d 1h "
            "late (due 2026-03-04T09:00:00+01:00, done 2026-03-05T10:00:00+01:00)",
        ),
        (
            "passed",
            "question 2 (no question_id) answered within 2 business days: done at "
            "2026-03-05T11:00:00+01:00",
        ),
    ]


def test_cx103_an_answer_to_an_unknown_id_answers_the_oldest_question_without_one() -> None:
    found = run(
        engine(QuestionsAnswered),
        [
            APPLIED,
            asked("2026-03-02T09:00:00+01:00", question_id="q1"),
            asked("2026-03-02T10:00:00+01:00"),
            answered("2026-03-03T10:00:00+01:00", question_id="q9"),
        ],
        as_of="2026-03-03T12:00:00+01:00",
    )
    assert [(f.outcome.value, f.message) for f in findings_of(found, "CX103")] == [
        (
            "passed",
            "question 2 (no question_id) answered within 2 business days: done at "
            "2026-03-03T10:00:00+01:00",
        ),
        (
            "pending",
            "question q1 answered within 2 business days: not yet due "
            "(due 2026-03-04T09:00:00+01:00)",
        ),
    ]


def test_cx103_asking_again_keeps_the_first_deadline() -> None:
    found = run(
        engine(QuestionsAnswered),
        [
            APPLIED,
            asked("2026-03-02T09:00:00+01:00", question_id="q1"),
            asked("2026-03-03T09:00:00+01:00", question_id="q1"),
            answered("2026-03-04T12:00:00+01:00", question_id="q1"),
        ],
    )
    assert [datetime.fromisoformat("2026-03-04T09:00:00+01:00")] == [
        f.due for f in findings_of(found, "CX103")
    ]


def test_cx103_does_not_apply_without_questions() -> None:
    found = run(
        engine(QuestionsAnswered),
        [APPLIED, answered("2026-03-03T10:00:00+01:00", question_id="q1")],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert findings_of(found, "CX103") == []


def test_cx103_deleting_the_data_ends_an_open_question_but_reports_an_overdue_one() -> None:
    question = asked("2026-03-02T17:00:00+01:00", question_id="q1")
    eng = engine(QuestionsAnswered)
    in_time = run(
        eng,
        [APPLIED, question, ev("data_deleted", "2026-03-03T09:00:00+01:00")],
        as_of="2026-06-01T00:00:00+02:00",
    )
    deleted = ev("data_deleted", "2026-03-05T17:00:00+01:00")
    overdue = only(run(eng, [APPLIED, question, deleted]), "CX103")
    assert (
        [],
        (
            "violated",
            "question q1 answered within 2 business days: not done by 2026-03-04T17:00:00+01:00",
            (question,),
            None,
        ),
    ) == (
        findings_of(in_time, "CX103"),
        (overdue.outcome.value, overdue.message, overdue.evidence, overdue.late),
    )


def test_cx103_questions_after_the_rejection_are_still_owed_an_answer() -> None:
    found = run(
        engine(QuestionsAnswered, business_days=1),
        [
            APPLIED,
            ev("rejected", "2026-03-02T09:00:00+01:00", channel="email"),
            asked("2026-03-02T12:00:00+01:00", question_id="why"),
        ],
        as_of="2026-03-04T00:00:00+01:00",
    )
    assert outcomes(found, "CX103") == ["violated"]


# -- CX104 no-ghosting -------------------------------------------------------------------------


def test_cx104_every_contact_restarts_the_clock() -> None:
    found = run(
        engine(NoGhosting),
        [
            ev("application_received", "2026-03-02T09:00:00+01:00"),
            ev("application_acknowledged", "2026-03-02T10:00:00+01:00", channel="email"),
            ev("screening_started", "2026-03-10T10:00:00+01:00"),
            ev("status_update_sent", "2026-03-16T10:00:00+01:00", channel="email"),
        ],
        as_of="2026-03-20T10:00:00+01:00",
    )
    assert [
        ("passed", datetime.fromisoformat("2026-03-16T09:00:00+01:00")),
        ("passed", datetime.fromisoformat("2026-03-16T10:00:00+01:00")),
        ("pending", datetime.fromisoformat("2026-03-30T10:00:00+02:00")),
    ] == [(f.outcome.value, f.due) for f in findings_of(found, "CX104")]


@pytest.mark.parametrize(
    ("start", "due", "holidays"),
    [
        ("2026-03-02T17:00:00+01:00", "2026-03-16T17:00:00+01:00", ()),
        # Calendar days: weekends and holidays do not move the deadline.
        ("2026-03-06T17:00:00+01:00", "2026-03-20T17:00:00+01:00", (date(2026, 3, 9),)),
        # The spring change: 17:00 local, 13 days and 23 hours later.
        ("2026-03-20T17:00:00+01:00", "2026-04-03T17:00:00+02:00", ()),
        # The autumn change: 17:00 local, 14 days and 1 hour later.
        ("2026-10-20T17:00:00+02:00", "2026-11-03T17:00:00+01:00", ()),
    ],
)
def test_cx104_contact_at_the_due_time_is_on_time_and_a_minute_later_is_late(
    start: str, due: str, holidays: tuple[date, ...]
) -> None:
    eng = engine(NoGhosting, holidays=holidays)
    applied = ev("application_received", start)
    late_at = (datetime.fromisoformat(due) + timedelta(minutes=1)).isoformat()
    on_time = only(run(eng, [applied, ev("status_update_sent", due)]), "CX104")
    late = only(run(eng, [applied, ev("status_update_sent", late_at)]), "CX104")
    assert (
        ("passed", datetime.fromisoformat(due), None),
        ("violated", datetime.fromisoformat(due), timedelta(minutes=1)),
    ) == (
        (on_time.outcome.value, on_time.due, on_time.late),
        (late.outcome.value, late.due, late.late),
    )


def test_cx104_silence_is_a_violation_at_the_due_time() -> None:
    applied = ev("application_received", "2026-03-02T09:00:00+01:00")
    found = run(engine(NoGhosting), [applied], as_of="2026-03-20T00:00:00+01:00")
    finding = only(found, "CX104")
    assert (
        "violated",
        "candidate contacted within 14 days of the last contact: not done by "
        "2026-03-16T09:00:00+01:00",
        datetime.fromisoformat("2026-03-16T09:00:00+01:00"),
        (applied,),
    ) == (finding.outcome.value, finding.message, finding.at, finding.evidence)


def test_cx104_after_a_reported_gap_the_next_contact_starts_a_new_one() -> None:
    found = run(
        engine(NoGhosting),
        [
            ev("application_received", "2026-03-02T09:00:00+01:00"),
            ev("screening_started", "2026-03-18T09:00:00+01:00"),  # the gap expires here
            ev("status_update_sent", "2026-03-20T09:00:00+01:00"),  # nothing new to report
        ],
        as_of="2026-04-04T00:00:00+02:00",
    )
    assert [
        ("violated", datetime.fromisoformat("2026-03-16T09:00:00+01:00")),
        ("violated", datetime.fromisoformat("2026-04-03T09:00:00+02:00")),
    ] == [(f.outcome.value, f.due) for f in findings_of(found, "CX104")]


@pytest.mark.parametrize(
    "closing",
    [
        ev("withdrawn", "2026-03-05T09:00:00+01:00"),
        ev("data_deleted", "2026-03-05T09:00:00+01:00"),
    ],
)
def test_cx104_closing_the_case_stops_the_clock(closing: Event) -> None:
    found = run(
        engine(NoGhosting),
        [ev("application_received", "2026-03-02T09:00:00+01:00"), closing],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert findings_of(found, "CX104") == []


def test_cx104_after_the_rejection_later_messages_do_not_restart_the_clock() -> None:
    found = run(
        engine(NoGhosting),
        [
            ev("application_received", "2026-03-02T09:00:00+01:00"),
            ev("rejected", "2026-03-04T09:00:00+01:00", channel="email"),
            ev("thank_you_sent", "2026-03-05T09:00:00+01:00", channel="email"),
        ],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert outcomes(found, "CX104") == ["passed"]


def test_cx104_an_accepted_offer_closes_the_case() -> None:
    found = run(
        engine(NoGhosting),
        [
            ev("application_received", "2026-03-02T09:00:00+01:00"),
            ev("interview_scheduled", "2026-03-03T09:00:00+01:00"),
            ev("offer_made", "2026-03-10T09:00:00+01:00"),
            ev("offer_accepted", "2026-03-12T09:00:00+01:00"),
        ],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert outcomes(found, "CX104") == ["passed", "passed"]


def test_cx104_a_withdrawal_after_a_silent_gap_still_reports_the_gap() -> None:
    applied = ev("application_received", "2026-03-02T09:00:00+01:00")
    withdrawn = ev("withdrawn", "2026-03-20T09:00:00+01:00")
    finding = only(run(engine(NoGhosting), [applied, withdrawn]), "CX104")
    assert (
        "violated",
        "candidate contacted within 14 days of the last contact: not done by "
        "2026-03-16T09:00:00+01:00",
        (applied,),
    ) == (finding.outcome.value, finding.message, finding.evidence)


def test_cx104_options_set_the_days_and_the_contacts() -> None:
    found = run(
        engine(NoGhosting, days=7, contacts=["status_update_sent"]),
        [
            ev("application_received", "2026-03-02T09:00:00+01:00"),
            ev("application_acknowledged", "2026-03-03T09:00:00+01:00"),  # not a contact now
            ev("status_update_sent", "2026-03-10T09:00:00+01:00"),
        ],
    )
    assert [("violated", timedelta(days=1))] == [
        (f.outcome.value, f.late) for f in findings_of(found, "CX104")
    ]


# -- CX105 single-rejection --------------------------------------------------------------------

OFFERED = [
    APPLIED,
    ev("interview_scheduled", "2026-02-17T10:00:00+01:00"),
    ev("offer_made", "2026-03-02T10:00:00+01:00", channel="phone"),
]


def test_cx105_a_single_rejection_passes() -> None:
    found = run(engine(SingleRejection), [APPLIED, ev("rejected", "2026-03-02T10:00:00+01:00")])
    assert outcomes(found, "CX105") == ["passed"]


def test_cx105_rejecting_a_candidate_who_holds_an_offer_is_a_violation() -> None:
    rejection = ev("rejected", "2026-03-04T10:00:00+01:00", channel="email")
    finding = only(run(engine(SingleRejection), [*OFFERED, rejection]), "CX105")
    assert (
        "violated",
        "rejected on 2026-03-04 although the candidate held an outstanding offer made on "
        "2026-03-02",
        (OFFERED[2], rejection),
    ) == (finding.outcome.value, finding.message, finding.evidence)


def test_cx105_after_a_declined_offer_the_case_is_closed_and_not_rejected_again() -> None:
    found = run(
        engine(SingleRejection),
        [*OFFERED, ev("offer_declined", "2026-03-03T10:00:00+01:00")],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert findings_of(found, "CX105") == []


REJECTED_AGAIN = default_model().extend({"rejected": {"rejected": "rejected"}}, name="lenient")


def test_cx105_a_second_rejection_is_a_violation_where_the_model_allows_it() -> None:
    first = ev("rejected", "2026-03-02T10:00:00+01:00", channel="email")
    second = ev("rejected", "2026-03-09T10:00:00+01:00", channel="email")
    found = run(engine(SingleRejection, model=REJECTED_AGAIN), [APPLIED, first, second])
    second_finding = findings_of(found, "CX105")[1]
    assert (
        ["passed", "violated"],
        "rejected on 2026-03-09 although it is rejection 2 of the case, at most 1 allowed "
        "(first on 2026-03-02)",
        (first, second),
    ) == (outcomes(found, "CX105"), second_finding.message, second_finding.evidence)


def test_cx105_max_rejections_allows_more() -> None:
    found = run(
        engine(SingleRejection, model=REJECTED_AGAIN, max_rejections=2),
        [
            APPLIED,
            ev("rejected", "2026-03-02T10:00:00+01:00"),
            ev("rejected", "2026-03-09T10:00:00+01:00"),
        ],
    )
    assert outcomes(found, "CX105") == ["passed", "passed"]


def test_cx105_in_the_default_model_a_second_rejection_is_cx001_and_unseen_by_cx105() -> None:
    found = run(
        engine(SingleRejection, IllegalTransition),
        [
            APPLIED,
            ev("rejected", "2026-03-02T10:00:00+01:00"),
            ev("rejected", "2026-03-09T10:00:00+01:00"),
        ],
    )
    assert (
        outcomes(found, "CX105"),
        outcomes(found, "CX001"),
    ) == (["passed"], ["passed", "passed", "violated"])


def test_cx105_needs_no_attribute_so_it_is_never_unknown() -> None:
    # A bare rejection (no channel, no reason) is still judged.
    found = run(
        engine(SingleRejection, missing_evidence="violation"),
        [*OFFERED, ev("rejected", "2026-03-04T10:00:00+01:00")],
    )
    assert [(f.outcome.value, f.missing) for f in findings_of(found, "CX105")] == [
        ("violated", None)
    ]


def test_cx105_does_not_apply_without_a_rejection() -> None:
    found = run(engine(SingleRejection), OFFERED, as_of="2026-06-01T00:00:00+02:00")
    assert findings_of(found, "CX105") == []


# -- privacy -------------------------------------------------------------------------------------

SECRET = "Kære Anna, tak for samtalen. Vi har valgt en anden."


def test_messages_never_quote_the_message_text() -> None:
    found = run(
        engine(*RULES),
        [
            APPLIED,
            asked("2026-02-16T10:00:00+01:00", text=SECRET),
            answered("2026-02-16T11:00:00+01:00", text=SECRET),
            *INTERVIEWS,
            ev(
                "rejected", "2026-03-02T15:00:00+01:00", channel="email", text=SECRET, reason=SECRET
            ),
        ],
        as_of="2026-06-01T00:00:00+02:00",
    )
    assert (
        len(found) >= 5,
        [f.message for f in found if "Anna" in f.message or "valgt" in f.message],
    ) == (True, [])


def test_cx104_an_enforced_gap_never_blocks_the_event_that_ends_it() -> None:
    # Refusing the late contact or the withdrawal would only keep the candidate waiting.
    eng = Engine(Policy(timezone=CPH, enforce=("CX104",)), rules=[NoGhosting])
    case = eng.start("c1")
    case = eng.record(case, ev("application_received", "2026-03-02T09:00:00+01:00")).case
    late = eng.record(case, ev("status_update_sent", "2026-03-20T09:00:00+01:00"))
    gone = eng.record(case, ev("withdrawn", "2026-03-20T09:00:00+01:00"))
    assert (late.case.state, outcomes(late.findings, "CX104")) == ("applied", ["violated"])
    assert (gone.case.state, outcomes(gone.findings, "CX104")) == ("withdrawn", ["violated"])
