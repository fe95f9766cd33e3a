"""Reminders across a pipeline: what recruiters owe candidates, soonest first.

A daily "needs attention" list is :func:`due_across` over the open cases, at a moment the
caller chooses (cx-rules never reads the clock), each line rendered with :func:`describe`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .case import Case
from .exceptions import NaiveTimestamp
from .obligations import Due
from .step import format_delta

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["describe", "due_across"]


def _order(due: Due) -> tuple[datetime, str, str, str]:
    return (due.due, due.case_id, due.code, due.obligation.key)


def due_across(
    engine: Engine,
    cases: Iterable[Case],
    now: datetime,
    *,
    within: timedelta = timedelta(days=1),
) -> list[Due]:
    """What is overdue at ``now`` or due by ``now + within``, over every case, soonest first.

    Each line is a :class:`~cx_rules.Due`: the case, the obligation (with the rule's
    ``code``, the ``due`` time and the ``action`` to take) and whether it is ``overdue``.
    Overdue lines come first because their due time is earliest; ties are ordered by case id,
    rule code and key, so the list is the same on every run.  ``within`` of zero lists only
    what is due by ``now``.  Cases are not changed: obligations are overdue here as soon as
    ``now`` passes their due time, whether or not the case was advanced.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise NaiveTimestamp(f"now: {now.isoformat()} has no time zone")
    if within < timedelta(0):
        raise ValueError(f"within: expected a duration of zero or more, got {within}")
    horizon = now + within
    found = [d for case in cases for d in engine.due(case, now) if d.overdue or d.due <= horizon]
    found.sort(key=_order)
    return found


def describe(due: Due, now: datetime) -> str:
    """One line of a reminder list: the case, the action, the rule and how late or soon.

    ``c7: acknowledge the application (CX401, overdue by 1d 2h)`` or
    ``c9: call the candidate (CX102, due in 5h)``.  When a rule keeps several obligations on
    one case (one per question: keys ``#2``, ``id:q7``), the key follows the code, so the
    lines stay apart: ``c9: answer the candidate's question (CX103 #2, due in 1d)``.  It
    holds no message text of any event.
    """
    if due.due < now:
        when = f"overdue by {format_delta(now - due.due)}"
    elif due.overdue:
        when = "overdue"  # expired on a case whose clock is past the ``now`` asked about
    else:
        when = f"due in {format_delta(due.due - now)}"
    key = due.obligation.key
    code = due.code if key.isalpha() else f"{due.code} {key}"
    return f"{due.case_id}: {due.action} ({code}, {when})"
