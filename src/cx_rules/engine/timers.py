"""A rule's :class:`~cx_rules.shapes.Timer` run by the engine itself, without a step.

The compiled table holds, for a rule whose ``on_event`` is exactly
:func:`~cx_rules.shapes.run_timer` of a timer (the deadline shapes, CX104), the timer
itself; the step loop then calls :func:`run` here instead of building a
:class:`~cx_rules.Step` and calling the rule.  It does what ``run_timer`` does through the
step's ``fulfil``, ``cancel`` and ``open``, in the same order and with the same findings,
on the obligations as they stand in the step; ``tests/test_compiled.py`` holds that both
paths give the same results (the reference path calls ``on_event``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from ..calendar import BusinessCalendar
from ..events import Event
from ..findings import Finding, Outcome, Severity
from ..obligations import Obligation
from ..shapes import Timer
from ..step import _not_aware, format_delta

__all__ = ["run"]

_PASSED: Final = Outcome.PASSED
_VIOLATED: Final = Outcome.VIOLATED


def due_of(
    timer: Timer,
    event: Event,
    calendar: BusinessCalendar,
    deadlines: dict[tuple[bool, int], datetime],
) -> datetime:
    """When the deadline ``timer`` opens on ``event`` falls due (counted once per step)."""
    wanted = (timer.business, timer.days)
    due = deadlines.get(wanted)
    if due is None:
        count = calendar.add_business_days if timer.business else calendar.add_days
        due = deadlines[wanted] = count(event.timestamp, timer.days)
    if due.__class__ is not datetime or due.utcoffset() is None:
        _not_aware(due)
    return due


def run(
    timer: Timer,
    code: str,
    severity: Severity,
    passed: tuple[str, Outcome],
    obligations: Sequence[Obligation],
    event: Event,
    at: datetime,
    state: str,
    due: datetime | None,
    findings: list[Finding],
    passes: list[tuple[str, Outcome]] | None,
) -> tuple[list[Obligation] | None, Obligation | None]:
    """Run ``timer`` (of rule ``code``) on ``event``, moving the case into ``state``.

    ``obligations`` are those of the step so far (never changed here); ``due`` is the due
    time when the event opens the deadline (:func:`due_of`, computed first: it is the only
    part that can fail, so a failure leaves nothing half done), else ``None``.  Findings go
    to ``findings`` (a pass to ``passes`` when the audit only counts them).  Returns the new
    obligations (``None`` when unchanged) and an overdue obligation the event withdrew
    (reported as its expiry would have been), or ``None``.
    """
    activity = event.activity
    key = timer.key
    held: Obligation | None = None
    at_index = 0
    for o in obligations:
        if o.code == code and o.key == key:
            held = o
            break
        at_index += 1
    dropped: Obligation | None = None
    if held is not None:
        if activity in timer.fulfil_on:
            if not held.expired:
                deadline = held.due
                if at <= deadline:
                    if passes is not None:
                        passes.append(passed)
                    else:
                        findings.append(
                            Finding(
                                event.case_id,
                                code,
                                _PASSED,
                                severity,
                                f"{held.message}: done at {event.timestamp.isoformat()}",
                                event.timestamp,
                                (held.opened_by, event),
                                deadline,
                            )
                        )
                else:
                    late = event.timestamp - deadline
                    findings.append(
                        Finding(
                            event.case_id,
                            code,
                            _VIOLATED,
                            severity,
                            f"{held.message}: done {format_delta(late)} late "
                            f"(due {deadline.isoformat()}, done {event.timestamp.isoformat()})",
                            event.timestamp,
                            (held.opened_by, event),
                            deadline,
                            late,
                        )
                    )
        elif due is not None or activity in timer.cancel_on or state in timer.cancel_in:
            # Cancelled, or replaced by the deadline the event opens: a miss never disappears.
            if not held.expired and held.due < at:
                dropped = held
        else:
            return None, None
        changed = list(obligations)
        del changed[at_index]
    elif due is None:
        return None, None
    else:
        changed = list(obligations)
    if due is not None:
        changed.append(Obligation(code, key, due, event, timer.owed, timer.action, False, None))
    return changed, dropped
