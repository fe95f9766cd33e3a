"""Business days and calendar days: weekends, holidays and daylight-saving changes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import NaiveTimestamp, Policy
from cx_rules.calendar import BusinessCalendar
from cx_rules.testing.strategies import timestamps

CPH = ZoneInfo("Europe/Copenhagen")
# Danish public holidays around Easter 2026: Maundy Thursday, Good Friday, Easter Monday.
EASTER_2026 = (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def calendar(**kwargs: object) -> BusinessCalendar:
    return BusinessCalendar(timezone=CPH, **kwargs)  # type: ignore[arg-type]


class _Everything:
    """A holiday source that calls every day a holiday."""

    def __contains__(self, day: object) -> bool:
        return True


# -- business days ------------------------------------------------------------------------


def test_two_business_days_keep_the_wall_clock_time():
    assert at("2026-03-04T17:00:00+01:00") == calendar().add_business_days(
        at("2026-03-02T17:00:00+01:00"), 2
    )


def test_the_result_is_in_the_calendars_zone():
    due = calendar().add_business_days(at("2026-03-02T16:00:00+00:00"), 1)
    assert (due.tzinfo, due.isoformat()) == (CPH, "2026-03-03T17:00:00+01:00")


def test_a_friday_deadline_skips_the_weekend():
    assert at("2026-03-09T17:00:00+01:00") == calendar().add_business_days(
        at("2026-03-06T17:00:00+01:00"), 1
    )


def test_a_weekend_start_counts_from_monday_midnight():
    assert at("2026-03-11T00:00:00+01:00") == calendar().add_business_days(
        at("2026-03-07T15:00:00+01:00"), 2
    )


def test_the_weekend_is_judged_in_the_calendars_zone():
    # 23:30 UTC on Friday is already Saturday in Copenhagen.
    assert at("2026-03-10T00:00:00+01:00") == calendar().add_business_days(
        at("2026-03-06T23:30:00+00:00"), 1
    )


def test_zero_business_days_is_the_start_itself_on_a_business_day():
    start = at("2026-03-04T10:15:00+01:00")
    assert start == calendar().add_business_days(start, 0)


def test_zero_business_days_from_a_sunday_is_monday_midnight():
    assert at("2026-03-09T00:00:00+01:00") == calendar().add_business_days(
        at("2026-03-08T12:00:00+01:00"), 0
    )


def test_holidays_are_skipped():
    cal = calendar(holidays=EASTER_2026)
    assert at("2026-04-07T17:00:00+02:00") == cal.add_business_days(
        at("2026-04-01T17:00:00+02:00"), 1
    )


def test_a_start_on_a_holiday_counts_from_the_next_business_day():
    cal = calendar(holidays=EASTER_2026)
    assert at("2026-04-08T00:00:00+02:00") == cal.add_business_days(
        at("2026-04-03T11:00:00+02:00"), 1
    )


def test_holidays_given_as_datetimes_count_as_their_day():
    cal = calendar(holidays=[datetime(2026, 4, 2, 0, 0)])
    assert (False, frozenset({date(2026, 4, 2)})) == (
        cal.is_business_day(date(2026, 4, 2)),
        cal.holidays,
    )


def test_custom_workdays():
    # Sunday to Thursday, as in several Middle Eastern countries.
    cal = calendar(workdays={6, 0, 1, 2, 3})
    assert at("2026-03-08T09:00:00+01:00") == cal.add_business_days(
        at("2026-03-05T09:00:00+01:00"), 1
    )


def test_next_business_day():
    cal = calendar(holidays=EASTER_2026)
    assert [date(2026, 4, 7), date(2026, 3, 9)] == [
        cal.next_business_day(date(2026, 4, 1)),
        cal.next_business_day(date(2026, 3, 6)),
    ]


def test_daylight_saving_starts_the_deadline_keeps_17_00():
    # 2026-03-29 02:00 -> 03:00 in Copenhagen: the deadline is 17:00 local, 71 hours later.
    start = at("2026-03-27T17:00:00+01:00")
    due = calendar().add_business_days(start, 1)
    assert ("2026-03-30T17:00:00+02:00", timedelta(hours=71)) == (due.isoformat(), due - start)


def test_daylight_saving_ends_the_deadline_keeps_17_00():
    # 2026-10-25 03:00 -> 02:00 in Copenhagen: the deadline is 17:00 local, 73 hours later.
    start = at("2026-10-23T17:00:00+02:00")
    due = calendar().add_business_days(start, 1)
    assert ("2026-10-26T17:00:00+01:00", timedelta(hours=73)) == (due.isoformat(), due - start)


def test_a_business_day_deadline_in_the_gap_moves_forward():
    every_day = calendar(workdays=range(7))
    due = every_day.add_business_days(at("2026-03-28T02:30:00+01:00"), 1)
    assert due.isoformat() == "2026-03-29T03:30:00+02:00"


# -- calendar days ------------------------------------------------------------------------


def test_calendar_days_count_weekends_and_holidays():
    cal = calendar(holidays=EASTER_2026)
    assert at("2026-04-05T09:00:00+02:00") == cal.add_days(at("2026-04-01T09:00:00+02:00"), 4)


def test_calendar_days_keep_the_wall_clock_across_daylight_saving():
    assert at("2026-04-03T17:00:00+02:00") == calendar().add_days(
        at("2026-03-20T17:00:00+01:00"), 14
    )


def test_a_calendar_day_deadline_in_the_gap_moves_forward_by_the_gap():
    # 02:30 does not exist on 2026-03-29: the deadline is the instant an hour later.
    due = calendar().add_days(at("2026-03-28T02:30:00+01:00"), 1)
    assert ("2026-03-29T03:30:00+02:00", at("2026-03-29T01:30:00+00:00")) == (
        due.isoformat(),
        due.astimezone(UTC),
    )


def test_a_deadline_in_the_repeated_hour_is_its_first_occurrence():
    due = calendar().add_days(at("2026-10-24T02:30:00+02:00"), 1)
    assert due.isoformat() == "2026-10-25T02:30:00+02:00"


def test_a_start_in_the_repeated_hours_second_occurrence_keeps_it():
    start = at("2026-10-25T02:30:00+01:00")
    due = calendar().add_days(start, 0)
    # Compared in UTC: PEP 495 makes a time in the repeated hour unequal to any other zone's.
    assert (due.isoformat(), due.astimezone(UTC)) == (
        "2026-10-25T02:30:00+01:00",
        start.astimezone(UTC),
    )


def test_a_second_occurrence_start_never_lands_before_a_gap_deadline():
    # Regression: the fold of the repeated hour was carried into the gap of 2027-03-28 and
    # read as the offset after it, which put the deadline an hour *before* 02:30.
    start = at("2026-10-25T02:30:00+01:00")
    due = calendar().add_days(start, 154)
    assert due.isoformat() == "2027-03-28T03:30:00+02:00"


def test_a_midnight_that_does_not_exist_moves_forward():
    # Chile moves its clocks from 00:00 to 01:00 on Sunday 2026-09-06; with Sunday a workday,
    # a deadline counted from Saturday starts at that missing midnight.
    santiago = BusinessCalendar(timezone=ZoneInfo("America/Santiago"), workdays={6, 0, 1, 2, 3})
    due = santiago.add_business_days(at("2026-09-05T10:00:00-04:00"), 0)
    assert due.isoformat() == "2026-09-06T01:00:00-03:00"


# -- bad input ----------------------------------------------------------------------------


def exactly(message: str) -> str:
    return "^" + re.escape(message) + "$"


@pytest.mark.parametrize("method", ["add_days", "add_business_days"])
def test_a_naive_start_is_an_error_not_the_machines_zone(method):
    message = "start: 2026-03-02T09:00:00 has no time zone; deadlines need an aware moment"
    with pytest.raises(NaiveTimestamp, match=exactly(message)):
        getattr(calendar(), method)(datetime(2026, 3, 2, 9, 0), 1)


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("add_days", "days must not be negative, got -1"),
        ("add_business_days", "business days must not be negative, got -1"),
    ],
)
def test_negative_days_are_an_error(method, message):
    with pytest.raises(ValueError, match=exactly(message)):
        getattr(calendar(), method)(at("2026-03-02T09:00:00+01:00"), -1)


def test_a_calendar_needs_a_workday():
    with pytest.raises(ValueError, match=exactly("a business calendar needs at least one workday")):
        calendar(workdays=frozenset())


def test_workdays_are_weekday_numbers():
    message = "workdays: 7 is not a weekday number (expected 0 = Monday to 6 = Sunday)"
    with pytest.raises(ValueError, match=exactly(message)):
        calendar(workdays={0, 7})


def test_holidays_on_every_day_are_an_error_not_a_hang():
    cal = calendar(extra_holidays=_Everything())
    message = (
        "no business day in the 366 days after 2026-03-02: do the holidays cover every workday?"
    )
    with pytest.raises(ValueError, match=exactly(message)):
        cal.add_business_days(at("2026-03-02T09:00:00+01:00"), 1)


# -- the policy's calendar and the holidays package ---------------------------------------


def test_policy_calendar_reads_zone_workdays_and_holidays():
    cal = Policy(
        timezone="Europe/Copenhagen", workdays=("mon", "tue"), holidays=(date(2026, 3, 3),)
    ).calendar()
    assert (CPH, frozenset({0, 1}), frozenset({date(2026, 3, 3)}), None) == (
        cal.timezone,
        cal.workdays,
        cal.holidays,
        cal.extra_holidays,
    )


def test_danish_public_holidays_from_the_holidays_package():
    pytest.importorskip("holidays")
    cal = Policy(timezone="Europe/Copenhagen", holiday_country="DK").calendar()
    days = [date(2026, 4, d) for d in range(1, 9)]
    assert [cal.is_business_day(d) for d in days] == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    # Wednesday before Easter + 1 business day: Tuesday after Easter Monday, over DST too.
    assert at("2026-04-07T17:00:00+02:00") == cal.add_business_days(
        at("2026-04-01T17:00:00+02:00"), 1
    )


def test_the_holidays_package_knows_later_years_too():
    pytest.importorskip("holidays")
    cal = Policy(timezone="Europe/Copenhagen", holiday_country="DK").calendar()
    # Christmas 2027: 24th is a Friday (a workday in Denmark), 25th-26th the weekend.
    assert at("2027-12-27T09:00:00+01:00") == cal.add_business_days(
        at("2027-12-24T09:00:00+01:00"), 1
    )


def test_explicit_holidays_and_the_package_add_up():
    pytest.importorskip("holidays")
    cal = Policy(
        timezone="Europe/Copenhagen", holiday_country="DK", holidays=(date(2026, 12, 24),)
    ).calendar()
    # 24 Dec by the policy, 25-26 Dec by the package, 27 Dec a Sunday.
    assert at("2026-12-28T12:00:00+01:00") == cal.add_business_days(
        at("2026-12-23T12:00:00+01:00"), 1
    )


# -- properties ---------------------------------------------------------------------------


@given(start=timestamps(), days=st.integers(min_value=0, max_value=30))
def test_business_days_land_on_a_business_day_and_count_exactly(start, days):
    cal = calendar(holidays=EASTER_2026)
    due = cal.add_business_days(start, days)
    local = start.astimezone(CPH)
    assert due >= start
    counted = sum(
        1
        for n in range(1, (due.date() - local.date()).days + 1)
        if cal.is_business_day(local.date() + timedelta(days=n))
    )
    if cal.is_business_day(local.date()):
        # Copenhagen changes its clocks on Sundays, never on a business day.
        assert (days, local.time()) == (counted, due.time())
    else:
        assert (days + 1, time(0)) == (counted, due.time())


@given(start=timestamps(), days=st.integers(min_value=0, max_value=400))
def test_calendar_days_move_the_date_and_never_go_back(start, days):
    due = calendar().add_days(start, days)
    local = start.astimezone(CPH)
    assert due >= start
    assert days == (due.date() - local.date()).days
    shifted = datetime.combine(due.date(), local.time())
    # Only a wall-clock time in the spring-forward gap moves, and then by the gap's hour.
    assert due.replace(tzinfo=None) - shifted in (timedelta(0), timedelta(hours=1))
