"""The CSV reader: a header row naming the columns, then one event per data row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, Final

from ..exceptions import InvalidEvent
from ._build import build_event, build_plain, build_share, plain
from ._files import open_text
from .mapping import STANDARD_COLUMNS, LogMapping
from .native import quick_event, quick_outline
from .records import InputError, Record
from .stream import FOREIGN, OUTLINES, PARTITION, PLACES, LogStream, Part, Place, Skip
from .tables import DELIMITERS, csv_header, csv_rows
from .tabular import _long_header, read_table_log

__all__ = ["DELIMITERS", "read_csv", "read_tsv"]

_REQUIRED: Final = ("case_id", "activity", "timestamp")
_IDENTITY: Final = LogMapping()


def read_csv(
    source: str | Path | IO[str],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> LogStream:
    """Stream the events of a CSV file, one record per data row.

    The first row is the header.  It must name a column for ``case_id``, ``activity`` and
    ``timestamp``: the native names (``case_id``, ``activity``, ``timestamp``, ``event_id``,
    ``actor``, ``channel``), the process-mining names (``case:concept:name``,
    ``concept:name``, ``time:timestamp``, ``org:resource``, ``lifecycle:transition``) or names
    the ``mapping`` renames; otherwise :class:`~cx_rules.io.records.LogError` is raised.  The
    delimiter is ``delimiter``, else ``,``, ``;`` or a tab, whichever makes such a header.
    With a ``[wide]`` table in the mapping, a row is one application and gives an event per
    date column with a value (see :mod:`cx_rules.io.wide`).

    The file is UTF-8 (a byte order mark is dropped), UTF-16 when it starts with a UTF-16
    byte order mark, or in ``encoding`` (a Python codec name such as ``"cp1252"``); a byte
    that is not text in it raises :class:`~cx_rules.io.records.LogError` naming the line,
    the offset and the byte.

    A blank cell is a missing value; other cells are typed by
    :data:`~cx_rules.io.kinds.KINDS` and otherwise stay strings.  A row with fewer or more
    cells than the header, or one that is not a valid event, is an
    :class:`~cx_rules.io.records.InputError` with the physical line the row starts on (a
    quoted cell may span lines).  A UTF-8 byte order mark and CRLF line ends are accepted.
    Rows whose ``lifecycle:transition`` is set and is not ``complete`` are skipped and
    counted in :attr:`~cx_rules.io.stream.LogStream.skipped`.  Rows are read one at a time.
    """
    # What an audit asks of the readers it creates (see PARTITION, OUTLINES and PLACES).
    if mapping is not None and mapping.wide is not None:
        return read_table_log(
            source,
            mapping=mapping,
            default_tz=default_tz,
            name=name,
            format="tsv" if delimiter == "\t" else "csv",
            encoding=encoding,
        )
    part, outline, places = PARTITION.get(), OUTLINES.get(), PLACES.get()
    if isinstance(source, str | Path):
        label = name or str(source)
        items = _from_path(
            Path(source), label, mapping, default_tz, part, outline, places, encoding, delimiter
        )
    else:
        label = name or str(getattr(source, "name", "<stream>"))
        items = _read(source, label, mapping, default_tz, part, outline, places, delimiter)
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
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Iterator[Record | Skip | Place]:
    with open_text(path, name, encoding, encodings=True) as handle:
        yield from _read(handle, name, mapping, default_tz, part, outline, places, delimiter)


def _read(
    handle: IO[str],
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    part: Part | None = None,
    outline: bool = False,
    places: bool = False,
    delimiter: str | None = None,
) -> Iterator[Record | Skip | Place]:
    # outline: yield an Outline of each event instead (typed as records: they read alike);
    # places: yield the Place of each record before it.
    first = handle.readline().removeprefix("\ufeff")
    delimiter, header = csv_header(first, name, delimiter, _long_header(mapping or _IDENTITY))
    mapping = plain(mapping)
    # Without a mapping, and with no process-mining names in the header, no row needs one.
    simple = mapping is None and STANDARD_COLUMNS.keys().isdisjoint(header)
    width = len(header)
    quick = simple and outline
    # With a share of an audit (see Part): the position of the next record in the stream.
    position = 0
    for start, row in csv_rows(handle, delimiter, name):
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
            if quick:
                # The first pass of an audit: a usual row's outline, taken cheaply.
                found = quick_outline(record)
                if found is not None:
                    yield found  # type: ignore[misc]
                    continue
            try:
                if simple:
                    # A usual row's event is built at once; any other is checked in full.
                    built = None if outline else quick_event(record, default_tz)
                    if built is not None:
                        yield built
                        continue
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


def read_tsv(
    source: str | Path | IO[str],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> LogStream:
    """:func:`read_csv` with a tab as the delimiter (tab-separated values, as Excel's
    "Unicode text" export writes them, in UTF-16)."""
    return read_csv(
        source, mapping=mapping, default_tz=default_tz, name=name, encoding=encoding, delimiter="\t"
    )
