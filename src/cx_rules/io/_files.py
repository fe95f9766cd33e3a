"""Opening log files, compressed or not, with errors that name the file and the place."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Final, Protocol, cast

from .records import LogError

__all__ = [
    "COMPRESSED",
    "MAX_DOCUMENT",
    "MAX_LINE",
    "Bounded",
    "Readable",
    "gzip_hint",
    "is_compressed",
    "open_binary",
    "open_text",
    "read_error",
]

#: The suffix of a compressed log: ``log.jsonl.gz`` is read as ``log.jsonl`` decompressed.
COMPRESSED: Final = ".gz"

#: The longest line of a JSONL or CSV log, and the longest XML tag of an XES log, that the
#: readers take, in characters (64 Mi).  A longer one stops the read with a
#: :class:`LogError`: without a limit, a small compressed file could hold a line larger than
#: memory.
MAX_LINE: Final = 64 * 2**20

#: The largest document read whole (an OCEL log), in characters (1 Gi).
MAX_DOCUMENT: Final = 2**30

# What a line is read up to: one character more than it may have, to tell when it has more.
_LINE_LIMIT: Final = MAX_LINE + 1

_GZIP_MAGIC: Final = b"\x1f\x8b"


class Readable(Protocol):
    """What a binary reader needs of a file: ``read(size)``."""

    def read(self, size: int = ..., /) -> bytes: ...


def is_compressed(path: Path) -> bool:
    """Whether ``path`` names a gzip-compressed log (its last suffix is ``.gz``)."""
    return path.suffix.lower() == COMPRESSED


@contextmanager
def open_text(path: Path, name: str) -> Iterator[IO[str]]:
    """``path`` opened as UTF-8 text with newlines kept as written, decompressed when its name
    ends in ``.gz``; a byte order mark is dropped.

    Raises :class:`LogError` naming ``name`` when the file cannot be opened, when it is not
    UTF-8 (naming the line and byte of the first bad byte), and when its compressed data is
    not gzip, is corrupt or ends early.
    """
    compressed = is_compressed(path)
    # Opened here and entered below, so that a failure to open is told apart from one to read.
    try:
        if compressed:
            handle: IO[str] = gzip.open(  # noqa: SIM115
                path, "rt", encoding="utf-8-sig", newline=""
            )
        else:
            handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise LogError(f"{name}: cannot read the log: {exc.strerror}") from None
    with handle:
        try:
            yield cast("IO[str]", Bounded(handle, name))
        except UnicodeDecodeError as exc:
            raise LogError(_not_utf8(path, name, compressed, exc.reason)) from None
        except (OSError, EOFError, zlib.error) as exc:
            raise read_error(name, exc) from None


class Bounded:
    """A text file whose lines and whole reads stop at :data:`MAX_LINE` and
    :data:`MAX_DOCUMENT`: memory stays bounded whatever the file holds."""

    def __init__(self, inner: IO[str], name: str) -> None:
        self._inner = inner
        self._readline = inner.readline
        self._name = name
        self._lines = 0
        self.name = name
        #: The line iteration gave last (the CSV reader needs it after an error).
        self.last = ""

    def __iter__(self) -> Bounded:
        return self

    def __next__(self) -> str:
        # readline's work, inline: this runs for every line of every log.
        line = self._readline(_LINE_LIMIT)
        if not line:
            raise StopIteration
        self._lines += 1
        if len(line) > MAX_LINE:
            self._too_long()
        self.last = line
        return line

    def readline(self, size: int = -1) -> str:
        limit = _LINE_LIMIT if size < 0 else min(size, _LINE_LIMIT)
        line = self._readline(limit)
        if line:
            self._lines += 1
        if len(line) > MAX_LINE:
            self._too_long()
        return line

    def _too_long(self) -> None:
        raise LogError(
            f"{self._name}:{self._lines}: a line longer than {MAX_LINE // 2**20} Mi "
            "characters; expected one record per line (is this the right file?)"
        )

    def read(self, size: int = -1) -> str:
        limit = MAX_DOCUMENT + 1 if size < 0 else min(size, MAX_DOCUMENT + 1)
        text = self._inner.read(limit)
        if len(text) > MAX_DOCUMENT:
            raise LogError(
                f"{self._name}: larger than {MAX_DOCUMENT // 2**30} Gi characters; expected a "
                "log small enough to read whole (split it, or export JSONL)"
            )
        return text


@contextmanager
def open_binary(path: Path, name: str) -> Iterator[Readable]:
    """``path`` opened for reading bytes, decompressed when its name ends in ``.gz``.

    Raises :class:`LogError` naming ``name`` when the file cannot be opened or read, and
    when its compressed data is not gzip, is corrupt or ends early.
    """
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise LogError(f"{name}: cannot read the log: {exc.strerror}") from None
    with raw:
        if not is_compressed(path):
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as handle:
            try:
                yield handle
            except (OSError, EOFError, zlib.error) as exc:
                raise read_error(name, exc) from None


def read_error(name: str, exc: OSError | EOFError | zlib.error) -> LogError:
    """The :class:`LogError` for an error raised while reading ``name`` (plain or gzip)."""
    if isinstance(exc, gzip.BadGzipFile):
        # The message of BadGzipFile quotes the file's first bytes: say what it means instead.
        return LogError(f"{name}: not gzip-compressed data; expected a .gz file written by gzip")
    if isinstance(exc, EOFError):
        return LogError(
            f"{name}: the compressed data ends early (a truncated copy?); expected a complete "
            ".gz file"
        )
    if isinstance(exc, zlib.error):
        return LogError(f"{name}: the compressed data is corrupt; expected a .gz file")
    assert isinstance(exc, OSError)
    reason = exc.strerror or type(exc).__name__
    return LogError(f"{name}: cannot read the log: {reason}")


def _not_utf8(path: Path, name: str, compressed: bool, reason: str) -> str:
    """The message for a log that is not UTF-8, naming the first bad line and byte.

    The text decoder reports where in its current chunk it failed, not where in the file:
    the file is read again, line by line as bytes, to find the place (only on this error).
    """
    place = _first_bad_byte(path, compressed)
    hint = gzip_hint(path)
    if place is None:  # pragma: no cover - the decoder failed, so a bad byte exists
        return f"{name}: not UTF-8 text ({reason}); expected a UTF-8 encoded log{hint}"
    line, column = place
    return (
        f"{name}:{line}: not UTF-8 text (byte {column}: {reason}); "
        f"expected a UTF-8 encoded log{hint}"
    )


def _first_bad_byte(path: Path, compressed: bool) -> tuple[int, int] | None:
    """The 1-based line and byte of the first byte that is not UTF-8, or ``None``."""
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            number = 0
            # Lines are read with the reader's own limit: the bad byte lies within what the
            # decoder had read, so this pass reads no further, and holds one line at a time.
            while line := handle.readline(MAX_LINE + 1):
                number += 1
                if len(line) > MAX_LINE:
                    return None
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    # A character cut by the end of the line is the line's last bytes.
                    return number, exc.start + 1
    except (OSError, EOFError, zlib.error):
        return None
    return None


def gzip_hint(path: Path) -> str:
    """What to add to the message of a log that cannot be read when it is gzip-compressed
    (it starts with gzip's magic bytes) but not named ``.gz``: a hint to rename it; else
    nothing."""
    if is_compressed(path):
        return ""
    try:
        with path.open("rb") as handle:
            compressed = handle.read(2) == _GZIP_MAGIC
    except OSError:
        return ""
    return " (the file looks gzip-compressed: name it .gz)" if compressed else ""
