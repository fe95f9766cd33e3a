from datetime import UTC, datetime

import pytest

from cx_rules import (
    EVERY_ACTIVITY,
    CaseMismatch,
    Engine,
    Event,
    EventOutOfOrder,
    InvalidEvent,
    NaiveTimestamp,
    Outcome,
    PluginError,
    Policy,
    PolicyError,
    Rule,
    Severity,
    Step,
    TransitionNotAllowed,
    default_model,
)
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.testing import event, findings_of, outcomes, run

BASE = [RuleError, IllegalTransition, AcknowledgeApplication]


def engine(**kwargs):
    return Engine(kwargs.pop("policy", Policy(timezone="Europe/Copenhagen")), rules=BASE, **kwargs)


def test_record_returns_a_new_case_and_leaves_the_old_one():
    e = engine()
    case = e.start("c1")
    new, findings = e.record(case, event("c1", "application_received", "2026-03-02T09:00+01:00"))
    assert case.state == "new"
    assert case.events == ()
    assert new.state == "applied"
    assert [f.code for f in findings] == ["CX001"]
    assert findings[0].outcome is Outcome.PASSED
    assert [o.key for o in new.obligations] == ["ack"]
    assert new.clock == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_illegal_transition_is_a_finding_in_audit_mode():
    e = engine()
    case, _ = e.replay(
        [
            event("c1", "application_received", "2026-03-02T09:00+01:00"),
            event("c1", "rejected", "2026-03-03T09:00+01:00", channel="email"),
        ]
    )
    offer = event("c1", "offer_made", "2026-03-05T09:00+01:00")
    after, findings = e.record(case, offer)
    assert after.state == "rejected"
    assert after.events == case.events
    (finding,) = findings
    assert finding.code == "CX001"
    assert finding.outcome is Outcome.VIOLATED
    assert finding.severity is Severity.ERROR
    assert finding.evidence == (offer,)
    assert finding.message == (
        "offer_made at 2026-03-05T09:00:00+01:00 is not allowed in state 'rejected'; the case "
        "stays 'rejected' (allowed: data_deleted, feedback_given, feedback_requested, "
        "question_answered, question_received, status_update_sent, talent_pool_joined, "
        "talent_pool_offered, thank_you_sent)"
    )


def test_illegal_transition_raises_in_strict_mode():
    e = engine(strict=True)
    case = e.start("c1")
    with pytest.raises(TransitionNotAllowed) as info:
        e.record(case, event("c1", "offer_made", "2026-03-05T09:00+01:00"))
    assert info.value.state == "new"
    assert info.value.allowed == ("application_received",)
    assert str(info.value) == (
        "'offer_made' is not allowed in state 'new' of case 'c1' "
        "(event at 2026-03-05T09:00:00+01:00); allowed: application_received"
    )


def test_unknown_channel_is_kept_unless_strict():
    e = engine()
    case, _ = e.replay([event("c1", "application_received", "2026-03-02T09:00+01:00")])
    pigeon = event("c1", "application_acknowledged", "2026-03-02T10:00+01:00", channel="pigeon")
    assert e.record(case, pigeon).case.events[-1].channel == "pigeon"
    with pytest.raises(InvalidEvent) as info:
        engine(strict=True).record(case, pigeon)
    assert "unknown channel 'pigeon'" in str(info.value)


def test_obligation_on_time_late_and_expired():
    e = engine()
    received = event("c1", "application_received", "2026-03-06T16:00+01:00")  # a Friday
    on_time = event("c1", "application_acknowledged", "2026-03-10T16:00+01:00")  # due exactly
    late = event("c1", "application_acknowledged", "2026-03-10T16:01+01:00")
    assert outcomes(e.replay([received, on_time]).findings, "CX401") == ["passed"]
    found = findings_of(e.replay([received, late]).findings, "CX401")
    assert [f.outcome for f in found] == [Outcome.VIOLATED]
    assert found[0].late.total_seconds() == 60
    assert found[0].evidence == (received, late)
    assert found[0].message == (
        "application acknowledged within 2 business days: done 1min late "
        "(due 2026-03-10T16:00:00+01:00, done 2026-03-10T16:01:00+01:00)"
    )


