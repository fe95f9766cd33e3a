"""Coverage: what a source of events can record, and what a rule needs it to record.

Both sides speak one vocabulary of **evidence keys**:

- an activity name (``interview_held``): the source records that activity;
- ``activity.attribute`` (``rejected.reason``, ``interview_held.started_at``, and
  ``rejected.channel`` for the event's channel): the source records that attribute on that
  activity's events;
- alternatives joined by ``|`` (``thank_you_sent|rejected.text``): any one of them will do.

A rule declares the keys its verdict rests on in :attr:`Rule.evidence
<cx_rules.Rule.evidence>`; an importer declares a :class:`Coverage`: the keys it can produce,
and why the system never records some others.  When a rule needs a key its source cannot
hold, every check of the rule on that source is *unknown*, "not recorded by this source",
never violated (see :func:`uncovered_rules`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

if TYPE_CHECKING:
    from .rule import Rule

__all__ = ["ALTERNATIVE", "Coverage", "uncovered_rules"]

#: What separates the alternatives of one evidence key.
ALTERNATIVE: Final = "|"


def _keys(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _reasons(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen
class Coverage:
    """What one source (an importer's system) records.

    ``produces`` holds the evidence keys its events can carry: activity names and
    ``activity.attribute`` pairs.  ``never`` maps keys the system never records to a short
    sentence saying why (``"interview_held.started_at": "no ATS records when an interview
    really started"``).  A key is *recorded* when it is produced; a key in both is an error.
    """

    system: str
    produces: frozenset[str] = attrs.field(converter=_keys)
    never: Mapping[str, str] = attrs.field(factory=dict, converter=_reasons)
    #: Why a key the source neither produces nor explains is missing; by default "not
    #: produced by the SYSTEM importer".
    unproduced: str | None = None

    def __attrs_post_init__(self) -> None:
        both = sorted(self.produces & set(self.never))
        if both:
            raise ValueError(
                f"coverage of {self.system}: {', '.join(both)} both produced and never recorded"
            )
        for key in self.produces:
            activity, _, attribute = key.partition(".")
            if attribute and activity not in self.produces:
                raise ValueError(
                    f"coverage of {self.system}: {key} is produced but activity {activity} is not"
                )

    def __reduce__(self) -> tuple[Any, tuple[object, ...]]:
        # Pickled as its fields, ``never`` as a plain dict (a mapping proxy does not pickle),
        # for the partials of a --jobs share, which carry their source's coverage.
        return (Coverage, (self.system, self.produces, dict(self.never), self.unproduced))

    @property
    def activities(self) -> frozenset[str]:
        """The activities the source can produce."""
        return frozenset(k for k in self.produces if "." not in k)

    @property
    def attributes(self) -> Mapping[str, frozenset[str]]:
        """The attributes the source can produce, by activity."""
        found: dict[str, set[str]] = {}
        for key in self.produces:
            activity, _, attribute = key.partition(".")
            if attribute:
                found.setdefault(activity, set()).add(attribute)
        return {a: frozenset(found[a]) for a in sorted(found)}

    def records(self, key: str) -> bool:
        """Whether the source can hold evidence ``key`` (any of its ``|`` alternatives)."""
        return any(k.strip() in self.produces for k in key.split(ALTERNATIVE))

    def why_not(self, key: str) -> str:
        """Why the source cannot hold ``key``: the system's reason when it declares one,
        else that the importer does not produce it."""
        reasons = [self.never[k.strip()] for k in key.split(ALTERNATIVE) if k.strip() in self.never]
        if reasons:
            return f"{key} ({'; '.join(dict.fromkeys(reasons))})"
        return f"{key} ({self.unproduced or f'not produced by the {self.system} importer'})"

    def lacks(self, evidence: Iterable[str]) -> str | None:
        """The reason a verdict resting on ``evidence`` cannot be reached from this source,
        or ``None`` when every key is recorded.  The reason starts ``not recorded by this
        source (SYSTEM):`` and names each missing key."""
        missing = [self.why_not(key) for key in sorted(evidence) if not self.records(key)]
        if not missing:
            return None
        return f"not recorded by this source ({self.system}): {', '.join(missing)}"


def uncovered_rules(rules: Iterable[type[Rule] | Rule], coverage: Coverage) -> dict[str, str]:
    """The rules among ``rules`` whose :attr:`~cx_rules.Rule.evidence` ``coverage`` cannot
    hold, by code, each with the reason (see :meth:`Coverage.lacks`), sorted by code."""
    found: dict[str, str] = {}
    for rule in rules:
        reason = coverage.lacks(getattr(rule, "evidence", frozenset()))
        if reason is not None:
            found[rule.code] = reason
    return dict(sorted(found.items()))
