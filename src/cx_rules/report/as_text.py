"""The report for a terminal: the score, rules by compliance, worst cases, findings by case.

Values from the log are shown through :func:`printable`, so a case id cannot move the cursor,
clear the screen or reverse the text around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Final, TextIO

from ..findings import Outcome, Severity
from . import text_sections
from .model import Report, ReportFinding, SourceSummary, Tally, worst_first

__all__ = ["printable", "to_text", "write_text"]

_RESET: Final = "\033[0m"
_BOLD: Final = "\033[1m"
_RED: Final = "\033[31m"
_GREEN: Final = "\033[32m"
_YELLOW: Final = "\033[33m"
_CYAN: Final = "\033[36m"
_DIM: Final = "\033[2m"
_SEVERITY_STYLE: Final = {Severity.ERROR: _RED, Severity.WARNING: _YELLOW, Severity.INFO: _CYAN}
_OUTCOME_STYLE: Final = {Outcome.VIOLATED: _RED, Outcome.UNKNOWN: _YELLOW, Outcome.WAIVED: _DIM}
_WORST: Final = 10
#: Import warnings a text report lists (the JSON report has them all).
_WARNINGS: Final = 20

# A cell of a table: its text and an ANSI style ("" for none).
_Cell = tuple[str, str]

# Characters a value from a log must not carry into a report as they are: control characters
# (terminal escapes start with ESC or the C1 CSI), line and paragraph separators, the
# bidirectional embeddings, overrides, isolates and marks that reorder the text around them,
# invisible characters that make two ids look alike, and lone surrogates, which no UTF-8
# encoder accepts.  Joiners (U+200C, U+200D) stay: scripts and emoji need them.
_UNPRINTABLE: Final = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069"
    r"\ufeff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: str) -> str:
    """``value`` with every control, bidirectional-control, invisible or surrogate character
    written as a visible escape (``\\x1b``, ``\\u202e``); other text is unchanged.

    What a report shows of a value is then exactly one line, in its own reading order, and
    encodable as UTF-8.
    """
    return _UNPRINTABLE.sub(_escape, value)


def to_text(report: Report, *, color: bool = False) -> str:
    """The report as plain text; ``color`` adds ANSI colours (for a terminal)."""
    return "".join(_chunks(report, color))


def write_text(report: Report, out: TextIO, *, color: bool = False) -> None:
    """Write :func:`to_text`'s text of ``report`` to ``out``, a batch of lines at a time."""
    for chunk in _chunks(report, color):
        out.write(chunk)


# How many lines of findings are gathered before they are given to the stream.
_BATCH: Final = 4096


def _lined(lines: list[str]) -> str:
    # Each line with its newline: the chunks together are "\n".join(every line) + "\n".
    return "\n".join(lines) + "\n" if lines else ""


