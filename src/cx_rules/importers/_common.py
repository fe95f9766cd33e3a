"""What the Lever, Merge and Odoo importers share: checked values, places, one record's
translation with its place, list envelopes, and candidates' applications in time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

import attrs

from ..events import Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from .base import ImportItem, ImportProblem, InputWarning
from .sources import json_records

__all__ = [
    "CALL",
    "At",
    "Source",
    "envelope_records",
    "latest_before",
    "obj",
    "one",
    "opt_list",
    "opt_text",
    "sub",
    "what",
]

#: A note that logs a call to the candidate ("Phone call: ...", "Called ...").
CALL: Final = re.compile(r"^\s*(?:logged\s+)?(?:phone\s+call|call(?:ed)?)\b", re.IGNORECASE)
# A candidate's record counts for an application at most this long before it was applied to.
_SLACK: Final = timedelta(minutes=1)


class Source(NamedTuple):
    """One record of an export file: which file (its position among the inputs and its
    path), where in it, and its value."""

    file_index: int
    path: str
    place: Place
    value: Any


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
        return At(self.path, sub(self.place, suffix))


def sub(place: Place, suffix: str) -> Place:
    """The place of a part of the record at ``place`` (``.stageChanges[2]``)."""
    return Place(place.line, place.element + suffix if place.element else suffix.lstrip("."))


def what(value: Any) -> str:
    """What ``value`` is, for a message (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportProblem(f"{where}: expected an object, got {what(value)}")
    return value


def opt_list(value: Any, where: str) -> list[Any]:
    """A list, with null (or a missing field) as an empty one."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem(f"{where}: expected a list, got {what(value)}")
    return value


def opt_text(value: Any, where: str) -> str | None:
    """A string, stripped, with null and blank as ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: expected a string or null, got {what(value)}")
    return value.strip() or None


def one(
    translate: Callable[..., list[ImportItem]], value: Any, at: At, *extra: Any
) -> Iterator[ImportItem]:
    """One source record: its place, then its items, or one input error; a record that
    gives neither an event nor an error gives a skip, so the counts add up."""
    yield at.place
    try:
        items = translate(value, at, *extra)
    except ImportProblem as exc:
        yield at.error(str(exc))
        return
    if not any(isinstance(i, Event | InputError | Skip) for i in items):
        items.append(Skip("a record with nothing to import"))
    yield from items


def envelope_records(paths: Sequence[str], envelope: str) -> Iterator[Source | InputError]:
    """Every record of the JSON files ``paths``: a list endpoint's page saved whole
    (``{envelope: [...], "next": ...}``) gives its items (element ``data[3]``); any other
    top-level value gives itself."""
    for index, path in enumerate(paths):
        for item in json_records(path):
            if isinstance(item, InputError):
                yield item
                continue
            place, value = item
            if isinstance(value, dict) and isinstance(value.get(envelope), list):
                for n, record in enumerate(value[envelope]):
                    yield Source(index, path, sub(place, f".{envelope}[{n}]"), record)
            else:
                yield Source(index, path, place, value)


def latest_before(applications: Iterable[tuple[datetime | None, str]], at: datetime) -> str | None:
    """Of a candidate's applications (time applied, case id), the one applied to most
    recently before ``at`` (a minute's slack), else ``None``."""
    found: str | None = None
    for applied, case_id in sorted(applications, key=lambda a: (a[0] is None, a[0], a[1])):
        if applied is not None and applied - _SLACK <= at:
            found = case_id
    return found
