"""The one path every reader takes from a source record (a dict) to an event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, Final

from ..events import Event, is_missing
from .kinds import describe
from .mapping import LogMapping
from .native import event_from_dict
from .stream import Skip

__all__ = ["LIFECYCLE", "build_event", "lifecycle_skip"]

#: The XES lifecycle attribute; only ``complete`` (or no value) makes an event count.
LIFECYCLE: Final = "lifecycle:transition"

_IDENTITY: Final = LogMapping()


def build_event(
    record: Mapping[str, Any], mapping: LogMapping | None, default_tz: tzinfo | None
) -> Event | Skip:
    """Map ``record``, drop it as a :class:`Skip` when its lifecycle is not ``complete``, and
    build the event; raises :class:`~cx_rules.InvalidEvent` for a bad record."""
    data = (mapping or _IDENTITY).apply(record)
    transition = data.pop(LIFECYCLE, None)
    if not is_missing(transition):
        skip = lifecycle_skip(transition)
        if skip is not None:
            return skip
    return event_from_dict(data, default_tz=default_tz, typed=True)


def lifecycle_skip(transition: object) -> Skip | None:
    """The :class:`Skip` for a lifecycle transition other than ``complete``, else ``None``.

    The reason reads ``lifecycle:transition 'start'`` (lower-cased, so counts add up across
    spellings).
    """
    if isinstance(transition, str):
        text = transition.strip().lower()
        if not text or text == "complete":
            return None
        return Skip(f"{LIFECYCLE} {describe(text)}")
    return Skip(f"{LIFECYCLE} {describe(transition)}")
