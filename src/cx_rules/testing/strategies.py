"""Hypothesis strategies for events, cases and whole logs, on any process model.

Needs Hypothesis (``pip install 'cx-rules[testing]'`` brings it, with pytest).  The project's
own tests use these same strategies.  Without a model they draw on the model the installed
plugins make (the default model, extended by every ``cx_rules_process_model`` hook), so a
plugin's own activities and stages are generated without being asked for; pass a
:class:`~cx_rules.ProcessModel` (or an :class:`~cx_rules.Engine`, whose model is taken) to
choose another::

    from hypothesis import given
    from cx_rules.testing.strategies import event_sequences

    @given(event_sequences(valid=True))
    def test_never_crashes(cx_engine, events): ...
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - the extra brings it
    raise ImportError(
        "cx_rules.testing.strategies needs Hypothesis: pip install 'cx-rules[testing]'"
    ) from exc

from ..case import Case
from ..engine import Engine
from ..events import ACTIVITIES, Channel, Event
from ..model import ProcessModel, default_model

__all__ = [
    "PAYLOADS",
    "START",
    "ZONES",
    "any_text",
    "attributes",
    "cases",
    "channels",
    "event_sequences",
    "hostile_text",
    "installed_model",
    "json_values",
    "logs",
    "moments",
    "mutated",
    "native_records",
    "process_models",
    "timed_attributes",
    "timestamps",
    "unruly_sequences",
    "vendor_records",
]

#: Zones timestamps are drawn in: fixed offsets and real zones with daylight saving.
ZONES: tuple[tzinfo, ...] = (
    UTC,
    timezone(timedelta(hours=1)),
    timezone(timedelta(hours=-5, minutes=-30)),
    ZoneInfo("Europe/Copenhagen"),
    ZoneInfo("America/New_York"),
)

#: The moment generated logs start at.
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

#: Attribute values of JSON types (nested lists and objects included), as logs carry them.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=6), inner, max_size=2)
    ),
    max_leaves=3,
)

#: A channel: none, a known one, or one no enum knows.
channels: st.SearchStrategy[str | None] = st.one_of(
    st.none(), st.sampled_from([c.value for c in Channel]), st.just("pigeon")
)

_KEYS = (
    "reason",
    "job_id",
    "thanked",
    "template",
    "personal",
    "consent",
    "interview_id",
    "question_id",
    "by",
    "delay_minutes",
    "text",
    "items",
)

#: Free attributes with the names the built-in rules read, and values of any JSON type.
attributes: st.SearchStrategy[dict[str, Any]] = st.dictionaries(
    st.sampled_from(_KEYS), json_values, max_size=2
)


@functools.cache
def installed_model() -> ProcessModel:
    """The process model an :class:`~cx_rules.Engine` built without one uses: the default
    model as the installed plugins' ``cx_rules_process_model`` hooks leave it (found once)."""
    from ..plugins import plugin_manager, resolve_model

    return resolve_model(plugin_manager(), default_model())


def _model_of(model: ProcessModel | Engine | None) -> ProcessModel:
    if model is None:
        return installed_model()
    if isinstance(model, Engine):
        return model.model
    return model


@st.composite
def timestamps(draw: st.DrawFn, after: datetime = START) -> datetime:
    """An aware moment at or after ``after`` (up to 40 days later), in a drawn zone."""
    step = draw(st.integers(min_value=0, max_value=40 * 24 * 60))
    zone = draw(st.sampled_from(ZONES))
    return (after + timedelta(minutes=step)).astimezone(zone)


def event_sequences(
    model: ProcessModel | Engine | None = None,
    *,
    case_id: str = "c1",
    valid: bool | None = None,
    max_size: int = 12,
    start: datetime = START,
    with_attributes: st.SearchStrategy[dict[str, Any]] | None = None,
) -> st.SearchStrategy[list[Event]]:
    """Time-ordered events of one case, on ``model`` (default: :func:`installed_model`,
    found when the strategy is made, not while drawing).

    ``valid=True`` walks the model (every event allowed in its state); ``valid=False`` draws
    activities freely from the model's and the canonical vocabulary (many are illegal);
    ``None`` mixes both, step by step.  Event ids are unique within the case.  Attributes
    are drawn from :data:`attributes` unless ``with_attributes`` is given (for instance
    :data:`timed_attributes`, whose times readers produce).
    """
    return _event_sequences(
        _model_of(model),
        case_id=case_id,
        valid=valid,
        max_size=max_size,
        start=start,
        with_attributes=with_attributes,
    )


@st.composite
def _event_sequences(
    draw: st.DrawFn,
    model: ProcessModel,
    *,
    case_id: str,
    valid: bool | None,
    max_size: int,
    start: datetime,
    with_attributes: st.SearchStrategy[dict[str, Any]] | None,
) -> list[Event]:
    vocabulary = sorted(set(ACTIVITIES) | model.activities)
    size = draw(st.integers(min_value=0, max_value=max_size))
    state = model.initial
    moment = start
    events: list[Event] = []
    for index in range(size):
        allowed = model.allowed(state)
        follow = valid if valid is not None else draw(st.booleans())
        pool = allowed if follow and allowed else vocabulary
        activity = draw(st.sampled_from(pool))
        moment = draw(timestamps(after=moment))
        events.append(
            Event(
                case_id,
                activity,
                moment,
                event_id=f"{case_id}-e{index}",
                channel=draw(channels),
                attributes=draw(attributes if with_attributes is None else with_attributes),
            )
        )
        state = model.next_state(state, activity) or state
    return events


def logs(
    model: ProcessModel | Engine | None = None, *, max_cases: int = 6
) -> st.SearchStrategy[list[Event]]:
    """Events of several cases interleaved in time order, as an exported log is."""
    return _logs(_model_of(model), max_cases=max_cases)


@st.composite
def _logs(draw: st.DrawFn, model: ProcessModel, *, max_cases: int) -> list[Event]:
    count = draw(st.integers(min_value=1, max_value=max_cases))
    merged: list[Event] = []
    for n in range(count):
        merged.extend(draw(event_sequences(model, case_id=f"case-{n}", max_size=12)))
    merged.sort(key=lambda e: e.timestamp)
    return merged


@st.composite
def cases(draw: st.DrawFn, engine: Engine, *, case_id: str = "c1") -> Case:
    """A case built by recording a drawn sequence with ``engine`` (obligations included)."""
    events = draw(event_sequences(engine.model, case_id=case_id))
    case = engine.start(case_id)
    for event in events:
        case = engine.record(case, event).case
    return case


@st.composite
def process_models(draw: st.DrawFn) -> ProcessModel:
    """Valid process models: the default, or the default with extra stages after screening."""
    model = default_model()
    stages = draw(
        st.lists(
            st.sampled_from(["assessment", "reference_check", "case_study"]),
            unique=True,
            max_size=2,
        )
    )
    previous = "screening"
    for stage in stages:
        model = model.extend(
            {
                previous: {f"{stage}_started": stage},
                stage: {
                    "interview_scheduled": "interviewing",
                    "rejected": "rejected",
                    "withdrawn": "withdrawn",
                    "status_update_sent": stage,
                },
            }
        )
        previous = stage
    return model


# -- hostile input ---------------------------------------------------------------------------

#: Values that break careless output code: markup and script for HTML, formula starts for
#: spreadsheets, bidirectional overrides that reorder what a reader sees, terminal escapes,
#: control characters, a lone surrogate (which no UTF-8 encoder accepts) and line breaks.
PAYLOADS: Final[tuple[str, ...]] = (
    "<script>document.title='pwned'</script>",
    '"><img src=x onerror="document.title=\'pwned\'">',
    "</textarea></title><svg onload=alert(1)>",
    "javascript:alert(1)",
    "c1\u202egnp.exe",
    "\u2067isolated\u2069 \u200fmark",
    '=HYPERLINK("http://example.invalid/?x","open")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tindented",
    "\rreturn",
    "\x1b[2J\x1b[31mred\x1b[0m",
    "bell\x07 and nul\x00",
    "lone \ud800 surrogate",
    "line\nbreak",
    "crlf\r\nbreak",
    "quote ' and \" and \\",
    "case 'c-17' in a message",
    "{{first_name}}",
    "\ufeffbom",
    "x" * 300,
)

#: Any string Python can hold: every category of character, lone surrogates included.
any_text: st.SearchStrategy[str] = st.text(st.characters(exclude_categories=()), max_size=24)

#: A string a log may carry into a report: a payload, any text, or both run together.
hostile_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(PAYLOADS),
    any_text,
    st.tuples(any_text, st.sampled_from(PAYLOADS)).map("".join),
)


def moments(zones: Sequence[tzinfo] = ZONES) -> st.SearchStrategy[datetime]:
    """Aware moments anywhere from the year 1 to 9999, in one of ``zones``.

    Wall times skipped by a daylight-saving change (``2026-03-29T02:30`` in Copenhagen) and
    those it repeats are drawn too.  The first and last day of the range are left out so that
    converting to any zone of :data:`ZONES` stays within what :class:`datetime` can hold.
    """
    return st.datetimes(
        min_value=datetime(1, 1, 3),
        max_value=datetime(9999, 12, 29),
        timezones=st.sampled_from(list(zones)),
        allow_imaginary=True,
    )


#: Attributes of every kind a reader produces, times included: ``scheduled_for`` and
#: ``started_at`` are aware datetimes, as readers type them.
timed_attributes: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "scheduled_for": timestamps(),
        "started_at": timestamps(),
        "reason": st.text(max_size=12),
        "thanked": st.booleans(),
        "delay_minutes": st.integers(min_value=0, max_value=600),
        "items": st.lists(st.text(max_size=6), max_size=3),
    },
)


def unruly_sequences(
    model: ProcessModel | Engine | None = None,
    *,
    case_id: str = "c1",
    max_size: int = 12,
) -> st.SearchStrategy[list[Event]]:
    """Events of one case as a careless source sends them: in any order, at any moment of
    the years 1 to 9999, with activities no model knows, retried events (the same event
    twice), reused event ids (another event under an id already sent), hostile text in
    every free field and attributes of any JSON type.
    """
    return _unruly_sequences(_model_of(model), case_id=case_id, max_size=max_size)


@st.composite
def _unruly_sequences(
    draw: st.DrawFn, model: ProcessModel, *, case_id: str, max_size: int
) -> list[Event]:
    vocabulary = sorted(set(ACTIVITIES) | model.activities | {"moved_to_folder"})
    near = st.integers(min_value=-3 * 24 * 60, max_value=40 * 24 * 60).map(
        lambda minutes: START + timedelta(minutes=minutes)
    )
    size = draw(st.integers(min_value=0, max_value=max_size))
    events: list[Event] = []
    for index in range(size):
        if events and draw(st.integers(min_value=0, max_value=5)) == 0:
            earlier = draw(st.sampled_from(events))
            if draw(st.booleans()):
                events.append(earlier)  # a retry: the same event again
                continue
            event_id = earlier.event_id  # the same id on another event
        else:
            event_id = draw(st.one_of(st.none(), st.just(f"{case_id}-e{index}")))
        moment = draw(st.one_of(near, moments()))
        events.append(
            Event(
                case_id,
                draw(st.sampled_from(vocabulary)),
                moment,
                event_id=event_id,
                actor=draw(st.one_of(st.none(), hostile_text.filter(bool))),
                channel=draw(st.one_of(channels, hostile_text.filter(bool))),
                attributes=draw(
                    st.dictionaries(
                        st.sampled_from(_KEYS), st.one_of(json_values, hostile_text), max_size=3
                    )
                ),
            )
        )
    return events


