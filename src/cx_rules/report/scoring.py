"""The score: severity-weighted compliance, each rule counted once.

For a set of findings (a whole audit, one practice, one case, one group) and each rule ``r``
with at least one judged check in it::

    compliance(r) = passed(r) / (passed(r) + violated(r))
    score         = 100 * sum(weight(r) * compliance(r)) / sum(weight(r))

where ``weight`` is the rule's severity weight (error 3, warning 2, info 1, from
:attr:`~cx_rules.Severity.weight`).  Unknown, pending and waived checks are left out of both
sums (they are shown beside the score, never hidden).  A rule counts once however often it fires,
so a check made on every event (``CX001``) cannot drown out one made once per case.  With no
judged check at all the score is ``None`` (shown as ``n/a``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Severity
from .model import Tally

__all__ = ["score"]


def score(rules: Iterable[tuple[Severity, Tally]]) -> float | None:
    """The score (0-100) of rules given as ``(severity, tally)`` pairs, or ``None``."""
    total = 0.0
    weights = 0
    for severity, tally in rules:
        if tally.judged:
            weight = severity.weight
            total += weight * tally.passed / tally.judged
            weights += weight
    return None if weights == 0 else 100.0 * total / weights
