"""The CSV report: one finding a row, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from cx_rules import Outcome, Severity
from cx_rules.report import Evidence, InputSummary, Report, ReportFinding, Tally, render, to_csv
from cx_rules.report.as_csv import COLUMNS, FINDING_COLUMNS, SECTIONS

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


def _blank(n: int) -> list[str]:
    return [""] * n


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
    extra = len(COLUMNS) - len(FINDING_COLUMNS) - 1
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert list(COLUMNS) == rows[0]
    assert ("section", *FINDING_COLUMNS) == tuple(rows[0][: len(FINDING_COLUMNS) + 1])
    assert [
        ["finding", "c1", "J1", "ann", *rule, *rest, *_blank(extra)],
        ["finding", "c2", "", "", *rule, *rest, *_blank(extra)],
    ] == [r for r in rows if r[0] == "finding"]
    # Every row is as wide as the header; the sections come in their documented order.
    assert {len(COLUMNS)} == {len(r) for r in rows}
    order = [SECTIONS.index(r[0]) for r in rows[1:]]
    assert order == sorted(order)
    assert text == render(report, "csv")
    assert text.endswith(
        '"UTC, Monday to Friday, no holidays (the default calendar: set timezone and holidays in '
        'the policy)"' + "," * extra + "\r\n"
    )


def test_the_header_names_the_policy_and_the_records_rejected() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_report()), newline="")))
    header = [(r[COLUMNS.index("key")], r) for r in rows if r[0] == "header"]
    assert [key for key, _ in header] == ["policy", "rejected"]
    assert header[0][1][COLUMNS.index("detail")] == "built-in defaults"
    assert header[1][1][COLUMNS.index("count")] == "0"


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

    finding = next(r for r in rows if r[0] == "finding")
    assert (cell, cell) == (finding[COLUMNS.index("case_id")], finding[COLUMNS.index("actor")])
