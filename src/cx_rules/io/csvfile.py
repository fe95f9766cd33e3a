"""The CSV reader: a header row naming the columns, then one event per data row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, Final

from ..exceptions import InvalidEvent
from ._build import build_event, build_plain, build_share, plain
from ._files import Bounded, open_text
from .mapping import STANDARD_COLUMNS, LogMapping
from .records import InputError, LogError, Record
from .stream import FOREIGN, OUTLINES, PARTITION, PLACES, LogStream, Part, Place, Skip

__all__ = ["DELIMITERS", "read_csv"]

#: The delimiters tried on the header row, in order: the first that names every required
#: column wins (spreadsheets in many European locales write ``;``).
DELIMITERS: Final = (",", ";", "\t")

_REQUIRED: Final = ("case_id", "activity", "timestamp")
_IDENTITY: Final = LogMapping()


def read_csv(
    source: str | Path | IO[str],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
) -> LogStream:
    """Stream the events of a CSV file, one record per data row.

    The first row is the header.  It must name a column for ``case_id``, ``activity`` and
    ``timestamp``: the native names (``case_id``, ``activity``, ``timestamp``, ``event_id``,
    ``actor``, ``channel``), the process-mining names (``case:concept:name``,
    ``concept:name``, ``time:timestamp``, ``org:resource``, ``lifecycle:transition``) or names
    the ``mapping`` renames; otherwise :class:`~cx_rules.io.records.LogError` is raised.  The
    delimiter is ``,``, ``;`` or a tab, whichever makes such a header.

    A blank cell is a missing value; other cells are typed by
    :data:`~cx_rules.io.kinds.KINDS` and otherwise stay strings.  A row with fewer or more
    cells than the header, or one that is not a valid event, is an
    :class:`~cx_rules.io.records.InputError` with the physical line the row starts on (a
    quoted cell may span lines).  A UTF-8 byte order mark and CRLF line ends are accepted.
    Rows whose ``lifecycle:transition`` is set and is not ``complete`` are skipped and
    counted in :attr:`~cx_rules.io.stream.LogStream.skipped`.  Rows are read one at a time.
    """
    # What an audit asks of the readers it creates (see PARTITION, OUTLINES and PLACES).
    part, outline, places = PARTITION.get(), OUTLINES.get(), PLACES.get()
    if isinstance(source, str | Path):
        label = name or str(source)
        items = _from_path(Path(source), label, mapping, default_tz, part, outline, places)
    else:
        label = name or str(getattr(source, "name", "<stream>"))
        items = _read(source, label, mapping, default_tz, part, outline, places)
    stream = LogStream(items, label)
    stream.partitioned = part is not None
    return stream


def _from_path(
    path: Path,
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    part: Part | None = None,
    outline: bool = False,
    places: bool = False,
) -> Iterator[Record | Skip | Place]:
    with open_text(path, name) as handle:
        yield from _read(handle, name, mapping, default_tz, part, outline, places)


def _read(
    handle: IO[str],
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    part: Part | None = None,
    outline: bool = False,
    places: bool = False,
) -> Iterator[Record | Skip | Place]:
    # outline: yield an Outline of each event instead (typed as records: they read alike);
    # places: yield the Place of each record before it.
    first = handle.readline().removeprefix("\ufeff")
    delimiter, header = _header(first, name, mapping or _IDENTITY)
    mapping = plain(mapping)
    # Without a mapping, and with no process-mining names in the header, no row needs one.
    simple = mapping is None and STANDARD_COLUMNS.keys().isdisjoint(header)
    width = len(header)
    # With a share of an audit (see Part): the position of the next record in the stream.
    position = 0
    for start, row in _rows(handle, delimiter, name):
        if places:
            yield Place(start, None)
        if isinstance(row, InputError):
            problem: Record = row
        elif not row:
            continue
        elif len(row) != width:
            problem = InputError(
                name, start, f"expected {len(header)} cells as in the header, got {len(row)}"
            )
        else:
            record = {key: cell for key, cell in zip(header, row, strict=True) if cell.strip()}
            if part is not None:
                built = build_share(
                    record, mapping, default_tz, part, position, parsed=True, outline=outline
                )
                if isinstance(built, Skip):
                    yield built
                    continue
                position += 1
                if built is None:
                    yield FOREIGN
                elif isinstance(built, str):
                    yield InputError(name, start, built)
                else:
                    yield built  # type: ignore[misc]
                continue
            try:
                if simple:
                    yield build_plain(record, default_tz, parsed=True, outline=outline)  # type: ignore[misc]
                else:
                    yield build_event(record, mapping, default_tz)
            except InvalidEvent as exc:
                yield InputError(name, start, str(exc))
            continue
        if part is not None:
            position += 1
            if not part.owns_position(position - 1):
                problem = FOREIGN
        yield problem


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


def _rows(
    handle: IO[str], delimiter: str, name: str
) -> Iterator[tuple[int, list[str] | InputError]]:
    """Each row with the physical line it starts on (the header is line 1)."""
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


def _header(line: str, name: str, mapping: LogMapping) -> tuple[str, list[str]]:
    if not line.strip():
        raise LogError(f"{name}:1: empty first line; expected a CSV header row")
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([line], delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        header = [cell.strip() for cell in cells]
        canonical = {mapping.column(cell) for cell in header}
        if all(field in canonical for field in _REQUIRED):
            seen: set[str] = set()
            for cell in header:
                if cell in seen:
                    raise LogError(f"{name}:1: column {cell!r} appears twice in the header")
                seen.add(cell)
            return delimiter, header
    raise LogError(
        f"{name}:1: no CSV header naming the case, activity and timestamp columns "
        "(expected case_id, activity, timestamp or case:concept:name, concept:name, "
        "time:timestamp, or names given in [mapping.columns])"
    )
