"""Business days and calendar days in a time zone, for deadlines."""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

import attrs

__all__ = ["WEEKDAYS", "BusinessCalendar"]

#: The names a policy uses for days of the week, Monday first.
WEEKDAYS: Final[tuple[str, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _frozen_dates(value: Iterable[date]) -> frozenset[date]:
    return frozenset(value)


@attrs.frozen
class BusinessCalendar:
    """Which days count as business days, and in which time zone deadlines are read.

    Deadlines keep the local wall-clock time: two business days after Monday 17:00 is
    Wednesday 17:00, also across a daylight-saving change.  A deadline counted from a moment
    outside business days starts at 00:00 of the next business day, so a Saturday application
    with two business days to answer is due Wednesday 00:00 (all of Monday and Tuesday).
    """

    timezone: tzinfo = attrs.field(factory=lambda: ZoneInfo("UTC"))
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_frozen_dates)
    #: More holidays from elsewhere, such as ``holidays.country_holidays("DK")``: anything
    #: that answers ``day in extra_holidays``.
    extra_holidays: Container[date] | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.workdays:
            raise ValueError("a business calendar needs at least one workday")

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a workday and not a holiday."""
        if day.weekday() not in self.workdays or day in self.holidays:
            return False
        return self.extra_holidays is None or day not in self.extra_holidays

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` business days after ``start`` (aware, in the calendar's zone)."""
        if days < 0:
            raise ValueError(f"business days must not be negative, got {days}")
        local = start.astimezone(self.timezone)
        day, clock = local.date(), local.timetz().replace(tzinfo=None)
        if not self.is_business_day(day):
            day, clock = self.next_business_day(day), time(0)
        for _ in range(days):
            day = self.next_business_day(day)
        return self._local(day, clock)

    def add_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` calendar days after ``start`` at the same local wall-clock time."""
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        local = start.astimezone(self.timezone)
        return self._local(local.date() + timedelta(days=days), local.time())

    def _local(self, day: date, clock: time) -> datetime:
        # Normalise through UTC so that a wall-clock time inside a daylight-saving gap becomes
        # a real instant (zoneinfo reads it with the offset in force before the gap).
        moment = datetime.combine(day, clock, tzinfo=self.timezone)
        return moment.astimezone(timezone_utc).astimezone(self.timezone)


timezone_utc: Final = ZoneInfo("UTC")
