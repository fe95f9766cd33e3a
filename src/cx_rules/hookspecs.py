"""The hooks a plugin implements.

A plugin is a module or object with functions marked ``@cx_rules.hookimpl`` whose names are
the hooks below.  An implementation may take fewer arguments than the specification, so a hook
can gain arguments without breaking old plugins.  Plugins are found through the entry-point
group ``cx_rules``::

    [project.entry-points.cx_rules]
    acme = "acme_cx.plugin"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pluggy

if TYPE_CHECKING:
    from .calendar import BusinessCalendar
    from .importers import Importer
    from .model import ProcessModel
    from .policy import Policy
    from .report import Report
    from .rule import Rule
    from .text import TextAnalyser

__all__ = [
    "PROJECT",
    "cx_rules_calendar",
    "cx_rules_importers",
    "cx_rules_process_model",
    "cx_rules_report_formats",
    "cx_rules_rules",
    "cx_rules_text_analysers",
    "hookimpl",
    "hookspec",
]

PROJECT = "cx_rules"

_F = TypeVar("_F", bound=Callable[..., Any])
# pluggy's markers are untyped; the casts keep decorated functions' signatures for mypy.
hookspec = cast(Callable[[_F], _F], pluggy.HookspecMarker(PROJECT))
hookimpl = cast(Callable[[_F], _F], pluggy.HookimplMarker(PROJECT))


@hookspec
def cx_rules_rules() -> Sequence[type[Rule]]:  # type: ignore[empty-body]
    """Return the rule classes this plugin provides.

    Called once, when a plugin manager collects rules (building an :class:`~cx_rules.Engine`
    or listing rules); never per event.  Each class subclasses :class:`~cx_rules.Rule` and has
    a code no other plugin uses.  The built-in rules are registered through this same hook.
    """


@hookspec
def cx_rules_text_analysers() -> Sequence[TextAnalyser]:  # type: ignore[empty-body]
    """Return text analysers (objects following :class:`~cx_rules.text.TextAnalyser`).

    Called once when an :class:`~cx_rules.Engine` is built.  Each message is read by the
    analysers of its language (the event's ``language`` attribute, else the detected one); of
    several analysers for one language, a question is answered yes when any says yes.  The
    built-in English, Danish, Swedish, Norwegian bokmål and German analysers are registered
    through this same hook.
    """


@hookspec
def cx_rules_process_model(model: ProcessModel) -> ProcessModel | None:
    """Extend or replace the process model.

    Called once when an :class:`~cx_rules.Engine` is built without an explicit ``model``.
    ``model`` is the model so far: the default recruitment model as changed by the plugins
    called before this one (in registration order).  Return a new model (for instance
    ``model.extend({...})`` with an extra ``assessment`` stage) or ``None`` to keep it.

    A plugin whose rules subscribe to activities of its own adds them here: an engine whose
    rules subscribe to an activity its model does not know is not built
    (:class:`~cx_rules.PluginError` names the rule, the activity and this hook).
    """


@hookspec
def cx_rules_calendar(policy: Policy, calendar: BusinessCalendar) -> BusinessCalendar | None:
    """Supply the business-day calendar deadlines are counted in.

    Called once when an :class:`~cx_rules.Engine` is built, with the policy and the calendar
    the policy describes (or the one returned by a plugin called before).  Return a new
    :class:`~cx_rules.BusinessCalendar` (other workdays, a company's closing days,
    ``extra_holidays`` from a holiday service) or ``None`` to keep it.
    """


@hookspec
def cx_rules_report_formats() -> Mapping[str, Callable[[Report], str]]:  # type: ignore[empty-body]
    """Return report formats: a name (``--format NAME``) and a function from a
    :class:`~cx_rules.Report` to the text of the report.

    Called when ``cx-rules audit`` is asked for a format it does not know itself (``text``,
    ``json``, ``csv`` and ``html`` are built in and cannot be replaced).  The function must
    not print message text from the log: a report carries ids, activities, times and codes.
    """


@hookspec
def cx_rules_importers() -> Sequence[Importer]:  # type: ignore[empty-body]
    """Return importers: objects following :class:`~cx_rules.importers.Importer`, each for
    one system's export (``cx-rules import SYSTEM``, ``cx-rules audit --from SYSTEM``).

    Called when a command or :func:`~cx_rules.importers.get_importer` looks importers up;
    never per record.  Each has a ``name`` no other plugin uses.  The built-in importers
    (Greenhouse, ...) are registered through this same hook.
    """
