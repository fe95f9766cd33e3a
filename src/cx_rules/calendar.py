"""Business days and calendar days in a time zone, for deadlines."""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

import attrs

from .exceptions import NaiveTimestamp

__all__ = ["WEEKDAYS", "BusinessCalendar"]

#: The names a policy uses for days of the week, Monday first.
WEEKDAYS: Final[tuple[str, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# A calendar whose holidays leave no business day in this many days is treated as broken
# rather than searched forever.
_SEARCH_LIMIT: Final = 366


def _frozen_dates(value: Iterable[date]) -> frozenset[date]:
    # A datetime is a date subclass but never equal to one: keep only its day.
    return frozenset(d.date() if isinstance(d, datetime) else d for d in value)


def _frozen_workdays(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


@attrs.frozen
class BusinessCalendar:
    """Which days count as business days, and in which time zone deadlines are read.

    ``workdays`` holds weekday numbers, Monday 0 to Sunday 6.  Deadlines keep the local
    wall-clock time: two business days after Monday 17:00 is Wednesday 17:00, also across a
    daylight-saving change.  A deadline counted from a moment outside business days starts at
    00:00 of the next business day, so a Saturday application with two business days to answer
    is due Wednesday 00:00 (all of Monday and Tuesday).

    When the wall-clock time of a deadline does not exist that day (it falls in the hour
    skipped when clocks go forward), the deadline moves forward by the length of the gap:
    02:30 on 2026-03-29 in Europe/Copenhagen becomes 03:30+02:00.  When it exists twice (the
    hour repeated when clocks go back), the deadline is the first occurrence, unless the start
    itself was in the repeated hour's second occurrence, whose fold it keeps.
    """

    timezone: tzinfo = attrs.field(factory=lambda: ZoneInfo("UTC"))
    workdays: frozenset[int] = attrs.field(
        default=frozenset({0, 1, 2, 3, 4}), converter=_frozen_workdays
    )
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_frozen_dates)
    #: More holidays from elsewhere, such as ``holidays.country_holidays("DK")``: anything
    #: that answers ``day in extra_holidays``.
    extra_holidays: Container[date] | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.workdays:
            raise ValueError("a business calendar needs at least one workday")
        for day in sorted(self.workdays):
            if day not in range(7):
                raise ValueError(
                    f"workdays: {day!r} is not a weekday number (expected 0 = Monday to 6 = Sunday)"
                )

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a workday and not a holiday."""
        if day.weekday() not in self.workdays or day in self.holidays:
            return False
        return self.extra_holidays is None or day not in self.extra_holidays

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``.

        Raises :class:`ValueError` when the holidays leave no business day in the year after
        ``day``.
        """
        for offset in range(1, _SEARCH_LIMIT + 1):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError(
            f"no business day in the {_SEARCH_LIMIT} days after {day.isoformat()}: "
            "do the holidays cover every workday?"
        )

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` business days after ``start`` (aware, in the calendar's zone).

        ``days = 0`` gives ``start`` itself on a business day, else 00:00 of the next one.
        Raises :class:`~cx_rules.NaiveTimestamp` for a ``start`` without a zone and
        :class:`ValueError` for negative ``days``.
        """
        if days < 0:
            raise ValueError(f"business days must not be negative, got {days}")
        local = self._localise(start)
        day, clock = local.date(), local.time()
        if not self.is_business_day(day):
            day, clock = self.next_business_day(day), time(0)
        for _ in range(days):
            day = self.next_business_day(day)
        return self._at(day, clock)

    def add_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` calendar days after ``start`` at the same local wall-clock time.

        Raises :class:`~cx_rules.NaiveTimestamp` for a ``start`` without a zone and
        :class:`ValueError` for negative ``days``.
        """
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        local = self._localise(start)
        return self._at(local.date() + timedelta(days=days), local.time())

    def _localise(self, start: datetime) -> datetime:
        # astimezone() would read a naive time as the machine's local time: not deterministic.
        if start.tzinfo is None or start.utcoffset() is None:
            raise NaiveTimestamp(
                f"start: {start.isoformat()} has no time zone; deadlines need an aware moment"
            )
        return start.astimezone(self.timezone)

    def _at(self, day: date, clock: time) -> datetime:
        """The instant of wall-clock ``clock`` on ``day`` in the calendar's zone."""
        moment = datetime.combine(day, clock, tzinfo=self.timezone)
        instant = moment.astimezone(UTC)
        if instant.astimezone(self.timezone).replace(tzinfo=None) == moment.replace(tzinfo=None):
            return instant.astimezone(self.timezone)
        # The wall-clock time falls in a gap.  Read with fold=0 (the offset in force before
        # the gap), it names the instant the length of the gap later; fold=1 would name one
        # earlier, and a deadline must never come before the time it was given.
        return moment.replace(fold=0).astimezone(UTC).astimezone(self.timezone)
