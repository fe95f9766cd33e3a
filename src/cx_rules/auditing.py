"""Audits: replay an exported event log through the engine and report what it finds.

How an audit reads its input (the memory it needs depends on the order):

1. A first pass notes, for every case, the position of its last event, and the latest
   timestamp (the cut-off when no ``as_of`` is given).  It keeps one integer per case.
2. A second pass collects each case's events and, as soon as the case's last event has been
   read, sorts them by time (stably: events with equal timestamps keep their input order),
   replays them through :meth:`Engine.replay <cx_rules.Engine.replay>`, finishes the case at
   the cut-off with :meth:`Engine.finish <cx_rules.Engine.finish>`, counts its findings and
   forgets its events.

So memory holds the events of the cases whose first and last events lie on either side of
the current position: for a time-ordered log, the cases open at that moment; for a log
sorted by case, one case; for a shuffled log, up to every event.  Files are read twice;
an iterable that is not a file is held in memory whole.  Because every case is replayed in
time order and findings are sorted, the order of the input never changes the report.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, TypeAlias

import attrs

from .case import Case
from .engine import Engine
from .events import Event, parse_timestamp
from .exceptions import CxRulesError, EventConflict, InvalidEvent
from .findings import Finding
from .io import LogMapping, read_path
from .io.native import event_from_dict
from .io.records import InputError, Record
from .policy import Policy
from .report.collect import MAX_ERRORS, Collector
from .report.model import InputSummary, Report

__all__ = ["Progress", "Source", "SourceChanged", "audit"]

PathLike: TypeAlias = str | os.PathLike[str]
#: What :func:`audit` reads: a path, a list of paths, or events / records / native dicts.
Source: TypeAlias = PathLike | Sequence[PathLike] | Iterable[Event | InputError | Mapping[str, Any]]
#: A progress callback: the phase (``"reading"``, then ``"checking"``), records so far in
#: that phase, and cases finished so far.
Progress: TypeAlias = Callable[[str, int, int], None]

_PROGRESS_EVERY: Final = 8192
_ITERABLE: Final = "<input>"


class SourceChanged(CxRulesError, RuntimeError):
    """A log file changed between the audit's two passes over it (still being written?)."""


