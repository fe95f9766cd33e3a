"""The errors cx-rules raises.

Every error subclasses :class:`CxRulesError` and the matching built-in exception, so callers
can catch either (``except ValueError`` works for bad input).  This module imports nothing
from the rest of the package, so any module may import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .events import Event

__all__ = [
    "CaseMismatch",
    "CxRulesError",
    "EventOutOfOrder",
    "InvalidEvent",
    "NaiveTimestamp",
    "PluginError",
    "PolicyError",
    "ProcessModelError",
    "TransitionNotAllowed",
]


class CxRulesError(Exception):
    """Base class of every error cx-rules raises on purpose."""


class InvalidEvent(CxRulesError, ValueError):
    """An event is malformed: a field is missing or has the wrong type."""


class NaiveTimestamp(InvalidEvent):
    """A timestamp has no time zone; cx-rules only works with aware times."""


class ProcessModelError(CxRulesError, ValueError):
    """A process model is inconsistent (no initial state, unreachable states, ...)."""


class PolicyError(CxRulesError, ValueError):
    """A policy has an unknown key or a bad value.

    The message names the key (``rules.CX401.business_days``), the source file when there is
    one, and what was expected.
    """


class PluginError(CxRulesError, RuntimeError):
    """A plugin could not be loaded, or two plugins claim the same rule code."""


class CaseMismatch(CxRulesError, ValueError):
    """An event was recorded on the case of another candidate."""


class EventOutOfOrder(CxRulesError, ValueError):
    """An event is older than the last event already recorded on its case."""


class TransitionNotAllowed(CxRulesError, ValueError):
    """An activity is not allowed in the case's current state.

    Carries the evidence: :attr:`event`, :attr:`state` and :attr:`allowed` (the activities the
    state allows, sorted).
    """

    def __init__(self, event: Event, state: str, allowed: Sequence[str]) -> None:
        self.event = event
        self.state = state
        self.allowed = tuple(sorted(allowed))
        super().__init__(
            f"{event.activity!r} is not allowed in state {state!r} of case {event.case_id!r} "
            f"(event at {event.timestamp.isoformat()}); allowed: {', '.join(self.allowed) or 'none'}"
        )
