"""Wide tables: one row per application, one date column per stage, unpivoted into events.

Applicant tracking systems export pipelines this way (a row per application with columns
such as "Applied On" and "Rejected On").  The ``[wide]`` table of a mapping says which column
is the case id, which date column means which activity, and which other columns travel with
the events as attributes::

    [wide]
    case_id = "Application ID"
    attributes = { "Job" = "job_id" }          # carried on every event of the row

    [[wide.events]]
    column = "Applied On"
    activity = "application_received"

    [[wide.events]]
    column = "Rejected On"
    activity = "rejected"
    attributes = { "Rejection Reason" = "reason" }   # only on this event

    [[wide.events]]
    column = "Hired On"
    activity = ["offer_made", "offer_accepted"]      # a hire implies the offer before it

A column may stand for several activities at its date, in their order: every one but the last
carries ``inferred`` (the column's name), since the export shows only that it happened.  A wide
table also says what it *can* record (:meth:`Wide.coverage`): an audit judges a rule whose
evidence none of its columns holds as unknown, "not recorded by this source", never violated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..coverage import Coverage
from ..events import is_missing
from ..exceptions import PolicyError

__all__ = ["SYSTEM", "Wide", "WideEvent"]

#: How reports name a wide table as a source.
SYSTEM: Final = "wide table"

_KEYS: Final = ("case_id", "events", "attributes")
_EVENT_KEYS: Final = ("column", "activity", "attributes")


def _freeze(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _activities(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class WideEvent:
    """One date column of a wide table: the ``activities`` its dates are (one, or several in
    their order, the earlier ones implied by the last), and the ``attributes`` (source column
    to attribute name) only its events carry."""

    column: str
    activities: tuple[str, ...] = attrs.field(converter=_activities)
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze)

    @property
    def activity(self) -> str:
        """The activity the column's dates record (the last of :attr:`activities`)."""
        return self.activities[-1]


@attrs.frozen
class Wide:
    """How a wide table becomes events: ``case_id`` is the column of the case id, ``events``
    the date columns, ``attributes`` the columns every event of a row carries (source column
    to attribute name).  Columns named nowhere are not read: a wide export holds names,
    addresses and notes that an audit does not need."""

    case_id: str
    events: tuple[WideEvent, ...]
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze)

    @classmethod
    def from_dict(cls, table: object, where: str) -> Wide:
        """Build it from a parsed ``[wide]`` table; raises :class:`~cx_rules.PolicyError`
        naming the key for anything missing, unknown or of the wrong shape."""
        if not isinstance(table, Mapping):
            raise PolicyError(f"{where}: expected a table, got {type(table).__name__}")
        _known(table, _KEYS, where)
        case_id = table.get("case_id")
        if not isinstance(case_id, str) or not case_id:
            raise PolicyError(f"{where}.case_id: expected the name of the case id column")
        items = table.get("events")
        if not isinstance(items, list) or not items:
            raise PolicyError(
                f"{where}.events: expected [[wide.events]] tables, each with a column and an "
                "activity"
            )
        events = []
        for number, item in enumerate(items, start=1):
            here = f"{where}.events[{number}]"
            if not isinstance(item, Mapping):
                raise PolicyError(f"{here}: expected a table, got {type(item).__name__}")
            _known(item, _EVENT_KEYS, here)
            if not isinstance(item.get("column"), str) or not item["column"]:
                raise PolicyError(f"{here}.column: expected a non-empty string")
            activity = item.get("activity")
            if isinstance(activity, list):
                if not activity or not all(isinstance(a, str) and a for a in activity):
                    raise PolicyError(
                        f"{here}.activity: expected an activity, or a list of activities in "
                        "their order"
                    )
            elif not isinstance(activity, str) or not activity:
                raise PolicyError(f"{here}.activity: expected a non-empty string")
            events.append(
                WideEvent(
                    item["column"],
                    activity,
                    _names(item.get("attributes", {}), f"{here}.attributes"),
                )
            )
        wide = cls(
            case_id, tuple(events), _names(table.get("attributes", {}), f"{where}.attributes")
        )
        seen: set[str] = set()
        for event in wide.events:
            if event.column in seen:
                raise PolicyError(f"{where}.events: column {event.column!r} is named twice")
            seen.add(event.column)
        return wide

    def coverage(self) -> Coverage:
        """What the table can record: the activities of its date columns, each with the
        attributes its events carry.  Anything else (an acknowledgement, a message, an
        interview the table has no column for) it never records."""
        shared = set(self.attributes.values())
        produces: set[str] = set()
        for event in self.events:
            names = shared | set(event.attributes.values())
            for activity in event.activities:
                produces.add(activity)
                produces.update(f"{activity}.{name}" for name in names)
        return Coverage(SYSTEM, produces, unproduced="no column of the wide table holds it")

    def columns(self) -> tuple[str, ...]:
        """Every column the table names, in order, each once."""
        names = [self.case_id, *self.attributes]
        for event in self.events:
            names.append(event.column)
            names.extend(event.attributes)
        return tuple(dict.fromkeys(names))

    def missing(self, header: Sequence[str]) -> str | None:
        """What the table names that ``header`` lacks, for a header check (``None``: all
        there)."""
        absent = [c for c in self.columns() if c not in header]
        if not absent:
            return None
        shown = ", ".join(repr(c) for c in absent)
        return f"the columns the [wide] table names (missing: {shown})"

    def records(self, cells: Mapping[str, object]) -> Iterator[tuple[str, dict[str, Any]]]:
        """The events of one row, as ``(date column, record)`` in the order of
        :attr:`events`: one for each activity of each date column with a value.  The record
        holds ``case_id``, ``activity``, ``timestamp`` (the cell as it is) and the attributes
        with values; an implied activity (all but a column's last) also ``inferred``, the
        column's name."""
        shared = {}
        case_id = cells.get(self.case_id)
        for source, name in self.attributes.items():
            value = cells.get(source)
            if not is_missing(value):
                shared[name] = value
        for event in self.events:
            moment = cells.get(event.column)
            if is_missing(moment):
                continue
            carried = dict(shared)
            for source, name in event.attributes.items():
                value = cells.get(source)
                if not is_missing(value):
                    carried[name] = value
            last = len(event.activities) - 1
            for number, activity in enumerate(event.activities):
                record: dict[str, Any] = {
                    "case_id": case_id,
                    "activity": activity,
                    "timestamp": moment,
                }
                record.update(carried)
                if number < last:
                    record["inferred"] = event.column
                yield event.column, record


def _known(table: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in keys:
            raise PolicyError(f"{where}: unknown key {key!r} (expected one of {', '.join(keys)})")


def _names(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: expected a table of column = attribute names")
    for key, item in value.items():
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{where}.{key}: expected a non-empty attribute name, got {item!r}")
    return dict(value)
