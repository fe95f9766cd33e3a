"""The native JSONL reader: one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, Any, Final

from ..exceptions import InvalidEvent
from ._build import build_event, build_plain, build_share, plain
from ._files import open_text
from .kinds import describe, too_long_number
from .mapping import STANDARD_COLUMNS, LogMapping
from .native import quick_event, quick_outline
from .records import InputError, Record
from .stream import FOREIGN, OUTLINES, PARTITION, PLACES, LogStream, Part, Place, Skip

__all__ = ["read_jsonl"]

_STANDARD: Final = STANDARD_COLUMNS.keys()

# The longest line read with orjson, in characters; longer lines go to :func:`json.loads`.
# orjson allocates about 12 times the line while it parses (json.loads about once): for a
# line of 50 Mi characters that is 600 MiB.  Lines of events are far shorter than this.
_FAST_LINE: Final = 64 * 2**10
# The types of values orjson may read otherwise than json.loads (a whole number beyond 64
# bits as a float), or whose content it does not show at once: such a line goes to json.
_INEXACT: Final = frozenset((float, list, dict))


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
    # What an audit asks of the readers it creates (see PARTITION, OUTLINES and PLACES).
    part, outline, places = PARTITION.get(), OUTLINES.get(), PLACES.get()
    if isinstance(source, str | Path):
        label = name or str(source)
        items = _from_path(Path(source), label, default_tz, mapping, part, outline, places)
    else:
        label = name or str(getattr(source, "name", "<stream>"))
        items = _choose(source, label, default_tz, mapping, part, outline, places)
    stream = LogStream(items, label)
    stream.partitioned = part is not None
    return stream


def _from_path(
    path: Path,
    name: str,
    default_tz: tzinfo | None,
    mapping: LogMapping | None,
    part: Part | None,
    outline: bool,
    places: bool,
) -> Iterator[Record | Skip | Place]:
    with open_text(path, name) as handle:
        yield from _choose(handle, name, default_tz, mapping, part, outline, places)


def _choose(
    handle: IO[str],
    name: str,
    default_tz: tzinfo | None,
    mapping: LogMapping | None,
    part: Part | None,
    outline: bool,
    places: bool,
) -> Iterator[Record | Skip | Place]:
    if part is None:
        return _read(handle, name, default_tz, mapping, outline=outline, places=places)
    return _read_share(handle, name, default_tz, mapping, part, outline=outline)


def _read(
    handle: IO[str],
    name: str,
    default_tz: tzinfo | None,
    mapping: LogMapping | None,
    loads: Callable[[str], Any] | None = None,
    *,
    outline: bool = False,
    places: bool = False,
) -> Iterator[Record | Skip | Place]:
    # outline: yield an Outline of each event instead (typed as records: they read alike);
    # places: yield the Place of each record before it.
    parse = _parser() if loads is None else loads
    mapping = plain(mapping)
    if outline and mapping is None and not places:
        yield from _outlines(handle, name, default_tz, parse, _orjson() if loads is None else None)
        return
    standard = _STANDARD
    quick = quick_event
    number = 0
    for line in handle:
        number += 1
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line or line.isspace():
            continue
        if places:
            yield Place(number, None)
        try:
            data = parse(line)
        except (ValueError, RecursionError) as exc:
            yield InputError(name, number, _not_json(exc))
            continue
        if not isinstance(data, dict):
            yield InputError(name, number, f"expected a JSON object, got {type(data).__name__}")
            continue
        try:
            if mapping is None and standard.isdisjoint(data):
                # A usual record's event is built at once; any other is checked in full.
                built = None if outline else quick(data, default_tz)
                if built is not None:
                    yield built
                    continue
                yield build_plain(data, default_tz, parsed=True, outline=outline)  # type: ignore[misc]
            else:
                yield build_event(data, mapping, default_tz)
        except InvalidEvent as exc:
            yield InputError(name, number, str(exc))


def _outlines(
    handle: IO[str],
    name: str,
    default_tz: tzinfo | None,
    parse: Callable[[str], Any],
    fast: Callable[[str], Any] | None,
) -> Iterator[Record | Skip]:
    # _read for the first pass of an audit, without a mapping: a usual record's outline is
    # taken cheaply (quick_outline); any other record is checked in full, as _read would.
    # fast is orjson's loads (None without it): a flat object it reads as parse would, as
    # parse's guard tells, is outlined at once.
    standard = _STANDARD
    quick = quick_outline
    inexact = _INEXACT
    longest = _FAST_LINE
    number = 0
    for line in handle:
        number += 1
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line or line.isspace():
            continue
        data: Any = None
        if fast is not None and len(line) <= longest:
            try:
                data = fast(line)
            except ValueError:
                data = None
            if (
                type(data) is dict
                and inexact.isdisjoint(map(type, data.values()))
                and line.count('":') == len(data)
            ):
                if standard.isdisjoint(data):
                    found = quick(data, flat=True)
                    if found is not None:
                        yield found  # type: ignore[misc]
                        continue
            else:
                data = None
        if data is None:
            try:
                data = parse(line)
            except (ValueError, RecursionError) as exc:
                yield InputError(name, number, _not_json(exc))
                continue
            if type(data) is dict and standard.isdisjoint(data):
                found = quick(data)
                if found is not None:
                    yield found  # type: ignore[misc]
                    continue
        if not isinstance(data, dict):
            yield InputError(name, number, f"expected a JSON object, got {type(data).__name__}")
            continue
        try:
            if standard.isdisjoint(data):
                yield build_plain(data, default_tz, parsed=True, outline=True)  # type: ignore[misc]
            else:
                yield build_event(data, None, default_tz)
        except InvalidEvent as exc:
            yield InputError(name, number, str(exc))


def _read_share(
    handle: IO[str],
    name: str,
    default_tz: tzinfo | None,
    mapping: LogMapping | None,
    part: Part,
    loads: Callable[[str], Any] | None = None,
    *,
    outline: bool = False,
) -> Iterator[Record | Skip]:
    # _read for one share of an audit: every record of the file keeps its position, and
    # those of other shares come as FOREIGN, most of them without being checked.
    parse = _parser() if loads is None else loads
    mapping = plain(mapping)
    position = -1
    number = 0
    for line in handle:
        number += 1
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line or line.isspace():
            continue
        try:
            data = parse(line)
        except (ValueError, RecursionError) as exc:
            position += 1
            yield (
                InputError(name, number, _not_json(exc))
                if part.owns_position(position)
                else FOREIGN
            )
            continue
        if not isinstance(data, dict):
            position += 1
            if part.owns_position(position):
                yield InputError(name, number, f"expected a JSON object, got {type(data).__name__}")
            else:
                yield FOREIGN
            continue
        built = build_share(
            data, mapping, default_tz, part, position + 1, parsed=True, outline=outline
        )
        if isinstance(built, Skip):
            yield built
            continue
        position += 1
        if built is None:
            yield FOREIGN
        elif isinstance(built, str):
            yield InputError(name, number, built)
        else:
            yield built  # type: ignore[misc]


class _RepeatedKey(ValueError):
    """A JSON object of the line names ``key`` twice: which value is meant is not known."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last value of a repeated key without a word: it is refused here.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return result