def test_advance_expires_and_finish_reports_pending():
    e = engine()
    case, _ = e.replay([event("c1", "application_received", "2026-03-06T16:00+01:00")])
    before = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    same, findings = e.advance(case, before)
    assert findings == ()
    assert same.obligations == case.obligations
    finished = e.finish(case, before).findings
    assert [(f.code, f.outcome) for f in finished] == [("CX401", Outcome.PENDING)]
    assert finished[0].at == before
    later = datetime(2026, 3, 10, 15, 0, 1, tzinfo=UTC)
    advanced, expired = e.advance(case, later)
    assert [(f.code, f.outcome) for f in expired] == [("CX401", Outcome.VIOLATED)]
    assert expired[0].at == expired[0].due
    assert advanced.obligations[0].expired
    # Reported once: neither a second advance nor finish reports it again.
    assert e.advance(advanced, later).findings == ()
    assert e.finish(advanced, later).findings == ()
    # A late acknowledgement after expiry discharges it without a second finding.
    ack = event("c1", "application_acknowledged", "2026-03-11T09:00+01:00")
    done, found = e.record(advanced, ack)
    assert findings_of(found, "CX401") == []
    assert done.obligations == ()


def test_due_lists_obligations_soonest_first_and_marks_overdue():
    e = engine()
    case, _ = e.replay([event("c1", "application_received", "2026-03-06T16:00+01:00")])
    (due,) = e.due(case, datetime(2026, 3, 9, tzinfo=UTC))
    assert (due.code, due.overdue, due.action) == ("CX401", False, "acknowledge the application")
    (due,) = e.due(case, datetime(2026, 3, 11, tzinfo=UTC))
    assert due.overdue
    with pytest.raises(NaiveTimestamp):
        e.due(case, datetime(2026, 3, 11))


def test_expiry_findings_come_first_in_time_order():
    e = engine()
    case, _ = e.replay([event("c1", "application_received", "2026-03-06T16:00+01:00")])
    _, findings = e.record(case, event("c1", "screening_started", "2026-03-20T09:00+01:00"))
    assert [(f.code, f.outcome) for f in findings] == [
        ("CX401", Outcome.VIOLATED),
        ("CX001", Outcome.PASSED),
    ]


def test_case_mismatch_and_out_of_order():
    e = engine()
    case, _ = e.replay([event("c1", "application_received", "2026-03-06T16:00+01:00")])
    with pytest.raises(CaseMismatch):
        e.record(case, event("c2", "screening_started", "2026-03-07T09:00+01:00"))
    with pytest.raises(EventOutOfOrder) as info:
        e.record(case, event("c1", "screening_started", "2026-03-06T15:00+01:00"))
    assert str(info.value) == (
        "case 'c1': screening_started at 2026-03-06T15:00:00+01:00 is older than the last "
        "event (application_received at 2026-03-06T16:00:00+01:00)"
    )


class Boom(Rule):
    code = "TEST901"
    name = "boom"
    practice = "testing"
    severity = Severity.WARNING
    activities = frozenset({"application_received"})

    def on_event(self, step: Step) -> None:
        step.violated("half done")
        step.open("x", step.event.timestamp, "never", "nothing")
        raise RuntimeError("secret text that must not leak")


def test_a_rule_that_raises_is_isolated_as_cx000():
    e = Engine(Policy(), rules=[*BASE, Boom])
    case, findings = e.record(
        e.start("c1"), event("c1", "application_received", "2026-03-06T16:00+01:00")
    )
    assert [(f.code, f.outcome) for f in findings] == [
        ("CX001", Outcome.PASSED),
        ("CX000", Outcome.VIOLATED),
    ]
    assert findings[1].message == (
        "rule TEST901 boom (plugin '<given>') raised RuntimeError on application_received "
        "at 2026-03-06T16:00:00+01:00"
    )
    # What the broken rule half did is dropped; the other rules' work stays.
    assert [o.code for o in case.obligations] == ["CX401"]


