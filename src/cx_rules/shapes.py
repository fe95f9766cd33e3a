"""The common shapes of a rule, each in a few lines.

Most company policies have one of three shapes.  Subclass the shape, fill in its class
attributes (and one method where a judgement is needed); the shape writes ``on_event``:

- :class:`StateRule`: "when activity X happens in state S, require Y";
- :class:`DeadlineRule`: "after X, Y must follow within N business (or calendar) days";
- :class:`Prohibition`: "X must never happen when Y".

Anything else subclasses :class:`~cx_rules.Rule` directly.

Each shape also declares where it can react (:meth:`~cx_rules.Rule.reacts`), so the engine
calls it only there: a state rule only in its ``in_states``, a deadline rule on ``then`` and
``cancel_on`` only while its deadline is on the case.  A subclass that overrides
``on_event`` with different logic overrides ``reacts`` too (or returns ``ALWAYS`` from it).
"""

from __future__ import annotations

from typing import ClassVar

from .rule import ALWAYS, NEVER, OWN_OBLIGATIONS, Reaction, Rule
from .step import Step

__all__ = ["DeadlineRule", "Prohibition", "StateRule"]


class StateRule(Rule):
    """When ``when`` happens in one of ``in_states``, :meth:`require` must hold.

    ``in_states`` are the states the case is in *before* the event (empty: any state).
    :meth:`require` returns ``True`` (passed), ``False`` (violated with ``message``) or
    ``None`` (not applicable).  Example::

        class ManagerCallsFinalRound(StateRule):
            code = "ACME101"
            name = "manager-calls-final-round"
            practice = "communication"
            severity = Severity.WARNING
            summary = "Candidates rejected after interviews are called by a hiring manager."
            when = "rejected"
            in_states = ("interviewing",)
            message = "the rejection was not given by a hiring manager"

            def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Compiled by state: outside in_states the rule is never called.
        return NEVER if self.in_states and previous not in self.in_states else ALWAYS

    def require(self, step: Step) -> bool | None:
                return step.attr("actor_role") == "hiring_manager"
    """

    when: ClassVar[str]
    in_states: ClassVar[tuple[str, ...]] = ()
    message: ClassVar[str] = ""

    def subscriptions(self) -> frozenset[str]:
        return frozenset({self.when})

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Compiled by state: outside in_states the rule is never called.
        return NEVER if self.in_states and previous not in self.in_states else ALWAYS

    def require(self, step: Step) -> bool | None:
        """Whether the requirement holds for ``step.event``; ``None`` when it does not apply."""
        raise TypeError(f"{type(self).__name__} must define require(step)")

    def on_event(self, step: Step) -> None:
        if self.in_states and step.previous not in self.in_states:
            return
        verdict = self.require(step)
        if verdict is True:
            step.passed()
        elif verdict is False:
            step.violated(
                f"{self.message or self.summary} ({step.event.describe()} in state "
                f"{step.previous!r})"
            )


class DeadlineRule(Rule):
    """After ``after``, one of ``then`` must follow within ``within`` days.

    ``business_days`` chooses business days (the policy's calendar) or calendar days;
    ``cancel_on`` lists activities that make the deadline moot (a withdrawal).  Declare
    ``within`` as an :class:`~cx_rules.Option` so the policy can change it::

        class MeetingWithinThreeDays(DeadlineRule):
            code = "ACME103"
            ...
            after = "application_received"
            then = ("interview_scheduled",)
            within = Option(3, "business days to invite an internal candidate")
            action = "invite the internal candidate to a meeting"

    :meth:`applies` may narrow which ``after`` events open the deadline.  A rule whose
    options name the days or the activities otherwise (the built-in CX401 and CX405) reads
    them through the hooks :meth:`days_allowed`, :meth:`counts_business_days`,
    :meth:`discharged_by` and :meth:`owed`, asked once, on the rule's first event (their
    answers follow from the options); ``key`` names the obligation.
    """

    after: ClassVar[str]
    then: ClassVar[tuple[str, ...]]
    within: int
    business_days: ClassVar[bool] = True
    cancel_on: ClassVar[tuple[str, ...]] = ("withdrawn", "data_deleted")
    action: ClassVar[str] = ""
    #: The key of the obligation the deadline opens (see :meth:`Step.open`).
    key: ClassVar[str] = "deadline"
    _shape: tuple[frozenset[str], int, bool, str, str] | None = None

    def days_allowed(self) -> int:
        """The days allowed (by default ``within``)."""
        return self.within

    def counts_business_days(self) -> bool:
        """Whether the days are business days (by default ``business_days``)."""
        return self.business_days

    def discharged_by(self) -> tuple[str, ...]:
        """The activities that meet the deadline (by default ``then``)."""
        return self.then

    def owed(self) -> str:
        """What is owed, as the obligation's message."""
        unit = "business days" if self.counts_business_days() else "days"
        return f"{' or '.join(self.then)} within {self.days_allowed()} {unit} of {self.after}"

    def subscriptions(self) -> frozenset[str]:
        return frozenset({self.after, *self.discharged_by(), *self.cancel_on})

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only ``after`` opens; ``then`` and ``cancel_on`` discharge the rule's own deadline.
        return ALWAYS if activity == self.after else OWN_OBLIGATIONS

    def applies(self, step: Step) -> bool:
        """Whether this ``after`` event opens the deadline (by default every one does)."""
        return True

    def _prepare(self) -> tuple[frozenset[str], int, bool, str, str]:
        # The hooks' answers, asked once, on the rule's first event: they follow from the
        # options, which never change once the rule is built.
        then = self.discharged_by()
        shape = (
            frozenset(then),
            self.days_allowed(),
            self.counts_business_days(),
            self.owed(),
            self.action or f"record {then[0]}",
        )
        self._shape = shape
        return shape

    def on_event(self, step: Step) -> None:
        shape = self._shape
        if shape is None:
            shape = self._prepare()
        discharging, days, business, owed, action = shape
        activity = step.event.activity
        key = self.key
        if activity in discharging:
            step.fulfil(key)
        if activity in self.cancel_on:
            step.cancel(key)
        if activity == self.after and self.applies(step):
            due = step.business_days(days) if business else step.days(days)
            step.open(key, due, owed, action)


class Prohibition(Rule):
    """``activity`` must never happen when :meth:`forbidden` says so.

    Every ``activity`` event is judged: passed, or violated with ``message``.  Example::

        class NoFridayAfternoonRejections(Prohibition):
            code = "ACME102"
            ...
            activity = "rejected"
            message = "rejected on a Friday afternoon"

            def forbidden(self, step: Step) -> bool:
                local = step.event.timestamp.astimezone(step.calendar.timezone)
                return local.weekday() == 4 and local.hour >= 15
    """

    activity: ClassVar[str]
    message: ClassVar[str] = ""

    def subscriptions(self) -> frozenset[str]:
        return frozenset({self.activity})

    def forbidden(self, step: Step) -> bool:
        """Whether ``step.event`` is forbidden."""
        raise TypeError(f"{type(self).__name__} must define forbidden(step)")

    def on_event(self, step: Step) -> None:
        if self.forbidden(step):
            step.violated(f"{self.message or self.summary} ({step.event.describe()})")
        else:
            step.passed()
