"""The XES reader (IEEE 1849): a ``<log>`` of ``<trace>``s of ``<event>``s, parsed safely.

The file is parsed with :mod:`xml.parsers.expat` from the standard library, fed in chunks, so
memory stays flat however long the log is (one tag may hold at most :data:`MAX_TAG`).  A
document type declaration is refused before anything in it is read: XES needs none, and
refusing it shuts out external entities (nothing is ever fetched) and entity-expansion bombs
alike.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, Any, Final
from xml.parsers import expat

import attrs

from ..exceptions import InvalidEvent
from ._build import LIFECYCLE, build_event, lifecycle_skip
from ._files import Readable, gzip_hint, open_binary, read_error
from .kinds import describe, parse_moment, shape
from .mapping import LogMapping, check_nesting
from .records import InputError, LogError, Record
from .stream import PLACES, LogStream, Place, Skip

__all__ = ["CASE_PREFIX", "MAX_TAG", "read_xes"]

#: Trace attributes reach each event under this prefix, as in pm4py's flat tables: the
#: trace's ``concept:name`` becomes ``case:concept:name``, the case id.
CASE_PREFIX: Final = "case:"

#: The longest XML tag the reader takes, in bytes (8 MiB): an attribute of message text is a
#: few kilobytes.  Expat holds an unfinished tag whole and scans it again with every chunk, so
#: without a limit a tag that never ends would cost memory and quadratic time.
MAX_TAG: Final = 8 * 2**20

_CHUNK: Final = 1 << 16
_IDENTITY: Final = LogMapping()
_SCALARS: Final = frozenset({"string", "date", "int", "float", "boolean", "id"})
_COLLECTIONS: Final = frozenset({"list", "container"})
# The encodings an XML declaration may name (as codecs names them): expat's own, and the
# single-byte Western ones older exporters write.  Any other name would hand the bytes to
# whatever Python codec has it, and some of those are not text codecs at all.
_ENCODINGS: Final = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii", "iso8859-1", "iso8859-15", "cp1252"}
)


def read_xes(
    source: str | Path | IO[bytes],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
) -> LogStream:
    """Stream the events of an XES file, one record per ``<event>``.

    Each event's attributes are typed by their XES element (``string``, ``date``, ``int``,
    ``float``, ``boolean``, ``id``; a ``list`` becomes a Python list of its values, a
    ``container`` a dict) and then by :data:`~cx_rules.io.kinds.KINDS`.  Its trace's
    attributes are added with the ``case:`` prefix, so the trace's ``concept:name`` is the
    case id.  ``<global>`` defaults, classifiers, extensions and nested meta-attributes are
    ignored.  Dates with an offset keep the instant they name; dates without one get
    ``default_tz`` or are input errors.  An event whose ``lifecycle:transition`` is set and is
    not ``complete`` is skipped and counted in
    :attr:`~cx_rules.io.stream.LogStream.skipped`.

    A bad event is an :class:`~cx_rules.io.records.InputError` whose ``line`` is where the
    event starts and whose ``element`` reads ``trace 3 (case c17), event 7`` (1-based).
    Raises :class:`~cx_rules.io.records.LogError` naming the file and line for a file that is
    not well-formed XML, whose root is not ``<log>``, that declares a DOCTYPE or an encoding
    other than UTF-8, UTF-16, ISO-8859-1, ISO-8859-15, windows-1252 or US-ASCII, or that holds
    a tag longer than :data:`MAX_TAG`.  Events before such a fault have already been yielded.
    A path ending in ``.gz`` is decompressed.
    """
    places = PLACES.get()  # see PLACES
    if isinstance(source, str | Path):
        label = name or str(source)
        return LogStream(_from_path(Path(source), label, mapping, default_tz, places), label)
    label = name or str(getattr(source, "name", "<stream>"))
    return LogStream(_parse(source, label, mapping, default_tz, places), label)


def _from_path(
    path: Path, name: str, mapping: LogMapping | None, default_tz: tzinfo | None, places: bool
) -> Iterator[Record | Skip | Place]:
    with open_binary(path, name) as handle:
        try:
            yield from _parse(handle, name, mapping, default_tz, places)
        except LogError as exc:
            hint = gzip_hint(path)
            if not hint:
                raise
            raise LogError(f"{exc}{hint}") from None


def _parse(
    handle: Readable,
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    places: bool = False,
) -> Iterator[Record | Skip | Place]:
    builder = _Builder(name, mapping, default_tz, places)
    parser = builder.parser
    fed = 0
    while True:
        try:
            chunk = handle.read(_CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            raise read_error(name, exc) from None
        try:
            parser.Parse(chunk, not chunk)
        except expat.ExpatError as exc:
            # Some of expat's messages repeat "not well-formed (...)": say it once.
            reason = expat.errors.messages[exc.code]
            reason = reason.removeprefix("not well-formed (").removesuffix(")")
            raise LogError(
                f"{name}:{exc.lineno}: not well-formed XML ({reason}); expected an XES log"
            ) from None
        fed += len(chunk)
        if fed - builder.mark > MAX_TAG:
            raise LogError(
                f"{name}:{parser.CurrentLineNumber}: more than {MAX_TAG // 2**20} MiB without "
                "a complete XML tag; expected an XES log"
            )
        yield from builder.take()
        if not chunk:
            break


@attrs.define
class _Attribute:
    """An attribute element being read: its key, type and (for collections) children."""

    kind: str
    key: str
    value: Any
    depth: int


@attrs.define
class _Builder:
    """Expat callbacks that turn XES elements into records, kept until :meth:`take`."""

    name: str
    mapping: LogMapping | None
    default_tz: tzinfo | None
    #: Whether to put the Place of each record before it (see PLACES).
    places: bool = False
    parser: Any = attrs.field(init=False)
    _done: list[Record | Skip | Place] = attrs.field(init=False, factory=list)
    _path: list[str] = attrs.field(init=False, factory=list)
    _trace: dict[str, Any] | None = attrs.field(init=False, default=None)
    _trace_number: int = attrs.field(init=False, default=0)
    _event: dict[str, Any] | None = attrs.field(init=False, default=None)
    _event_number: int = attrs.field(init=False, default=0)
    _event_line: int = attrs.field(init=False, default=0)
    _problem: str | None = attrs.field(init=False, default=None)
    _trace_problem: str | None = attrs.field(init=False, default=None)
    _open: list[_Attribute] = attrs.field(init=False, factory=list)
    #: How many events outside any trace have been found.
    _stray: int = attrs.field(init=False, default=0)
    #: The byte offset of the last tag expat finished: how far the parse has got.
    mark: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        # Nothing external is ever read, and any DTD is refused at its first byte.
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.XmlDeclHandler = self._declaration
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self.parser = parser

    def take(self) -> list[Record | Skip | Place]:
        """The records finished since the last call."""
        done, self._done = self._done, []
        return done

    # -- refusals ----------------------------------------------------------------------------

    def _refuse(self, what: str) -> None:
        raise LogError(
            f"{self.name}:{self.parser.CurrentLineNumber}: {what} refused; an XES log needs "
            "none, and entities could read other files or expand without bound"
        )

    def _declaration(self, version: str, encoding: str | None, standalone: int) -> None:
        # Called before expat looks the encoding up, so an unreadable one never reaches it.
        if encoding is None:
            return
        try:
            known = codecs.lookup(encoding).name in _ENCODINGS
        except LookupError:
            known = False
        if not known:
            raise LogError(
                f"{self.name}:{self.parser.CurrentLineNumber}: the XML declaration names the "
                f"encoding {describe(encoding)}, which cannot be read; expected UTF-8 "
                "(or UTF-16, ISO-8859-1, ISO-8859-15, windows-1252, US-ASCII)"
            )

    def _doctype(self, *_: object) -> None:
        self._refuse("DOCTYPE declaration")

    def _entity(self, *_: object) -> None:
        self._refuse("ENTITY declaration")

    def _external(self, *_: object) -> int:
        self._refuse("external entity")
        return 0

    # -- elements ----------------------------------------------------------------------------

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        self.mark = self.parser.CurrentByteIndex
        local = tag.rpartition(" ")[2]
        depth = len(self._path)
        self._path.append(local)
        if depth == 0:
            if local != "log":
                raise LogError(
                    f"{self.name}:{self.parser.CurrentLineNumber}: root element is "
                    f"<{local}>, expected <log> (an XES log)"
                )
            return
        parent = self._path[depth - 1]
        if local == "trace" and depth == 1:
            self._trace = {}
            self._trace_problem = None
            self._trace_number += 1
            self._event_number = 0
            return
        if local == "event" and parent == "trace" and depth == 2:
            self._event = {}
            self._event_number += 1
            self._event_line = self.parser.CurrentLineNumber
            self._problem = self._trace_problem
            return
        if local == "event" and not any(a.kind == "stray" for a in self._open):
            self._stray_event(parent, depth)
            return
        if self._open:
            self._start_nested(local, attributes, depth)
            return
        if local in _SCALARS | _COLLECTIONS and parent in ("trace", "event"):
            self._start_attribute(local, attributes, depth)

    def _stray_event(self, parent: str, depth: int) -> None:
        # An <event> anywhere but log/trace/event is not read (inside an event it would
        # overwrite the event's own attributes), but it is a record: one input error.
        line = self.parser.CurrentLineNumber
        inside = f"inside <{parent}>"
        if self._event is not None:
            element = f"{self._element()}, an event inside it"
        elif self._trace is not None:
            element = f"trace {self._trace_number}, an event inside <{parent}>"
        else:
            self._stray += 1
            element = f"event {self._stray} outside any trace"
        if self.places:
            self._done.append(Place(line, element))
        self._done.append(
            InputError(
                self.name,
                line,
                f"an <event> {inside} is not read; expected events directly in a <trace> "
                "(log/trace/event)",
                element,
            )
        )
        # Its elements are passed over until it closes, as a meta-attribute's are (events
        # inside it are part of it, not reported again).
        self._open.append(_Attribute("stray", "", None, depth))

    def _start_attribute(self, local: str, attributes: dict[str, str], depth: int) -> None:
        key = attributes.get("key")
        if key is None:
            self._note(f"a <{local}> attribute has no key")
            return
        if local in _COLLECTIONS:
            value: Any = [] if local == "list" else {}
        else:
            value = self._scalar(local, key, attributes)
        self._open.append(_Attribute(local, key, value, depth))

    def _start_nested(self, local: str, attributes: dict[str, str], depth: int) -> None:
        owner = self._open[-1]
        if owner.kind not in _COLLECTIONS | {"values"}:
            # Meta-attributes of a scalar: ignored, but their elements must still close.
            self._open.append(_Attribute("meta", "", None, depth))
            return
        if local == "values" and owner.kind == "list" and depth == owner.depth + 1:
            self._open.append(_Attribute("values", "", owner.value, depth))
            return
        if local not in _SCALARS | _COLLECTIONS:
            self._open.append(_Attribute("meta", "", None, depth))
            return
        self._start_attribute(local, attributes, depth)

    def _scalar(self, kind: str, key: str, attributes: dict[str, str]) -> Any:
        raw = attributes.get("value")
        where = f"{self._place_kind()} attribute {key!r} ({kind})"
        if raw is None:
            self._note(f"{where}: has no value")
            return None
        if kind in ("string", "id"):
            return raw
        if kind == "date":
            try:
                return parse_moment(raw, where, self.default_tz)
            except InvalidEvent as exc:
                self._note(str(exc))
                return None
        if kind == "int":
            try:
                return int(raw.strip(), 10)
            except ValueError:
                self._note(f"{where}: expected an integer, got {shape(raw)}")
                return None
        if kind == "float":
            try:
                return float(raw)
            except ValueError:
                self._note(f"{where}: expected a number, got {shape(raw)}")
                return None
        text = raw.strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        self._note(f"{where}: expected true or false, got {shape(raw)}")
        return None

    def _end(self, tag: str) -> None:
        self.mark = self.parser.CurrentByteIndex
        depth = len(self._path) - 1
        local = self._path.pop()
        if self._open and self._open[-1].depth == depth:
            self._close_attribute(self._open.pop())
            return
        if local == "event" and depth == 2 and self._event is not None:
            self._finish_event(self._event)
            self._event = None
        elif local == "trace" and depth == 1:
            self._trace = None

    def _close_attribute(self, attribute: _Attribute) -> None:
        if attribute.kind in ("meta", "values", "stray"):
            return
        if self._open:
            owner = self._open[-1]
            if isinstance(owner.value, list):
                owner.value.append(attribute.value)
            elif isinstance(owner.value, dict):
                owner.value[attribute.key] = attribute.value
            return
        if self._event is not None:
            self._event[attribute.key] = attribute.value
        elif self._trace is not None:
            self._trace[CASE_PREFIX + attribute.key] = attribute.value

    def _finish_event(self, attributes: dict[str, Any]) -> None:
        element = self._element()
        if self.places:
            self._done.append(Place(self._event_line, element))
        skip = self._lifecycle_skip(attributes)
        if skip is not None:
            self._done.append(skip)
            return
        if self._problem is not None:
            self._done.append(InputError(self.name, self._event_line, self._problem, element))
            return
        record = dict(self._trace or {})
        record.update({k: v for k, v in attributes.items() if v is not None})
        try:
            check_nesting(record)
            self._done.append(build_event(record, self.mapping, self.default_tz))
        except InvalidEvent as exc:
            self._done.append(InputError(self.name, self._event_line, str(exc), element))

    def _lifecycle_skip(self, attributes: dict[str, Any]) -> Skip | None:
        # Decided before any problem is reported: a start event with a bad date is still
        # an event that does not count, not an error.
        mapping = self.mapping or _IDENTITY
        for key, value in attributes.items():
            if mapping.column(key) == LIFECYCLE and isinstance(value, str):
                return lifecycle_skip(value)
        return None

    # -- places ------------------------------------------------------------------------------

    def _note(self, problem: str) -> None:
        """Remember the first problem of the current event, or of the current trace (which
        every later event of the trace then carries)."""
        if self._event is None:
            if self._trace_problem is None:
                self._trace_problem = problem
        elif self._problem is None:
            self._problem = problem

    def _place_kind(self) -> str:
        return "event" if self._event is not None else "trace"

    def _element(self) -> str:
        case = (self._trace or {}).get(CASE_PREFIX + "concept:name")
        label = f"trace {self._trace_number}"
        if isinstance(case, str) and case:
            label += f" (case {case})"
        return f"{label}, event {self._event_number}"
