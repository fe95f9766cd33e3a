"""Opening log files, compressed or not, in their encoding, with errors that name the file
and the place."""

from __future__ import annotations

import codecs
import gzip
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Final, Protocol, cast

from .records import LogError

__all__ = [
    "BOMS",
    "COMPRESSED",
    "MAX_DOCUMENT",
    "MAX_LINE",
    "STDIN",
    "STDIN_NAME",
    "Bounded",
    "Readable",
    "copy_stdin",
    "detect_encoding",
    "gzip_hint",
    "is_compressed",
    "open_binary",
    "open_text",
    "read_error",
    "text_encoding",
]

#: The path that means standard input, and what errors call it.
STDIN: Final = "-"
STDIN_NAME: Final = "<stdin>"

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
def open_text(
    path: Path, name: str, encoding: str | None = None, *, encodings: bool = False
) -> Iterator[IO[str]]:
    """``path`` opened as text with newlines kept as written, decompressed when its name ends
    in ``.gz``; a byte order mark is dropped.

    ``encoding`` is a Python codec name (``"cp1252"``, ``"utf-16"``); without one the file is
    UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark (see :func:`detect_encoding`).
    Raises :class:`LogError` naming ``name`` for an unknown encoding, when the file cannot be
    opened, when it is not text in its encoding (naming the line, the offset and the value of
    the first bad byte, and, when the reader takes other ``encodings``, the option to pass),
    and when its compressed data is not gzip, is
    corrupt or ends early.
    """
    compressed = is_compressed(path)
    codec = text_encoding(path, name, encoding)
    # Opened here and entered below, so that a failure to open is told apart from one to read.
    try:
        if compressed:
            handle: IO[str] = gzip.open(  # noqa: SIM115
                path, "rt", encoding=codec, newline=""
            )
        else:
            handle = path.open(encoding=codec, newline="")
    except OSError as exc:
        raise LogError(f"{name}: cannot read the log: {exc.strerror}") from None
    with handle:
        try:
            yield cast("IO[str]", Bounded(handle, name))
        except UnicodeDecodeError as exc:
            raise LogError(
                _not_text(path, name, compressed, codec, encoding, exc.reason, encodings)
            ) from None
        except (OSError, EOFError, zlib.error) as exc:
            raise read_error(name, exc) from None


#: The byte order marks :func:`detect_encoding` knows, longest first, and the codec each
#: means (Python's ``utf-8-sig`` and ``utf-16`` drop the mark as they read).
BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(start: bytes) -> str:
    """The codec of a text file that starts with the bytes ``start`` when no encoding is
    given: ``utf-8-sig`` after a UTF-8 byte order mark, ``utf-16`` after a UTF-16 one (little-
    or big-endian, as Excel's "Unicode text" and many Windows tools write), else ``utf-8``.

    Nothing else is guessed: a file in a legacy encoding (cp1252, latin-1) is read as UTF-8
    and its first byte that is not UTF-8 is an error naming the encoding to pass.
    """
    for mark, codec in BOMS:
        if start.startswith(mark):
            return codec
    return "utf-8"


def text_encoding(path: Path, name: str, encoding: str | None) -> str:
    """The codec ``path`` is read with: ``encoding`` when given (a UTF-8 or UTF-16 name reads
    past its byte order mark), else :func:`detect_encoding` on its first bytes.

    Raises :class:`LogError` naming ``name`` for an encoding Python does not know.
    """
    if encoding is not None:
        try:
            known = codecs.lookup(encoding).name
        except LookupError:
            raise LogError(
                f"{name}: unknown encoding {encoding!r} (expected a Python codec name such as "
                "utf-8, utf-16, cp1252 or latin-1)"
            ) from None
        return "utf-8-sig" if known == "utf-8" else known
    try:
        with gzip.open(path, "rb") if is_compressed(path) else path.open("rb") as raw:
            start = raw.read(4)
    except (OSError, EOFError, zlib.error):
        return "utf-8"  # opening or reading again names the problem
    return detect_encoding(start)


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


