"""Mappings: how a log's own column names, activities and values become canonical ones."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from .._toml import load_toml
from ..events import is_missing
from ..exceptions import InvalidEvent, NaiveTimestamp, PolicyError
from .kinds import KINDS, Kind, shape
from .wide import Wide

if TYPE_CHECKING:
    from ..policy import Policy

__all__ = ["MAX_NESTING", "STANDARD_COLUMNS", "LogMapping", "check_nesting"]

#: The process-mining (XES / pm4py) names every reader understands without a mapping.
STANDARD_COLUMNS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "case:concept:name": "case_id",
        "concept:name": "activity",
        "time:timestamp": "timestamp",
        "org:resource": "actor",
        "identity:id": "event_id",
    }
)

_KEYS: Final = (
    "object_type",
    "columns",
    "activities",
    "values",
    "attributes",
    "timestamp_format",
    "assume_timezone",
    "sheet",
    "wide",
)
# The canonical names whose values are moments: what timestamp_format reads.
_MOMENTS: Final = frozenset(("timestamp", *(k for k, v in KINDS.items() if v is Kind.TIMESTAMP)))

#: How deeply lists and objects may nest in one value of a record.  Deeper values are input
#: errors: comparing or storing them would exhaust Python's stack, and no log needs them.
MAX_NESTING: Final = 100


def _freeze_flat(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _freeze_nested(value: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in value.items()})


@attrs.frozen
class LogMapping:
    """Renames a log's vocabulary to the canonical one; the identity when empty.

    ``columns`` maps a source column (or key, or XES attribute) to a canonical field or
    attribute name; the process-mining names in :data:`STANDARD_COLUMNS` are understood as
    well, after ``columns``.  ``activities`` maps a source activity to a canonical one; an
    activity not listed passes through unchanged.  ``values[attribute][source value]`` is the
    canonical value of an attribute (named canonically, after ``columns``), for instance
    ``values["channel"]["E-mail"] == "email"``; only string values are looked up.
    ``attributes[source activity]`` holds constant attributes added to every event of that
    activity when the log does not carry them itself.  ``object_type`` is the OCEL object type
    that is a case.

    ``timestamp_format`` lists :func:`~datetime.datetime.strptime` patterns (``"%d-%m-%Y
    %H:%M"``) tried in order on timestamp text (the ``timestamp`` and the attributes of
    timestamp kind); when given, ISO 8601 is read only if a pattern says so
    (``"%Y-%m-%dT%H:%M:%S%z"``).  ``assume_timezone`` is the IANA zone given to moments
    without one (the log's own, before the policy's ``assume_timezone``).  ``sheet`` names
    the worksheet of an XLSX workbook (default: the first); ``wide`` unpivots a table of one
    row per application (see :class:`~cx_rules.io.wide.Wide`).
    """

    columns: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze_flat)
    activities: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze_flat)
    values: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, converter=_freeze_nested)
    attributes: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, converter=_freeze_nested
    )
    object_type: str = "application"
    timestamp_format: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    assume_timezone: str | None = None
    sheet: str | None = None
    wide: Wide | None = None
    source: str = attrs.field(default="<mapping>", eq=False)
    #: The zone ``assume_timezone`` names, or ``None``.
    zone: tzinfo | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        zone = None
        if self.assume_timezone is not None:
            try:
                zone = ZoneInfo(self.assume_timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise PolicyError(
                    f"{self.source}: mapping.assume_timezone: {self.assume_timezone!r} is not a "
                    "known IANA time zone (expected e.g. Europe/Copenhagen)"
                ) from None
        object.__setattr__(self, "zone", zone)

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, table: Mapping[str, Any], *, source: str = "<mapping>") -> LogMapping:
        """Build a mapping from a parsed ``[mapping]`` table.

        Raises :class:`~cx_rules.PolicyError` naming the key (``mapping.columns``) and
        ``source`` for an unknown key or a value of the wrong shape.
        """
        if not isinstance(table, Mapping):
            raise PolicyError(f"{source}: mapping: expected a table, got {type(table).__name__}")
        for key in table:
            if key not in _KEYS:
                raise PolicyError(
                    f"{source}: mapping: unknown key {key!r} (expected one of {', '.join(_KEYS)})"
                )
        kwargs: dict[str, Any] = {"source": source}
        if "object_type" in table:
            value = table["object_type"]
            if not isinstance(value, str) or not value:
                raise PolicyError(
                    f"{source}: mapping.object_type: expected a non-empty string, got {value!r}"
                )
            kwargs["object_type"] = value
        for key in ("columns", "activities"):
            if key in table:
                kwargs[key] = _string_table(table[key], f"{source}: mapping.{key}")
        for key in ("values", "attributes"):
            if key in table:
                kwargs[key] = _nested_table(table[key], f"{source}: mapping.{key}")
        if "timestamp_format" in table:
            kwargs["timestamp_format"] = _patterns(
                table["timestamp_format"], f"{source}: mapping.timestamp_format"
            )
        for key in ("assume_timezone", "sheet"):
            if key in table:
                value = table[key]
                if not isinstance(value, str) or not value:
                    raise PolicyError(
                        f"{source}: mapping.{key}: expected a non-empty string, got {value!r}"
                    )
                kwargs[key] = value
        if "wide" in table:
            kwargs["wide"] = Wide.from_dict(table["wide"], f"{source}: mapping.wide")
        return cls(**kwargs)

    @classmethod
    def load(cls, path: str | Path) -> LogMapping:
        """Read a mapping from a TOML file: its ``[mapping]`` table, or else its top level."""
        path = Path(path)
        data = load_toml(path, "mapping")
        table = data.get("mapping", data)
        return cls.from_dict(table, source=str(path))

    @classmethod
    def from_policy(cls, policy: Policy) -> LogMapping:
        """The mapping in a policy's ``[mapping]`` table (the identity when it has none)."""
        return cls.from_dict(policy.mapping, source=policy.source)

    # -- applying -------------------------------------------------------------------------

    def activity(self, name: str) -> str:
        """The canonical name of a source activity (the name itself when not mapped)."""
        return self.activities.get(name, name)

    def column(self, name: str) -> str:
        """The canonical name of a source column (the name itself when not mapped)."""
        return self.columns.get(name, STANDARD_COLUMNS.get(name, name))

    def value(self, attribute: str, value: Any) -> Any:
        """The canonical value of ``attribute`` (canonically named) for a source value."""
        table = self.values.get(attribute)
        if table is None or not isinstance(value, str):
            return value
        return table.get(value, value)

    def apply(self, record: Mapping[str, Any], zone: tzinfo | None = None) -> dict[str, Any]:
        """A canonical record (a new dict) for a source record.

        Keys are renamed, the activity and values are mapped, timestamp text is read with
        :attr:`timestamp_format` (naive moments get ``zone``), and the constant attributes
        of the source activity are added where the record has none.  Raises
        :class:`~cx_rules.InvalidEvent` when two source keys with values land on one name,
        when a value nests lists and objects deeper than :data:`MAX_NESTING` levels, and when
        timestamp text fits none of the patterns (naming the patterns tried), or has no zone
        and ``zone`` is ``None``.
        """
        result: dict[str, Any] = {}
        origin: dict[str, str] = {}
        check_nesting(record)
        for key, value in record.items():
            name = self.column(key)
            if name in result and not is_missing(result[name]):
                if is_missing(value):
                    continue
                raise InvalidEvent(f"keys {origin[name]!r} and {key!r} both give {name!r}")
            result[name] = self.value(name, value)
            origin[name] = key
        if self.timestamp_format:
            for name in _MOMENTS.intersection(result):
                value = result[name]
                if isinstance(value, str) and value.strip():
                    result[name] = self.moment(value, name, zone)
        source_activity = result.get("activity")
        if isinstance(source_activity, str):
            result["activity"] = self.activity(source_activity)
            for key, value in self.attributes.get(source_activity, {}).items():
                if is_missing(result.get(key)):
                    result[key] = value
        return result

    def moment(self, text: str, where: str, zone: tzinfo | None) -> datetime:
        """``text`` read with the first :attr:`timestamp_format` pattern that fits; a moment
        without a zone gets ``zone``.  Raises :class:`~cx_rules.InvalidEvent` naming
        ``where`` and the patterns tried when none fits, and
        :class:`~cx_rules.NaiveTimestamp` when the moment has no zone and ``zone`` is
        ``None``."""
        stripped = text.strip()
        for pattern in self.timestamp_format:
            try:
                moment = datetime.strptime(stripped, pattern)
            except ValueError:
                continue
            if moment.tzinfo is not None:
                return moment
            if zone is None:
                raise NaiveTimestamp(
                    f"{where}: {shape(text)} (read with {pattern!r}) has no time zone; "
                    "set assume_timezone in the mapping or the policy (assume_timezone = "
                    '"Europe/Copenhagen")'
                )
            return moment.replace(tzinfo=zone)
        tried = ", ".join(repr(p) for p in self.timestamp_format)
        raise InvalidEvent(f"{where}: {shape(text)} fits none of the timestamp formats {tried}")


