"""The errors cx-rules raises.

Every error subclasses :class:`CxRulesError` and the matching built-in exception, so callers
can catch either (``except ValueError`` works for bad input).  This module imports nothing
from the rest of the package, so any module may import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .case import Case
    from .events import Event
    from .findings import Finding

__all__ = [
    "CaseFormatError",
    "CaseMismatch",
    "CaseNotFound",
    "ConcurrentUpdate",
    "CxRulesError",
    "EventConflict",
    "EventOutOfOrder",
    "InvalidEvent",
    "NaiveTimestamp",
    "PluginError",
    "PolicyError",
    "PolicyViolation",
    "ProcessModelError",
    "TransitionNotAllowed",
    "UnknownActivity",
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


class UnknownActivity(TransitionNotAllowed):
    """An activity the process model does not know (a misspelling, a stage a plugin's model
    was meant to add, or another system's name).

    A :class:`TransitionNotAllowed` too, so code that catches that still does.
    :attr:`activity` is the name given and :attr:`suggestions` the model's activities closest
    in spelling (at most three, best first; empty when none is close).  Raised by the engine
    for an event (:attr:`event`, :attr:`state` and :attr:`allowed` as for
    :class:`TransitionNotAllowed`), or for a bare name refused before an event was built (by
    :mod:`cx_rules.aliases`, at the service's edge): then :attr:`event` is ``None``.
    """

    def __init__(
        self,
        given: Event | str,
        suggestions: Sequence[str] = (),
        *,
        state: str = "",
        allowed: Sequence[str] = (),
    ) -> None:
        self.suggestions = tuple(suggestions)
        if isinstance(given, str):
            self.activity = given
            self.event = None  # type: ignore[assignment]
            self.state = state
            self.allowed = tuple(allowed)
            hint = (
                f"; did you mean {' or '.join(map(repr, self.suggestions))}?"
                if self.suggestions
                else ""
            )
            CxRulesError.__init__(
                self,
                f"unknown activity {given[:100]!r}: the process model has no such activity{hint}",
            )
            return
        super().__init__(given, state, allowed)
        self.activity = given.activity
        hint = f"did you mean {' or '.join(map(repr, self.suggestions))}? " if suggestions else ""
        # Replace the message TransitionNotAllowed wrote: "not allowed in state" would send
        # the reader to the wrong place.
        self.args = (
            f"case {given.case_id!r}: unknown activity {given.activity!r} at "
            f"{given.timestamp.isoformat()}: the process model does not know it ({hint}a "
            "plugin adds activities with the cx_rules_process_model hook)",
        )


class EventConflict(CxRulesError, ValueError):
    """An event reuses the ``event_id`` of a different event already recorded on its case.

    Recording the *same* event twice is a harmless no-op (see
    :meth:`Engine.record <cx_rules.Engine.record>`); two different events under one id mean
    the system that numbers events has a bug, and guessing which one is right would lose data.
    """


class PolicyViolation(CxRulesError, ValueError):
    """Recording an event would violate a rule the policy enforces; nothing was recorded.

    Carries the evidence: :attr:`findings` (the violations of enforced rules that blocked the
    event, in the order the engine produced them), :attr:`case` (the case as it was, unchanged)
    and :attr:`event` (the event that was refused).  The message names the case, the event's
    activity and time, and each blocking rule with its finding's message; it never quotes the
    event's free message text.
    """

    def __init__(self, findings: Sequence[Finding], case: Case, event: Event) -> None:
        self.findings = tuple(findings)
        self.case = case
        self.event = event
        reasons = "; ".join(f"{f.code}: {f.message}" for f in self.findings)
        super().__init__(
            f"case {case.case_id!r}: {event.activity} at {event.timestamp.isoformat()} is "
            f"blocked by enforced rules ({reasons})"
        )


class CaseFormatError(CxRulesError, ValueError):
    """Stored case data cannot be read: malformed, or written in an unknown format version.

    The message names where in the data the problem is (``events[3].timestamp``) and what was
    expected; it never quotes attribute values, which may hold message text.
    """


class CaseNotFound(CxRulesError, KeyError):
    """A case store has no case with the requested id."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(case_id)

    def __str__(self) -> str:
        return f"no stored case {self.case_id!r}"


class ConcurrentUpdate(CxRulesError, RuntimeError):
    """A case was saved with a stale version: someone else saved it after it was loaded.

    Nothing was written.  :attr:`case_id`, :attr:`expected` (the version the caller loaded)
    and :attr:`actual` (the version now stored, ``0`` when the case no longer exists) say
    what happened; load the case again, re-apply the event and save once more.
    """

    def __init__(self, case_id: str, expected: int, actual: int) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        stored = f"version {actual}" if actual else "no such case"
        super().__init__(
            f"case {case_id!r} was changed by someone else: expected version {expected}, "
            f"the store has {stored}; load it again and retry"
        )
