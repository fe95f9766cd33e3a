"""The guard: enforced rules refuse events, preview says what would be refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cx_rules import (
    CxRulesError,
    Engine,
    Finding,
    Outcome,
    Policy,
    PolicyError,
    Rule,
    Severity,
    Step,
    TransitionNotAllowed,
)
from cx_rules.engine import Recorded
from cx_rules.exceptions import PolicyViolation
from cx_rules.rules.process import IllegalTransition, RuleError
from cx_rules.testing import event


class NoEmailRejection(Rule):
    """Violates on a rejection sent by email; unknown without a channel."""

    code = "TST101"
    name = "no-email-rejection"
    practice = "communication"
    severity = Severity.ERROR
    activities = frozenset({"rejected"})

    def on_event(self, step: Step) -> None:
        channel = step.attr("channel")
        if channel is None:
            step.unknown("rejected; channel not recorded", missing="channel")
        elif channel == "email":
            step.violated("rejected by email")
        else:
            step.passed(f"rejected by {channel}")


class NoteOnPool(Rule):
    """Violates on every talent-pool join: advice, never enforced in these tests."""

    code = "TST201"
    name = "note-on-pool"
    practice = "talent"
    severity = Severity.INFO
    activities = frozenset({"talent_pool_joined"})

    def on_event(self, step: Step) -> None:
        step.violated("joined the pool")


class AnswerInADay(Rule):
    """Opens an obligation on a question; the answer fulfils it (late answers are violations)."""

    code = "TST301"
    name = "answer-in-a-day"
    practice = "experience"
    severity = Severity.WARNING
    activities = frozenset({"question_received", "question_answered"})

    def on_event(self, step: Step) -> None:
        if step.event.activity == "question_received":
            step.open("q", step.days(1), "question answered within a day", "answer the question")
        else:
            step.fulfil("q")


RULES = [RuleError, IllegalTransition, NoEmailRejection, NoteOnPool, AnswerInADay]
APPLIED = event("c1", "application_received", "2026-03-02T09:00:00+01:00")


def engine(*enforce: str, **policy: object) -> Engine:
    return Engine(Policy(enforce=enforce, **policy), rules=RULES)


def applied(e: Engine):
    return e.record(e.start("c1"), APPLIED).case


def test_an_enforced_violation_raises_and_carries_the_evidence():
    e = engine("TST101")
    case = applied(e)
    rejection = event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="email")
    with pytest.raises(PolicyViolation) as info:
        e.record(case, rejection)
    expected = Finding(
        "c1",
        "TST101",
        Outcome.VIOLATED,
        Severity.ERROR,
        "rejected by email",
        rejection.timestamp,
        (rejection,),
    )
    assert (expected,) == info.value.findings
    assert case is info.value.case
    assert rejection is info.value.event
    assert str(info.value) == (
        "case 'c1': rejected at 2026-03-03T10:00:00+01:00 is blocked by enforced rules "
        "(TST101: rejected by email)"
    )


def test_policy_violation_is_a_value_error_of_cx_rules():
    assert issubclass(PolicyViolation, CxRulesError)
    assert issubclass(PolicyViolation, ValueError)


def test_the_case_is_unchanged_after_a_refusal():
    e = engine("TST101")
    case = applied(e)
    with pytest.raises(PolicyViolation):
        e.record(case, event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="email"))
    assert case.state == "applied"
    assert case.events == (APPLIED,)


def test_a_passing_event_is_recorded_with_its_findings():
    e = engine("TST101")
    case = applied(e)
    rejection = event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="phone")
    new, findings = e.record(case, rejection)
    assert new.state == "rejected"
    assert [(f.code, f.outcome) for f in findings] == [
        ("CX001", Outcome.PASSED),
        ("TST101", Outcome.PASSED),
    ]


def test_findings_of_rules_not_enforced_are_returned_as_advice():
    e = engine("TST101")
    case = applied(e)
    joined = event("c1", "talent_pool_joined", "2026-03-03T10:00:00+01:00")
    result = e.record(case, joined)
    assert result.case.state == "applied"
    assert [(f.code, f.outcome) for f in result.findings] == [
        ("CX001", Outcome.PASSED),
        ("TST201", Outcome.VIOLATED),
    ]
    assert result.blocked == ()


def test_preview_returns_what_would_be_blocked_without_raising():
    e = engine("TST1", "TST2")
    case = applied(e)
    rejection = event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="email")
    preview = e.preview(case, rejection)
    assert [f.code for f in preview.blocked] == ["TST101"]
    assert [f.code for f in preview.findings] == ["CX001", "TST101"]
    assert preview.case.state == "rejected"
    assert not preview.duplicate
    assert not preview.replayed


def test_preview_of_an_accepted_event_equals_the_record():
    e = engine("TST101")
    case = applied(e)
    rejection = event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="meeting")
    assert e.record(case, rejection) == e.preview(case, rejection)
    assert e.preview(case, rejection).blocked == ()


def test_recorded_still_unpacks_as_case_and_findings():
    e = engine("TST101")
    result = e.record(e.start("c1"), APPLIED)
    case, findings = result
    assert (case, findings) == (result.case, result.findings)
    assert len(result) == 2


def test_an_illegal_transition_is_refused_when_cx001_is_enforced():
    e = engine("CX001")
    case = applied(e)
    case = e.record(
        case, event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="phone")
    ).case
    offer = event("c1", "offer_made", "2026-03-05T10:00:00+01:00")
    with pytest.raises(PolicyViolation) as info:
        e.record(case, offer)
    (finding,) = info.value.findings
    assert ("CX001", Outcome.VIOLATED, (offer,)) == (
        finding.code,
        finding.outcome,
        finding.evidence,
    )
    assert case.state == "rejected"


def test_strict_mode_still_raises_transition_not_allowed():
    e = Engine(Policy(enforce=("CX001",)), rules=RULES, strict=True)
    case = e.record(e.start("c1"), APPLIED).case
    case = e.record(
        case, event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="phone")
    ).case
    with pytest.raises(TransitionNotAllowed):
        e.record(case, event("c1", "offer_made", "2026-03-05T10:00:00+01:00"))


def test_an_unknown_outcome_does_not_block():
    e = engine("TST101")
    case = applied(e)
    new, findings = e.record(case, event("c1", "rejected", "2026-03-03T10:00:00+01:00"))
    assert new.state == "rejected"
    assert [f.outcome for f in findings] == [Outcome.PASSED, Outcome.UNKNOWN]


def test_missing_evidence_blocks_when_the_policy_counts_it_as_a_violation():
    e = engine("TST101", missing_evidence="violation")
    case = applied(e)
    with pytest.raises(PolicyViolation) as info:
        e.record(case, event("c1", "rejected", "2026-03-03T10:00:00+01:00"))
    assert [f.missing for f in info.value.findings] == ["channel"]


def test_a_late_fulfilment_is_not_blocked():
    e = engine("TST301")
    case = applied(e)
    case = e.record(case, event("c1", "question_received", "2026-03-03T10:00:00+01:00")).case
    answer = event("c1", "question_answered", "2026-03-06T10:00:00+01:00")
    preview = e.preview(case, answer)
    assert preview.blocked == ()
    new, findings = e.record(case, answer)
    assert [o.key for o in new.obligations] == []
    late = [f for f in findings if f.code == "TST301" and f.outcome is Outcome.VIOLATED]
    assert [timedelta(days=2)] == [f.late for f in late]


def test_an_obligation_expiring_at_an_event_does_not_block_it():
    e = engine("TST301")
    case = applied(e)
    case = e.record(case, event("c1", "question_received", "2026-03-03T10:00:00+01:00")).case
    update = event("c1", "status_update_sent", "2026-03-09T10:00:00+01:00", channel="email")
    new, findings = e.record(case, update)
    assert [(f.code, f.outcome) for f in findings] == [
        ("TST301", Outcome.VIOLATED),
        ("CX001", Outcome.PASSED),
    ]
    assert [o.expired for o in new.obligations] == [True]


def test_guard_false_ignores_enforce():
    e = Engine(Policy(enforce=("TST101",)), rules=RULES, guard=False)
    case = e.record(e.start("c1"), APPLIED).case
    rejection = event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="email")
    assert frozenset() == e.enforced
    assert e.preview(case, rejection).blocked == ()
    assert e.record(case, rejection).case.state == "rejected"


def test_enforced_lists_the_codes_a_prefix_selects():
    assert frozenset({"TST101", "TST201"}) == engine("TST1", "TST2").enforced
    assert frozenset(c.code for c in RULES) == engine("ALL").enforced


def test_enforce_only_covers_enabled_rules():
    e = Engine(Policy(select=("CX", "TST1"), enforce=("TST",)), rules=RULES)
    assert frozenset({"TST101"}) == e.enforced


def test_an_enforce_entry_that_matches_no_rule_is_an_error():
    with pytest.raises(PolicyError) as info:
        Engine(Policy(enforce=("TST9",)), rules=RULES)
    assert str(info.value) == (
        "<policy>: enforce: 'TST9' matches no enabled rule "
        "(enabled: CX000, CX001, TST101, TST201, TST301)"
    )


def test_replay_reports_enforced_violations_without_raising():
    e = engine("TST101")
    rejection = event("c1", "rejected", "2026-03-03T10:00:00+01:00", channel="email")
    result = e.replay([APPLIED, rejection])
    assert result.case.state == "rejected"
    assert [f.code for f in result.findings] == ["CX001", "CX001", "TST101"]


def test_policy_reads_enforce_from_toml(tmp_path):
    path = tmp_path / "cx-rules.toml"
    path.write_text('enforce = ["CX102", "CX502", "CX001"]\nout_of_order = "insert"\n', "utf-8")
    policy = Policy.load(path)
    assert policy.enforce == ("CX102", "CX502", "CX001")
    assert policy.out_of_order == "insert"
    assert (
        policy.enforces("CX102"),
        policy.enforces("CX001"),
        policy.enforces("CX103"),
    ) == (True, True, False)


def test_policy_rejects_a_bad_enforce_value(tmp_path):
    path = tmp_path / "cx-rules.toml"
    path.write_text("enforce = 102\n", "utf-8")
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    assert f"{path}: enforce: expected a list of strings, got 102" == str(info.value)


def test_recorded_equality_includes_the_flags():
    e = engine()
    case = e.start("c1")
    assert Recorded(case, ()) == Recorded(case, ())
    assert Recorded(case, ()) != Recorded(case, (), duplicate=True)
    assert Recorded(case, (), replayed=True) == Recorded(case, (), replayed=True)
    assert Recorded(case, (), duplicate=True) == (case, ())
    assert "Recorded(case=" in repr(Recorded(case, (), duplicate=True))
    assert repr(Recorded(case, (), duplicate=True)).endswith(", findings=(), duplicate=True)")


def test_builtin_rules_guard_a_live_ats():
    available = Engine(Policy(select=("CX0",))).available
    if "CX102" not in available or "CX502" not in available:
        pytest.skip("CX102 and CX502 are not registered yet")
    e = Engine(Policy(enforce=("CX102", "CX502", "CX001"), timezone="Europe/Copenhagen"))
    case = e.replay(
        [
            APPLIED,
            event("c1", "interview_scheduled", "2026-03-04T10:00:00+01:00", channel="email"),
            event("c1", "interview_held", "2026-03-10T10:00:00+01:00", channel="meeting"),
            event("c1", "interview_held", "2026-03-17T10:00:00+01:00", channel="video"),
        ]
    ).case
    by_email = event("c1", "rejected", "2026-03-19T10:00:00+01:00", channel="email", reason="fit")
    with pytest.raises(PolicyViolation) as info:
        e.record(case, by_email)
    assert [f.code for f in info.value.findings] == ["CX102"]
    by_phone = event("c1", "rejected", "2026-03-19T10:00:00+01:00", channel="phone", reason="fit")
    case = e.record(case, by_phone).case
    assert case.state == "rejected"
    joined = event("c1", "talent_pool_joined", "2026-03-20T10:00:00+01:00")
    with pytest.raises(PolicyViolation) as info:
        e.record(case, joined)
    assert [f.code for f in info.value.findings] == ["CX502"]
    with pytest.raises(PolicyViolation) as info:
        e.record(case, event("c1", "offer_made", "2026-03-21T10:00:00+01:00"))
    assert [f.code for f in info.value.findings] == ["CX001"]
