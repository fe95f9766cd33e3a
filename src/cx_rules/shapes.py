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

A deadline is also a :class:`Timer`, a plain value that says what opens, fulfils and cancels
it: the rule's ``on_event`` runs the timer through the step (:func:`run_timer`), and the
engine's compiled table runs the same timer on the case's obligations directly, without a
step (``cx_rules.engine.timers``).  The timer is the one definition both paths read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, NamedTuple

from .rule import ALWAYS, NEVER, OWN_OBLIGATIONS, Reaction, Rule
from .step import Step

__all__ = ["DeadlineRule", "Prohibition", "StateRule", "Timer", "run_timer"]


class Timer(NamedTuple):
    """A rule's deadline as a value: on which moves it is fulfilled, cancelled and opened.

    On an event, in this order: an activity of ``fulfil_on`` fulfils the obligation ``key``
    (:meth:`Step.fulfil <cx_rules.Step.fulfil>`); an activity of ``cancel_on``, or a move
    into a state of ``cancel_in``, cancels it; an activity of ``open_on``, unless the move
    goes into a state of ``cancel_in``, opens it (again), due ``days`` business days
    (``business``) or calendar days after the event, with ``owed`` as its message and
    ``action`` as its reminder.
    """

    key: str
    fulfil_on: frozenset[str]
    cancel_on: frozenset[str]
    cancel_in: frozenset[str]
    open_on: frozenset[str]
    days: int
    business: bool
    owed: str
    action: str


def run_timer(timer: Timer, step: Step, applies: Callable[[Step], bool] | None = None) -> None:
    """What ``timer`` does on ``step``, through the step: a rule's ``on_event``.

    ``applies``, when given, may keep an ``open_on`` event from opening the deadline.
    """
    activity = step.event.activity
    key = timer.key
    if activity in timer.fulfil_on:
        step.fulfil(key)
    closes = step.state in timer.cancel_in
    if closes or activity in timer.cancel_on:
        step.cancel(key)
    if activity in timer.open_on and not closes and (applies is None or applies(step)):
        due = step.business_days(timer.days) if timer.business else step.days(timer.days)
        step.open(key, due, timer.owed, timer.action)


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
    _shape: Timer | None = None

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

    def _prepare(self) -> Timer:
        # The hooks' answers, asked once, on the rule's first event (or when the engine
        # compiles it): they follow from the options, which never change once it is built.
        then = self.discharged_by()
        timer = Timer(
            self.key,
            frozenset(then),
            frozenset(self.cancel_on),
            frozenset(),
            frozenset({self.after}),
            self.days_allowed(),
            self.counts_business_days(),
            self.owed(),
            self.action or f"record {then[0]}",
        )
        self._shape = timer
        return timer

    def _compiled_timer(self) -> Timer | None:
        # The engine runs the timer itself unless a subclass judges in code of its own.
        cls = type(self)
        if cls.on_event is not DeadlineRule.on_event or cls.applies is not DeadlineRule.applies:
            return None
        return self._shape or self._prepare()

    def on_event(self, step: Step) -> None:
        run_timer(self._shape or self._prepare(), step, self.applies)


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
