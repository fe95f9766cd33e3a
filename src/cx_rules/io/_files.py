"""Opening log files with errors that name the file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .records import LogError

__all__ = ["open_binary", "open_text"]


@contextmanager
def open_text(path: Path, name: str) -> Iterator[IO[str]]:
    """``path`` opened as UTF-8 text with newlines kept as written; :class:`LogError` when
    it cannot be opened or is not UTF-8."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise LogError(f"{name}: cannot read the log: {exc.strerror}") from None
    with handle:
        try:
            yield handle
        except UnicodeDecodeError as exc:
            raise LogError(
                f"{name}: not UTF-8 text ({exc.reason}); expected a UTF-8 encoded log"
            ) from None


@contextmanager
def open_binary(path: Path, name: str) -> Iterator[IO[bytes]]:
    """``path`` opened for reading bytes; :class:`LogError` when it cannot be opened."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise LogError(f"{name}: cannot read the log: {exc.strerror}") from None
    with handle:
        yield handle
