"""Baselines: each listed finding marked new or persisting against an earlier JSON report,
and what that report listed that is gone (fixed).

A finding is known across audits by its :func:`fingerprint`: the case id, the rule's code,
its outcome's kind and the event that anchors it (its first evidence event: the event id,
or when it has none its activity and time in UTC), never a line number or a position in
the file, so a re-export of the same log in another order, format or offset matches.  A
finding without evidence is anchored at the time it was decided.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import attrs

from ..exceptions import CxRulesError
from ..findings import Outcome, Severity
from .model import Report, ReportFinding

__all__ = [
    "FINGERPRINT_KEY",
    "Baseline",
    "BaselineError",
    "Listed",
    "LoadedReport",
    "compare",
    "diff",
    "fingerprint",
    "load_listed",
]

#: The key of the fingerprint in SARIF's ``partialFingerprints``; the number changes when
#: the fingerprint is computed differently.
FINGERPRINT_KEY: Final = "cxRulesFinding/v1"

_SCHEMA: Final = "cx-rules.report/1"
NEW: Final = "new"
PERSISTING: Final = "persisting"


class BaselineError(CxRulesError, ValueError):
    """A baseline (or a report given to ``cx-rules diff``) that is not a JSON report of a
    version this cx-rules reads."""


def _anchor(event_id: str | None, activity: str, timestamp: datetime) -> str:
    if event_id is not None:
        return f"id:{event_id}"
    return f"at:{activity}@{timestamp.astimezone(UTC).isoformat()}"


def _digest(case_id: str, code: str, outcome: str, anchor: str) -> str:
    # An unit separator cannot be confused with the characters of an id.
    text = "\x1f".join((case_id, code, outcome, anchor))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def fingerprint(finding: ReportFinding) -> str:
    """The finding's identity across audits: 32 hex digits of a SHA-256 of its case id,
    rule code, outcome and anchoring event (see the module's documentation)."""
    if finding.evidence:
        first = finding.evidence[0]
        anchor = _anchor(first.event_id, first.activity, first.timestamp)
    else:
        anchor = _anchor(None, "", finding.at)
    return _digest(finding.case_id, finding.code, _kind(finding.outcome.value), anchor)


def _kind(outcome: str) -> str:
    # A waived violation stays the same finding when the waiver ends: it is matched as one.
    return "violated" if outcome == Outcome.WAIVED.value else outcome


@attrs.frozen
class Listed:
    """A finding as a JSON report lists it, enough to match it and to count it."""

    fingerprint: str
    case_id: str
    code: str
    severity: Severity
    outcome: Outcome


@attrs.frozen
class Baseline:
    """A report compared with a baseline: ``statuses`` holds ``"new"`` or ``"persisting"``
    for each of the report's findings, in their order; ``fixed`` the baseline's findings
    that the report no longer lists (by case, code and fingerprint); ``file`` the baseline
    as given; ``score`` its score."""

    file: str
    statuses: tuple[str, ...]
    fixed: tuple[Listed, ...]
    score: float | None = None

    def counts(self, report: Report) -> dict[str, int]:
        """The violated findings that are new, persisting and fixed."""
        result = {NEW: 0, PERSISTING: 0, "fixed": 0}
        for f, status in zip(report.findings, self.statuses, strict=True):
            if f.outcome is Outcome.VIOLATED:
                result[status] += 1
        result["fixed"] = sum(1 for f in self.fixed if f.outcome is Outcome.VIOLATED)
        return result

    def new_violations(self, report: Report, at_least: Severity = Severity.INFO) -> int:
        """How many violated findings of ``report`` at ``at_least`` this severity are new
        (what ``--fail-on`` counts with ``--baseline``)."""
        return sum(
            1
            for f, status in zip(report.findings, self.statuses, strict=True)
            if status == NEW and f.outcome is Outcome.VIOLATED and f.severity.rank >= at_least.rank
        )


def compare(
    report: Report, baseline: Iterable[Listed], *, file: str, score: float | None = None
) -> Baseline:
    """``report``'s findings marked against ``baseline``'s (see :class:`Baseline`).  Equal
    fingerprints are matched one for one, so a finding listed twice in the report and once
    in the baseline is persisting once and new once."""
    before = list(baseline)
    left: Counter[str] = Counter(b.fingerprint for b in before)
    statuses = []
    for f in report.findings:
        key = fingerprint(f)
        if left[key] > 0:
            left[key] -= 1
            statuses.append(PERSISTING)
        else:
            statuses.append(NEW)
    # Of a fingerprint the baseline lists n times with k unmatched, the last k are fixed.
    fixed = _last_unmatched(before, left)
    return Baseline(file=file, statuses=tuple(statuses), fixed=tuple(fixed), score=score)


def _last_unmatched(before: Sequence[Listed], left: Mapping[str, int]) -> list[Listed]:
    remaining = dict(left)
    picked: list[Listed] = []
    for b in reversed(before):
        if remaining.get(b.fingerprint, 0) > 0:
            remaining[b.fingerprint] -= 1
            picked.append(b)
    picked.reverse()
    return picked


@attrs.frozen
class LoadedReport:
    """What :func:`load_listed` reads of a JSON report."""

    findings: tuple[Listed, ...]
    score: float | None
    rules: Mapping[str, Mapping[str, Any]]


def load_listed(path: str | Path, what: str = "baseline") -> LoadedReport:
    """The findings, score and rules of the JSON report at ``path`` (a ``what``, for the
    errors).  Raises :class:`BaselineError` naming the file when it cannot be read, is not
    JSON, is a JSON report of another version, or is not a report at all."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8
        raise BaselineError(
            f"{path}: the {what} is not JSON ({_short(exc)}); expected a report written by "
            "`cx-rules audit --format json`"
        ) from None
    if not isinstance(data, dict) or "schema" not in data:
        raise BaselineError(
            f"{path}: the {what} is not a cx-rules report (no 'schema' key); expected a "
            "report written by `cx-rules audit --format json`"
        )
    schema = data["schema"]
    if schema != _SCHEMA:
        raise BaselineError(
            f"{path}: the {what} is a report of schema {schema!r}, which this cx-rules "
            f"cannot read (it reads {_SCHEMA!r}); audit the old log again to make a baseline"
        )
    try:
        findings = tuple(_listed(data["findings"]))
        rules = {str(r["code"]): r for r in data.get("rules", ())}
        score = data.get("score")
        if score is not None and not isinstance(score, int | float):
            raise TypeError("score")
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(
            f"{path}: the {what} is not a valid cx-rules report ({_short(exc)}); expected a "
            "report written by `cx-rules audit --format json`"
        ) from None
    return LoadedReport(findings, None if score is None else float(score), rules)


def _listed(items: object) -> Iterator[Listed]:
    if not isinstance(items, list):
        raise TypeError("findings is not a list")
    for n, item in enumerate(items):
        try:
            outcome = Outcome(item["outcome"])
            evidence = item["evidence"]
            if evidence:
                first = evidence[0]
                anchor = _anchor(
                    first.get("event_id"),
                    str(first["activity"]),
                    datetime.fromisoformat(first["timestamp"]),
                )
            else:
                anchor = _anchor(None, "", datetime.fromisoformat(item["at"]))
            case_id, code = str(item["case_id"]), str(item["code"])
            yield Listed(
                _digest(case_id, code, _kind(outcome.value), anchor),
                case_id,
                code,
                Severity(item["severity"]),
                outcome,
            )
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise ValueError(f"findings[{n}]: {_short(exc)}") from None


def _short(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, KeyError):
        return f"no key {text}"
    return text if len(text) <= 120 else text[:117] + "..."


def diff(old: LoadedReport, new: LoadedReport) -> dict[str, Any]:
    """What changed between two reports, as plain data: the violations that are new, fixed
    and persisting, in total and per rule (every rule either report lists, by code, with its
    severity in the newer one), and the scores.  Violations are matched by fingerprint, one
    for one."""
    before = Counter(f.fingerprint for f in old.findings if f.outcome is Outcome.VIOLATED)
    after = Counter(f.fingerprint for f in new.findings if f.outcome is Outcome.VIOLATED)
    per_rule: dict[str, dict[str, int]] = {}

    def row(code: str) -> dict[str, int]:
        return per_rule.setdefault(code, {"new": 0, "fixed": 0, "persisting": 0})

    for listed, other, status in ((new, before, "new"), (old, after, "fixed")):
        left = Counter(other)
        for f in listed.findings:
            if f.outcome is not Outcome.VIOLATED:
                continue
            if left[f.fingerprint] > 0:
                left[f.fingerprint] -= 1
                if status == "new":
                    row(f.code)["persisting"] += 1
            else:
                row(f.code)[status] += 1
    rules = []
    for code in sorted(set(per_rule) | set(old.rules) | set(new.rules)):
        meta = new.rules.get(code) or old.rules.get(code) or {}
        counts = per_rule.get(code, {"new": 0, "fixed": 0, "persisting": 0})
        rules.append(
            {
                "code": code,
                "name": str(meta.get("name", "")),
                "severity": str(meta.get("severity", _severity_of(code, new, old))),
                **counts,
            }
        )
    change = None
    if old.score is not None and new.score is not None:
        change = round(new.score - old.score, 1)
    return {
        "old_score": old.score,
        "new_score": new.score,
        "score_change": change,
        "violations": {
            status: sum(r[status] for r in per_rule.values())
            for status in ("new", "fixed", "persisting")
        },
        "rules": rules,
    }


def _severity_of(code: str, *reports: LoadedReport) -> str:
    for report in reports:
        for f in report.findings:
            if f.code == code:
                return f.severity.value
    return Severity.INFO.value
