"""What the built-in importers share: an export's files read as placed sources, strict field
checks, one source record's translation with its place, the two passes of an import, and
the mappings several systems need (a candidate's application in time, rejection e-mails,
first stage moves, decisions, inferred hires)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple, Protocol, TypeVar, cast

import attrs

from ..events import Activity as A
from ..events import Channel, Event
from ..io.kinds import sized
from ..io.records import InputError
from ..io.stream import Place, Skip
from ..io.tables import read_table, table_format
from .base import (
    ImportItem,
    ImportProblem,
    ImportResult,
    ImportStream,
    InputWarning,
    Partial,
    Translation,
    translated,
)
from .sources import json_records
from .values import identifier, vendor_time

__all__ = [
    "CALL",
    "EMAIL_AFTER",
    "EMAIL_BEFORE",
    "INTERVIEW_KEYS",
    "MESSAGE_KEYS",
    "SLACK",
    "STAGE_CHANGED",
    "At",
    "Key",
    "Source",
    "decision",
    "first_moves",
    "hire",
    "key_of",
    "latest_before",
    "learned",
    "location_channel",
    "obj",
    "one",
    "opt_id",
    "opt_list",
    "opt_text",
    "opt_time",
    "rejection_emails",
    "sized_what",
    "sources",
    "sub",
    "translate_sources",
    "what",
]

#: The activity of a move between a company's own stages (not in the canonical vocabulary).
STAGE_CHANGED: Final = "stage_changed"
#: The evidence keys of messages to and from the candidate: what an export of statuses or
#: stages alone never records (``never=`` of its coverage, with one reason for all).
MESSAGE_KEYS: Final = (
    "rejected.channel",
    "rejected.text",
    "application_acknowledged",
    "status_update_sent",
    "process_info_sent",
    "question_received",
    "question_answered",
    "thank_you_sent",
    "thank_you_sent.channel",
    "feedback_requested",
    "feedback_given",
)
#: The evidence keys of interviews, likewise (``interview_held.started_at`` has a reason of
#: its own: no system records it).
INTERVIEW_KEYS: Final = (
    "interview_scheduled",
    "interview_held",
    "interview_held.delay_minutes",
    "interview_rescheduled",
    "interview_rescheduled.by",
)
#: A note that logs a call to the candidate ("Phone call: ...", "Called ...").
CALL: Final = re.compile(r"^\s*(?:logged\s+)?(?:phone\s+call|call(?:ed)?)\b", re.IGNORECASE)
#: A candidate's record counts for an application at most this long before it was applied to.
SLACK: Final = timedelta(minutes=1)
#: A rejection e-mail is the first e-mail to the candidate from this long before the
#: rejection was recorded (sent with it) to this long after (sent later, or on a schedule).
EMAIL_BEFORE: Final = timedelta(minutes=5)
EMAIL_AFTER: Final = timedelta(days=7)

#: Where a source record (or a part of it) is: the file's position among the inputs, its
#: line and its element.
Key = tuple[int, int | None, str | None]


# -- sources and places ----------------------------------------------------------------------


class Source(NamedTuple):
    """One top-level record of an export file: which file (its position among the inputs and
    its path), where in it, and its value; ``kind`` names what a table's row holds (``"row"``,
    or the table: ``"history"``), ``None`` for a JSON record (told by its shape)."""

    file_index: int
    path: str
    place: Place
    value: Any
    kind: str | None = None


def sources(
    paths: Sequence[str],
    *,
    envelope: str | None = None,
    tables: bool = False,
    columns: Sequence[str] | None = None,
) -> Iterator[Source | InputError]:
    """Every record of the files ``paths``, in order.  JSON documents and JSON Lines give
    their records; a list endpoint's page saved whole (``{envelope: [...], "next": ...}``)
    gives the items of ``envelope`` (element ``data[3]``).  With ``tables``, a table (CSV,
    TSV, XLSX, Parquet: :func:`cx_rules.io.tables.read_table`) gives its rows (kind
    ``"row"``), its header needing ``columns`` when given."""

    def check(header: Sequence[str]) -> str | None:
        missing = [c for c in columns or () if c not in header]
        return ", ".join(missing) if missing else None

    for index, path in enumerate(paths):
        if tables and table_format(path) is not None:
            for row in read_table(path, check_header=check if columns is not None else None):
                if isinstance(row, InputError):
                    yield row
                else:
                    yield Source(index, path, row.place.where(), row.cells, "row")
            continue
        for item in json_records(path):
            if isinstance(item, InputError):
                yield item
                continue
            place, value = item
            if envelope is not None and isinstance(value, dict):
                records = value.get(envelope)
                if isinstance(records, list):
                    for n, record in enumerate(records):
                        yield Source(index, path, sub(place, f".{envelope}[{n}]"), record)
                    continue
            yield Source(index, path, place, value)


def sub(place: Place, suffix: str) -> Place:
    """The place of a part of the record at ``place`` (``.stageChanges[2]``)."""
    return Place(place.line, place.element + suffix if place.element else suffix.lstrip("."))


def key_of(source: Source, place: Place | None = None) -> Key:
    """Where ``source`` (or its part at ``place``) is, as a key that orders and compares."""
    place = source.place if place is None else place
    return (source.file_index, place.line, place.element)


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

    def lacking(self, case_id: str, message: str, reason: str) -> list[ImportItem]:
        """What the export lacks for case ``case_id``: the warning ``message`` here, and
        the case's trace marked partial for ``reason``."""
        return [self.warning(message), Partial(case_id, reason)]

    def skipped(self, reason: str) -> Iterator[ImportItem]:
        """The record here, skipped on purpose: its place, then the skip."""
        yield self.place
        yield Skip(reason)

    def invalid(self, message: str) -> Iterator[ImportItem]:
        """The record here, as one input error: its place, then the error."""
        yield self.place
        yield self.error(message)


