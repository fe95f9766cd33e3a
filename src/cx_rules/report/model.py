"""The audit report as values: input counts, scores per rule, practice, case and group, and
the findings to act on."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..findings import Outcome, Severity
from ..io.records import InputError

if TYPE_CHECKING:
    from .baseline import Baseline

__all__ = [
    "GROUP_BY",
    "MIN_GROUP",
    "Benchmark",
    "CalendarSummary",
    "CaseScore",
    "CohortScore",
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
    "worst_first",
]

#: The ``group_by`` keys with a meaning of their own: the case's job (``job`` says the same),
#: the recruiter of a finding (its last actor; an omission's owner), the month of a finding.
#: Any other key is an event attribute (``department``, ``office``, ``source``, ``owner``):
#: a case falls in the group of the last value its events give it.
GROUP_BY: Final = ("job_id", "actor", "month")

#: Groups, owners and cohorts with fewer candidates than this are suppressed by default
#: (the policy's ``min_group_size``), as HR reporting does to protect anonymity.
MIN_GROUP: Final = 5


def _keys(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen
class Tally:
    """How many checks passed, were violated, could not be judged, are not due yet, or were
    waived by the policy."""

    passed: int = 0
    violated: int = 0
    unknown: int = 0
    pending: int = 0
    waived: int = 0

    @property
    def judged(self) -> int:
        """Checks with a verdict: ``passed + violated`` (the denominator of compliance)."""
        return self.passed + self.violated

    @property
    def compliance(self) -> float | None:
        """``100 * passed / (passed + violated)``, or ``None`` when nothing was judged."""
        judged = self.judged
        return None if judged == 0 else 100.0 * self.passed / judged

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.passed + other.passed,
            self.violated + other.violated,
            self.unknown + other.unknown,
            self.pending + other.pending,
            self.waived + other.waived,
        )

    @classmethod
    def of(cls, counts: Mapping[Outcome, int]) -> Tally:
        """A tally from counts by outcome (missing outcomes count 0)."""
        return cls(
            counts.get(Outcome.PASSED, 0),
            counts.get(Outcome.VIOLATED, 0),
            counts.get(Outcome.UNKNOWN, 0),
            counts.get(Outcome.PENDING, 0),
            counts.get(Outcome.WAIVED, 0),
        )


@attrs.frozen
class RuleScore:
    """One rule's checks in the audit; ``severity`` is the one the policy gives it."""

    code: str
    name: str
    practice: str
    severity: Severity
    tally: Tally
    #: Candidates (cases) with at least one violation of the rule.
    candidates: int = 0
    #: Why the rule could not be judged on this log ("not recorded in this log: no
    #: application_acknowledged in 916 cases"), or ``None``.
    not_recorded: str | None = None

    @property
    def compliance(self) -> float | None:
        """The rule's compliance in percent (see :attr:`Tally.compliance`)."""
        return self.tally.compliance

    @property
    def weight(self) -> int:
        """How much fixing the rule would help: its severity's weight times the candidates
        with a violation (what "worst first" sorts by)."""
        return self.severity.weight * self.candidates


def group_order(g: GroupScore) -> tuple[bool, int, bool, str]:
    """Where a group comes in its table: worst first (most violations), suppressed groups
    last, then by key; groups by month come in time order instead (see :func:`in_order`)."""
    return (g.suppressed, -g.tally.violated, g.key is None, g.key or "")


def in_order(groups: Iterable[GroupScore]) -> list[GroupScore]:
    """``groups`` (of one key) in the order a report lists them: a month in time order,
    anything else worst first (:func:`group_order`)."""
    found = list(groups)
    if all(g.by == "month" for g in found):
        return sorted(found, key=lambda g: (g.key is None, g.key or ""))
    return sorted(found, key=group_order)


def worst_first(rules: Iterable[RuleScore]) -> list[RuleScore]:
    """``rules`` in the order a report lists them: by :attr:`RuleScore.weight`, then by
    violations, then by compliance (lowest first; nothing judged last), then by code."""
    return sorted(
        rules,
        key=lambda r: (
            -r.weight,
            -r.tally.violated,
            r.compliance is None,
            r.compliance or 0.0,
            r.code,
        ),
    )


