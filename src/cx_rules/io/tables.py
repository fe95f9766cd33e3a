"""Rows of tables: CSV, TSV, XLSX and Parquet files, one dict of cell values per row.

This is the layer under the event readers and the importers that read spreadsheets and
warehouse exports.  :func:`read_table` opens a table and yields, for each data row, a
:class:`Row`: where it is (:class:`RowPlace`: the file, the sheet, the row) and its cells as
``dict[str, object]`` keyed by the header's column names.  A row that cannot be read (a CSV
row with the wrong number of cells, a spreadsheet value under no column) is an
:class:`~cx_rules.io.records.InputError` with its place instead, and the rest is read.

The API is stable: :func:`read_table`, :class:`Table`, :class:`Row`, :class:`RowPlace`,
:data:`TABLE_FORMATS`, :func:`table_format` and :func:`excel_moment`.

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

import csv
import gzip
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import IO, Any, Final, NamedTuple
from zoneinfo import ZoneInfo

from ._files import COMPRESSED, MAX_DOCUMENT, MAX_LINE, Bounded, is_compressed, open_text
from .records import InputError, LogError
from .stream import Place

__all__ = [
    "MAX_ROW_GROUP",
    "MAX_WORKBOOK_PART",
    "TABLE_FORMATS",
    "Row",
    "RowPlace",
    "Table",
    "excel_moment",
    "read_table",
    "table_format",
]

#: The formats :func:`read_table` reads, by the name ``format=`` takes.
TABLE_FORMATS: Final = ("csv", "tsv", "xlsx", "parquet")

#: The largest part of a workbook read whole (its shared strings, styles), in bytes (256 Mi).
MAX_WORKBOOK_PART: Final = 256 * 2**20

#: The largest Parquet row group read, uncompressed, in bytes (1 Gi).
MAX_ROW_GROUP: Final = 2**30

_EXTENSIONS: Final = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: The delimiters tried on a CSV header row, in order (spreadsheets in many European locales
#: write ``;``).
DELIMITERS: Final = (",", ";", "\t")
# Rows a Parquet batch holds: small enough to keep memory flat, large enough to be fast.
_BATCH: Final = 4096
# An XLSX file whose parts are read whole.
_WHOLE_PARTS: Final = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")

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
        return Table(label, format, lambda stack: _csv(source, label, delimiter, check_header))
    path = Path(source)
    if format in ("csv", "tsv"):

        def text(stack: ExitStack) -> Iterator[Any]:
            # Read inside open_text's block, which names a byte that is not text.
            with open_text(path, label, encoding, encodings=True) as handle:
                yield from _csv(handle, label, delimiter, check_header)

        return Table(label, format, text)
    if format == "xlsx":
        return Table(label, format, lambda stack: _xlsx(path, label, sheet, check_header, stack))
    return Table(label, format, lambda stack: _parquet(path, label, check_header, stack))


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


# -- CSV and TSV -----------------------------------------------------------------------------


def _csv(
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


def _needs(package: str, extra: str, name: str) -> LogError:
    return LogError(
        f"{name}: reading {extra.upper()} needs the optional {package!r} package "
        f"(pip install 'cx-rules[{extra}]')"
    )


# -- XLSX ------------------------------------------------------------------------------------


def _xlsx(
    path: Path, name: str, sheet: str | None, check: HeaderCheck | None, stack: ExitStack
) -> Iterator[Any]:
    try:
        import openpyxl
        from openpyxl.xml import DEFUSEDXML
    except ImportError:
        raise _needs("openpyxl", "xlsx", name) from None
    if not DEFUSEDXML:
        # openpyxl parses the workbook's XML with the standard library unless defusedxml is
        # there: entity bombs would reach it.
        raise _needs("defusedxml", "xlsx", name)
    local = _seekable(path, name, stack)
    _check_parts(local, name)
    try:
        book = openpyxl.load_workbook(local, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise LogError(
            f"{name}: not an XLSX workbook ({_short(exc)}); expected an .xlsx file"
        ) from None
    stack.callback(book.close)
    if sheet is None:
        if not book.sheetnames:  # pragma: no cover - openpyxl refuses a workbook without one
            raise LogError(f"{name}: the workbook has no sheet")
        sheet = book.sheetnames[0]
    elif sheet not in book.sheetnames:
        raise LogError(
            f"{name}: no sheet {sheet!r} (the workbook has {', '.join(map(repr, book.sheetnames))})"
        )
    worksheet = book[sheet]
    if not hasattr(worksheet, "iter_rows"):
        raise LogError(f"{name}: sheet {sheet!r} is a chart, not a table")
    worksheet.reset_dimensions()  # the saved dimensions may be wrong: read what is there
    epoch: datetime = book.epoch
    rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
    header: list[str] | None = None
    try:
        for number, values in rows:
            size = sum(len(v) for v in values if isinstance(v, str))
            if size > MAX_LINE:
                raise LogError(
                    f"{name} (sheet {sheet!r}, row {number}): a row of more than "
                    f"{MAX_LINE // 2**20} Mi characters; expected rows of short cells"
                )
            if header is None:
                if all(_blank(v) for v in values):
                    continue
                header = [_text(v) for v in values]
                while header and not header[-1]:
                    header.pop()
                named = [h for h in header if h]
                where = f"{name} (sheet {sheet!r}, row {number})"
                problem = _accept(named, check)
                if problem is not None:
                    raise LogError(f"{where}: no header row naming {problem}")
                _named(named, where, ": ")
                yield _Header(tuple(named), epoch)
                continue
            place = RowPlace(name, number, sheet)
            if all(_blank(v) for v in values):
                continue
            cells: dict[str, object] = {}
            stray = None
            for index, value in enumerate(values):
                column = header[index] if index < len(header) else ""
                value = None if _blank(value) else value
                if column:
                    cells[column] = value
                elif value is not None and stray is None:
                    stray = index
            if stray is not None:
                yield place.error(
                    f"a value in column {_letters(stray)}, which has no name in the header row"
                )
                continue
            for column in header:
                if column:
                    cells.setdefault(column, None)
            yield Row(place, cells)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, zlib.error) as exc:
        raise LogError(f"{name} (sheet {sheet!r}): cannot read the sheet ({_short(exc)})") from None
    if header is None:
        yield _Header((), epoch)


def _check_parts(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename in _WHOLE_PARTS and info.file_size > MAX_WORKBOOK_PART:
                    raise LogError(
                        f"{name}: {info.filename} is larger than "
                        f"{MAX_WORKBOOK_PART // 2**20} MiB; expected a workbook whose shared "
                        "parts fit in memory (export CSV instead)"
                    )
    except zipfile.BadZipFile:
        raise LogError(
            f"{name}: not an XLSX workbook (not a zip file); expected an .xlsx file"
        ) from None
    except OSError as exc:
        raise LogError(f"{name}: cannot read the table: {exc.strerror or exc}") from None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _letters(index: int) -> str:
    # Excel's column name for a 0-based column index: 0 is A, 26 is AA.
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else type(exc).__name__


def excel_moment(value: float | int, epoch: datetime) -> datetime:
    """The naive datetime of an Excel serial date number ``value`` (days since ``epoch``,
    the fraction the time of day), rounded to the millisecond as Excel keeps times.

    In the 1900 date system (epoch 1899-12-30) serial numbers below 60 are a day later, as
    Excel counts a 29 February 1900 that did not exist (60 itself is that day, read as 28
    February).  Raises :class:`ValueError` for a number that is no date: below 1 (a time of
    day alone), or past the year 9999.
    """
    if isinstance(value, bool) or not 1 <= value < 2_958_466:
        raise ValueError(f"{value!r} is not an Excel date serial number")
    day, fraction = divmod(value, 1)
    try:
        moment = epoch + timedelta(days=int(day), milliseconds=round(fraction * 86_400_000))
    except OverflowError:
        raise ValueError(f"{value!r} is not an Excel date serial number") from None
    if epoch.year == 1899 and value < 60:
        moment += timedelta(days=1)
    return moment


# -- Parquet ---------------------------------------------------------------------------------


def _parquet(path: Path, name: str, check: HeaderCheck | None, stack: ExitStack) -> Iterator[Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise _needs("pyarrow", "parquet", name) from None
    local = _seekable(path, name, stack)
    try:
        handle = stack.enter_context(local.open("rb"))
        reader = pq.ParquetFile(handle)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise LogError(
            f"{name}: not a Parquet file ({_short(exc)}); expected a .parquet file"
        ) from None
    schema = reader.schema_arrow
    columns = [str(c) for c in schema.names]
    problem = _accept(columns, check)
    if problem is not None:
        raise LogError(f"{name}: no columns naming {problem}")
    _named(columns, name, ": ")
    metadata = reader.metadata
    for index in range(metadata.num_row_groups):
        size = metadata.row_group(index).total_byte_size
        if size > MAX_ROW_GROUP:
            raise LogError(
                f"{name}: row group {index} holds {size} bytes uncompressed; expected row "
                f"groups of at most {MAX_ROW_GROUP // 2**30} GiB (write it with smaller ones)"
            )
    zones = {i: _zone(f.type) for i, f in enumerate(schema) if pa.types.is_timestamp(f.type)}
    yield _Header(tuple(columns), None)
    number = 0
    try:
        for batch in reader.iter_batches(batch_size=_BATCH, use_threads=False):
            arrays = [_python(batch.column(i), zones.get(i), pa) for i in range(len(columns))]
            for values in zip(*arrays, strict=True):
                number += 1
                yield Row(RowPlace(name, number), dict(zip(columns, values, strict=True)))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise LogError(f"{name} (row {number + 1}): cannot read the file ({_short(exc)})") from None


def _zone(kind: Any) -> tzinfo | bool | None:
    """The zone of a timestamp type: a tzinfo, ``None`` for naive values, or ``False`` when
    the type names a zone this machine does not know."""
    name = kind.tz
    if name is None:
        return None
    if name in ("UTC", "Z", "+00:00", "utc"):
        return UTC
    if name[:1] in "+-" and len(name) == 6 and name[3] == ":":
        sign = -1 if name[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6])))
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return False


def _python(array: Any, zone: tzinfo | bool | None, pa: Any) -> list[object]:
    """The Python values of an Arrow array; timestamps as datetimes in their column's zone."""
    if zone is None and not pa.types.is_timestamp(array.type):
        return array.to_pylist()  # type: ignore[no-any-return]
    kind = array.type
    if kind.unit == "ns":
        # Python's datetimes hold microseconds: the nanoseconds are cut, not rounded.
        array = array.cast(pa.timestamp("us", tz=kind.tz), safe=False)
    if zone is None:
        return array.to_pylist()  # type: ignore[no-any-return]
    if zone is False:
        raise ValueError(f"unknown time zone {kind.tz!r} in a timestamp column")
    # As UTC, then in the column's own zone: the instant is kept exactly.
    utc = array.cast(pa.timestamp("us", tz="UTC"))
    assert isinstance(zone, tzinfo)
    return [
        None if v is None else v.replace(tzinfo=UTC).astimezone(zone)
        for v in utc.cast(pa.timestamp("us")).to_pylist()
    ]