def copy_stdin(stack: ExitStack[bool | None], source: Readable | None = None) -> Path:
    """Standard input (or ``source``), copied to a temporary file that ``stack`` removes, so
    that it can be read twice.  The copy is named ``stdin.gz`` when its data starts with
    gzip's magic bytes (it is decompressed as it is read), else ``stdin``.  Raises
    :class:`LogError` when it cannot be read or the copy written."""
    reader = source if source is not None else sys.stdin.buffer
    directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cx-rules-")))
    try:
        start = reader.read(len(_GZIP_MAGIC))
        copy = directory / ("stdin.gz" if start == _GZIP_MAGIC else "stdin")
        with copy.open("wb") as target:
            target.write(start)
            shutil.copyfileobj(reader, target)
    except OSError as exc:
        raise LogError(f"{STDIN_NAME}: cannot read standard input: {exc.strerror or exc}") from None
    return copy


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


def _not_text(
    path: Path,
    name: str,
    compressed: bool,
    codec: str,
    given: str | None,
    reason: str,
    encodings: bool,
) -> str:
    """The message for a log that is not text in ``codec``, naming the first bad byte: its
    line, its offset in the (decompressed) file and its value, and what to pass instead.

    The text decoder reports where in its current chunk it failed, not where in the file:
    the file is read again, as bytes in chunks, to find the place (only on this error).
    """
    shown = _SHOWN.get(codec, codec)
    hint = gzip_hint(path)
    if not encodings:
        expected = "expected a UTF-8 encoded log"
    elif given is None and shown == "UTF-8":
        expected = "expected a UTF-8 encoded log"
        hint = hint or (
            "; if it was saved by Excel or another Windows program, its encoding is probably "
            'cp1252: pass --encoding cp1252 (encoding="cp1252" in Python)'
        )
    else:
        marked = " (it starts with a byte order mark)" if given is None else ""
        expected = f"expected {shown} text{marked}"
        hint = hint or "; pass the file's own encoding with --encoding (encoding= in Python)"
    place = _first_bad_byte(path, compressed, codec)
    if place is None:  # pragma: no cover - the decoder failed, so a bad byte exists
        return f"{name}: not {shown} text ({reason}); {expected}{hint}"
    line, offset, byte = place
    what = f"byte 0x{byte:02X} at offset {offset}" if byte is not None else f"offset {offset}"
    return f"{name}:{line}: not {shown} text ({what}: {reason}); {expected}{hint}"


# How messages name the codecs Python calls by other names.
_SHOWN: Final = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}
# The size of the chunks the file is read again in to find a bad byte.
_CHUNK: Final = 2**16


def _first_bad_byte(path: Path, compressed: bool, codec: str) -> tuple[int, int, int | None] | None:
    """The 1-based line, the 0-based offset in the file and the value of the first byte that
    is not text in ``codec`` (``None`` for a character cut off by the end of the file), or
    ``None`` when every byte is."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines = 1
    start = 0
    head = b""  # the file's first bytes: a UTF-16 file's byte order mark
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            while True:
                chunk = handle.read(_CHUNK)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    # The decoder holds back the bytes of a character cut by the chunk's end:
                    # exc.object is those bytes and then this chunk.
                    base = start + len(chunk) - len(exc.object)
                    lines += _count_lines(exc.object[: exc.start], codec, head)
                    bad = exc.object[exc.start] if exc.start < len(exc.object) else None
                    return lines, base + exc.start, bad
                if not chunk:
                    return None
                lines += text.count("\n")
                if not head:
                    head = chunk[:2]
                start += len(chunk)
    except (OSError, EOFError, zlib.error):
        return None


def _count_lines(data: bytes, codec: str, head: bytes) -> int:
    """How many line ends ``data``, bytes of a file in ``codec`` that decode, holds; ``head``
    is the file's first bytes (which tell a UTF-16 file's byte order)."""
    if codec == "utf-16":
        start = head or data[:2]
        codec = "utf-16-be" if start.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"
        if not head:
            data = data[2:]
    return data.decode(codec, "replace").count("\n")


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
