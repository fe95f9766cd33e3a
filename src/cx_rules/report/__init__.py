"""Audit reports: the model, the score, and the JSON, text, CSV, HTML, JUnit XML and SARIF
renderings.

:func:`cx_rules.audit` returns a :class:`Report`; :func:`render` turns it into one of
:data:`FORMATS`.  The score is documented in :mod:`cx_rules.report.scoring`.
"""

from __future__ import annotations

import os
from typing import Final, TextIO

from .as_csv import to_csv, write_csv
from .as_html import to_html, write_html
from .as_json import SCHEMA, json_schema, report_dict, to_json, write_json
from .as_junit import to_junit, write_junit
from .as_sarif import to_sarif, write_sarif
from .as_text import to_text, write_text
from .baseline import Baseline, BaselineError, compare, fingerprint, load_listed
from .collect import MAX_ERRORS, Collector
from .model import (
    GROUP_BY,
    MIN_GROUP,
    Benchmark,
    CaseScore,
    CohortScore,
    Evidence,
    FixItem,
    GroupScore,
    InputSummary,
    KeyCoverage,
    PracticeScore,
    Report,
    ReportFinding,
    RuleScore,
    SourceSummary,
    Tally,
    worst_first,
)
from .redact import SALT_ENV, pseudonym, redact
from .scoring import score

__all__ = [
    "FORMATS",
    "GROUP_BY",
    "MAX_ERRORS",
    "MIN_GROUP",
    "SALT_ENV",
    "SCHEMA",
    "Baseline",
    "BaselineError",
    "Benchmark",
    "CaseScore",
    "CohortScore",
    "Collector",
    "Evidence",
    "FixItem",
    "GroupScore",
    "InputSummary",
    "KeyCoverage",
    "PracticeScore",
    "Report",
    "ReportFinding",
    "RuleScore",
    "SourceSummary",
    "Tally",
    "compare",
    "fingerprint",
    "json_schema",
    "load_listed",
    "pseudonym",
    "redact",
    "render",
    "report_dict",
    "score",
    "to_csv",
    "to_html",
    "to_json",
    "to_junit",
    "to_sarif",
    "to_text",
    "worst_first",
    "write",
    "write_csv",
    "write_html",
    "write_json",
    "write_junit",
    "write_sarif",
    "write_text",
]

#: The formats :func:`render` writes.
FORMATS: Final = ("text", "json", "csv", "html", "junit", "sarif")


def render(report: Report, format: str = "text", *, color: bool = False) -> str:
    """The report in ``format`` (one of :data:`FORMATS`); ``color`` only affects text."""
    if format == "text":
        return to_text(report, color=color)
    if format == "json":
        return to_json(report)
    if format == "csv":
        return to_csv(report)
    if format == "html":
        return to_html(report)
    if format == "junit":
        return to_junit(report)
    if format == "sarif":
        return to_sarif(report)
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {format!r}")


def write(
    report: Report,
    out: TextIO,
    format: str = "text",
    *,
    color: bool = False,
    path: str | os.PathLike[str] | None = None,
) -> None:
    """Write :func:`render`'s text of ``report`` to ``out`` as it is produced, never holding
    the whole text: what the command line does.  Open a file with ``newline=""``, so that
    the CSV's ``\\r\\n`` line ends are written as they are.  ``path`` says where ``out``
    is written: the HTML page then puts every finding in a CSV file beside it when it lists
    only the worst (see :func:`write_html`); other formats ignore it."""
    if format == "text":
        write_text(report, out, color=color)
    elif format == "json":
        write_json(report, out)
    elif format == "csv":
        write_csv(report, out)
    elif format == "html":
        write_html(report, out, path=path)
    elif format == "junit":
        write_junit(report, out)
    elif format == "sarif":
        write_sarif(report, out)
    else:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {format!r}")
