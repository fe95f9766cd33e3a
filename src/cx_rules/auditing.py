"""Audits: replay an exported event log through the engine and report what it finds.

How an audit reads its input (the memory it needs depends on the order):

1. A first pass notes, for every case, the position of its last event, and the latest
   timestamp (the cut-off when no ``as_of`` is given).  It keeps one integer per case.
2. A second pass collects each case's events and, as soon as the case's last event has been
   read, sorts them by time (events at one moment in the process model's order,
   :meth:`ProcessModel.in_order <cx_rules.ProcessModel.in_order>`), replays them through :meth:`Engine.replay <cx_rules.Engine.replay>`, finishes the case at
   the cut-off with :meth:`Engine.finish <cx_rules.Engine.finish>`, counts its findings and
   forgets its events.

So memory holds the events of the cases whose first and last events lie on either side of
the current position: for a time-ordered log, the cases open at that moment; for a log
sorted by case, one case; for a shuffled log, up to every event.  Files are read twice;
an iterable that is not a file is held in memory whole.  Because every case is replayed in
time order and findings are sorted, the order of the input does not change the report
(but for events of one activity at one moment, which keep their input order: which of two
events claiming one event id is kept, say).

With ``jobs`` above 1 the cases are shared out among that many processes by a hash of the
case id (see :class:`~cx_rules.io.stream.Part`).  Each process reads the log once, building
only the records of its own share (the JSONL and CSV readers do not even build the others),
and holds them; the processes agree on the cut-off, check their cases, and each sends back
a :class:`~cx_rules.partials.Partial`.  The partials are merged and the report finished and
rendered once, in the order one process would have produced it, so the report is the same,
byte for byte, whatever the number of processes.

Every audit finishes its report from partials (:meth:`Partial.finish
<cx_rules.partials.Partial.finish>`), the same path as the batch functions of
:mod:`cx_rules.batch` that the cluster adapters call.  The cyclic garbage collector is
paused during an audit (frozen and off, the young generation collected every few thousand
cases, restored at the end).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from ._forks import Children, attempt, raise_first, serve
from ._forks import Outcome as _Passed
from .case import Case
from .coverage import Coverage, uncovered_rules
from .engine import Engine
from .events import Event, parse_timestamp
from .exceptions import CxRulesError, EventConflict, InvalidEvent
from .findings import Finding, Outcome
from .io import LogMapping, locate, read_path
from .io._build import build_event
from .io._files import STDIN, STDIN_NAME, copy_stdin
from .io.dataframe import is_dataframe, read_dataframe
from .io.native import event_from_dict
from .io.records import InputError, LogError, Record
from .io.stream import FOREIGN, OUTLINES, PARTITION, LogStream, Part, Skip
from .io.wide import SYSTEM as WIDE_SYSTEM
from .io.wide import Wide
from .model import ProcessModel
from .partials import Partial, engine_of
from .policy import Policy
from .report.collect import MAX_ERRORS, Collector, _Collected
from .report.model import Report

if TYPE_CHECKING:
    from .importers import Importer, InputWarning

__all__ = ["OneProcess", "Progress", "Source", "SourceChanged", "audit"]

PathLike: TypeAlias = str | os.PathLike[str]
#: What :func:`audit` reads: a path, a list of paths, or events / records / native dicts.
Source: TypeAlias = PathLike | Sequence[PathLike] | Iterable[Event | InputError | Mapping[str, Any]]
#: A progress callback: the phase (``"reading"``, then ``"checking"``), records so far in
#: that phase, and cases finished so far.
Progress: TypeAlias = Callable[[str, int, int], None]

_PROGRESS_EVERY: Final = 8192
# Cases between two collections of the young generation while the collector is paused.
_COLLECT_EVERY: Final = 4096
# Whether the collector was on when the audit paused it (then the audit collects now and
# then itself); set by _collector_paused.
_collecting = True
_ITERABLE: Final = "<input>"


class OneProcess(RuntimeWarning):
    """``audit(jobs=N)`` audited in one process: the input cannot be shared out (it is not
    files) or the platform cannot fork.  The report is the same; only the time differs."""


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
    group_by: str | Sequence[str] | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    importer: Importer | None = None,
    format: str | None = None,
    encoding: str | None = None,
    coverage: Coverage | None = None,
) -> Report:
    """Audit an event log: every case replayed through the engine, then a scored report.

    ``source`` is a path, a list of paths (read in that order, as one log), a pandas
    DataFrame (read with :func:`~cx_rules.io.read_dataframe`, with the mapping and the
    policy's ``assume_timezone``), or an iterable of :class:`~cx_rules.Event`,
    :class:`~cx_rules.io.records.InputError` or native event dicts (``mapping``, when given,
    is applied to the dicts; events already read, such as a reader's stream, cannot be
    mapped again: ``mapping`` with one raises :class:`ValueError` saying where to give it).
    ``policy`` chooses rules and calendar (the default policy when neither it nor ``engine``
    is given; give one or the other).  Enforcement (``enforce``) never applies: an audit
    judges, it does not block.

    ``as_of`` is the cut-off: obligations due after it are pending, events after it are left
    out (counted as ``after_as_of``).  Without it the cut-off is the latest event's timestamp,
    never the wall clock, so the same input always gives the same report.  ``mapping``
    renames the log's vocabulary (default: the policy's ``[mapping]`` table).  Events whose
    activity the process model does not know are not recorded: they are counted per
    activity.  ``strict`` raises :class:`~cx_rules.InvalidEvent` at the first rejected record
    instead of counting it.  ``group_by`` (one key or a sequence of them: ``job_id``, ``actor``,
    ``month``, or any event attribute such as ``department``, ``office``, ``source`` or
    ``owner``) adds a score table per key.  ``progress`` is called now and then while reading.  ``format`` and
    ``encoding`` are given to :func:`~cx_rules.io.read_path` for every file (the format
    otherwise comes from each file's extension).  The path ``-`` is standard input, read
    once into a temporary file (it needs ``format``); errors call it ``<stdin>``.

    ``jobs`` shares the cases of log files out among that many processes, forked from this
    one, each reading the log once and holding its share's events (memory grows with the
    log, unlike one process's streaming read).  The report is the same whatever ``jobs`` is.
    A source that is not files, and a platform that cannot fork, are audited in this process,
    with a :class:`OneProcess` warning; with more than one process, ``progress`` counts the
    cases of this process's share.

    ``importer`` (a :class:`~cx_rules.importers.Importer`) reads the paths of ``source`` as
    one export of its system instead of as event logs (``mapping`` does not apply).  Every
    check of a rule whose :attr:`~cx_rules.Rule.evidence` the importer's coverage cannot hold
    is then unknown, "not recorded by this source (SYSTEM): ...", and the report's
    :attr:`~cx_rules.report.Report.source` names those rules, the partial cases and the
    import's warnings.

    ``coverage`` judges an event log by what its source records: a log that ``cx-rules
    import`` wrote from a system's export is audited with that importer's
    :attr:`~cx_rules.importers.Importer.coverage`, so its rules are unknown where the system
    records nothing, as with ``importer``.  (The import's partial cases are not in the log:
    audit the export itself, with ``importer``, to have them.)

    Raises :class:`~cx_rules.io.records.LogError` for a file that cannot be read as a log,
    :class:`SourceChanged` when a file changes between the two passes, and
    :class:`~cx_rules.PolicyError` for a bad policy or mapping.  With several processes the
    error raised is the one a single process would have met first.
    """
    engine = engine_of(engine, policy, "audit")
    if engine.strict:
        raise ValueError("an audit needs an engine built with strict=False (it reports CX001)")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs: expected a whole number of processes, at least 1, got {jobs!r}")
    policy = engine.policy
    as_of = parse_timestamp(as_of, where="as_of") if as_of is not None else None
    Collector(engine, group_by=group_by)  # refuses a bad group_by before any work
    with contextlib.ExitStack() as stack:
        stack.enter_context(_collector_paused())
        log = _open(source, policy, mapping, format, encoding, stack)
        if importer is not None:
            if mapping is not None:
                raise ValueError("audit(importer=...) reads an export: a mapping does not apply")
            if not log.files:
                raise ValueError("audit(importer=...) reads files: give a path or a list of paths")
            log.use(importer, uncovered_rules(engine.rules.values(), importer.coverage))
            log.bridge_through(engine.model, importer.coverage)
        elif coverage is not None:
            log.uncovered = uncovered_rules(engine.rules.values(), coverage)
            log.source = coverage.system
            log.bridge_through(engine.model, coverage)
        elif log.wide is not None:
            # A wide table records only what its columns say: a rule resting on anything
            # else is unknown, never violated for an absence the table cannot show.
            wide = log.wide.coverage()
            log.uncovered = uncovered_rules(engine.rules.values(), wide)
            log.bridge_through(engine.model, wide)
        forks = "fork" in multiprocessing.get_all_start_methods()
        if jobs > 1 and log.files and forks:
            cut, partials = _in_processes(log, engine, as_of, strict, group_by, progress, jobs)
        else:
            if jobs > 1:
                why = (
                    "it is not files (only files are shared out)"
                    if not log.files
                    else "this platform cannot fork processes"
                )
                what = ", ".join(log.files) or "the input"
                warnings.warn(
                    f"--jobs {jobs}: reading {what} in one process because {why}",
                    OneProcess,
                    stacklevel=2,
                )
            share = _Share(log, engine, as_of, strict, group_by, None, progress)
            latest = share.plan()
            cut = as_of if as_of is not None else latest
            partials = [_as_partial(log, share.check(cut), cut, group_by, first=True)]
        return _report(log, engine, group_by, cut, partials)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector frozen and off during the audit: its full collections
    would walk every finding and tally the audit holds, again and again, and land inside
    rule calls (which the rule budget would then blame).  What start-up made is frozen out of
    every collection, the young generation is collected every few thousand cases, and the
    collector is restored however the audit ends."""
    global _collecting
    enabled = gc.isenabled()
    was = _collecting
    _collecting = enabled
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        _collecting = was
        gc.unfreeze()
        if enabled:
            gc.enable()


# -- reading ---------------------------------------------------------------------------------


class _Log:
    """The source as something that can be read twice, record by record."""

    def __init__(
        self,
        files: Sequence[str],
        records: list[Record] | None,
        mapping: LogMapping | None,
        policy: Policy,
        format: str | None = None,
        encoding: str | None = None,
        paths: Mapping[str, str] | None = None,
    ) -> None:
        self.files = tuple(files)
        self._format = format
        self._encoding = encoding
        # Where a file named in files is read from, when not there (standard input's copy).
        self._paths = dict(paths or {})
        self._records = records
        self._mapping = mapping
        self._zone = policy.default_zone()
        #: Source events the readers skipped on the last full pass, by reason.
        self.skipped: Counter[str] = Counter()
        #: The file being read: input errors found while checking a case name it.
        self.name = self.files[0] if self.files else _ITERABLE
        self.importer: Importer | None = None
        #: The system a log was imported from, when the caller says so (``coverage=``).
        self.source: str | None = None
        #: The activities the source never records, which a case may cross unseen.
        self.unrecorded: frozenset[str] = frozenset()
        self.bridge_note = ""
        #: What the source declares it records (an importer's, a wide table's), if known.
        self.coverage: Coverage | None = None
        #: The rules the importer's source cannot give evidence for, with the reason.
        self.uncovered: dict[str, str] = {}
        #: The import's warnings and partial cases on the last full pass.
        self.warnings: tuple[InputWarning, ...] = ()
        self.partial: dict[str, str] = {}
        # The records of one read, held (see hold): the records, where each file's begin,
        # and what the readers skipped.
        self._held: tuple[list[Record], list[tuple[int, str]], Counter[str]] | None = None
        self.stopped_at = 0

    def bridge_through(self, model: ProcessModel, coverage: Coverage) -> None:
        """Let cases cross the steps ``coverage`` never records (see :func:`_bridged`)."""
        self.unrecorded = model.activities - coverage.activities
        self.coverage = coverage
        self.bridge_note = f"not recorded by this source ({coverage.system})"

    @property
    def wide(self) -> Wide | None:
        """The ``[wide]`` table the files are read through, if any."""
        return self._mapping.wide if self._mapping is not None and self.files else None

    @property
    def system(self) -> str | None:
        """The source a report names: the importer's system, or a wide table."""
        if self.importer is not None:
            return self.importer.name
        if self.source is not None:
            return self.source
        return WIDE_SYSTEM if self.wide is not None else None

    def use(self, importer: Importer, uncovered: dict[str, str]) -> None:
        """Read the files through ``importer``, as one export of its system."""
        self.importer = importer
        self.uncovered = uncovered

    def read(self, part: Part | None = None, *, outline: bool = False) -> Iterator[Record]:
        """Every record, in order; with ``part``, those of other shares as :data:`FOREIGN`;
        with ``outline``, events may come as their :class:`~cx_rules.io.stream.Outline`."""
        if self._records is not None:
            yield from self._records
            return
        if self._held is not None:
            yield from self._read_held()
            return
        self.skipped = Counter()
        if self.importer is not None:
            yield from self._imported(part)
            return
        partial: dict[str, str] = {}  # a wide row's refused date cells (read through)
        for name in self.files:
            self.name = name
            shared, outlined = PARTITION.set(part), OUTLINES.set(outline)
            try:
                stream = self._stream(name)
            finally:
                OUTLINES.reset(outlined)
                PARTITION.reset(shared)
            try:
                if part is None or stream.partitioned:
                    yield from stream
                else:
                    # A reader that cannot tell shares apart: decide once a record is built.
                    for position, record in enumerate(stream):
                        if isinstance(record, InputError):
                            owned = part.owns_position(position)
                        else:
                            owned = part.owns_case(record.case_id)
                        yield record if owned else FOREIGN
            finally:
                stream.close()
            self.skipped.update(stream.skipped)
            partial = {**stream.partial, **partial}
        self.partial = dict(sorted(partial.items()))

    def hold(self, part: Part | None, progress: Progress | None = None) -> None:
        """Read every record once, those of other shares as :data:`FOREIGN`, and hold them,
        so that the passes after this one read memory, not the files."""
        records: list[Record] = []
        begins: list[tuple[int, str]] = []
        name = None
        try:
            for record in self.read(part):
                if progress is not None and not len(records) % _PROGRESS_EVERY:
                    progress("reading", len(records), 0)
                if self.name != name:
                    name = self.name
                    begins.append((len(records), name))
                records.append(record)
        except BaseException:
            #: Where in the stream the read stopped when it raised.
            self.stopped_at = len(records)
            raise
        self._held = (records, begins, Counter(self.skipped))

    @property
    def held(self) -> Sequence[Record]:
        """The records :meth:`hold` holds (none before it is called)."""
        return self._held[0] if self._held is not None else ()

    def _read_held(self) -> Iterator[Record]:
        assert self._held is not None
        records, begins, skipped = self._held
        self.skipped = Counter(skipped)
        for (start, name), (end, _) in zip(begins, [*begins[1:], (len(records), "")], strict=True):
            self.name = name
            yield from records[start:end]

    def _imported(self, part: Part | None) -> Iterator[Record]:
        assert self.importer is not None
        stream = self.importer.read(self.files)
        try:
            # An importer joins records across files: it decides nothing about shares.
            for position, record in enumerate(stream):
                if part is None:
                    yield record
                elif isinstance(record, InputError):
                    yield record if part.owns_position(position) else FOREIGN
                else:
                    yield record if part.owns_case(record.case_id) else FOREIGN
        finally:
            stream.close()
        self.skipped.update(stream.skipped)
        self.warnings = stream.warnings
        self.partial = dict(stream.partial)

    def _stream(self, name: str) -> LogStream:
        return read_path(
            self._paths.get(name, name),
            mapping=self._mapping,
            default_tz=self._zone,
            format=self._format,
            encoding=self._encoding,
            name=name,
        )

    def place(
        self, errors: list[tuple[int, int, InputError]], unplaced: Sequence[tuple[int, Event]]
    ) -> None:
        """Give each input error ``errors[i]`` of an event left out, for each ``(i, event)``
        of ``unplaced``, the place of its event: its item number in an iterable source, else
        its line or element, found by reading its file once more.  An event not found (the
        file changed) leaves its error without a place."""
        if self.importer is not None:
            return  # an import's events are joined from several records: no one place
        if self._records is not None:
            waiting: dict[int, list[int]] = {}
            for i, event in reversed(unplaced):
                waiting.setdefault(id(event), []).append(i)
            for number, record in enumerate(self._records, start=1):
                indexes = waiting.get(id(record))
                if indexes:
                    _place(errors, indexes.pop(), number, None)
            return
        by_file: dict[str, list[tuple[int, Event]]] = {}
        for i, event in unplaced:
            by_file.setdefault(errors[i][2].file, []).append((i, event))
        for name, wanted in by_file.items():
            try:
                places = locate(
                    self._paths.get(name, name),
                    [e for _, e in wanted],
                    mapping=self._mapping,
                    default_tz=self._zone,
                    format=self._format,
                    encoding=self._encoding,
                    name=name,
                )
            except LogError:
                continue
            for (i, _), place in zip(wanted, places, strict=True):
                if place is not None:
                    _place(errors, i, place.line, place.element)


def _place(
    errors: list[tuple[int, int, InputError]], i: int, line: int | None, element: str | None
) -> None:
    position, order, error = errors[i]
    errors[i] = (position, order, attrs.evolve(error, line=line, element=element))


def _open(
    source: Source,
    policy: Policy,
    mapping: LogMapping | None,
    format: str | None = None,
    encoding: str | None = None,
    stack: contextlib.ExitStack[bool | None] | None = None,
) -> _Log:
    if isinstance(source, str | os.PathLike):
        source = [source]
    if (
        isinstance(source, Sequence)
        and source
        and all(isinstance(s, str | os.PathLike) for s in source)
    ):
        if mapping is None and policy.mapping:
            mapping = LogMapping.from_policy(policy)
        files = [os.fspath(p) for p in source]
        paths = {}
        if STDIN in files:
            if files.count(STDIN) > 1:
                raise LogError("standard input (-) can be read only once; name it once")
            if format is None:
                raise LogError(
                    f"{STDIN_NAME}: standard input has no extension to tell its format; name it "
                    "with --format-in (format= in Python)"
                )
            assert stack is not None
            paths[STDIN_NAME] = str(copy_stdin(stack))
            files[files.index(STDIN)] = STDIN_NAME
        return _Log(files, None, mapping, policy, format, encoding, paths)
    if is_dataframe(source):
        # What a pandas or pm4py user tries first: the frame itself, read as the policy says.
        source = read_dataframe(source, mapping=mapping, policy=policy)
        mapping = None
    zone = policy.default_zone()
    records: list[Record] = []
    skipped: Counter[str] = Counter()
    for number, item in enumerate(source, start=1):
        if isinstance(item, Event | InputError):
            if mapping is not None:
                raise ValueError(
                    f"audit: mapping= cannot rename events already read (item {number} is "
                    f"an {type(item).__name__}): give the mapping to the reader "
                    "(read_dataframe(df, mapping=m), read_path(path, mapping=m)), or pass "
                    "the DataFrame or the file itself to audit()"
                )
            records.append(item)
        elif isinstance(item, Mapping):
            try:
                if mapping is None:
                    records.append(event_from_dict(item, default_tz=zone))
                else:
                    built = build_event(item, mapping, zone)
                    if isinstance(built, Skip):
                        skipped[built.reason] += 1
                    else:
                        records.append(built)
            except InvalidEvent as exc:
                records.append(InputError(_ITERABLE, number, str(exc)))
        else:
            raise TypeError(
                f"audit source item {number}: expected an Event, an InputError or a dict, "
                f"got {type(item).__name__}"
            )
    log = _Log((), records, None, policy)
    if isinstance(source, LogStream):
        skipped.update(source.skipped)
    log.skipped = skipped
    return log


# -- the two passes --------------------------------------------------------------------------


@attrs.frozen
class _Partial:
    """What one share of an audit found, ready to be merged with the other shares'.

    ``errors`` holds the share's first input errors with their place in the stream (the
    record's position, then their order there), so that merged errors come in the order one
    process would have met them.  ``collected`` is the share's :meth:`Collector.partial`.
    """

    lines: int
    events: int
    cases: int
    rejected: int
    after: int
    unmapped: Counter[str]
    skipped: Counter[str]
    errors: list[tuple[int, int, InputError]]
    collected: object
    #: The calls of each rule over the engine's time budget during this share's check.
    overruns: Counter[str]
    #: An import's partial cases (id and reason) and warnings; every share reads them all.
    partial: tuple[tuple[str, str], ...] = ()
    warnings: tuple[Any, ...] = ()
    #: Of ``events``, the retries: an event again, same ``event_id`` and content.
    duplicates: int = 0


class _Share:
    """Both passes over the log for one share of the cases (``part``; every case when it is
    ``None``).  When a pass raises, :attr:`position` says where in the stream it stopped."""

    def __init__(
        self,
        log: _Log,
        engine: Engine,
        as_of: datetime | None,
        strict: bool,
        group_by: str | Sequence[str] | None,
        part: Part | None,
        progress: Progress | None,
    ) -> None:
        self.log = log
        self.engine = engine
        self.as_of = as_of
        self.strict = strict
        self.part = part
        self.progress = progress
        self.collector = Collector(engine, group_by=group_by)
        self.last: dict[str, int] = {}
        self.position = -1
        #: Retried events met by :meth:`check` (counted once among the findings).
        self.duplicates = 0

    def plan(self) -> datetime | None:
        """The first pass: the position of each case's last event, noted; returns the latest
        timestamp of the share's events (``None`` when it has none)."""
        known = self.engine.model.activities
        as_of = self.as_of
        strict = self.strict
        progress = self.progress
        last = self.last
        latest: datetime | None = None
        index = -1
        self.position = -1
        try:
            # Events come as outlines: checked in full, not built (only three fields count).
            for index, record in enumerate(self.log.read(self.part, outline=True)):
                if progress is not None and index % _PROGRESS_EVERY == 0:
                    progress("reading", index, 0)
                if record is FOREIGN:
                    continue
                if isinstance(record, InputError):
                    if strict:
                        self.position = index
                        raise InvalidEvent(str(record))
                    continue
                moment = record.timestamp
                if record.activity not in known or (as_of is not None and moment > as_of):
                    continue
                last[record.case_id] = index
                if latest is None or moment > latest:
                    latest = moment
        except BaseException:
            if self.position < 0:  # raised while reading the next record
                self.position = index + 1
            raise
        if progress is not None:
            progress("reading", index + 1, 0)
        return latest

    def where(self) -> int:
        """Where in the stream the last pass stopped (:attr:`position`)."""
        return self.position

    def hold_and_plan(self) -> datetime | None:
        """Read the share's records once and hold them (:meth:`_Log.hold`), then
        :meth:`plan` over them."""
        self.position = -1
        progress = self.progress
        try:
            self.log.hold(self.part, progress)
        except BaseException:
            self.position = self.log.stopped_at
            raise
        self.progress = None  # the reading was told as it happened
        try:
            latest = self.plan()
        finally:
            self.progress = progress
        if progress is not None:
            progress("reading", len(self.log.held), 0)
        return latest

    def check(self, cut: datetime | None) -> _Partial:
        """The second pass, to the cut-off ``cut`` (``as_of``, else the latest timestamp of
        every share)."""
        log = self.log
        known = self.engine.model.activities
        overran = self.engine._overruns_now()
        last = self.last
        as_of = self.as_of
        progress = self.progress
        held: dict[str, list[Event]] = {}
        # Where each held event came from, when there are files to tell apart.
        names: dict[str, list[str]] | None = {} if len(log.files) > 1 else None
        errors: list[tuple[int, int, InputError]] = []
        # The errors of events left out, by their index in errors: placed once read through.
        unplaced: list[tuple[int, Event]] = []
        unmapped: Counter[str] = Counter()
        events = rejected = after = cases = 0
        index = -1
        self.position = -1
        try:
            for index, record in enumerate(log.read(self.part)):
                if progress is not None and index % _PROGRESS_EVERY == 0:
                    progress("checking", index, cases)
                if record is FOREIGN:
                    continue
                if isinstance(record, InputError):
                    rejected += 1
                    if len(errors) < MAX_ERRORS:
                        errors.append((index, 0, record))
                    continue
                activity = record.activity
                if activity not in known:
                    unmapped[activity] += 1
                    continue
                if as_of is not None and record.timestamp > as_of:
                    after += 1
                    continue
                events += 1
                case_id = record.case_id
                end = last.get(case_id)
                if end is None or index > end:
                    self.position = index
                    raise SourceChanged(_changed(log))
                if names is not None:
                    names.setdefault(case_id, []).append(log.name)
                if index != end:
                    pending = held.get(case_id)
                    if pending is None:
                        held[case_id] = [record]
                    else:
                        pending.append(record)
                    continue
                del last[case_id]  # frees its int; a later event of the case means a change
                pending = held.pop(case_id, None)
                if pending is None:
                    pending = [record]
                else:
                    pending.append(record)
                assert cut is not None  # a case exists, so the first pass saw an event
                origins = names.pop(case_id) if names is not None else None
                conflicts = self._finish(case_id, pending, origins, cut)
                cases += 1
                if not cases % _COLLECT_EVERY and _collecting:
                    gc.collect(0)  # a plugin's cycles, among what the last cases made
                if conflicts:
                    events -= len(conflicts)
                    rejected += len(conflicts)
                    for order, (conflict, left_out) in enumerate(conflicts, start=1):
                        if len(errors) < MAX_ERRORS:
                            unplaced.append((len(errors), left_out))
                            errors.append((index, order, conflict))
        except BaseException:
            if self.position < 0:  # raised while reading the next record
                self.position = index + 1
            raise
        lines = index + 1
        if held or last:
            self.position = lines
            raise SourceChanged(_changed(log))
        # Emptied case by case, but a dict keeps its size: let the report have the room.
        self.last = last = {}
        if unplaced:
            log.place(errors, unplaced)
        if progress is not None:
            progress("checking", lines, cases)
        return _Partial(
            lines,
            events,
            cases,
            rejected,
            after,
            unmapped,
            log.skipped,
            errors,
            self.collector.partial(),
            self.engine._overruns_now() - overran,
            partial=tuple(sorted(log.partial.items())),
            warnings=log.warnings,
            duplicates=self.duplicates,
        )

    def _finish(
        self, case_id: str, events: list[Event], origins: list[str] | None, cut: datetime
    ) -> list[tuple[InputError, Event]]:
        """Replay one case in time order, finish it at ``cut`` and count its findings.

        Returns the events left out because their ``event_id`` names a different event of
        the same case, each with its input error (without a place: see :meth:`_Log.place`);
        the rest of the case is still judged.
        """
        engine = self.engine
        collector = self.collector
        uncovered = self.log.uncovered
        partial = self.log.partial.get(case_id)
        # In time order, ties in the model's order (ProcessModel.in_order); each event keeps
        # the file it came from.
        if origins is not None:
            order = sorted(range(len(events)), key=lambda i: events[i].timestamp)
            events = [events[i] for i in order]
            settled = engine.model._settle(events)
            if settled is not None:
                order = [order[i] for i in settled]
                events = [events[i] for i in settled]
            origins = [origins[i] for i in order]
        elif len(events) > 1:
            events = engine.model.in_order(events)
        if len(events) > 1:
            self.duplicates += _retries(events)
        if self.log.unrecorded:
            events, origins = _bridged(
                engine.model, events, origins, self.log.unrecorded, self.log.bridge_note
            )
        if collector.counts_only and not uncovered and partial is None:
            # The same checks as below, with passes and pending checks counted, not built.
            try:
                case, findings, tallied = engine._audit_case(events, cut)
            except EventConflict:
                pass
            else:
                collector.add_case(case, events, findings, tallied)
                return []
        conflicts: list[tuple[InputError, Event]] = []
        try:
            case, found = engine.replay(events)
            findings = list(found)
        except EventConflict:
            sources = origins if origins is not None else [self.log.name] * len(events)
            held = zip(events, sources, strict=True)
            case, findings, conflicts, events = _replay_each(engine, case_id, held)
        case, tail = engine.finish(case, cut)
        findings.extend(tail)
        if uncovered:
            findings = [_not_recorded(f, uncovered) for f in findings]
        if partial is not None:
            findings = [_partial(f, partial) for f in findings]
        collector.add_case(case, events, findings)
        return conflicts


def _bridged(
    model: ProcessModel,
    events: list[Event],
    origins: list[str] | None,
    unrecorded: frozenset[str],
    note: str,
) -> tuple[list[Event], list[str] | None]:
    """A case's events with the steps its source never records put in where the process
    model needs them: an event the case's state does not allow, but would once a run of such
    steps had happened (:meth:`ProcessModel.bridge`), gets that run before it, at its moment,
    each step marked ``inferred`` with ``note``.  A source that shows no interviews cannot
    show that a hire skipped one: the hire is not an illegal transition.  Events the model
    refuses for any other reason are left as they are (CX001 judges them)."""
    state = model.initial
    out: list[Event] = []
    placed: list[str] | None = [] if origins is not None else None
    for index, event in enumerate(events):
        target = model.next_state(state, event.activity)
        if target is None:
            steps = model.bridge(state, event.activity, unrecorded)
            for step in steps or ():
                out.append(
                    Event(event.case_id, step, event.timestamp, attributes={"inferred": note})
                )
                if placed is not None and origins is not None:
                    placed.append(origins[index])
                state = model.next_state(state, step) or state
            target = model.next_state(state, event.activity)
        out.append(event)
        if placed is not None and origins is not None:
            placed.append(origins[index])
        if target is not None:
            state = target
    if len(out) == len(events):
        return events, origins
    return out, placed


def _not_recorded(finding: Finding, uncovered: Mapping[str, str]) -> Finding:
    """``finding`` as unknown when its rule's evidence is not recorded by the source."""
    reason = uncovered.get(finding.code)
    if reason is None or finding.outcome in (Outcome.UNKNOWN, Outcome.WAIVED):
        if reason is not None and finding.outcome is Outcome.UNKNOWN:
            return attrs.evolve(finding, message=f"{reason} ({finding.message})")
        return finding
    return attrs.evolve(finding, outcome=Outcome.UNKNOWN, message=reason, due=None, late=None)


def _partial(finding: Finding, reason: str) -> Finding:
    """A violation of a case whose trace is partial, as unknown: what is missing may be
    what would have passed."""
    if finding.outcome is not Outcome.VIOLATED:
        return finding
    return attrs.evolve(
        finding,
        outcome=Outcome.UNKNOWN,
        message=f"partial trace ({reason}): {finding.message}",
    )


def _changed(log: _Log) -> str:
    return (
        f"{', '.join(log.files) or 'the input'} changed between the audit's two passes; "
        "audit a file that is no longer being written"
    )


def _report(
    log: _Log,
    engine: Engine,
    group_by: str | Sequence[str] | None,
    cut: datetime | None,
    partials: Sequence[Partial],
) -> Report:
    """The report of every share's partial, as one process would have made it."""
    for partial in partials[1:]:
        # The first share ran on this process's engine, which counted its own overruns.
        engine._overran(partial.overruns)
    return Partial.merge_all(partials).finish(engine)


def _as_partial(
    log: _Log,
    found: _Partial,
    cut: datetime | None,
    group_by: str | Sequence[str] | None,
    *,
    first: bool,
) -> Partial:
    """What one share found, as a :class:`~cx_rules.partials.Partial`.  Every share reads
    every record: only the ``first`` counts the lines, the skipped source events and an
    import's partial cases and warnings, which belong to no one case."""
    collected = found.collected
    assert isinstance(collected, _Collected)
    return Partial(
        as_of=cut,
        group_by=group_by,
        files=log.files,
        lines=found.lines if first else 0,
        events=found.events,
        cases=found.cases,
        rejected=found.rejected,
        after_as_of=found.after,
        duplicates=found.duplicates,
        unmapped=found.unmapped,
        skipped=found.skipped if first else None,
        errors=tuple((("", index, order), error) for index, order, error in found.errors),
        rules=collected.rules,
        groups=collected.groups,
        case_scores=collected.cases,
        findings=collected.findings,
        severity=collected.severity,
        overruns=found.overruns,
        system=log.system,
        not_recorded=log.uncovered if log.system is not None else {},
        partial_cases=dict(found.partial) if first else {},
        warnings=found.warnings if first else (),
        measures=collected.measures,
        declared=log.coverage,
    )


# -- several processes -----------------------------------------------------------------------


def _in_processes(
    log: _Log,
    engine: Engine,
    as_of: datetime | None,
    strict: bool,
    group_by: str | Sequence[str] | None,
    progress: Progress | None,
    jobs: int,
) -> tuple[datetime | None, list[Partial]]:
    """The audit in ``jobs`` shares: this process checks the first, forked children the
    others.  Each share reads the log once, building only its own records and holding them
    (:meth:`_Log.hold`); the shares agree on the cut-off, check their cases, and send back a
    :class:`~cx_rules.partials.Partial` as bytes.  Returns the cut-off and every share's
    partial, first share first.  Parquet files are read once instead, as columns, and cut
    into ranges of whole cases (:mod:`cx_rules._columnar_jobs`)."""
    from . import _columnar_jobs

    ranged = _columnar_jobs.plan(log, engine.policy, jobs, strict)
    if ranged is not None:
        return _columnar_jobs.audit_ranges(ranged, engine, as_of, group_by, log.coverage, progress)
    with Children() as children:
        for index in range(1, jobs):
            children.start(
                _child,
                (log, engine, as_of, strict, group_by, Part(index, jobs)),
                f"cx-rules audit share {index + 1} of {jobs}",
            )
        share = _Share(log, engine, as_of, strict, group_by, Part(0, jobs), progress)
        planned = [attempt(share.hold_and_plan, share.where), *children.receive()]
        raise_first(planned)
        latests = [latest for _, latest in planned if latest is not None]
        cut = as_of if as_of is not None else (max(latests) if latests else None)
        children.send(cut)
        mine_checked = attempt(lambda: share.check(cut), share.where)
        checked = [mine_checked, *children.receive()]
        raise_first(checked)
        partials = [_as_partial(log, mine_checked[1], cut, group_by, first=True)]
        partials.extend(Partial.from_bytes(data) for _, data in checked[1:])
        return cut, partials


def _child(
    link: Connection,
    log: _Log,
    engine: Engine,
    as_of: datetime | None,
    strict: bool,
    group_by: str | Sequence[str] | None,
    part: Part,
) -> None:
    """A forked child: one share, read once, its partial sent to the parent as bytes."""
    share = _Share(log, engine, as_of, strict, group_by, part, None)

    def check(cut: datetime | None) -> _Passed:
        def run() -> bytes:
            return _as_partial(log, share.check(cut), cut, group_by, first=False).to_bytes()

        return attempt(run, share.where)

    serve(link, lambda: attempt(share.hold_and_plan, share.where), check)


def _retries(events: Sequence[Event]) -> int:
    """How many of one case's events repeat an earlier one exactly (same ``event_id`` and
    content): a retry, which the engine records once."""
    first: dict[str, Event] = {}
    count = 0
    for event in events:
        event_id = event.event_id
        if event_id is not None:
            seen = first.setdefault(event_id, event)
            if seen is not event and seen == event:
                count += 1
    return count


def _replay_each(
    engine: Engine, case_id: str, held: Iterable[tuple[Event, str]]
) -> tuple[Case, list[Finding], list[tuple[InputError, Event]], list[Event]]:
    case = engine.start(case_id)
    findings: list[Finding] = []
    conflicts: list[tuple[InputError, Event]] = []
    kept: list[Event] = []
    for event, name in held:
        try:
            case, found = engine.replay((event,), case)
        except EventConflict:
            # The engine's message names the event id; ids stay out of error messages so
            # that --redact can rewrite every one of them.
            conflicts.append(
                (
                    InputError(
                        name,
                        None,
                        f"case {case_id!r}: {event.describe()} reuses the event_id of a "
                        "different event of the case; it is left out",
                    ),
                    event,
                )
            )
            continue
        findings.extend(found)
        kept.append(event)
    return case, findings, conflicts, kept
