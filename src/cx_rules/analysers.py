"""The built-in text analysers: English, Danish, Swedish, Norwegian bokmål and German.

Each is a :class:`~cx_rules.text.lexicon.LexiconAnalyser`: categorised lexicons and a little
grammar (refusals and requests phrased with thanks-words, advice that is not about skills),
matched on folded text so that Danish written with ae/oe/aa reads like Danish with æøå.  What
counts in each language is described in the documentation's page on message text, and
measured by ``benchmarks/text_accuracy.py`` on the corpus in ``tests/data/text/``.

A plugin can read another language with a :class:`~cx_rules.text.lexicon.LexiconAnalyser` of
its own, or with the simpler :class:`PatternAnalyser` (three regular expressions).
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from .text.da import DANISH
from .text.de import GERMAN
from .text.en import ENGLISH
from .text.lexicon import LexiconAnalyser
from .text.nb import NORWEGIAN
from .text.placeholders import PLACEHOLDER
from .text.protocol import TextAnalyser
from .text.sv import SWEDISH

__all__ = [
    "ANALYSERS",
    "DANISH",
    "ENGLISH",
    "GERMAN",
    "NORWEGIAN",
    "PLACEHOLDER",
    "SWEDISH",
    "LexiconAnalyser",
    "PatternAnalyser",
]


@attrs.frozen
class PatternAnalyser:
    """A :class:`~cx_rules.text.TextAnalyser` made of three regular expressions.

    ``thanks_pattern`` finds thanks; feedback is specific when ``area_pattern`` finds a concrete
    area (technical skills, communication) *and* ``improvement_pattern`` a concrete way to
    improve ("could improve", "we recommend").  ``placeholder_pattern`` finds unfilled
    placeholders (:data:`PLACEHOLDER` unless given).  ``markers``, frequent words of the
    language, let the reader detect it in messages without a ``language`` attribute.  Every
    answer is ``False`` for blank text.
    """

    language: str
    thanks_pattern: re.Pattern[str]
    area_pattern: re.Pattern[str]
    improvement_pattern: re.Pattern[str]
    placeholder_pattern: re.Pattern[str] = PLACEHOLDER
    markers: frozenset[str] = frozenset()

    def thanks(self, text: str) -> bool:
        """Whether the text thanks the reader."""
        return self.thanks_pattern.search(text) is not None

    def is_template(self, text: str) -> bool:
        """Whether the text still has an unfilled placeholder."""
        return self.placeholder_pattern.search(text) is not None

    def is_specific_feedback(self, text: str) -> bool:
        """Whether the text names a concrete area and a concrete point to improve."""
        return (
            self.area_pattern.search(text) is not None
            and self.improvement_pattern.search(text) is not None
        )


#: The analysers registered by :mod:`cx_rules.rules.builtin`.
ANALYSERS: Final[tuple[TextAnalyser, ...]] = (ENGLISH, DANISH, SWEDISH, NORWEGIAN, GERMAN)
