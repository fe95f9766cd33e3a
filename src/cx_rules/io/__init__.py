"""Reading event logs: native JSONL, CSV, TSV, XES, OCEL, XLSX, Parquet and pandas DataFrames.

:func:`read_path` picks a reader by the file's extension (or ``format=``); every reader
returns a :class:`~cx_rules.io.stream.LogStream` of records, one per source record: an
:class:`~cx_rules.Event` or an :class:`~cx_rules.io.records.InputError`.  A file that cannot
be read as a log at all raises :class:`~cx_rules.io.records.LogError`.

Reading is bounded whatever a file holds: a line of JSONL or CSV is at most :data:`MAX_LINE`
characters, an XES tag at most :data:`MAX_TAG` bytes, an OCEL document at most
:data:`MAX_DOCUMENT` characters, and a value nests lists and objects at most
:data:`MAX_NESTING` levels deep.  Files whose name ends in ``.gz`` are decompressed as they
are read.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Final

from ..events import Event
from ._files import COMPRESSED, MAX_DOCUMENT, MAX_LINE
from .csvfile import read_csv, read_tsv
from .dataframe import read_dataframe
from .jsonl import read_jsonl
from .kinds import KINDS, Kind
from .mapping import MAX_NESTING, STANDARD_COLUMNS, LogMapping
from .ocel import read_ocel
from .records import InputError, LogError, Record
from .stream import OUTLINES, PARTITION, PLACES, LogStream, Place
from .tabular import read_parquet, read_xlsx
from .writers import write_csv, write_jsonl, write_ocel, write_xes
from .xes import MAX_TAG, read_xes

__all__ = [
    "FORMATS",
    "KINDS",
    "MAX_DOCUMENT",
    "MAX_LINE",
    "MAX_NESTING",
    "MAX_TAG",
    "STANDARD_COLUMNS",
    "InputError",
    "Kind",
    "LogError",
    "LogMapping",
    "LogStream",
    "Record",
    "format_for",
    "read_csv",
    "read_dataframe",
    "read_jsonl",
    "read_ocel",
    "read_parquet",
    "read_path",
    "read_tsv",
    "read_xes",
    "read_xlsx",
    "write_csv",
    "write_jsonl",
    "write_ocel",
    "write_xes",
]

#: The formats :func:`read_path` knows, by the name ``format=`` (``--format-in``) takes.
FORMATS: Final = ("jsonl", "csv", "tsv", "xes", "ocel", "xlsx", "parquet")

_EXTENSIONS: Final = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xes": "xes",
    ".jsonocel": "ocel",
    ".json": "ocel",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# The formats whose text may be in another encoding than UTF-8.
_ENCODED: Final = ("csv", "tsv")


def format_for(path: str | Path) -> str:
    """The format :func:`read_path` reads ``path`` as, from its extension.

    A last suffix ``.gz`` means a gzip-compressed file: the suffix before it decides
    (``log.jsonl.gz`` is JSONL).  Raises :class:`LogError` naming the file and the known
    extensions when there is none.
    """
    suffixes = [s.lower() for s in Path(path).suffixes]
    shown = "".join(suffixes[-2:] if suffixes[-1:] == [COMPRESSED] else suffixes[-1:])
    if suffixes[-1:] == [COMPRESSED]:
        suffixes.pop()
    found = _EXTENSIONS.get(suffixes[-1] if suffixes else "")
    if found is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise LogError(
            f"{path}: unknown log extension {shown or '(none)'!r} "
            f"(expected one of {known}, each also as {COMPRESSED}); name the format with "
            f"--format-in ({', '.join(FORMATS)}), or format= in Python"
        )
    return found


def read_path(
    path: str | Path,
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    format: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
) -> LogStream:
    """Stream the records of the log at ``path``: events and input errors, one per record.

    The reader is chosen by ``format`` (one of :data:`FORMATS`) or else by the extension:
    ``.jsonl`` and ``.ndjson`` (native JSONL), ``.csv``, ``.tsv`` and ``.tab``, ``.xes``,
    ``.jsonocel`` and ``.json`` (OCEL 1.0 or 2.0, told apart by the content), ``.xlsx`` and
    ``.xlsm`` (a workbook, with ``cx-rules[xlsx]``), ``.parquet`` and ``.pq`` (with
    ``cx-rules[parquet]``).  A file whose name ends in ``.gz`` is decompressed as it is read,
    whatever the format (``log.csv.gz``).  ``mapping`` renames columns, activities and values
    (and may unpivot a wide table); ``default_tz`` is given to timestamps without a zone
    when the mapping names none (else they are input errors).  ``encoding`` is the text
    encoding of a CSV or TSV file (by default UTF-8, or UTF-16 after its byte order mark).
    ``name`` is what errors call the file (the path by default).  Raises :class:`LogError`
    naming the file for an unknown format, encoding or extension, a missing file, or a file
    that is not what it claims to be.
    """
    label = str(path) if name is None else name
    kind = format_for(path) if format is None else format
    if kind not in FORMATS:
        raise LogError(f"{label}: unknown format {kind!r} (expected one of {', '.join(FORMATS)})")
    if encoding is not None and kind not in _ENCODED:
        raise LogError(
            f"{label}: an encoding applies to CSV and TSV logs only; a {kind} log is read in "
            "its own (JSON is UTF-8, XML declares its encoding, XLSX and Parquet are binary)"
        )
    if not Path(path).is_file():
        raise LogError(f"{label}: no such file; expected an event log")
    if kind in _ENCODED:
        reader = read_tsv if kind == "tsv" else read_csv
        return reader(path, mapping=mapping, default_tz=default_tz, name=label, encoding=encoding)
    if kind == "xes":
        return read_xes(path, mapping=mapping, default_tz=default_tz, name=label)
    if kind == "xlsx":
        return read_xlsx(path, mapping=mapping, default_tz=default_tz, name=label)
    if kind == "parquet":
        return read_parquet(path, mapping=mapping, default_tz=default_tz, name=label)
    if kind == "jsonl":
        return read_jsonl(path, mapping=mapping, default_tz=default_tz, name=label)
    return read_ocel(path, mapping=mapping, default_tz=default_tz, name=label)


def locate(
    path: str | Path,
    events: Sequence[Event],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    format: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
) -> list[Place | None]:
    """Where in the log at ``path`` each of ``events`` is, as an input error there would say.

    The file is read again with :func:`read_path` (``mapping`` and ``default_tz`` as it was
    read before, and ``format``, ``encoding`` and ``name`` too), to the last of ``events`` or
    to its end.  Each event gets the
    :class:`~cx_rules.io.stream.Place` of the first record equal to it that no earlier one of
    ``events`` took (so an event listed twice is found at two records), or ``None`` when there
    is no such record (the file changed, or a value is not equal to itself, such as NaN).
    Raises :class:`LogError` as :func:`read_path` does.
    """
    found: list[Place | None] = [None] * len(events)
    waiting: dict[Event, deque[int]] = {}
    for index, event in enumerate(events):
        waiting.setdefault(event, deque()).append(index)
    left = len(events)
    # Every record whole and placed (an audit's share may be reading this file now).
    placed, whole, built = PLACES.set(True), PARTITION.set(None), OUTLINES.set(False)
    try:
        stream = read_path(
            path,
            mapping=mapping,
            default_tz=default_tz,
            format=format,
            encoding=encoding,
            name=name,
        )
    finally:
        OUTLINES.reset(built)
        PARTITION.reset(whole)
        PLACES.reset(placed)
    try:
        for record in stream:
            if left == 0:
                break
            if isinstance(record, Event):
                indexes = waiting.get(record)
                if indexes:
                    found[indexes.popleft()] = stream.place
                    left -= 1
    finally:
        stream.close()
    return found
