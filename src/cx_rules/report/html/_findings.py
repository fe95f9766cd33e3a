"""The findings' table: the worst first, capped, the rest in a CSV file beside the page."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from ...findings import Outcome
from ..model import Report, ReportFinding
from ..spool import in_case_order
from ._parts import e

__all__ = ["beside", "findings", "worst_findings"]

# How many findings' rows are gathered before they are given to the stream.
_BATCH = 1024
_OUTCOME_RANK = {Outcome.VIOLATED: 0, Outcome.UNKNOWN: 1, Outcome.WAIVED: 2}


def beside(page: Path, avoid: Iterable[str] = ()) -> Path | None:
    """The CSV file written next to ``page``: ``report.csv`` beside ``report.html``, else
    ``report.findings.csv``; never the page itself nor a file in ``avoid`` (the audit's
    input files, which it must not overwrite).  ``None`` when both names are taken."""
    taken = {_resolved(Path(name)) for name in avoid} | {_resolved(page)}
    for candidate in (page.with_suffix(".csv"), page.with_suffix(".findings.csv")):
        if _resolved(candidate) not in taken:
            return candidate
    return None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def worst_findings(report: Report, limit: int | None = None) -> list[ReportFinding]:
    """The findings worst first: violated, then unknown, then waived; errors before
    warnings before info; within those, the cases with the most violations first, then the
    report's order (case, time, rule).  With ``limit``, only that many of the worst (the
    others are not held)."""
    ranked = _ranked(report)
    best = heapq.nsmallest(limit, ranked) if limit is not None else sorted(ranked)
    return [f for *_, f in best]


def _ranked(report: Report) -> Iterator[tuple[int, int, int, int, ReportFinding]]:
    # The findings and the cases both come in case order: each finding meets its case's
    # violations as they are read, without a table of every case.
    if not (in_case_order(report.cases) and in_case_order(report.findings)):
        # A report made by hand may list its cases in any order.
        violated_in = {c.case_id: c.tally.violated for c in report.cases}
        for n, f in enumerate(report.findings):
            violated = violated_in.get(f.case_id, 0)
            yield (_OUTCOME_RANK.get(f.outcome, 3), -f.severity.weight, -violated, n, f)
        return
    cases = iter(report.cases)
    case = next(cases, None)
    for n, f in enumerate(report.findings):
        case_id = f.case_id
        while case is not None and case.case_id < case_id:
            case = next(cases, None)
        violated = case.tally.violated if case is not None and case.case_id == case_id else 0
        yield (_OUTCOME_RANK.get(f.outcome, 3), -f.severity.weight, -violated, n, f)


def _note(total: int, shown: int, csv: Path | None) -> str:
    if shown == total:
        return ""
    left = total - shown
    head = f"The {shown:,} worst of {total:,} findings are shown; {left:,} are not."
    if csv is not None:
        return (
            f'<p class="note" id="more">{head} All {total:,} are in '
            f'<a href="{e(quote(csv.name))}">{e(csv.name)}</a>, beside this page.</p>'
        )
    return (
        f'<p class="note" id="more">{head} For all of them, write the report to a file '
        "(<code>--output report.html</code> writes <code>report.csv</code> beside it) or use "
        "<code>--format csv</code>.</p>"
    )


def findings(report: Report, limit: int, csv: Path | None) -> Iterator[str]:
    """The findings' section in pieces (one part of the document together): the ``limit``
    worst, a note saying how many are left out and where they are."""
    listed: Sequence[ReportFinding] = report.findings
    total = len(listed)
    if total > limit:
        listed = worst_findings(report, limit)
    elif total:
        listed = worst_findings(report)
    shown = len(listed)
    head = (
        f"<h2>Findings ({total:,})</h2>"
        + _note(total, shown, csv)
        + '<div class="search"><input id="search" type="search" '
        'placeholder="Search case, rule, recruiter, message" aria-label="Search findings">'
        f'<span><span id="shown">{shown}</span> shown</span></div>'
    )
    if not listed:
        yield head + '<p class="empty">No violated or unknown findings.</p>'
        return
    yield (
        head + '<table id="findings" class="findings"><colgroup><col class="c-case">'
        '<col class="c-job"><col class="c-actor"><col class="c-at"><col class="c-rule">'
        '<col class="c-sev"><col class="c-out"><col class="c-msg"><col class="c-ev">'
        "</colgroup><thead><tr><th>case</th><th>job</th><th>recruiter</th>"
        "<th>at</th><th>rule</th><th>severity</th><th>outcome</th><th>message</th>"
        "<th>evidence</th></tr></thead><tbody>"
    )
    rows: list[str] = []
    for f in listed:
        if len(rows) >= _BATCH:
            yield "".join(rows)
            rows = []
        evidence = "<br>".join(
            _e_time(ev.activity, ev.timestamp.isoformat())
            + (f" <code>{e(ev.event_id)}</code>" if ev.event_id else "")
            for ev in f.evidence
        )
        waived = f"<br><small>waived by {e(f.waived_by)}</small>" if f.waived_by else ""
        at = f.at.isoformat(timespec="minutes")
        rows.append(
            f"<tr><td>{e(f.case_id)}</td><td>{e(f.job_id or '')}</td><td>{e(f.actor or '')}"
            f'</td><td><time datetime="{e(f.at.isoformat())}">{e(at.replace("T", " "))}'
            f"</time></td><td><code>{e(f.code)}</code> {e(f.name)}</td>"
            f'<td class="sev-{e(f.severity.value)}">{e(f.severity.value)}</td>'
            f'<td class="out-{e(f.outcome.value)}">{e(f.outcome.value)}</td>'
            f"<td>{e(f.message)}{waived}</td>"
            f'<td class="ev">{evidence}</td></tr>'
        )
    yield "".join(rows) + "</tbody></table>"


def _e_time(activity: str, stamp: str) -> str:
    # A space between date and time lets a narrow cell wrap there rather than mid-number.
    return e(f"{activity} {stamp.replace('T', ' ', 1)}")
