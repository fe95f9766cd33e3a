"""What the SmartRecruiters, Teamtailor and Workable importers share: reading an export's
files as placed sources, strict field checks, and one source record's translation wrapped so
that it gives events, one input error or one skip (the counts add up)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import attrs

from ..events import Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from ..io.tables import read_table, table_format
from .base import ImportItem, ImportProblem, InputWarning
from .sources import json_records
from .values import identifier, vendor_time

__all__ = [
    "At",
    "Key",
    "Source",
    "key_of",
    "obj",
    "one",
    "optional_id",
    "optional_text",
    "optional_time",
    "seq",
    "sources",
    "sub",
    "what",
]

#: Where a source record is: the file's position among the inputs, its line and element.
Key = tuple[int, int | None, str | None]


class Source(NamedTuple):
    """One top-level record of an export file (``table`` is true for a CSV row)."""

    file_index: int
    path: str
    place: Place
    table: bool
    value: Any


def sources(
    paths: Sequence[str], columns: Sequence[str] | None = None
) -> Iterator[Source | InputError]:
    """Every record of the files ``paths``, in order: JSON documents or JSON Lines record by
    record, and, when the system has a table (whose header needs ``columns``), tables (CSV,
    TSV, XLSX, Parquet: :func:`cx_rules.io.tables.read_table`) row by row.  Without
    ``columns`` every file is read as JSON."""

    def check(header: Sequence[str]) -> str | None:
        missing = [c for c in columns or () if c not in header]
        return ", ".join(missing) if missing else None

    for index, path in enumerate(paths):
        if columns is not None and table_format(path) is not None:
            for row in read_table(path, check_header=check):
                if isinstance(row, InputError):
                    yield row
                else:
                    yield Source(index, path, row.place.where(), True, row.cells)
        else:
            for item in json_records(path):
                if isinstance(item, InputError):
                    yield item
                else:
                    yield Source(index, path, item[0], False, item[1])


@attrs.frozen
class At:
    """Where a record is, to place its errors and warnings."""

    path: str
    place: Place

    def warning(self, message: str) -> InputWarning:
        return InputWarning(self.path, self.place.line, message, self.place.element)

    def error(self, message: str) -> InputError:
        return InputError(self.path, self.place.line, message, self.place.element)

    def within(self, suffix: str) -> At:
        """The place of an element inside this record (``.data[2]``)."""
        return At(self.path, sub(self.place, suffix))


def sub(place: Place, suffix: str) -> Place:
    return Place(place.line, place.element + suffix if place.element else suffix.lstrip("."))


def key_of(source: Source, place: Place) -> Key:
    return (source.file_index, place.line, place.element)


def one(translate: Callable[[], list[ImportItem]], at: At) -> Iterator[ImportItem]:
    """One source record: its place, then its items, or one input error when ``translate``
    raises :class:`ImportProblem`; a record that gives neither an event nor an error gives a
    skip, so the counts add up."""
    yield at.place
    try:
        items = translate()
    except ImportProblem as exc:
        yield at.error(str(exc))
        return
    if not any(isinstance(i, Event | InputError | Skip) for i in items):
        items.append(Skip("a record with nothing to import"))
    yield from items


def what(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportProblem(f"{where}: expected an object, got {what(value)}")
    return value


def seq(value: Any, where: str) -> list[Any]:
    """A list, or an empty one for null or a missing field."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem(f"{where}: expected a list, got {what(value)}")
    return value


def optional_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: expected a string or null, got {what(value)}")
    return value.strip() or None


def optional_time(value: Any, where: str) -> datetime | None:
    """A timestamp with a zone, or ``None`` for null, a missing field or an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return vendor_time(value, where)


def optional_id(value: Any, where: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return identifier(value, where)
