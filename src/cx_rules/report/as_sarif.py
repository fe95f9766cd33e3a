"""The report as SARIF 2.1.0, for code-scanning dashboards and CI annotations.

One run of the tool ``cx-rules``: ``tool.driver.rules`` describes every rule of the report
(its summary, its page, its level), and each listed finding is a result: a violation is
``kind: fail`` at the rule's level (error, warning, note for info), an unknown is ``kind:
review`` (nothing to blame yet), a waived finding a failure with an accepted suppression
that quotes the waiver.  A result names its case as a logical location, carries its
fingerprint in ``partialFingerprints`` and, with a baseline, its ``baselineState``; the
baseline's fixed findings are results in the state ``absent``.  No free text of the log is
written: a result's message is the rule's own sentence, as in the JSON report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final, TextIO

from .._version import __version__
from ..findings import Outcome, Severity
from .baseline import FINGERPRINT_KEY, NEW, fingerprint
from .model import Report, ReportFinding

__all__ = ["SARIF_SCHEMA", "to_sarif", "write_sarif"]

#: The ``$schema`` a SARIF log names: the OASIS schema of version 2.1.0.
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_STATE: Final = {NEW: "new"}
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
_BATCH: Final = 512


def to_sarif(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (JSON text ending in a newline); the same report
    always gives the same bytes."""
    import io

    buffer = io.StringIO()
    write_sarif(report, buffer)
    return buffer.getvalue()


def write_sarif(report: Report, out: TextIO) -> None:
    """Write :func:`to_sarif`'s text of ``report`` to ``out``, one result at a time."""
    descriptors = _descriptors(report)
    index = {d["id"]: n for n, d in enumerate(descriptors)}
    driver = {
        "name": "cx-rules",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": _docs_url(),
        "rules": descriptors,
    }
    properties = {
        "as_of": None if report.as_of is None else report.as_of.isoformat(),
        "score": None if report.score is None else round(report.score, 1),
        "redacted": report.redacted,
        "input": {
            "lines": report.input.lines,
            "events": report.input.events,
            "cases": report.input.cases,
            "rejected": report.input.rejected,
            "unmapped": report.input.unmapped,
        },
        "policy": report.policy,
    }
    out.write('{\n  "$schema": ' + _dumps(SARIF_SCHEMA) + ',\n  "version": "2.1.0",\n')
    out.write('  "runs": [\n    {\n      "tool": {"driver": ')
    out.write(_dumps(driver, indent=True).replace("\n", "\n      "))
    out.write('},\n      "columnKind": "unicodeCodePoints",\n')
    out.write('      "properties": ' + _dumps(properties) + ",\n")
    out.write('      "results": [')
    batch: list[str] = []
    first = True
    for result in _results(report, index):
        batch.append(_dumps(result))
        if len(batch) >= _BATCH:
            out.write(("\n        " if first else ",\n        ") + ",\n        ".join(batch))
            batch, first = [], False
    if batch:
        out.write(("\n        " if first else ",\n        ") + ",\n        ".join(batch))
        first = False
    out.write("]\n    }\n  ]\n}\n" if first else "\n      ]\n    }\n  ]\n}\n")


def _docs_url() -> str:
    from ..explain import DOCS_URL

    return DOCS_URL


def _dumps(value: Any, *, indent: bool = False) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _descriptors(report: Report) -> list[dict[str, Any]]:
    from ..explain import rule_url
    from ..plugins import collect_rules, plugin_manager

    infos = collect_rules(plugin_manager())
    scores = {r.code: r for r in report.rules}
    # A finding of a rule the report does not list is described all the same.
    codes = sorted(set(scores).union(f.code for f in report.findings))
    rows = []
    for code in codes:
        score = scores.get(code)
        info = infos.get(code)
        descriptor: dict[str, Any] = {"id": code}
        name = score.name if score is not None else (info.rule.name if info else "")
        if name:
            descriptor["name"] = name
        if info is not None and info.rule.summary:
            descriptor["shortDescription"] = {"text": info.rule.summary}
        if info is not None and info.rule.why:
            descriptor["fullDescription"] = {"text": info.rule.why}
        url = rule_url(info) if info is not None else None
        if url is not None:
            descriptor["helpUri"] = url
        severity = score.severity if score is not None else (info.rule.severity if info else None)
        if severity is not None:
            descriptor["defaultConfiguration"] = {"level": _LEVEL[severity]}
        practice = score.practice if score is not None else (info.rule.practice if info else "")
        if practice:
            descriptor["properties"] = {"practice": practice, "tags": [practice]}
        rows.append(descriptor)
    return rows


def _results(report: Report, index: Mapping[str, int]) -> Iterator[dict[str, Any]]:
    statuses = report.baseline.statuses if report.baseline is not None else None
    for n, f in enumerate(report.findings):
        yield _result(f, index, None if statuses is None else statuses[n])
    if report.baseline is not None:
        for gone in report.baseline.fixed:
            yield {
                "ruleId": gone.code,
                **({"ruleIndex": index[gone.code]} if gone.code in index else {}),
                "kind": "pass",
                "level": "none",
                "message": {"text": f"fixed: the baseline's {gone.outcome.value} finding is gone"},
                "locations": [_case_location(gone.case_id)],
                "partialFingerprints": {FINGERPRINT_KEY: gone.fingerprint},
                "baselineState": "absent",
            }


def _result(f: ReportFinding, index: Mapping[str, int], status: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": f.code}
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.outcome is Outcome.UNKNOWN:
        result["kind"], result["level"] = "review", "none"
    else:
        result["kind"], result["level"] = "fail", _LEVEL[f.severity]
    result["message"] = {"text": f.message}
    result["locations"] = [_case_location(f.case_id)]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(f)}
    if status is not None:
        result["baselineState"] = _STATE.get(status, "unchanged")
    if f.outcome is Outcome.WAIVED:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f.waived_by or ""}
        ]
    result["properties"] = {
        "outcome": f.outcome.value,
        "at": f.at.isoformat(),
        "due": None if f.due is None else f.due.isoformat(),
        "missing": f.missing,
        "job_id": f.job_id,
        "actor": f.actor,
        "evidence": [
            {"activity": e.activity, "timestamp": e.timestamp.isoformat(), "event_id": e.event_id}
            for e in f.evidence
        ],
    }
    return result


def _case_location(case_id: str) -> dict[str, Any]:
    return {"logicalLocations": [{"name": case_id, "fullyQualifiedName": f"case:{case_id}"}]}
