"""CX301 specific-feedback and CX302 feedback-on-request."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from cx_rules.events import Event
from cx_rules.findings import Finding
from cx_rules.rule import Rule
from cx_rules.rules.feedback import RULES, FeedbackOnRequest, SpecificFeedback
from cx_rules.testing import events, findings_of, outcomes, run
from rulekit import engine, ev, only

LATER = "2026-12-01T00:00:00+01:00"
SPECIFIC = [{"area": "system design", "detail": "size the queue before choosing a database"}]


APPLIED = ev("application_received", "2026-02-16T09:00:00+01:00")
INTERVIEWED = [
    APPLIED,
    ev("interview_scheduled", "2026-02-17T10:00:00+01:00", channel="email"),
    ev("interview_held", "2026-02-26T13:00:00+01:00", channel="meeting"),
]
REJECTED = ev("rejected", "2026-03-02T17:00:00+01:00", channel="phone")

EXAMPLES = {
    "CX301": (["passed"], ["violated"]),
    "CX302": (["passed"], ["violated"]),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_examples_pass_and_violate(rule: type[Rule]) -> None:
    eng = engine(rule)
    results = []
    for lines in (rule.passing, rule.violating):
        stream = events(*lines)
        results.append(outcomes(run(eng, stream, as_of=stream[-1].timestamp), rule.code))
    assert EXAMPLES[rule.code] == tuple(results)


# -- CX301 specific-feedback -------------------------------------------------------------------


def feedback(timestamp: str = "2026-03-04T10:00:00+01:00", **attributes: object) -> Event:
    return ev("feedback_given", timestamp, channel="email", **attributes)


def cx301(*tail: Event, as_of: str | None = None, **options: Any) -> list[Finding]:
    found = run(engine(SpecificFeedback, **options), [*INTERVIEWED, REJECTED, *tail], as_of=as_of)
    return findings_of(found, "CX301")


@pytest.mark.parametrize(
    "attributes",
    [
        {"items": SPECIFIC},
        # One specific item is enough.
        {"items": [{"area": "", "detail": "x"}, *SPECIFIC]},
        {"text": "Your technical skills were strong; you could improve your test strategy."},
        {"text": "Vi anbefaler, at du arbejder videre med din interviewteknik."},
    ],
)
def test_cx301_specific_feedback_in_time_passes(attributes: dict[str, object]) -> None:
    [finding] = cx301(feedback(**attributes))
    assert (finding.outcome.value, finding.message) == (
        "passed",
        "specific feedback given within 5 business days of the rejection: done at "
        "2026-03-04T10:00:00+01:00",
    )


@pytest.mark.parametrize(
    ("attributes", "why"),
    [
        ({"items": [{"area": "technical skills", "detail": "  "}]}, ""),
        ({"items": [{"area": "technical skills"}, "not an item"]}, ""),
        (
            {"text": "Vi har valgt at gå videre med en kandidat med mere erfaring."},
            "names an area (experience) but no concrete way to improve",
        ),
        # Items win over a text that would have been specific.
        ({"items": [{"detail": "more tests"}], "text": "You could improve your coding."}, ""),
    ],
)
def test_cx301_feedback_that_is_not_specific_is_a_violation_that_says_so(
    attributes: dict[str, object], why: str
) -> None:
    given = feedback(**attributes)
    [finding] = cx301(given, as_of=LATER)
    assert (
        "violated",
        "feedback given on 2026-03-04 is not specific: it "
        + (why or "names no area with a concrete point to improve"),
        (REJECTED, given),
        None,
    ) == (finding.outcome.value, finding.message, finding.evidence, finding.late)


def test_cx301_specific_feedback_in_the_rejection_itself_passes_at_once() -> None:
    rejection = ev("rejected", "2026-03-02T17:00:00+01:00", channel="phone", items=SPECIFIC)
    found = run(engine(SpecificFeedback), [*INTERVIEWED, rejection], as_of=LATER)
    assert [(f.outcome.value, f.message) for f in findings_of(found, "CX301")] == [
        ("passed", "the rejection on 2026-03-02 carries specific feedback")
    ]


def test_cx301_a_reason_in_the_rejection_text_is_not_feedback() -> None:
    rejection = ev(
        "rejected",
        "2026-03-02T17:00:00+01:00",
        channel="email",
        text="Vi har valgt en anden kandidat, hvis erfaring matcher bedre.",
    )
    found = run(engine(SpecificFeedback), [*INTERVIEWED, rejection], as_of=LATER)
    assert outcomes(found, "CX301") == ["violated"]


def test_cx301_feedback_with_neither_items_nor_text_is_unknown() -> None:
    [finding] = cx301(feedback(), as_of=LATER)
    assert (finding.outcome.value, finding.missing, finding.message) == (
        "unknown",
        "items",
        "feedback given on 2026-03-04 in time, but with neither items nor text recorded, so "
        "whether it is specific is unknown",
    )


def test_cx301_no_feedback_is_a_violation_when_due_and_pending_before() -> None:
    assert (
        [f.outcome.value for f in cx301(as_of="2026-03-09T17:00:00+01:00")],
        [f.outcome.value for f in cx301(as_of="2026-03-09T17:01:00+01:00")],
    ) == (["pending"], ["violated"])


@pytest.mark.parametrize(
    ("rejected", "due", "holidays"),
    [
        # Monday 17:00 -> next Monday 17:00, across a weekend.
        ("2026-03-02T17:00:00+01:00", "2026-03-09T17:00:00+01:00", ()),
        # Friday is a holiday: one more day.
        ("2026-03-02T17:00:00+01:00", "2026-03-10T17:00:00+01:00", (date(2026, 3, 6),)),
        # Across the spring daylight-saving change.
        ("2026-03-25T17:00:00+01:00", "2026-04-01T17:00:00+02:00", ()),
        # Across the autumn change.
        ("2026-10-21T17:00:00+02:00", "2026-10-28T17:00:00+01:00", ()),
    ],
)
def test_cx301_feedback_at_the_due_time_is_on_time_and_a_minute_later_is_late(
    rejected: str, due: str, holidays: tuple[date, ...]
) -> None:
    eng = engine(SpecificFeedback, holidays=holidays)
    start = [*INTERVIEWED, ev("rejected", rejected, channel="phone")]
    late_at = (datetime.fromisoformat(due) + timedelta(minutes=1)).isoformat()
    on_time = only(run(eng, [*start, feedback(due, items=SPECIFIC)]), "CX301")
    late = only(run(eng, [*start, feedback(late_at, items=SPECIFIC)]), "CX301")
    assert (
        ("passed", datetime.fromisoformat(due), None),
        ("violated", datetime.fromisoformat(due), timedelta(minutes=1)),
    ) == (
        (on_time.outcome.value, on_time.due, on_time.late),
        (late.outcome.value, late.due, late.late),
    )


def test_cx301_late_feedback_that_is_not_specific_says_both() -> None:
    [finding] = cx301(feedback("2026-03-09T18:00:00+01:00", text="Best of luck."))
    assert (
        "violated",
        "feedback given on 2026-03-09 is not specific: it names no area and no way to improve, "
        "and 1h late (due 2026-03-09T17:00:00+01:00)",
        timedelta(hours=1),
    ) == (finding.outcome.value, finding.message, finding.late)


def test_cx301_late_feedback_without_content_is_late_regardless() -> None:
    [finding] = cx301(feedback("2026-03-10T17:00:00+01:00"))
    assert (finding.outcome.value, finding.message) == (
        "violated",
        "feedback given on 2026-03-10 came 1d late (due 2026-03-09T17:00:00+01:00)",
    )


def test_cx301_the_first_feedback_decides() -> None:
    found = cx301(
        feedback("2026-03-03T10:00:00+01:00", text="Best of luck."),
        feedback("2026-03-04T10:00:00+01:00", items=SPECIFIC),
        as_of=LATER,
    )
    assert [f.outcome.value for f in found] == ["violated"]


def test_cx301_feedback_after_the_deadline_passed_is_not_reported_twice() -> None:
    found = cx301(
        ev("thank_you_sent", "2026-03-12T10:00:00+01:00"),  # the deadline expires here
        feedback("2026-03-13T10:00:00+01:00", items=SPECIFIC),
        as_of=LATER,
    )
    assert [f.outcome.value for f in found] == ["violated"]


def test_cx301_does_not_apply_without_an_interview() -> None:
    found = run(
        engine(SpecificFeedback),
        [APPLIED, REJECTED, feedback(text="Best of luck.")],
        as_of=LATER,
    )
    assert findings_of(found, "CX301") == []


def test_cx301_options_set_the_interviews_and_the_days() -> None:
    assert (
        cx301(as_of=LATER, min_interviews=2),
        [
            f.outcome.value
            for f in cx301(feedback("2026-03-05T10:00:00+01:00", items=SPECIFIC), business_days=2)
        ],
    ) == ([], ["violated"])


def test_cx301_deleting_the_data_in_time_ends_the_obligation() -> None:
    found = cx301(ev("data_deleted", "2026-03-03T10:00:00+01:00"), as_of=LATER)
    assert found == []


def test_cx301_never_quotes_the_feedback() -> None:
    text = "Anna, your portfolio lacked depth. Best of luck."
    found = cx301(feedback(text=text), as_of=LATER)
    assert [f.message for f in found if "Anna" in f.message or "portfolio" in f.message] == []


# -- CX302 feedback-on-request -----------------------------------------------------------------


def requested(timestamp: str) -> Event:
    return ev("feedback_requested", timestamp, channel="email")


def cx302(*tail: Event, as_of: str | None = None, **options: Any) -> list[Finding]:
    found = run(engine(FeedbackOnRequest, **options), [APPLIED, *tail], as_of=as_of)
    return findings_of(found, "CX302")


@pytest.mark.parametrize(
    ("asked", "due", "holidays"),
    [
        # Monday 17:00 -> next Monday 17:00, across a weekend.
        ("2026-03-02T17:00:00+01:00", "2026-03-09T17:00:00+01:00", ()),
        # Wednesday is a holiday.
        ("2026-03-02T17:00:00+01:00", "2026-03-10T17:00:00+01:00", (date(2026, 3, 4),)),
        # A Saturday request gets all of Monday to Friday: due the next Monday 00:00.
        ("2026-03-07T11:00:00+01:00", "2026-03-16T00:00:00+01:00", ()),
        # Across the spring daylight-saving change.
        ("2026-03-24T17:00:00+01:00", "2026-03-31T17:00:00+02:00", ()),
        # Across the autumn change.
        ("2026-10-20T17:00:00+02:00", "2026-10-27T17:00:00+01:00", ()),
    ],
)
def test_cx302_feedback_at_the_due_time_is_on_time_and_a_minute_later_is_late(
    asked: str, due: str, holidays: tuple[date, ...]
) -> None:
    late_at = (datetime.fromisoformat(due) + timedelta(minutes=1)).isoformat()
    [on_time] = cx302(requested(asked), feedback(due), holidays=holidays)
    [late] = cx302(requested(asked), feedback(late_at), holidays=holidays)
    assert (
        ("passed", datetime.fromisoformat(due), None),
        ("violated", datetime.fromisoformat(due), timedelta(minutes=1)),
    ) == (
        (on_time.outcome.value, on_time.due, on_time.late),
        (late.outcome.value, late.due, late.late),
    )


def test_cx302_an_unanswered_request_is_a_violation_when_due() -> None:
    request = requested("2026-03-02T17:00:00+01:00")
    [finding] = cx302(request, as_of=LATER)
    assert (
        "violated",
        "requested feedback given within 5 business days: not done by 2026-03-09T17:00:00+01:00",
        (request,),
    ) == (finding.outcome.value, finding.message, finding.evidence)


def test_cx302_asking_again_keeps_the_first_deadline() -> None:
    found = cx302(
        requested("2026-03-02T17:00:00+01:00"),
        requested("2026-03-05T17:00:00+01:00"),
        feedback("2026-03-10T09:00:00+01:00"),
    )
    assert [("violated", datetime.fromisoformat("2026-03-09T17:00:00+01:00"))] == [
        (f.outcome.value, f.due) for f in found
    ]


def test_cx302_does_not_apply_to_unrequested_feedback() -> None:
    assert cx302(feedback("2026-03-04T10:00:00+01:00"), as_of=LATER) == []


def test_cx302_needs_no_attribute_so_it_is_never_unknown() -> None:
    found = cx302(
        requested("2026-03-02T17:00:00+01:00"),
        ev("feedback_given", "2026-03-03T10:00:00+01:00"),
        missing_evidence="violation",
    )
    assert [(f.outcome.value, f.missing) for f in found] == [("passed", None)]


def test_cx302_deleting_the_data_ends_the_request_but_reports_an_overdue_one() -> None:
    request = requested("2026-03-02T17:00:00+01:00")
    assert (
        cx302(request, ev("data_deleted", "2026-03-03T10:00:00+01:00"), as_of=LATER),
        [f.outcome.value for f in cx302(request, ev("data_deleted", "2026-03-10T10:00:00+01:00"))],
    ) == ([], ["violated"])
