"""Pieces of the page: escaping, the colour bands and their legend, bars of compliance,
the months chart and the worst cases, every list worst first."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from html import escape
from typing import Final

import attrs

from ...findings import Severity
from ..as_text import printable
from ..model import CaseScore, RuleScore, Tally

__all__ = [
    "Bar",
    "band",
    "bar",
    "bars",
    "cases_table",
    "e",
    "legend",
    "percent",
    "weighted",
    "worst_cases",
    "worst_first",
]


def e(value: object) -> str:
    """``value`` as HTML text: its invisible characters made visible, then escaped."""
    return escape(printable(str(value)), quote=True)


def band(value: float | None) -> str:
    """The colour class of a percentage: good (90 and over), fair (70 and over), poor, or
    none (nothing measured)."""
    if value is None:
        return "none"
    if value >= 90:
        return "good"
    return "fair" if value >= 70 else "poor"


def weighted(rules: Iterable[RuleScore]) -> int:
    """The severity's weight (error 3, warning 2, info 1) times the candidates with a
    violation, summed over ``rules`` (:attr:`~cx_rules.report.RuleScore.weight`): what
    "worst" means."""
    return sum(r.weight for r in rules)


def bar(value: float | None) -> str:
    """One bar scaled to its cell; an empty track says 0% (pale red) or nothing measured
    (dashed)."""
    if value is None:
        track = '<rect class="tracknm" x="0.5" y="0.5" width="99" height="13" rx="2"/>'
    elif value == 0:
        track = '<rect class="track0" x="0.5" y="0.5" width="99" height="13" rx="2"/>'
    else:
        track = (
            '<rect class="track" x="0" y="0" width="100" height="14" rx="2"/>'
            f'<rect class="{band(round(value, 1))}" x="0" y="0" width="{value:.1f}" height="14" rx="2"/>'
        )
    return (
        '<svg class="bar" viewBox="0 0 100 14" preserveAspectRatio="none" aria-hidden="true">'
        f"{track}</svg>"
    )


def percent(value: float | None, unit: str = "%") -> str:
    """A percentage (or a score, with ``unit=""``) in its band's colour; 0 in bold and
    ``None`` as "not measured", so the two never look alike."""
    if value is None:
        return '<span class="nm">not measured</span>'
    if value == 0:
        return f'<span class="zero">0{unit}</span>'
    # Banded as shown: 89.96 reads "90.0", so it is green like every other 90.
    shown = round(value, 1)
    return f'<span class="{band(shown)}">{shown:.1f}{unit}</span>'


def _checks(t: Tally) -> str:
    parts = [f"{t.passed:,} of {t.judged:,} passed"]
    if t.unknown:
        parts.append(f"{t.unknown:,} unknown")
    if t.pending:
        parts.append(f"{t.pending:,} pending")
    if t.waived:
        parts.append(f"{t.waived:,} waived")
    return ", ".join(parts)


_NOT_RECORDED = "not recorded in this log: "


def _unrecorded(reason: str, t: Tally) -> str:
    # Beside "not recorded", the reason without those words again, and the checks left unknown.
    if reason.startswith(_NOT_RECORDED):
        reason = reason[len(_NOT_RECORDED) :]
    return reason + (f"; {t.unknown:,} unknown" if t.unknown else "")


@attrs.frozen
class Bar:
    """One row of a table of bars: what is measured, its percentage and its checks."""

    label: str
    value: float | None
    tally: Tally
    #: Violations weighted by severity: the order of the table, worst first.
    weight: int
    severity: Severity | None = None
    code: str | None = None
    #: Why the log cannot show this (the rule's evidence never occurs), or ``None``.
    not_recorded: str | None = None


def worst_first(items: Iterable[Bar]) -> list[Bar]:
    """Most weight first, then most violations, then lowest percentage; nothing measured
    last."""
    return sorted(
        items,
        key=lambda b: (
            b.value is None,
            -b.weight,
            -b.tally.violated,
            b.value if b.value is not None else 0.0,
            b.label,
        ),
    )


def bars(items: Sequence[Bar], what: str, *, ordered: bool = True) -> str:
    """A table of bars, worst first unless ``ordered`` is false (a chronological list)."""
    if not items:
        return '<p class="empty">Nothing was checked.</p>'
    rows = worst_first(items) if ordered else list(items)
    has_severity = any(b.severity is not None for b in rows)
    cols = ['<col class="c-label">']
    head = [f"<th>{e(what)}</th>"]
    if has_severity:
        cols.append('<col class="c-sev">')
        head.append("<th>severity</th>")
    cols += ['<col class="c-bar">', '<col class="c-pct">', '<col class="c-viol">']
    cols.append('<col class="c-detail">')
    head += [
        "<th>compliance</th>",
        '<th class="num">%</th>',
        '<th class="num">violated</th>',
        "<th>checks</th>",
    ]
    body = []
    for b in rows:
        label = (f"<code>{e(b.code)}</code> " if b.code else "") + e(b.label)
        cells = [f"<td>{label}</td>"]
        if has_severity:
            sev = b.severity.value if b.severity is not None else ""
            cells.append(f'<td class="sev-{e(sev)}">{e(sev)}</td>')
        if b.not_recorded is not None:
            cells += [
                f"<td>{bar(None)}</td>",
                '<td class="num"><span class="nm">not recorded</span></td>',
                f'<td class="num">{b.tally.violated:,}</td>',
                f'<td class="detail">{e(_unrecorded(b.not_recorded, b.tally))}</td>',
            ]
        else:
            cells += [
                f"<td>{bar(b.value)}</td>",
                f'<td class="num">{percent(b.value)}</td>',
                f'<td class="num">{b.tally.violated:,}</td>',
                f'<td class="detail">{e(_checks(b.tally))}</td>',
            ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="bars"><colgroup>{"".join(cols)}</colgroup>'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


_SWATCHES: Final = (
    ('<rect class="good" width="26" height="12" rx="2"/>', "90% or more"),
    ('<rect class="fair" width="26" height="12" rx="2"/>', "70% to 90%"),
    ('<rect class="poor" width="26" height="12" rx="2"/>', "under 70%"),
    (
        '<rect class="track0" x="0.5" y="0.5" width="25" height="11" rx="2"/>',
        "0%: every judged check violated",
    ),
    (
        '<rect class="tracknm" x="0.5" y="0.5" width="25" height="11" rx="2"/>',
        "not measured: no check could be judged (unknown or pending only), or not "
        "recorded in this log",
    ),
)


def legend() -> str:
    """What the colours of the bars and the score mean."""
    items = "".join(
        f'<li><svg class="swatch" viewBox="0 0 26 12" aria-hidden="true">{shape}</svg>'
        f"{e(text)}</li>"
        for shape, text in _SWATCHES
    )
    return f'<ul class="legend" aria-label="Colours">{items}</ul>'


def worst_cases(cases: Iterable[CaseScore], limit: int = 10) -> tuple[CaseScore, ...]:
    """The cases with violations, most violations first (then lowest score, then id)."""
    return tuple(
        heapq.nsmallest(
            limit,
            (c for c in cases if c.tally.violated),
            key=lambda c: (
                -c.tally.violated,
                c.score if c.score is not None else 101.0,
                c.case_id,
            ),
        )
    )


def cases_table(cases: Sequence[CaseScore]) -> str:
    """The worst cases as a table."""
    rows = "".join(
        f"<tr><td>{e(c.case_id)}</td><td>{e(c.job_id or '-')}</td><td>{e(c.state)}</td>"
        f'<td class="num">{c.tally.violated:,}</td><td class="num">{c.tally.unknown:,}</td>'
        f'<td class="num">{percent(c.score, "")}</td></tr>'
        for c in cases
    )
    return (
        '<table class="cases"><colgroup><col class="c-case"><col class="c-job">'
        '<col class="c-state"><col><col><col></colgroup><thead><tr><th>case</th><th>job</th>'
        '<th>state</th><th class="num">violated</th><th class="num">unknown</th>'
        f'<th class="num">score</th></tr></thead><tbody>{rows}</tbody></table>'
    )
