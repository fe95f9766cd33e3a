"""A sorted sequence that holds a bounded number of its items in memory and the rest on disk.

A :class:`Spool` is how a report holds its listed findings and its case scores: items are
appended as the cases finish; every :data:`HELD` of them are sorted (stably, by the spool's
key) into a *run*, pickled and compressed in chunks of :data:`CHUNK` items into an anonymous
temporary file (:func:`tempfile.TemporaryFile`: it has no name, so nothing is left behind
even when the process is killed; it is closed when the spool is no longer used).  Iterating
merges the runs (:func:`heapq.merge`, stable: equal keys come in the order they were
appended), decoding one chunk of each run at a time, so memory holds about
``HELD + runs x CHUNK`` items whatever the length of the log.

A spool is a read-only :class:`~collections.abc.Sequence` once it is given away: it has a
length, iterates as often as asked, compares equal to a tuple of the same items, and pickles
as that tuple.  Spools of disjoint items :meth:`join` without copying their runs; a
:meth:`mapped` view applies a function to each item as it is read.
"""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, Any, Final, Generic, TypeVar, overload

__all__ = ["CHUNK", "HELD", "Lazy", "Spool", "in_case_order"]

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")

#: How many items a spool holds unsorted in memory before it writes them out as a run.
HELD: Final = 8192
#: How many items of a run are pickled and compressed together (and read back together).
CHUNK: Final = 128

# One chunk on disk: its offset and length in the spool's file.
_Chunk = tuple[int, int]


class _File:
    """The anonymous temporary file the runs of one or more spools are written to."""

    def __init__(self) -> None:
        # Closed by the finalizer below, when the last spool using the file is gone.
        self.handle: IO[bytes] = tempfile.TemporaryFile(prefix="cx-rules-")  # noqa: SIM115
        self.size = 0
        self._closed = weakref.finalize(self, self.handle.close)

    def write(self, data: bytes) -> _Chunk:
        os.pwrite(self.handle.fileno(), data, self.size)
        where = (self.size, len(data))
        self.size += len(data)
        return where

    def read(self, where: _Chunk) -> bytes:
        offset, length = where
        return os.pread(self.handle.fileno(), length, offset)


class _Items(Sequence[V], Generic[V]):
    """What a read-only sequence of items read afresh at each pass adds to its length and
    iteration: indexing, equality and hashing as the tuple of its items, and pickling as
    that tuple."""

    @overload
    def __getitem__(self, index: int) -> V: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[V, ...]: ...

    def __getitem__(self, index: int | slice) -> V | tuple[V, ...]:
        return _item(self, index)

    def __eq__(self, other: object) -> bool:
        return _equal(self, other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self),))


class Spool(_Items[T]):
    """Items in the order of ``key`` (stable), at most :data:`HELD` of them in memory.

    ``encode`` turns an item into plain data (tuples, strings, numbers: fast to pickle) and
    ``decode`` turns it back; both default to the item itself.  ``held`` bounds the items kept
    in memory before a run is written out (:data:`HELD`, read when the spool is made).
    """

    def __init__(
        self,
        key: Callable[[T], Any],
        *,
        encode: Callable[[T], Any] | None = None,
        decode: Callable[[Any], T] | None = None,
        held: int | None = None,
    ) -> None:
        self._key = key
        self._encode = encode
        self._decode = decode
        self._limit = HELD if held is None else held
        self._held: list[T] = []
        self._runs: list[tuple[_File, tuple[_Chunk, ...]]] = []
        self._file: _File | None = None
        self._length = 0

    # -- filling -----------------------------------------------------------------------------

    def append(self, item: T) -> None:
        """Add ``item`` (before the spool is given away)."""
        held = self._held
        held.append(item)
        self._length += 1
        if len(held) >= self._limit:
            self._flush()

    def extend(self, items: Iterable[T]) -> None:
        """Add every item of ``items``."""
        for item in items:
            self.append(item)

    def join(self, other: Spool[T]) -> None:
        """Add the items of ``other`` (of the same key), as if appended after this spool's:
        its runs are shared, not copied, and ``other`` must not be added to afterwards."""
        if other is self:
            raise ValueError("a spool cannot be joined to itself")
        if not other._runs:
            self.extend(other._held)
            return
        self._flush()
        other._flush()
        self._runs.extend(other._runs)
        self._length += other._length

    def _flush(self) -> None:
        held = self._held
        if not held:
            return
        held.sort(key=self._key)
        if self._file is None:
            self._file = _File()
        file = self._file
        encode = self._encode
        chunks = []
        for start in range(0, len(held), CHUNK):
            part = held[start : start + CHUNK]
            rows = part if encode is None else list(map(encode, part))
            chunks.append(file.write(zlib.compress(pickle.dumps(rows, protocol=5), 1)))
        self._runs.append((file, tuple(chunks)))
        self._held = []

    # -- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[T]:
        runs = [self._run(file, chunks) for file, chunks in self._runs]
        if self._held:
            runs.append(iter(sorted(self._held, key=self._key)))
        if not runs:
            return iter(())
        if len(runs) == 1:
            return runs[0]
        return heapq.merge(*runs, key=self._key)

    def _run(self, file: _File, chunks: tuple[_Chunk, ...]) -> Iterator[T]:
        decode = self._decode
        for where in chunks:
            rows = pickle.loads(zlib.decompress(file.read(where)))
            if decode is None:
                yield from rows
            else:
                yield from map(decode, rows)

    def mapped(self, function: Callable[[T], U]) -> Sequence[U]:
        """A view of this spool with ``function`` applied to each item as it is read."""
        return Lazy(len(self), lambda: map(function, self))

    def __repr__(self) -> str:
        return f"<Spool of {self._length} items, {len(self._runs)} runs on disk>"


class Lazy(_Items[U]):
    """A read-only sequence of ``length`` items that ``source()`` yields afresh each time it
    is iterated (a view of one or more spools: see :meth:`Spool.mapped`)."""

    def __init__(self, length: int, source: Callable[[], Iterator[U]]) -> None:
        self._length = length
        self._source = source

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[U]:
        return self._source()

    def __repr__(self) -> str:
        return f"<lazy sequence of {self._length} items>"


def in_case_order(items: Sequence[object]) -> bool:
    """Whether ``items`` are an audit's (a spool or a view of one), which come in case
    order: a renderer can then count per case as the case changes, instead of holding a set
    of every case.  A report made by hand may list its items in any order."""
    return isinstance(items, (Spool, Lazy))


def _item(items: Sequence[V], index: int | slice) -> V | tuple[V, ...]:
    if isinstance(index, slice):
        return tuple(items)[index]
    n = len(items)
    at = index + n if index < 0 else index
    if not 0 <= at < n:
        raise IndexError("spool index out of range")
    return next(islice(iter(items), at, None))


def _equal(items: Sequence[Any], other: object) -> bool:
    if other is items:
        return True
    if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
        return False
    return len(items) == len(other) and all(a == b for a, b in zip(items, other, strict=True))
