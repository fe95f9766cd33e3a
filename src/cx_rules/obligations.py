"""Obligations: something owed to the candidate by a deadline."""

from __future__ import annotations

from datetime import datetime

import attrs

from .events import Event

__all__ = ["Due", "Obligation"]


@attrs.frozen
class Obligation:
    """Something that must happen by ``due``; opened by a rule, discharged by a later event.

    ``key`` tells apart several obligations of one rule on one case (one per question, per
    interview).  ``expired`` is set once the clock has passed ``due`` and the violation has
    been reported; the obligation stays on the case, overdue, until it is discharged or
    cancelled, so reminders keep showing it.
    """

    code: str
    key: str
    due: datetime
    opened_by: Event
    message: str
    action: str
    expired: bool = False
    #: When set, the attribute whose absence kept the rule from judging: if the obligation
    #: expires, the outcome is ``unknown`` (naming it) rather than ``violated``.
    missing: str | None = None


@attrs.frozen
class Due:
    """One line of a reminder list: an obligation and whether it is already overdue."""

    case_id: str
    obligation: Obligation
    overdue: bool

    @property
    def code(self) -> str:
        """The rule that opened the obligation."""
        return self.obligation.code

    @property
    def due(self) -> datetime:
        """When it is (or was) due."""
        return self.obligation.due

    @property
    def action(self) -> str:
        """A short suggested action for the recruiter."""
        return self.obligation.action
