"""The report as JUnit XML, the test-report format every CI system shows.

One test case per rule, in one test suite per practice: a CI system lists a few dozen
rules readably, where one test case per rule and case would bury them under thousands of
rows.  A rule with a violation *fails* (the message counts its violations and cases; the
body lists each, case by case, with the rule's sentence); a rule that judged nothing but
has unknown checks is *skipped* (the data needed is missing, so it is neither passed nor
failed), as is a rule with nothing to check in the log; every other rule passes.  Waived
and unknown checks are counted in the test case's ``system-out``.  No free text of the log
is written, and no time: the same report gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Final, TextIO
from xml.sax.saxutils import escape, quoteattr

from ..findings import Outcome
from .model import Report, ReportFinding, RuleScore

__all__ = ["to_junit", "write_junit"]

# Characters XML 1.0 cannot hold at all, even as references: written as escapes.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_junit(report: Report) -> str:
    """The report as JUnit XML (UTF-8 declared), ending in a newline."""
    buffer = io.StringIO()
    write_junit(report, buffer)
    return buffer.getvalue()


def write_junit(report: Report, out: TextIO) -> None:
    """Write :func:`to_junit`'s text of ``report`` to ``out``, a test case at a time."""
    violations: dict[str, list[ReportFinding]] = defaultdict(list)
    for f in report.findings:
        if f.outcome is Outcome.VIOLATED:
            violations[f.code].append(f)
    by_practice: dict[str, list[RuleScore]] = {}
    for rule in report.rules:
        by_practice.setdefault(rule.practice or "other", []).append(rule)
    verdicts = {r.code: _verdict(r, violations.get(r.code, ())) for r in report.rules}
    total = len(report.rules)
    failures = sum(1 for v in verdicts.values() if v == "failure")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="cx-rules" tests="{total}" failures="{failures}" errors="0">\n')
    for practice, rules in by_practice.items():
        suite = f"cx-rules.{practice}"
        fails = sum(1 for r in rules if verdicts[r.code] == "failure")
        skips = sum(1 for r in rules if verdicts[r.code] == "skipped")
        out.write(
            f'  <testsuite name={_attr(suite)} tests="{len(rules)}" failures="{fails}" '
            f'errors="0" skipped="{skips}">\n'
        )
        for rule in rules:
            _testcase(out, suite, rule, verdicts[rule.code], violations.get(rule.code, ()))
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")


def _verdict(rule: RuleScore, violated: Sequence[ReportFinding]) -> str:
    t = rule.tally
    if t.violated or violated:
        return "failure"
    if t.passed:
        return "passed"
    return "skipped"


def _testcase(
    out: TextIO, suite: str, rule: RuleScore, verdict: str, violated: Sequence[ReportFinding]
) -> None:
    t = rule.tally
    name = f"{rule.code} {rule.name}".strip()
    out.write(f"    <testcase classname={_attr(suite)} name={_attr(name)}>\n")
    if verdict == "failure":
        cases = len({f.case_id for f in violated})
        message = (
            f"{t.violated} of {t.judged} checks violated in {cases} "
            f"case{'' if cases == 1 else 's'} ({rule.severity.value})"
        )
        out.write(f'      <failure type="violated" message={_attr(message)}>')
        for f in violated:
            out.write(_text(f"case {f.case_id} at {f.at.isoformat()}: {f.message}\n"))
        out.write("</failure>\n")
    elif verdict == "skipped":
        message = (
            f"{t.unknown} checks unknown: the data needed is missing"
            if t.unknown
            else "nothing to check in this log"
        )
        if t.pending:
            message += f"; {t.pending} pending"
        out.write(f"      <skipped message={_attr(message)}/>\n")
    out.write(
        "      <system-out>"
        + _text(
            f"passed {t.passed}, violated {t.violated}, unknown {t.unknown}, "
            f"pending {t.pending}, waived {t.waived}"
        )
        + "</system-out>\n"
    )
    out.write("    </testcase>\n")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _attr(text: str) -> str:
    # quoteattr escapes &, <, > and the quote; newlines and tabs become references, so an
    # attribute keeps them instead of having them normalised to spaces.
    return quoteattr(_clean(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _text(text: str) -> str:
    return escape(_clean(text), {"\r": "&#13;"})
