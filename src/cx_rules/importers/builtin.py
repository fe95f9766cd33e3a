"""The built-in importers, registered as a plugin through ``cx_rules_importers``."""

from __future__ import annotations

from collections.abc import Sequence

from ..hookspecs import hookimpl
from .base import Importer
from .greenhouse import Greenhouse
from .smartrecruiters import SmartRecruiters
from .teamtailor import Teamtailor
from .workable import Workable


@hookimpl
def cx_rules_importers() -> Sequence[Importer]:
    """Every built-in importer."""
    return (Greenhouse(), SmartRecruiters(), Teamtailor(), Workable())
