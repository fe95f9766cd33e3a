"""The report's content beyond its scores, as HTML tables: data coverage, fix first, owners
and groups (a rule matrix each), cohorts and published benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import GroupScore, Report, RuleScore, in_order, worst_first
from ._parts import bar, e, percent

__all__ = ["benchmarks", "cohorts", "coverage", "evidence", "fix_first", "matrix"]

#: How many rules (the worst) a matrix of owners or groups shows as columns.
_COLUMNS = 8


def _suppressed(report: Report) -> str:
    return f"suppressed: fewer than {report.min_group} candidates"


_NOT_RECORDED = "not recorded in this log: "


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _reason(reason: str) -> str:
    # Under the heading "Not recorded in this log", each reason without those words again.
    return reason[len(_NOT_RECORDED) :] if reason.startswith(_NOT_RECORDED) else reason


def coverage(report: Report) -> str:
    """The head of the data coverage: how much of the rules' evidence the log never holds,
    and the rules it never records (their checks unknown, not violated)."""
    if not report.coverage:
        return ""
    never = sum(1 for c in report.coverage if c.seen == 0)
    parts = [
        f'<h2>Data coverage ({report.input.cases:,} cases)</h2><p class="note">'
        f"{never} of the {len(report.coverage)} pieces of evidence the rules read never "
        'occur in this log (<a href="#evidence">evidence by evidence</a>). A rule whose '
        "evidence never occurs is not recorded in this log: its checks are unknown, never "
        "violated.</p>"
    ]
    if report.not_recorded:
        parts.append(
            '<div class="notrec"><h3>Not recorded in this log '
            f"({_plural(len(report.not_recorded), 'rule')}, checks unknown)</h3><ul>"
        )
        parts.extend(
            f"<li><code>{e(code)}</code> {e(_reason(reason))}</li>"
            for code, reason in report.not_recorded.items()
        )
        parts.append("</ul></div>")
    return "".join(parts)


def evidence(report: Report) -> str:
    """The data coverage table: each piece of evidence, in how many cases the log holds it,
    least covered first."""
    if not report.coverage:
        return ""
    declared = any(c.declared is not None for c in report.coverage)
    rows = []
    for c in sorted(report.coverage, key=lambda c: (c.seen != 0, c.seen - c.missing, c.key)):
        of = "cases" if c.attribute is None else f"{c.activity} cases"
        seen = f'<span class="zero">{c.seen:,}</span>' if c.seen == 0 else f"{c.seen:,}"
        cells = [
            f"<td><code>{e(c.key)}</code></td>",
            f'<td class="num">{seen}</td>',
            f'<td class="num">{c.missing:,}</td>',
            f'<td class="detail">{e(of)}</td>',
        ]
        if declared:
            cells.append(f'<td class="detail">{e(c.declared or "")}</td>')
        cells.append(f"<td>{e(' '.join(c.rules))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = ["evidence", '<th class="num">seen</th>', '<th class="num">missing</th>', "of"]
    if declared:
        head.append("declared by the source")
    head.append("rules")
    heads = "".join(h if h.startswith("<th") else f"<th>{h}</th>" for h in head)
    return (
        '<h2 id="evidence">Data coverage, evidence by evidence</h2>'
        '<p class="note">In how many cases the log holds each activity (of all cases) and '
        "each attribute (of the cases with its activity), least covered first.</p>"
        f'<table class="coverage{" declared" if declared else ""}"><thead><tr>{heads}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def fix_first(report: Report) -> str:
    """The changes that would help most candidates, with what to do and whose they are."""
    if not report.fix_first:
        return ""
    rows = []
    for rank, item in enumerate(report.fix_first, start=1):
        who = ", ".join(f"{owner or '(no owner)'} ({n:,})" for owner, n in item.owners)
        page = (
            f"<br><small>Rule page: <code>cx-rules rule {e(item.code)}</code> &middot; "
            f"<code>{e(item.page)}</code> in the documentation</small>"
            if item.page
            else ""
        )
        rows.append(
            f'<tr><td class="num">{rank}</td>'
            f"<td><code>{e(item.code)}</code> {e(item.name)}</td>"
            f'<td class="sev-{e(item.severity.value)}">{e(item.severity.value)}</td>'
            f'<td class="num"><b class="poor">{item.candidates:,}</b></td>'
            f'<td class="num">{item.violations:,}</td>'
            f"<td>{e(item.action)}{page}</td><td>{e(who)}</td></tr>"
        )
    return (
        "<h2>Fix first</h2>"
        '<p class="note">The changes that would help most candidates: ranked by the '
        "severity's weight (error 3, warning 2, info 1) times the candidates with a "
        "violation.</p>"
        '<table class="fix"><colgroup><col class="c-rank"><col class="c-rule">'
        '<col class="c-sev"><col class="c-cand"><col class="c-viol"><col class="c-do">'
        '<col class="c-who"></colgroup><thead><tr><th class="num">#</th><th>rule</th>'
        '<th>severity</th><th class="num">candidates</th><th class="num">violations</th>'
        f"<th>what to do</th><th>who</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _cell(rule: RuleScore | None) -> str:
    # "n/a" in a narrow cell; the legend's "not measured", in full, in its title.
    if rule is None or rule.compliance is None:
        return '<span class="nm" title="not measured">n/a</span>'
    return percent(rule.compliance)


def matrix(
    title: str, label: str, groups: Sequence[GroupScore], report: Report, *, note: str = ""
) -> str:
    """A table of groups (owners, jobs, departments) by the worst rules: each group's
    candidates, score and compliance per rule; a group too small to show is suppressed."""
    if not groups:
        return ""
    wanted = [r for r in worst_first(report.rules) if r.tally.violated][:_COLUMNS]
    head = "".join(
        f'<th class="num" title="{e(r.code)} {e(r.name)}">{e(r.code)}</th>' for r in wanted
    )
    rows = []
    for g in in_order(groups):
        name = f"<td>{e(g.key if g.key is not None else '(none)')}</td>"
        if g.suppressed:
            rows.append(
                f'<tr>{name}<td class="num">{g.candidates:,}</td>'
                f'<td colspan="{len(wanted) + 1}" class="nm">{e(_suppressed(report))}</td></tr>'
            )
            continue
        by_code: dict[str, RuleScore] = {r.code: r for r in g.rules}
        cells = "".join(f'<td class="num">{_cell(by_code.get(r.code))}</td>' for r in wanted)
        rows.append(
            f'<tr>{name}<td class="num">{g.candidates:,}</td>'
            f'<td class="num">{percent(g.score, "")}</td>{cells}</tr>'
        )
    return (
        f"<h2>{e(title)}</h2>"
        + (f'<p class="note">{e(note)}</p>' if note else "")
        + '<table class="matrix"><colgroup><col class="c-label"><col class="c-cand"><col>'
        + "<col>" * len(wanted)
        + f"</colgroup><thead><tr><th>{e(label)}</th>"
        '<th class="num">candidates</th><th class="num">score</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def cohorts(report: Report) -> str:
    """Rates per month of application, pending checks left out, small cohorts suppressed."""
    if not report.cohorts:
        return ""
    rows = []
    for c in report.cohorts:
        if c.suppressed:
            rows.append(
                f'<tr><td>{e(c.month)}</td><td class="num">{c.candidates:,}</td>'
                f'<td colspan="3" class="nm">{e(_suppressed(report))}</td></tr>'
            )
            continue
        t = c.tally
        rows.append(
            f'<tr><td>{e(c.month)}</td><td class="num">{c.candidates:,}</td>'
            f"<td>{bar(c.score)}</td>"
            f'<td class="num">{percent(c.score, "")}</td>'
            f'<td class="num">{t.violated:,} of {t.judged:,}</td></tr>'
        )
    return (
        "<h2>Trends by cohort</h2>"
        '<p class="note">The candidates whose application arrived in each month, scored on '
        "the checks already due (pending checks left out, so a recent month is not flattered "
        f"by what has not been judged yet); a cohort of fewer than {report.min_group} "
        "candidates is not shown.</p>"
        '<table class="cohorts"><colgroup><col class="c-month"><col class="c-cand">'
        '<col class="c-bar"><col class="c-score"><col class="c-viol"></colgroup>'
        '<thead><tr><th>cohort</th><th class="num">candidates</th>'
        '<th aria-label="score as a bar"></th><th class="num">score</th>'
        '<th class="num">violated</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def benchmarks(report: Report) -> str:
    """The organisation's figures beside published ones, with year and source."""
    if not report.benchmarks:
        return ""
    rows = []
    for b in report.benchmarks:
        unit = "%" if b.unit == "%" else " days"
        ours = '<span class="nm">not measured</span>' if b.ours is None else f"{b.ours:.1f}{unit}"
        year = str(b.year) if b.year is not None else "year not given"
        rows.append(
            f'<tr><td>{e(b.measure)}</td><td class="num"><b>{ours}</b></td>'
            f'<td class="num">{b.basis:,}</td><td class="num">{b.published:g}{unit}</td>'
            f'<td>{e(year)}</td><td class="detail">{e(b.note)}</td></tr>'
        )
    sources = sorted({b.source for b in report.benchmarks})
    return (
        "<h2>Benchmarks: published figures beside yours</h2>"
        '<table class="bench"><colgroup><col class="c-measure"><col class="c-ours">'
        '<col class="c-of"><col class="c-pub"><col class="c-year"><col class="c-note">'
        '</colgroup><thead><tr><th>measure</th><th class="num">yours</th>'
        '<th class="num">of candidates</th><th class="num">published</th><th>year</th>'
        f"<th>what is counted</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + "".join(f'<p class="note">Source: {e(s)}</p>' for s in sources)
    )
