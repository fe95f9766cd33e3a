"""What a report says beyond its scores, made once every case is counted.

- the data coverage (:func:`coverage_table`) and the rules the log never records
  (:func:`not_recorded`), whose passed and violated checks become unknown
  (:func:`reclassify`, :func:`reclassified_finding`);
- what to fix first (:func:`fix_first`) and the candidates each rule's violations touch
  (:func:`candidates`).

Each works on the counts of :class:`~cx_rules.report.measure.Measures` and the listed
findings, so it gives the same answer however the cases were shared out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Final

import attrs

from ..coverage import ALTERNATIVE
from ..findings import Outcome, Severity
from .measure import Measures
from .model import FixItem, KeyCoverage, ReportFinding

if TYPE_CHECKING:
    from ..coverage import Coverage
    from ..plugins import RuleInfo
    from ..policy import Policy

__all__ = [
    "FIX_FIRST",
    "candidates",
    "coverage_table",
    "fix_first",
    "not_recorded",
    "reclassified_finding",
    "reclassify",
]

#: How many changes the "fix first" list names.
FIX_FIRST: Final = 10
#: How many owners a "fix first" item names.
_WHO: Final = 3
_BUILT_IN: Final = "cx_rules.builtin"

_Counts = Counter[tuple[str, Outcome]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _absent_key(measures: Measures, alternatives: tuple[str, ...]) -> str | None:
    """Why none of ``alternatives`` occurs in the log, or ``None`` when one does."""
    seen = measures.seen
    if any(seen[k] for k in alternatives):
        return None
    names = " or ".join(alternatives)
    attributes = [k for k in alternatives if "." in k]
    if attributes and len(attributes) == len(alternatives):
        activities = list(dict.fromkeys(k.partition(".")[0] for k in attributes))
        holders = [seen[a] for a in activities if seen[a]]
        if len(activities) == 1 and holders:
            return f"no {names} on the {activities[0]} events of {_plural(holders[0], 'case')}"
        if holders:
            return f"no {names} on any {' or '.join(activities)} event"
    return f"no {names} in {_plural(measures.cases, 'case')}"


def not_recorded(
    measures: Measures,
    policy: Policy,
    uncovered: Iterable[str] = (),
    declared: Coverage | None = None,
) -> dict[str, str]:
    """The rules whose evidence the log never holds, by code, with the reason (``not
    recorded in this log: no application_acknowledged in 916 cases``).

    Left out: rules the policy says such absence violates (``absence_is_violation = true``
    in the rule's table), rules already unknown because the importer's source cannot record
    their evidence (``uncovered``), and every rule of an empty log.  A key the source
    ``declared`` it records (a column of the export, a field of the system) is never "not
    recorded": its absence from every case is what the system holds, an empty field.
    """
    if measures.cases == 0:
        return {}
    skip = set(uncovered)
    found: dict[str, str] = {}
    for code, keys in sorted(measures.evidence.items()):
        if code in skip or policy.absence_is_violation(code):
            continue
        named = {alts[0] for alts in keys if len(alts) == 1 and "." not in alts[0]}
        reasons = [
            r
            for r in (
                _absent_key(measures, alts)
                for alts in keys
                # An attribute of an activity the rule names and the log never holds says
                # nothing more than the activity's absence does.
                if (
                    not all(k.partition(".")[0] in named and "." in k for k in alts)
                    or any(measures.seen[k.partition(".")[0]] for k in alts)
                )
                and not (declared is not None and declared.records(ALTERNATIVE.join(alts)))
            )
            if r is not None
        ]
        if reasons:
            found[code] = f"not recorded in this log: {'; '.join(reasons)}"
    return found


def reclassify(counts: _Counts, absent: Mapping[str, str]) -> _Counts:
    """``counts`` with the passed and violated checks of the ``absent`` rules counted as
    unknown (a new counter when anything moves; ``counts`` itself otherwise)."""
    if not absent or not any(code in absent for code, _ in counts):
        return counts
    moved: _Counts = Counter()
    for (code, outcome), n in counts.items():
        if code in absent and outcome in (Outcome.PASSED, Outcome.VIOLATED):
            moved[code, Outcome.UNKNOWN] += n
        else:
            moved[code, outcome] += n
    return moved


def reclassified_finding(f: ReportFinding, absent: Mapping[str, str]) -> ReportFinding:
    """A violated finding of an ``absent`` rule as unknown, saying why; others unchanged."""
    reason = absent.get(f.code)
    if reason is None or f.outcome is not Outcome.VIOLATED:
        return f
    return attrs.evolve(f, outcome=Outcome.UNKNOWN, message=f"{reason} ({f.message})", due=None)


def coverage_table(measures: Measures, declared: Coverage | None = None) -> tuple[KeyCoverage, ...]:
    """One row per evidence key the rules read (activities, then each one's attributes)."""
    readers: dict[str, list[str]] = {}
    for code, keys in measures.evidence.items():
        for alternatives in keys:
            for key in alternatives:
                readers.setdefault(key, []).append(code)
                activity = key.partition(".")[0]
                if activity != key:
                    readers.setdefault(activity, [])
    rows = []
    seen = measures.seen
    for key in sorted(readers, key=lambda k: (k.partition(".")[0], "." in k, k)):
        activity, _, attribute = key.partition(".")
        among = seen[activity] if attribute else measures.cases
        said: str | None = None
        if declared is not None:
            said = "recorded" if declared.records(key) else _why_not(declared, key)
        rows.append(
            KeyCoverage(
                key,
                seen[key],
                among - seen[key],
                tuple(sorted(set(readers[key]))),
                said,
            )
        )
    return tuple(rows)


def _why_not(declared: Coverage, key: str) -> str:
    text = declared.why_not(key)
    # why_not() says "KEY (reason)": the row already names the key.
    return text[len(key) + 2 : -1] if text.startswith(f"{key} (") else text


def candidates(
    findings: Iterable[ReportFinding],
) -> tuple[Counter[str], Counter[tuple[str, str | None]]]:
    """The cases with a violation, per rule and per ``(rule, owner)``.

    ``findings`` come in case order (as a report lists them: each case's together), so only
    the current case's pairs are held, not a set as long as the violations."""
    per_rule: Counter[str] = Counter()
    per_owner: Counter[tuple[str, str | None]] = Counter()
    case: object = _NO_CASE
    pairs: set[tuple[str, str | None]] = set()
    for f in findings:
        if f.outcome is not Outcome.VIOLATED:
            continue
        if f.case_id != case:
            _count_pairs(pairs, per_rule, per_owner)
            pairs = set()
            case = f.case_id
        pairs.add((f.code, f.owner))
    _count_pairs(pairs, per_rule, per_owner)
    return per_rule, per_owner


_NO_CASE: Final = object()


def _count_pairs(
    pairs: set[tuple[str, str | None]],
    per_rule: Counter[str],
    per_owner: Counter[tuple[str, str | None]],
) -> None:
    per_owner.update(pairs)
    per_rule.update(code for code, _ in pairs)


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def fix_first(
    findings: Iterable[ReportFinding],
    severity: Mapping[str, Severity],
    available: Mapping[str, RuleInfo],
    actions: Mapping[str, str],
    *,
    limit: int = FIX_FIRST,
) -> tuple[FixItem, ...]:
    """The ``limit`` rules whose violations weigh most (severity weight times candidates),
    each with what to do, how many candidates, whose they are, and the rule's page."""
    violations: Counter[str] = Counter()

    def violated() -> Iterator[ReportFinding]:
        for f in findings:
            if f.outcome is Outcome.VIOLATED:
                violations[f.code] += 1
                yield f

    per_rule, per_owner = candidates(violated())
    items = []
    for code, n in per_rule.items():
        info = available.get(code)
        rule = info.rule if info is not None else None
        action = actions.get(code) or (_first_sentence(rule.summary) if rule is not None else "")
        owners = sorted(
            ((owner, k) for (c, owner), k in per_owner.items() if c == code),
            key=lambda ok: (-ok[1], ok[0] is None, ok[0] or ""),
        )
        weight = severity[code].weight * n
        items.append(
            FixItem(
                code=code,
                name=rule.name if rule is not None else "",
                severity=severity[code],
                candidates=n,
                violations=violations[code],
                weight=weight,
                action=action,
                owners=tuple(owners[:_WHO]),
                page=(
                    f"rules/generated/{code}.html"
                    if info is not None and info.plugin == _BUILT_IN
                    else None
                ),
            )
        )
    items.sort(key=lambda i: (-i.weight, -i.violations, i.code))
    return tuple(items[:limit])
