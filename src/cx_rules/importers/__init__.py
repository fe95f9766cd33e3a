"""Importers: applicant tracking systems' own exports turned into cx-rules events.

One module per system; each importer declares its :class:`~cx_rules.coverage.Coverage`, and
is registered through the plugin hook ``cx_rules_importers`` (the built-ins too), so a third
party adds a system the same way.  :func:`get_importer` finds one by name;
:meth:`Importer.read` streams an export's records for an audit
(:func:`cx_rules.audit` with ``importer=``) or for ``cx-rules import``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pluggy

from ..exceptions import CxRulesError
from .base import (
    Importer,
    ImportItem,
    ImportProblem,
    ImportResult,
    ImportStream,
    InputWarning,
    Partial,
    translated,
)
from .values import epoch_ms, html_to_text, identifier, message_text, vendor_time

__all__ = [
    "ImportItem",
    "ImportProblem",
    "ImportResult",
    "ImportStream",
    "Importer",
    "InputWarning",
    "Partial",
    "UnknownSystem",
    "epoch_ms",
    "get_importer",
    "html_to_text",
    "identifier",
    "importers",
    "message_text",
    "translated",
    "vendor_time",
]


class UnknownSystem(CxRulesError, LookupError):
    """No installed importer has the name asked for; the message lists those that do."""


def importers(pm: pluggy.PluginManager | None = None) -> Mapping[str, Importer]:
    """Every importer of the registered plugins (built-ins and installed), by name."""
    from ..plugins import collect_importers, plugin_manager

    infos = collect_importers(pm if pm is not None else plugin_manager())
    return {name: info.importer for name, info in infos.items()}


def get_importer(name: str, pm: pluggy.PluginManager | None = None) -> Importer:
    """The importer called ``name`` (``greenhouse``); raises :class:`UnknownSystem`."""
    found = importers(pm)
    importer = found.get(name.lower())
    if importer is None:
        raise UnknownSystem(
            f"no importer for {name!r} (known systems: {', '.join(found) or 'none'}; "
            "`cx-rules import --list` shows them)"
        )
    return importer
