"""What every table reader shares: rows, places, headers, and files that need to seek."""

from __future__ import annotations

import gzip
import tempfile
import zlib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Final, NamedTuple

from .._files import MAX_DOCUMENT, is_compressed
from ..records import InputError, LogError
from ..stream import Place

__all__ = ["HeaderCheck", "Row", "RowPlace"]

#: What a header check returns: ``None`` when the header will do, else what is missing.
HeaderCheck = Callable[[Sequence[str]], str | None]


class RowPlace(NamedTuple):
    """Where a row is: its ``file``, its ``row`` and, in a workbook, its ``sheet``.

    ``row`` is 1-based and means, per format: CSV and TSV, the physical line the row starts
    on (the header is line 1; a quoted cell may span lines); XLSX, the sheet's row number as
    Excel shows it; Parquet, the row's position among the data rows.  ``lines`` says that
    ``row`` is a line of a text file.
    """

    file: str
    row: int
    sheet: str | None = None
    lines: bool = False

    def where(self, column: str | None = None) -> Place:
        """The place as an input error gives it: a line for text files, else an element
        (``sheet 'Applications', row 7`` or ``row 7``), with ``column`` when given."""
        named = f"column {column!r}" if column is not None else None
        if self.lines:
            return Place(self.row, named)
        element = f"row {self.row}"
        if self.sheet is not None:
            element = f"sheet {self.sheet!r}, {element}"
        if named is not None:
            element += f", {named}"
        return Place(None, element)

    def error(self, message: str, column: str | None = None) -> InputError:
        """An :class:`~cx_rules.io.records.InputError` at this place (and ``column``)."""
        line, element = self.where(column)
        return InputError(self.file, line, message, element)


class Row(NamedTuple):
    """One data row: its :class:`RowPlace` and its cells by column name (every column of the
    header, ``None`` for a blank cell)."""

    place: RowPlace
    cells: dict[str, object]


class _Header(NamedTuple):
    columns: tuple[str, ...]
    epoch: datetime | None


def _accept(header: Sequence[str], check: HeaderCheck | None) -> str | None:
    if check is not None:
        return check(header)
    return None if len(header) > 1 else "a header row of more than one column"


def _named(header: Sequence[str], name: str, line: str) -> None:
    seen: set[str] = set()
    for cell in header:
        if cell in seen:
            raise LogError(f"{name}:{line}column {cell!r} appears twice in the header")
        seen.add(cell)


# -- files that need to seek -----------------------------------------------------------------


def _seekable(path: Path, name: str, stack: ExitStack) -> Path:
    """``path`` itself, or for a ``.gz`` file a temporary decompressed copy (removed when the
    table closes) of at most :data:`MAX_DOCUMENT` bytes."""
    if not path.is_file():
        raise LogError(f"{name}: no such file; expected a table")
    if not is_compressed(path):
        return path
    directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="cx-rules-"))
    copy = Path(directory) / path.stem
    try:
        with gzip.open(path, "rb") as source, copy.open("wb") as target:
            while chunk := source.read(2**20):
                target.write(chunk)
                if target.tell() > MAX_DOCUMENT:
                    raise LogError(
                        f"{name}: larger than {MAX_DOCUMENT // 2**30} GiB decompressed; "
                        "expected a smaller table (split it, or export CSV)"
                    )
    except gzip.BadGzipFile:
        raise LogError(
            f"{name}: not gzip-compressed data; expected a .gz file written by gzip"
        ) from None
    except EOFError:
        raise LogError(
            f"{name}: the compressed data ends early (a truncated copy?); expected a complete "
            ".gz file"
        ) from None
    except zlib.error:
        raise LogError(f"{name}: the compressed data is corrupt; expected a .gz file") from None
    except OSError as exc:
        raise LogError(f"{name}: cannot read the table: {exc.strerror or exc}") from None
    return copy


# What openpyxl and pyarrow raise for a damaged file is not documented and varies (the XML
# parser's ParseError, zlib.error, EOFError, KeyError for a missing part, NotImplementedError,
# ArrowInvalid, ...): any exception they raise while reading is the file's fault, and is
# reported as such, naming the file.
_BROKEN: Final = Exception


def _needs(package: str, extra: str, name: str) -> LogError:
    return LogError(
        f"{name}: reading {extra.upper()} needs the optional {package!r} package "
        f"(pip install 'cx-rules[{extra}]')"
    )


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else type(exc).__name__
