"""cx-rules: check how recruiters treat the candidates they turn down.

The public API lives here; every other module is an implementation detail unless its
documentation says otherwise.
"""

from ._version import __version__
from .calendar import BusinessCalendar
from .case import Case
from .engine import Engine, Recorded
from .events import ACTIVITIES, PERSONAL_CHANNELS, Activity, Channel, Event
from .exceptions import (
    CaseMismatch,
    CxRulesError,
    EventOutOfOrder,
    InvalidEvent,
    NaiveTimestamp,
    PluginError,
    PolicyError,
    ProcessModelError,
    TransitionNotAllowed,
)
from .findings import Finding, Outcome, Severity
from .hookspecs import hookimpl
from .model import ProcessModel, default_model
from .obligations import Due, Obligation
from .policy import Policy
from .rule import Option, Rule
from .step import Step

__all__ = [
    "ACTIVITIES",
    "PERSONAL_CHANNELS",
    "Activity",
    "BusinessCalendar",
    "Case",
    "CaseMismatch",
    "Channel",
    "CxRulesError",
    "Due",
    "Engine",
    "Event",
    "EventOutOfOrder",
    "Finding",
    "InvalidEvent",
    "NaiveTimestamp",
    "Obligation",
    "Option",
    "Outcome",
    "PluginError",
    "Policy",
    "PolicyError",
    "ProcessModel",
    "ProcessModelError",
    "Recorded",
    "Rule",
    "Severity",
    "Step",
    "TransitionNotAllowed",
    "__version__",
    "default_model",
    "hookimpl",
]
