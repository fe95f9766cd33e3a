"""The stream a reader returns: its records, and a tally of the source events it skipped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from types import MappingProxyType

import attrs

from .records import Record

__all__ = ["LogStream", "Skip"]


@attrs.frozen
class Skip:
    """A reader's note that it passed over one source event on purpose, and why.

    Readers yield these internally; :class:`LogStream` counts them and never passes them on.
    """

    reason: str


class LogStream(Iterator[Record]):
    """An iterator of records (events and input errors) that also counts what it skipped.

    Every record of the file is yielded as an :class:`~cx_rules.Event` or an
    :class:`~cx_rules.io.records.InputError`.  Source events that are not records by design
    (an XES event whose lifecycle transition is not ``complete``, an OCEL event related to no
    object of the case type) are not yielded; :attr:`skipped` counts them by reason, so
    ``source events == records + sum(skipped.values())`` (for OCEL, records are counted per
    related case object).  The counts are final once the stream is exhausted.
    """

    def __init__(self, items: Iterator[Record | Skip], file: str) -> None:
        self._items = items
        self._skipped: Counter[str] = Counter()
        #: What errors call the file.
        self.file = file

    def __iter__(self) -> LogStream:
        return self

    def __next__(self) -> Record:
        for item in self._items:
            if isinstance(item, Skip):
                self._skipped[item.reason] += 1
                continue
            return item
        raise StopIteration

    @property
    def skipped(self) -> Mapping[str, int]:
        """Source events passed over so far, by reason (a read-only snapshot)."""
        return MappingProxyType(dict(sorted(self._skipped.items())))

    def close(self) -> None:
        """Stop reading and release the file now rather than when the stream is collected."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()
