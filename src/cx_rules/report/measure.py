"""What an audit measures of each case besides its findings, in counts that merge exactly.

:class:`Measures` is the part of a :class:`~cx_rules.report.Collector` that looks at a
finished case's events once: which evidence keys the rules read occur in it (the data
coverage), its owner (the recruiter of record), the month its application arrived (its
cohort), its value for every ``group_by`` key that is an event attribute, and the facts the
benchmarks compare (rejected after an interview, by phone, with feedback; days to a
decision).  Everything is kept as counters, so two halves of a log measured apart and
:meth:`Measures.absorb`-ed give exactly what the whole log gives.

One loop over a case's events, one dictionary look-up per event, and a few more for the
events of an activity a rule's evidence names: the audit's hot path (the engine) is not
touched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Final

import attrs

from ..coverage import ALTERNATIVE
from ..events import Activity, Channel, Event
from ..findings import Outcome
from .spool import Spool

if TYPE_CHECKING:
    from ..case import Case
    from ..rule import Rule

__all__ = [
    "CASE_KEYS",
    "FINDING_KEYS",
    "Measured",
    "Measures",
    "merged",
    "month_of",
    "unsure_spool",
]

#: ``group_by`` keys that belong to a finding, not to its case.
FINDING_KEYS: Final = frozenset({"actor", "month"})
#: ``group_by`` keys that name the case's job.
CASE_KEYS: Final = {"job": "job_id"}

_Counts = Counter[tuple[str, Outcome]]
_Unsure = tuple[str, tuple[tuple[tuple[str, Outcome], int], ...]]
_JUDGED: Final = (Outcome.PASSED, Outcome.VIOLATED)
_DECIDED: Final = frozenset(
    {Activity.REJECTED, Activity.OFFER_MADE, Activity.WITHDRAWN, Activity.OFFER_ACCEPTED}
)
#: Days after which a candidate with no decision "heard nothing" (the benchmark's 1-2 months).
SILENT_DAYS: Final = 30


def month_of(moment: datetime, zone: tzinfo) -> str:
    """``YYYY-MM`` of ``moment`` in ``zone`` (not strftime: its ``%Y`` writes year 1 as 1)."""
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}"


def evidence_keys(rules: Iterable[Rule]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each rule's evidence as its keys, each key as its alternatives, by code."""
    return {
        rule.code: tuple(
            tuple(k.strip() for k in key.split(ALTERNATIVE))
            for key in sorted(getattr(rule, "evidence", frozenset()))
        )
        for rule in rules
    }


@attrs.frozen
class Measured:
    """What :meth:`Measures.add` learnt of one case that the collector needs at once."""

    owner: str | None
    #: The case's value for each ``group_by`` key that belongs to the case.
    values: Mapping[str, str | None]


