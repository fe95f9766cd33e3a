"""The text report's sections about the report's content: coverage, fix first, owners,
groups, cohorts, benchmarks.  Each is a :class:`Section` of plain cells (text and a style
name) that :mod:`cx_rules.report.as_text` lays out, so the layout lives in one place."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .model import GroupScore, Report, RuleScore, worst_first

__all__ = ["Section", "sections"]

#: A cell: its text and the name of its style ("" for none; see as_text._STYLES).
Cell = tuple[str, str]
#: What a rule's compliance shows when it judged nothing.
NOTHING: str = "n/a"
#: How many rules the owners' table shows as columns.
_COLUMNS = 8


@attrs.frozen
class Section:
    """A titled table with notes under it."""

    title: str
    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


def _percent(value: float | None) -> Cell:
    return (NOTHING, "dim") if value is None else (f"{value:.1f}%", _band(value))


def _score(value: float | None) -> Cell:
    return (NOTHING, "dim") if value is None else (f"{value:.1f}", _band(value))


def _band(value: float) -> str:
    if value >= 90:
        return "good"
    return "fair" if value >= 70 else "bad"


def _suppressed(report: Report) -> str:
    return f"suppressed: fewer than {report.min_group} candidates"


def coverage(report: Report) -> Section | None:
    """The data coverage table, with the rules the log never records under it."""
    if not report.coverage:
        return None
    declared = any(c.declared is not None for c in report.coverage)
    rows = []
    for c in report.coverage:
        of = "cases" if c.attribute is None else f"{c.activity} cases"
        cells: list[Cell] = [
            (c.key, ""),
            (str(c.seen), "bad" if c.seen == 0 else ""),
            (str(c.missing), ""),
            (of, "dim"),
        ]
        if declared:
            cells.append((c.declared or "", "dim"))
        cells.append((" ".join(c.rules), ""))
        rows.append(tuple(cells))
    head = ("evidence", "seen", "missing", "of", *(("declared",) if declared else ()), "rules")
    notes = [f"  Not recorded in this log ({len(report.not_recorded)} rules, checks unknown):"]
    notes.extend(f"    {code}: {reason}" for code, reason in report.not_recorded.items())
    return Section(
        f"Data coverage ({report.input.cases} cases)",
        head,
        tuple(rows),
        tuple(notes) if report.not_recorded else (),
    )


def fix_first(report: Report) -> Section | None:
    """What would help most candidates, worst first."""
    if not report.fix_first:
        return None
    rows = []
    notes = []
    for rank, item in enumerate(report.fix_first, start=1):
        who = ", ".join(f"{owner or '(no owner)'} ({n})" for owner, n in item.owners)
        rows.append(
            (
                (str(rank), ""),
                (item.code, ""),
                (item.name, ""),
                (item.severity.value, item.severity.value),
                (str(item.candidates), "bad"),
                (str(item.violations), ""),
                (str(item.weight), ""),
                (who, ""),
            )
        )
        page = f" (see {item.page})" if item.page else ""
        notes.append(f"  {rank}. {item.code}: {item.action}{page}")
    return Section(
        "Fix first",
        ("#", "code", "name", "severity", "candidates", "violations", "weight", "who"),
        tuple(rows),
        (
            *notes,
            "  weight = severity weight (error 3, warning 2, info 1) x candidates with a violation",
        ),
    )


def _matrix(title: str, label: str, groups: Sequence[GroupScore], report: Report) -> Section | None:
    if not groups:
        return None
    wanted = [r.code for r in worst_first(report.rules) if r.tally.violated][:_COLUMNS]
    rows = []
    for g in groups:
        name = (g.key if g.key is not None else "(none)", "")
        if g.suppressed:
            blank = tuple(("", "") for _ in wanted)
            rows.append(
                (name, (str(g.candidates), ""), (_suppressed(report), "dim"), ("", ""), *blank)
            )
            continue
        by_code: dict[str, RuleScore] = {r.code: r for r in g.rules}
        cells = [
            _percent(by_code[c].compliance) if c in by_code else (NOTHING, "dim") for c in wanted
        ]
        violated = (str(g.tally.violated), "bad" if g.tally.violated else "")
        rows.append((name, (str(g.candidates), ""), _score(g.score), violated, *cells))
    return Section(title, (label, "candidates", "score", "violated", *wanted), tuple(rows))


def owners(report: Report) -> Section | None:
    """The recruiter x rule table: each owner's score and compliance per rule."""
    return _matrix("Owners (recruiter of record) by rule", "owner", report.owners, report)


def groups(report: Report) -> list[Section]:
    """One table per ``group_by`` key."""
    found = []
    for key, members in report.grouped().items():
        section = _matrix(f"By {key}", key, members, report)
        if section is not None:
            found.append(section)
    return found


def cohorts(report: Report) -> Section | None:
    """Rates per month of application, pending checks left out."""
    if not report.cohorts:
        return None
    rows = []
    for c in report.cohorts:
        if c.suppressed:
            rows.append(
                ((c.month, ""), (str(c.candidates), ""), (_suppressed(report), "dim"), ("", ""))
            )
            continue
        t = c.tally
        rows.append(
            (
                (c.month, ""),
                (str(c.candidates), ""),
                _score(c.score),
                (f"{t.violated} of {t.judged}", ""),
            )
        )
    return Section(
        "Trends by cohort (month of application; pending checks left out)",
        ("cohort", "candidates", "score", "violated"),
        tuple(rows),
    )


def benchmarks(report: Report) -> Section | None:
    """The organisation's figures beside published ones."""
    if not report.benchmarks:
        return None
    rows = []
    notes = []
    for b in report.benchmarks:
        unit = "%" if b.unit == "%" else " days"
        ours = NOTHING if b.ours is None else f"{b.ours:.1f}{unit}"
        rows.append(
            (
                (b.measure, ""),
                (ours, "dim" if b.ours is None else ""),
                (str(b.basis), ""),
                (f"{b.published:g}{unit}", ""),
                (str(b.year) if b.year is not None else "year not given", ""),
            )
        )
        notes.append(f"  {b.measure}: {b.note}")
    sources = sorted({b.source for b in report.benchmarks})
    return Section(
        "Benchmarks (published figures beside yours)",
        ("measure", "yours", "of", "published", "year"),
        tuple(rows),
        (*notes, *(f"  Source: {s}" for s in sources)),
    )


def sections(report: Report) -> list[Section]:
    """Every section in the order the report shows them after the score."""
    found = [fix_first(report), owners(report), *groups(report), cohorts(report)]
    found.append(benchmarks(report))
    return [s for s in found if s is not None]
