"""Findings: what a rule concluded about one case at one moment."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from .events import Event

__all__ = ["Finding", "Outcome", "Severity"]


class Severity(enum.StrEnum):
    """How much a violated rule matters.  The weight is used by the score."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def weight(self) -> int:
        """3 for an error, 2 for a warning, 1 for info."""
        return _WEIGHTS[self]

    @property
    def rank(self) -> int:
        """Order for ``--fail-on``: info < warning < error."""
        return _WEIGHTS[self]


_WEIGHTS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Outcome(enum.StrEnum):
    """The result of one check.

    ``unknown`` means the data needed to judge was missing; it is never counted as passed or
    as violated.  ``pending`` means a deadline has not been reached yet.  ``waived`` is a
    violation or unknown that a policy waiver covers: reported with the waiver's
    justification, not counted against the score.
    """

    PASSED = "passed"
    VIOLATED = "violated"
    UNKNOWN = "unknown"
    PENDING = "pending"
    WAIVED = "waived"


@attrs.frozen
class Finding:
    """One check of one rule on one case.

    ``at`` is when the check was decided (the event's time, the due time of an expired
    obligation, or the audit's cut-off for a pending one); ``due`` and ``late`` are set for
    deadlines; ``missing`` names the attribute whose absence made the outcome unknown;
    ``evidence`` holds the events the conclusion rests on.  ``waived_by`` names the policy
    waiver and its justification when the outcome is ``waived``.
    """

    case_id: str
    code: str
    outcome: Outcome
    severity: Severity
    message: str
    at: datetime
    evidence: tuple[Event, ...] = ()
    due: datetime | None = None
    late: timedelta | None = None
    missing: str | None = None
    waived_by: str | None = None

    @property
    def counts_against(self) -> bool:
        """Whether this finding is a violation."""
        return self.outcome is Outcome.VIOLATED
