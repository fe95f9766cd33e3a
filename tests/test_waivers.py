from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cx_rules import Finding, Outcome, PolicyError, Severity
from cx_rules.waivers import Waiver, Waivers, parse_waivers

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def finding(code="CX104", case_id="c-17", at="2026-03-02T10:00:00+01:00", outcome=Outcome.VIOLATED):
    return Finding(
        case_id=case_id,
        code=code,
        outcome=outcome,
        severity=Severity.ERROR,
        message="no contact for 20 days",
        at=datetime.fromisoformat(at),
    )


WAIVERS = parse_waivers(
    [
        {
            "rule": "CX104",
            "cases": ["c-17", "job-9/*"],
            "justification": "the candidate asked for no contact during parental leave",
            "expires": date(2026, 6, 30),
        },
        {"rule": "CX5", "cases": "c-99", "justification": "legal hold", "expires": "2026-01-31"},
    ],
    "policy.toml",
)


def test_parse():
    assert WAIVERS[1] == Waiver("CX5", ("c-99",), "legal hold", date(2026, 1, 31), 2)


def test_a_covered_violation_is_waived_not_dropped():
    waivers = Waivers(WAIVERS, COPENHAGEN)
    found = (finding(), finding(case_id="job-9/a"), finding(case_id="c-18"), finding(code="CX101"))
    applied = waivers.apply(found)
    assert [f.outcome for f in applied] == [
        Outcome.WAIVED,
        Outcome.WAIVED,
        Outcome.VIOLATED,
        Outcome.VIOLATED,
    ]
    assert applied[0].message == found[0].message
    assert applied[0].waived_by == (
        "waiver 1 (CX104 for c-17, job-9/*, until 2026-06-30): the candidate asked for no "
        "contact during parental leave"
    )


def test_expiry_is_the_last_covered_day_in_the_policy_zone():
    waivers = Waivers(WAIVERS, COPENHAGEN)
    last = finding(at="2026-06-30T23:30:00+02:00")
    after = finding(at="2026-06-30T22:30:00+00:00")  # 00:30 on 1 July in Copenhagen
    assert [f.outcome for f in waivers.apply((last, after))] == [Outcome.WAIVED, Outcome.VIOLATED]


def test_passed_and_pending_are_never_waived():
    waivers = Waivers(WAIVERS, COPENHAGEN)
    found = (finding(outcome=Outcome.PASSED), finding(outcome=Outcome.PENDING))
    assert waivers.apply(found) == found


def test_unused_and_expired_waivers_are_reported():
    waivers = Waivers(WAIVERS, COPENHAGEN)
    applied = waivers.apply((finding(),))
    notes = waivers.unused((f.waived_by for f in applied), datetime(2026, 3, 1, tzinfo=UTC))
    assert [(n.code, n.outcome, n.message) for n in notes] == [
        (
            "CX002",
            Outcome.VIOLATED,
            "waiver 2 (CX5 for c-99, until 2026-01-31) covered no finding and expired on "
            "2026-01-31; remove or renew it",
        )
    ]
    first = waivers.unused((), datetime(2026, 7, 1, 12, tzinfo=UTC))[0]
    assert first.message == (
        "waiver 1 (CX104 for c-17, job-9/*, until 2026-06-30) covered no finding and expired "
        "on 2026-06-30; remove or renew it"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"rule": "CX1", "cases": ["a"], "justification": "x"}, "waivers[1]: expires is required"),
        (
            {"rule": "CX1", "cases": [], "justification": "x", "expires": "2026-01-01"},
            "waivers[1].cases: expected a list of case ids or patterns, got []",
        ),
        (
            {"rule": "CX1", "cases": ["a"], "justification": " ", "expires": "2026-01-01"},
            "waivers[1].justification: expected a non-empty string",
        ),
        (
            {"rule": "CX1", "cases": ["a"], "justification": "x", "expires": "soon"},
            "waivers[1].expires: 'soon' is not a date (expected YYYY-MM-DD)",
        ),
        (
            {"rule": "CX1", "cases": ["a"], "justification": "x", "expires": "2026-01-01", "by": 1},
            "waivers[1]: unknown key 'by' (expected rule, cases, justification, expires)",
        ),
    ],
)
def test_bad_waivers_name_the_waiver_and_key(table, message):
    with pytest.raises(PolicyError) as info:
        parse_waivers([table], "policy.toml")
    assert str(info.value) == f"policy.toml: {message}"


POLICY = """
timezone = "Europe/Copenhagen"

[[waivers]]
rule = "CX401"
cases = ["late-*"]
justification = "the ATS was down for a week; acknowledgements went out by hand"
expires = 2026-03-31

[[waivers]]
rule = "CX5"
cases = ["nobody"]
justification = "legal hold"
expires = 2026-01-31
"""


def test_engine_and_audit_apply_the_policy_waivers(tmp_path):
    from cx_rules import Engine, Policy, audit
    from cx_rules.testing import event, outcomes, run

    path = tmp_path / "policy.toml"
    path.write_text(POLICY, encoding="utf-8")
    policy = Policy.load(path)
    late = [
        event("late-1", "application_received", "2026-03-02T09:00+01:00"),
        event("late-1", "application_acknowledged", "2026-03-09T09:00+01:00"),
    ]
    other = [event("c-2", e.activity, e.timestamp) for e in late]
    engine = Engine(policy)
    assert outcomes(run(engine, late), "CX401") == ["waived"]
    assert outcomes(run(engine, other), "CX401") == ["violated"]

    report = audit([*late, *other], policy=policy)
    listed = [
        (f.case_id, f.code, f.outcome.value)
        for f in report.findings
        if f.code in ("CX401", "CX002")
    ]
    assert listed == [
        ("", "CX002", "violated"),
        ("c-2", "CX401", "violated"),
        ("late-1", "CX401", "waived"),
    ]
    (note,) = [f for f in report.findings if f.code == "CX002"]
    assert note.message == (
        "waiver 2 (CX5 for nobody, until 2026-01-31) covered no finding and expired on "
        "2026-01-31; remove or renew it"
    )


def test_a_case_id_with_a_colon_is_still_recognised_as_used():
    waivers = Waivers(
        parse_waivers(
            [{"rule": "CX101", "cases": ["app:1"], "justification": "x", "expires": "2026-12-31"}],
            "p.toml",
        ),
        COPENHAGEN,
    )
    applied = waivers.apply((finding(code="CX101", case_id="app:1"),))
    assert applied[0].outcome is Outcome.WAIVED
    assert waivers.unused((f.waived_by for f in applied), datetime(2026, 3, 1, tzinfo=UTC)) == []