@attrs.frozen
class PracticeScore:
    """The checks of every rule of one practice, and the practice's score."""

    practice: str
    tally: Tally
    score: float | None


@attrs.frozen
class CaseScore:
    """One case: its job, the state it ended in, its checks and its score."""

    case_id: str
    job_id: str | None
    state: str
    tally: Tally
    score: float | None


@attrs.frozen
class GroupScore:
    """One group of ``--group-by`` (a job, a recruiter, a month, a department...): its
    checks per rule.

    ``by`` is the key the group belongs to (``job_id``, ``owner``, ``department``);
    ``candidates`` counts its cases.  A group of fewer candidates than the policy's
    ``min_group_size`` is ``suppressed``: its tally is empty, its score ``None`` and it lists
    no rules, so no renderer can show what it would reveal about so few people.
    """

    key: str | None
    tally: Tally
    score: float | None
    rules: tuple[RuleScore, ...]
    by: str = ""
    candidates: int = 0
    suppressed: bool = False


@attrs.frozen
class CohortScore:
    """The candidates whose application arrived in one month (``YYYY-MM``, in the policy's
    time zone): their checks, pending ones left out, and their score per rule.

    Suppressed like a :class:`GroupScore` when it has fewer than ``min_group_size``
    candidates.
    """

    month: str
    candidates: int
    tally: Tally
    score: float | None
    rules: tuple[RuleScore, ...]
    suppressed: bool = False


@attrs.frozen
class KeyCoverage:
    """How often the log holds one evidence key (see :mod:`cx_rules.coverage`).

    For an activity, ``seen`` counts the cases with at least one such event and ``missing``
    the other cases.  For an attribute (``rejected.reason``), ``seen`` counts the cases where
    an event of the activity carries it and ``missing`` the cases that have the activity but
    never the attribute.  ``declared`` is what the importer's coverage says (``None`` without
    one; ``"recorded"``; else why the source never records it).  ``rules`` are the codes
    whose evidence names the key.
    """

    key: str
    seen: int
    missing: int
    rules: tuple[str, ...]
    declared: str | None = None

    @property
    def activity(self) -> str:
        """The activity of the key."""
        return self.key.partition(".")[0]

    @property
    def attribute(self) -> str | None:
        """The attribute of the key, ``None`` for an activity."""
        return self.key.partition(".")[2] or None


@attrs.frozen
class FixItem:
    """One change that would help candidates: a rule's violations, worst first.

    ``weight`` is the severity's weight times ``candidates`` (cases with a violation);
    ``action`` is what to do (the action of the rule's overdue obligations, else what the rule checks);
    ``owners`` are the owners (recruiters of record) of those candidates, worst first, as
    ``(owner, candidates)`` (``None``: no owner recorded); ``page`` is the rule's page in the
    documentation (relative to its root), ``None`` for a plugin's rule.
    """

    code: str
    name: str
    severity: Severity
    candidates: int
    violations: int
    weight: int
    action: str
    owners: tuple[tuple[str | None, int], ...]
    page: str | None = None


@attrs.frozen
class Benchmark:
    """A published figure next to the organisation's own figure for the same measure.

    ``ours`` is a percentage, or a number of days for ``unit == "days"``, ``None`` when the
    log has nothing to measure it on; ``basis`` counts the candidates it was measured on.
    ``published`` is the figure, ``year`` and ``source`` where it comes from.
    """

    measure: str
    unit: str
    ours: float | None
    basis: int
    published: float
    #: ``None`` where the source gives no survey year.
    year: int | None
    source: str
    note: str


@attrs.frozen
class Evidence:
    """An event a finding rests on, as a report shows it: never its free text."""

    activity: str
    timestamp: datetime
    event_id: str | None = None
    actor: str | None = None
    channel: str | None = None


