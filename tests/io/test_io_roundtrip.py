import io
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx_rules import Event
from cx_rules.io import (
    InputError,
    LogMapping,
    read_ocel,
    read_path,
    write_csv,
    write_jsonl,
    write_ocel,
    write_xes,
)
from cx_rules.testing.strategies import timestamps

WRITERS = {".jsonl": write_jsonl, ".csv": write_csv, ".xes": write_xes, ".json": write_ocel}
CPH = ZoneInfo("Europe/Copenhagen")

LOG = [
    Event(
        "c1",
        "application_received",
        datetime(2026, 3, 2, 9, 30, tzinfo=CPH),
        event_id="e1",
        actor="ann",
        channel="portal",
        attributes={
            "job_id": "j7",
            "items": ["experience", "Danish, written"],
            "scheduled_for": datetime(2026, 3, 5, 14, 0, tzinfo=timezone(timedelta(hours=-5))),
        },
    ),
    Event(
        "c2",
        "rejected",
        datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
        event_id="e2",
        channel="email",
        attributes={
            "thanked": True,
            "template": False,
            "delay_minutes": 90,
            "reason": 'Tak, "men" nej & <måske>\r\nnæste gang',
        },
    ),
    Event("c1", "rejected", datetime(2026, 3, 9, 8, 0, tzinfo=UTC), event_id="e3"),
]


def _by_case(events):
    # XES and OCEL group events by case; within a case the order is kept.
    return sorted(events, key=lambda e: e.case_id)


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_every_format_reads_back_the_events_it_wrote(tmp_path, suffix):
    path = tmp_path / f"log{suffix}"
    assert WRITERS[suffix](LOG, path) == 3
    assert _by_case(LOG) == _by_case(read_path(path))


def test_csv_can_stream_with_given_columns():
    out = io.StringIO()
    write_csv(iter(LOG[1:]), out, columns=["thanked", "template", "delay_minutes", "reason"])
    assert out.getvalue().startswith(
        "case_id,activity,timestamp,event_id,actor,channel,thanked,template,delay_minutes,reason\r\n"
        "c2,rejected,2026-03-03T10:00:00+00:00,e2,,email,true,false,90,"
    )
    with pytest.raises(ValueError, match=r"^event 1 \(case 'c1'\): attribute 'items' is not"):
        write_csv(LOG, io.StringIO(), columns=[])


def test_ocel_merges_flattened_events_and_names_new_ids(tmp_path):
    shared = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    events = [
        Event("a1", "rejected", shared, event_id="x"),
        Event("a2", "rejected", shared, event_id="x"),
        Event("a3", "withdrawn", shared),
        Event("a3", "data_deleted", shared, event_id="e1"),
    ]
    path = tmp_path / "log.json"
    assert write_ocel(events, path, object_type="applicant") == 3
    back = list(read_ocel(path, mapping=LogMapping(object_type="applicant")))
    assert [
        Event("a1", "rejected", shared, event_id="x"),
        Event("a2", "rejected", shared, event_id="x"),
        Event("a3", "withdrawn", shared, event_id="e2"),
        Event("a3", "data_deleted", shared, event_id="e1"),
    ] == back
    clash = [events[0], Event("a2", "withdrawn", shared, event_id="x")]
    with pytest.raises(ValueError, match=r"^event id 'x' is used by two different events$"):
        write_ocel(clash, io.StringIO())


def test_xml_refuses_control_characters():
    event = Event("c1", "rejected", datetime(2026, 3, 9, tzinfo=UTC), attributes={"x": "a\x07"})
    with pytest.raises(ValueError, match=r"^XML cannot carry the control character U\+0007$"):
        write_xes([event], io.StringIO())


# Values every format carries exactly: non-blank text, and the known kinds with their types.
_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n\r"),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() != "")
_ids = st.text("abcxyz0123456789-[]:", min_size=1, max_size=6)
_values = {
    "reason": _text,
    "job_id": _ids,
    "thanked": st.booleans(),
    "consent": st.booleans(),
    "delay_minutes": st.integers(min_value=-(2**40), max_value=2**40),
    "items": st.lists(_text, max_size=3),
    "started_at": timestamps(),
}
_attributes = st.fixed_dictionaries({}, optional=_values)


@st.composite
def _logs(draw):
    size = draw(st.integers(min_value=0, max_value=8))
    events = []
    for number in range(size):
        events.append(
            Event(
                draw(_ids),
                draw(st.sampled_from(["application_received", "rejected", "assign recruiter"])),
                draw(timestamps()),
                event_id=f"e{number}",
                actor=draw(st.none() | _ids),
                channel=draw(st.none() | st.sampled_from(["email", "phone", "pigeon"])),
                attributes=draw(_attributes),
            )
        )
    return events


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=_logs())
def test_round_trips_agree_in_every_format(tmp_path, events):
    for suffix, writer in WRITERS.items():
        path = tmp_path / f"log{suffix}"
        writer(events, path)
        back = list(read_path(path))
        assert [r for r in back if isinstance(r, InputError)] == [], suffix
        assert _by_case(events) == _by_case(back), suffix
