"""The privacy rules CX502 (talent-pool consent) and CX503 (retention limit)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings

from cx_rules import Engine, Outcome, Policy
from cx_rules.rules.privacy import RULES, RetentionLimit, TalentPoolConsent
from cx_rules.testing import event, outcomes, run
from cx_rules.testing.strategies import event_sequences

SECRET = "Dear Ann, you were not technical enough"


def engine(rule, **policy):
    return Engine(Policy(timezone="Europe/Copenhagen", **policy), rules=[rule])


def ev(activity, timestamp, **attributes):
    return event("c1", activity, timestamp, **attributes)


def at(text):
    return datetime.fromisoformat(text)


def rejected(when="2026-03-06T10:00:00+01:00"):
    return [
        ev("application_received", "2026-03-02T09:00:00+01:00"),
        ev("rejected", when, reason=SECRET),
    ]


def test_the_module_lists_its_rules():
    assert [r.code for r in RULES] == ["CX502", "CX503"]


# -- CX502 talent-pool-consent ------------------------------------------------------------


def test_cx502_joining_with_consent_passes():
    stream = [*rejected(), ev("talent_pool_joined", "2026-03-09T12:00:00+01:00", consent=True)]
    (found,) = run(engine(TalentPoolConsent), stream)
    assert (found.outcome, found.severity.value, found.evidence, found.message) == (
        Outcome.PASSED,
        "error",
        (stream[2],),
        "the candidate joined the talent pool with consent (talent_pool_joined at "
        "2026-03-09T12:00:00+01:00)",
    )


def test_cx502_joining_without_a_consent_record_violates_rather_than_unknown():
    stream = [*rejected(), ev("talent_pool_joined", "2026-03-09T12:00:00+01:00")]
    (found,) = run(engine(TalentPoolConsent), stream)
    assert (found.outcome, found.missing, found.message) == (
        Outcome.VIOLATED,
        None,
        "the candidate joined the talent pool (talent_pool_joined at "
        "2026-03-09T12:00:00+01:00) with no consent recorded",
    )


@pytest.mark.parametrize("consent", [False, "yes", "true", 1, SECRET])
def test_cx502_anything_but_a_recorded_true_violates(consent):
    stream = [*rejected(), ev("talent_pool_joined", "2026-03-09T12:00:00+01:00", consent=consent)]
    (found,) = run(engine(TalentPoolConsent), stream)
    assert (found.outcome, found.message) == (
        Outcome.VIOLATED,
        "the candidate joined the talent pool (talent_pool_joined at "
        "2026-03-09T12:00:00+01:00) without consent: consent is not recorded as true",
    )


def test_cx502_a_blank_consent_counts_as_not_recorded():
    stream = [*rejected(), ev("talent_pool_joined", "2026-03-09T12:00:00+01:00", consent=" ")]
    (found,) = run(engine(TalentPoolConsent), stream)
    assert found.message.endswith("with no consent recorded")


def test_cx502_judges_every_join_while_the_case_is_open_too():
    stream = [
        ev("application_received", "2026-03-02T09:00:00+01:00"),
        ev("talent_pool_joined", "2026-03-03T12:00:00+01:00", consent=True),
        ev("talent_pool_joined", "2026-03-04T12:00:00+01:00", consent=False),
    ]
    assert outcomes(run(engine(TalentPoolConsent), stream), "CX502") == ["passed", "violated"]


def test_cx502_does_not_apply_without_a_join():
    stream = [*rejected(), ev("talent_pool_offered", "2026-03-09T12:00:00+01:00")]
    assert run(engine(TalentPoolConsent), stream, as_of="2027-01-01T00:00:00+01:00") == []


# -- CX503 retention-limit ----------------------------------------------------------------


def test_cx503_deleting_within_180_days_passes():
    stream = [*rejected(), ev("data_deleted", "2026-08-31T10:00:00+02:00")]
    (found,) = run(engine(RetentionLimit), stream)
    assert (found.outcome, found.due, found.evidence, found.message) == (
        Outcome.PASSED,
        at("2026-09-02T10:00:00+02:00"),
        (stream[1], stream[2]),
        "candidate data deleted within 180 days of the case closing: done at "
        "2026-08-31T10:00:00+02:00",
    )
    assert SECRET not in found.message


def test_cx503_keeping_data_past_the_limit_violates():
    stream = rejected()
    (found,) = run(engine(RetentionLimit), stream, as_of="2027-01-01T00:00:00+01:00")
    assert (found.outcome, found.at, found.evidence, found.message) == (
        Outcome.VIOLATED,
        at("2026-09-02T10:00:00+02:00"),
        (stream[1],),
        "candidate data deleted within 180 days of the case closing: not done by "
        "2026-09-02T10:00:00+02:00",
    )


@pytest.mark.parametrize(
    ("deleted", "expected"),
    [("2026-09-02T17:00:00+02:00", ["passed"]), ("2026-09-02T17:01:00+02:00", ["violated"])],
)
def test_cx503_exactly_at_the_deadline_is_on_time_across_the_spring_change(deleted, expected):
    # Closed at 17:00 CET; 180 days later it is 17:00 CEST, an hour less of real time.
    stream = [*rejected("2026-03-06T17:00:00+01:00"), ev("data_deleted", deleted)]
    assert outcomes(run(engine(RetentionLimit), stream), "CX503") == expected


def test_cx503_keeps_the_wall_clock_across_the_autumn_change():
    stream = rejected("2026-05-01T17:00:00+02:00")
    (found,) = run(engine(RetentionLimit), stream, as_of="2026-05-02T00:00:00+02:00")
    assert (found.outcome, found.due.isoformat()) == (Outcome.PENDING, "2026-10-28T17:00:00+01:00")


def test_cx503_counts_weekends_and_holidays_as_days():
    # Calendar days: the limit may end on a Saturday or on Christmas Day.
    policy = {"holidays": [date(2026, 12, 25)]}
    stream = rejected("2026-06-28T12:00:00+02:00")
    (found,) = run(engine(RetentionLimit, **policy), stream, as_of="2026-06-29T00:00:00+02:00")
    assert found.due == at("2026-12-25T12:00:00+01:00")


@pytest.mark.parametrize(
    "closing",
    [
        ["rejected"],
        ["withdrawn"],
        ["screening_started", "offer_made", "offer_declined"],
    ],
)
def test_cx503_every_closing_without_a_hire_opens_the_limit(closing):
    stream = [ev("application_received", "2026-03-02T09:00:00+01:00")]
    stream += [ev(a, f"2026-03-{5 + n:02d}T10:00:00+01:00") for n, a in enumerate(closing)]
    found = run(engine(RetentionLimit), stream, as_of="2026-03-31T00:00:00+02:00")
    assert [(f.outcome, f.evidence) for f in found] == [(Outcome.PENDING, (stream[-1],))]


def test_cx503_a_hired_candidate_is_out_of_scope():
    stream = [
        ev("application_received", "2026-03-02T09:00:00+01:00"),
        ev("screening_started", "2026-03-03T10:00:00+01:00"),
        ev("offer_made", "2026-03-04T10:00:00+01:00"),
        ev("offer_accepted", "2026-03-05T10:00:00+01:00"),
    ]
    assert run(engine(RetentionLimit), stream, as_of="2028-01-01T00:00:00+01:00") == []


def test_cx503_an_open_case_is_not_yet_in_scope():
    stream = [ev("application_received", "2026-03-02T09:00:00+01:00")]
    assert run(engine(RetentionLimit), stream, as_of="2028-01-01T00:00:00+01:00") == []


def test_cx503_deleting_the_data_of_an_open_case_closes_it_and_passes():
    stream = [
        ev("application_received", "2026-03-02T09:00:00+01:00"),
        ev("data_deleted", "2026-03-03T09:00:00+01:00"),
    ]
    (found,) = run(engine(RetentionLimit), stream, as_of="2028-01-01T00:00:00+01:00")
    assert (found.outcome, found.message) == (
        Outcome.PASSED,
        "the data was deleted as the case closed (data_deleted at 2026-03-03T09:00:00+01:00)",
    )


def test_cx503_consent_to_the_talent_pool_after_closing_ends_the_limit():
    stream = [*rejected(), ev("talent_pool_joined", "2026-03-09T12:00:00+01:00", consent=True)]
    assert run(engine(RetentionLimit), stream, as_of="2028-01-01T00:00:00+01:00") == []


def test_cx503_consent_before_closing_means_no_limit_opens():
    stream = rejected()
    stream.insert(1, ev("talent_pool_joined", "2026-03-04T12:00:00+01:00", consent=True))
    stream.append(ev("data_deleted", "2027-06-01T12:00:00+02:00"))
    assert run(engine(RetentionLimit), stream, as_of="2028-01-01T00:00:00+01:00") == []


@pytest.mark.parametrize("consent", [None, False, "yes"])
def test_cx503_joining_without_consent_does_not_end_the_limit(consent):
    joined = ev("talent_pool_joined", "2026-03-09T12:00:00+01:00", consent=consent)
    stream = [*rejected(), joined]
    found = run(engine(RetentionLimit), stream, as_of="2027-01-01T00:00:00+01:00")
    assert outcomes(found, "CX503") == ["violated"]


def test_cx503_a_late_deletion_is_reported_once():
    stream = [*rejected(), ev("data_deleted", "2027-03-08T10:00:00+01:00")]
    found = run(engine(RetentionLimit), stream, as_of="2028-01-01T00:00:00+01:00")
    assert [(f.outcome, f.at, f.due, f.late) for f in found] == [
        (
            Outcome.VIOLATED,
            at("2027-03-08T10:00:00+01:00"),
            at("2026-09-02T10:00:00+02:00"),
            timedelta(days=187, hours=1),
        )
    ]


def test_cx503_never_unknown_even_under_a_strict_evidence_policy():
    found = run(
        engine(RetentionLimit, missing_evidence="violation"),
        rejected(),
        as_of="2026-03-07T00:00:00+01:00",
    )
    assert [(f.outcome, f.missing) for f in found] == [(Outcome.PENDING, None)]


def test_cx503_three_years_is_an_option():
    rule = engine(RetentionLimit, rules={"CX503": {"days": 1095}})
    (found,) = run(rule, rejected(), as_of="2026-03-07T00:00:00+01:00")
    assert found.due == at("2029-03-05T10:00:00+01:00")


def test_cx503_closed_states_is_an_option():
    rule = engine(RetentionLimit, rules={"CX503": {"closed_states": ["withdrawn"]}})
    assert run(rule, rejected(), as_of="2028-01-01T00:00:00+01:00") == []


@settings(max_examples=60)
@given(event_sequences(valid=None, max_size=15))
def test_the_rules_never_fail_on_any_log(stream):
    checked = Engine(Policy(timezone="Europe/Copenhagen"), rules=RULES)
    found = run(checked, stream, as_of=stream[-1].timestamp if stream else None)
    assert [f for f in found if f.code == "CX000"] == []
