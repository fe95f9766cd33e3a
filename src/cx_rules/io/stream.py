"""The stream a reader returns: its records, and a tally of the source events it skipped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import attrs

from .records import InputError, Record

__all__ = [
    "FOREIGN",
    "OUTLINES",
    "PARTITION",
    "PLACES",
    "LogStream",
    "Outline",
    "Part",
    "PartialCase",
    "Place",
    "Skip",
]


@attrs.frozen
class Part:
    """One share of an audit split across processes (``audit --jobs``): share ``index`` of
    ``count``.

    A record belongs to exactly one share: an event (or a record whose case id can be read
    before it is checked) to the share its case id hashes to, so that a case is checked whole
    in one process; any other record to the share its position in the stream falls to.  The
    hash is Python's own, which is the same in every process forked from one parent.
    """

    index: int
    count: int

    def owns_case(self, case_id: str) -> bool:
        """Whether the events of case ``case_id`` belong to this share."""
        return hash(case_id) % self.count == self.index

    def owns_position(self, position: int) -> bool:
        """Whether the record at ``position`` (0-based, records only) belongs to this share
        when it names no case."""
        return position % self.count == self.index

    def owns_raw(self, case_id: Any, position: int) -> bool:
        """Whether a record belongs to this share, given the case id as the source wrote it
        (before any check): the case's share when it is a string or a whole number (the
        event's case id would be its text), else the position's (the record can only be an
        input error)."""
        if type(case_id) is str:
            return hash(case_id) % self.count == self.index
        if type(case_id) is int:
            return hash(str(case_id)) % self.count == self.index
        return position % self.count == self.index


#: The share of an audit the readers created now work for, or ``None`` for the whole log.
#: A reader that honours it yields :data:`FOREIGN` for each record of another share, unbuilt,
#: and says so with :attr:`LogStream.partitioned`.
PARTITION: Final[ContextVar[Part | None]] = ContextVar("cx_rules_partition", default=None)

#: What a reader working for one share yields in place of a record of another share, so
#: that positions in the stream stay the same in every process.
FOREIGN: Final[Record] = InputError("", None, "a record of another share of the audit")


class Outline(NamedTuple):
    """What the first pass of an audit needs of an event: a record checked in full, as the
    reader would check it, but not built."""

    case_id: str
    activity: str
    timestamp: datetime


#: Whether the readers created now may yield an :class:`Outline` in place of each event they
#: check in full (the first pass of an audit); a reader that does not know outlines yields
#: events, which have the same three fields.
OUTLINES: Final[ContextVar[bool]] = ContextVar("cx_rules_outlines", default=False)


@attrs.frozen
class Skip:
    """A reader's note that it passed over one source event on purpose, and why.

    Readers yield these internally; :class:`LogStream` counts them and never passes them on.
    """

    reason: str


class Place(NamedTuple):
    """Where a record is in its file, as an :class:`~cx_rules.io.records.InputError` there
    would say: the 1-based ``line``, the ``element``, or both (``None`` when not told)."""

    line: int | None
    element: str | None


#: Whether the readers created now tell where each record is: a reader that honours it
#: yields a :class:`Place` before each record, which :class:`LogStream` keeps as
#: :attr:`LogStream.place` and never passes on.  Off but to find a record again (an audit
#: naming the line of an event it left out): it costs a little per record.
PLACES: Final[ContextVar[bool]] = ContextVar("cx_rules_places", default=False)


@attrs.frozen
class PartialCase:
    """A reader's note that the trace of case ``case_id`` is partial (a wide row's date cell
    that could not be read: the step it records is missing), and why.

    Readers yield these internally; :class:`LogStream` keeps them as
    :attr:`LogStream.partial` and never passes them on.
    """

    case_id: str
    reason: str


# What a reader yields besides records, and LogStream keeps to itself.
_NOT_RECORDS: Final = (Skip, Place, PartialCase)


class LogStream(Iterator[Record]):
    """An iterator of records (events and input errors) that also counts what it skipped.

    Every record of the file is yielded as an :class:`~cx_rules.Event` or an
    :class:`~cx_rules.io.records.InputError`.  Source events that are not records by design
    (an XES event whose lifecycle transition is not ``complete``, an OCEL event related to no
    object of the case type) are not yielded; :attr:`skipped` counts them by reason, so
    ``source events == records + sum(skipped.values())`` (for OCEL, records are counted per
    related case object).  The counts are final once the stream is exhausted.
    """

    #: Whether the reader honoured :data:`PARTITION`: records of other shares come as
    #: :data:`FOREIGN` (a reader that does not decides nothing; every record comes whole).
    partitioned = False

    def __init__(self, items: Iterator[Record | Skip | Place | PartialCase], file: str) -> None:
        self._items = items
        self._skipped: Counter[str] = Counter()
        self._partial: dict[str, str] = {}
        #: What errors call the file.
        self.file = file
        #: Where the record last yielded is, when the reader was created under
        #: :data:`PLACES` (else no place).
        self.place = Place(None, None)

    def __iter__(self) -> LogStream:
        return self

    def __next__(self) -> Record:
        for item in self._items:
            if isinstance(item, _NOT_RECORDS):  # one check for the usual record
                if isinstance(item, Skip):
                    self._skipped[item.reason] += 1
                elif isinstance(item, PartialCase):
                    self._partial.setdefault(item.case_id, item.reason)
                else:
                    self.place = item
                continue
            return item
        raise StopIteration

    @property
    def skipped(self) -> Mapping[str, int]:
        """Source events passed over so far, by reason (a read-only snapshot)."""
        return MappingProxyType(dict(sorted(self._skipped.items())))

    @property
    def partial(self) -> Mapping[str, str]:
        """The cases whose trace the reader found partial so far, each with the reason,
        sorted by id (a read-only snapshot)."""
        return MappingProxyType(dict(sorted(self._partial.items())))

    def close(self) -> None:
        """Stop reading and release the file now rather than when the stream is collected."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()
