"""The report as one self-contained HTML page, worst first, legible at any size.

The page makes no network request: its style sheet and small search script (``style.css``
and ``script.js``, package data) are inline, pinned by their hashes in a
Content-Security-Policy that forbids everything else, and the charts are SVG drawn here.
Every value taken from the log is escaped for HTML after its control, bidirectional-control
and invisible characters are written as visible escapes
(:func:`~cx_rules.report.as_text.printable`): markup in a value arrives as text, and a
right-to-left override cannot reorder the page around it.  Should escaping ever fail, the
policy still refuses to run any script but the page's own.

Everything is listed worst first: rules, practices and groups by violations weighted by
severity, cases by violations, findings violated before unknown and errors first.  The
findings' table holds the :data:`FINDINGS_SHOWN` worst; when the page is written to a file
(``path``), every finding also goes to a CSV file beside it (``report.csv`` beside
``report.html``), linked from the page.  Text wraps inside its cell, so no label is clipped,
and a print style sheet lays the page out for A4.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final, TextIO

from ..as_csv import write_csv
from ..model import Report, Tally, worst_first
from ._assets import CSP, CSS, JS
from ._findings import beside, findings
from ._parts import Bar, bars, cases_table, e, legend, percent, weighted, worst_cases
from ._sections import benchmarks, cohorts, coverage, evidence, fix_first, matrix

__all__ = ["FINDINGS_SHOWN", "csv_beside", "to_html", "write_html"]

#: How many findings the page lists (the worst); the rest are counted, and written to the
#: CSV file beside the page when there is one.
FINDINGS_SHOWN: Final = 1000


def to_html(report: Report, *, limit: int = FINDINGS_SHOWN) -> str:
    """The report as a complete HTML document (UTF-8), with no external resources, listing
    the ``limit`` worst findings."""
    return "".join(_chunks(report, limit, None))


def write_html(
    report: Report,
    out: TextIO,
    *,
    path: str | os.PathLike[str] | None = None,
    limit: int = FINDINGS_SHOWN,
) -> tuple[Path, ...]:
    """Write :func:`to_html`'s document of ``report`` to ``out``, a batch of rows at a time.

    ``path`` is where ``out`` is written (``None`` for a stream such as standard output).
    When the report has more than ``limit`` findings and ``path`` is given, every finding is
    also written as CSV (:func:`~cx_rules.report.to_csv`) to :func:`csv_beside` of ``path``,
    and the page links to it; without ``path`` (or when both names beside it are the audit's
    inputs) the page says how many it leaves out.
    Returns the files written besides ``out``.
    """
    csv: Path | None = None
    if path is not None and len(report.findings) > limit:
        csv = beside(Path(path), report.input.files)
    if csv is not None:
        with open(csv, "w", encoding="utf-8", newline="") as handle:
            write_csv(report, handle)
    for chunk in _chunks(report, limit, csv):
        out.write(chunk)
    return () if csv is None else (csv,)


def csv_beside(page: str | os.PathLike[str], inputs: Sequence[str] = ()) -> Path | None:
    """The CSV file :func:`write_html` writes beside ``page``: ``report.csv`` beside
    ``report.html``, or ``report.findings.csv`` when that would be the page itself or one of
    the audit's ``inputs`` (``report.input.files``: an input is never overwritten); ``None``
    when both would be."""
    return beside(Path(page), inputs)


def _chunks(report: Report, limit: int, csv: Path | None) -> Iterator[str]:
    # The document is "\n".join(parts) + "\n": each part is given with its newline.
    title = "cx-rules audit"
    as_of = report.as_of.isoformat() if report.as_of is not None else "n/a (no events)"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{title} as of {e(as_of)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title}</h1>",
        *_header(report, as_of),
        _source(report),
        _score_panel(report),
        coverage(report),
        fix_first(report),
        evidence(report),
        "<h2>Rules, worst first</h2>",
        '<p class="note">Ordered by the severity\'s weight (error 3, warning 2, info 1) times '
        "the candidates with a violation; compliance is passed / (passed + violated).</p>",
        _rules(report),
        "<h2>Practices, worst first</h2>",
        _practices(report),
        matrix(
            "Owners (recruiter of record) by rule",
            "owner",
            report.owners,
            report,
            note="Each owner's score and compliance with the worst rules; omissions count "
            "against the owner of the case.",
        ),
    ]
    for key, members in report.grouped().items():
        parts.append(matrix(f"By {key}", key, members, report))
    parts += [cohorts(report), benchmarks(report)]
    worst = worst_cases(report.cases)
    if worst:
        parts.append("<h2>Worst cases</h2>")
        parts.append('<p class="note">The cases with the most violations.</p>')
        parts.append(cases_table(worst))
    yield "".join(part + "\n" for part in parts)
    yield from findings(report, limit, csv)
    yield "\n"
    parts = []
    if report.errors:
        parts.append(f"<h2>Input errors ({report.input.rejected:,})</h2><ul>")
        parts.extend(f"<li><code>{e(str(err))}</code></li>" for err in report.errors)
        more = report.input.rejected - len(report.errors)
        if more > 0:
            parts.append(f"<li>... and {more:,} more</li>")
        parts.append("</ul>")
    parts += ["</main>", f"<script>{JS}</script>", "</body>", "</html>"]
    yield "".join(part + "\n" for part in parts)


def _header(report: Report, as_of: str) -> list[str]:
    i = report.input
    policy = report.policy if report.policy is not None else "built-in defaults"
    return [
        f'<p class="meta">As of <time>{e(as_of)}</time>'
        + (" &middot; ids redacted" if report.redacted else "")
        + "</p>",
        f'<p class="meta">Policy: {e(policy)}</p>',
        f'<p class="meta">Calendar: {e(report.calendar.describe())}</p>',
        f'<p class="meta">{e(_files(i.files))}: {i.lines:,} lines, {i.events:,} events in '
        f"{i.cases:,} cases; {i.rejected:,} input record{'' if i.rejected == 1 else 's'} "
        f"rejected, {i.unmapped:,} unmapped"
        + (f", {i.duplicates:,} duplicates recorded once" if i.duplicates else "")
        + (f", {i.after_as_of:,} after as_of" if i.after_as_of else "")
        + "</p>",
    ]


def _files(files: Sequence[str]) -> str:
    if not files:
        return "Read from an iterable"
    return "Read " + ", ".join(files)


def _source(report: Report) -> str:
    """What the system's export cannot say (empty for an event log)."""
    source = report.source
    if source is None:
        return ""
    parts = [f"<section><h2>Source: {e(source.system)} export</h2>"]
    if source.not_recorded:
        parts.append(
            "<p>Not recorded by this source: every check of these rules is unknown.</p><ul>"
        )
        parts.extend(
            f"<li><code>{e(code)}</code> {e(reason.partition('): ')[2] or reason)}</li>"
            for code, reason in source.not_recorded.items()
        )
        parts.append("</ul>")
    if source.partial_cases:
        count = len(source.partial_cases)
        parts.append(f"<p>Partial traces: {count:,} case{'' if count == 1 else 's'}.</p>")
    if source.warnings:
        parts.append(f"<h3>Import warnings ({len(source.warnings):,})</h3><ul>")
        parts.extend(f"<li><code>{e(str(w))}</code></li>" for w in source.warnings)
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _score_panel(report: Report) -> str:
    t = report.tally
    counts = "".join(
        f"<div><b>{n:,}</b>{label}</div>"
        for label, n in (
            ("passed", t.passed),
            ("violated", t.violated),
            ("unknown (not scored)", t.unknown),
            ("pending (not scored)", t.pending),
            ("waived (not scored)", t.waived),
        )
    )
    return (
        '<section class="score">'
        f'<div class="big">{percent(report.score, "")}<small> / 100</small></div>'
        f'<div class="counts">{counts}</div>'
        f"</section>{legend()}"
    )


def _rules(report: Report) -> str:
    return bars(
        [
            Bar(
                r.name,
                r.compliance,
                r.tally,
                r.weight,
                r.severity,
                r.code,
                report.not_recorded.get(r.code, r.not_recorded),
            )
            for r in worst_first(report.rules)
            if r.tally != Tally()
        ],
        "rule",
        ordered=False,
    )


def _practices(report: Report) -> str:
    return bars(
        [
            Bar(
                p.practice,
                p.score,
                p.tally,
                weighted(r for r in report.rules if r.practice == p.practice),
            )
            for p in report.practices
        ],
        "practice",
    )
