"""The report as one self-contained HTML page: charts in inline SVG, a searchable table.

The page makes no network request: styles and the small search script are inline, pinned by
their hashes in a Content-Security-Policy that forbids everything else, and the charts are
SVG drawn here.  Every value taken from the log is escaped for HTML after its control,
bidirectional-control and invisible characters are written as visible escapes
(:func:`~cx_rules.report.as_text.printable`): markup in a value arrives as text, and a
right-to-left override cannot reorder the page around it.  Should escaping ever fail, the
policy still refuses to run any script but the page's own.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from html import escape
from typing import Final, TextIO

from ..findings import Outcome
from .as_text import printable
from .model import Report, ReportFinding, Tally

__all__ = ["to_html", "write_html"]

_CSS: Final = """
:root { --good: #2e7d32; --fair: #b26a00; --poor: #c62828; --none: #9e9e9e;
  --ink: #1d2433; --muted: #5f6b7a; --line: #e3e7ee; --panel: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 32px 0 10px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0; }
.score { display: flex; gap: 28px; align-items: center; background: var(--panel);
  border-radius: 10px; padding: 16px 22px; margin-top: 18px; }
.score .big { font-size: 3rem; font-weight: 700; line-height: 1; }
.score .big small { font-size: 1rem; color: var(--muted); font-weight: 400; }
.counts { display: flex; gap: 20px; flex-wrap: wrap; }
.counts div { min-width: 90px; }
.counts b { display: block; font-size: 1.3rem; }
.good { color: var(--good); fill: var(--good); }
.fair { color: var(--fair); fill: var(--fair); }
.poor { color: var(--poor); fill: var(--poor); }
.none { color: var(--none); fill: var(--none); }
.track { fill: var(--line); }
.unknownbar { fill: #f0b429; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink); }
svg text.dim { fill: var(--muted); }
svg { max-width: 100%; height: auto; display: block; }
h3 { font-size: 1rem; margin: 18px 0 6px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
table.compact { width: auto; min-width: 50%; }
td.nowrap { white-space: nowrap; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--panel); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.ev { color: var(--muted); font-size: 0.8rem; }
.sev-error { color: var(--poor); font-weight: 600; }
.sev-warning { color: var(--fair); font-weight: 600; }
.sev-info { color: #1565c0; }
.out-violated { color: var(--poor); }
.out-unknown { color: var(--fair); }
.out-waived { color: var(--muted); }
.search { display: flex; gap: 12px; align-items: center; margin: 6px 0 10px; }
.search input { font: inherit; padding: 6px 10px; width: 360px; border: 1px solid #c5ccd6;
  border-radius: 6px; }
.empty { color: var(--muted); }
code { font-size: 0.9em; }
"""

_JS: Final = """
(function () {
  var box = document.getElementById("search");
  if (!box) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr"));
  var shown = document.getElementById("shown");
  function apply() {
    var query = box.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var hit = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
      row.hidden = !hit;
      if (hit) { count += 1; }
    });
    shown.textContent = String(count);
  }
  box.addEventListener("input", apply);
  if (location.hash.indexOf("#q=") === 0) {
    try {
      box.value = decodeURIComponent(location.hash.slice(3));
    } catch (e) {
      box.value = "";
    }
  }
  apply();
})();
"""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Only the inline style and script above may run; no request may leave the page.
_CSP: Final = (
    f"default-src 'none'; style-src {_sha256(_CSS)}; script-src {_sha256(_JS)}; img-src data:"
)


def to_html(report: Report) -> str:
    """The report as a complete HTML document (UTF-8), with no external resources."""
    return "".join(_chunks(report))


def write_html(report: Report, out: TextIO) -> None:
    """Write :func:`to_html`'s document of ``report`` to ``out``, a batch of rows at a time."""
    for chunk in _chunks(report):
        out.write(chunk)


# How many findings' rows are gathered before they are given to the stream.
_BATCH: Final = 1024


def _chunks(report: Report) -> Iterator[str]:
    # The document is "\n".join(parts) + "\n": each part is given with its newline.
    e = _e
    title = "cx-rules audit"
    as_of = report.as_of.isoformat() if report.as_of is not None else "n/a (no events)"
    i = report.input
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{title} as of {e(as_of)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title}</h1>",
        f'<p class="meta">As of <time>{e(as_of)}</time>'
        + (" &middot; ids redacted" if report.redacted else "")
        + "</p>",
        f'<p class="meta">Calendar: {e(report.calendar.describe())}</p>',
        f'<p class="meta">{e(_files(i.files))}: {i.lines} lines, {i.events} events in '
        f"{i.cases} cases; {i.rejected} rejected, {i.unmapped} unmapped"
        + (f", {i.duplicates} duplicates recorded once" if i.duplicates else "")
        + (f", {i.after_as_of} after as_of" if i.after_as_of else "")
        + "</p>",
        _source(report),
        _score_panel(report),
        "<h2>Compliance</h2>",
        "<section><h3>Per practice</h3>"
        + _bars([(p.practice, p.score, _judged(p.tally)) for p in report.practices])
        + "</section>",
        "<section><h3>Per rule</h3>"
        + _bars(
            [
                (f"{r.code} {r.name}", r.compliance, _judged(r.tally))
                for r in report.rules
                if r.tally != Tally()
            ]
        )
        + "</section>",
        "<h2>Findings per month</h2>",
        _months(report.findings),
    ]
    if report.group_by is not None:
        parts.append(f"<h2>By {e(report.group_by)}</h2>")
        parts.append(
            _bars(
                [
                    (g.key if g.key is not None else "(none)", g.score, _judged(g.tally))
                    for g in report.groups
                ]
            )
        )
    parts.append(_worst(report))
    yield "".join(part + "\n" for part in parts)
    yield from _findings(report.findings)
    yield "\n"
    parts = []
    if report.errors:
        parts.append(f"<h2>Input errors ({report.input.rejected})</h2><ul>")
        parts.extend(f"<li><code>{e(str(err))}</code></li>" for err in report.errors)
        more = report.input.rejected - len(report.errors)
        if more > 0:
            parts.append(f"<li>... and {more} more</li>")
        parts.append("</ul>")
    parts += ["</main>", f"<script>{_JS}</script>", "</body>", "</html>"]
    yield "".join(part + "\n" for part in parts)


def _source(report: Report) -> str:
    """What the system's export cannot say (empty for an event log)."""
    source = report.source
    if source is None:
        return ""
    e = _e
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
        parts.append(f"<p>Partial traces: {count} case{'' if count == 1 else 's'}.</p>")
    if source.warnings:
        parts.append(f"<h3>Import warnings ({len(source.warnings)})</h3><ul>")
        parts.extend(f"<li><code>{e(str(w))}</code></li>" for w in source.warnings)
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _e(value: object) -> str:
    return escape(printable(str(value)), quote=True)


def _files(files: Sequence[str]) -> str:
    if not files:
        return "Read from an iterable"
    return "Read " + ", ".join(files)


def _judged(t: Tally) -> str:
    extra = []
    if t.unknown:
        extra.append(f"{t.unknown} unknown")
    if t.pending:
        extra.append(f"{t.pending} pending")
    if t.waived:
        extra.append(f"{t.waived} waived")
    return f"{t.passed}/{t.judged}" + (f" ({', '.join(extra)})" if extra else "")


def _band(value: float | None) -> str:
    if value is None:
        return "none"
    if value >= 90:
        return "good"
    return "fair" if value >= 70 else "poor"


def _score_panel(report: Report) -> str:
    t = report.tally
    value = "n/a" if report.score is None else f"{report.score:.1f}"
    counts = "".join(
        f"<div><b>{n}</b>{label}</div>"
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
        f'<div class="big {_band(report.score)}">{value}<small> / 100</small></div>'
        f'<div class="counts">{counts}</div>'
        "</section>"
    )


def _bars(items: Sequence[tuple[str, float | None, str]]) -> str:
    """Horizontal bars of percentages, one row per item (label, value, detail)."""
    if not items:
        return '<p class="empty">Nothing was checked.</p>'
    label_w, bar_w, detail_w, row_h = 250, 300, 270, 24
    width = label_w + bar_w + detail_w
    height = row_h * len(items) + 4
    rows = []
    for n, (label, value, detail) in enumerate(items):
        y = n * row_h + 2
        shown = label if len(label) <= 36 else label[:35] + "\u2026"
        fill = 0.0 if value is None else bar_w * value / 100
        text = "n/a" if value is None else f"{value:.1f}%"
        rows.append(
            f"<g><title>{_e(label)}: {_e(text)} ({_e(detail)})</title>"
            f'<text x="0" y="{y + 16}">{_e(shown)}</text>'
            f'<rect class="track" x="{label_w}" y="{y + 4}" width="{bar_w}" height="14" rx="3"/>'
            f'<rect class="{_band(value)}" x="{label_w}" y="{y + 4}" width="{fill:.1f}" '
            f'height="14" rx="3"/>'
            f'<text x="{label_w + bar_w + 8}" y="{y + 16}">{_e(text)}</text>'
            f'<text class="dim" x="{label_w + bar_w + 62}" y="{y + 16}">{_e(detail)}</text>'
            "</g>"
        )
    return (
        f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        + "".join(rows)
        + "</svg>"
    )


def _months(findings: Sequence[ReportFinding]) -> str:
    """Vertical bars: violated (and, on top, unknown) findings per month of ``at``."""
    violated: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for f in findings:
        month = f.at.strftime("%Y-%m")
        (violated if f.outcome is Outcome.VIOLATED else unknown)[month] += 1
    months = sorted(set(violated) | set(unknown))
    if not months:
        return '<p class="empty">No violated or unknown findings.</p>'
    peak = max(violated[m] + unknown[m] for m in months)
    col_w, plot_h, top, base = 64, 160, 18, 36
    width = max(col_w * len(months) + 20, 320)
    height = plot_h + top + base
    bars = []
    for n, month in enumerate(months):
        x = 10 + n * col_w
        v_h = plot_h * violated[month] / peak
        u_h = plot_h * unknown[month] / peak
        y_v = top + plot_h - v_h
        y_u = y_v - u_h
        total = violated[month] + unknown[month]
        bars.append(
            f"<g><title>{_e(month)}: {violated[month]} violated, {unknown[month]} unknown</title>"
            f'<rect class="poor" x="{x + 12}" y="{y_v:.1f}" width="{col_w - 24}" '
            f'height="{v_h:.1f}"/>'
            f'<rect class="unknownbar" x="{x + 12}" y="{y_u:.1f}" width="{col_w - 24}" '
            f'height="{u_h:.1f}"/>'
            f'<text x="{x + col_w / 2}" y="{y_u - 4:.1f}" text-anchor="middle">{total}</text>'
            f'<text class="dim" x="{x + col_w / 2}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{_e(month)}</text></g>'
        )
    legend = (
        f'<rect class="poor" x="10" y="{height - 12}" width="10" height="10"/>'
        f'<text x="24" y="{height - 3}">violated</text>'
        f'<rect class="unknownbar" x="92" y="{height - 12}" width="10" height="10"/>'
        f'<text x="106" y="{height - 3}">unknown</text>'
    )
    return (
        f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        + "".join(bars)
        + legend
        + "</svg>"
    )


def _worst(report: Report) -> str:
    worst = report.worst_cases()
    if not worst:
        return ""
    rows = "".join(
        f"<tr><td>{_e(c.case_id)}</td><td>{_e(c.job_id or '-')}</td><td>{_e(c.state)}</td>"
        f'<td class="num {_band(c.score)}">{"n/a" if c.score is None else f"{c.score:.1f}"}'
        f'</td><td class="num">{c.tally.violated}</td><td class="num">{c.tally.unknown}</td>'
        "</tr>"
        for c in worst
    )
    return (
        '<h2>Worst cases</h2><table class="compact"><thead><tr><th>case</th><th>job</th><th>state</th>'
        '<th class="num">score</th><th class="num">violated</th><th class="num">unknown</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _findings(findings: Sequence[ReportFinding]) -> Iterator[str]:
    # The findings' section, in pieces that together are one part of the document.
    head = (
        f"<h2>Findings ({len(findings)})</h2>"
        '<div class="search"><input id="search" type="search" '
        'placeholder="Search case, rule, recruiter, message" aria-label="Search findings">'
        f'<span><span id="shown">{len(findings)}</span> shown</span></div>'
    )
    if not findings:
        yield head + '<p class="empty">No violated or unknown findings.</p>'
        return
    yield (
        head + '<table id="findings"><thead><tr><th>case</th><th>job</th><th>recruiter</th>'
        "<th>at</th><th>rule</th><th>severity</th><th>outcome</th><th>message</th>"
        "<th>evidence</th></tr></thead><tbody>"
    )
    rows: list[str] = []
    for f in findings:
        if len(rows) >= _BATCH:
            yield "".join(rows)
            rows = []
        evidence = "<br>".join(
            _e(f"{ev.activity} {ev.timestamp.isoformat()}")
            + (f" <code>{_e(ev.event_id)}</code>" if ev.event_id else "")
            for ev in f.evidence
        )
        waived = f"<br><small>waived by {_e(f.waived_by)}</small>" if f.waived_by else ""
        rows.append(
            f'<tr><td class="nowrap">{_e(f.case_id)}</td><td class="nowrap">{_e(f.job_id or "")}'
            f'</td><td>{_e(f.actor or "")}</td><td class="nowrap">'
            f'<time datetime="{_e(f.at.isoformat())}">{_e(f.at.isoformat(timespec="minutes"))}'
            f"</time></td><td><code>{_e(f.code)}</code> {_e(f.name)}</td>"
            f'<td class="sev-{_e(f.severity.value)}">{_e(f.severity.value)}</td>'
            f'<td class="out-{_e(f.outcome.value)}">{_e(f.outcome.value)}</td>'
            f"<td>{_e(f.message)}{waived}</td>"
            f'<td class="ev">{evidence}</td></tr>'
        )
    yield "".join(rows) + "</tbody></table>"
