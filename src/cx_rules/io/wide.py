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
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..events import is_missing
from ..exceptions import PolicyError

__all__ = ["Wide", "WideEvent"]

_KEYS: Final = ("case_id", "events", "attributes")
_EVENT_KEYS: Final = ("column", "activity", "attributes")


def _freeze(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen
class WideEvent:
    """One date column of a wide table: the ``activity`` its dates are, and the
    ``attributes`` (source column to attribute name) only its events carry."""

    column: str
    activity: str
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze)


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
            for key in ("column", "activity"):
                if not isinstance(item.get(key), str) or not item[key]:
                    raise PolicyError(f"{here}.{key}: expected a non-empty string")
            events.append(
                WideEvent(
                    item["column"],
                    item["activity"],
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
        :attr:`events`: one for each date column with a value.  The record holds
        ``case_id``, ``activity``, ``timestamp`` (the cell as it is) and the attributes
        with values."""
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
            record: dict[str, Any] = {
                "case_id": case_id,
                "activity": event.activity,
                "timestamp": moment,
            }
            record.update(shared)
            for source, name in event.attributes.items():
                value = cells.get(source)
                if not is_missing(value):
                    record[name] = value
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
