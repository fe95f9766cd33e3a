"""Process models: the states of a case and the activities that move between them."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from operator import attrgetter, eq
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from .events import Activity as A
from .exceptions import ProcessModelError

if TYPE_CHECKING:
    from .events import Event

__all__ = ["ProcessModel", "default_model"]


def _states(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _freeze_transitions(
    value: Mapping[str, Mapping[str, str]],
) -> Mapping[str, Mapping[str, str]]:
    # Plain strings, also where a caller used Activity members: the model is data.
    return MappingProxyType(
        {
            str(s): MappingProxyType({str(a): str(target) for a, target in t.items()})
            for s, t in value.items()
        }
    )


@attrs.frozen(eq=False)
class ProcessModel:
    """A state machine for one application: states and the activities allowed in each.

    ``transitions[state][activity]`` is the state the activity leads to.  An activity that
    leads back to the same state is allowed there without changing it (a question, a thank-you,
    feedback).  The model is checked when it is built: the initial state and every terminal
    state exist, terminal states have no way out, and every state is reachable from the initial
    one.  A :class:`~cx_rules.ProcessModelError` says what is wrong.
    """

    initial: str
    terminal: frozenset[str] = attrs.field(converter=_states)
    transitions: Mapping[str, Mapping[str, str]] = attrs.field(converter=_freeze_transitions)
    name: str = "custom"

    def __reduce__(self) -> tuple[type[ProcessModel], tuple[object, ...]]:
        # Pickled as its arguments, the frozen tables as plain dicts (a mapping proxy does
        # not pickle); built again through __init__, which checks and freezes them.
        transitions = {s: dict(t) for s, t in self.transitions.items()}
        return (type(self), (self.initial, self.terminal, transitions, self.name))

    def __attrs_post_init__(self) -> None:
        states = self.states
        if self.initial not in self.transitions:
            raise ProcessModelError(f"initial state {self.initial!r} has no transitions entry")
        for state in sorted(self.terminal - states):
            raise ProcessModelError(f"terminal state {state!r} is not a state of the model")
        for state in sorted(self.terminal):
            for activity, target in sorted(self.transitions.get(state, {}).items()):
                if target != state:
                    raise ProcessModelError(
                        f"terminal state {state!r} has a way out: {activity!r} -> {target!r}"
                    )
        if self.initial in self.terminal:
            raise ProcessModelError(f"initial state {self.initial!r} must not be terminal")
        reached = {self.initial}
        todo = [self.initial]
        while todo:
            for target in self.transitions.get(todo.pop(), {}).values():
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        unreachable = sorted(states - reached)
        if unreachable:
            raise ProcessModelError(
                f"states not reachable from {self.initial!r}: {', '.join(unreachable)}"
            )
        open_dead_ends = sorted(
            s
            for s in states - self.terminal
            if all(t == s for t in self.transitions.get(s, {}).values())
        )
        if open_dead_ends:
            raise ProcessModelError(
                f"states that are not terminal but have no way out: {', '.join(open_dead_ends)}"
            )

    @property
    def states(self) -> frozenset[str]:
        """Every state named in the model."""
        found = set(self.transitions) | set(self.terminal) | {self.initial}
        for targets in self.transitions.values():
            found.update(targets.values())
        return frozenset(found)

    @property
    def activities(self) -> frozenset[str]:
        """Every activity the model allows somewhere."""
        return frozenset(a for targets in self.transitions.values() for a in targets)

    def allowed(self, state: str) -> tuple[str, ...]:
        """The activities allowed in ``state``, sorted."""
        return tuple(sorted(self.transitions.get(state, {})))

    def next_state(self, state: str, activity: str) -> str | None:
        """The state ``activity`` leads to from ``state``, or ``None`` when not allowed."""
        targets = self.transitions.get(state)
        return None if targets is None else targets.get(activity)

    def bridge(self, state: str, activity: str, through: Iterable[str]) -> tuple[str, ...] | None:
        """The shortest run of activities, each one of ``through``, that leads from ``state``
        to a state where ``activity`` is allowed: ``()`` when it is allowed already, ``None``
        when no such run exists.  Runs of one length are chosen by activity name, so the
        answer is always the same.

        An audit of a source that never records some activities (its coverage) uses it: a
        hire in a table with no interview column is not an illegal step, but one whose steps
        before it the source does not show."""
        transitions = self.transitions
        if activity in transitions.get(state, {}):
            return ()
        allowed = frozenset(through)
        seen = {state}
        queue: deque[tuple[str, tuple[str, ...]]] = deque([(state, ())])
        while queue:
            here, path = queue.popleft()
            for step, there in sorted(transitions.get(here, {}).items()):
                if step not in allowed or there in seen:
                    continue
                if activity in transitions.get(there, {}):
                    return (*path, step)
                seen.add(there)
                queue.append((there, (*path, step)))
        return None

    def is_terminal(self, state: str) -> bool:
        """Whether the case is closed in ``state``."""
        return state in self.terminal

    def in_order(self, events: Iterable[Event], *, state: str | None = None) -> list[Event]:
        """The events of one case in the order an audit replays them.

        By time; events at the same moment (a log with minute or day resolution has many) in
        the order the model makes of them, whatever their order in the log.  Walking the
        model from ``state`` (default: the initial state; give the case's state for a batch
        added to a case), an event the state allows comes before one it does not, and among
        those, canonical activities in process order: the application and its
        acknowledgement, screening and interviews, the offer, then the decision (rejected,
        withdrawn) before what answers it (feedback, thanks, the talent pool) and data
        deletion last; activities a plugin adds come after, by name.  Events of one activity
        at one moment keep their order.
        """
        ordered = sorted(events, key=_timestamp)
        order = self._settle(ordered, state)
        return ordered if order is None else [ordered[i] for i in order]

    def _settle(self, ordered: Sequence[Event], state: str | None = None) -> list[int] | None:
        """For events of one case in time order: the positions in the order of
        :meth:`in_order` (walking from ``state``, default the initial one), or ``None`` when
        no two of them share a moment."""
        stamps = [e.timestamp for e in ordered]
        # In time order, ties are neighbours (and comparing them is cheaper than hashing).
        if not any(map(eq, stamps, islice(stamps, 1, None))):
            return None
        transitions = self.transitions
        if state is None:
            state = self.initial
        out: list[int] = []
        start, n = 0, len(ordered)
        while start < n:
            end = start + 1
            while end < n and stamps[end] == stamps[start]:
                end += 1
            # A queue per activity, in the log's order: each pick compares activities, not
            # events, so a moment with many events costs their number times the activities.
            queues: dict[str, deque[int]] = {}
            for i in range(start, end):
                queues.setdefault(ordered[i].activity, deque()).append(i)
            while queues:
                moves = transitions.get(state, {})
                activity = min(queues, key=lambda a: (a not in moves, _TIE_RANK.get(a, _LAST), a))
                queue = queues[activity]
                out.append(queue.popleft())
                if not queue:
                    del queues[activity]
                state = moves.get(activity, state)
            start = end
        return out

    def extend(
        self,
        transitions: Mapping[str, Mapping[str, str]],
        *,
        terminal: Iterable[str] = (),
        name: str | None = None,
    ) -> ProcessModel:
        """A new model with more (or changed) transitions and terminal states.

        ``transitions`` is merged state by state over this model's; a state not named keeps its
        transitions.  The result is validated like any model.
        """
        merged = {s: dict(t) for s, t in self.transitions.items()}
        for state, targets in transitions.items():
            merged.setdefault(state, {}).update(targets)
        return ProcessModel(
            initial=self.initial,
            terminal=self.terminal | frozenset(terminal),
            transitions=merged,
            name=name or self.name,
        )


# Activities that talk to or about the candidate without moving the case.
_WHILE_OPEN: Final = (
    A.APPLICATION_ACKNOWLEDGED,
    A.PROCESS_INFO_SENT,
    A.QUESTION_RECEIVED,
    A.QUESTION_ANSWERED,
    A.STATUS_UPDATE_SENT,
    A.FEEDBACK_REQUESTED,
    A.FEEDBACK_GIVEN,
    A.THANK_YOU_SENT,
    A.TALENT_POOL_OFFERED,
    A.TALENT_POOL_JOINED,
)
# What still happens after a case has closed.
_AFTER_CLOSE: Final = (
    A.QUESTION_RECEIVED,
    A.QUESTION_ANSWERED,
    A.STATUS_UPDATE_SENT,
    A.FEEDBACK_REQUESTED,
    A.FEEDBACK_GIVEN,
    A.THANK_YOU_SENT,
    A.TALENT_POOL_OFFERED,
    A.TALENT_POOL_JOINED,
    A.DATA_DELETED,
)


_timestamp: Final = attrgetter("timestamp")
#: Where each canonical activity comes among a case's events at one moment: the process
#: order, with the decision before what answers it (feedback given with a rejection is
#: feedback on it).
_TIE_RANK: Final = {
    a.value: i
    for i, a in enumerate(
        (
            A.APPLICATION_RECEIVED,
            A.APPLICATION_ACKNOWLEDGED,
            A.PROCESS_INFO_SENT,
            A.SCREENING_STARTED,
            A.QUESTION_RECEIVED,
            A.QUESTION_ANSWERED,
            A.STATUS_UPDATE_SENT,
            A.INTERVIEW_SCHEDULED,
            A.INTERVIEW_RESCHEDULED,
            A.INTERVIEW_HELD,
            A.OFFER_MADE,
            A.OFFER_ACCEPTED,
            A.OFFER_DECLINED,
            A.REJECTED,
            A.WITHDRAWN,
            A.FEEDBACK_REQUESTED,
            A.FEEDBACK_GIVEN,
            A.THANK_YOU_SENT,
            A.TALENT_POOL_OFFERED,
            A.TALENT_POOL_JOINED,
            A.DATA_DELETED,
        )
    )
}
_LAST: Final = len(_TIE_RANK)


def _stay(state: str, activities: Iterable[str]) -> dict[str, str]:
    return dict.fromkeys(activities, state)


def _open(state: str, **moves: str) -> dict[str, str]:
    targets = _stay(state, _WHILE_OPEN)
    targets.update({A.REJECTED: "rejected", A.WITHDRAWN: "withdrawn", A.DATA_DELETED: "withdrawn"})
    targets.update(moves)
    return targets


def _build_default() -> ProcessModel:
    interviewing = _open(
        "interviewing",
        offer_made="offer",
    )
    interviewing.update(
        _stay("interviewing", (A.INTERVIEW_SCHEDULED, A.INTERVIEW_RESCHEDULED, A.INTERVIEW_HELD))
    )
    offer = _open(
        "offer",
        offer_made="offer",
        offer_accepted="hired",
        offer_declined="declined",
    )
    return ProcessModel(
        name="default",
        initial="new",
        terminal={"hired", "rejected", "withdrawn", "declined"},
        transitions={
            "new": {A.APPLICATION_RECEIVED: "applied"},
            "applied": _open(
                "applied",
                screening_started="screening",
                interview_scheduled="interviewing",
            ),
            "screening": _open(
                "screening",
                interview_scheduled="interviewing",
                offer_made="offer",
            ),
            "interviewing": interviewing,
            "offer": offer,
            "hired": _stay("hired", _AFTER_CLOSE),
            "rejected": _stay("rejected", _AFTER_CLOSE),
            "withdrawn": _stay("withdrawn", _AFTER_CLOSE),
            "declined": _stay("declined", _AFTER_CLOSE),
        },
    )


_DEFAULT: Final = _build_default()


def default_model() -> ProcessModel:
    """The default recruitment model.

    ``new`` --application_received--> ``applied`` -> ``screening`` -> ``interviewing`` ->
    ``offer`` -> ``hired``; any open state -> ``rejected`` or ``withdrawn``; ``offer`` ->
    ``declined``.  ``hired``, ``rejected``, ``withdrawn`` and ``declined`` are terminal.
    Messages, questions, feedback, thanks and the talent pool are allowed in every open state
    and after closing.  ``data_deleted`` is allowed in every state but ``new``: deleting a
    candidate's data is never a process failure.  On a closed case (hired included) it keeps
    the state; on an open case it closes the case as ``withdrawn``, because a candidate whose
    data is gone can no longer be in the process (an erasure request ends the application).
    """
    return _DEFAULT