def test_preview_equals_record_and_changes_nothing():
    e = engine()
    case, _ = e.replay([event("c1", "application_received", "2026-03-06T16:00+01:00")])
    ack = event("c1", "application_acknowledged", "2026-03-09T10:00+01:00")
    assert e.preview(case, ack) == e.record(case, ack)
    assert case.events[-1].activity == "application_received"


def test_policy_selection_and_severity_override():
    policy = Policy(ignore=("CX001",), rules={"CX401": {"severity": "error", "business_days": 1}})
    e = Engine(policy, rules=BASE)
    assert sorted(e.rules) == ["CX000", "CX401"]
    assert e.severity("CX401") is Severity.ERROR
    found = run(
        e,
        [event("c1", "application_received", "2026-03-02T09:00+00:00")],
        as_of="2026-03-04T00:00+00:00",
    )
    assert [(f.code, f.outcome, f.severity) for f in found] == [
        ("CX401", Outcome.VIOLATED, Severity.ERROR)
    ]


def test_missing_evidence_as_violation():
    class NeedsChannel(Rule):
        code = "TEST902"
        name = "needs-channel"
        practice = "testing"
        severity = Severity.INFO
        activities = frozenset({"rejected"})

        def on_event(self, step: Step) -> None:
            if step.attr("channel") is None:
                step.unknown("no channel on the rejection", missing="channel")

    lines = [
        event("c1", "application_received", "2026-03-02T09:00+00:00"),
        event("c1", "rejected", "2026-03-02T10:00+00:00"),
    ]
    soft = run(Engine(Policy(), rules=[NeedsChannel]), lines)
    strict = run(Engine(Policy(missing_evidence="violation"), rules=[NeedsChannel]), lines)
    assert [(f.outcome, f.missing) for f in soft] == [(Outcome.UNKNOWN, "channel")]
    assert [(f.outcome, f.missing) for f in strict] == [(Outcome.VIOLATED, "channel")]


def test_replay_needs_something():
    with pytest.raises(ValueError, match="at least one event"):
        engine().replay([])


def test_findings_carry_the_case_and_event_time():
    e = engine()
    ev = Event("c9", "application_received", "2026-03-02T09:00+00:00")
    (finding,) = e.record(e.start("c9"), ev).findings
    assert (finding.case_id, finding.at) == ("c9", ev.timestamp)


def test_an_event_older_than_the_clock_an_advance_set_is_out_of_order():
    # Advanced past the acknowledgement's due time, the case has judged it missed: an
    # acknowledgement dated before that moment, arriving now, would contradict the verdict.
    received = event("c1", "application_received", "2026-03-06T16:00+01:00")
    ack = event("c1", "application_acknowledged", "2026-03-10T09:00+01:00")  # on time
    advanced_to = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    e = engine()
    case, _ = e.advance(e.replay([received]).case, advanced_to)
    with pytest.raises(EventOutOfOrder) as info:
        e.record(case, ack)
    assert str(info.value) == (
        "case 'c1': application_acknowledged at 2026-03-10T09:00:00+01:00 is older than the "
        "case's clock (2026-03-11T12:00:00+00:00: the latest event it was given, or the time "
        "it was advanced to), as of which its obligations were already judged"
    )
    # Inserted instead, the case is rebuilt: the acknowledgement was on time after all.
    inserting = engine(policy=Policy(timezone="Europe/Copenhagen", out_of_order="insert"))
    case, _ = inserting.advance(inserting.replay([received]).case, advanced_to)
    result = inserting.record(case, ack)
    assert result.replayed
    assert outcomes(result.findings, "CX401") == ["passed"]
    assert result.case.clock == advanced_to


