"""Hypothesis strategies shared by the test suite: events, sequences and cases.

Every new feature extends this module rather than writing its own generators.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from cx_rules import ACTIVITIES, Channel, Event, ProcessModel, default_model

ZONES = (
    UTC,
    timezone(timedelta(hours=1)),
    timezone(timedelta(hours=-5, minutes=-30)),
    ZoneInfo("Europe/Copenhagen"),
    ZoneInfo("America/New_York"),
)

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

#: Attribute values of JSON types, as logs carry them.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.text(max_size=20),
)

channels = st.one_of(st.none(), st.sampled_from(list(Channel)).map(str), st.just("pigeon"))

attributes = st.dictionaries(
    st.sampled_from(
        [
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
        ]
    ),
    json_scalars,
    max_size=4,
)


@st.composite
def timestamps(draw: st.DrawFn, after: datetime = START) -> datetime:
    """An aware moment at or after ``after`` (up to ~40 days later), in a drawn zone."""
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
    max_size: int = 25,
) -> list[Event]:
    """Time-ordered events of one case.

    ``valid=True`` walks the model (every event allowed in its state); ``valid=False`` draws
    activities freely (many are illegal); ``None`` mixes both, step by step.
    """
    model = model or default_model()
    vocabulary = sorted(set(ACTIVITIES) | model.activities)
    size = draw(st.integers(min_value=0, max_value=max_size))
    state = model.initial
    moment = START
    events: list[Event] = []
    for index in range(size):
        allowed = model.allowed(state)
        follow = valid if valid is not None else draw(st.booleans())
        if follow and allowed:
            activity = draw(st.sampled_from(allowed))
        else:
            activity = draw(st.sampled_from(vocabulary))
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
    """Events of several cases, interleaved in time order (as an exported log is)."""
    count = draw(st.integers(min_value=1, max_value=max_cases))
    merged: list[Event] = []
    for n in range(count):
        merged.extend(draw(event_sequences(model, case_id=f"case-{n}", max_size=12)))
    merged.sort(key=lambda e: e.timestamp)
    return merged


@st.composite
def process_models(draw: st.DrawFn) -> ProcessModel:
    """Valid process models: the default, or the default with extra stages."""
    model = default_model()
    extra = draw(
        st.lists(
            st.sampled_from(["assessment", "reference_check", "case_study"]),
            unique=True,
            max_size=2,
        )
    )
    previous = "screening"
    for stage in extra:
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
