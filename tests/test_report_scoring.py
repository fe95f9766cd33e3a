"""The score formula, tallies and the report's questions (worst cases, violations)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import Outcome, Severity
from cx_rules.report import (
    CaseScore,
    InputSummary,
    Report,
    ReportFinding,
    Tally,
    score,
)

AT = datetime.fromisoformat("2026-03-02T09:00:00+01:00")


def test_compliance_is_passed_over_judged() -> None:
    assert Tally(passed=3, violated=1, unknown=9, pending=9, waived=9).compliance == 75.0
    assert None is Tally(unknown=2, pending=1).compliance


def test_tallies_add_and_come_from_counts() -> None:
    assert Tally(1, 2, 3, 4, 5) == Tally(1, 0, 3, 0, 5) + Tally(0, 2, 0, 4, 0)
    assert Tally(passed=2, waived=1) == Tally.of({Outcome.PASSED: 2, Outcome.WAIVED: 1})


def test_score_weights_each_rule_once_by_severity() -> None:
    # An error rule at 100% on 300 checks and a warning rule at 10% on 10 checks:
    # (3 * 1.0 + 2 * 0.1) / (3 + 2) = 64%, however many checks the error rule made.
    rules = [
        (Severity.ERROR, Tally(passed=300)),
        (Severity.WARNING, Tally(passed=1, violated=9)),
    ]

    assert pytest.approx(score(rules)) == 64.0


def test_score_leaves_out_unknown_pending_waived_and_unjudged_rules() -> None:
    rules = [
        (Severity.INFO, Tally(passed=1, violated=1, unknown=5, pending=5, waived=5)),
        (Severity.ERROR, Tally(unknown=3)),
    ]

    assert score(rules) == 50.0
    assert None is score([(Severity.ERROR, Tally(pending=1))])
    assert None is score([])


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Severity)),
            st.builds(
                Tally,
                st.integers(0, 50),
                st.integers(0, 50),
                st.integers(0, 5),
                st.integers(0, 5),
                st.integers(0, 5),
            ),
        ),
        max_size=8,
    )
)
def test_score_is_a_percentage_or_none(rules: list[tuple[Severity, Tally]]) -> None:
    value = score(rules)
    judged = [t for _, t in rules if t.judged]
    assert (value is None) == (not judged)
    if value is not None:
        assert 0.0 <= value <= 100.0
        assert (value == 100.0) == all(t.violated == 0 for t in judged)


def _finding(case: str, outcome: Outcome, severity: Severity) -> ReportFinding:
    return ReportFinding(
        case_id=case,
        code="CX401",
        name="acknowledge-application",
        practice="experience",
        severity=severity,
        outcome=outcome,
        message="m",
        at=AT,
        due=None,
        missing=None,
        evidence=(),
    )


def _report(cases: tuple[CaseScore, ...] = (), findings: tuple[ReportFinding, ...] = ()) -> Report:
    return Report(
        as_of=AT,
        input=InputSummary(),
        score=None,
        tally=Tally(),
        rules=(),
        practices=(),
        cases=cases,
        findings=findings,
    )


def test_violations_count_violated_findings_at_or_above_a_severity() -> None:
    report = _report(
        findings=(
            _finding("c1", Outcome.VIOLATED, Severity.WARNING),
            _finding("c1", Outcome.UNKNOWN, Severity.ERROR),
            _finding("c2", Outcome.WAIVED, Severity.ERROR),
            _finding("c2", Outcome.VIOLATED, Severity.INFO),
        )
    )

    assert (
        report.violations(Severity.ERROR),
        report.violations(Severity.WARNING),
        report.violations(Severity.INFO),
    ) == (0, 1, 2)


def test_worst_cases_most_violations_first_then_lowest_score() -> None:
    cases = (
        CaseScore("a", None, "rejected", Tally(passed=1, violated=1), 50.0),
        CaseScore("b", None, "rejected", Tally(passed=9), 100.0),
        CaseScore("c", None, "rejected", Tally(passed=2, violated=2), 50.0),
        CaseScore("d", None, "applied", Tally(violated=1), 0.0),
        CaseScore("e", None, "applied", Tally(violated=1, unknown=1), 20.0),
    )

    assert [c.case_id for c in _report(cases).worst_cases()] == ["c", "d", "e", "a"]
    assert [c.case_id for c in _report(cases).worst_cases(1)] == ["c"]