def check_nesting(record: Mapping[str, Any]) -> None:
    """Raise :class:`~cx_rules.InvalidEvent`, naming the attribute, when a value of ``record``
    nests lists and objects deeper than :data:`MAX_NESTING` levels.

    Readers call it on every record (through :meth:`LogMapping.apply` or directly): a value
    nested thousands deep would exhaust Python's stack when events are compared or stored.
    """
    for key, value in record.items():
        if isinstance(value, list | dict) and _too_deep(value):
            raise InvalidEvent(
                f"attribute {key!r}: nested too deeply (expected at most {MAX_NESTING} "
                "levels of lists and objects)"
            )


def _too_deep(value: list[Any] | dict[Any, Any]) -> bool:
    # A loop, not recursion: the value may be nested deeper than the stack allows.
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list):
            children: Any = item
        elif isinstance(item, dict):
            children = item.values()
        else:
            continue
        if depth > MAX_NESTING:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _patterns(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise PolicyError(f"{where}: expected a strptime pattern or a list of them")
    for item in value:
        if not isinstance(item, str) or "%" not in item:
            raise PolicyError(
                f"{where}: {item!r} is not a strptime pattern (expected e.g. '%d-%m-%Y %H:%M')"
            )
    return tuple(value)


def _string_table(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: expected a table of names, got {type(value).__name__}")
    for key, item in value.items():
        if not isinstance(item, str) or not item:
            raise PolicyError(f"{where}.{key}: expected a non-empty string, got {item!r}")
    return dict(value)


def _nested_table(value: object, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: expected a table of tables, got {type(value).__name__}")
    result = {}
    for key, item in value.items():
        if not isinstance(item, Mapping):
            raise PolicyError(f"{where}.{key}: expected a table, got {type(item).__name__}")
        result[key] = dict(item)
    return result
