"""The native JSONL reader: one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO

from ..exceptions import InvalidEvent
from ._build import build_event
from ._files import open_text
from .mapping import LogMapping
from .records import InputError, Record
from .stream import LogStream, Skip

__all__ = ["read_jsonl"]


def read_jsonl(
    source: str | Path | IO[str],
    *,
    default_tz: tzinfo | None = None,
    name: str | None = None,
    mapping: LogMapping | None = None,
) -> LogStream:
    """Stream the events of a native JSONL file, one record per non-blank line.

    Yields an :class:`~cx_rules.Event` per good line and an
    :class:`~cx_rules.io.records.InputError` (with the 1-based line number) per bad one, then
    goes on: nothing is lost and nothing stops the stream.  ``source`` is a path or an open
    text stream; ``name`` is what errors call the file (the path by default).  ``mapping``
    renames keys, activities and values first.  Lines are read one at a time.
    """
    if isinstance(source, str | Path):
        label = name or str(source)
        return LogStream(_from_path(Path(source), label, default_tz, mapping), label)
    label = name or str(getattr(source, "name", "<stream>"))
    return LogStream(_read(source, label, default_tz, mapping), label)


def _from_path(
    path: Path, name: str, default_tz: tzinfo | None, mapping: LogMapping | None
) -> Iterator[Record | Skip]:
    with open_text(path, name) as handle:
        yield from _read(handle, name, default_tz, mapping)


def _read(
    handle: IO[str], name: str, default_tz: tzinfo | None, mapping: LogMapping | None
) -> Iterator[Record | Skip]:
    for number, line in enumerate(handle, start=1):
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            msg = getattr(exc, "msg", "not valid JSON")
            yield InputError(name, number, f"not valid JSON ({msg}); expected one object per line")
            continue
        if not isinstance(data, dict):
            yield InputError(name, number, f"expected a JSON object, got {type(data).__name__}")
            continue
        try:
            yield build_event(data, mapping, default_tz)
        except InvalidEvent as exc:
            yield InputError(name, number, str(exc))