@attrs.frozen
class ReportFinding:
    """A violated, unknown or waived check, listed in the report for someone to act on.

    ``actor`` is the recruiter the finding is grouped under (the last evidence event that
    names one, else the case's last actor); ``job_id`` is the case's job; ``waived_by`` names
    the policy waiver and its justification when the outcome is ``waived``.
    """

    case_id: str
    code: str
    name: str
    practice: str
    severity: Severity
    outcome: Outcome
    message: str
    at: datetime
    due: datetime | None
    missing: str | None
    evidence: tuple[Evidence, ...]
    job_id: str | None = None
    actor: str | None = None
    waived_by: str | None = None
    #: The case's owner (recruiter of record), when the log names one.
    owner: str | None = None


@attrs.frozen
class InputSummary:
    """What the audit read.

    ``lines`` counts the records the readers yielded (a non-blank line of JSONL or CSV, an
    event of XES or OCEL): ``lines == events + rejected + unmapped + after_as_of``.
    ``events`` counts every event read, a retry too; ``duplicates`` says how many of them
    repeat an event of their case exactly (the same ``event_id`` and content) and were
    therefore recorded once: the findings rest on ``events - duplicates`` distinct events.
    ``unmapped_activities`` counts, per activity, the events whose activity the process
    model does not know; ``skipped`` counts, per reason, source events the readers passed
    over by design (they are not records).
    """

    files: tuple[str, ...] = ()
    lines: int = 0
    events: int = 0
    cases: int = 0
    rejected: int = 0
    unmapped_activities: Mapping[str, int] = attrs.field(factory=dict, converter=_counts)
    after_as_of: int = 0
    skipped: Mapping[str, int] = attrs.field(factory=dict, converter=_counts)
    duplicates: int = 0

    @property
    def unmapped(self) -> int:
        """Events not recorded because their activity is unknown to the process model."""
        return sum(self.unmapped_activities.values())


_DAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@attrs.frozen
class CalendarSummary:
    """The calendar the audit counted deadlines in, for the report's header.

    ``workdays`` are day names as the policy writes them (``mon`` ... ``sun``); ``holidays``
    counts the dates the calendar lists; ``holiday_country`` is the policy's.  ``default``
    says that nothing chose the calendar (no policy, or one that sets no time zone, workdays
    or holidays): UTC, Monday to Friday, no holidays, which can judge a deadline differently
    from the company's own calendar (a Saturday-night application in Copenhagen is Saturday
    afternoon in UTC, and Sunday morning in Auckland).
    """

    timezone: str = "UTC"
    workdays: tuple[str, ...] = _WEEKDAYS[:5]
    holidays: int = 0
    holiday_country: str | None = None
    default: bool = True

    def describe(self) -> str:
        """One line: ``UTC, Monday to Friday, no holidays (the default calendar: ...)``."""
        numbers = [_WEEKDAYS.index(d) for d in self.workdays]
        if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
            days = f"{_DAY_NAMES[numbers[0]]} to {_DAY_NAMES[numbers[-1]]}"
        else:
            days = ", ".join(_DAY_NAMES[n] for n in numbers)
        holidays = []
        if self.holidays:
            holidays.append(f"{self.holidays} holiday{'s' if self.holidays != 1 else ''}")
        if self.holiday_country:
            holidays.append(f"the public holidays of {self.holiday_country}")
        text = f"{self.timezone}, {days}, {' and '.join(holidays) or 'no holidays'}"
        if self.default:
            text += " (the default calendar: set timezone and holidays in the policy)"
        return text


