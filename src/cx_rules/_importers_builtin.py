"""The built-in importers, registered as a plugin through ``cx_rules_importers``.

Outside the ``importers`` package, and importing it only when the hook is called: building an
engine registers this plugin but never needs an importer, so it pays for none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .hookspecs import hookimpl

if TYPE_CHECKING:
    from .importers import Importer


@hookimpl
def cx_rules_importers() -> Sequence[Importer]:
    """Every built-in importer."""
    from .importers.greenhouse import Greenhouse
    from .importers.lever import Lever
    from .importers.merge import Merge
    from .importers.odoo import Odoo
    from .importers.smartrecruiters import SmartRecruiters
    from .importers.teamtailor import Teamtailor
    from .importers.workable import Workable

    return (
        Greenhouse(),
        Lever(),
        Merge(),
        Odoo(),
        SmartRecruiters(),
        Teamtailor(),
        Workable(),
    )