# -- strict fields ---------------------------------------------------------------------------


def sized_what(value: Any) -> str:
    """What ``value`` is, with a string's length (``a 14-character string``), for a message
    about a value the importer does not recognise (a status, a stage, an action).

    Never the value itself: a company's own stage may be named after a person ("Call with
    Anna").  The message's place (file, line, record) finds the value in the export.
    """
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"{sized(len(value))} string"
    return what(value)


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
    """An object (a JSON object, a table's row)."""
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


def opt_time(value: Any, where: str, *, blank: bool = False) -> datetime | None:
    """A timestamp with a zone (:func:`~cx_rules.importers.vendor_time`), with null (or a
    missing field) as ``None``; with ``blank``, an empty string too."""
    if value is None or (blank and isinstance(value, str) and not value.strip()):
        return None
    return vendor_time(value, where)


def opt_id(value: Any, where: str) -> str | None:
    """An id (:func:`~cx_rules.importers.identifier`), with null and blank as ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return identifier(value, where)


# -- records and passes ----------------------------------------------------------------------


def one(
    translate: Callable[..., list[ImportItem]], value: Any, at: At, *extra: Any
) -> Iterator[ImportItem]:
    """One source record at ``at``, through :func:`~cx_rules.importers.translated`: its
    place, then what ``translate(value, at, *extra)`` gives, or one input error; a record
    that gives neither an event nor a skip gives a skip, so the counts add up.  (The
    translations are typed as lists of items; they give what a translation may.)"""
    return translated(at.path, at.place, lambda: cast(Translation, translate(value, at, *extra)))


class FirstPass(Protocol):
    """What an importer's first pass builds: it learns every source, then settles."""

    def learn(self, source: Source) -> None: ...

    def settle(self) -> None: ...


IndexT = TypeVar("IndexT", bound=FirstPass)
#: An importer's second pass: every source translated with what the first learned.
TranslateAll = Callable[[Iterator[Source | InputError], IndexT], Iterator[ImportItem]]


def learned(index: IndexT, sources: Iterable[Source | InputError]) -> IndexT:
    """``index`` after the first pass over ``sources`` (input errors are the second's)."""
    for source in sources:
        if not isinstance(source, InputError):
            index.learn(source)
    index.settle()
    return index


