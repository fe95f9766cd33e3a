"""Collecting a report case by case, so an audit never holds the findings it only counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import groupby, starmap
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..case import Case
from ..engine import Engine
from ..events import Activity, Event
from ..findings import Finding, Outcome, Severity
from ..io.records import InputError
from . import content
from .benchmarks import benchmarks
from .measure import FINDING_KEYS, Measures, month_of
from .model import (
    GROUP_BY,
    CaseScore,
    CohortScore,
    Evidence,
    GroupScore,
    InputSummary,
    PracticeScore,
    Report,
    ReportFinding,
    RuleScore,
    Tally,
    in_order,
)
from .scoring import score
from .spool import Lazy, Spool

if TYPE_CHECKING:
    from ..coverage import Coverage

__all__ = [
    "MAX_ERRORS",
    "Collector",
    "case_spool",
    "evidence_of",
    "finding_sort_key",
    "finding_spool",
    "spooled",
]

#: How many rejected records a report lists; ``input.rejected`` counts every one.
MAX_ERRORS: Final = 1000

_LISTED: Final = frozenset({Outcome.VIOLATED, Outcome.UNKNOWN, Outcome.WAIVED})
_PASSED: Final = Outcome.PASSED
_VIOLATED: Final = Outcome.VIOLATED
_Counts = Counter[tuple[str, Outcome]]
#: A finding's place in the tallies.
_outcome_key: Final = attrgetter("code", "outcome")
_second: Final = itemgetter(1)
_case_of: Final = attrgetter("case_id")
# The outcomes in the order of Tally's fields.
_OUTCOMES: Final = (
    Outcome.PASSED,
    Outcome.VIOLATED,
    Outcome.UNKNOWN,
    Outcome.PENDING,
    Outcome.WAIVED,
)


def evidence_of(event: Event) -> Evidence:
    """What a report shows of ``event``: activity, time and ids, never its attributes."""
    return Evidence(event.activity, event.timestamp, event.event_id, event.actor, event.channel)


def finding_sort_key(f: ReportFinding) -> tuple[str, datetime, str, str, datetime, str]:
    """The order of findings in a report: case, time, code, outcome, due time, message."""
    return (f.case_id, f.at, f.code, f.outcome.value, f.due or f.at, f.message)


def _fields(cls: type) -> tuple[str, ...]:
    fields = attrs.fields(cls)
    assert all(f.init for f in fields), cls  # rebuilt from their values in field order
    return tuple(f.name for f in fields)


_FINDING: Final = _fields(ReportFinding)
_EVIDENCE_AT: Final = _FINDING.index("evidence")
_of_finding: Final = attrgetter(*_FINDING)
_of_evidence: Final = attrgetter(*_fields(Evidence))
_of_tally: Final = attrgetter(*_fields(Tally))


def _finding_row(f: ReportFinding) -> list[Any]:
    row = list(_of_finding(f))
    row[_EVIDENCE_AT] = tuple(map(_of_evidence, row[_EVIDENCE_AT]))
    return row


def _finding_of(row: list[Any]) -> ReportFinding:
    row[_EVIDENCE_AT] = tuple(starmap(Evidence, row[_EVIDENCE_AT]))
    return ReportFinding(*row)


def _case_row(c: CaseScore) -> tuple[Any, ...]:
    return (c.case_id, c.job_id, c.state, _of_tally(c.tally), c.score)


def _case_of_row(row: tuple[Any, ...]) -> CaseScore:
    case_id, job_id, state, tally, value = row
    return CaseScore(case_id, job_id, state, Tally(*tally), value)


def finding_spool() -> Spool[ReportFinding]:
    """An empty spool of listed findings, in the report's order (:func:`finding_sort_key`)."""
    return Spool(finding_sort_key, encode=_finding_row, decode=_finding_of)


def case_spool() -> Spool[CaseScore]:
    """An empty spool of case scores, in the report's order (by case id)."""
    return Spool(_case_of, encode=_case_row, decode=_case_of_row)


def spooled(items: Iterable[Any], empty: Spool[Any]) -> Spool[Any]:
    """``empty`` with the items of ``items`` added: a spool's runs are shared (see
    :meth:`Spool.join`), anything else is appended item by item."""
    if isinstance(items, Spool):
        empty.join(items)
    else:
        empty.extend(items)
    return empty