#: json.loads, refusing an object that repeats a key.
_loads: Final = json.JSONDecoder(object_pairs_hook=_unique).decode


def _not_json(exc: ValueError | RecursionError) -> str:
    """The message for a line :func:`json.loads` refuses (``exc`` is what it raised)."""
    if isinstance(exc, _RepeatedKey):
        return f"the key {describe(exc.key)} appears twice in one object; expected each key once"
    if isinstance(exc, RecursionError):
        msg: str | None = "nested deeper than Python can read"
    else:
        # json.JSONDecodeError (and orjson's) says what is wrong in ``msg``; a plain
        # ValueError is a number of more digits than Python converts.
        msg = getattr(exc, "msg", None)
        if msg is None:
            return too_long_number(exc) or "not valid JSON; expected one object per line"
    return f"not valid JSON ({msg}); expected one object per line"


def _orjson() -> Callable[[str], Any] | None:
    """orjson's ``loads``, or ``None`` when it is not installed."""
    try:
        from orjson import loads
    except ImportError:
        return None
    return loads


def _parser() -> Callable[[str], Any]:
    """A JSON parser that reads every line as :func:`json.loads` does, the fastest at hand.

    A line whose object repeats a key raises (:class:`_RepeatedKey`, a ``ValueError``)
    rather than keep one of its values.  That is orjson when it is installed (``pip install 'cx-rules[fast]'``), guarded: a line it
    refuses goes to :func:`json.loads` (which reads ``NaN``, lone surrogates and overflowing
    floats, or raises its own error), and so does a line that is not an object of strings,
    whole numbers, booleans and nulls, since orjson reads an integer beyond 64 bits as a
    float where :mod:`json` keeps it exact.  A line longer than 64 Ki characters goes to
    :func:`json.loads` at once, so that memory stays within a few times the longest line.
    """
    try:
        from orjson import loads as fast
    except ImportError:
        return _loads
    standard = _loads
    inexact = _INEXACT
    longest = _FAST_LINE

    def loads(line: str) -> Any:
        if len(line) > longest:
            return standard(line)
        try:
            value = fast(line)
        except ValueError:
            return standard(line)
        if (
            type(value) is dict
            and inexact.isdisjoint(map(type, value.values()))
            # orjson keeps the last of a repeated key: unless every key of this flat object
            # is counted once (as '":'), json reads the line and says so.
            and line.count('":') == len(value)
        ):
            return value
        return standard(line)

    return loads