def test_a_replay_that_inserts_keeps_the_cx001_of_events_refused_before():
    inserting = engine(policy=Policy(timezone="Europe/Copenhagen", out_of_order="insert"))
    received = event("c1", "application_received", "2026-03-06T16:00+01:00")
    refused = event("c1", "offer_accepted", "2026-03-09T09:00+01:00")  # no offer was made
    older = event("c1", "application_acknowledged", "2026-03-07T09:00+01:00")
    case, findings = inserting.replay([received, refused, older])
    assert [(f.code, f.outcome, f.at) for f in findings] == [
        ("CX001", Outcome.PASSED, received.timestamp),
        ("CX001", Outcome.PASSED, older.timestamp),
        ("CX401", Outcome.PASSED, older.timestamp),
        ("CX001", Outcome.VIOLATED, refused.timestamp),
    ]
    assert case.events == (received, older)


def test_finish_names_as_of_and_record_names_what_is_not_an_event():
    e = engine()
    case = e.start("c1")
    with pytest.raises(NaiveTimestamp, match=r"^as_of: 2026-03-11T00:00:00 has no time zone$"):
        e.finish(case, datetime(2026, 3, 11))
    with pytest.raises(TypeError, match=r"^event: expected an Event, got str$"):
        e.record(case, "application_received")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^case: expected a Case, got str$"):
        e.preview("c1", event("c1", "application_received", "2026-03-06T16:00+01:00"))  # type: ignore[arg-type]


class Withdraws(Rule):
    """Withdraws CX401's overdue acknowledgement (as a rule closing a case would), then fails."""

    code = "TEST902"
    name = "withdraws-then-fails"
    practice = "testing"
    severity = Severity.WARNING
    activities = frozenset({"screening_started"})

    def on_event(self, step: Step) -> None:
        step._code = "CX401"  # reach another rule's obligation, as only a test would
        step.cancel("ack")
        raise RuntimeError("after withdrawing")


def test_a_failed_rule_does_not_leave_an_obligation_it_withdrew_reported_twice():
    e = Engine(Policy(timezone="Europe/Copenhagen"), rules=[*BASE, Withdraws])
    received = event("c1", "application_received", "2026-03-06T16:00+01:00")
    screening = event("c1", "screening_started", "2026-03-20T09:00+01:00")
    case, findings = e.replay([received, screening])
    assert [(f.code, f.outcome) for f in findings] == [
        ("CX001", Outcome.PASSED),
        ("CX401", Outcome.VIOLATED),
        ("CX001", Outcome.PASSED),
        ("CX000", Outcome.VIOLATED),
    ]
    assert [(o.code, o.expired) for o in case.obligations] == [("CX401", True)]


def test_an_option_that_names_an_activity_or_state_the_model_lacks_is_refused():
    from cx_rules.rules.communication import NoGhosting
    from cx_rules.rules.privacy import RetentionLimit

    with pytest.raises(PolicyError) as info:
        Engine(
            Policy(rules={"CX104": {"contacts": ["status_update_sent", "status_updte_sent"]}}),
            rules=[NoGhosting],
        )
    assert str(info.value).startswith(
        "<policy>: rules.CX104.contacts: 'status_updte_sent' is not one of the process "
        "model's activities (expected one of application_acknowledged, application_received, "
    )
    assert str(info.value).endswith(" (plugin '<given>')")
    with pytest.raises(PolicyError, match=r"rules\.CX503\.closed_states: 'closed' is not one"):
        Engine(Policy(rules={"CX503": {"closed_states": ["closed"]}}), rules=[RetentionLimit])
    # A model that knows the name accepts it.
    model = default_model().extend({"applied": {"archived": "closed"}}, terminal=["closed"])
    Engine(
        Policy(rules={"CX503": {"closed_states": ["closed"]}}), rules=[RetentionLimit], model=model
    )


