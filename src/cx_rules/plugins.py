"""Finding plugins and collecting their rules."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any, Final, TypeVar, cast

import attrs
import pluggy

from . import hookspecs
from .calendar import BusinessCalendar
from .exceptions import CxRulesError, PluginError
from .findings import Severity
from .model import ProcessModel
from .policy import Policy
from .rule import Rule
from .text import TextAnalyser

__all__ = [
    "AUTOLOAD_ENV",
    "ImporterInfo",
    "RuleInfo",
    "collect_analysers",
    "collect_importers",
    "collect_report_formats",
    "collect_rules",
    "plugin_manager",
    "resolve_calendar",
    "resolve_model",
    "run_report_format",
]

#: Set this environment variable (to anything but an empty string) to skip entry points.
AUTOLOAD_ENV: Final = "CX_RULES_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN: Final = "cx_rules.builtin"
#: The plugin name of the built-in importers.
BUILTIN_IMPORTERS: Final = "cx_rules.importers"

_CODE: Final = re.compile(r"^[A-Z]+[0-9]{3,}$")
_NAME: Final = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@attrs.frozen
class RuleInfo:
    """A rule class and the plugin that provided it."""

    rule: type[Rule]
    plugin: str


def plugin_manager(
    *, autoload: bool | None = None, allow: Collection[str] | None = None
) -> pluggy.PluginManager:
    """A plugin manager with the built-in rules and (unless disabled) the installed plugins.

    Entry points of the group ``cx_rules`` are loaded after the built-ins.  ``autoload=None``
    follows the environment variable :data:`AUTOLOAD_ENV`.  ``allow`` restricts loading to
    the entry points with those names (a policy's ``plugins`` allow-list); naming one that is
    not installed is a :class:`~cx_rules.PluginError`.
    """
    from . import _importers_builtin as importers
    from .rules import builtin

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(builtin, name=BUILTIN)
    pm.register(importers, name=BUILTIN_IMPORTERS)
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_ENV)
    if autoload:
        _load_entry_points(pm, allow)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc)) from exc
    return pm


def _load_entry_points(pm: pluggy.PluginManager, allow: Collection[str] | None) -> None:
    found = {ep.name: ep for ep in entry_points(group=hookspecs.PROJECT)}
    if allow is not None:
        missing = sorted(set(allow) - set(found))
        if missing:
            raise PluginError(
                f"the policy allows plugin(s) {', '.join(missing)}, but no installed package "
                f"provides a {hookspecs.PROJECT!r} entry point by that name "
                f"(installed: {', '.join(sorted(found)) or 'none'})"
            )
    for name in sorted(found):
        if allow is not None and name not in allow:
            continue
        if pm.get_plugin(name) is not None or pm.is_blocked(name):
            continue
        try:
            plugin = found[name].load()
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"could not load cx_rules plugin {name!r} ({found[name].value}): {exc!r}"
            ) from exc
        pm.register(plugin, name=name)


def _call(impl: pluggy.HookImpl, **kwargs: object) -> object:
    # Like pluggy: an implementation may take fewer arguments than the specification.
    return impl.function(*(kwargs[name] for name in impl.argnames))


def resolve_model(pm: pluggy.PluginManager, model: ProcessModel) -> ProcessModel:
    """The process model after every plugin's ``cx_rules_process_model`` had its say."""
    return _chain(pm.hook.cx_rules_process_model, "the process model", "model", model, {})


def resolve_calendar(
    pm: pluggy.PluginManager, policy: Policy, calendar: BusinessCalendar
) -> BusinessCalendar:
    """The calendar after every plugin's ``cx_rules_calendar`` had its say."""
    return _chain(
        pm.hook.cx_rules_calendar, "the calendar", "calendar", calendar, {"policy": policy}
    )


_T = TypeVar("_T")


def _chain(
    hook: pluggy.HookCaller, what: str, name: str, value: _T, context: Mapping[str, object]
) -> _T:
    # Each implementation, in registration order, may replace ``value`` (passed as argument
    # ``name``) or return None to keep it.
    kind = type(value)
    for impl in hook.get_hookimpls():
        try:
            changed = _call(impl, **context, **{name: value})
        except CxRulesError:
            raise
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed to supply {what}: {exc!r}"
            ) from exc
        if changed is not None:
            if not isinstance(changed, kind):
                raise PluginError(f"plugin {impl.plugin_name!r} returned {changed!r} as {what}")
            value = changed
    return value


def collect_rules(pm: pluggy.PluginManager) -> Mapping[str, RuleInfo]:
    """Every rule the registered plugins provide, by code, sorted by code.

    Raises :class:`~cx_rules.PluginError` when a rule's metadata is invalid or two plugins
    claim the same code (the message names both).
    """
    found: dict[str, RuleInfo] = {}
    # Built-ins first, then plugins in registration order, so messages name the newcomer.
    for impl in pm.hook.cx_rules_rules.get_hookimpls():
        plugin = impl.plugin_name
        try:
            classes = cast("Sequence[type[Rule]] | None", impl.function())
        except (Exception, SystemExit) as exc:
            raise PluginError(f"plugin {plugin!r} failed to list its rules: {exc!r}") from exc
        for rule in classes or ():
            _check_metadata(rule, plugin)
            other = found.get(rule.code)
            if other is not None:
                raise PluginError(
                    f"rule code {rule.code} is claimed twice: by {other.rule.__qualname__} "
                    f"of plugin {other.plugin!r} and by {rule.__qualname__} of plugin {plugin!r}"
                )
            found[rule.code] = RuleInfo(rule, plugin)
    return dict(sorted(found.items()))


