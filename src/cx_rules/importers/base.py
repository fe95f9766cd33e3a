"""The importer API: a system's own export in, canonical events and input errors out.

An importer is an object with a :attr:`~Importer.name` (``greenhouse``), a
:attr:`~Importer.coverage` and two ways in:

- :meth:`Importer.read` streams the records of whole export files (possibly one dump split
  across several files) as an :class:`ImportStream`, the
  :class:`~cx_rules.io.stream.LogStream` every reader returns, so an audit consumes it
  unchanged;
- :meth:`Importer.translate` translates one vendor record (one application with its feed,
  one webhook payload) into an :class:`ImportResult`.

Subclasses implement :meth:`Importer.items`: a generator of events, input errors, skips
(:class:`~cx_rules.io.stream.Skip`), places (:class:`~cx_rules.io.stream.Place`), warnings
(:class:`InputWarning`) and partial-trace notes (:class:`Partial`).  Every source record
gives events, one input error, or one skip, so the counts add up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias

import attrs

from ..coverage import Coverage
from ..events import Event
from ..exceptions import CxRulesError
from ..io.records import InputError, Record
from ..io.stream import LogStream, Place, Skip

__all__ = [
    "ImportItem",
    "ImportProblem",
    "ImportResult",
    "ImportStream",
    "Importer",
    "InputWarning",
    "Partial",
    "translated",
]


class ImportProblem(CxRulesError, ValueError):
    """One vendor record cannot be translated: raised inside an importer and turned into an
    :class:`~cx_rules.io.records.InputError` at the record's place.  The message names the
    field and what was expected, never message text."""


@attrs.frozen
class InputWarning:
    """Something an importer noticed about a record it still imported (or skipped on
    purpose): an activity text it does not recognise, a hire without its offer.

    Placed like an :class:`~cx_rules.io.records.InputError`: ``file``, 1-based ``line`` for
    line-oriented files, ``element`` for a place in a JSON document (``[3].emails[0]``).
    """

    file: str
    line: int | None
    message: str
    element: str | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
        if self.element is not None:
            place += f" ({self.element})"
        return f"{place}: {self.message}"


@attrs.frozen
class Partial:
    """A note that the trace of case ``case_id`` is partial (an anonymised candidate: stage
    data and e-mails removed), and why.  Not a record: :class:`ImportStream` keeps it."""

    case_id: str
    reason: str


#: What :meth:`Importer.items` yields.
ImportItem: TypeAlias = Event | InputError | Skip | Place | InputWarning | Partial


class ImportStream(LogStream):
    """The records of an import (events and input errors), as a reader's
    :class:`~cx_rules.io.stream.LogStream`, plus what only an import has: its
    :attr:`warnings` and its :attr:`partial` cases.  Both are final once the stream is
    exhausted."""

    def __init__(self, items: Iterator[ImportItem], file: str) -> None:
        super().__init__(self._sift(items), file)
        self._warnings: list[InputWarning] = []
        self._partial: dict[str, str] = {}

    def _sift(self, items: Iterator[ImportItem]) -> Iterator[Record | Skip | Place]:
        for item in items:
            if isinstance(item, InputWarning):
                self._warnings.append(item)
            elif isinstance(item, Partial):
                self._partial.setdefault(item.case_id, item.reason)
            else:
                yield item

    @property
    def warnings(self) -> tuple[InputWarning, ...]:
        """The warnings so far, in the order of the input."""
        return tuple(self._warnings)

    @property
    def partial(self) -> Mapping[str, str]:
        """The cases whose trace is partial so far, each with the reason, sorted by id."""
        return MappingProxyType(dict(sorted(self._partial.items())))


@attrs.frozen
class ImportResult:
    """Everything an import gave: the events, the input errors, the warnings, the source
    records skipped on purpose (by reason) and the partial cases (with their reason).

    ``source records == len(events) from them + len(errors) + sum(skipped.values())``, where a
    source record may give several events (an application: received, then rejected).
    """

    events: tuple[Event, ...] = ()
    errors: tuple[InputError, ...] = ()
    warnings: tuple[InputWarning, ...] = ()
    skipped: Mapping[str, int] = attrs.field(factory=dict)
    partial: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def of(cls, stream: ImportStream) -> ImportResult:
        """Read ``stream`` to its end."""
        events: list[Event] = []
        errors: list[InputError] = []
        try:
            for record in stream:
                if isinstance(record, InputError):
                    errors.append(record)
                else:
                    events.append(record)
        finally:
            stream.close()
        return cls(
            tuple(events),
            tuple(errors),
            stream.warnings,
            dict(stream.skipped),
            dict(stream.partial),
        )


class Importer:
    """Base class of importers, built in or from a plugin (hook ``cx_rules_importers``).

    Class attributes: ``name`` (lower-case, the ``SYSTEM`` of ``cx-rules import SYSTEM``),
    ``title`` (the system's name as people write it), ``summary`` (one sentence: which export
    it reads) and ``coverage`` (a :class:`~cx_rules.coverage.Coverage` whose ``system`` is
    ``name``).  Importers keep no state between calls: one instance may read many exports,
    from several threads.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str] = ""
    coverage: ClassVar[Coverage]

    def read(self, paths: Sequence[str | os.PathLike[str]]) -> ImportStream:
        """Stream the records of the export files ``paths``, read as one export.

        Raises :class:`~cx_rules.io.records.LogError` (when the stream is first read) for a
        file that cannot be read at all (missing, not JSON, a CSV without the columns it
        needs); every bad record is an input error instead, and the rest is still read.
        """
        names = [os.fspath(p) for p in paths]
        return ImportStream(self.items(names), names[0] if names else "<input>")

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        """The import of ``paths`` as events, input errors, skips, places, warnings and
        partial notes (see the module's documentation).  Subclasses implement it."""
        raise NotImplementedError(f"importer {type(self).__name__} does not read files")

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one vendor record, on its own; ``name`` is what errors call its
        source.  The default raises :class:`NotImplementedError`."""
        raise NotImplementedError(f"importer {type(self).__name__} does not translate records")

    def translate_records(
        self, records: Sequence[Mapping[str, Any]], *, name: str = "<records>"
    ) -> ImportResult:
        """Translate a few vendor records together, as one small export (an application and
        its activity feed; a webhook's payloads): records that refer to each other are
        joined.  Errors name ``name`` and each record's index (``[i]``).  The default
        translates each record on its own with :meth:`translate`; an importer that joins
        records across files overrides it."""
        results = [self.translate(r, name=f"{name}[{i}]") for i, r in enumerate(records)]
        skipped: dict[str, int] = {}
        partial: dict[str, str] = {}
        for result in results:
            for reason, count in result.skipped.items():
                skipped[reason] = skipped.get(reason, 0) + count
            for case_id, reason in result.partial.items():
                partial.setdefault(case_id, reason)
        return ImportResult(
            tuple(e for r in results for e in r.events),
            tuple(e for r in results for e in r.errors),
            tuple(w for r in results for w in r.warnings),
            dict(sorted(skipped.items())),
            dict(sorted(partial.items())),
        )

    def __repr__(self) -> str:
        return f"<importer {self.name}>"


#: A record's translation: its events, and perhaps warnings, partial notes or one skip.
Translation: TypeAlias = Sequence[Event | Skip | InputWarning | Partial]


def translated(
    path: str, place: Place, translate: Callable[[], Translation]
) -> Iterator[ImportItem]:
    """The items of one source record at ``place`` in file ``path``: its place, then what
    ``translate()`` returns, or the :class:`~cx_rules.io.records.InputError` of the
    :class:`ImportProblem` it raises.  A record that gives neither an event nor an error
    nor a skip gives a skip ("a record with nothing to import"), so that the counts add up.
    The loop of an importer's :meth:`Importer.items` is mostly this, once per record."""
    yield place
    try:
        items = list(translate())
    except ImportProblem as exc:
        yield InputError(path, place.line, str(exc), place.element)
        return
    if not any(isinstance(i, Event | Skip) for i in items):
        items.append(Skip("a record with nothing to import"))
    yield from items