def test_rules_on_every_activity_see_the_activities_a_model_adds():
    from cx_rules.rules.communication import NoGhosting
    from cx_rules.rules.privacy import RetentionLimit

    # A plugin's model closes a case with its own activity: the retention clock starts and
    # the contact cadence stops, as for the canonical ones.
    model = default_model().extend({"applied": {"ghosting_prevented": "withdrawn"}})
    e = Engine(Policy(), rules=[NoGhosting, RetentionLimit], model=model)
    case, _ = e.replay(
        [
            event("c1", "application_received", "2026-03-02T09:00+01:00"),
            event("c1", "ghosting_prevented", "2026-03-03T09:00+01:00"),
        ]
    )
    assert case.state == "withdrawn"
    assert [o.code for o in case.obligations] == ["CX503"]
    assert EVERY_ACTIVITY in RetentionLimit.activities


def test_a_refused_event_that_was_itself_inserted_keeps_its_cx001_through_later_rebuilds():
    inserting = engine(policy=Policy(timezone="Europe/Copenhagen", out_of_order="insert"))
    events = [
        event("c1", "application_received", "2026-03-02T09:00+01:00"),
        event("c1", "screening_started", "2026-03-02T12:00+01:00"),
        event("c1", "offer_accepted", "2026-03-02T10:00+01:00"),  # inserted, and refused
        event("c1", "application_acknowledged", "2026-03-02T11:00+01:00"),  # inserted
    ]
    for upto in (3, 4):
        _, findings = inserting.replay(events[:upto])
        refused = [
            (f.at, f.evidence)
            for f in findings
            if f.code == "CX001" and f.outcome is Outcome.VIOLATED
        ]
        assert refused == [(events[2].timestamp, (events[2],))]


def test_a_case_without_a_clock_still_refuses_an_event_older_than_its_last():
    from cx_rules import Case

    e = engine()
    case = Case("c1", "applied", (event("c1", "application_received", "2026-03-05T09:00+01:00"),))
    with pytest.raises(EventOutOfOrder, match="older than the last event"):
        e.record(case, event("c1", "application_acknowledged", "2026-03-02T09:00+01:00"))


class TupleEverything(Rule):
    code = "TEST903"
    name = "tuple-everything"
    practice = "testing"
    severity = Severity.INFO

    def subscriptions(self):  # a tuple, not a frozenset: taken all the same
        return (EVERY_ACTIVITY,)


class BrokenSubscriptions(Rule):
    code = "TEST904"
    name = "broken-subscriptions"
    practice = "testing"
    severity = Severity.INFO

    def subscriptions(self):
        raise KeyError("private detail")


def test_subscriptions_are_taken_as_any_collection_and_their_failure_names_the_rule():
    Engine(Policy(), rules=[TupleEverything])
    with pytest.raises(PluginError) as info:
        Engine(Policy(), rules=[BrokenSubscriptions])
    assert str(info.value) == (
        "rule TEST904 broken-subscriptions of plugin '<given>': subscriptions() failed: KeyError"
    )


def test_names_of_activities_or_states_come_as_a_tuple():
    from cx_rules import Option

    with pytest.raises(ValueError, match=r"^Option of='activities' needs a tuple of names"):
        Option("rejected", "the activity", of="activities")


class ZoneWithoutOffset(Rule):
    code = "TEST905"
    name = "zone-without-offset"
    practice = "testing"
    severity = Severity.INFO
    activities = frozenset({"application_received"})

    def on_event(self, step: Step) -> None:
        from datetime import tzinfo

        class Nowhere(tzinfo):
            def utcoffset(self, dt):
                return None

        step.open("k", datetime(2026, 3, 9, tzinfo=Nowhere()), "owed", "act")


def test_an_obligation_due_in_a_zone_without_an_offset_fails_the_rule_only():
    e = Engine(Policy(), rules=[*BASE, ZoneWithoutOffset])
    received = event("c1", "application_received", "2026-03-02T09:00+01:00")
    case, findings = e.replay(
        [received, event("c1", "screening_started", "2026-03-20T09:00+01:00")]
    )
    assert [f.code for f in findings if f.code in ("CX000", "TEST905")] == ["CX000"]
    assert [o.code for o in case.obligations] == ["CX401"]