@attrs.frozen
class _Collected:
    """A collector's counts, findings and case scores, as :meth:`Collector.partial` gives them."""

    rules: _Counts
    groups: dict[tuple[str, str | None], _Counts]
    cases: Sequence[CaseScore]
    findings: Sequence[ReportFinding]
    severity: dict[str, Severity]
    #: What :class:`~cx_rules.report.measure.Measures` counted (its ``partial()``).
    measures: dict[str, Any] = attrs.field(factory=dict)


class Collector:
    """Builds a :class:`~cx_rules.report.Report` from finished cases, one at a time.

    Only the violated, unknown and waived findings are kept (they are listed); every other
    finding just adds to the tallies of its rule, its case and (with ``group_by``) its groups.
    ``group_by`` is one key or several (see :data:`~cx_rules.report.model.GROUP_BY`).
    """

    def __init__(self, engine: Engine, *, group_by: str | Sequence[str] | None = None) -> None:
        keys = _group_keys(group_by)
        self._engine = engine
        self._group_by = keys
        self._zone = engine.calendar.timezone
        self._severity: dict[str, Severity] = {code: engine.severity(code) for code in engine.rules}
        self._rules: _Counts = Counter()
        self._groups: dict[tuple[str, str | None], _Counts] = {}
        self._by_finding = tuple(k for k in keys if k in FINDING_KEYS)
        self._measures = Measures(engine.rules, self._zone, keys)
        # In the report's order, at most a bounded number in memory (see report/spool.py).
        self._cases = case_spool()
        self._findings = finding_spool()
        # Equal tallies and scores recur from case to case: a report of many cases keeps one
        # object of each (they are immutable values).
        self._values: dict[object, Any] = {}

    @property
    def counts_only(self) -> bool:
        """Whether passed and pending checks may be given to :meth:`add_case` as counts
        (``tallied``) rather than findings: true unless the groups need each finding."""
        return not self._by_finding

    def add_case(
        self,
        case: Case,
        events: Sequence[Event],
        findings: Iterable[Finding],
        tallied: Iterable[tuple[str, Outcome]] = (),
    ) -> None:
        """Count the findings of a finished ``case``; ``events`` are all its events.

        ``tallied`` holds more checks of the case as ``(code, outcome)`` pairs, counted like
        findings without being built as ones; when :attr:`counts_only` is false it must be
        empty.  Only passed and pending checks belong there: listed outcomes need a finding.
        """
        found = findings if isinstance(findings, Sequence) else tuple(findings)
        # Most checks are passes that only count: tally them without a Python-level loop
        # (Counter counts an iterable in C, but adds a mapping in Python: keep the keys).
        keys = list(tallied)
        if found:
            keys.extend(map(_outcome_key, found))
        counts: _Counts = Counter(keys)
        severity = self._severity
        for code, _ in counts:
            if code not in severity:  # a rule the engine does not list: keep its severity
                severity[code] = next(f.severity for f in found if f.code == code)
        job_id = _job_of(events)
        measured = self._measures.add(case, events, counts, job_id)
        owner = measured.owner
        by_finding = self._by_finding
        if found:
            case_actor = _last_actor(events)
            # One Evidence per event of the case, however many listed findings name it.
            shown: dict[int, Evidence] = {}
            touched: set[tuple[str, str | None]] = set()
            for f in found:
                listed = f.outcome in _LISTED
                if not by_finding and not listed:
                    continue
                # Only listed findings and actor groups need the recruiter: spare the passes.
                actor = _actor_of(f, case_actor, owner) if listed or "actor" in by_finding else None
                for by in by_finding:
                    group = (by, self._group_key(by, f, actor))
                    self._groups.setdefault(group, Counter())[f.code, f.outcome] += 1
                    touched.add(group)
                if listed:
                    self._findings.append(self._listed(f, job_id, actor, shown, owner))
            self._measures.group_cases.update(touched)
        if keys:
            for by, value in measured.values.items():
                self._groups.setdefault((by, value), Counter()).update(keys)
        self._rules.update(keys)
        values = self._values
        outcomes = Counter(map(_second, keys))
        key = tuple(outcomes[outcome] for outcome in _OUTCOMES)
        overall = values.get(key)
        if overall is None:
            overall = values[key] = Tally.of(outcomes)
        case_score = self._case_score(counts)
        if case_score is not None:
            case_score = values.setdefault(case_score, case_score)
        self._cases.append(CaseScore(case.case_id, job_id, case.state, overall, case_score))

    def add_policy_findings(self, findings: Iterable[Finding]) -> None:
        """Count findings that belong to the policy rather than a case (``CX002``)."""
        found = tuple(findings)
        for f in found:
            self._severity.setdefault(f.code, f.severity)
            if f.outcome in _LISTED:
                self._findings.append(self._listed(f, None, None))
        self._rules.update(Counter((f.code, f.outcome) for f in found))

    def partial(self) -> _Collected:
        """What this collector has counted, as a value that can be pickled and given to
        :meth:`absorb` (in another process, say).  It shares this collector's tallies and
        lists, which are not copied: add nothing to the collector afterwards."""
        return _Collected(
            self._rules,
            self._groups,
            self._cases,
            self._findings,
            self._severity,
            self._measures.partial(),
        )

    def absorb(self, collected: object) -> None:
        """Add what another collector counted (its :meth:`partial`) of other cases.

        The report is then the one a single collector given every case would make, whatever
        the order in which the cases were added, provided no case was given to two.
        """
        if not isinstance(collected, _Collected):
            raise TypeError(f"expected what Collector.partial() returns, got {collected!r}")
        self._rules.update(collected.rules)
        for key, counts in collected.groups.items():
            self._groups.setdefault(key, Counter()).update(counts)
        # A spool's runs are shared, not copied (see report/spool.py).
        spooled(collected.cases, self._cases)
        spooled(collected.findings, self._findings)
        for code, severity in collected.severity.items():
            self._severity.setdefault(code, severity)
        self._measures.absorb(collected.measures)

    def waived_by(self) -> list[str | None]:
        """The waiver texts of the waived findings collected so far."""
        return [f.waived_by for f in self._findings if f.waived_by]

    def report(
        self,
        *,
        as_of: datetime | None,
        input: InputSummary,
        errors: Sequence[InputError] = (),
        declared: Coverage | None = None,
        policy: str | None = None,
    ) -> Report:
        """The report of every case added so far.

        ``declared`` is the importer's coverage, when the log came from one: the coverage
        table says what it declares, and rules it already makes unknown are not named again
        as not recorded in this log.  ``policy`` is where the policy came from (a path, or
        ``None`` for the built-in defaults), for the report's header.
        """
        measures = self._measures
        engine = self._engine
        uncovered: tuple[str, ...] = ()
        if declared is not None:
            from ..coverage import uncovered_rules

            uncovered = tuple(uncovered_rules(engine.rules.values(), declared))
        absent = content.not_recorded(measures, engine.policy, uncovered, declared)
        findings: Sequence[ReportFinding] = self._findings
        if absent:
            findings = self._findings.mapped(lambda f: content.reclassified_finding(f, absent))
        per_rule, _ = content.candidates(findings)
        tallies = _tallies(content.reclassify(self._rules, absent))
        rules = self._rule_scores(tallies, every_rule=True, absent=absent, candidates=per_rule)
        by_practice: dict[str, list[RuleScore]] = {}
        for rule in rules:
            by_practice.setdefault(rule.practice, []).append(rule)
        practices = tuple(
            PracticeScore(
                practice,
                _total(r.tally for r in members),
                score((r.severity, r.tally) for r in members),
            )
            # rules come sorted by code, so practices come in the order of their first code
            for practice, members in by_practice.items()
        )
        groups: list[GroupScore] = []
        for by in self._group_by:
            groups.extend(
                in_order(
                    self._group(b, key, counts, measures.group_cases[b, key], absent)
                    for (b, key), counts in self._groups.items()
                    if b == by
                )
            )
        owners = tuple(
            in_order(
                self._group("owner", owner, counts, measures.owner_cases[owner], absent)
                for owner, counts in measures.owner_counts().items()
                if counts
            )
        )
        cases: Sequence[CaseScore] = self._cases
        if absent and measures.unsure:
            cases = Lazy(len(cases), lambda: self._rescored(self._cases, absent))
        return Report(
            as_of=as_of,
            input=input,
            score=self._score(tallies),
            tally=_overall(content.reclassify(self._rules, absent)),
            rules=rules,
            practices=practices,
            cases=cases,
            findings=findings,
            errors=tuple(errors[:MAX_ERRORS]),
            group_keys=self._group_by,
            groups=tuple(groups),
            coverage=content.coverage_table(measures, declared),
            not_recorded=absent,
            fix_first=content.fix_first(
                findings, self._severity, engine.available, measures.actions
            ),
            owners=owners if any(key is not None for key in measures.owner_cases) else (),
            cohorts=self._cohorts(absent),
            benchmarks=benchmarks(measures.facts, measures.decided_in),
            min_group=self._min_group,
            policy=policy,
        )

    # -- the report's content (see report/content.py) ----------------------------------------

    @property
    def _min_group(self) -> int:
        return self._engine.policy.min_group_size

    def _group(
        self,
        by: str,
        key: str | None,
        counts: _Counts,
        candidates: int,
        absent: Mapping[str, str],
    ) -> GroupScore:
        if candidates < self._min_group:
            return GroupScore(key, Tally(), None, (), by, candidates, suppressed=True)
        counts = content.reclassify(counts, absent)
        group_tallies = _tallies(counts)
        return GroupScore(
            key,
            _overall(counts),
            self._score(group_tallies),
            self._rule_scores(group_tallies, every_rule=False, absent=absent),
            by,
            candidates,
        )

    def _cohorts(self, absent: Mapping[str, str]) -> tuple[CohortScore, ...]:
        measures = self._measures
        rows = []
        for month, counts in sorted(measures.cohort_counts().items()):
            n = measures.cohort_cases[month]
            if n < self._min_group:
                rows.append(CohortScore(month, n, Tally(), None, (), suppressed=True))
                continue
            counts = content.reclassify(counts, absent)
            tallies = _tallies(counts)
            rows.append(
                CohortScore(
                    month,
                    n,
                    _overall(counts),
                    self._score(tallies),
                    self._rule_scores(tallies, every_rule=False, absent=absent),
                )
            )
        return tuple(rows)

    def _rescored(
        self, cases: Iterable[CaseScore], absent: Mapping[str, str]
    ) -> Iterator[CaseScore]:
        # The cases and the unsure ones' counts both come in case order: joined as they come.
        unsure = iter(self._measures.unsure)
        pending = next(unsure, None)
        for case in cases:
            case_id = case.case_id
            while pending is not None and pending[0] < case_id:
                pending = next(unsure, None)
            if pending is None or pending[0] != case_id:
                yield case
                continue
            held = pending[1]
            if not any(code in absent for (code, _), _ in held):
                yield case
                continue
            counts = content.reclassify(Counter(dict(held)), absent)
            yield attrs.evolve(case, tally=_overall(counts), score=self._case_score(counts))

    # -- helpers ----------------------------------------------------------------------------

    def _meta(self, code: str) -> tuple[str, str]:
        info = self._engine.available.get(code)
        if info is None:  # a finding of a rule the engine does not list: keep it visible
            return "", ""
        return info.rule.name, info.rule.practice

    def _score(self, tallies: Mapping[str, Tally]) -> float | None:
        return score((self._severity[code], t) for code, t in tallies.items())

    def _case_score(self, counts: _Counts) -> float | None:
        # score() of _tallies(counts), without the tallies: the same sums in the same order
        # (by code), so the same float to the last bit.
        judged: dict[str, list[int]] = {}
        for (code, outcome), n in counts.items():
            if outcome == _PASSED:
                judged.setdefault(code, [0, 0])[0] += n
            elif outcome == _VIOLATED:
                judged.setdefault(code, [0, 0])[1] += n
        total = 0.0
        weights = 0
        severity = self._severity
        for code in sorted(judged):
            passed, violated = judged[code]
            if passed + violated:
                weight = severity[code].weight
                total += weight * passed / (passed + violated)
                weights += weight
        return None if weights == 0 else 100.0 * total / weights

    def _rule_scores(
        self,
        tallies: Mapping[str, Tally],
        *,
        every_rule: bool,
        absent: Mapping[str, str] | None = None,
        candidates: Mapping[str, int] | None = None,
    ) -> tuple[RuleScore, ...]:
        codes = set(tallies)
        if every_rule:
            codes.update(self._engine.rules)
        rows = []
        for code in sorted(codes):
            name, practice = self._meta(code)
            rows.append(
                RuleScore(
                    code,
                    name,
                    practice,
                    self._severity[code],
                    tallies.get(code, Tally()),
                    candidates.get(code, 0) if candidates is not None else 0,
                    absent.get(code) if absent is not None else None,
                )
            )
        return tuple(rows)

    def _group_key(self, by: str, f: Finding, actor: str | None) -> str | None:
        if by == "actor":
            return actor
        return month_of(f.at, self._zone)

    def _listed(
        self,
        f: Finding,
        job_id: str | None,
        actor: str | None,
        shown: dict[int, Evidence] | None = None,
        owner: str | None = None,
    ) -> ReportFinding:
        name, practice = self._meta(f.code)
        if shown is None:
            evidence = tuple(evidence_of(e) for e in f.evidence)
        else:
            # Keyed by identity: the case's events are alive while it is added, and equal
            # events may differ in what the report shows (the offset of their time).
            evidence = tuple(
                shown.get(id(e)) or shown.setdefault(id(e), evidence_of(e)) for e in f.evidence
            )
        return ReportFinding(
            case_id=f.case_id,
            code=f.code,
            name=name,
            practice=practice,
            severity=f.severity,
            outcome=f.outcome,
            message=f.message,
            at=f.at,
            due=f.due,
            missing=f.missing,
            evidence=evidence,
            job_id=job_id,
            actor=actor,
            waived_by=f.waived_by,
            owner=owner,
        )


