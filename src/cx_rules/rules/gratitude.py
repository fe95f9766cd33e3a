"""Built-in rules of the gratitude practice."""

from __future__ import annotations

from ..rule import Rule

__all__ = ["RULES"]

#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = ()
