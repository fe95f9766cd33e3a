"""The CSV reader: a header row naming the columns, then one event per data row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, Final

from ..exceptions import InvalidEvent
from ._build import build_event, build_plain, build_share, plain
from ._files import open_text
from .mapping import STANDARD_COLUMNS, LogMapping
from .records import InputError, LogError, Record
from .stream import FOREIGN, OUTLINES, PARTITION, LogStream, Part, Skip

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
    # What an audit asks of the readers it creates (see PARTITION and OUTLINES).
    part, outline = PARTITION.get(), OUTLINES.get()
    if isinstance(source, str | Path):
        label = name or str(source)
        items = _from_path(Path(source), label, mapping, default_tz, part, outline)
    else:
        label = name or str(getattr(source, "name", "<stream>"))
        items = _read(source, label, mapping, default_tz, part, outline)
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
) -> Iterator[Record | Skip]:
    with open_text(path, name) as handle:
        yield from _read(handle, name, mapping, default_tz, part, outline)


def _read(
    handle: IO[str],
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    part: Part | None = None,
    outline: bool = False,
) -> Iterator[Record | Skip]:
    # outline: yield an Outline of each event instead (typed as records: they read alike).
    first = handle.readline().removeprefix("\ufeff")
    delimiter, header = _header(first, name, mapping or _IDENTITY)
    mapping = plain(mapping)
    # Without a mapping, and with no process-mining names in the header, no row needs one.
    simple = mapping is None and STANDARD_COLUMNS.keys().isdisjoint(header)
    width = len(header)
    # With a share of an audit (see Part): the position of the next record in the stream.
    position = 0
    for start, row in _rows(handle, delimiter, name):
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


def _rows(
    handle: IO[str], delimiter: str, name: str
) -> Iterator[tuple[int, list[str] | InputError]]:
    """Each row with the physical line it starts on (the header is line 1)."""
    rows = csv.reader(handle, delimiter=delimiter, strict=True)
    # line_num counts the lines the reader has consumed, so a row starts one line after the
    # previous row ended; that keeps numbers right when a quoted cell spans lines.
    end = 1
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, InputError(name, start, f"not a valid CSV row ({exc})")
        else:
            yield start, row
        end = rows.line_num + 1


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
