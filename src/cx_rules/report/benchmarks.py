"""Published candidate-experience figures, and the organisation's own beside them.

The figures come from Talent Board's Candidate Experience (CandE) research, as reported on
thetalentboard.org and in ere.net articles.  Each :class:`Published` figure says what it
measures, the year of the survey and where it was published; :func:`benchmarks` measures
the same thing on the audited log, from the counts of
:class:`~cx_rules.report.measure.Measures`.

The survey asks candidates; the log records what the employer did.  The two measure the same
thing only roughly: a report shows them side by side, never scores one against the other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Final

import attrs

from .measure import SILENT_DAYS
from .model import Benchmark

__all__ = ["PUBLISHED", "Published", "benchmarks"]

_CANDE: Final = "Talent Board CandE research (thetalentboard.org, ere.net)"


@attrs.frozen
class Published:
    """One published figure: ``value`` in ``unit`` (``%`` or ``days``), its year and source."""

    measure: str
    unit: str
    value: float
    #: ``None`` where the source gives no survey year.
    year: int | None
    source: str
    note: str


#: The figures, by the name of the measure on the log.
PUBLISHED: Final[Mapping[str, Published]] = {
    "acknowledged": Published(
        "applications acknowledged",
        "%",
        58.0,
        2022,
        _CANDE,
        "candidates who got an automated thank-you for applying; ours: applications with "
        "an application_acknowledged event",
    ),
    "feedback": Published(
        "rejected candidates given feedback",
        "%",
        40.0,
        2021,
        _CANDE,
        "60% of rejected candidates got no feedback; ours: rejected cases with a "
        "feedback_given event",
    ),
    "phone": Published(
        "rejections after an interview made by phone",
        "%",
        6.0,
        2021,
        _CANDE,
        "rejected candidates who got a phone call; ours: rejections after an interview_held "
        "whose channel is phone",
    ),
    "disposition": Published(
        "median days from application to a decision",
        "days",
        5.0,
        None,
        _CANDE,
        "award-winning employers decide within 3 to 5 days of the application and never take "
        "more than one to two weeks; ours: the median, in calendar days, from "
        "application_received to the first rejection, offer or withdrawal",
    ),
    "silent": Published(
        f"candidates with no decision after {SILENT_DAYS} days",
        "%",
        34.0,
        2022,
        _CANDE,
        "North American candidates who had heard nothing after one to two months or more "
        f"(36% in 2023; 70% in EMEA); ours: applications at least {SILENT_DAYS} days before "
        f"the cut-off with no rejection, offer or withdrawal within {SILENT_DAYS} days",
    ),
}


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def benchmarks(facts: Counter[str], decided_in: Counter[int]) -> tuple[Benchmark, ...]:
    """The published figures beside the log's own (``None`` where the log has no case to
    measure on); ``decided_in`` counts the cases decided, by whole days to the decision."""
    decided = sum(decided_in.values())
    ours: dict[str, tuple[int, int]] = {
        "acknowledged": (facts["acknowledged"], facts["applied"]),
        "feedback": (facts["rejected_with_feedback"], facts["rejected"]),
        "phone": (facts["rejected_by_phone"], facts["rejected_after_interview"]),
        "silent": (facts["silent"], facts["waited"]),
    }
    rows = []
    for name, published in PUBLISHED.items():
        if name == "disposition":
            value, whole = _median(decided_in), decided
        else:
            part, whole = ours[name]
            value = _share(part, whole)
        rows.append(
            Benchmark(
                measure=published.measure,
                unit=published.unit,
                ours=value,
                basis=whole,
                published=published.value,
                year=published.year,
                source=published.source,
                note=published.note,
            )
        )
    return tuple(rows)


def _median(counts: Counter[int]) -> float | None:
    """The median of values given as counts (the mean of the two middle ones when even)."""
    total = sum(counts.values())
    if total == 0:
        return None
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    index = 0
    for value in sorted(counts):
        index += counts[value]
        while middle and middle[0] < index:
            found.append(value)
            middle.pop(0)
    return (found[0] + found[1]) / 2