def _chunks(report: Report, color: bool) -> Iterator[str]:
    paint = _Painter(color)
    out: list[str] = []
    as_of = report.as_of.isoformat() if report.as_of is not None else "n/a (no events)"
    out.append(paint(f"cx-rules audit as of {as_of}", _BOLD))
    policy = printable(report.policy) if report.policy is not None else "built-in defaults"
    out.append(f"Policy: {policy}")
    out.append(f"Calendar: {printable(report.calendar.describe())}")
    out.append(_input_line(report))
    if report.source is not None:
        out.extend(_source_lines(report.source))
    out.append("")
    coverage = text_sections.coverage(report)
    if coverage is not None:
        out.extend(_section(coverage, paint))
        out.append("")
    t = report.tally
    out.append(
        f"Score: {paint(_score(report.score), _score_style(report.score))} / 100  "
        f"(passed {t.passed}, violated {t.violated}; not scored: unknown {t.unknown}, "
        f"pending {t.pending}, waived {t.waived})"
    )
    out.append("")
    out.append(paint("Practices", _BOLD))
    out.extend(
        _table(
            ("practice", "score", *_TALLY_HEADS),
            [
                ((p.practice, ""), (_score(p.score), _score_style(p.score)), *_tally(p.tally))
                for p in report.practices
            ],
            paint,
        )
    )
    out.append("")
    out.append(paint("Rules, worst first", _BOLD))
    # Worst first; rules that checked nothing are named on one line after the table.
    ranked = worst_first(r for r in report.rules if r.tally != Tally())
    idle = [r.code for r in report.rules if r.tally == Tally()]
    out.extend(
        _table(
            ("code", "name", "practice", "severity", "candidates", "compliance", *_TALLY_HEADS),
            [
                (
                    (r.code, ""),
                    (r.name, ""),
                    (r.practice, ""),
                    (r.severity.value, _SEVERITY_STYLE[r.severity]),
                    (str(r.candidates), _RED if r.candidates else ""),
                    (
                        ("not recorded", _DIM)
                        if r.not_recorded is not None
                        else (_percent(r.compliance), _score_style(r.compliance))
                    ),
                    *_tally(r.tally),
                )
                for r in ranked
            ],
            paint,
        )
    )
    if idle:
        out.append(f"  Rules with nothing to check: {', '.join(idle)}")
    out.append(
        "  Legend: compliance = passed / (passed + violated); n/a = nothing judged (not 0%); "
        "not recorded = the log never holds the rule's evidence"
    )
    out.append("  Colours (with --color): green 90 and above, yellow 70 to 90, red below 70")
    for section in text_sections.sections(report):
        out.append("")
        out.extend(_section(section, paint))
    worst = report.worst_cases(_WORST)
    if worst:
        out.append("")
        out.append(paint("Worst cases", _BOLD))
        out.extend(
            _table(
                ("case", "job", "state", "score", *_TALLY_HEADS),
                [
                    (
                        (c.case_id, ""),
                        (c.job_id or "-", ""),
                        (c.state, ""),
                        (_score(c.score), _score_style(c.score)),
                        *_tally(c.tally),
                    )
                    for c in worst
                ],
                paint,
            )
        )
    if report.findings:
        out.append("")
        out.append(paint(f"Findings by case ({len(report.findings)})", _BOLD))
        for case_id, found in groupby(report.findings, key=lambda f: f.case_id):
            out.extend(_case_findings(case_id, list(found), paint))
            if len(out) >= _BATCH:
                yield _lined(out)
                out = []
    if report.errors:
        out.append("")
        out.append(paint(f"Input errors ({report.input.rejected})", _BOLD))
        out.extend(f"  {printable(str(e))}" for e in report.errors)
        more = report.input.rejected - len(report.errors)
        if more > 0:
            out.append(f"  ... and {more} more")
    yield _lined(out)


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or not style:
            return text
        return f"{style}{text}{_RESET}"


_TALLY_HEADS: Final = ("passed", "violated", "unknown", "pending", "waived")


def _tally(t: Tally) -> tuple[_Cell, ...]:
    return (
        (str(t.passed), ""),
        (str(t.violated), _RED if t.violated else ""),
        (str(t.unknown), _YELLOW if t.unknown else ""),
        (str(t.pending), ""),
        (str(t.waived), ""),
    )


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _score_style(value: float | None) -> str:
    if value is None:
        return _DIM
    if value >= 90:
        return _GREEN
    return _YELLOW if value >= 70 else _RED


def _source_lines(source: SourceSummary) -> list[str]:
    """What a system's export cannot say: the rules it does not record, partial cases,
    and the import's warnings."""
    lines = [f"Source: {printable(source.system)} export"]
    if source.not_recorded:
        lines.append(
            f"  Not recorded by this source ({len(source.not_recorded)} rules, every check "
            "unknown):"
        )
        lines.extend(
            f"    {code}: {printable(reason.partition('): ')[2] or reason)}"
            for code, reason in source.not_recorded.items()
        )
    if source.partial_cases:
        count = len(source.partial_cases)
        lines.append(f"  Partial traces: {count} case{'' if count == 1 else 's'}")
    if source.warnings:
        lines.append(f"  Import warnings ({len(source.warnings)}):")
        lines.extend(f"    {printable(str(w))}" for w in source.warnings[:_WARNINGS])
        if len(source.warnings) > _WARNINGS:
            lines.append(f"    ... and {len(source.warnings) - _WARNINGS} more")
    return lines


