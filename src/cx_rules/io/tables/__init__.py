"""Rows of tables: CSV, TSV, XLSX and Parquet files, one dict of cell values per row.

This is the layer under the event readers and the importers that read spreadsheets and
warehouse exports.  :func:`read_table` opens a table and yields, for each data row, a
:class:`Row`: where it is (:class:`RowPlace`: the file, the sheet, the row) and its cells as
``dict[str, object]`` keyed by the header's column names.  A row that cannot be read (a CSV
row with the wrong number of cells, a spreadsheet value under no column) is an
:class:`~cx_rules.io.records.InputError` with its place instead, and the rest is read.

The API is stable: :func:`read_table`, :class:`Table`, :class:`Row`, :class:`RowPlace`,
:data:`HeaderCheck`, :data:`TABLE_FORMATS`, :func:`table_format` and :func:`excel_moment`
(:func:`csv_header` and :func:`csv_rows` are the CSV reader's own steps).

Cell values, per format:

- CSV and TSV: strings; a blank cell (empty or only spaces) is ``None``.  The encoding is
  UTF-8, UTF-8 or UTF-16 after a byte order mark, or ``encoding=``; a byte that is not
  valid text is a :class:`~cx_rules.io.records.LogError` naming its line, offset and value.
- XLSX (``pip install 'cx-rules[xlsx]'``): what the cell holds: ``str``, ``int``,
  ``float``, ``bool``, and a naive ``datetime`` (or ``time``) for a cell formatted as a date;
  an empty cell is ``None``.  A formula gives the value Excel saved with it.  A date that is
  a plain number (a serial number in a cell formatted as a number) stays a number:
  :func:`excel_moment` turns it into a datetime with the workbook's :attr:`Table.epoch`.
- Parquet (``pip install 'cx-rules[parquet]'``): the Python values of the columns' types;
  a timestamp column with a time zone gives aware datetimes in that zone, one without gives
  naive datetimes; nanoseconds are cut to microseconds (Python's resolution).

Memory stays bounded: a CSV line is at most :data:`~cx_rules.io.MAX_LINE` characters, an
XLSX sheet is streamed (its shared strings, read whole, at most :data:`MAX_WORKBOOK_PART`
bytes), a Parquet file is read a batch at a time (a row group at most
:data:`MAX_ROW_GROUP` bytes).  A file whose name ends in ``.gz`` is decompressed as it is
read (XLSX and Parquet, which need to seek, into a temporary file of at most
:data:`~cx_rules.io.MAX_DOCUMENT` bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final

from .._files import COMPRESSED, open_text
from ..records import InputError, LogError
from . import _csv, _parquet, _xlsx
from ._csv import DELIMITERS, csv_header, csv_rows
from ._parquet import MAX_ROW_GROUP
from ._rows import HeaderCheck, Row, RowPlace, _Header
from ._xlsx import MAX_WORKBOOK_PART, excel_moment

__all__ = [
    "DELIMITERS",
    "MAX_ROW_GROUP",
    "MAX_WORKBOOK_PART",
    "TABLE_FORMATS",
    "HeaderCheck",
    "Row",
    "RowPlace",
    "Table",
    "csv_header",
    "csv_rows",
    "excel_moment",
    "read_table",
    "table_format",
]

#: The formats :func:`read_table` reads, by the name ``format=`` takes.
TABLE_FORMATS: Final = ("csv", "tsv", "xlsx", "parquet")

_EXTENSIONS: Final = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def table_format(path: str | Path) -> str | None:
    """The table format of ``path`` by its extension (``.csv``; ``.tsv`` or ``.tab``;
    ``.xlsx`` or ``.xlsm``; ``.parquet`` or ``.pq``; each also with ``.gz``), or ``None``."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes[-1:] == [COMPRESSED]:
        suffixes.pop()
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def read_table(
    source: str | Path | IO[str],
    *,
    format: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    delimiter: str | None = None,
    check_header: HeaderCheck | None = None,
) -> Table:
    """The rows of the table at ``source``, a path or (CSV and TSV only) an open text stream.

    ``format`` is one of :data:`TABLE_FORMATS`, else the path's extension decides.
    ``encoding`` is the text encoding of a CSV or TSV file (see the module's notes).
    ``sheet`` names the worksheet of a workbook (default: the first).  ``name`` is what
    places and errors call the file (the path by default).  ``delimiter`` is a CSV's
    delimiter; without one, ``,``, ``;`` and a tab are tried on the header row, and the first
    that gives a header ``check_header`` accepts wins (by default one of more than one
    column).  ``check_header`` is asked about the header of every format: it returns ``None``
    to accept it, else what is missing, which a :class:`~cx_rules.io.records.LogError` says.

    Nothing is read until the table is iterated or :attr:`Table.columns` is asked for.
    Raises :class:`~cx_rules.io.records.LogError` (then or when iterating) naming the file
    for an unknown format, a missing file or optional package, a header that will not do, and
    a file that is not what its format says.
    """
    label = name or (str(source) if isinstance(source, str | Path) else _stream_name(source))
    if format is None:
        if not isinstance(source, str | Path):
            format = "tsv" if delimiter == "\t" else "csv"
        else:
            format = table_format(source)
            if format is None:
                raise LogError(
                    f"{label}: unknown table extension; expected one of "
                    f"{', '.join(sorted(_EXTENSIONS))} (each also as .gz), or name the format"
                )
    if format not in TABLE_FORMATS:
        raise LogError(
            f"{label}: unknown table format {format!r} (expected one of {', '.join(TABLE_FORMATS)})"
        )
    if format == "tsv":
        delimiter = "\t"
    if not isinstance(source, str | Path):
        if format not in ("csv", "tsv"):
            raise LogError(f"{label}: a {format} table is read from a file, not a stream")
        return Table(label, format, lambda stack: _csv.rows(source, label, delimiter, check_header))
    path = Path(source)
    if format in ("csv", "tsv"):

        def text(stack: ExitStack) -> Iterator[Any]:
            # Read inside open_text's block, which names a byte that is not text.
            with open_text(path, label, encoding, encodings=True) as handle:
                yield from _csv.rows(handle, label, delimiter, check_header)

        return Table(label, format, text)
    if format == "xlsx":
        return Table(
            label, format, lambda stack: _xlsx.rows(path, label, sheet, check_header, stack)
        )
    return Table(label, format, lambda stack: _parquet.rows(path, label, check_header, stack))


