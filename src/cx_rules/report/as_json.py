"""The JSON report, described by ``report-1.schema.json`` in this package."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from importlib import resources
from typing import Any, Final, TextIO

from ..io.records import InputError
from .model import (
    Benchmark,
    CalendarSummary,
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
)

__all__ = ["SCHEMA", "json_schema", "report_dict", "to_json", "write_json"]

#: The value of the report's ``schema`` key; the number changes when a key changes meaning.
SCHEMA: Final = "cx-rules.report/1"

_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every JSON report validates against."""
    text = resources.files(__package__).joinpath("report-1.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def to_json(report: Report) -> str:
    """The report as JSON text: keys in a fixed order, two-space indent, ending in a newline.

    The same report always gives the same bytes.  Every string reads back as it is in the
    report, whatever characters it holds, and the text always encodes as UTF-8: characters
    other than ASCII are written as they are, except lone surrogates (a log may carry one as
    a ``\\ud800`` escape), which are written as that escape.
    """
    text = json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
    # Surrogates can only stand inside strings here, where the escape means the same thing.
    return _SURROGATE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


# The report's keys whose lists grow with the log: written item by item.
_LONG: Final = frozenset({"cases", "findings"})
# How many items' text is gathered before one write to the stream.
_BATCH: Final = 512


def write_json(report: Report, out: TextIO) -> None:
    """Write :func:`to_json`'s text of ``report`` to ``out``, the same characters, without
    ever holding that text whole.

    The long lists (cases and findings) are turned into plain data and encoded one item
    at a time, with orjson when it is installed (the ``fast`` extra) and with the standard
    library's encoder otherwise; an item orjson refuses (a string holding a lone surrogate)
    is encoded by the standard library.  Memory is the report plus one batch of items.
    """
    encode = _item_encoder()
    head = report_dict(report, long=False)
    out.write("{")
    first = True
    for key, value in head.items():
        out.write(("\n  " if first else ",\n  ") + _dumps(key) + ": ")
        first = False
        if key in _LONG:
            _write_list(out, _long_items(report, key), encode)
        else:
            out.write(_dumps(value).replace("\n", "\n  "))
    out.write("\n}\n")


def _dumps(value: Any) -> str:
    """``value`` as ``json.dumps(value, indent=2, ensure_ascii=False)`` with surrogates
    escaped, as :func:`to_json` writes it."""
    return _SURROGATE.sub(_escape, json.dumps(value, indent=2, ensure_ascii=False))


def _item_encoder() -> Callable[[Any], str]:
    """The encoder of one list item at depth 0: orjson's when installed, else the stdlib's;
    both give the characters of ``json.dumps(item, indent=2, ensure_ascii=False)``."""
    try:
        import orjson
    except ImportError:
        return _dumps
    dumps = orjson.dumps
    option = orjson.OPT_INDENT_2

    def encode(item: Any) -> str:
        try:
            text: str = dumps(item, option=option).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError: a lone surrogate, say
            return _dumps(item)
        return text

    return encode


def _write_list(out: TextIO, items: Iterator[Any], encode: Callable[[Any], str]) -> None:
    # A list at depth 1 of the report: its items at depth 2, four spaces in (newlines stand
    # only between tokens: inside strings they are escaped).
    item = next(items, _NONE)
    if item is _NONE:
        out.write("[]")
        return
    out.write("[\n    ")
    batch = [encode(item).replace("\n", "\n    ")]
    for item in items:
        if len(batch) >= _BATCH:
            out.write(",\n    ".join(batch) + ",\n    ")
            batch = []
        batch.append(encode(item).replace("\n", "\n    "))
    out.write(",\n    ".join(batch) + "\n  ]")


_NONE: Final = object()


def _long_items(report: Report, key: str) -> Iterator[dict[str, Any]]:
    if key == "cases":
        return map(_case, report.cases)
    return map(_finding, report.findings)


def report_dict(report: Report, *, long: bool = True) -> dict[str, Any]:
    """The report as plain data, exactly as :func:`to_json` writes it; with ``long`` false,
    the cases and findings lists are left empty (for a writer that streams them)."""
    return {
        "schema": SCHEMA,
        "as_of": _time(report.as_of),
        "redacted": report.redacted,
        "policy": report.policy,
        "calendar": _calendar(report.calendar),
        "input": _input(report.input),
        "coverage": [_coverage(c) for c in report.coverage],
        "not_recorded": dict(report.not_recorded),
        "score": _percent(report.score),
        **_tally(report.tally),
        "practices": [_practice(p) for p in report.practices],
        "rules": [_rule(r) for r in report.rules],
        "cases": [_case(c) for c in report.cases] if long else [],
        "fix_first": [_fix(i) for i in report.fix_first],
        "group_by": report.group_by,
        "group_keys": list(report.group_keys),
        "groups": [_group(g) for g in report.groups],
        "min_group": report.min_group,
        "owners": [_group(g) for g in report.owners],
        "cohorts": [_cohort(c) for c in report.cohorts],
        "benchmarks": [_benchmark(b) for b in report.benchmarks],
        "findings": [_finding(f) for f in report.findings] if long else [],
        "errors": [_error(e) for e in report.errors],
        **({} if report.source is None else {"source": _source(report.source)}),
    }


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _tally(t: Tally) -> dict[str, int]:
    return {
        "passed": t.passed,
        "violated": t.violated,
        "unknown": t.unknown,
        "pending": t.pending,
        "waived": t.waived,
    }


def _calendar(c: CalendarSummary) -> dict[str, Any]:
    return {
        "timezone": c.timezone,
        "workdays": list(c.workdays),
        "holidays": c.holidays,
        "holiday_country": c.holiday_country,
        "default": c.default,
    }


def _input(i: InputSummary) -> dict[str, Any]:
    return {
        "files": list(i.files),
        "lines": i.lines,
        "events": i.events,
        "duplicates": i.duplicates,
        "cases": i.cases,
        "rejected": i.rejected,
        "unmapped": i.unmapped,
        "unmapped_activities": dict(i.unmapped_activities),
        "after_as_of": i.after_as_of,
        "skipped": dict(i.skipped),
    }


def _practice(p: PracticeScore) -> dict[str, Any]:
    return {"practice": p.practice, **_tally(p.tally), "score": _percent(p.score)}


def _rule(r: RuleScore) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "practice": r.practice,
        "severity": r.severity.value,
        **_tally(r.tally),
        "compliance": _percent(r.compliance),
        "candidates": r.candidates,
        "not_recorded": r.not_recorded,
    }


