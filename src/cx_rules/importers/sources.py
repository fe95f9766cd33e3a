"""Reading export files as vendor records, each with its place.

JSON exports come as a document (a list endpoint's page is an array; a single GET an object)
or as JSON Lines (``.jsonl``, ``.ndjson``, or a ``.json`` file holding one value per line, as
many export scripts write); tables come as CSV.  Files whose name ends in ``.gz`` are
decompressed as they are read; every file is read as UTF-8 (a byte order mark is dropped).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ..io._files import COMPRESSED, open_text
from ..io.records import InputError, LogError
from ..io.stream import Place

__all__ = ["JSON_SUFFIXES", "TABLE_SUFFIXES", "csv_rows", "json_records", "suffix_of"]

#: Suffixes read as JSON (a document or JSON Lines).
JSON_SUFFIXES: Final = (".json", ".jsonl", ".ndjson")
#: Suffixes read as tables.
TABLE_SUFFIXES: Final = (".csv",)
_LINES: Final = (".jsonl", ".ndjson")


def suffix_of(path: str) -> str:
    """The suffix that says what ``path`` holds, lower case, ``.gz`` looked through."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes[-1:] == [COMPRESSED]:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def json_records(path: str) -> Iterator[tuple[Place, Any] | InputError]:
    """Every top-level record of the JSON file ``path``, with its place.

    A document whose top level is an array gives its items (element ``[i]``, 0-based); any
    other document gives itself (no element).  JSON Lines give one record per non-blank line
    (``line``); a line that is not JSON is an :class:`~cx_rules.io.records.InputError`.
    Raises :class:`~cx_rules.io.records.LogError` for a missing file, one that is not UTF-8,
    and a document that is not JSON.
    """
    file = Path(path)
    if not file.is_file():
        raise LogError(f"{path}: no such file; expected an export file")
    with open_text(file, path) as handle:
        if suffix_of(path) in _LINES:
            yield from _lines(handle, path)
            return
        text = handle.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one value per line, named .json
            yield from _lines(iter(text.splitlines(keepends=True)), path)
            return
        raise LogError(
            f"{path}:{exc.lineno}: not JSON ({exc.msg}, column {exc.colno}); expected an "
            "export as a JSON document or JSON Lines"
        ) from None
    except RecursionError:
        raise LogError(f"{path}: JSON nested too deeply to be an export") from None
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield Place(None, f"[{index}]"), item
    else:
        yield Place(None, None), document


def _lines(lines: Any, path: str) -> Iterator[tuple[Place, Any] | InputError]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(path, number, f"not JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            yield InputError(path, number, "JSON nested too deeply")
            continue
        yield Place(number, None), value


def csv_rows(
    path: str, required: Sequence[str]
) -> Iterator[tuple[Place, dict[str, str]] | InputError]:
    """Every row of the CSV file ``path`` as a dict by header name, with its line.

    Raises :class:`~cx_rules.io.records.LogError` for a missing or unreadable file and one
    whose header lacks a column of ``required`` (naming them).  A row with more cells than
    the header is an :class:`~cx_rules.io.records.InputError`.
    """
    file = Path(path)
    if not file.is_file():
        raise LogError(f"{path}: no such file; expected an export file")
    with open_text(file, path) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise LogError(f"{path}:1: not CSV ({exc})") from None
        if header is None:
            raise LogError(f"{path}: empty; expected a header with {', '.join(required)}")
        names = [h.strip() for h in header]
        missing = [c for c in required if c not in names]
        if missing:
            raise LogError(
                f"{path}:1: the header lacks {', '.join(missing)} "
                f"(expected the columns {', '.join(required)})"
            )
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield InputError(path, reader.line_num, f"not CSV ({exc})")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(names):
                yield InputError(
                    path, reader.line_num, f"{len(row)} cells, but the header has {len(names)}"
                )
                continue
            yield Place(reader.line_num, None), dict(zip(names, row, strict=False))