def translate_sources(
    translate_all: TranslateAll[IndexT],
    index: IndexT,
    records: Sequence[Source],
    name: str,
    *,
    context: Sequence[Source] = (),
) -> ImportResult:
    """The records of a small export (:meth:`~cx_rules.importers.Importer.translate`),
    both passes over ``records`` (the first also over ``context``), as one result."""
    learned(index, [*records, *context])
    return ImportResult.of(ImportStream(translate_all(iter(records), index), name))


# -- mappings several systems share ----------------------------------------------------------


def latest_before(applications: Iterable[tuple[datetime | None, str]], at: datetime) -> str | None:
    """Of a candidate's applications (time applied, case id), the one applied to most
    recently before ``at`` (a minute's slack), else ``None``."""
    found: str | None = None
    for applied, case_id in sorted(applications, key=lambda a: (a[0] is None, a[0], a[1])):
        if applied is not None and applied - SLACK <= at:
            found = case_id
    return found


K = TypeVar("K", Key, str)


def rejection_emails(
    sent: Iterable[tuple[str | None, datetime, K]],
    rejected_at: Callable[[str], datetime | None],
) -> dict[str, K]:
    """Each rejected case's rejection e-mail: of the messages sent to candidates (case id,
    time, key), in time order, the first from :data:`EMAIL_BEFORE` before the case's
    rejection (``rejected_at(case)``, ``None`` when it was not rejected) to
    :data:`EMAIL_AFTER` after.  Gives each such case's e-mail's key."""
    first: dict[str, K] = {}
    for case_id, at, key in sorted(sent, key=lambda m: (m[1], m[2])):
        if case_id is None or case_id in first:
            continue
        rejected = rejected_at(case_id)
        if rejected is not None and rejected - EMAIL_BEFORE <= at <= rejected + EMAIL_AFTER:
            first[case_id] = key
    return first


def first_moves(moves: Iterable[tuple[str, datetime, Key]]) -> set[Key]:
    """Where each case's first stage move (case id, time, key) is, in time order: the move
    that starts its screening."""
    first: dict[str, Key] = {}
    for case_id, _, key in sorted(moves, key=lambda m: (m[1], _order(m[2]))):
        first.setdefault(case_id, key)
    return set(first.values())


def _order(key: Key) -> tuple[int, int, str]:
    file_index, line, element = key
    return file_index, line or 0, element or ""


def decision(
    case_id: str,
    when: datetime,
    event_id: str,
    *,
    withdrew: bool,
    attributes: dict[str, Any],
    actor: str | None = None,
    message: dict[str, Any] | None = None,
    decided: datetime | None = None,
) -> Event:
    """A rejection, or a withdrawal when the candidate ``withdrew``.  A rejection whose
    record is its e-mail carries the e-mail's ``message`` (text, subject) on the e-mail
    channel, and ``decided_at`` when the decision was recorded at another time; a
    withdrawal has no e-mail."""
    channel = None
    if message is not None and not withdrew:
        attributes = {**attributes, **message}
        channel = Channel.EMAIL.value
        if decided is not None and decided != when:
            attributes["decided_at"] = decided.isoformat()
    return Event(
        case_id,
        A.WITHDRAWN if withdrew else A.REJECTED,
        when,
        event_id=event_id,
        actor=actor,
        channel=channel,
        attributes=attributes,
    )


def hire(case_id: str, when: datetime, event_id: str, offer_id: str | None = None) -> list[Event]:
    """A hire with no offer on record: the offer made and accepted at ``when``, both
    ``inferred`` from the hire (the offer's event id ``offer_id``, else ``event_id-offer``)."""
    inferred = {"inferred": "hired"}
    return [
        Event(
            case_id,
            A.OFFER_MADE,
            when,
            event_id=offer_id or f"{event_id}-offer",
            attributes=inferred,
        ),
        Event(case_id, A.OFFER_ACCEPTED, when, event_id=event_id, attributes=inferred),
    ]


def location_channel(location: str | None) -> str | None:
    """An interview's channel by its location: a link is video, a place a meeting."""
    if location is None:
        return None
    return (Channel.VIDEO if location.lower().startswith("http") else Channel.MEETING).value
