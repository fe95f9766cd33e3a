"""The terminal report: layout, ordering and colour."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cx_rules import Outcome, Severity
from cx_rules.auditing import audit
from cx_rules.io.records import InputError
from cx_rules.report import (
    CaseScore,
    Evidence,
    GroupScore,
    InputSummary,
    PracticeScore,
    Report,
    ReportFinding,
    RuleScore,
    Tally,
    render,
    to_text,
)

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"
AT = datetime.fromisoformat("2026-03-09T09:00:00+01:00")
RECEIVED = Evidence("application_received", datetime.fromisoformat("2026-03-02T09:00:00+01:00"))


def _report() -> Report:
    ack = RuleScore("CX401", "acknowledge-application", "experience", Severity.WARNING, Tally(1, 1))
    thanks = RuleScore("CX201", "thanks-on-rejection", "gratitude", Severity.WARNING, Tally(0, 1))
    idle = RuleScore("CX000", "rule-error", "process", Severity.ERROR, Tally())
    return Report(
        as_of=AT,
        input=InputSummary(
            files=("log.jsonl",),
            lines=5,
            events=3,
            cases=2,
            rejected=1,
            unmapped_activities={"note": 1},
        ),
        score=25.0,
        tally=Tally(passed=1, violated=2, unknown=1),
        rules=(idle, thanks, ack),
        practices=(
            PracticeScore("gratitude", Tally(0, 1), 0.0),
            PracticeScore("experience", Tally(1, 1, 1), 50.0),
        ),
        cases=(
            CaseScore("c1", "J1", "rejected", Tally(0, 2, 1), 0.0),
            CaseScore("c2", None, "applied", Tally(1), 100.0),
        ),
        findings=(
            ReportFinding(
                case_id="c1",
                code="CX401",
                name="acknowledge-application",
                practice="experience",
                severity=Severity.WARNING,
                outcome=Outcome.VIOLATED,
                message="application acknowledged within 2 business days: not done",
                at=AT,
                due=AT,
                missing=None,
                evidence=(RECEIVED,),
                job_id="J1",
            ),
            ReportFinding(
                case_id="c1",
                code="CX102",
                name="personal-rejection",
                practice="communication",
                severity=Severity.ERROR,
                outcome=Outcome.UNKNOWN,
                message="the channel is not recorded",
                at=AT,
                due=None,
                missing="channel",
                evidence=(Evidence("rejected", AT, event_id="e7"),),
                job_id="J1",
            ),
        ),
        errors=(InputError("log.jsonl", 4, "not valid JSON"),),
        group_by="job_id",
        groups=(
            GroupScore("J1", Tally(0, 2, 1), 0.0, ()),
            GroupScore(None, Tally(1), 100.0, ()),
        ),
    )


EXPECTED = """\
cx-rules audit as of 2026-03-09T09:00:00+01:00
Policy: built-in defaults
Calendar: UTC, Monday to Friday, no holidays (the default calendar: set timezone and holidays in the policy)
Read 1 file: 5 lines, 3 events in 2 cases; 1 input record rejected; 1 unmapped (note)

Score: 25.0 / 100  (passed 1, violated 2; not scored: unknown 1, pending 0, waived 0)

Practices
  practice    score  passed  violated  unknown  pending  waived
  gratitude     0.0       0         1        0        0       0
  experience   50.0       1         1        1        0       0

Rules, worst first
  code   name                     practice    severity  candidates  compliance  passed  violated  unknown  pending  waived
  CX201  thanks-on-rejection      gratitude   warning            0        0.0%       0         1        0        0       0
  CX401  acknowledge-application  experience  warning            0       50.0%       1         1        0        0       0
  Rules with nothing to check: CX000
  Legend: compliance = passed / (passed + violated); n/a = nothing judged (not 0%); not recorded = the log never holds the rule's evidence
  Colours (with --color): green 90 and above, yellow 70 to 90, red below 70

By job_id
  job_id  candidates  score  violated  CX201  CX401
  J1               0    0.0         2    n/a    n/a
  (none)           0  100.0         0    n/a    n/a

Worst cases
  case  job  state     score  passed  violated  unknown  pending  waived
  c1    J1   rejected    0.0       0         2        1        0       0

Findings by case (2)
  c1  job J1
    2026-03-09T09:00+01:00  CX401  warning  violated  application acknowledged within 2 business days: not done
      evidence: application_received 2026-03-02T09:00+01:00
    2026-03-09T09:00+01:00  CX102  error  unknown  the channel is not recorded
      evidence: rejected 2026-03-09T09:00+01:00 (e7)

Input errors (1)
  log.jsonl:4: not valid JSON
"""


def test_text_report_layout() -> None:
    assert to_text(_report()) == EXPECTED
    assert render(_report(), "text") == EXPECTED


def test_colour_only_when_asked() -> None:
    plain = to_text(_report())
    coloured = to_text(_report(), color=True)

    assert "\033[" not in plain
    assert "\033[31mviolated\033[0m" in coloured
    assert "\033[33munknown\033[0m" in coloured
    # Stripping the escapes gives back the plain report: colour never moves a column.
    stripped = coloured
    for code in ("\033[0m", "\033[1m", "\033[2m", "\033[31m", "\033[32m", "\033[33m", "\033[36m"):
        stripped = stripped.replace(code, "")
    assert plain == stripped


def test_an_empty_report_says_so() -> None:
    empty = Report(
        as_of=None,
        input=InputSummary(),
        score=None,
        tally=Tally(),
        rules=(),
        practices=(),
        cases=(),
        findings=(),
    )

    assert to_text(empty) == (
        "cx-rules audit as of n/a (no events)\n"
        "Policy: built-in defaults\n"
        "Calendar: UTC, Monday to Friday, no holidays (the default calendar: set timezone "
        "and holidays in the policy)\n"
        "Read 0 files: 0 lines, 0 events in 0 cases; 0 input records rejected; 0 unmapped\n"
        "\n"
        "Score: n/a / 100  (passed 0, violated 0; not scored: unknown 0, pending 0, waived 0)\n"
        "\n"
        "Practices\n"
        "  practice  score  passed  violated  unknown  pending  waived\n"
        "\n"
        "Rules, worst first\n"
        "  code  name  practice  severity  candidates  compliance  passed  violated  unknown  "
        "pending  waived\n"
        "  Legend: compliance = passed / (passed + violated); n/a = nothing judged (not 0%); "
        "not recorded = the log never holds the rule's evidence\n"
        "  Colours (with --color): green 90 and above, yellow 70 to 90, red below 70\n"
    )


def test_the_sample_report_lists_every_case_with_findings() -> None:
    report = audit(SAMPLE)
    text = to_text(report)

    for case_id in {f.case_id for f in report.findings}:
        assert f"\n  {case_id}  job " in text
    assert text.startswith("cx-rules audit as of 2026-05-12T10:00:00+02:00\n")
