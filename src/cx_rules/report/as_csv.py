"""The report as CSV: one table, one header row, a ``section`` column saying what each row is.

The sections come in this order (see :func:`to_csv` for the columns each fills):
``header``, ``coverage``, ``not_recorded``, ``fix_first``, ``rule``, ``owner``, ``group``,
``cohort``, ``benchmark``, then one ``finding`` row per listed finding (violated, unknown,
waived).  A spreadsheet filters on ``section``; ``pandas.read_csv`` reads the whole file as
one frame, every row as wide as the header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from typing import Final, TextIO

from .model import GroupScore, Report, ReportFinding, RuleScore, Tally

__all__ = ["COLUMNS", "FINDING_COLUMNS", "SECTIONS", "to_csv", "write_csv"]

#: The columns of a finding (they were the whole file before the other sections came).
FINDING_COLUMNS: Final = (
    "case_id",
    "job_id",
    "actor",
    "code",
    "name",
    "practice",
    "severity",
    "outcome",
    "at",
    "due",
    "missing",
    "waived_by",
    "message",
    "evidence",
    "calendar",
)
#: The header row.
COLUMNS: Final = (
    "section",
    *FINDING_COLUMNS,
    "owner",
    "group",
    "key",
    "candidates",
    "count",
    "total",
    "value",
    "unit",
    "weight",
    "published",
    "year",
    "source",
    "detail",
)
#: The values of the ``section`` column, in the order the rows come.
SECTIONS: Final = (
    "header",
    "coverage",
    "not_recorded",
    "fix_first",
    "rule",
    "owner",
    "group",
    "cohort",
    "benchmark",
    "finding",
)
_INDEX: Final = {name: i for i, name in enumerate(COLUMNS)}

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); the
# quote makes it text.  Tab and carriage return are on OWASP's list for the same reason.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")


def to_csv(report: Report) -> str:
    """The report as CSV (RFC 4180: ``\\r\\n`` line ends) with one header row.

    Every row has every column of :data:`COLUMNS`, empty where it does not apply; the first,
    ``section``, says what the row is:

    - ``header``: ``key`` ``policy`` (``detail``: its path, or ``built-in defaults``) and
      ``rejected`` (``count``: input records rejected);
    - ``coverage``: one evidence key (``key``): ``count`` cases in which it occurs of
      ``total`` (every case for an activity; the cases with the activity for an attribute),
      ``code`` the rules that read it (space-separated), ``detail`` what the importer
      declares;
    - ``not_recorded``: a rule (``code``, ``name``) whose evidence the log never holds, with
      the reason in ``detail``: its checks are unknown;
    - ``fix_first``: in rank order, a rule with its ``severity``, ``candidates`` with a
      violation, ``count`` violations, ``weight`` (severity weight times candidates),
      ``message`` what to do, ``owner`` whose candidates they are (``name (n); ...``) and
      ``detail`` the rule's documentation page;
    - ``rule``: worst first, a rule's ``count`` violated of ``total`` judged checks and
      ``value`` its compliance in percent, empty when nothing was judged (``detail`` says
      ``nothing judged``, or why the log does not record it); ``candidates`` with a violation;
    - ``owner``: the recruiter-by-rule table, one row per owner and rule (``owner``, ``code``,
      ``count`` violated of ``total`` judged, ``value`` compliance), ``candidates`` the
      owner's; an owner with too few candidates has one row, ``detail`` ``suppressed: fewer
      than N candidates``;
    - ``group``: per ``group_by`` key (``group``) and value (``key``): ``candidates``,
      ``count`` violated of ``total`` judged, ``value`` the score; suppressed like owners;
    - ``cohort``: per month of application (``key``): the same, pending checks left out;
    - ``benchmark``: a measure (``key``): ``value`` the organisation's figure (empty when the
      log cannot measure it) in ``unit`` over ``total`` candidates, ``published`` the
      published figure, its ``year`` and ``source``, and what each measures in ``detail``;
    - ``finding``: the finding columns (:data:`FINDING_COLUMNS`) and its case's ``owner``.
      ``evidence`` lists the events as ``activity@timestamp#event_id`` separated by ``; ``.
      ``calendar`` is the calendar deadlines were counted in (see
      :meth:`~cx_rules.report.model.CalendarSummary.describe`), so that a row copied
      elsewhere still says whether "two business days" meant UTC without holidays.

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` so a spreadsheet shows it as text instead of running it.  A lone surrogate
    (which UTF-8 cannot encode) becomes U+FFFD; every other character is kept as it is.
    """
    buffer = io.StringIO()
    write_csv(report, buffer)
    return buffer.getvalue()


def write_csv(report: Report, out: TextIO) -> None:
    """Write :func:`to_csv`'s text of ``report`` to ``out``, row by row (open a file with
    ``newline=""`` so that the ``\\r\\n`` line ends stay as they are)."""
    # RFC 4180 line ends: with them the writer also quotes a cell holding a bare "\r".
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _summary(report):
        writer.writerow([_safe(cell) for cell in row])
    calendar = report.calendar.describe()
    blank = [""] * (len(COLUMNS) - len(FINDING_COLUMNS) - 1)
    for f in report.findings:
        cells = ["finding", *_row(f), calendar, *blank]
        cells[_INDEX["owner"]] = f.owner or ""
        writer.writerow([_safe(cell) for cell in cells])


def _cells(section: str, **values: object) -> list[str]:
    row = [""] * len(COLUMNS)
    row[0] = section
    for name, value in values.items():
        row[_INDEX[name]] = "" if value is None else str(value)
    return row


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _judged(t: Tally) -> dict[str, object]:
    return {"count": t.violated, "total": t.judged}


def _summary(report: Report) -> Iterator[list[str]]:
    yield _cells("header", key="policy", detail=report.policy or "built-in defaults")
    yield _cells("header", key="rejected", count=report.input.rejected)
    for c in report.coverage:
        yield _cells(
            "coverage",
            key=c.key,
            count=c.seen,
            total=c.seen + c.missing,
            code=" ".join(c.rules),
            detail=c.declared,
        )
    names = {r.code: r.name for r in report.rules}
    for code, reason in report.not_recorded.items():
        yield _cells("not_recorded", code=code, name=names.get(code, ""), detail=reason)
    for item in report.fix_first:
        yield _cells(
            "fix_first",
            code=item.code,
            name=item.name,
            severity=item.severity.value,
            candidates=item.candidates,
            count=item.violations,
            weight=item.weight,
            message=item.action,
            owner="; ".join(f"{o or '(no owner)'} ({n})" for o, n in item.owners),
            detail=item.page,
        )
    from .model import worst_first

    for r in worst_first(report.rules):
        yield _rule("rule", r)
    suppressed = f"suppressed: fewer than {report.min_group} candidates"
    for g in report.owners:
        if g.suppressed:
            yield _cells("owner", owner=g.key, candidates=g.candidates, detail=suppressed)
            continue
        for r in g.rules:
            if r.tally.judged:
                yield _rule("owner", r, owner=g.key, candidates=g.candidates)
    for g in report.groups:
        yield _group("group", g, suppressed, group=g.by)
    for cohort in report.cohorts:
        yield _cells(
            "cohort",
            key=cohort.month,
            candidates=cohort.candidates,
            value=_num(cohort.score),
            detail=suppressed if cohort.suppressed else None,
            **({} if cohort.suppressed else _judged(cohort.tally)),
        )
    for b in report.benchmarks:
        yield _cells(
            "benchmark",
            key=b.measure,
            value=_num(b.ours),
            unit=b.unit,
            total=b.basis,
            published=_num(b.published),
            year=b.year,
            source=b.source,
            detail=b.note,
        )


def _rule(section: str, r: RuleScore, **more: object) -> list[str]:
    detail = r.not_recorded or (None if r.tally.judged else "nothing judged")
    values: dict[str, object] = {
        "code": r.code,
        "name": r.name,
        "practice": r.practice,
        "severity": r.severity.value,
        "value": _num(r.compliance),
        "detail": detail,
        **_judged(r.tally),
    }
    if section == "rule":
        values["candidates"] = r.candidates
    values.update(more)
    return _cells(section, **values)


def _group(section: str, g: GroupScore, suppressed: str, **more: object) -> list[str]:
    values: Mapping[str, object] = (
        {"detail": suppressed} if g.suppressed else {"value": _num(g.score), **_judged(g.tally)}
    )
    return _cells(section, key=g.key, candidates=g.candidates, **values, **more)


def _row(f: ReportFinding) -> tuple[str, ...]:
    evidence = "; ".join(
        f"{e.activity}@{e.timestamp.isoformat()}" + (f"#{e.event_id}" if e.event_id else "")
        for e in f.evidence
    )
    return (
        f.case_id,
        f.job_id or "",
        f.actor or "",
        f.code,
        f.name,
        f.practice,
        f.severity.value,
        f.outcome.value,
        f.at.isoformat(),
        f.due.isoformat() if f.due is not None else "",
        f.missing or "",
        f.waived_by or "",
        f.message,
        evidence,
    )


def _safe(cell: str) -> str:
    cell = _SURROGATE.sub("\ufffd", cell)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
