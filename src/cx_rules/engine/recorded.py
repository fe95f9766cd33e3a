"""What one call of the engine returns: the new case and the findings of the step."""

from __future__ import annotations

from typing import NamedTuple

from ..case import Case
from ..findings import Finding

__all__ = ["Recorded"]


class _Pair(NamedTuple):
    case: Case
    findings: tuple[Finding, ...]


class Recorded(_Pair):
    """What one call of the engine returns: the new case and the findings of that step.

    It unpacks as ``case, findings = engine.record(case, event)``.  Three flags say when the
    call was not an ordinary step (they are not part of the unpacking):

    - :attr:`duplicate`: the event's ``event_id`` was already recorded on the case with the
      same content; ``case`` is the case given, unchanged, and ``findings`` is empty;
    - :attr:`replayed`: the event was older than the case's clock and the policy says
      ``out_of_order = "insert"``; it was put in its place, ``case`` was rebuilt from the
      first event and ``findings`` holds every finding of that rebuild;
    - :attr:`blocked`: from :meth:`Engine.preview`, the findings for which
      :meth:`Engine.record` would raise :class:`~cx_rules.PolicyViolation` (empty from
      ``record``, which raises instead).

    Two results are equal when their case, findings and flags are equal.
    """

    duplicate: bool = False
    replayed: bool = False
    blocked: tuple[Finding, ...] = ()

    def __new__(
        cls,
        case: Case,
        findings: tuple[Finding, ...],
        *,
        duplicate: bool = False,
        replayed: bool = False,
        blocked: tuple[Finding, ...] = (),
    ) -> Recorded:
        self = super().__new__(cls, case, findings)
        # Flags live in the instance dict only when set, so the common result stays cheap.
        if duplicate:
            self.duplicate = True
        if replayed:
            self.replayed = True
        if blocked:
            self.blocked = tuple(blocked)
        return self

    def _flags(self) -> tuple[bool, bool, tuple[Finding, ...]]:
        return (self.duplicate, self.replayed, self.blocked)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, tuple):
            return NotImplemented
        if not tuple.__eq__(self, other):
            return False
        return not isinstance(other, Recorded) or self._flags() == other._flags()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((tuple(self), self._flags()))

    def __repr__(self) -> str:
        flags = "".join(
            f", {name}={value!r}"
            for name, value in zip(("duplicate", "replayed", "blocked"), self._flags(), strict=True)
            if value
        )
        return f"Recorded(case={self.case!r}, findings={self.findings!r}{flags})"


# The ordinary result, built without the keyword handling of ``Recorded.__new__``: this is
# on the path of every recorded event.
_new_tuple = tuple.__new__


def _plain(case: Case, findings: tuple[Finding, ...]) -> Recorded:
    return _new_tuple(Recorded, (case, findings))