def _stream_name(source: object) -> str:
    return str(getattr(source, "name", "<stream>"))


class Table(Iterator["Row | InputError"]):
    """The rows of one table, as :func:`read_table` opened it: an iterator of
    :class:`Row` and :class:`~cx_rules.io.records.InputError`, and a context manager that
    closes the file.

    ``file`` is what places call the file and ``format`` its format.  :attr:`columns` is the
    header and :attr:`epoch` the day a workbook counts its serial dates from.
    """

    def __init__(self, file: str, format: str, start: Callable[[ExitStack], Iterator[Any]]) -> None:
        self.file = file
        self.format = format
        self._start = start
        self._stack = ExitStack()
        self._rows: Iterator[Any] | None = None
        self._columns: tuple[str, ...] = ()
        self._epoch: datetime | None = None

    def _open(self) -> Iterator[Any]:
        if self._rows is None:
            rows = self._start(self._stack)
            try:
                header = next(rows)
            except StopIteration:  # pragma: no cover - every reader yields its header first
                header = _Header((), None)
            except BaseException:
                self.close()
                raise
            self._columns, self._epoch = header.columns, header.epoch
            self._rows = rows
        return self._rows

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names of the header, in order (the file is opened to read them)."""
        self._open()
        return self._columns

    @property
    def epoch(self) -> datetime | None:
        """For a workbook, the naive datetime its serial date numbers count days from
        (1899-12-30, or 1904-01-01 for a workbook of the Mac's 1904 date system); else
        ``None``."""
        self._open()
        return self._epoch

    def __iter__(self) -> Table:
        return self

    def __next__(self) -> Row | InputError:
        rows = self._open()
        try:
            item: Row | InputError = next(rows)
        except BaseException:
            self.close()
            raise
        return item

    def close(self) -> None:
        """Release the file (and any temporary copy) now."""
        if self._rows is not None:
            close = getattr(self._rows, "close", None)
            if close is not None:
                close()
        self._stack.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
