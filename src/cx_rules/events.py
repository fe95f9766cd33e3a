"""Events: what happened to one candidate's application, when, and how."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, Final

import attrs

from .exceptions import InvalidEvent, NaiveTimestamp

__all__ = [
    "ACTIVITIES",
    "PERSONAL_CHANNELS",
    "Activity",
    "Channel",
    "Event",
    "FrozenDict",
    "FrozenList",
    "is_missing",
    "parse_timestamp",
]


class Activity(enum.StrEnum):
    """The canonical activities of a recruitment process (snake_case).

    Events carry activities as plain strings; this enum names the ones the built-in process
    model and rules know.  A company's own process model may add more.
    """

    APPLICATION_RECEIVED = "application_received"
    APPLICATION_ACKNOWLEDGED = "application_acknowledged"
    PROCESS_INFO_SENT = "process_info_sent"
    SCREENING_STARTED = "screening_started"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEW_RESCHEDULED = "interview_rescheduled"
    INTERVIEW_HELD = "interview_held"
    QUESTION_RECEIVED = "question_received"
    QUESTION_ANSWERED = "question_answered"
    STATUS_UPDATE_SENT = "status_update_sent"
    FEEDBACK_REQUESTED = "feedback_requested"
    FEEDBACK_GIVEN = "feedback_given"
    OFFER_MADE = "offer_made"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    REJECTED = "rejected"
    THANK_YOU_SENT = "thank_you_sent"
    TALENT_POOL_OFFERED = "talent_pool_offered"
    TALENT_POOL_JOINED = "talent_pool_joined"
    WITHDRAWN = "withdrawn"
    DATA_DELETED = "data_deleted"


#: Every canonical activity name, in the order of the process.
ACTIVITIES: Final[tuple[str, ...]] = tuple(a.value for a in Activity)


class Channel(enum.StrEnum):
    """How a message reached the candidate.

    Events keep the channel as the string they were given: an unknown channel is an error
    only in strict mode (see :class:`~cx_rules.Engine`).
    """

    PHONE = "phone"
    VIDEO = "video"
    MEETING = "meeting"
    EMAIL = "email"
    LETTER = "letter"
    PORTAL = "portal"
    SMS = "sms"


#: Channels on which the candidate meets a person rather than a message.
PERSONAL_CHANNELS: Final[frozenset[str]] = frozenset(
    {Channel.PHONE, Channel.VIDEO, Channel.MEETING}
)


#: The earliest and (exclusive) latest instant an event may have: a day inside the years
#: 1-9999, so that every time zone (offsets are less than a day) can show it as a date.
EARLIEST: Final = datetime(1, 1, 2, tzinfo=UTC)
LATEST: Final = datetime(9999, 12, 31, tzinfo=UTC)
# Only moments in these years can fall outside the range: the cheap test comes first.
_EDGE_YEARS: Final = frozenset((1, 9999))


class OutOfRange(InvalidEvent):
    """A timestamp outside :data:`EARLIEST` to :data:`LATEST` (see :func:`check_range`)."""


def check_range(value: datetime, where: str = "timestamp") -> datetime:
    """``value`` (aware) when it lies from :data:`EARLIEST` up to :data:`LATEST`, else raise
    :class:`~cx_rules.InvalidEvent` naming ``where``."""
    if value.year in _EDGE_YEARS and not EARLIEST <= value < LATEST:
        # The message names the place, never the time: it came from the input.
        raise OutOfRange(
            f"{where}: the time is outside the range every time zone can show; expected "
            "an instant from 0001-01-02T00:00:00Z to before 9999-12-31T00:00:00Z"
        )
    return value


# What separates the date and the time of a timestamp: ISO 8601's ``T``, or RFC 3339's
# lower-case ``t`` or space.
_TIME_SEPARATORS: Final = frozenset("Tt ")


def parse_timestamp(value: str | datetime, *, where: str = "timestamp") -> datetime:
    """Return an aware :class:`~datetime.datetime` for an ISO 8601 string or a datetime.

    Raises :class:`~cx_rules.NaiveTimestamp` when the value has no zone offset and
    :class:`~cx_rules.InvalidEvent` when it is not a timestamp at all (or a time outside
    the calendar: month 13, ``24:00``, a leap second ``23:59:60``); ``where`` names the
    field in the message.  A date with a zone but no time (``2026-03-02+01:00``,
    ``2026-03-02Z``) is not a timestamp.  No message quotes the value: it names ``where``,
    describes the value by its kind and length (``a 20-character text``) and says what was
    expected, since a misplaced column may put a name or an e-mail address there.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
            if _TIME_SEPARATORS.isdisjoint(text):
                # Python 3.11+ takes any character after the date for the separator, so
                # '2026-03-02+05:00' reads as 05:00 without a zone.  Without T or a space,
                # only a date (midnight, without a zone) is a timestamp.
                date.fromisoformat(text)
        except ValueError:
            from .io.kinds import shape  # io imports this module: not at the top

            raise InvalidEvent(
                f"{where}: {shape(value)} is not an ISO 8601 timestamp "
                "(expected e.g. 2026-03-02T09:30:00+01:00)"
            ) from None
        value = parsed
    elif not isinstance(value, datetime):
        raise InvalidEvent(
            f"{where}: expected an ISO 8601 string or a datetime, got {type(value).__name__}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveTimestamp(
            f"{where}: the time has no time zone; give an offset "
            "(2026-03-02T09:30:00+01:00) or set assume_timezone in the policy"
        )
    return check_range(value, where)


