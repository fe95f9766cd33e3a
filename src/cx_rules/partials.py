"""Partial reports: what an audit found in some whole cases, merged exactly into the report
of all of them.

A :class:`Partial` holds everything a :class:`~cx_rules.report.Report` is made from, for a
set of whole cases read to one cut-off: the input counts, the tallies per rule and group, the
listed findings and case scores, the first input errors with their place in the input, and
what a system's export adds (the rules its source cannot show, partial cases, warnings).
Partials of disjoint sets of cases merge with :meth:`Partial.merge` (associative: any
grouping of merges gives the same report), cross process and machine boundaries as bytes
(:meth:`Partial.to_bytes`), and :meth:`Partial.finish` turns the merge of every part of a log
into the report that :func:`cx_rules.audit` gives for the whole log, byte for byte in every
format.  :func:`cx_rules.audit` itself finishes its report from a partial; the batch
functions (:mod:`cx_rules.batch`) and ``audit --jobs`` make one partial per part.

A partial never holds an event's attributes or message text: like the report, it keeps of
each event only what the report shows (:class:`~cx_rules.report.Evidence`).
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import starmap
from operator import attrgetter
from typing import Any, Final

import attrs

from .calendar import WEEKDAYS
from .coverage import Coverage
from .engine import Engine
from .io.records import InputError
from .policy import Policy
from .report.collect import (
    MAX_ERRORS,
    Collector,
    _Collected,
    _group_keys,
    case_spool,
    finding_spool,
    spooled,
)
from .report.measure import merged
from .report.model import (
    CalendarSummary,
    CaseScore,
    Evidence,
    InputSummary,
    Report,
    ReportFinding,
    SourceSummary,
)
from .report.spool import Spool

__all__ = ["FORMAT_VERSION", "ErrorKey", "Partial", "PartialMismatch"]

#: The version of :meth:`Partial.to_bytes`'s form; :meth:`Partial.from_bytes` refuses others.
FORMAT_VERSION: Final = 1
_MAGIC: Final = b"cx-rules partial\x00"

#: Where an input error stands in the input, so that merged errors come in input order: the
#: input's name (``""`` for the one log of an audit), the record's position, and the
#: error's order among those of that position.
ErrorKey = tuple[str, int, int]


class PartialMismatch(ValueError):
    """Two partials cannot be merged: they were computed to different cut-offs, with
    different ``group_by``, or from different sources."""


def _counter(value: Mapping[Any, int] | None) -> Counter[Any]:
    return Counter(value or {})


@attrs.frozen(eq=False)
class Partial:
    """What an audit found in a set of whole cases, read to the cut-off :attr:`as_of`.

    Build one with :func:`cx_rules.batch.audit_batch` (or get the merge of a whole log's
    with :func:`cx_rules.batch.audit_batches`); the fields are for reading, not for
    building by hand.  ``errors`` are at most
    :data:`~cx_rules.report.collect.MAX_ERRORS` ``(key, error)`` pairs, in input order
    (:data:`ErrorKey`); ``rejected`` counts every rejected record.
    """

    #: The cut-off: obligations due later are pending, events later are left out.
    as_of: datetime | None
    #: The ``group_by`` keys, in order (one key or several may be given).
    group_by: tuple[str, ...] = attrs.field(default=(), converter=_group_keys)
    files: tuple[str, ...] = ()
    lines: int = 0
    events: int = 0
    cases: int = 0
    rejected: int = 0
    after_as_of: int = 0
    duplicates: int = 0
    unmapped: Counter[str] = attrs.field(factory=Counter, converter=_counter)
    skipped: Counter[str] = attrs.field(factory=Counter, converter=_counter)
    errors: tuple[tuple[ErrorKey, InputError], ...] = ()
    #: Checks per ``(code, outcome)``, and per group with ``group_by``.
    rules: Counter[Any] = attrs.field(factory=Counter, converter=_counter)
    groups: Mapping[tuple[str, str | None], Counter[Any]] = attrs.field(factory=dict)
    #: The case scores and listed findings: sequences in no particular order (the report
    #: sorts them); an audit's are spools, most of them on disk (see
    #: :mod:`cx_rules.report.spool`).
    case_scores: Sequence[Any] = ()
    findings: Sequence[Any] = ()
    severity: Mapping[str, Any] = attrs.field(factory=dict)
    #: Rule calls over the engine's time budget, by code.
    overruns: Counter[str] = attrs.field(factory=Counter, converter=_counter)
    #: The system a source was imported from, the rules it cannot show (code: reason), its
    #: partial cases (id: reason) and the import's warnings.
    system: str | None = None
    not_recorded: Mapping[str, str] = attrs.field(factory=dict)
    partial_cases: Mapping[str, str] = attrs.field(factory=dict)
    warnings: tuple[Any, ...] = ()
    #: What the report's data coverage counted (activities and attributes seen, owners,
    #: cohorts; see :mod:`cx_rules.report.measure`), as plain counts.
    measures: Mapping[str, Any] = attrs.field(factory=dict)
    #: What the source declares it records (an importer's or a wide table's coverage).
    declared: Coverage | None = None

    # -- merging -----------------------------------------------------------------------------

    def merge(self, other: Partial) -> Partial:
        """The partial of this one's cases and ``other``'s, which must be other cases read
        to the same cut-off with the same ``group_by``."""
        return Partial.merge_all((self, other))

    @staticmethod
    def merge_all(partials: Iterable[Partial]) -> Partial:
        """The merge of every partial of ``partials`` (at least one)."""
        parts = list(partials)
        if not parts:
            raise ValueError("Partial.merge_all: expected at least one partial")
        if len(parts) == 1:
            return parts[0]
        cuts = {p.as_of for p in parts if p.as_of is not None}
        if len(cuts) > 1:
            raise PartialMismatch(
                "partials computed to different cut-offs cannot be merged: "
                + ", ".join(sorted(c.isoformat() for c in cuts))
                + " (give every part the same as_of)"
            )
        if len({p.group_by for p in parts}) > 1 or any(
            p.declared != parts[0].declared for p in parts
        ):
            raise PartialMismatch(
                "partials computed with different group_by, or of sources declaring different "
                "coverages, cannot be merged"
            )
        systems = {p.system for p in parts if p.system is not None}
        if len(systems) > 1:
            raise PartialMismatch(
                f"partials of different sources cannot be merged: {', '.join(sorted(systems))}"
            )
        files: dict[str, None] = {}
        unmapped: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        rules: Counter[Any] = Counter()
        groups: dict[tuple[str, str | None], Counter[Any]] = {}
        overruns: Counter[str] = Counter()
        severity: dict[str, Any] = {}
        not_recorded: dict[str, str] = {}
        partial_cases: dict[str, str] = {}
        for p in parts:
            files.update(dict.fromkeys(p.files))
            unmapped.update(p.unmapped)
            skipped.update(p.skipped)
            rules.update(p.rules)
            for key, counts in p.groups.items():
                groups.setdefault(key, Counter()).update(counts)
            overruns.update(p.overruns)
            for code, level in p.severity.items():
                severity.setdefault(code, level)
            not_recorded.update(p.not_recorded)
            partial_cases.update(p.partial_cases)
        errors = sorted((e for p in parts for e in p.errors), key=_error_key)[:MAX_ERRORS]
        return Partial(
            as_of=next(iter(cuts), None),
            group_by=parts[0].group_by,
            files=tuple(files),
            lines=sum(p.lines for p in parts),
            events=sum(p.events for p in parts),
            cases=sum(p.cases for p in parts),
            rejected=sum(p.rejected for p in parts),
            after_as_of=sum(p.after_as_of for p in parts),
            duplicates=sum(p.duplicates for p in parts),
            unmapped=unmapped,
            skipped=skipped,
            errors=tuple(errors),
            rules=rules,
            groups=groups,
            case_scores=_joined([p.case_scores for p in parts], case_spool()),
            findings=_joined([p.findings for p in parts], finding_spool()),
            severity=severity,
            overruns=overruns,
            system=next(iter(systems), None),
            not_recorded=not_recorded,
            partial_cases=partial_cases,
            warnings=tuple(w for p in parts for w in p.warnings),
            measures=merged(p.measures for p in parts),
            declared=parts[0].declared,
        )

    # -- the report --------------------------------------------------------------------------

    def finish(self, engine: Engine | None = None, *, policy: Policy | None = None) -> Report:
        """The report of every case merged into this partial, as :func:`cx_rules.audit`
        gives it for the whole log.

        ``engine`` (or ``policy``, to build one) must be the engine the parts were checked
        with: it names the rules, says which have no checks, and judges the policy's waivers
        at the cut-off (``CX002``).
        """
        engine = engine_of(engine, policy, "finish")
        collector = Collector(engine, group_by=self.group_by)
        collector.absorb(
            _Collected(
                Counter(self.rules),
                {key: Counter(counts) for key, counts in self.groups.items()},
                self.case_scores,
                self.findings,
                dict(self.severity),
                dict(self.measures),
            )
        )
        cut = self.as_of
        if cut is not None:
            collector.add_policy_findings(engine.unused_waivers(collector.waived_by(), cut))
        summary = InputSummary(
            files=self.files,
            lines=self.lines,
            events=self.events,
            cases=self.cases,
            rejected=self.rejected,
            unmapped_activities=self.unmapped,
            after_as_of=self.after_as_of,
            duplicates=self.duplicates,
            skipped=self.skipped,
        )
        source = engine.policy.source
        report = collector.report(
            as_of=cut,
            input=summary,
            errors=[error for _, error in self.errors[:MAX_ERRORS]],
            declared=self.declared,
            policy=None if source == "<policy>" else source,
        )
        if self.system is not None:
            report = attrs.evolve(
                report,
                source=SourceSummary(
                    system=self.system,
                    not_recorded=self.not_recorded,
                    partial_cases=self.partial_cases,
                    warnings=self.warnings,
                ),
            )
        return attrs.evolve(report, calendar=_calendar_of(engine))

    report = finish

    # -- bytes -------------------------------------------------------------------------------

    def to_bytes(self, *, level: int = 1) -> bytes:
        """This partial as bytes for :meth:`from_bytes`: a versioned header, then the fields
        pickled (protocol 5) and compressed with zlib at ``level``.

        Unpickling runs code named in the data: read only partials your own workers wrote.
        """
        fields = {a.name: getattr(self, a.name) for a in attrs.fields(Partial)}
        fields["unmapped"] = dict(self.unmapped)
        fields["skipped"] = dict(self.skipped)
        fields["rules"] = dict(self.rules)
        fields["groups"] = {key: dict(counts) for key, counts in self.groups.items()}
        fields["overruns"] = dict(self.overruns)
        fields["severity"] = dict(self.severity)
        fields["not_recorded"] = dict(self.not_recorded)
        fields["partial_cases"] = dict(self.partial_cases)
        # Findings and case scores as plain tuples, which pickle and unpickle several times
        # faster than the values; the field names say what each position holds.
        evidence_at = _FINDING.index("evidence")
        of_finding, of_evidence = attrgetter(*_FINDING), attrgetter(*_EVIDENCE)
        findings = []
        for finding in self.findings:
            row = list(of_finding(finding))
            row[evidence_at] = tuple(map(of_evidence, row[evidence_at]))
            findings.append(row)
        fields["findings"] = findings
        fields["case_scores"] = list(map(attrgetter(*_CASE), self.case_scores))
        layout = (_FINDING, _EVIDENCE, _CASE)
        body = pickle.dumps((FORMAT_VERSION, layout, fields), protocol=5)
        return _MAGIC + bytes([FORMAT_VERSION]) + zlib.compress(body, level)

    @staticmethod
    def from_bytes(data: bytes) -> Partial:
        """The partial :meth:`to_bytes` wrote; :class:`ValueError` for anything else."""
        head = len(_MAGIC)
        if not data.startswith(_MAGIC) or len(data) <= head:
            raise ValueError("not a cx-rules partial (Partial.to_bytes writes one)")
        if data[head] != FORMAT_VERSION:
            raise ValueError(
                f"a cx-rules partial of format {data[head]}: this version reads format "
                f"{FORMAT_VERSION} (write and read partials with the same cx-rules)"
            )
        try:
            version, layout, fields = pickle.loads(zlib.decompress(data[head + 1 :]))
        except Exception as exc:  # a torn or altered body
            raise ValueError(f"a damaged cx-rules partial: {exc}") from None
        if version != FORMAT_VERSION or not isinstance(fields, dict):
            raise ValueError("a damaged cx-rules partial: its body is not of its format")
        if tuple(layout) != (_FINDING, _EVIDENCE, _CASE):
            raise ValueError(
                "a cx-rules partial whose findings have other fields than this version's "
                "(write and read partials with the same cx-rules)"
            )
        fields["groups"] = {key: Counter(c) for key, c in fields["groups"].items()}
        evidence_at = _FINDING.index("evidence")
        findings = []
        for row in fields["findings"]:
            values = list(row)
            values[evidence_at] = tuple(starmap(Evidence, values[evidence_at]))
            findings.append(ReportFinding(*values))
        fields["findings"] = tuple(findings)
        fields["case_scores"] = tuple(starmap(CaseScore, fields["case_scores"]))
        return Partial(**fields)


def _layout(cls: type) -> tuple[str, ...]:
    fields = attrs.fields(cls)
    assert all(f.init for f in fields), cls  # rebuilt from their values in field order
    return tuple(f.name for f in fields)


_FINDING: Final = _layout(ReportFinding)
_EVIDENCE: Final = _layout(Evidence)
_CASE: Final = _layout(CaseScore)


def _joined(parts: Iterable[Sequence[Any]], into: Spool[Any]) -> Spool[Any]:
    """Every item of ``parts``, in their order, in the spool ``into`` (runs shared)."""
    for items in parts:
        spooled(items, into)
    return into


def _error_key(item: tuple[ErrorKey, InputError]) -> ErrorKey:
    return item[0]


def engine_of(engine: Engine | None, policy: Policy | None, caller: str) -> Engine:
    """``engine``, or an audit's engine built from ``policy`` (one of the two, not both)."""
    if engine is None:
        return Engine(policy, guard=False)
    if policy is not None:
        raise ValueError(f"give {caller}() a policy or an engine, not both")
    return engine


def _calendar_of(engine: Engine) -> CalendarSummary:
    """What the report's header says about the calendar the engine counts deadlines in."""
    calendar = engine.calendar
    zone = calendar.timezone
    country = engine.policy.holiday_country
    summary = CalendarSummary(
        timezone=str(getattr(zone, "key", None) or zone),
        workdays=tuple(WEEKDAYS[d] for d in sorted(calendar.workdays)),
        holidays=len(calendar.holidays),
        holiday_country=country,
        default=False,
    )
    plain = CalendarSummary(default=False)
    if summary == plain and calendar.extra_holidays is None:
        return CalendarSummary()
    return summary