def _reasons(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen
class SourceSummary:
    """What an audit of a system's export (``cx-rules audit --from SYSTEM``) adds: the
    ``system``, the rules whose evidence it does not record (by code, with the reason:
    every check of them is unknown), the cases whose trace is partial (by id, with the
    reason: an anonymised candidate) and the import's warnings, in input order.

    Warnings are :class:`~cx_rules.importers.InputWarning` values: placed like input errors,
    never quoting message text.
    """

    system: str
    not_recorded: Mapping[str, str] = attrs.field(factory=dict, converter=_reasons)
    partial_cases: Mapping[str, str] = attrs.field(factory=dict, converter=_reasons)
    warnings: tuple[Any, ...] = ()


@attrs.frozen
class Report:
    """The outcome of an audit; render it with :func:`cx_rules.report.render`.

    ``as_of`` is the cut-off (``None`` only when there were no events).  ``findings`` holds
    the violated, unknown and waived checks, sorted by case, time and code; passed and
    pending checks are counted in the tallies.  ``errors`` are the rejected records (the first
    :data:`~cx_rules.report.collect.MAX_ERRORS`; ``input.rejected`` counts them all).
    ``groups`` holds the groups of every key of ``group_keys``, key by key (each names its
    key in :attr:`GroupScore.by`; :meth:`grouped` gives them per key); ``group_by`` is the
    first key.  ``source`` is set when
    the audit read a system's export through an importer (:class:`SourceSummary`).

    ``coverage`` says how often the log holds each evidence key the rules read;
    ``not_recorded`` names, by code, the rules whose evidence the log never holds, with the
    reason: their checks are unknown, unless the policy says that such absence is a
    violation.  ``fix_first`` ranks what would help most candidates; ``owners`` scores each
    owner (recruiter of record) per rule; ``cohorts`` scores each month of applications;
    ``benchmarks`` puts published figures beside the organisation's own.  Owners, groups and
    cohorts of fewer than ``min_group`` candidates are suppressed.  ``policy`` says where the
    policy came from: a path, or ``None`` for the built-in defaults.
    """

    as_of: datetime | None
    input: InputSummary
    score: float | None
    tally: Tally
    rules: tuple[RuleScore, ...]
    practices: tuple[PracticeScore, ...]
    #: By case id; a long report's are read from disk as they are iterated (see
    #: :mod:`cx_rules.report.spool`): a sequence, compared equal to the tuple of its items.
    cases: Sequence[CaseScore]
    #: In the report's order (case, time, rule); held like ``cases``.
    findings: Sequence[ReportFinding]
    errors: tuple[InputError, ...] = ()
    #: The first key of ``group_keys`` (``None`` without one), for readers of one key.
    group_by: str | None = None
    groups: tuple[GroupScore, ...] = ()
    redacted: bool = False
    #: The calendar deadlines were counted in.
    calendar: CalendarSummary = attrs.field(factory=CalendarSummary)
    source: SourceSummary | None = None
    coverage: tuple[KeyCoverage, ...] = ()
    not_recorded: Mapping[str, str] = attrs.field(factory=dict, converter=_reasons)
    fix_first: tuple[FixItem, ...] = ()
    owners: tuple[GroupScore, ...] = ()
    cohorts: tuple[CohortScore, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()
    min_group: int = MIN_GROUP
    #: Where the policy came from: a path, or ``None`` for the built-in defaults.
    policy: str | None = None
    #: Set by ``--baseline``: each finding new or persisting, and what was fixed.
    baseline: Baseline | None = None
    #: Every ``group_by`` key, in order.
    group_keys: tuple[str, ...] = attrs.field(default=(), converter=_keys)

    def __attrs_post_init__(self) -> None:
        if self.group_by is not None and not self.group_keys:
            object.__setattr__(self, "group_keys", (self.group_by,))
        elif self.group_by is None and self.group_keys:
            object.__setattr__(self, "group_by", self.group_keys[0])

    def grouped(self) -> dict[str, tuple[GroupScore, ...]]:
        """The groups per key of ``group_keys``, in its order (a group that names no key, as
        reports made before several keys could, belongs to the first)."""
        first = self.group_by or ""
        return {
            key: tuple(g for g in self.groups if (g.by or first) == key) for key in self.group_keys
        }

    def violations(self, at_least: Severity = Severity.INFO) -> int:
        """How many violated findings have ``at_least`` this severity (for ``--fail-on``)."""
        return sum(
            1
            for f in self.findings
            if f.outcome is Outcome.VIOLATED and f.severity.rank >= at_least.rank
        )

    def worst_cases(self, limit: int = 10) -> tuple[CaseScore, ...]:
        """The cases with violations, most violations first (then lowest score, then id)."""
        return tuple(
            heapq.nsmallest(
                limit,
                (c for c in self.cases if c.tally.violated),
                key=lambda c: (
                    -c.tally.violated,
                    c.score if c.score is not None else 101.0,
                    c.case_id,
                ),
            )
        )
