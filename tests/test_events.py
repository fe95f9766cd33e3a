from datetime import UTC, datetime, timedelta

import pytest

from cx_rules import ACTIVITIES, Activity, Channel, Event, InvalidEvent, NaiveTimestamp
from cx_rules.events import is_missing, parse_timestamp
from cx_rules.io.kinds import sized


def test_event_parses_iso_strings_with_offsets():
    event = Event("c1", "application_received", "2026-03-02T09:30:00+01:00")
    assert event.timestamp == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert event.timestamp.utcoffset() == timedelta(hours=1)


def test_z_suffix_means_utc():
    assert parse_timestamp("2026-03-02T09:30:00Z") == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_naive_timestamp_is_an_error_that_says_so():
    with pytest.raises(NaiveTimestamp) as info:
        Event("c1", "rejected", "2026-03-02T09:30:00")
    assert str(info.value) == (
        "timestamp: the time has no time zone; an Event needs an aware timestamp "
        "(give an offset, 2026-03-02T09:30:00+01:00, or a tzinfo). The policy's "
        "assume_timezone applies to logs cx-rules reads (audit, read_path, read_dataframe), "
        "not to events built in Python"
    )
    assert isinstance(info.value, ValueError)


def test_naive_datetime_is_refused_too():
    with pytest.raises(NaiveTimestamp):
        Event("c1", "rejected", datetime(2026, 3, 2, 9, 30))


def test_garbage_timestamp():
    with pytest.raises(InvalidEvent) as info:
        Event("c1", "rejected", "yesterday")
    assert str(info.value) == (
        "timestamp: a 9-character text is not an ISO 8601 timestamp "
        "(expected e.g. 2026-03-02T09:30:00+01:00)"
    )


@pytest.mark.parametrize("field", ["case_id", "activity"])
def test_required_strings(field):
    kwargs = {"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00+00:00"}
    kwargs[field] = ""
    with pytest.raises(InvalidEvent) as info:
        Event(**kwargs)
    assert str(info.value) == f"{field}: expected a non-empty string, got ''"


def test_attributes_are_copied_and_get_treats_blank_as_missing():
    source = {"reason": "  ", "job_id": "j1"}
    event = Event("c1", "rejected", "2026-03-02T09:30:00+00:00", channel="", attributes=source)
    source["job_id"] = "changed"
    assert event.get("job_id") == "j1"
    assert event.get("reason") is None
    assert event.get("channel", "n/a") == "n/a"
    assert is_missing(None)
    assert not is_missing(0)


def test_events_compare_by_value_and_hash_without_attributes():
    a = Event("c1", "rejected", "2026-03-02T09:30:00+00:00", attributes={"reason": "x"})
    b = Event("c1", "rejected", "2026-03-02T10:30:00+01:00", attributes={"reason": "x"})
    assert a == b
    assert hash(a) == hash(b)


def test_vocabulary():
    assert ACTIVITIES[0] == "application_received"
    assert len(ACTIVITIES) == len(set(ACTIVITIES)) == 21
    assert Activity.REJECTED == "rejected"
    assert [c.value for c in Channel] == [
        "phone",
        "video",
        "meeting",
        "email",
        "letter",
        "portal",
        "sms",
    ]


def test_repr_and_describe():
    event = Event("c1", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC), channel="phone")
    assert repr(event) == "Event('c1', 'rejected', '2026-03-02T09:30:00+00:00', channel='phone')"
    assert event.describe() == "rejected at 2026-03-02T09:30:00+00:00 by phone"


@pytest.mark.parametrize(
    "text", ["2026-03-02+05:00", "2026-03-02Z", "2026-03-02-05:00", "20260302+0500", "2026-W10-1Z"]
)
def test_a_date_with_a_zone_but_no_time_is_not_a_timestamp(text):
    # Python 3.11 reads '2026-03-02+05:00' as 05:00 without a zone (any character may
    # separate the date and the time), and '2026-03-02+00:00' as midnight.
    with pytest.raises(InvalidEvent) as info:
        parse_timestamp(text)
    assert str(info.value) == (
        f"timestamp: {sized(len(text))} text is not an ISO 8601 timestamp "
        "(expected e.g. 2026-03-02T09:30:00+01:00)"
    )


@pytest.mark.parametrize(
    "text", ["2026-03-02T09:30:00+01:00", "2026-03-02 09:30+01:00", "2026-03-02t08:30Z"]
)
def test_the_date_and_the_time_are_separated_by_t_or_a_space(text):
    assert parse_timestamp(text) == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def test_another_character_between_the_date_and_the_time_is_refused():
    with pytest.raises(InvalidEvent, match="is not an ISO 8601 timestamp"):
        parse_timestamp("2026-03-02x09:30:00+01:00")


def test_a_date_alone_is_midnight_without_a_zone():
    with pytest.raises(NaiveTimestamp, match=r"^timestamp: the time has no time zone"):
        parse_timestamp("2026-03-02")
