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
from collections import Counter, defaultdict
from collections.abc import Iterator
from operator import itemgetter
from typing import Final, TextIO
from xml.sax.saxutils import escape, quoteattr

from ..findings import Outcome
from .model import Report, RuleScore
from .spool import Spool, in_case_order

__all__ = ["to_junit", "write_junit"]

# Characters XML 1.0 cannot hold at all, even as references: written as escapes.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_junit(report: Report) -> str:
    """The report as JUnit XML (UTF-8 declared), ending in a newline."""
    buffer = io.StringIO()
    write_junit(report, buffer)
    return buffer.getvalue()


def write_junit(report: Report, out: TextIO) -> None:
    """Write :func:`to_junit`'s text of ``report`` to ``out``, a test case at a time.

    A failure lists its rule's violations in the report's order; the lines are gathered in
    one pass over the findings into a spool, by rule in the order the test cases are
    written, so a long report's violations are never all held at once."""
    by_practice: dict[str, list[RuleScore]] = {}
    for rule in report.rules:
        by_practice.setdefault(rule.practice or "other", []).append(rule)
    place = {r.code: n for n, r in enumerate(r for rules in by_practice.values() for r in rules)}
    violated: Counter[str] = Counter()
    # A rule's violated cases: counted as they change when the findings come in case order
    # (an audit's report), else gathered.
    ordered = in_case_order(report.findings)
    case_count: Counter[str] = Counter()
    last: dict[str, str] = {}
    cases: dict[str, set[str]] = defaultdict(set)
    lines: Spool[tuple[int, str]] = Spool(_first)
    for f in report.findings:
        if f.outcome is not Outcome.VIOLATED:
            continue
        code = f.code
        at = place.get(code)
        if at is None:
            continue
        violated[code] += 1
        if not ordered:
            cases[code].add(f.case_id)
        elif last.get(code) != f.case_id:
            last[code] = f.case_id
            case_count[code] += 1
        lines.append((at, _text(f"case {f.case_id} at {f.at.isoformat()}: {f.message}\n")))
    verdicts = {r.code: _verdict(r, violated[r.code]) for r in report.rules}
    total = len(report.rules)
    failures = sum(1 for v in verdicts.values() if v == "failure")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="cx-rules" tests="{total}" failures="{failures}" errors="0">\n')
    written = _Lines(iter(lines))
    for practice, rules in by_practice.items():
        suite = f"cx-rules.{practice}"
        fails = sum(1 for r in rules if verdicts[r.code] == "failure")
        skips = sum(1 for r in rules if verdicts[r.code] == "skipped")
        out.write(
            f'  <testsuite name={_attr(suite)} tests="{len(rules)}" failures="{fails}" '
            f'errors="0" skipped="{skips}">\n'
        )
        for rule in rules:
            code = rule.code
            n_cases = case_count[code] if ordered else len(cases.get(code, ()))
            _testcase(out, suite, rule, verdicts[code], n_cases, written.of(place[code]))
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")


_BATCH: Final = 512
_first: Final = itemgetter(0)


class _Lines:
    """The failure lines of every rule, by its place, read one rule after the other."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self._lines = lines
        self._next = next(lines, None)

    def of(self, place: int) -> Iterator[str]:
        while self._next is not None and self._next[0] == place:
            yield self._next[1]
            self._next = next(self._lines, None)


def _verdict(rule: RuleScore, violated: int) -> str:
    t = rule.tally
    if t.violated or violated:
        return "failure"
    if t.passed:
        return "passed"
    return "skipped"


def _testcase(
    out: TextIO,
    suite: str,
    rule: RuleScore,
    verdict: str,
    cases: int,
    violated: Iterator[str],
) -> None:
    t = rule.tally
    name = f"{rule.code} {rule.name}".strip()
    out.write(f"    <testcase classname={_attr(suite)} name={_attr(name)}>\n")
    if verdict == "failure":
        message = (
            f"{t.violated} of {t.judged} checks violated in {cases} "
            f"case{'' if cases == 1 else 's'} ({rule.severity.value})"
        )
        out.write(f'      <failure type="violated" message={_attr(message)}>')
        batch: list[str] = []
        for line in violated:
            batch.append(line)
            if len(batch) >= _BATCH:
                out.write("".join(batch))
                batch = []
        out.write("".join(batch))
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