def _timestamp(value: str | datetime) -> datetime:
    try:
        return parse_timestamp(value)
    except NaiveTimestamp as exc:
        # Built in Python, an event has no policy to take a zone from: say so, rather than
        # send the caller to an assume_timezone that only the readers apply.
        raise NaiveTimestamp(
            "timestamp: the time has no time zone; an Event needs an aware timestamp (give "
            "an offset, 2026-03-02T09:30:00+01:00, or a tzinfo). The policy's "
            "assume_timezone applies to logs cx-rules reads (audit, read_path, "
            "read_dataframe), not to events built in Python"
        ) from exc


_READ_ONLY: Final = "an event's attributes are read-only (build a new Event instead)"


def _refuse(self: object, *args: object, **kwargs: object) -> Any:
    raise TypeError(_READ_ONLY)


class FrozenList(list[Any]):
    """A list that refuses every change (``TypeError``): a list value of event attributes.

    It equals, prints, iterates and serializes as the list it holds."""

    __slots__ = ()
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))


class FrozenDict(dict[str, Any]):
    """A dict that refuses every change (``TypeError``): an object value in an event's
    attributes.  It equals, prints and serializes as the dict it holds."""

    __slots__ = ()
    pop = popitem = clear = update = setdefault = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))


_MUTABLE: Final = frozenset((list, dict))
# The values of an event without attributes: shared, since nothing ever writes to it.
_NONE: Final[dict[str, Any]] = {}


def _freeze(value: Any) -> Any:
    # Lists and dicts (at any depth) become their frozen kinds; anything else is kept.
    kind = type(value)
    if kind is FrozenList or kind is FrozenDict:
        return value
    if isinstance(value, list):
        return FrozenList([_freeze(item) for item in value])
    if isinstance(value, dict):
        return FrozenDict({key: _freeze(item) for key, item in value.items()})
    return value


def freeze_values(value: Mapping[str, Any]) -> dict[str, Any]:
    """A private copy of ``value`` whose lists and dicts (at any depth) are a
    :class:`FrozenList` and a :class:`FrozenDict`: what an event keeps as its attributes."""
    if not value:
        return _NONE
    if _MUTABLE.isdisjoint(map(type, value.values())):
        return dict(value)
    try:
        return {key: _freeze(item) for key, item in value.items()}
    except RecursionError:
        raise InvalidEvent(
            "attributes: nested too deeply (expected at most 100 levels of lists and objects)"
        ) from None


def identity(value: Any) -> Any:
    """The key two attribute values are compared by for event identity: equal keys mean the
    same value, as JSON states it: of one type (``True`` is not ``1``, ``1`` is not
    ``1.0``), ``NaN`` the same as ``NaN``, objects whatever the order of their keys."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, float):
        return (float, "nan") if value != value else (float, value)
    if isinstance(value, int):
        return (int, value)
    if isinstance(value, list | tuple):
        return (list, tuple(identity(item) for item in value))
    if isinstance(value, Mapping):
        return (dict, frozenset((key, identity(item)) for key, item in value.items()))
    return (kind, value)


def _attributes_identity(value: Mapping[str, Any]) -> Any:
    return frozenset((key, identity(item)) for key, item in value.items()) if value else None


def _kind_of(value: object) -> str:
    # What a message says of a wrong value: its type, never the value, which may be message
    # text or a whole record put in the wrong field.
    return "''" if value == "" else "None" if value is None else f"a {type(value).__name__}"


def _non_empty_str(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidEvent(f"{attribute.name}: expected a non-empty string, got {_kind_of(value)}")


def _optional_str(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidEvent(f"{attribute.name}: expected a string or None, got {_kind_of(value)}")


def is_missing(value: object) -> bool:
    """Whether an attribute value counts as absent: ``None``, or a blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


