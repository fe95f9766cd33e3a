"""cx-rules: check how recruiters treat the candidates they turn down.

The public API lives here; every other module is an implementation detail unless its
documentation says otherwise.  Names are imported on first use, so ``import cx_rules`` and
``cx-rules --version`` stay fast.
"""

from __future__ import annotations

import importlib

from ._version import __version__

# typing itself takes longer to import than the rest of this module: checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .auditing import audit
    from .calendar import BusinessCalendar
    from .case import Case, History
    from .engine import Engine, Recorded
    from .events import ACTIVITIES, PERSONAL_CHANNELS, Activity, Channel, Event
    from .exceptions import (
        CaseFormatError,
        CaseMismatch,
        CaseNotFound,
        ConcurrentUpdate,
        CxRulesError,
        EventConflict,
        EventOutOfOrder,
        InvalidEvent,
        NaiveTimestamp,
        PluginError,
        PolicyError,
        PolicyViolation,
        ProcessModelError,
        TransitionNotAllowed,
        UnknownActivity,
    )
    from .findings import Finding, Outcome, Severity
    from .hookspecs import hookimpl
    from .io import InputError, LogError, LogMapping, read_path
    from .model import ProcessModel, default_model
    from .obligations import Due, Obligation
    from .policy import Policy
    from .report import Report
    from .rule import EVERY_ACTIVITY, Option, Rule
    from .step import Step

# Where each public name lives; ``__getattr__`` imports it when it is first asked for.
_WHERE: dict[str, str] = {
    "CaseFormatError": ".exceptions",
    "CaseMismatch": ".exceptions",
    "CaseNotFound": ".exceptions",
    "ConcurrentUpdate": ".exceptions",
    "CxRulesError": ".exceptions",
    "EventConflict": ".exceptions",
    "EventOutOfOrder": ".exceptions",
    "InvalidEvent": ".exceptions",
    "NaiveTimestamp": ".exceptions",
    "PluginError": ".exceptions",
    "PolicyError": ".exceptions",
    "PolicyViolation": ".exceptions",
    "ProcessModelError": ".exceptions",
    "TransitionNotAllowed": ".exceptions",
    "UnknownActivity": ".exceptions",
    "ACTIVITIES": ".events",
    "EVERY_ACTIVITY": ".rule",
    "Activity": ".events",
    "BusinessCalendar": ".calendar",
    "Case": ".case",
    "History": ".case",
    "Channel": ".events",
    "Due": ".obligations",
    "Engine": ".engine",
    "Event": ".events",
    "Finding": ".findings",
    "InputError": ".io",
    "LogError": ".io",
    "LogMapping": ".io",
    "Obligation": ".obligations",
    "Option": ".rule",
    "Outcome": ".findings",
    "PERSONAL_CHANNELS": ".events",
    "Policy": ".policy",
    "ProcessModel": ".model",
    "Recorded": ".engine",
    "Report": ".report",
    "Rule": ".rule",
    "Severity": ".findings",
    "Step": ".step",
    "audit": ".auditing",
    "default_model": ".model",
    "hookimpl": ".hookspecs",
    "read_path": ".io",
}

__all__ = [
    "ACTIVITIES",
    "EVERY_ACTIVITY",
    "PERSONAL_CHANNELS",
    "Activity",
    "BusinessCalendar",
    "Case",
    "CaseFormatError",
    "CaseMismatch",
    "CaseNotFound",
    "Channel",
    "ConcurrentUpdate",
    "CxRulesError",
    "Due",
    "Engine",
    "Event",
    "EventConflict",
    "EventOutOfOrder",
    "Finding",
    "History",
    "InputError",
    "InvalidEvent",
    "LogError",
    "LogMapping",
    "NaiveTimestamp",
    "Obligation",
    "Option",
    "Outcome",
    "PluginError",
    "Policy",
    "PolicyError",
    "PolicyViolation",
    "ProcessModel",
    "ProcessModelError",
    "Recorded",
    "Report",
    "Rule",
    "Severity",
    "Step",
    "TransitionNotAllowed",
    "UnknownActivity",
    "__version__",
    "audit",
    "default_model",
    "hookimpl",
    "read_path",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
