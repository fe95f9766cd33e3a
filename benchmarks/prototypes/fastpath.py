"""Prototype (a): the deadline shapes compiled into one table and a tight per-event loop.

What the compiled path does differently from today's engine, on the same events and with the
same calendar:

- one dictionary walk per event finds both the transition and the rule actions that can react
  in that state to that activity (``table[state][activity]``); rules that subscribe to nothing
  here are never called;
- a rule is not a method call with a ``Step``: it is a ``(slot, action)`` pair run inline, and
  a case's obligations are two plain lists indexed by slot (due time, expired), not a tuple of
  frozen attrs objects copied and sorted at every step;
- a finding is a tuple ``(case_id, code, outcome, at, due)``; its message is written only
  when a report shows it (``message`` below);
- the soonest open deadline is kept, so an event with nothing overdue costs one comparison.

The module is plain typed Python so that mypyc compiles it unchanged (prototype b); the
driver, ``deadlines.py``, runs it both ways.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

__all__ = ["Compiled", "compile_table", "message"]

OPEN: Final = 0
FULFIL: Final = 1
CANCEL: Final = 2

PASSED: Final = "passed"
VIOLATED: Final = "violated"

#: A finding as the compiled path keeps it: case id, rule code, outcome, when, due time.
Found = tuple[str, str, str, datetime, datetime | None]


class Compiled:
    """The deadline shapes of one engine, compiled; :meth:`run_case` audits one case."""

    def __init__(
        self,
        table: dict[str, dict[str, tuple[str, tuple[tuple[int, int], ...]]]],
        initial: str,
        codes: list[str],
        days: list[int],
        business: list[bool],
        add_business_days: Callable[[datetime, int], datetime],
        add_days: Callable[[datetime, int], datetime],
        comparable: Callable[[datetime], datetime],
    ) -> None:
        self.table = table
        self.initial = initial
        self.codes = codes
        self.days = days
        self.business = business
        self.add_business_days = add_business_days
        self.add_days = add_days
        self.comparable = comparable
        self.passed = [0] * len(codes)
        self.pending = [0] * len(codes)
        self.findings: list[Found] = []

    def run_case(self, case_id: str, events: Sequence[Any], cut: datetime) -> str:
        """Audit one case's ``events`` (in time order) to ``cut``; the state it ends in."""
        table = self.table
        codes = self.codes
        findings = self.findings
        passed = self.passed
        comparable = self.comparable
        slots = len(codes)
        due: list[datetime | None] = [None] * slots
        expired: list[bool] = [False] * slots
        soonest: datetime | None = None
        state = self.initial
        seen: set[str] = set()
        for event in events:
            event_id: str | None = event.event_id
            if event_id is not None:
                if event_id in seen:
                    continue
                seen.add(event_id)
            timestamp: datetime = event.timestamp
            at = comparable(timestamp)
            row = table.get(state)
            hit = None if row is None else row.get(event.activity)
            if hit is not None:
                target, actions = hit
                for slot, action in actions:
                    if action == OPEN:
                        was = due[slot]
                        if was is not None and not expired[slot] and was < at:
                            findings.append((case_id, codes[slot], VIOLATED, was, was))
                        if self.business[slot]:
                            new = self.add_business_days(timestamp, self.days[slot])
                        else:
                            new = self.add_days(timestamp, self.days[slot])
                        due[slot] = new
                        expired[slot] = False
                        if soonest is None or new < soonest:
                            soonest = new
                        continue
                    was = due[slot]
                    if was is None:
                        continue
                    due[slot] = None
                    if expired[slot]:
                        continue
                    if action == FULFIL:
                        if at <= was:
                            passed[slot] += 1
                        else:
                            findings.append((case_id, codes[slot], VIOLATED, timestamp, was))
                    elif was < at:  # CANCEL of an overdue obligation: reported as its expiry
                        findings.append((case_id, codes[slot], VIOLATED, was, was))
                state = target
            if soonest is not None and soonest < at:
                soonest = self._expire(case_id, due, expired, at)
        self._finish(case_id, due, expired, comparable(cut))
        return state

    def _expire(
        self, case_id: str, due: list[datetime | None], expired: list[bool], at: datetime
    ) -> datetime | None:
        # Every open obligation due before ``at`` is violated at its due time; the soonest
        # of those still open is returned.
        soonest: datetime | None = None
        codes = self.codes
        for slot in range(len(due)):
            when = due[slot]
            if when is None or expired[slot]:
                continue
            if when < at:
                self.findings.append((case_id, codes[slot], VIOLATED, when, when))
                expired[slot] = True
            elif soonest is None or when < soonest:
                soonest = when
        return soonest

    def _finish(
        self, case_id: str, due: list[datetime | None], expired: list[bool], cut: datetime
    ) -> None:
        codes = self.codes
        for slot in range(len(due)):
            when = due[slot]
            if when is None or expired[slot]:
                continue
            if when < cut:
                self.findings.append((case_id, codes[slot], VIOLATED, when, when))
            else:
                self.pending[slot] += 1


def compile_table(
    moves: dict[str, dict[str, str]],
    shapes: Sequence[tuple[str, str, tuple[str, ...], tuple[str, ...]]],
) -> dict[str, dict[str, tuple[str, tuple[tuple[int, int], ...]]]]:
    """``state -> activity -> (next state, ((slot, action), ...))`` from the model's moves and
    the shapes ``(code, after, then, cancel_on)``, slot ``i`` being shape ``i``.

    The actions of one event keep the shapes' order, and within a shape the order a
    ``DeadlineRule`` gives them (fulfil, cancel, then open), so the findings come out as the
    engine's do.
    """
    table: dict[str, dict[str, tuple[str, tuple[tuple[int, int], ...]]]] = {}
    for state, row in moves.items():
        compiled: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
        for activity, target in row.items():
            actions: list[tuple[int, int]] = []
            for slot, (_code, after, then, cancel_on) in enumerate(shapes):
                if activity in then:
                    actions.append((slot, FULFIL))
                elif activity in cancel_on:
                    actions.append((slot, CANCEL))
                elif activity == after:
                    actions.append((slot, OPEN))
            compiled[activity] = (target, tuple(actions))
        table[state] = compiled
    return table


def message(found: Found, owed: str) -> str:
    """The words of a finding, written when a report shows it (not on the hot path)."""
    _case, _code, _outcome, at, due = found
    if due is None or at == due:
        return f"{owed}: not done by {due.isoformat() if due else at.isoformat()}"
    return f"{owed}: done late (due {due.isoformat()}, done {at.isoformat()})"