def collect_analysers(pm: pluggy.PluginManager) -> list[TextAnalyser]:
    """Every text analyser the registered plugins provide, built-ins first."""
    found: list[TextAnalyser] = []
    for impl in pm.hook.cx_rules_text_analysers.get_hookimpls():
        try:
            analysers = cast("Sequence[TextAnalyser] | None", impl.function())
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed to list its text analysers: {exc!r}"
            ) from exc
        for analyser in analysers or ():
            if not isinstance(analyser, TextAnalyser):
                raise PluginError(
                    f"plugin {impl.plugin_name!r} returned {analyser!r}, which is not a "
                    "text analyser (language, thanks, is_template, is_specific_feedback)"
                )
            found.append(analyser)
    return found


@attrs.frozen
class ImporterInfo:
    """An importer and the plugin that provided it."""

    importer: Any
    plugin: str


_SYSTEM: Final = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def collect_importers(pm: pluggy.PluginManager) -> dict[str, ImporterInfo]:
    """Every importer the registered plugins provide, by name, sorted by name.

    Raises :class:`~cx_rules.PluginError` when an importer lacks a lower-case ``name`` or a
    :class:`~cx_rules.coverage.Coverage` for it, or when two plugins claim one name (the
    message names both).
    """
    from .coverage import Coverage

    found: dict[str, ImporterInfo] = {}
    for impl in pm.hook.cx_rules_importers.get_hookimpls():
        plugin = impl.plugin_name
        try:
            importers = cast("Sequence[Any] | None", impl.function())
        except Exception as exc:
            raise PluginError(f"plugin {plugin!r} failed to list its importers: {exc!r}") from exc
        for importer in importers or ():
            name = getattr(importer, "name", None)
            if not isinstance(name, str) or not _SYSTEM.match(name):
                raise PluginError(
                    f"plugin {plugin!r} returned importer {importer!r} without a lower-case, "
                    "kebab-case name"
                )
            coverage = getattr(importer, "coverage", None)
            if not isinstance(coverage, Coverage) or coverage.system != name:
                raise PluginError(
                    f"importer {name!r} of plugin {plugin!r} needs a coverage "
                    f"(cx_rules.coverage.Coverage) whose system is {name!r}"
                )
            if not callable(getattr(importer, "read", None)):
                raise PluginError(f"importer {name!r} of plugin {plugin!r} has no read()")
            other = found.get(name)
            if other is not None:
                raise PluginError(
                    f"importer {name!r} is offered twice: by plugin {other.plugin!r} and by "
                    f"plugin {plugin!r}"
                )
            found[name] = ImporterInfo(importer, plugin)
    return dict(sorted(found.items()))


def collect_report_formats(
    pm: pluggy.PluginManager, builtin: Collection[str] = ()
) -> dict[str, Callable[[Any], str]]:
    """Every report format the plugins provide, by name; a name that is built in
    (``builtin``) or claimed twice is a :class:`~cx_rules.PluginError` naming the plugins."""
    found: dict[str, tuple[Callable[[Any], str], str]] = {}
    for impl in pm.hook.cx_rules_report_formats.get_hookimpls():
        try:
            formats = cast("Mapping[str, Callable[[Any], str]] | None", impl.function())
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"plugin {impl.plugin_name!r} failed to list its report formats: {exc!r}"
            ) from exc
        for name, render in (formats or {}).items():
            if name in builtin:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} offers report format {name!r}, which is built in"
                )
            if name in found:
                raise PluginError(
                    f"report format {name!r} is offered twice: by plugin {found[name][1]!r} "
                    f"and by plugin {impl.plugin_name!r}"
                )
            if not callable(render):
                raise PluginError(
                    f"plugin {impl.plugin_name!r} offers report format {name!r}, "
                    f"but {render!r} is not a function"
                )
            found[name] = (render, impl.plugin_name)
    return {name: render for name, (render, _) in sorted(found.items())}


def _check_metadata(rule: object, plugin: str) -> None:
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        raise PluginError(f"plugin {plugin!r} returned {rule!r}, which is not a Rule subclass")
    where = f"rule {rule.__qualname__} of plugin {plugin!r}"
    for attr in ("code", "name", "practice", "severity"):
        if not hasattr(rule, attr):
            raise PluginError(f"{where} has no {attr!r}")
    if not _CODE.match(rule.code):
        raise PluginError(f"{where}: code {rule.code!r} is not capital letters then digits")
    if not _NAME.match(rule.name):
        raise PluginError(f"{where}: name {rule.name!r} is not kebab-case")
    if not isinstance(rule.severity, Severity):
        raise PluginError(f"{where}: severity must be a cx_rules.Severity")
    evidence: object = getattr(rule, "evidence", frozenset())
    if not isinstance(evidence, frozenset | set) or not all(
        isinstance(key, str) and key for key in evidence
    ):
        raise PluginError(
            f"{where}: evidence must be a frozenset of evidence keys (such as "
            "'rejected.reason'), got {evidence!r}"
        )


def run_report_format(name: str, render: Callable[[Any], str], report: Any) -> str:
    """``render(report)``, the report format ``name`` a plugin provides, isolated: a renderer
    that raises (or exits) or returns anything but text is a :class:`~cx_rules.PluginError`
    naming the format, its module and the exception's type (never its text, which may quote
    the report)."""
    module = getattr(render, "__module__", None) or "an unknown module"
    try:
        text = render(report)
    except (Exception, SystemExit) as exc:
        raise PluginError(
            f"report format {name!r} ({module}) failed: it raised {type(exc).__name__}; "
            "the audit completed, but no report was written"
        ) from exc
    if not isinstance(text, str):
        raise PluginError(
            f"report format {name!r} ({module}) returned {type(text).__name__}, expected "
            "text; no report was written"
        )
    return text