@attrs.frozen(repr=False)
class Event:
    """One thing that happened in one case, at one moment.

    ``timestamp`` must be timezone-aware; an ISO 8601 string is parsed.  ``attributes`` holds
    everything else the source recorded (``reason``, ``interview_id``, ``items``, ...); it is
    read-only in fact (a read-only view, its lists and dicts a :class:`FrozenList` and a
    :class:`FrozenDict`): changing it raises ``TypeError``, so a rule cannot change the event
    it is shown.

    Two events are equal (the same event: a retry, not a conflict) when their case ids,
    activities, event ids, actors and channels are equal, their timestamps name the same
    instant (whatever the offset), and their attributes have the same names with values
    equal as JSON states them: of one type (``True`` is not ``1``, ``1`` is not ``1.0``),
    ``NaN`` equal to ``NaN``, objects whatever the order of their keys (see
    :func:`identity`).
    """

    case_id: str = attrs.field(validator=_non_empty_str)
    activity: str = attrs.field(validator=_non_empty_str)
    timestamp: datetime = attrs.field(converter=_timestamp)
    event_id: str | None = attrs.field(default=None, kw_only=True, validator=_optional_str)
    actor: str | None = attrs.field(default=None, kw_only=True, validator=_optional_str)
    channel: str | None = attrs.field(default=None, kw_only=True, validator=_optional_str)
    # Given as ``attributes=``; kept as a private dict that nothing hands out for writing.
    _values: dict[str, Any] = attrs.field(
        factory=dict,
        kw_only=True,
        alias="attributes",
        converter=freeze_values,
        hash=False,
        eq=_attributes_identity,
    )

    @property
    def attributes(self) -> Mapping[str, Any]:
        """The event's attributes, as a read-only view (``dict(event.attributes)`` for a
        copy); their lists and dicts are read-only too."""
        return MappingProxyType(self._values)

    def get(self, name: str, default: Any = None) -> Any:
        """The value of a field or attribute by name, or ``default`` when it is missing.

        ``channel``, ``actor`` and ``event_id`` are looked up on the event itself; a blank
        string counts as missing.
        """
        if name in ("channel", "actor", "event_id"):
            value = getattr(self, name)
        else:
            value = self._values.get(name)
        return default if is_missing(value) else value

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={v!r}"
            for k, v in (
                ("event_id", self.event_id),
                ("actor", self.actor),
                ("channel", self.channel),
            )
            if v is not None
        )
        if self._values:
            extra += f", attributes={self._values!r}"
        return f"Event({self.case_id!r}, {self.activity!r}, {self.timestamp.isoformat()!r}{extra})"

    def describe(self) -> str:
        """A short label for messages: activity, time and (when known) channel."""
        label = f"{self.activity} at {self.timestamp.isoformat()}"
        if self.channel:
            label += f" by {self.channel}"
        return label


_new = object.__new__
# The slots' own setters: they write a frozen instance's fields without its __setattr__.
_SET_CASE_ID, _SET_ACTIVITY, _SET_TIMESTAMP, _SET_EVENT_ID, _SET_ACTOR, _SET_CHANNEL, _SET_ATTRS = (
    vars(Event)[a.name].__set__ for a in attrs.fields(Event)
)


def _event(
    case_id: str,
    activity: str,
    timestamp: datetime,
    event_id: str | None,
    actor: str | None,
    channel: str | None,
    attributes: dict[str, Any],
) -> Event:
    """``Event(case_id, activity, timestamp, event_id=..., ...)`` for values already checked.

    The readers check every field as they read it; this builds the event without the
    validators and converters, several times faster.  The caller guarantees what they would
    have: ``case_id`` and ``activity`` are non-empty strings, ``timestamp`` is aware, the three
    optional fields are strings or ``None``, and ``attributes`` is a new dict the event may
    keep.  The result equals the event the checked constructor builds.
    """
    event = _new(Event)
    _SET_CASE_ID(event, case_id)
    _SET_ACTIVITY(event, activity)
    _SET_TIMESTAMP(event, timestamp)
    _SET_EVENT_ID(event, event_id)
    _SET_ACTOR(event, actor)
    _SET_CHANNEL(event, channel)
    # The dict is the event's own: only lists and dicts in it need freezing.
    if _MUTABLE.isdisjoint(map(type, attributes.values())):
        _SET_ATTRS(event, attributes)
    else:
        _SET_ATTRS(event, freeze_values(attributes))
    return event
