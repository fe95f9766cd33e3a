"""The deadline rules as declarative shapes, read off the engine's own rule objects.

One definition is the single source of truth: the prototypes never restate a rule's
activities or days, they read them from the configured rule the engine runs (its options as
the policy set them).  CX401 and CX405 are :class:`cx_rules.shapes.DeadlineRule` shapes;
:func:`deadline_of` reads any such shape through its hooks alone.
"""

from __future__ import annotations

from typing import NamedTuple

from cx_rules import Engine, Rule
from cx_rules.shapes import DeadlineRule

__all__ = ["Deadline", "deadlines_of"]


class Deadline(NamedTuple):
    """ "After ``after``, one of ``then`` within ``days`` (business or calendar) days; any of
    ``cancel_on`` makes it moot."  ``key`` names the obligation as the rule does."""

    code: str
    key: str
    after: str
    then: tuple[str, ...]
    cancel_on: tuple[str, ...]
    days: int
    business: bool
    message: str


def deadline_of(rule: Rule) -> Deadline | None:
    """``rule`` as a :class:`Deadline`, or ``None`` when it has another shape."""
    if isinstance(rule, DeadlineRule):
        # Read through the shape's hooks: CX401 and CX405 keep their options' names.
        return Deadline(
            rule.code,
            rule.key,
            rule.after,
            tuple(rule.discharged_by()),
            tuple(rule.cancel_on),
            rule.days_allowed(),
            rule.counts_business_days(),
            rule.owed(),
        )
    return None


def deadlines_of(engine: Engine) -> list[Deadline]:
    """The engine's deadline-shaped rules, in the engine's order."""
    found = [deadline_of(rule) for rule in engine.rules.values()]
    return [d for d in found if d is not None]
