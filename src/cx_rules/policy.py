"""Policies: which rules run, how strict they are, and the calendar deadlines use."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from datetime import date, datetime, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from ._toml import load_toml
from .calendar import WEEKDAYS, BusinessCalendar
from .exceptions import PolicyError
from .findings import Severity
from .waivers import Waiver, parse_waivers

__all__ = ["Policy"]

_MISSING_EVIDENCE: Final = ("unknown", "violation")
_OUT_OF_ORDER: Final = ("refuse", "insert")
_RULE_KEYS: Final = ("severity", "absence_is_violation")


def _zone(name: str, where: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError(
            f"{where}: {name!r} is not a known IANA time zone (expected e.g. Europe/Copenhagen)"
        ) from None


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _freeze_rules(value: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({code: MappingProxyType(dict(t)) for code, t in value.items()})


@attrs.frozen
class Policy:
    """What to check and how, usually loaded from TOML.

    ``select`` and ``ignore`` take rule codes or prefixes (``CX4``, ``CX102``, ``ALL``); the
    longest matching prefix decides, and ``ignore`` wins a tie.  ``rules`` holds one table per
    rule code with its options and an optional ``severity``.  ``timezone``, ``workdays`` and
    ``holidays`` make the business-day calendar.  ``missing_evidence = "violation"`` counts
    checks that lack data as violations instead of unknown.  ``assume_timezone`` is the zone
    given to timestamps without one when reading logs (by default they are errors).
    ``holiday_country`` adds a country's public holidays from the optional ``holidays``
    package (``pip install 'cx-rules[holidays]'``), for example ``"DK"``.

    ``enforce`` takes codes or prefixes like ``select``: when the engine records an event that
    an enforced rule finds violated, it raises :class:`~cx_rules.PolicyViolation` and records
    nothing (see :meth:`Engine.record <cx_rules.Engine.record>`).  ``out_of_order`` says what
    recording an event older than the case's last one does: ``"refuse"`` (the default) raises
    :class:`~cx_rules.EventOutOfOrder`; ``"insert"`` puts it in its place and re-evaluates
    the case from its first event.

    ``plugins`` is an allow-list: when given, only the installed plugins (entry-point names)
    it names are loaded, and naming one that is not installed is an error; the built-in rules
    always load.  ``waivers`` (``[[waivers]]`` tables) are documented exceptions to a rule for
    some cases until a date (see :mod:`cx_rules.waivers`).

    In an audit, a rule whose evidence the log never holds (no ``application_acknowledged``
    in any case) is "not recorded in this log" and its checks are unknown; ``absence_is_violation
    = true`` in the rule's table (``[rules.CX401]``) says that such absence is a violation
    instead.  ``min_group_size`` (default 5) is the fewest candidates a group, an owner or a
    cohort of the report may have; smaller ones are suppressed.
    """

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, converter=_freeze_rules, eq=False, hash=False
    )
    timezone: str = "UTC"
    workdays: tuple[str, ...] = WEEKDAYS[:5]
    holidays: tuple[date, ...] = ()
    missing_evidence: str = "unknown"
    assume_timezone: str | None = None
    holiday_country: str | None = None
    enforce: tuple[str, ...] = ()
    out_of_order: str = "refuse"
    plugins: tuple[str, ...] | None = None
    waivers: tuple[Waiver, ...] = ()
    #: The ``[mapping]`` table, read by :mod:`cx_rules.io.mapping` (kept raw here).
    mapping: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    #: The ``[aliases]`` table (``channels``, ``activities``), read by :mod:`cx_rules.aliases`.
    aliases: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    source: str = attrs.field(default="<policy>", eq=False)
    min_group_size: int = 5

    def __attrs_post_init__(self) -> None:
        where = self.source
        # Built from Python as well as from TOML: normalise and check what TOML checks, so a
        # bare string is one code (not its characters) and a holiday is a real date.
        for key in ("select", "ignore", "workdays", "enforce"):
            object.__setattr__(self, key, _strings(getattr(self, key), f"{where}: {key}"))
        if self.plugins is not None:
            object.__setattr__(self, "plugins", _strings(self.plugins, f"{where}: plugins"))
        object.__setattr__(self, "holidays", _dates(self.holidays, f"{where}: holidays"))
        _zone(self.timezone, f"{where}: timezone")
        if self.assume_timezone is not None:
            _zone(self.assume_timezone, f"{where}: assume_timezone")
        for day in self.workdays:
            if day not in WEEKDAYS:
                raise PolicyError(
                    f"{where}: workdays: {day!r} is not a day (expected {', '.join(WEEKDAYS)})"
                )
        if not self.workdays:
            raise PolicyError(f"{where}: workdays: expected at least one day")
        if self.missing_evidence not in _MISSING_EVIDENCE:
            raise PolicyError(
                f"{where}: missing_evidence: expected 'unknown' or 'violation', "
                f"got {self.missing_evidence!r}"
            )
        if self.out_of_order not in _OUT_OF_ORDER:
            raise PolicyError(
                f"{where}: out_of_order: expected 'refuse' or 'insert', got {self.out_of_order!r}"
            )
        if (
            isinstance(self.min_group_size, bool)
            or not isinstance(self.min_group_size, int)
            or self.min_group_size < 1
        ):
            raise PolicyError(
                f"{where}: min_group_size: expected a whole number of candidates, at least 1, "
                f"got {self.min_group_size!r}"
            )
        for code, table in self.rules.items():
            absence = table.get("absence_is_violation", False)
            if not isinstance(absence, bool):
                raise PolicyError(
                    f"{where}: rules.{code}.absence_is_violation: expected true or false, "
                    f"got {absence!r}"
                )
            severity = table.get("severity")
            if severity is not None and severity not in tuple(Severity):
                raise PolicyError(
                    f"{where}: rules.{code}.severity: expected error, warning or info, "
                    f"got {severity!r}"
                )

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """Load a policy from a TOML file.

        A ``pyproject.toml`` is read from its ``[tool.cx-rules]`` table (an empty policy when
        there is none); any other file from its top level.  Raises
        :class:`~cx_rules.PolicyError` naming the file for a file that cannot be read, is not
        UTF-8 (naming the line and byte) or is not TOML, and for a value that is not valid.
        """
        path = Path(path)
        data = load_toml(path, "policy")
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("cx-rules", {})
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "<policy>") -> Policy:
        """Build a policy from parsed TOML (or any mapping of the same shape)."""
        known = {
            "select",
            "ignore",
            "rules",
            "timezone",
            "workdays",
            "holidays",
            "missing_evidence",
            "assume_timezone",
            "holiday_country",
            "mapping",
            "enforce",
            "out_of_order",
            "plugins",
            "waivers",
            "aliases",
            "min_group_size",
        }
        for key in data:
            if key not in known:
                raise PolicyError(
                    f"{source}: unknown key {key!r} (expected one of {', '.join(sorted(known))})"
                )
        kwargs: dict[str, Any] = {"source": source}
        for key in ("select", "ignore", "workdays", "enforce", "plugins"):
            if key in data:
                kwargs[key] = _strings(data[key], f"{source}: {key}")
        if "waivers" in data:
            kwargs["waivers"] = parse_waivers(data["waivers"], source)
        for key in (
            "timezone",
            "missing_evidence",
            "assume_timezone",
            "holiday_country",
            "out_of_order",
        ):
            if key in data:
                if not isinstance(data[key], str):
                    raise PolicyError(f"{source}: {key}: expected a string, got {data[key]!r}")
                kwargs[key] = data[key]
        if "min_group_size" in data:
            kwargs["min_group_size"] = data["min_group_size"]
        if "holidays" in data:
            kwargs["holidays"] = _dates(data["holidays"], f"{source}: holidays")
        if "mapping" in data:
            if not isinstance(data["mapping"], Mapping):
                raise PolicyError(
                    f"{source}: mapping: expected a table ([mapping]), got {data['mapping']!r}"
                )
            kwargs["mapping"] = data["mapping"]
        if "aliases" in data:
            from .aliases import Vocabulary

            Vocabulary.of((), data["aliases"])  # checks the table, naming a bad entry
            kwargs["aliases"] = data["aliases"]
        if "rules" in data:
            rules = data["rules"]
            if not isinstance(rules, Mapping) or not all(
                isinstance(t, Mapping) for t in rules.values()
            ):
                raise PolicyError(
                    f"{source}: rules: expected a table per rule code ([rules.CX401]), "
                    f"got {rules!r}"
                )
            kwargs["rules"] = rules
        return cls(**kwargs)

    # -- queries --------------------------------------------------------------------------

    def selects(self, code: str) -> bool:
        """Whether the rule ``code`` is enabled by ``select`` and ``ignore``."""
        chosen = _longest(self.select, code)
        dropped = _longest(self.ignore, code)
        return chosen >= 0 and chosen > dropped

    def enforces(self, code: str) -> bool:
        """Whether the policy enforces rule ``code``: the longest prefix in ``enforce`` matches.

        Enforcing says nothing about whether the rule runs: that is :meth:`selects`.
        """
        return _longest(self.enforce, code) >= 0

    def severity_for(self, code: str, default: Severity) -> Severity:
        """The severity the policy gives rule ``code``."""
        value = self.rules.get(code, {}).get("severity")
        return Severity(value) if value is not None else default

    def absence_is_violation(self, code: str) -> bool:
        """Whether the policy counts rule ``code``'s checks as they are when the log never
        records its evidence (``absence_is_violation = true`` in its table), instead of
        unknown."""
        return bool(self.rules.get(code, {}).get("absence_is_violation", False))

    def options_for(self, code: str) -> dict[str, Any]:
        """The options the policy sets for rule ``code`` (without ``severity`` and
        ``absence_is_violation``)."""
        return {k: v for k, v in self.rules.get(code, {}).items() if k not in _RULE_KEYS}

    def calendar(self) -> BusinessCalendar:
        """The business-day calendar deadlines are computed in."""
        return BusinessCalendar(
            timezone=_zone(self.timezone, f"{self.source}: timezone"),
            workdays=frozenset(WEEKDAYS.index(d) for d in self.workdays),
            holidays=frozenset(self.holidays),
            extra_holidays=self._country_holidays(),
        )

    def _country_holidays(self) -> Container[date] | None:
        if self.holiday_country is None:
            return None
        where = f"{self.source}: holiday_country"
        try:
            import holidays
        except ImportError:
            raise PolicyError(
                f"{where}: needs the optional 'holidays' package (pip install 'cx-rules[holidays]')"
            ) from None
        try:
            found: Container[date] = holidays.country_holidays(self.holiday_country)
        except NotImplementedError:
            raise PolicyError(
                f"{where}: {self.holiday_country!r} is not a country the holidays package "
                "knows (expected an ISO 3166 code such as DK)"
            ) from None
        return found

    def default_zone(self) -> tzinfo | None:
        """The zone assumed for timestamps without one, or ``None`` (they are errors)."""
        if self.assume_timezone is None:
            return None
        return _zone(self.assume_timezone, f"{self.source}: assume_timezone")


def _longest(prefixes: Iterable[str], code: str) -> int:
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def _dates(value: object, where: str) -> tuple[date, ...]:
    if not isinstance(value, list | tuple):
        raise PolicyError(f"{where}: expected a list of dates (2026-12-24), got {value!r}")
    days = []
    for item in value:
        if isinstance(item, datetime):
            days.append(item.date())
        elif isinstance(item, date):
            days.append(item)
        elif isinstance(item, str):
            try:
                days.append(date.fromisoformat(item))
            except ValueError:
                raise PolicyError(
                    f"{where}: {item!r} is not a date (expected YYYY-MM-DD)"
                ) from None
        else:
            raise PolicyError(f"{where}: {item!r} is not a date (expected YYYY-MM-DD)")
    return tuple(days)