class Measures:
    """The mergeable measurements of an audit (see the module's description)."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        zone: tzinfo,
        group_by: Sequence[str] = (),
    ) -> None:
        self.zone = zone
        self.evidence = evidence_keys(rules.values())
        watched: dict[str, set[str]] = {}
        for keys in self.evidence.values():
            for alternatives in keys:
                for key in alternatives:
                    activity, _, attribute = key.partition(".")
                    found = watched.setdefault(activity, set())
                    if attribute:
                        found.add(attribute)
        #: activity -> its attributes a rule reads, each with its evidence key.
        self.watched: dict[str, tuple[tuple[str, str], ...]] = {
            a: tuple((attr, f"{a}.{attr}") for attr in sorted(found))
            for a, found in sorted(watched.items())
        }
        self.case_keys = tuple(
            (key, CASE_KEYS.get(key, key)) for key in group_by if key not in FINDING_KEYS
        )
        # -- the counts that merge --
        self.cases = 0
        #: Cases in which each evidence key occurs.
        self.seen: Counter[str] = Counter()
        #: The checks of each owner and of each cohort (month of application, pending ones
        #: left out), as ``(owner, (code, outcome))`` and ``(month, (code, outcome))``:
        #: bounded by the owners and the months, not the cases (see owner_counts()).
        self.owner_checks: Counter[tuple[str | None, Any]] = Counter()
        self.cohort_checks: Counter[tuple[str, Any]] = Counter()
        #: Candidates per owner, per cohort, and per group (``(key, value)``).
        self.owner_cases: Counter[str | None] = Counter()
        self.cohort_cases: Counter[str] = Counter()
        self.group_cases: Counter[tuple[str, str | None]] = Counter()
        #: The counts of the cases that lack a rule's evidence but were judged by it, as
        #: ``(case_id, counts)`` in case order: their scores change if the whole log turns
        #: out never to record it.  A :class:`~cx_rules.report.spool.Spool`, so at most a
        #: bounded number are in memory.
        self.unsure: Spool[_Unsure] = unsure_spool()
        #: The action of an obligation still open on a case, per rule (the least, for
        #: determinism).
        self.actions: dict[str, str] = {}
        #: Counts for the benchmarks (see :mod:`cx_rules.report.benchmarks`).
        self.facts: Counter[str] = Counter()
        #: Days from application to the first decision, per case decided.
        self.decided_in: Counter[int] = Counter()
        self._interned: dict[object, Any] = {}
        self._lacking: dict[object, bool] = {}

    def add(
        self, case: Case, events: Sequence[Event], counts: _Counts, job_id: str | None
    ) -> Measured:
        """Measure one finished case; ``counts`` are its checks by ``(code, outcome)``,
        ``job_id`` its job."""
        self.cases += 1
        watched = self.watched
        seen: set[str] = set()
        owner: Any = None
        applied: datetime | None = None
        decided: datetime | None = None
        interviewed = rejected = by_phone = False
        for e in events:
            activity = e.activity
            # The attributes dict itself, not Event.get: this loop runs for every event.
            values = e._values
            if values:
                found = values.get("owner")
                if found is not None and found != "":
                    owner = found
            attributes = watched.get(activity)
            if attributes is not None and not (values and values.get("inferred")):
                seen.add(activity)
                for attribute, key in attributes:
                    value = e.channel if attribute == "channel" else values.get(attribute)
                    if value is not None and value != "":
                        seen.add(key)
            if activity == Activity.APPLICATION_RECEIVED:
                if applied is None:
                    applied = e.timestamp
            elif activity in _DECIDED:
                if decided is None:
                    decided = e.timestamp
                if activity == Activity.REJECTED and not rejected:
                    rejected = True
                    by_phone = interviewed and e.channel == Channel.PHONE
            elif activity == Activity.INTERVIEW_HELD:
                interviewed = True
        if owner is not None:
            owner = str(owner)
        self.seen.update(seen)
        self._benchmark(case, seen, applied, decided, rejected, interviewed, by_phone)
        month = month_of(applied, self.zone) if applied is not None else None
        items = tuple(counts.items())
        owner_checks = self.owner_checks
        for check, count in items:
            owner_checks[owner, check] += count
        if month is not None:
            cohort_checks = self.cohort_checks
            for check, count in items:
                if check[1] is not Outcome.PENDING:
                    cohort_checks[month, check] += count
        self._unsure(case.case_id, seen, items)
        actions = self.actions
        for o in case.obligations:  # overdue or pending: what the rule asks for
            known = actions.get(o.code)
            if known is None or o.action < known:
                actions[o.code] = o.action
        self.owner_cases[owner] += 1
        if month is not None:
            self.cohort_cases[month] += 1
        values_of: dict[str, str | None] = {}
        for key, attribute in self.case_keys:
            if attribute == "owner":
                value = owner
            elif attribute == "job_id":
                value = job_id
            else:
                value = _last(events, attribute)
            values_of[key] = value
            self.group_cases[key, value] += 1
        return Measured(owner, values_of)

    def owner_counts(self) -> dict[str | None, _Counts]:
        """The checks of each owner (``None``: the cases that name none)."""
        found: dict[str | None, _Counts] = {}
        for (owner, key), count in self.owner_checks.items():
            counts = found.setdefault(owner, Counter())
            counts[key] += count
        return found

    def cohort_counts(self) -> dict[str, _Counts]:
        """The checks of each cohort (month of application), pending ones left out."""
        found: dict[str, _Counts] = {}
        for (month, key), count in self.cohort_checks.items():
            counts = found.setdefault(month, Counter())
            counts[key] += count
        return found

    def _benchmark(
        self,
        case: Case,
        seen: set[str],
        applied: datetime | None,
        decided: datetime | None,
        rejected: bool,
        interviewed: bool,
        by_phone: bool,
    ) -> None:
        facts = self.facts
        if applied is None:
            return
        facts["applied"] += 1
        if Activity.APPLICATION_ACKNOWLEDGED in seen:
            facts["acknowledged"] += 1
        if rejected:
            facts["rejected"] += 1
            if Activity.FEEDBACK_GIVEN in seen:
                facts["rejected_with_feedback"] += 1
            if interviewed:
                facts["rejected_after_interview"] += 1
                if by_phone:
                    facts["rejected_by_phone"] += 1
        if decided is not None:
            self.decided_in[max(0, (decided - applied).days)] += 1
        cut = case.clock
        if cut is not None and (cut - applied).days >= SILENT_DAYS:
            facts["waited"] += 1
            if decided is None or (decided - applied).days >= SILENT_DAYS:
                facts["silent"] += 1

    def _unsure(self, case_id: str, seen: set[str], items: tuple[Any, ...]) -> None:
        # Whether the case was judged by a rule whose evidence it lacks, asked once per
        # (counts, seen) the log holds.
        probe = (items, frozenset(seen))
        lacking = self._lacking.get(probe)
        if lacking is None:
            evidence = self.evidence
            lacking = self._lacking[probe] = any(
                outcome in _JUDGED
                and not all(any(k in seen for k in alts) for alts in evidence.get(code, ()))
                for (code, outcome), _ in items
            )
        if lacking:
            self.unsure.append((case_id, self._interned.setdefault(items, items)))

    def partial(self) -> dict[str, Any]:
        """The counts, as plain picklable data for :meth:`absorb`."""
        return {
            "cases": self.cases,
            "seen": self.seen,
            "owner_checks": self.owner_checks,
            "cohort_checks": self.cohort_checks,
            "owner_cases": self.owner_cases,
            "cohort_cases": self.cohort_cases,
            "group_cases": self.group_cases,
            "unsure": self.unsure,
            "actions": self.actions,
            "facts": self.facts,
            "decided_in": self.decided_in,
        }

    def absorb(self, other: Mapping[str, Any]) -> None:
        """Add what :meth:`partial` gave of another share of the cases."""
        _add(self, other)


#: The counters of :meth:`Measures.partial`, which merge by adding.
_COUNTERS: Final = (
    "seen",
    "owner_cases",
    "cohort_cases",
    "group_cases",
    "facts",
    "owner_checks",
    "cohort_checks",
    "decided_in",
)


def merged(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The merge of several :meth:`Measures.partial` values (an empty one adds nothing), as
    :meth:`Measures.absorb` would make it, without changing any of them."""
    out = SimpleNamespace(
        cases=0, unsure=unsure_spool(), actions={}, **{n: Counter() for n in _COUNTERS}
    )
    for part in parts:
        if part:
            _add(out, part)
    return {name: getattr(out, name) for name in ("cases", *_COUNTERS, "unsure", "actions")}


