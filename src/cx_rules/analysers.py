"""The built-in text analysers (English and Danish)."""

from __future__ import annotations

from .text import TextAnalyser

__all__ = ["ANALYSERS"]

#: The analysers registered by :mod:`cx_rules.rules.builtin`.
ANALYSERS: tuple[TextAnalyser, ...] = ()