def audit(
    source: Source,
    *,
    policy: Policy | None = None,
    as_of: datetime | str | None = None,
    mapping: LogMapping | None = None,
    strict: bool = False,
    engine: Engine | None = None,
    group_by: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Audit an event log: every case replayed through the engine, then a scored report.

    ``source`` is a path, a list of paths (read in that order, as one log) or an iterable of
    :class:`~cx_rules.Event`, :class:`~cx_rules.io.records.InputError` or native event dicts.
    ``policy`` chooses rules and calendar (the default policy when neither it nor ``engine``
    is given; give one or the other).  Enforcement (``enforce``) never applies: an audit
    judges, it does not block.

    ``as_of`` is the cut-off: obligations due after it are pending, events after it are left
    out (counted as ``after_as_of``).  Without it the cut-off is the latest event's timestamp,
    never the wall clock, so the same input always gives the same report.  ``mapping``
    renames the log's vocabulary (default: the policy's ``[mapping]`` table).  Events whose
    activity the process model does not know are not recorded: they are counted per
    activity.  ``strict`` raises :class:`~cx_rules.InvalidEvent` at the first rejected record
    instead of counting it.  ``group_by`` (``job_id``, ``actor`` or ``month``) adds a score
    table per group.  ``progress`` is called now and then while reading.

    Raises :class:`~cx_rules.io.records.LogError` for a file that cannot be read as a log,
    :class:`SourceChanged` when a file changes between the two passes, and
    :class:`~cx_rules.PolicyError` for a bad policy or mapping.
    """
    if engine is None:
        engine = Engine(policy, guard=False)
    elif policy is not None:
        raise ValueError("give audit() a policy or an engine, not both")
    if engine.strict:
        raise ValueError("an audit needs an engine built with strict=False (it reports CX001)")
    policy = engine.policy
    cut = parse_timestamp(as_of, where="as_of") if as_of is not None else None
    collector = Collector(engine, group_by=group_by)
    log = _open(source, policy, mapping)
    plan = _plan(log, engine, cut, strict, progress)
    return _check(log, engine, plan, collector, progress)


# -- reading ---------------------------------------------------------------------------------


class _Log:
    """The source as something that can be read twice, record by record."""

    def __init__(
        self,
        files: Sequence[str],
        records: list[Record] | None,
        mapping: LogMapping | None,
        policy: Policy,
    ) -> None:
        self.files = tuple(files)
        self._records = records
        self._mapping = mapping
        self._zone = policy.default_zone()
        #: Source events the readers skipped on the last full pass, by reason.
        self.skipped: Counter[str] = Counter()

    def read(self) -> Iterator[tuple[str, Record]]:
        """Every record with the name of the file it came from."""
        if self._records is not None:
            for record in self._records:
                yield _ITERABLE, record
            return
        self.skipped = Counter()
        for name in self.files:
            stream = read_path(name, mapping=self._mapping, default_tz=self._zone)
            try:
                for record in stream:
                    yield name, record
            finally:
                stream.close()
            self.skipped.update(stream.skipped)


def _open(source: Source, policy: Policy, mapping: LogMapping | None) -> _Log:
    if isinstance(source, str | os.PathLike):
        source = [source]
    if (
        isinstance(source, Sequence)
        and source
        and all(isinstance(s, str | os.PathLike) for s in source)
    ):
        if mapping is None and policy.mapping:
            mapping = LogMapping.from_policy(policy)
        return _Log([os.fspath(p) for p in source], None, mapping, policy)
    zone = policy.default_zone()
    records: list[Record] = []
    for number, item in enumerate(source, start=1):
        if isinstance(item, Event | InputError):
            records.append(item)
        elif isinstance(item, Mapping):
            try:
                records.append(event_from_dict(item, default_tz=zone))
            except InvalidEvent as exc:
                records.append(InputError(_ITERABLE, number, str(exc)))
        else:
            raise TypeError(
                f"audit source item {number}: expected an Event, an InputError or a dict, "
                f"got {type(item).__name__}"
            )
    return _Log((), records, None, policy)


# -- the two passes --------------------------------------------------------------------------


@attrs.frozen
class _Plan:
    """What the first pass learnt: the position of each case's last event, and the cut-off
    (``as_of``, else the latest timestamp)."""

    last: dict[str, int]
    cut: datetime | None
    as_of: datetime | None


def _plan(
    log: _Log, engine: Engine, as_of: datetime | None, strict: bool, progress: Progress | None
) -> _Plan:
    known = engine.model.activities
    last: dict[str, int] = {}
    latest: datetime | None = None
    index = -1
    for index, (_, record) in enumerate(log.read()):
        if progress is not None and index % _PROGRESS_EVERY == 0:
            progress("reading", index, 0)
        if isinstance(record, InputError):
            if strict:
                raise InvalidEvent(str(record))
            continue
        moment = record.timestamp
        if record.activity not in known or (as_of is not None and moment > as_of):
            continue
        last[record.case_id] = index
        if latest is None or moment > latest:
            latest = moment
    if progress is not None:
        progress("reading", index + 1, 0)
    return _Plan(last, as_of if as_of is not None else latest, as_of)


def _check(
    log: _Log, engine: Engine, plan: _Plan, collector: Collector, progress: Progress | None
) -> Report:
    known = engine.model.activities
    last = plan.last
    held: dict[str, list[tuple[Event, str]]] = {}
    errors: list[InputError] = []
    unmapped: Counter[str] = Counter()
    events = rejected = after = cases = 0
    index = -1
    for index, (name, record) in enumerate(log.read()):
        if progress is not None and index % _PROGRESS_EVERY == 0:
            progress("checking", index, cases)
        if isinstance(record, InputError):
            rejected += 1
            if len(errors) < MAX_ERRORS:
                errors.append(record)
            continue
        if record.activity not in known:
            unmapped[record.activity] += 1
            continue
        if plan.as_of is not None and record.timestamp > plan.as_of:
            after += 1
            continue
        events += 1
        case_id = record.case_id
        end = last.get(case_id)
        if end is None or index > end:
            raise SourceChanged(_changed(log))
        held.setdefault(case_id, []).append((record, name))
        if index == end:
            assert plan.cut is not None  # a case exists, so the first pass saw an event
            conflicts = _finish(engine, case_id, held.pop(case_id), plan.cut, collector)
            cases += 1
            events -= len(conflicts)
            rejected += len(conflicts)
            errors.extend(conflicts[: max(0, MAX_ERRORS - len(errors))])
    lines = index + 1
    if held or cases != len(last):
        raise SourceChanged(_changed(log))
    if progress is not None:
        progress("checking", lines, cases)
    if plan.cut is not None:
        collector.add_policy_findings(engine.unused_waivers(collector.waived_by(), plan.cut))
    summary = InputSummary(
        files=log.files,
        lines=lines,
        events=events,
        cases=cases,
        rejected=rejected,
        unmapped_activities=unmapped,
        after_as_of=after,
        skipped=log.skipped,
    )
    return collector.report(as_of=plan.cut, input=summary, errors=errors)


def _changed(log: _Log) -> str:
    return (
        f"{', '.join(log.files) or 'the input'} changed between the audit's two passes; "
        "audit a file that is no longer being written"
    )


def _by_time(item: tuple[Event, str]) -> datetime:
    return item[0].timestamp


def _finish(
    engine: Engine,
    case_id: str,
    held: list[tuple[Event, str]],
    cut: datetime,
    collector: Collector,
) -> list[InputError]:
    """Replay one case in time order, finish it at ``cut`` and count its findings.

    Returns the events left out because their ``event_id`` names a different event of the
    same case, as input errors (the rest of the case is still judged).
    """
    held.sort(key=_by_time)
    events = [event for event, _ in held]
    conflicts: list[InputError] = []
    try:
        case, found = engine.replay(events)
        findings = list(found)
    except EventConflict:
        case, findings, conflicts, events = _replay_each(engine, case_id, held)
    case, tail = engine.finish(case, cut)
    findings.extend(tail)
    collector.add_case(case, events, findings)
    return conflicts


def _replay_each(
    engine: Engine, case_id: str, held: Iterable[tuple[Event, str]]
) -> tuple[Case, list[Finding], list[InputError], list[Event]]:
    case = engine.start(case_id)
    findings: list[Finding] = []
    conflicts: list[InputError] = []
    kept: list[Event] = []
    for event, name in held:
        try:
            case, found = engine.replay((event,), case)
        except EventConflict:
            # The engine's message names the event id; ids stay out of error messages so
            # that --redact can rewrite every one of them.
            conflicts.append(
                InputError(
                    name,
                    None,
                    f"case {case_id!r}: {event.describe()} reuses the event_id of a different "
                    "event of the case; it is left out",
                )
            )
            continue
        findings.extend(found)
        kept.append(event)
    return case, findings, conflicts, kept
