"""Reading free message text: does it thank the candidate, is it a raw template, is it specific.

Analysers are plugins (hook ``cx_rules_text_analysers``); the built-ins read English and
Danish.  Rules never see an analyser directly: they ask :class:`TextReader`, which asks every
analyser and says yes when one of them does.  Explicit flags on an event (``thanked``,
``template``, ``personal``, ``items``) always win over what the text suggests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["TextAnalyser", "TextReader"]


@runtime_checkable
class TextAnalyser(Protocol):
    """What an analyser for one language answers about a message text."""

    # A read-only property, so that frozen classes (and plain class attributes) qualify.
    @property
    def language(self) -> str:
        """The language it reads, as an ISO 639-1 code (``en``, ``da``)."""
        ...

    def thanks(self, text: str) -> bool:
        """Whether the text thanks the candidate."""
        ...

    def is_template(self, text: str) -> bool:
        """Whether the text still has unfilled placeholders (``{first_name}``, ``[NAME]``)."""
        ...

    def is_specific_feedback(self, text: str) -> bool:
        """Whether the text names a concrete area and a concrete point to improve."""
        ...


class TextReader:
    """Every analyser at once: a question is answered yes when any analyser says yes."""

    __slots__ = ("analysers",)

    def __init__(self, analysers: Sequence[TextAnalyser]) -> None:
        self.analysers = tuple(analysers)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the analysers read."""
        return tuple(a.language for a in self.analysers)

    def thanks(self, text: str) -> bool:
        """Whether any analyser finds thanks in ``text``."""
        return any(a.thanks(text) for a in self.analysers)

    def is_template(self, text: str) -> bool:
        """Whether any analyser finds unfilled placeholders in ``text``."""
        return any(a.is_template(text) for a in self.analysers)

    def is_specific_feedback(self, text: str) -> bool:
        """Whether any analyser finds specific feedback in ``text``."""
        return any(a.is_specific_feedback(text) for a in self.analysers)