def _add(into: Any, other: Mapping[str, Any]) -> None:
    into.cases += other["cases"]
    for name in _COUNTERS:
        getattr(into, name).update(other.get(name, ()))
    # Written before owner_checks and cohort_checks: each (owner, cohort, counts) once.
    for (owner, month, items), n in other.get("patterns", {}).items():
        for key, count in items:
            into.owner_checks[owner, key] += count * n
            if month is not None and key[1] is not Outcome.PENDING:
                into.cohort_checks[month, key] += count * n
    unsure = other["unsure"]
    if isinstance(unsure, Spool):
        into.unsure.join(unsure)
    else:  # from bytes: the pairs as a tuple (or, written before, a dict)
        into.unsure.extend(unsure.items() if isinstance(unsure, Mapping) else unsure)
    for code, action in other["actions"].items():
        known = into.actions.get(code)
        if known is None or action < known:
            into.actions[code] = action


def unsure_spool() -> Spool[_Unsure]:
    """An empty spool of :attr:`Measures.unsure`'s ``(case_id, counts)`` pairs."""
    return Spool(_first)


_first: Final = itemgetter(0)


def _last(events: Sequence[Event], attribute: str) -> str | None:
    for e in reversed(events):
        value = e.get(attribute)
        if value is not None:
            return str(value)
    return None
