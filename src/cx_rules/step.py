"""The step: what a rule sees of one event on one case, and how it reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from .calendar import BusinessCalendar
from .case import Case
from .events import Event
from .exceptions import NaiveTimestamp
from .findings import Finding, Outcome, Severity
from .obligations import Obligation
from .text import TextReader

__all__ = ["Step", "format_delta"]

_PASSED: Final = Outcome.PASSED
_VIOLATED: Final = Outcome.VIOLATED
_UNKNOWN: Final = Outcome.UNKNOWN


def format_delta(delta: timedelta) -> str:
    """A duration as people write it: ``2d 3h``, ``45min``, ``0min``."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}min")
    return " ".join(parts)


def _not_text(message: object) -> None:
    if not isinstance(message, str):
        raise TypeError(f"a finding's message must be a str, got {type(message).__name__}")


def _not_aware(due: object) -> None:
    if not isinstance(due, datetime):
        raise TypeError(f"an obligation's due time must be a datetime, got {type(due).__name__}")
    if due.utcoffset() is None:
        raise NaiveTimestamp(f"an obligation's due time {due.isoformat()} has no time zone")


class Step:
    """One event being recorded on one case, as the rules see it.

    ``case`` is the case *before* the event, ``event`` the event, ``state`` the state the
    case moves to and ``previous`` the state it leaves.  ``calendar`` computes deadlines in the
    policy's business days; ``text`` reads free message text
    (:class:`~cx_rules.text.TextReader`).  A rule reports through the methods
    below; the engine stamps each finding with the rule's code and the severity the policy
    gives it.
    """

    __slots__ = (
        "_at",
        "_code",
        "_deadlines",
        "_dropped",
        "_findings",
        "_missing_as_violation",
        "_obligations",
        "_passed",
        "_passes",
        "_severity",
        "_shared",
        "calendar",
        "case",
        "event",
        "previous",
        "state",
        "text",
    )

    def __init__(
        self,
        case: Case,
        event: Event,
        state: str,
        calendar: BusinessCalendar,
        text: TextReader,
        findings: list[Finding],
        missing_as_violation: bool,
        passes: list[tuple[str, Outcome]] | None = None,
        at: datetime | None = None,
    ) -> None:
        self.case = case
        self.event = event
        self.state = state
        self.previous = case.state
        self.calendar = calendar
        self.text = text
        self._findings = findings
        self._missing_as_violation = missing_as_violation
        self._obligations: list[Obligation] | None = None
        # True while ``_obligations`` is the engine's snapshot from before the running rule:
        # the first change copies it, so a rule that fails can be undone without a copy per
        # rule (see ``Engine._run``).
        self._shared = False
        self._deadlines: dict[tuple[bool, int], datetime] | None = None
        # Overdue obligations a rule withdrew: the engine reports them as expired.
        self._dropped: list[Obligation] | None = None
        self._code = ""
        self._severity = Severity.INFO
        # When the engine only counts passes (an audit), a pass is noted here as
        # ``_passed``, the running rule's ``(code, "passed")``, instead of becoming a Finding.
        self._passes = passes
        self._passed: tuple[str, Outcome] = ("", Outcome.PASSED)
        # The event's moment as it compares fastest with deadlines (the calendar's choice).
        self._at = event.timestamp if at is None else at

    # -- reporting ------------------------------------------------------------------------

    def passed(self, message: str = "", *, evidence: Sequence[Event] = ()) -> None:
        """Report that the rule's check passed on this event."""
        passes = self._passes
        if passes is None:
            self._add(_PASSED, message, evidence)
            return
        if message.__class__ is not str:
            _not_text(message)  # as _add would, so that an audit fails the rule alike
        if evidence:
            tuple(evidence)  # fails as building the finding would, so the rule fails alike
        passes.append(self._passed)

    def violated(
        self,
        message: str,
        *,
        evidence: Sequence[Event] = (),
        due: datetime | None = None,
        late: timedelta | None = None,
    ) -> None:
        """Report a violation; ``message`` should stand on its own in a report."""
        self._add(_VIOLATED, message, evidence, due, late)

    def unknown(self, message: str, *, missing: str, evidence: Sequence[Event] = ()) -> None:
        """Report that the rule cannot judge because attribute ``missing`` is absent.

        Under a policy with ``missing_evidence = "violation"`` this counts as a violation.
        """
        outcome = _VIOLATED if self._missing_as_violation else _UNKNOWN
        self._add(outcome, message, evidence, None, None, missing)

    def _add(
        self,
        outcome: Outcome,
        message: str,
        evidence: Sequence[Event],
        due: datetime | None = None,
        late: timedelta | None = None,
        missing: str | None = None,
    ) -> None:
        if message.__class__ is not str:
            _not_text(message)
        event = self.event
        self._findings.append(
            Finding(
                event.case_id,
                self._code,
                outcome,
                self._severity,
                message,
                event.timestamp,
                tuple(evidence) if evidence else (event,),
                due,
                late,
                missing,
            )
        )

    # -- attributes -------------------------------------------------------------------------

    def attr(self, name: str, default: Any = None) -> Any:
        """The event's field or attribute ``name``; ``default`` when absent or blank."""
        return self.event.get(name, default)

    # -- deadlines --------------------------------------------------------------------------

    def business_days(self, days: int, start: datetime | None = None) -> datetime:
        """``days`` business days after ``start`` (default: the event's time)."""
        if start is not None:
            return self.calendar.add_business_days(start, days)
        return self._deadline(True, days)

    def days(self, days: int, start: datetime | None = None) -> datetime:
        """``days`` calendar days after ``start`` (default: the event's time)."""
        if start is not None:
            return self.calendar.add_days(start, days)
        return self._deadline(False, days)

    def _deadline(self, business: bool, days: int) -> datetime:
        # Several rules often count the same days from the same event (a rejection opens
        # feedback and talent-network deadlines alike): count once per step.
        deadlines = self._deadlines
        if deadlines is None:
            deadlines = self._deadlines = {}
        due = deadlines.get((business, days))
        if due is None:
            calendar = self.calendar
            count = calendar.add_business_days if business else calendar.add_days
            due = deadlines[business, days] = count(self.event.timestamp, days)
        return due

    # -- obligations ------------------------------------------------------------------------

    @property
    def obligations(self) -> list[Obligation]:
        """The case's obligations as they stand during this step (all rules)."""
        current = self._obligations
        if current is None:
            current = self._obligations = list(self.case.obligations)
            self._shared = False
        elif self._shared:
            current = self._obligations = list(current)
            self._shared = False
        return current

    def obligation(self, key: str) -> Obligation | None:
        """This rule's obligation ``key``, open or overdue, or ``None``."""
        code = self._code
        for o in self._obligations if self._obligations is not None else self.case.obligations:
            if o.code == code and o.key == key:
                return o
        return None

    def open(
        self,
        key: str,
        due: datetime,
        message: str,
        action: str,
        *,
        opened_by: Event | None = None,
        missing: str | None = None,
    ) -> Obligation:
        """Open (or replace) this rule's obligation ``key``, due by ``due``.

        ``message`` says what is owed ("application acknowledged within 2 business days");
        ``action`` is the reminder a recruiter reads ("acknowledge the application").
        ``missing`` names an attribute whose absence is why the rule could not judge yet: an
        obligation with it expires as ``unknown`` instead of ``violated``.
        """
        if due.__class__ is not datetime or due.utcoffset() is None:
            _not_aware(due)
        self.cancel(key)
        obligation = Obligation(
            self._code, key, due, opened_by or self.event, message, action, False, missing
        )
        self.obligations.append(obligation)
        return obligation

    def fulfil(self, key: str) -> Obligation | None:
        """Discharge obligation ``key`` with this event and report the outcome.

        On time (the event at or before the due time): passed.  Late: violated, with how late.
        Already expired: the violation was reported when it expired, so nothing new.  Returns
        the obligation, or ``None`` when there was none.
        """
        obligation = self._take(key)
        if obligation is None or obligation.expired:
            return obligation
        event = self.event
        due = obligation.due
        if self._at <= due:
            passes = self._passes
            if passes is not None:
                passes.append(self._passed)
            else:
                self._add(
                    _PASSED,
                    f"{obligation.message}: done at {event.timestamp.isoformat()}",
                    (obligation.opened_by, event),
                    due,
                )
        else:
            late = event.timestamp - due
            self._add(
                _VIOLATED,
                f"{obligation.message}: done {format_delta(late)} late "
                f"(due {due.isoformat()}, done {event.timestamp.isoformat()})",
                (obligation.opened_by, event),
                due,
                late,
            )
        return obligation

    def cancel(self, key: str) -> Obligation | None:
        """Withdraw obligation ``key``: it no longer applies (the candidate withdrew, the case
        closed).  Returns it, or ``None`` when there was none.

        A withdrawn obligation has no outcome, unless it was already overdue: a miss never
        disappears, so it is reported exactly as its expiry would have been (violated, or
        unknown when it waited for missing evidence, at its due time).
        """
        obligation = self._take(key)
        if obligation is not None and not obligation.expired and obligation.due < self._at:
            # A new list, not an append: the engine keeps the one from before each rule, to
            # restore when the rule fails.
            self._dropped = [*(self._dropped or ()), obligation]
        return obligation

    def discharge(self, key: str) -> Obligation | None:
        """Take obligation ``key`` off the case without any outcome: the rule reports one itself.

        For a rule that judges the discharging event in its own terms (feedback that came but
        is not specific); :meth:`fulfil` is the usual way.  Returns the obligation or ``None``.
        """
        return self._take(key)

    def _take(self, key: str) -> Obligation | None:
        code = self._code
        current: Sequence[Obligation] | None = self._obligations
        if current is None:
            current = self.case.obligations
        for i, o in enumerate(current):
            if o.code == code and o.key == key:
                del self.obligations[i]
                return o
        return None
