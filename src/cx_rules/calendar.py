"""Business days and calendar days in a time zone, for deadlines."""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
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
# The memos below hold one entry per day (or day and count) met: a few thousand for years of
# events.  Past this size a memo starts again rather than grow without end in a live engine.
_MEMO_LIMIT: Final = 65536
_MIDNIGHT: Final = time(0)
# Zones known to follow PEP 495 (``fold`` picks the occurrence of a repeated hour, and the two
# folds give different offsets exactly in a gap or a repeated hour): the fast path of ``_at``.
# Subclasses and other zone types take the general path.
_PEP495_ZONES: Final = (ZoneInfo, timezone)
# IANA zones that are UTC by definition: no gaps, no repeated hours, ever.
_UTC_NAMES: Final = frozenset(
    {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"}
)


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
    # Answers already computed, by question (the calendar never changes, so neither do they).
    _memo: dict[object, object] = attrs.field(
        factory=dict, init=False, eq=False, hash=False, repr=False
    )
    # 2: the zone never skips or repeats a wall-clock time; 1: it follows PEP 495; 0: neither
    # is known (see _at).
    _zone_kind: int = attrs.field(default=0, init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.workdays:
            raise ValueError("a business calendar needs at least one workday")
        for day in sorted(self.workdays):
            if day not in range(7):
                raise ValueError(
                    f"workdays: {day!r} is not a weekday number (expected 0 = Monday to 6 = Sunday)"
                )
        zone = self.timezone
        kind = 0
        if type(zone) is timezone or (type(zone) is ZoneInfo and zone.key in _UTC_NAMES):
            kind = 2
        elif type(zone) in _PEP495_ZONES:
            kind = 1
        object.__setattr__(self, "_zone_kind", kind)

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a workday and not a holiday."""
        if day.weekday() not in self.workdays or day in self.holidays:
            return False
        return self.extra_holidays is None or day not in self.extra_holidays

    def _business_day(self, day: date) -> bool:
        # is_business_day, remembered: a country's holiday table is slow to ask.
        memo = self._memo
        key = ("b", day)
        known = memo.get(key)
        if known is None:
            known = memo[key] = self.is_business_day(day)
            self._trim()
        return known  # type: ignore[return-value]

    def _trim(self) -> None:
        if len(self._memo) > _MEMO_LIMIT:
            self._memo.clear()

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``.

        Raises :class:`ValueError` when the holidays leave no business day in the year after
        ``day``.
        """
        for offset in range(1, _SEARCH_LIMIT + 1):
            candidate = day + timedelta(days=offset)
            if self._business_day(candidate):
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
        day = local.date()
        memo = self._memo
        key = (day, days)
        found = memo.get(key)
        if found is None:
            # (the day the deadline falls on, whether the count started at midnight)
            found = memo[key] = self._count(day, days)
            self._trim()
        target: date
        midnight: bool
        target, midnight = found  # type: ignore[misc]
        return self._at(target, _MIDNIGHT if midnight else local.time())

    def _count(self, day: date, days: int) -> tuple[date, bool]:
        midnight = not self._business_day(day)
        if midnight:
            day = self.next_business_day(day)
        for _ in range(days):
            day = self.next_business_day(day)
        return day, midnight

    def add_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` calendar days after ``start`` at the same local wall-clock time.

        Raises :class:`~cx_rules.NaiveTimestamp` for a ``start`` without a zone and
        :class:`ValueError` for negative ``days``.
        """
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        local = self._localise(start)
        if self._zone_kind == 2:
            # A zone that never skips or repeats a wall-clock time: the sum is the instant
            # (with fold 0, as _at gives it).
            return local + timedelta(days=days)
        return self._at(local.date() + timedelta(days=days), local.time())

    def _comparable(self, moment: datetime) -> datetime:
        """``moment`` (aware) as a datetime that compares with this calendar's deadlines as it
        does, only faster: converted to the calendar's zone when that zone never repeats an
        hour (two datetimes of one zone compare by their fields alone, which ignores
        ``fold``), else ``moment`` itself."""
        if self._zone_kind == 2 and moment.tzinfo is not None:
            return moment.astimezone(self.timezone)
        return moment

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
        kind = self._zone_kind
        if kind == 2:
            # Every wall-clock time names one instant; converting (below) only clears the fold.
            return moment.replace(fold=0) if moment.fold else moment
        if kind == 1:
            # Under PEP 495 both folds give the same offset exactly when the wall-clock time
            # is neither skipped nor repeated: then it names one instant, and converting it
            # to UTC and back (below) would return it unchanged, with fold 0.
            offset = moment.utcoffset()
            if moment.replace(fold=1 - moment.fold).utcoffset() == offset:
                return moment.replace(fold=0) if moment.fold else moment
        instant = moment.astimezone(UTC)
        if instant.astimezone(self.timezone).replace(tzinfo=None) == moment.replace(tzinfo=None):
            return instant.astimezone(self.timezone)
        # The wall-clock time falls in a gap.  Read with fold=0 (the offset in force before
        # the gap), it names the instant the length of the gap later; fold=1 would name one
        # earlier, and a deadline must never come before the time it was given.
        return moment.replace(fold=0).astimezone(UTC).astimezone(self.timezone)
