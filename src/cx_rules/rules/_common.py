"""Small helpers the built-in rules share: how messages print dates, counts and channels."""

from __future__ import annotations

from collections.abc import Iterable

from ..events import PERSONAL_CHANNELS, Channel, Event
from ..step import Step

__all__ = ["PERSONAL", "day", "either", "plural"]

#: The personal channels in the order messages name them.
PERSONAL = tuple(c.value for c in Channel if c in PERSONAL_CHANNELS)


def day(step: Step, event: Event) -> str:
    """The event's date in the policy's time zone, as messages print it."""
    return event.timestamp.astimezone(step.calendar.timezone).date().isoformat()


def either(words: Iterable[str]) -> str:
    """``a, b or c``."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def plural(count: int, noun: str) -> str:
    """``1 interview``, ``2 interviews``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
