import sys
from datetime import UTC, datetime

import pytest

from cx_rules import InvalidEvent, NaiveTimestamp
from cx_rules.io.kinds import KINDS, Kind, coerce, describe, parse_moment, sized, too_long_number


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("thanked", "True", True),
        ("template", " false ", False),
        ("personal", "1", True),
        ("consent", False, False),
        ("delay_minutes", " 45 ", 45),
        ("delay_minutes", 7, 7),
        ("items", '["cv", "letter"]', ["cv", "letter"]),
        ("items", ["cv"], ["cv"]),
        ("started_at", "2026-03-02T09:30:00Z", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("scheduled_for", None, None),
        ("reason", "anything", "anything"),
        ("job_id", 12, 12),
    ],
)
def test_values_are_typed_by_kind(name, value, expected):
    assert expected == coerce(name, value)
    assert type(expected) is type(coerce(name, value))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("thanked", "yes", "attribute 'thanked': expected true or false, got a 3-character text"),
        ("thanked", 1, "attribute 'thanked': expected true or false, got a whole number"),
        (
            "delay_minutes",
            True,
            "attribute 'delay_minutes': expected a whole number, got a boolean",
        ),
        (
            "delay_minutes",
            "4.5",
            "attribute 'delay_minutes': expected a whole number, got a 3-character text",
        ),
        ("items", '{"a": 1}', "attribute 'items': expected a JSON list, got an 8-character text"),
        ("items", 3, "attribute 'items': expected a JSON list, got a whole number"),
        (
            "scheduled_for",
            "next week",
            "attribute 'scheduled_for': a 9-character text is not an ISO 8601 time with an offset "
            "(expected e.g. 2026-03-02T09:30:00+01:00)",
        ),
        (
            "scheduled_for",
            5,
            "attribute 'scheduled_for': expected an ISO 8601 timestamp, got a whole number",
        ),
    ],
)
def test_bad_values_name_the_attribute_and_kind(name, value, message):
    with pytest.raises(InvalidEvent) as info:
        coerce(name, value)
    assert message == str(info.value)


def test_naive_timestamps_need_a_default_zone():
    with pytest.raises(NaiveTimestamp):
        coerce("started_at", "2026-03-02T09:30:00")
    assert datetime(2026, 3, 2, 9, 30, tzinfo=UTC) == coerce(
        "started_at", "2026-03-02T09:30:00", UTC
    )


@pytest.mark.parametrize("zone", [None, UTC])
@pytest.mark.parametrize(
    "text", ["2026-03-02+05:00", "2026-03-02Z", "2026-03-02+05:00+01:00", "2026-W10-05:00"]
)
def test_a_date_with_a_zone_but_no_time_is_refused_with_or_without_a_default_zone(text, zone):
    # Once read as midnight (or 05:00) without a zone, then given the default zone, or a
    # ValueError for '2026-03-02Z'.
    message = (
        f"attribute 'started_at': {sized(len(text))} text is not an ISO 8601 time with an "
        "offset "
        "(expected e.g. 2026-03-02T09:30:00+01:00)"
    )
    with pytest.raises(InvalidEvent) as info:
        coerce("started_at", text, zone)
    assert str(info.value) == message
    with pytest.raises(InvalidEvent):
        parse_moment(text, "attribute 'started_at'", zone)


def test_a_number_of_too_many_digits_is_named_with_its_length():
    limit = sys.get_int_max_str_digits()
    with pytest.raises(ValueError, match="Exceeds the limit") as info:
        int("1" * (limit + 1))

    assert too_long_number(info.value) == (
        f"a number of {limit + 1} digits, too long to read; expected whole numbers of at most "
        f"{limit} digits"
    )
    assert too_long_number(ValueError("invalid literal for int()")) is None


def test_describe_never_quotes_long_or_multiline_text():
    assert describe("short") == "'short'"
    assert describe("x" * 30) == "a 30-character text"
    assert describe("a\nb") == "a 3-character text"
    assert describe({}) == "a dict"


def test_the_table_is_the_documented_one():
    assert dict(KINDS) == {
        "thanked": Kind.BOOLEAN,
        "template": Kind.BOOLEAN,
        "personal": Kind.BOOLEAN,
        "consent": Kind.BOOLEAN,
        "delay_minutes": Kind.INTEGER,
        "scheduled_for": Kind.TIMESTAMP,
        "started_at": Kind.TIMESTAMP,
        "items": Kind.LIST,
    }
