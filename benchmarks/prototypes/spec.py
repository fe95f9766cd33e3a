"""The deadline rules as declarative shapes, read off the engine's own rule objects.

One definition is the single source of truth: the prototypes never restate a rule's
activities or days, they read them from the configured rule the engine runs (its options as
the policy set them).  Today CX401 and CX405 subclass ``Rule`` directly; the plan in
``docs/performance-design.md`` makes them :class:`cx_rules.DeadlineRule` shapes, and then
:func:`deadline_of` reads the shape's class attributes alone.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from cx_rules import Engine, Rule
from cx_rules.shapes import DeadlineRule

__all__ = ["Deadline", "deadlines_of"]

_GONE = ("withdrawn", "data_deleted")


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
    options: Any = rule
    if isinstance(rule, DeadlineRule):
        unit = "business days" if rule.business_days else "days"
        return Deadline(
            rule.code,
            "deadline",
            rule.after,
            tuple(rule.then),
            tuple(rule.cancel_on),
            rule.within,
            rule.business_days,
            f"{' or '.join(rule.then)} within {rule.within} {unit} of {rule.after}",
        )
    if rule.code == "CX401":  # AcknowledgeApplication
        return Deadline(
            "CX401",
            "ack",
            "application_received",
            tuple(options.acknowledged_by),
            _GONE,
            options.business_days,
            True,
            options._owed,
        )
    if rule.code == "CX405":  # TimeToDisposition
        return Deadline(
            "CX405",
            "disposition",
            "application_received",
            tuple(options.decided_by),
            _GONE,
            options.days,
            False,
            options._owed,
        )
    return None


def deadlines_of(engine: Engine) -> list[Deadline]:
    """The engine's deadline-shaped rules, in the engine's order."""
    found = [deadline_of(rule) for rule in engine.rules.values()]
    return [d for d in found if d is not None]
