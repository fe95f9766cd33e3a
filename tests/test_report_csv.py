"""The CSV report: one finding a row, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from cx_rules import Outcome, Severity
from cx_rules.report import Evidence, InputSummary, Report, ReportFinding, Tally, render, to_csv
from cx_rules.report.as_csv import COLUMNS

AT = datetime.fromisoformat("2026-03-09T09:00:00+01:00")


def _report(*findings: ReportFinding) -> Report:
    return Report(
        as_of=AT,
        input=InputSummary(),
        score=None,
        tally=Tally(),
        rules=(),
        practices=(),
        cases=(),
        findings=findings,
    )


def _finding(
    case_id: str = "c1", actor: str | None = "ann", job_id: str | None = "J1"
) -> ReportFinding:
    return ReportFinding(
        case_id=case_id,
        code="CX401",
        name="acknowledge-application",
        practice="experience",
        severity=Severity.WARNING,
        outcome=Outcome.VIOLATED,
        message="application acknowledged within 2 business days: not done",
        at=AT,
        due=datetime.fromisoformat("2026-03-04T08:00:00+00:00"),
        missing=None,
        evidence=(
            Evidence(
                "application_received", datetime.fromisoformat("2026-03-02T09:00:00+01:00"), "e1"
            ),
            Evidence("rejected", AT),
        ),
        job_id=job_id,
        actor=actor,
    )


def test_one_row_per_finding_under_a_header() -> None:
    report = _report(_finding(), _finding("c2", actor=None, job_id=None))
    text = to_csv(report)

    rule = ["CX401", "acknowledge-application", "experience", "warning", "violated"]
    rest = [
        "2026-03-09T09:00:00+01:00",
        "2026-03-04T08:00:00+00:00",
        "",
        "",
        "application acknowledged within 2 business days: not done",
        "application_received@2026-03-02T09:00:00+01:00#e1; rejected@2026-03-09T09:00:00+01:00",
        "UTC, Monday to Friday, no holidays (the default calendar: set timezone and holidays "
        "in the policy)",
    ]
    assert [
        list(COLUMNS),
        ["c1", "J1", "ann", *rule, *rest],
        ["c2", "", "", *rule, *rest],
    ] == list(csv.reader(io.StringIO(text, newline="")))
    assert text == render(report, "csv")
    assert text.endswith(
        "not done,application_received@2026-03-02T09:00:00+01:00#e1; rejected@2026-03-09T09:00:00+01:00,"
        '"UTC, Monday to Friday, no holidays (the default calendar: set timezone and holidays in '
        'the policy)"\r\n'
    )


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain=ok", "plain=ok"),
        ("A-17", "A-17"),
    ],
)
def test_cells_that_would_run_as_formulas_are_quoted(value: str, cell: str) -> None:
    rows = list(
        csv.reader(io.StringIO(to_csv(_report(_finding(case_id=value, actor=value))), newline=""))
    )

    assert (cell, cell) == (rows[1][0], rows[1][2])
