"""The report as CSV: one listed finding (violated or unknown) per row."""

from __future__ import annotations

import csv
import io
import re
from typing import Final, TextIO

from .model import Report, ReportFinding

__all__ = ["COLUMNS", "to_csv", "write_csv"]

#: The header row.
COLUMNS: Final = (
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

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); the
# quote makes it text.  Tab and carriage return are on OWASP's list for the same reason.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")


def to_csv(report: Report) -> str:
    """The findings as CSV (RFC 4180: ``\\r\\n`` line ends) with a header row.

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` so a spreadsheet shows it as text instead of running it.  A lone surrogate
    (which UTF-8 cannot encode) becomes U+FFFD; every other character is kept as it is.
    ``evidence`` lists the events as ``activity@timestamp#event_id`` separated by ``; ``.
    ``calendar`` is the same on every row: the calendar deadlines were counted in (see
    :meth:`~cx_rules.report.model.CalendarSummary.describe`), so that a row copied elsewhere
    still says whether "two business days" meant UTC without holidays.
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
    calendar = report.calendar.describe()
    for f in report.findings:
        writer.writerow([_safe(cell) for cell in (*_row(f), calendar)])


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
