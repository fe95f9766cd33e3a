"""Registers the built-in rules through the same hook as any plugin."""

from __future__ import annotations

from collections.abc import Sequence

from ..analysers import ANALYSERS
from ..hookspecs import hookimpl
from ..rule import Rule
from ..text import TextAnalyser
from . import communication, experience, feedback, gratitude, privacy, process, talent


@hookimpl
def cx_rules_rules() -> Sequence[type[Rule]]:
    return (
        *process.RULES,
        *communication.RULES,
        *gratitude.RULES,
        *feedback.RULES,
        *experience.RULES,
        *talent.RULES,
        *privacy.RULES,
    )


@hookimpl
def cx_rules_text_analysers() -> Sequence[TextAnalyser]:
    return ANALYSERS
