"""The rule-model corners a newcomer meets (issue #18): decided, documented, tested."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings

from cx_rules import (
    Engine,
    EventConflict,
    EventOutOfOrder,
    Option,
    PluginError,
    Policy,
    PolicyError,
    Rule,
    Severity,
    Step,
    TransitionNotAllowed,
    UnknownActivity,
    audit,
    default_model,
)
from cx_rules.plugins import plugin_manager
from cx_rules.testing import event, findings_of, outcomes, run
from cx_rules.testing.strategies import unruly_sequences

T = "2026-03-02T09:00:00+01:00"
LATER = "2026-03-02T10:00:00+01:00"


def _engine(**kwargs):
    return Engine(plugins=plugin_manager(autoload=False), **kwargs)


# -- unknown activities ----------------------------------------------------------------------


def test_a_misspelt_activity_is_its_own_finding_with_a_suggestion():
    engine = _engine()
    found = run(
        engine,
        [event("c1", "application_received", T), event("c1", "aplication_acknowledged", LATER)],
    )
    (unknown,) = findings_of(found, "CX003")
    assert unknown.message == (
        "unknown activity 'aplication_acknowledged' at 2026-03-02T10:00:00+01:00: the process "
        "model 'default' does not know it (did you mean 'application_acknowledged' or "
        "'application_received'? a plugin "
        "adds activities with the cx_rules_process_model hook); the event is not recorded and "
        "the case stays 'applied'"
    )
    assert unknown.severity == Severity.ERROR
    # Not also reported as an illegal step.
    assert outcomes(found, "CX001") == ["passed"]


@pytest.mark.parametrize("ignore", [["CX001"], ["CX0"], ["ALL"]])
def test_an_unknown_activity_is_never_dropped_silently(ignore):
    engine = _engine(policy=Policy(ignore=ignore))
    case = engine.start("c1")
    case, _ = engine.record(case, event("c1", "application_received", T))
    after, found = engine.record(case, event("c1", "aplication_acknowledged", LATER))
    assert outcomes(found, "CX003") == ["violated"]
    # The case stays as it was: the model cannot say where an unknown activity leads.
    assert case.events == after.events
    assert after.state == "applied"


def test_strict_mode_raises_unknown_activity_a_transition_error_too():
    engine = _engine(strict=True)
    case, _ = engine.record(engine.start("c1"), event("c1", "application_received", T))
    with pytest.raises(UnknownActivity) as info:
        engine.record(case, event("c1", "aplication_acknowledged", LATER))
    assert isinstance(info.value, TransitionNotAllowed)
    assert info.value.suggestions[:1] == ("application_acknowledged",)
    assert str(info.value).startswith(
        "case 'c1': unknown activity 'aplication_acknowledged' at 2026-03-02T10:00:00+01:00"
    )


def test_a_known_activity_in_the_wrong_state_is_still_cx001():
    engine = _engine(strict=True)
    with pytest.raises(TransitionNotAllowed) as info:
        engine.record(engine.start("c1"), event("c1", "rejected", T))
    assert not isinstance(info.value, UnknownActivity)


def test_an_audit_counts_unknown_activities_as_unmapped():
    rows = [
        {"case_id": "c1", "activity": "application_received", "timestamp": T},
        {"case_id": "c1", "activity": "aplication_acknowledged", "timestamp": LATER},
    ]
    report = audit(rows)
    assert dict(report.input.unmapped_activities) == {"aplication_acknowledged": 1}
    assert [f for f in report.findings if f.code == "CX003"] == []


# -- rules for activities the model lacks ----------------------------------------------------


class _Assessed(Rule):
    code = "ACME901"
    name = "assessed"
    practice = "experience"
    severity = Severity.WARNING
    activities = frozenset({"assessment_completed"})

    def on_event(self, step: Step) -> None:
        step.passed()


def test_a_rule_for_an_activity_the_model_lacks_stops_the_build_naming_the_hook():
    with pytest.raises(PluginError) as info:
        _engine(rules=[_Assessed])
    assert str(info.value) == (
        "rule ACME901 assessed of plugin '<given>' subscribes to 'assessment_completed', which "
        "the process model 'default' does not know: a plugin adds it by implementing the "
        "cx_rules_process_model hook (see the plugin guide)"
    )


def test_with_a_model_given_the_error_says_to_extend_it():
    model = default_model().extend({"screening": {"assesment_started": "screening"}})
    with pytest.raises(PluginError, match=r"add it to the model given to the engine"):
        _engine(rules=[_Assessed], model=model)


def test_a_model_that_has_the_activity_builds_and_the_rule_runs():
    model = default_model().extend({"screening": {"assessment_completed": "screening"}})
    engine = _engine(rules=[_Assessed], model=model)
    found = run(
        engine,
        [
            event("c1", "application_received", T),
            event("c1", "screening_started", T),
            event("c1", "assessment_completed", LATER),
        ],
    )
    assert outcomes(found, "ACME901") == ["passed"]


def test_a_rule_the_policy_leaves_out_is_not_checked():
    engine = _engine(rules=[_Assessed], policy=Policy(ignore=["ACME"]))
    assert "ACME901" not in engine.rules


# -- data_deleted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state_events", "state"),
    [
        (("application_received", "screening_started", "offer_made", "offer_accepted"), "hired"),
        (("application_received", "rejected"), "rejected"),
        (("application_received", "withdrawn"), "withdrawn"),
        (("application_received", "screening_started", "offer_made", "offer_declined"), "declined"),
    ],
)
def test_deleting_data_is_allowed_in_every_closed_state_and_keeps_it(state_events, state):
    engine = _engine(strict=True)
    case = engine.start("c1")
    for n, activity in enumerate(state_events):
        case, _ = engine.record(case, event("c1", activity, f"2026-03-0{n + 2}T09:00:00+01:00"))
    assert state == case.state
    case, found = engine.record(case, event("c1", "data_deleted", "2026-03-20T09:00:00+01:00"))
    assert state == case.state
    assert [f for f in found if f.code == "CX001" and f.outcome.value == "violated"] == []


@pytest.mark.parametrize("open_state", ["applied", "screening", "interviewing", "offer"])
def test_deleting_the_data_of_an_open_case_closes_it_as_withdrawn(open_state):
    assert default_model().next_state(open_state, "data_deleted") == "withdrawn"


def test_data_cannot_be_deleted_before_there_is_an_application():
    assert default_model().next_state("new", "data_deleted") is None


# -- option ranges -----------------------------------------------------------------------------


class _Hours(Rule):
    code = "ACME902"
    name = "hours"
    practice = "experience"
    severity = Severity.INFO
    from_hour = Option(9, "the hour of the day from which", minimum=0, maximum=23)
    share = Option(0.5, "a share", maximum=1)


def test_a_value_above_the_maximum_is_refused_naming_rule_key_and_range():
    with pytest.raises(PolicyError) as info:
        _Hours(from_hour=25)
    assert str(info.value) == "rules.ACME902.from_hour: expected an integer from 0 to 23, got 25"
    with pytest.raises(PolicyError, match=r"expected a number from 0 to 1, got 1.5"):
        _Hours(share=1.5)
    assert _Hours(from_hour=23).from_hour == 23


def test_the_range_is_shown_as_a_policy_author_reads_it():
    assert _Hours.option_specs()["from_hour"].range == "0 to 23"
    assert Option(1, "n", minimum=1).range == "at least 1"
    assert Option(1, "n", minimum=None, maximum=5).range == "at most 5"
    assert Option("x", "a string").range == ""


def test_an_option_whose_bounds_are_crossed_is_a_programming_error():
    with pytest.raises(ValueError, match=r"maximum 1 is below its minimum 2"):
        Option(2, "n", minimum=2, maximum=1)


def test_every_built_in_number_option_has_a_maximum():
    engine = _engine()
    for info in engine.available.values():
        for key, spec in info.rule.option_specs().items():
            if isinstance(spec.default, int | float) and not isinstance(spec.default, bool):
                assert spec.maximum is not None, f"{info.rule.code}.{key}"


def test_a_huge_deadline_is_refused_when_the_engine_is_built():
    policy = Policy(rules={"CX401": {"business_days": 100_000_000}}, source="policy.toml")
    with pytest.raises(PolicyError) as info:
        _engine(policy=policy)
    assert str(info.value) == (
        "policy.toml: rules.CX401.business_days: expected an integer from 0 to 260, got "
        "100000000 (plugin 'cx_rules.builtin')"
    )


# -- duplicates and the calendar in the report -------------------------------------------------


def test_a_retried_event_is_read_twice_recorded_once_and_counted_as_a_duplicate():
    first = {
        "case_id": "c1",
        "activity": "application_received",
        "timestamp": T,
        "event_id": "e1",
    }
    rows = [
        first,
        dict(first),
        {**first, "activity": "rejected", "event_id": "e2", "timestamp": LATER},
    ]
    report = audit(rows)
    assert (report.input.lines, report.input.events, report.input.duplicates) == (3, 3, 1)
    # CX401 checked the application once (unknown: this log never acknowledges anything).
    tally = next(r for r in report.rules if r.code == "CX401").tally
    assert tally.passed + tally.violated + tally.unknown == 1
    from cx_rules.report import render

    assert '"duplicates": 1' in render(report, "json")
    assert "1 duplicate recorded once" in render(report, "text")


def test_the_report_says_which_calendar_it_counted_in():
    rows = [{"case_id": "c1", "activity": "application_received", "timestamp": T}]
    assert audit(rows).calendar.describe() == (
        "UTC, Monday to Friday, no holidays (the default calendar: set timezone and holidays "
        "in the policy)"
    )
    policy = Policy(timezone="Europe/Copenhagen", holidays=["2026-12-24"])
    calendar = audit(rows, policy=policy).calendar
    assert calendar.describe() == "Europe/Copenhagen, Monday to Friday, 1 holiday"
    assert not calendar.default


# -- properties and the command line ------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(sequence=unruly_sequences(default_model()))
def test_no_event_of_an_unknown_activity_is_ever_dropped_without_a_finding(sequence):
    # Every rule the policy can leave out is left out: CX003 still reports each one.
    known = _ENGINE.model.activities
    case = _ENGINE.start("c1")
    for e in sorted(sequence, key=lambda e: e.timestamp):
        try:
            after, found = _ENGINE.record(case, e)
        except (EventConflict, EventOutOfOrder):
            continue
        if e.activity not in known:
            assert after.events == case.events
            assert [f.evidence for f in found if f.code == "CX003"] == [(e,)]
        case = after


_ENGINE = Engine(Policy(ignore=["ALL"]), plugins=plugin_manager(autoload=False))


def test_the_command_line_shows_ranges_and_the_calendar(tmp_path):
    log = tmp_path / "log.jsonl"
    record = {"case_id": "c1", "activity": "application_received", "timestamp": T}
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    run_cli = functools.partial(
        subprocess.run, capture_output=True, text=True, check=True, timeout=120
    )
    page = run_cli([sys.executable, "-m", "cx_rules", "rule", "CX401"]).stdout
    assert "| `business_days` | an integer, 0 to 260 | `2` |" in page
    report = run_cli([sys.executable, "-m", "cx_rules", "audit", str(log)]).stdout
    assert report.splitlines()[2] == (
        "Calendar: UTC, Monday to Friday, no holidays (the default calendar: set timezone and "
        "holidays in the policy)"
    )
    policy = tmp_path / "policy.toml"
    policy.write_text('timezone = "Europe/Copenhagen"\n[rules.CX401]\nbusiness_days = 100000000\n')
    refused = subprocess.run(
        [sys.executable, "-m", "cx_rules", "audit", str(log), "--policy", str(policy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "rules.CX401.business_days: expected an integer from 0 to 260, got 100000000" in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr
