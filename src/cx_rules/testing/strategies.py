"""Hypothesis strategies for events, cases and whole logs, on any process model.

Needs Hypothesis (``pip install 'cx-rules[test]'``).  The project's own tests use these same
strategies; a plugin author passes an extended :class:`~cx_rules.ProcessModel` to test rules
on their own stages::

    from hypothesis import given
    from cx_rules.testing.strategies import event_sequences

    @given(event_sequences(my_model, valid=True))
    def test_never_crashes(events): ...
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from ..case import Case
from ..engine import Engine
from ..events import ACTIVITIES, Channel, Event
from ..model import ProcessModel, default_model

__all__ = [
    "START",
    "ZONES",
    "attributes",
    "cases",
    "channels",
    "event_sequences",
    "json_values",
    "logs",
    "process_models",
    "timestamps",
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


@st.composite
def timestamps(draw: st.DrawFn, after: datetime = START) -> datetime:
    """An aware moment at or after ``after`` (up to 40 days later), in a drawn zone."""
    step = draw(st.integers(min_value=0, max_value=40 * 24 * 60))
    zone = draw(st.sampled_from(ZONES))
    return (after + timedelta(minutes=step)).astimezone(zone)


@st.composite
def event_sequences(
    draw: st.DrawFn,
    model: ProcessModel | None = None,
    *,
    case_id: str = "c1",
    valid: bool | None = None,
    max_size: int = 12,
    start: datetime = START,
) -> list[Event]:
    """Time-ordered events of one case.

    ``valid=True`` walks the model (every event allowed in its state); ``valid=False`` draws
    activities freely from the model's and the canonical vocabulary (many are illegal);
    ``None`` mixes both, step by step.  Event ids are unique within the case.
    """
    model = model or default_model()
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
                attributes=draw(attributes),
            )
        )
        state = model.next_state(state, activity) or state
    return events


@st.composite
def logs(draw: st.DrawFn, model: ProcessModel | None = None, *, max_cases: int = 6) -> list[Event]:
    """Events of several cases interleaved in time order, as an exported log is."""
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