#: A timestamp field as exports write it: ISO 8601 with or without an offset or a ``Z``,
#: in the years 1 to 9999, or something else altogether.
_TIMESTAMP_FIELDS: Final = st.one_of(
    timestamps().map(datetime.isoformat),
    moments().map(datetime.isoformat),
    timestamps().map(lambda t: t.replace(tzinfo=None).isoformat()),
    timestamps().map(lambda t: t.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"),
    st.sampled_from(["", "next tuesday", "2026-02-30T10:00:00+01:00", "2026-03-29T02:30:00"]),
    st.integers(),
    st.none(),
)


@st.composite
def native_records(draw: st.DrawFn, *, case_ids: Sequence[str] = ("c1", "c2")) -> dict[str, Any]:
    """A record of the native format (a JSON object of one JSONL line), good or broken.

    About half are valid events; the others lack a required field, give it the wrong type,
    or carry a timestamp without a zone or not a timestamp at all.  Free fields hold
    :data:`hostile_text`.
    """
    record: dict[str, Any] = {
        "case_id": draw(st.one_of(st.sampled_from(list(case_ids)), st.integers(0, 9))),
        "activity": draw(st.sampled_from([*ACTIVITIES[:8], "rejected", "moved_to_folder"])),
        "timestamp": draw(timestamps()).isoformat(),
    }
    if draw(st.booleans()):
        broken = draw(st.sampled_from(["case_id", "activity", "timestamp"]))
        choice = draw(st.integers(min_value=0, max_value=2))
        if choice == 0:
            del record[broken]
        elif broken == "timestamp":
            record[broken] = draw(_TIMESTAMP_FIELDS)
        else:
            record[broken] = draw(st.one_of(st.none(), st.just(""), json_values))
    for key in ("event_id", "actor", "channel"):
        if draw(st.booleans()):
            record[key] = draw(st.one_of(hostile_text, st.integers(), st.none()))
    record.update(
        draw(st.dictionaries(st.sampled_from(_KEYS), st.one_of(json_values, hostile_text)))
    )
    return record


def vendor_records(
    fields: Sequence[str], values: Sequence[Any] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects shaped like a vendor's records, for an importer's property tests: keys
    drawn from ``fields`` (the vendor's documented field names, nested objects too), values
    from ``values`` (documented enums and timestamps, good and bad), :data:`json_values` and
    :data:`hostile_text`, nested a few levels deep.  Such a record must give an importer
    events and input errors, never another exception."""
    keys = st.sampled_from(list(fields))
    scalars = st.one_of(
        st.sampled_from(list(values)) if values else st.nothing(),
        json_values,
        hostile_text,
        st.integers(-5, 10**13),
    )
    nested = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=6)
        ),
        max_leaves=12,
    )
    return st.dictionaries(keys, nested, max_size=8)


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes]) -> bytes:
    """One of ``seeds`` with a few random edits: bytes replaced, inserted, deleted or
    repeated, or the end cut off; the way files get damaged, and the way a mutation fuzzer
    explores a format near its valid inputs.
    """
    data = bytearray(draw(st.sampled_from(list(seeds))))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        edit = draw(st.sampled_from(["replace", "insert", "delete", "repeat", "cut"]))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        if edit == "replace" and at < len(data):
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif edit == "insert":
            data[at:at] = draw(st.one_of(st.binary(max_size=8), st.sampled_from(_SPLICES)))
        elif edit == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=16))]
        elif edit == "repeat":
            data[at:at] = data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif edit == "cut":
            del data[at:]
    return bytes(data)


# Fragments that matter to the formats: quoting, nesting, escapes, entities, line ends.
_SPLICES: Final = (
    b'"',
    b",",
    b";",
    b"\r\n",
    b"\n",
    b"{",
    b"[",
    b"]}",
    b'\\ud800"',
    b"&lt;",
    b"&#0;",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"<![CDATA[",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x1f\x8b",
    b"NaN",
    b"1e999",
    b"-0",
    b"9999-12-31T23:59:59-23:59",
)