def _in_order(findings: list[ReportFinding]) -> tuple[ReportFinding, ...]:
    """``findings`` sorted by :func:`finding_sort_key`, stably: the order a spool of
    findings (:func:`finding_spool`) gives them in.

    In two steps, which give the same order: by case, then each case's findings by the whole
    key.  A key per finding is only made for one case at a time, not for every finding of a
    long log at once.
    """
    ordered: list[ReportFinding] = []
    for _, group in groupby(sorted(findings, key=_case_of), key=_case_of):
        run = list(group)
        if len(run) > 1:
            run.sort(key=finding_sort_key)
        ordered.extend(run)
    return tuple(ordered)


def _tallies(counts: _Counts) -> dict[str, Tally]:
    by_code: dict[str, dict[Outcome, int]] = {}
    for (code, outcome), n in counts.items():
        by_code.setdefault(code, {})[outcome] = n
    return {code: Tally.of(c) for code, c in sorted(by_code.items())}


def _overall(counts: _Counts) -> Tally:
    outcomes: Counter[Outcome] = Counter()
    for (_, outcome), n in counts.items():
        outcomes[outcome] += n
    return Tally.of(outcomes)


def _total(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


def _job_of(events: Sequence[Event]) -> str | None:
    for e in events:
        if e.activity == Activity.APPLICATION_RECEIVED:
            value = e.get("job_id")
            return None if value is None else str(value)
    return None


def _group_keys(group_by: str | Sequence[str] | None) -> tuple[str, ...]:
    """``group_by`` as a tuple of keys, each a non-empty name, none twice."""
    if group_by is None:
        return ()
    keys = (group_by,) if isinstance(group_by, str) else tuple(group_by)
    for key in keys:
        if not isinstance(key, str) or not key.strip() or key != key.strip():
            raise ValueError(
                f"group_by: expected an event attribute (such as department, owner or source) "
                f"or one of {', '.join(GROUP_BY)}, got {key!r}"
            )
    keys = tuple("job_id" if k == "job" else k for k in keys)
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        raise ValueError(f"group_by: {', '.join(doubled)} given twice")
    return keys


def _actor_of(f: Finding, case_actor: str | None, owner: str | None) -> str | None:
    """Whom a finding is attributed to: an omission (an obligation nobody fulfilled by its
    due time) to the case's owner; anything else to the last actor among its evidence, else
    the case's last actor."""
    if f.outcome is _VIOLATED and f.due is not None and f.late is None and f.at == f.due:
        return owner
    return _last_actor(f.evidence) or case_actor


def _last_actor(events: Sequence[Event]) -> str | None:
    for e in reversed(events):
        if e.actor:
            return e.actor
    return None
