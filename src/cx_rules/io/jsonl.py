"""The native JSONL reader: one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO

from ..exceptions import InvalidEvent
from .native import event_from_dict
from .records import InputError, Record

__all__ = ["read_jsonl"]


def read_jsonl(
    source: str | Path | IO[str],
    *,
    default_tz: tzinfo | None = None,
    name: str | None = None,
) -> Iterator[Record]:
    """Stream the events of a native JSONL file, one record per non-blank line.

    Yields an :class:`~cx_rules.Event` per good line and an
    :class:`~cx_rules.io.records.InputError` (with the 1-based line number) per bad one, then
    goes on: nothing is lost and nothing stops the stream.  ``source`` is a path or an open
    text stream; ``name`` is what errors call the file (the path by default).
    """
    if isinstance(source, str | Path):
        path = Path(source)
        with path.open(encoding="utf-8", newline="") as handle:
            yield from _read(handle, name or str(path), default_tz)
    else:
        yield from _read(source, name or str(getattr(source, "name", "<stream>")), default_tz)


def _read(handle: IO[str], name: str, default_tz: tzinfo | None) -> Iterator[Record]:
    for number, line in enumerate(handle, start=1):
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
            yield event_from_dict(data, default_tz=default_tz)
        except InvalidEvent as exc:
            yield InputError(name, number, str(exc))
