"""CSV and TSV rows: the header, the delimiter, and rows with the line they start on."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any, Final

from .._files import Bounded
from ..records import InputError, LogError
from ._rows import HeaderCheck, Row, RowPlace, _accept, _Header, _named

__all__ = ["DELIMITERS", "csv_header", "csv_rows"]

#: The delimiters tried on a CSV header row, in order (spreadsheets in many European locales
#: write ``;``).
DELIMITERS: Final = (",", ";", "\t")

# -- CSV and TSV -----------------------------------------------------------------------------


def rows(
    handle: IO[str], name: str, delimiter: str | None, check: HeaderCheck | None
) -> Iterator[Any]:
    first = handle.readline().removeprefix("\ufeff")
    chosen, header = csv_header(first, name, delimiter, check)
    yield _Header(tuple(header), None)
    width = len(header)
    for start, row in csv_rows(handle, chosen, name):
        if isinstance(row, InputError):
            yield row
        elif not row:
            continue
        elif len(row) != width:
            yield InputError(
                name, start, f"expected {width} cells as in the header, got {len(row)}"
            )
        else:
            place = RowPlace(name, start, None, True)
            yield Row(
                place,
                {k: v if v.strip() else None for k, v in zip(header, row, strict=True)},
            )


def csv_header(
    line: str, name: str, delimiter: str | None, check: HeaderCheck | None
) -> tuple[str, list[str]]:
    """The delimiter and the column names of a CSV header ``line`` (see :func:`read_table`).

    Raises :class:`~cx_rules.io.records.LogError` for an empty line, a header ``check``
    refuses with every delimiter tried, and a column named twice.
    """
    if not line.strip():
        raise LogError(f"{name}:1: empty first line; expected a CSV header row")
    missing = None
    for tried in DELIMITERS if delimiter is None else (delimiter,):
        try:
            cells = next(csv.reader([line], delimiter=tried, strict=True))
        except csv.Error:
            continue
        header = [cell.strip() for cell in cells]
        problem = _accept(header, check)
        if problem is None:
            _named(header, name, "1: ")
            return tried, header
        missing = missing or problem
    raise LogError(f"{name}:1: no CSV header naming {missing or 'its columns'}")


class _Lines:
    """The lines of a CSV file as :func:`csv.reader` takes them, keeping the last one."""

    __slots__ = ("_next", "last")

    def __init__(self, handle: IO[str]) -> None:
        self._next = iter(handle).__next__
        self.last = ""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        self.last = line = self._next()
        return line


def csv_rows(
    handle: IO[str], delimiter: str, name: str
) -> Iterator[tuple[int, list[str] | InputError]]:
    """Each row after the header with the physical line it starts on (the header is line 1),
    or the :class:`~cx_rules.io.records.InputError` of a row :mod:`csv` cannot read."""
    # A file of open_text keeps its last line itself; any other stream is wrapped to.
    lines = handle if isinstance(handle, Bounded) else _Lines(handle)
    rows = csv.reader(lines, delimiter=delimiter, strict=True)
    # line_num counts the lines the reader has consumed, so a row starts one line after the
    # previous row ended; that keeps numbers right when a quoted cell spans lines.  Lines
    # skipped past the reader (the rest of a row with a cell over the limit) count too.
    skipped = 0
    end = 1
    while True:
        start = end + 1
        before = rows.line_num
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            message = f"not a valid CSV row ({exc})"
            if str(exc).startswith("field larger than field limit"):
                limit = csv.field_size_limit()
                message = (
                    f"a cell longer than {limit} characters; expected cells of at most "
                    f"{limit} characters"
                )
                # The reader drops the rest of the line it stopped in: when that ends inside
                # a quoted cell, the row goes on, and its next lines are not rows.
                inside = rows.line_num - before > 1
                skipped += _skip_quoted(lines, inside, delimiter)
            yield start, InputError(name, start, message)
        else:
            yield start, row
        end = rows.line_num + skipped + 1


def _skip_quoted(lines: _Lines | Bounded, inside: bool, delimiter: str) -> int:
    """Pass over the rest of a row that :func:`csv.reader` stopped reading in its last line
    (``lines.last``) and return how many lines that takes.

    ``inside`` says whether that line began inside a quoted cell (a row goes on to a new
    line only inside one).  The line is read as the reader reads it: a quote opens a quoted
    cell only at the start of a cell, and inside one a doubled quote is a quote and a single
    one closes it; elsewhere a quote is an ordinary character.
    """
    inside = _ends_inside(lines.last, inside, delimiter)
    count = 0
    while inside:
        line = next(lines, None)
        if line is None:
            break
        count += 1
        inside = _ends_inside(line, True, delimiter)
    return count


def _ends_inside(line: str, inside: bool, delimiter: str) -> bool:
    """Whether ``line``, begun inside a quoted cell or not, ends inside one."""
    if '"' not in line:
        return inside  # the usual case: no quote changes anything
    start = not inside  # at the start of a cell
    quote = False  # a quote just seen inside a quoted cell: it closes the cell or doubles
    for char in line:
        if inside:
            if quote:
                quote = False
                if char == '"':
                    continue  # a doubled quote, still inside
                inside = False
                start = char == delimiter
            elif char == '"':
                quote = True
        elif start and char == '"':
            inside, start = True, False
        else:
            start = char == delimiter
    return inside and not quote
