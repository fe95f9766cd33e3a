"""ACME's rules, tested with the tools cx-rules gives plugin authors."""

import pytest
from acme_cx.rules import AssessmentReviewed, MobilityMeeting
from hypothesis import HealthCheck, find, given, settings

from cx_rules import Engine, Outcome, PluginError, Policy
from cx_rules.plugins import plugin_manager
from cx_rules.testing import event, events, findings_of, outcomes, run
from cx_rules.testing.strategies import event_sequences


def final_round(case_id, **rejection):
    return [
        event(case_id, "application_received", "2026-03-02T09:00+01:00"),
        event(case_id, "interview_scheduled", "2026-03-03T09:00+01:00", round="final"),
        event(case_id, "rejected", "2026-03-09T11:00+01:00", channel="phone", **rejection),
    ]


def test_only_acme_rules_are_loaded(cx_engine):
    assert sorted(c for c in cx_engine.rules if c.startswith("ACME")) == [
        "ACME101",
        "ACME102",
        "ACME103",
        "ACME104",
    ]
    assert "CX401" not in cx_engine.rules


def test_manager_calls_final_round(cx_engine):
    assert outcomes(run(cx_engine, final_round("a", actor_role="hiring_manager")), "ACME101") == [
        "passed"
    ]
    (finding,) = findings_of(run(cx_engine, final_round("b", actor_role="recruiter")), "ACME101")
    assert finding.outcome is Outcome.VIOLATED
    assert outcomes(run(cx_engine, final_round("c")), "ACME101") == []  # no role: not judged


def test_friday_afternoon_in_the_policy_time_zone(cx_engine_factory):
    engine = cx_engine_factory(policy=Policy(timezone="Europe/Copenhagen"))
    late = [*final_round("a")[:2], event("a", "rejected", "2026-03-06T15:00+01:00")]
    early = [*final_round("b")[:2], event("b", "rejected", "2026-03-06T14:59+01:00")]
    assert outcomes(run(engine, late), "ACME102") == ["violated"]
    assert outcomes(run(engine, early), "ACME102") == ["passed"]
    later = cx_engine_factory(
        policy=Policy(timezone="Europe/Copenhagen", rules={"ACME102": {"after_hour": 16}})
    )
    assert outcomes(run(later, late), "ACME102") == ["passed"]


def test_mobility_meeting_deadline(cx_engine_factory):
    engine = cx_engine_factory(policy=Policy(timezone="Europe/Copenhagen"))
    assert outcomes(run(engine, events(*MobilityMeeting.passing)), "ACME103") == ["passed"]
    assert outcomes(run(engine, events(*MobilityMeeting.violating)), "ACME103") == ["violated"]
    waiting = events(MobilityMeeting.passing[0])
    found = run(engine, waiting, as_of="2026-03-09T00:00+01:00")
    assert outcomes(found, "ACME103") == ["pending"]


def test_the_assessment_is_answered_in_time(cx_engine_factory):
    engine = cx_engine_factory(policy=Policy(timezone="Europe/Copenhagen"))
    assert outcomes(run(engine, events(*AssessmentReviewed.passing)), "ACME104") == ["passed"]
    assert outcomes(run(engine, events(*AssessmentReviewed.violating)), "ACME104") == ["violated"]


def test_without_acme_model_the_engine_says_which_hook_adds_the_activity():
    # Only the built-in plugin: the default model, without ACME's assessment stage.
    builtins_only = plugin_manager(autoload=False)
    with pytest.raises(PluginError, match=r"'assessment_submitted'.*cx_rules_process_model"):
        Engine(rules=[AssessmentReviewed], plugins=builtins_only)


# The fixtures are session-scoped, so @given takes them; the strategy draws on the model the
# installed plugins make, ACME's assessment stage included.  Whole sequences take longer to
# generate than Hypothesis' budget for one input.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=event_sequences(valid=None))
def test_no_sequence_breaks_the_rules(cx_engine, sequence):
    found = run(cx_engine, sequence)
    assert [f for f in found if f.code == "CX000"] == []


def test_the_strategies_know_acme_stage(cx_engine):
    sequence = find(
        event_sequences(valid=True),
        lambda es: any(e.activity == "assessment_submitted" for e in es),
    )
    assert [f for f in run(cx_engine, sequence) if f.code in ("CX000", "CX003")] == []
