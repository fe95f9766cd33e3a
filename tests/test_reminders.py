"""Reminders across a pipeline: what is overdue or due soon, soonest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cx_rules import Engine, NaiveTimestamp, Policy, Rule, Severity, Step
from cx_rules.reminders import describe, due_across
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.testing import event

CPH = ZoneInfo("Europe/Copenhagen")


class CallAfterInterviews(Rule):
    """After the second interview, the candidate is owed a call within two days."""

    code = "TST401"
    name = "call-after-interviews"
    practice = "communication"
    severity = Severity.WARNING
    activities = frozenset({"interview_held", "rejected"})

    def on_event(self, step: Step) -> None:
        if step.event.activity == "rejected":
            step.fulfil("call")
        elif step.case.count("interview_held") == 1:
            step.open(
                "call",
                step.days(2),
                "candidate called within 2 days of the second interview",
                "call the candidate: interviewed twice",
            )


ENGINE = Engine(
    Policy(timezone="Europe/Copenhagen"),
    rules=[RuleError, IllegalTransition, AcknowledgeApplication, CallAfterInterviews],
)


def pipeline():
    """Three candidates: c1 unacknowledged, c2 interviewed twice, c3 acknowledged."""
    c1 = ENGINE.replay([event("c1", "application_received", "2026-03-02T09:00:00+01:00")]).case
    c2 = ENGINE.replay(
        [
            event("c2", "application_received", "2026-03-02T10:00:00+01:00"),
            event("c2", "interview_scheduled", "2026-03-02T11:00:00+01:00", channel="email"),
            event("c2", "interview_held", "2026-03-03T10:00:00+01:00", channel="meeting"),
            event("c2", "interview_held", "2026-03-04T15:00:00+01:00", channel="video"),
        ]
    ).case
    c3 = ENGINE.replay(
        [
            event("c3", "application_received", "2026-03-04T09:00:00+01:00"),
            event("c3", "application_acknowledged", "2026-03-04T10:00:00+01:00"),
        ]
    ).case
    return [c3, c2, c1]


def test_overdue_and_due_soon_come_soonest_first():
    now = datetime(2026, 3, 5, 8, 0, tzinfo=CPH)
    found = due_across(ENGINE, pipeline(), now, within=timedelta(days=2))
    assert [(d.case_id, d.code, d.due.isoformat(), d.overdue, d.action) for d in found] == [
        ("c1", "CX401", "2026-03-04T09:00:00+01:00", True, "acknowledge the application"),
        (
            "c2",
            "TST401",
            "2026-03-06T15:00:00+01:00",
            False,
            "call the candidate: interviewed twice",
        ),
    ]


def test_within_limits_how_far_ahead_the_list_looks():
    now = datetime(2026, 3, 5, 8, 0, tzinfo=CPH)
    found = due_across(ENGINE, pipeline(), now, within=timedelta(hours=12))
    assert [d.case_id for d in found] == ["c1"]


def test_the_default_looks_one_day_ahead():
    now = datetime(2026, 3, 5, 16, 0, tzinfo=CPH)
    assert [d.case_id for d in due_across(ENGINE, pipeline(), now)] == ["c1", "c2"]
    earlier = datetime(2026, 3, 5, 14, 0, tzinfo=CPH)
    assert [d.case_id for d in due_across(ENGINE, pipeline(), earlier)] == ["c1"]


def test_something_due_exactly_at_the_horizon_is_listed():
    now = datetime(2026, 3, 6, 15, 0, tzinfo=CPH)
    found = due_across(ENGINE, pipeline()[1:2], now, within=timedelta(0))
    assert [(d.case_id, d.overdue) for d in found] == [("c2", False)]


def test_ties_are_ordered_by_case_then_rule():
    cases = [
        ENGINE.replay([event(cid, "application_received", "2026-03-02T09:00:00+01:00")]).case
        for cid in ("b", "a", "c")
    ]
    now = datetime(2026, 3, 9, 9, 0, tzinfo=CPH)
    assert [d.case_id for d in due_across(ENGINE, cases, now)] == ["a", "b", "c"]


def test_an_empty_pipeline_needs_nothing():
    assert due_across(ENGINE, [], datetime(2026, 3, 9, tzinfo=CPH)) == []


def test_a_naive_now_is_refused():
    with pytest.raises(NaiveTimestamp):
        due_across(ENGINE, pipeline(), datetime(2026, 3, 9))


def test_a_negative_horizon_is_refused():
    with pytest.raises(ValueError, match="within: expected a duration of zero or more"):
        due_across(ENGINE, pipeline(), datetime(2026, 3, 9, tzinfo=CPH), within=-timedelta(1))


def test_describe_says_how_late_or_how_soon():
    now = datetime(2026, 3, 5, 8, 0, tzinfo=CPH)
    found = due_across(ENGINE, pipeline(), now, within=timedelta(days=2))
    assert [describe(d, now) for d in found] == [
        "c1: acknowledge the application (CX401, overdue by 23h)",
        "c2: call the candidate: interviewed twice (TST401, due in 1d 7h)",
    ]


def test_describe_an_expired_obligation_asked_about_before_its_due_time():
    case = pipeline()[2]
    case = ENGINE.advance(case, datetime(2026, 3, 10, tzinfo=CPH)).case
    (due,) = ENGINE.due(case, datetime(2026, 3, 3, tzinfo=CPH))
    assert describe(due, datetime(2026, 3, 3, tzinfo=CPH)) == (
        "c1: acknowledge the application (CX401, overdue)"
    )


def test_reminders_never_change_the_cases():
    cases = pipeline()
    before = list(cases)
    due_across(ENGINE, cases, datetime(2026, 3, 20, tzinfo=CPH))
    assert cases == before
    assert [o.expired for o in cases[2].obligations] == [False]


def test_describe_keeps_several_obligations_of_one_rule_apart():
    from cx_rules import Event

    engine = Engine()
    case = engine.replay(
        [
            Event("c9", "application_received", datetime(2026, 3, 2, 9, tzinfo=CPH)),
            Event("c9", "question_received", datetime(2026, 3, 2, 10, tzinfo=CPH)),
            Event("c9", "question_received", datetime(2026, 3, 2, 11, tzinfo=CPH)),
            Event(
                "c9",
                "question_received",
                datetime(2026, 3, 2, 12, tzinfo=CPH),
                attributes={"question_id": "q7"},
            ),
        ]
    ).case
    now = datetime(2026, 3, 20, tzinfo=CPH)
    lines = [describe(d, now) for d in due_across(engine, [case], now) if d.code == "CX103"]
    assert len(lines) == 3
    assert len(set(lines)) == 3
    assert any("(CX103 id:q7, overdue by" in line for line in lines)