def _case(c: CaseScore) -> dict[str, Any]:
    return {
        "case_id": c.case_id,
        "job_id": c.job_id,
        "state": c.state,
        **_tally(c.tally),
        "score": _percent(c.score),
    }


def _group(g: GroupScore) -> dict[str, Any]:
    return {
        "key": g.key,
        **_tally(g.tally),
        "score": _percent(g.score),
        "rules": [_rule(r) for r in g.rules],
        "by": g.by,
        "candidates": g.candidates,
        "suppressed": g.suppressed,
    }


def _cohort(c: CohortScore) -> dict[str, Any]:
    return {
        "month": c.month,
        "candidates": c.candidates,
        "suppressed": c.suppressed,
        **_tally(c.tally),
        "score": _percent(c.score),
        "rules": [_rule(r) for r in c.rules],
    }


def _coverage(c: KeyCoverage) -> dict[str, Any]:
    return {
        "key": c.key,
        "seen": c.seen,
        "missing": c.missing,
        "rules": list(c.rules),
        "declared": c.declared,
    }


def _fix(i: FixItem) -> dict[str, Any]:
    return {
        "code": i.code,
        "name": i.name,
        "severity": i.severity.value,
        "candidates": i.candidates,
        "violations": i.violations,
        "weight": i.weight,
        "action": i.action,
        "owners": [{"owner": owner, "candidates": n} for owner, n in i.owners],
        "page": i.page,
    }


def _benchmark(b: Benchmark) -> dict[str, Any]:
    return {
        "measure": b.measure,
        "unit": b.unit,
        "ours": _percent(b.ours) if b.unit == "%" else b.ours,
        "basis": b.basis,
        "published": b.published,
        "year": b.year,
        "source": b.source,
        "note": b.note,
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "activity": e.activity,
        "timestamp": e.timestamp.isoformat(),
        "event_id": e.event_id,
        "actor": e.actor,
        "channel": e.channel,
    }


def _finding(f: ReportFinding) -> dict[str, Any]:
    return {
        "case_id": f.case_id,
        "code": f.code,
        "name": f.name,
        "practice": f.practice,
        "severity": f.severity.value,
        "outcome": f.outcome.value,
        "message": f.message,
        "at": f.at.isoformat(),
        "due": _time(f.due),
        "missing": f.missing,
        "job_id": f.job_id,
        "actor": f.actor,
        "waived_by": f.waived_by,
        "owner": f.owner,
        "evidence": [_evidence(e) for e in f.evidence],
    }


def _source(s: SourceSummary) -> dict[str, Any]:
    return {
        "system": s.system,
        "not_recorded": dict(s.not_recorded),
        "partial_cases": dict(s.partial_cases),
        "warnings": [_error(w) for w in s.warnings],
    }


def _error(e: InputError | Any) -> dict[str, Any]:
    return {"file": e.file, "line": e.line, "element": e.element, "message": e.message}
