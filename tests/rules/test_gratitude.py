"""CX201 thanks-on-rejection and CX202 personal-thanks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from cx_rules.events import Event
from cx_rules.findings import Finding
from cx_rules.rule import Rule
from cx_rules.rules.gratitude import RULES, PersonalThanks, ThanksOnRejection
from cx_rules.testing import events, findings_of, outcomes, run
from rulekit import engine, ev, only

LATER = "2026-06-01T00:00:00+02:00"


APPLIED = ev("application_received", "2026-02-16T09:00:00+01:00")
INTERVIEWED = [
    APPLIED,
    ev("interview_scheduled", "2026-02-17T10:00:00+01:00", channel="email"),
    ev("interview_held", "2026-02-26T13:00:00+01:00", channel="meeting"),
]

EXAMPLES = {
    "CX201": (["passed"], ["violated"]),
    "CX202": (["passed"], ["violated"]),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_examples_pass_and_violate(rule: type[Rule]) -> None:
    eng = engine(rule)
    results = []
    for lines in (rule.passing, rule.violating):
        stream = events(*lines)
        results.append(outcomes(run(eng, stream, as_of=stream[-1].timestamp), rule.code))
    assert EXAMPLES[rule.code] == tuple(results)


# -- CX201 thanks-on-rejection -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "why"),
    [
        ({"thanked": True}, ""),
        ({"thanked": "yes"}, ""),
        ({"text": "Thank you for the time you gave us."}, " (a thank-you)"),
        ({"text": "Mange tak for din ansøgning."}, " (a thank-you)"),
        ({"text": "Vi sætter stor pris på den tid, du har brugt."}, " (appreciation)"),
        # The flag wins over text without thanks.
        ({"thanked": True, "text": "We chose another candidate."}, ""),
    ],
)
def test_cx201_a_rejection_that_thanks_passes(attributes: dict[str, object], why: str) -> None:
    found = run(
        engine(ThanksOnRejection),
        [APPLIED, ev("rejected", "2026-03-02T10:00:00+01:00", **attributes)],
        as_of=LATER,
    )
    finding = only(found, "CX201")
    assert (
        finding.outcome.value,
        finding.message,
    ) == ("passed", f"rejection on 2026-03-02 thanks the candidate{why}")


@pytest.mark.parametrize(
    ("attributes", "why"),
    [
        ({"thanked": False}, ""),
        ({"thanked": "false"}, ""),
        (
            {"text": "Vi har valgt en anden kandidat."},
            " (the text of the rejection has no words of thanks)",
        ),
        (
            {"text": "Vi må desværre takke nej til din ansøgning."},
            " (the text of the rejection reads as a refusal, not as thanks)",
        ),
        # The flag wins over text that thanks.
        ({"thanked": False, "text": "Thank you for applying."}, ""),
    ],
)
def test_cx201_a_rejection_without_thanks_and_no_thank_you_is_a_violation(
    attributes: dict[str, object], why: str
) -> None:
    rejection = ev("rejected", "2026-03-02T10:00:00+01:00", **attributes)
    finding = only(run(engine(ThanksOnRejection), [APPLIED, rejection], as_of=LATER), "CX201")
    assert (
        "violated",
        f"candidate thanked within 2 business days of the rejection{why}: not done by "
        "2026-03-04T10:00:00+01:00",
        (rejection,),
        None,
    ) == (finding.outcome.value, finding.message, finding.evidence, finding.missing)


def test_cx201_a_thank_you_in_time_makes_up_for_the_rejection() -> None:
    found = run(
        engine(ThanksOnRejection),
        [
            APPLIED,
            ev("rejected", "2026-03-02T10:00:00+01:00", thanked=False),
            ev("thank_you_sent", "2026-03-03T10:00:00+01:00", channel="email"),
        ],
        as_of=LATER,
    )
    assert outcomes(found, "CX201") == ["passed"]


def test_cx201_with_neither_flag_nor_text_a_missing_thank_you_is_unknown() -> None:
    rejection = ev("rejected", "2026-03-02T10:00:00+01:00", channel="email")
    finding = only(run(engine(ThanksOnRejection), [APPLIED, rejection], as_of=LATER), "CX201")
    assert (finding.outcome.value, finding.missing, finding.message) == (
        "unknown",
        "thanked",
        "candidate thanked within 2 business days of the rejection: not done by "
        "2026-03-04T10:00:00+01:00 (thanked not recorded)",
    )


def test_cx201_with_neither_flag_nor_text_a_late_thank_you_is_unknown() -> None:
    found = run(
        engine(ThanksOnRejection),
        [
            APPLIED,
            ev("rejected", "2026-03-02T10:00:00+01:00", channel="email"),
            ev("thank_you_sent", "2026-03-04T10:01:00+01:00", channel="email"),
        ],
    )
    finding = only(found, "CX201")
    assert (finding.outcome.value, finding.missing, finding.message) == (
        "unknown",
        "thanked",
        "candidate thanked within 2 business days of the rejection: the thank-you came 1min "
        "late (due 2026-03-04T10:00:00+01:00) and whether the rejection thanked is not recorded",
    )


def test_cx201_missing_evidence_can_count_as_a_violation() -> None:
    found = run(
        engine(ThanksOnRejection, missing_evidence="violation"),
        [APPLIED, ev("rejected", "2026-03-02T10:00:00+01:00")],
        as_of=LATER,
    )
    assert [(f.outcome.value, f.missing) for f in findings_of(found, "CX201")] == [
        ("violated", "thanked")
    ]


@pytest.mark.parametrize(
    ("rejected", "due", "holidays"),
    [
        # Monday 17:00 -> Wednesday 17:00.
        ("2026-03-02T17:00:00+01:00", "2026-03-04T17:00:00+01:00", ()),
        # Thursday -> Monday, across the weekend.
        ("2026-03-05T17:00:00+01:00", "2026-03-09T17:00:00+01:00", ()),
        # Thursday -> Tuesday when Monday is a holiday.
        ("2026-03-05T17:00:00+01:00", "2026-03-10T17:00:00+01:00", (date(2026, 3, 9),)),
        # Across the spring daylight-saving change.
        ("2026-03-26T17:00:00+01:00", "2026-03-30T17:00:00+02:00", ()),
        # Across the autumn change.
        ("2026-10-22T17:00:00+02:00", "2026-10-26T17:00:00+01:00", ()),
    ],
)
def test_cx201_a_thank_you_at_the_due_time_is_on_time_and_a_minute_later_is_late(
    rejected: str, due: str, holidays: tuple[date, ...]
) -> None:
    eng = engine(ThanksOnRejection, holidays=holidays)
    start = [APPLIED, ev("rejected", rejected, thanked=False)]
    late_at = (datetime.fromisoformat(due) + timedelta(minutes=1)).isoformat()
    on_time = only(run(eng, [*start, ev("thank_you_sent", due)]), "CX201")
    late = only(run(eng, [*start, ev("thank_you_sent", late_at)]), "CX201")
    assert (
        ("passed", datetime.fromisoformat(due), None),
        ("violated", datetime.fromisoformat(due), timedelta(minutes=1)),
    ) == (
        (on_time.outcome.value, on_time.due, on_time.late),
        (late.outcome.value, late.due, late.late),
    )


def test_cx201_does_not_apply_without_a_rejection() -> None:
    found = run(
        engine(ThanksOnRejection),
        [APPLIED, ev("thank_you_sent", "2026-02-17T10:00:00+01:00")],
        as_of=LATER,
    )
    assert findings_of(found, "CX201") == []


def test_cx201_deleting_the_data_in_time_ends_the_obligation() -> None:
    found = run(
        engine(ThanksOnRejection),
        [
            APPLIED,
            ev("rejected", "2026-03-02T10:00:00+01:00", thanked=False),
            ev("data_deleted", "2026-03-03T10:00:00+01:00"),
        ],
        as_of=LATER,
    )
    assert findings_of(found, "CX201") == []


def test_cx201_business_days_is_an_option() -> None:
    found = run(
        engine(ThanksOnRejection, business_days=5),
        [
            APPLIED,
            ev("rejected", "2026-03-02T10:00:00+01:00", thanked=False),
            ev("thank_you_sent", "2026-03-09T10:00:00+01:00"),
        ],
    )
    assert outcomes(found, "CX201") == ["passed"]


# -- CX202 personal-thanks ---------------------------------------------------------------------


def judged(*tail: Event, **options: Any) -> list[Finding]:
    return findings_of(run(engine(PersonalThanks, **options), [*INTERVIEWED, *tail]), "CX202")


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        # The personal flag wins over everything.
        (
            {"personal": True, "template": True, "channel": "email"},
            ("passed", "the thanks in the rejection on 2026-03-02 is marked personal"),
        ),
        (
            {"personal": False, "channel": "phone"},
            ("violated", "the thanks in the rejection on 2026-03-02 is marked as not personal"),
        ),
        (
            {"template": True, "channel": "phone"},
            ("violated", "the thanks in the rejection on 2026-03-02 is marked as a template"),
        ),
        (
            {"text": "Dear {first_name}, thank you for your time.", "channel": "email"},
            (
                "violated",
                "the thanks in the rejection on 2026-03-02 still has unfilled template "
                "placeholders (a field in braces)",
            ),
        ),
        (
            {"text": "Kære [NAVN], tak for samtalen.", "channel": "email"},
            (
                "violated",
                "the thanks in the rejection on 2026-03-02 still has unfilled template "
                "placeholders (a field in square brackets)",
            ),
        ),
        (
            {"thanked": True, "channel": "video"},
            ("passed", "the thanks in the rejection on 2026-03-02 was given by video"),
        ),
    ],
)
def test_cx202_judges_a_rejection_that_thanks(
    attributes: dict[str, object], expected: tuple[str, str]
) -> None:
    [finding] = judged(
        ev("rejected", "2026-03-02T15:00:00+01:00", **{"thanked": True, **attributes})
    )
    assert expected == (finding.outcome.value, finding.message)


def test_cx202_thanks_by_email_without_placeholders_is_unknown() -> None:
    [finding] = judged(
        ev(
            "rejected",
            "2026-03-02T15:00:00+01:00",
            channel="email",
            text="Dear Anna, thank you for your time.",
        )
    )
    assert (finding.outcome.value, finding.missing, finding.message) == (
        "unknown",
        "personal",
        "the thanks in the rejection on 2026-03-02: whether it was personal is not recorded",
    )


def test_cx202_an_explicit_template_false_wins_over_the_text() -> None:
    # Not a template by the flag, yet nothing says personal: unknown, not violated.
    [finding] = judged(
        ev(
            "rejected",
            "2026-03-02T15:00:00+01:00",
            channel="email",
            template=False,
            text="Dear {first_name}, thank you.",
        )
    )
    assert (finding.outcome.value, finding.missing) == ("unknown", "personal")


def test_cx202_a_rejection_that_does_not_thank_is_left_to_the_thank_you() -> None:
    found = judged(
        ev("rejected", "2026-03-02T15:00:00+01:00", channel="email", thanked=False),
        ev("thank_you_sent", "2026-03-03T10:00:00+01:00", channel="email", personal=True),
    )
    assert [(f.outcome.value, f.message) for f in found] == [
        ("passed", "the thank-you on 2026-03-03 is marked personal")
    ]


def test_cx202_a_templated_thank_you_is_a_violation_and_never_quoted() -> None:
    text = "Hej {{ fornavn }}, mange tak for din tid."
    [finding] = judged(
        ev("rejected", "2026-03-02T15:00:00+01:00", channel="email"),
        ev("thank_you_sent", "2026-03-03T10:00:00+01:00", channel="email", text=text),
    )
    assert (finding.outcome.value, finding.message) == (
        "violated",
        "the thank-you on 2026-03-03 still has unfilled template placeholders (a template "
        "expression in double braces)",
    )


def test_cx202_does_not_apply_before_an_interview() -> None:
    found = run(
        engine(PersonalThanks),
        [
            APPLIED,
            ev("rejected", "2026-03-02T15:00:00+01:00", channel="email", thanked=True),
            ev("thank_you_sent", "2026-03-03T10:00:00+01:00", template=True),
        ],
        as_of=LATER,
    )
    assert findings_of(found, "CX202") == []


def test_cx202_min_interviews_and_channels_are_options() -> None:
    rejection = ev("rejected", "2026-03-02T15:00:00+01:00", channel="phone", thanked=True)
    assert (
        judged(rejection, min_interviews=2),
        [f.outcome.value for f in judged(rejection, personal_channels=["meeting"])],
    ) == ([], ["unknown"])


def test_cx202_unknown_counts_as_violated_under_a_strict_policy() -> None:
    rejection = ev("rejected", "2026-03-02T15:00:00+01:00", channel="email", thanked=True)
    [finding] = judged(rejection, missing_evidence="violation")
    assert (finding.outcome.value, finding.missing) == ("violated", "personal")
