"""The compiled table: for each state and activity, where a case goes and which rules run.

Built once, when the engine is built, from the process model's moves and every enabled
rule's subscriptions and :meth:`~cx_rules.Rule.reacts` declarations.  Recording an event
is then one look-up, ``table[state][activity]``, which gives the state the case moves to
and the rules that can react on that move; a rule that declared it does nothing there is
not in the row, and one that only discharges its own obligations there is called only when
the case holds one.  Compiled with ``compiled=False`` (the engine's reference path, for the
property tests), every subscribed rule is called on every move, as the rules' own
``on_event`` would have it.  A rule whose ``on_event`` runs a timer (the deadline shapes,
CX104) carries it in its row: the engine runs it on the obligations directly
(``timers.py``), and the reference path calls ``on_event`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final, NamedTuple

import attrs

from ..exceptions import PluginError
from ..findings import Outcome, Severity
from ..rule import ALWAYS, NEVER, OWN_OBLIGATIONS, REACTIONS, Rule
from ..shapes import Timer
from ..step import Step

__all__ = ["Move", "compile_table"]

_PASSED: Final = Outcome.PASSED


@attrs.frozen
class _Entry:
    rule: Rule
    code: str
    severity: Severity
    plugin: str
    #: What an audit counts for a pass of this rule (see ``Step._passes``).
    passed: tuple[str, Outcome] = attrs.field(init=False)

    @passed.default
    def _passed(self) -> tuple[str, Outcome]:
        return (self.code, _PASSED)


# A rule as the step loop calls it: its entry, its bound on_event, what the step needs, and
# the rule's timer when the engine runs it without a step (see timers.py).
_Dispatched = tuple[
    _Entry, Callable[[Step], None], str, Severity, tuple[str, Outcome], Timer | None
]


class Move(NamedTuple):
    """One cell of the table: an activity allowed in a state."""

    #: The state the case moves to.
    target: str
    #: The rules that can react on this move, in code order.
    rules: tuple[_Dispatched, ...]
    #: The codes of those rules that react only when the case holds an obligation of theirs.
    conditional: frozenset[str]
    #: ``rules`` without the conditional ones: what runs when the case holds no obligation.
    unconditional: tuple[_Dispatched, ...]


def _timer(entry: _Entry) -> Timer | None:
    # A rule that cannot say its timer is called through on_event, as any other.
    try:
        timer = entry.rule._compiled_timer()
    except (Exception, SystemExit):
        return None
    return timer if isinstance(timer, Timer) else None


def _dispatched(entry: _Entry, timer: Timer | None) -> _Dispatched:
    return (entry, entry.rule.on_event, entry.code, entry.severity, entry.passed, timer)


def _reaction(entry: _Entry, activity: str, previous: str, state: str) -> str:
    try:
        answer = entry.rule.reacts(activity, previous, state)
    except (Exception, SystemExit) as exc:
        raise PluginError(
            f"rule {entry.code} {entry.rule.name} of plugin {entry.plugin!r}: "
            f"reacts() failed: {type(exc).__name__}"
        ) from exc
    if answer not in REACTIONS:
        raise PluginError(
            f"rule {entry.code} {entry.rule.name} of plugin {entry.plugin!r}: reacts() "
            f"must give one of {', '.join(sorted(REACTIONS))}, got {answer!r}"
        )
    return answer


def compile_table(
    transitions: Mapping[str, Mapping[str, str]],
    subscribers: Mapping[str, Sequence[_Entry]],
    *,
    compiled: bool = True,
) -> dict[str, dict[str, Move]]:
    """``state -> activity -> Move`` for every move of ``transitions``.

    ``subscribers`` gives, for each activity, the entries subscribed to it in code order.
    With ``compiled=False`` every subscriber runs on every move (the reference path).
    """
    timers: dict[str, Timer | None] = {}
    for entries in subscribers.values():
        for entry in entries:
            if entry.code not in timers:
                timers[entry.code] = _timer(entry) if compiled else None
    table: dict[str, dict[str, Move]] = {}
    for previous, targets in transitions.items():
        row: dict[str, Move] = {}
        for activity, target in targets.items():
            rules: list[_Dispatched] = []
            conditional: set[str] = set()
            for entry in subscribers.get(activity, ()):
                reaction = _reaction(entry, activity, previous, target) if compiled else ALWAYS
                if reaction == NEVER:
                    continue
                if reaction == OWN_OBLIGATIONS:
                    conditional.add(entry.code)
                rules.append(_dispatched(entry, timers[entry.code]))
            row[activity] = Move(
                target,
                tuple(rules),
                frozenset(conditional),
                tuple(d for d in rules if d[2] not in conditional),
            )
        table[previous] = row
    return table