def _input_line(report: Report) -> str:
    i = report.input
    files = len(i.files)
    parts = [
        f"Read {files} file{'s' if files != 1 else ''}: {i.lines} lines, "
        f"{i.events} events in {i.cases} cases",
        f"{i.rejected} input record{'' if i.rejected == 1 else 's'} rejected",
        f"{i.unmapped} unmapped"
        + (f" ({printable(', '.join(i.unmapped_activities))})" if i.unmapped_activities else ""),
    ]
    if i.duplicates:
        parts.append(f"{i.duplicates} duplicate{'s' if i.duplicates != 1 else ''} recorded once")
    if i.after_as_of:
        parts.append(f"{i.after_as_of} after as_of")
    if i.skipped:
        parts.append(f"{sum(i.skipped.values())} skipped by the reader")
    return "; ".join(parts)


# The styles text_sections names.
_STYLES: Final = {
    "": "",
    "dim": _DIM,
    "good": _GREEN,
    "fair": _YELLOW,
    "bad": _RED,
    "error": _RED,
    "warning": _YELLOW,
    "info": _CYAN,
}


def _section(section: text_sections.Section, paint: _Painter) -> list[str]:
    rows = [tuple((text, _STYLES[style]) for text, style in row) for row in section.rows]
    lines = [paint(section.title, _BOLD), *_table(section.head, rows, paint)]
    lines.extend(printable(note) for note in section.notes)
    return lines


def _table(head: Sequence[str], rows: Iterable[Sequence[_Cell]], paint: _Painter) -> list[str]:
    body = [[(printable(text), style) for text, style in r] for r in rows]
    widths = [len(h) for h in head]
    for row in body:
        for i, (text, _) in enumerate(row):
            widths[i] = max(widths[i], len(text))
    # Counts and scores line up on the right; names on the left.
    right = [i for i, row in enumerate(zip(*body, strict=True)) if all(_numeric(t) for t, _ in row)]

    def line(cells: Sequence[_Cell]) -> str:
        parts = []
        for i, (text, style) in enumerate(cells):
            padded = text.rjust(widths[i]) if i in right else text.ljust(widths[i])
            parts.append(paint(padded, style))
        return ("  " + "  ".join(parts)).rstrip()

    return [line([(h, _DIM) for h in head]), *(line(r) for r in body)]


def _numeric(text: str) -> bool:
    return text == "n/a" or text.rstrip("%").replace(".", "", 1).isdigit()


def _case_findings(case_id: str, found: list[ReportFinding], paint: _Painter) -> list[str]:
    first = found[0]
    label = case_id
    if first.job_id is not None:
        label += f"  job {first.job_id}"
    lines = [f"  {paint(printable(label), _BOLD)}"]
    for f in found:
        lines.append(
            f"    {f.at.isoformat(timespec='minutes')}  {printable(f.code)}  "
            f"{paint(f.severity.value, _SEVERITY_STYLE[f.severity])}  "
            f"{paint(f.outcome.value, _OUTCOME_STYLE.get(f.outcome, ''))}  "
            f"{printable(f.message)}"
        )
        evidence = ", ".join(
            f"{e.activity} {e.timestamp.isoformat(timespec='minutes')}"
            + (f" ({e.event_id})" if e.event_id else "")
            for e in f.evidence
        )
        if evidence:
            lines.append(paint(f"      evidence: {printable(evidence)}", _DIM))
        if f.waived_by:
            lines.append(paint(f"      waived by {printable(f.waived_by)}", _DIM))
    return lines
