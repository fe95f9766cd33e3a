"""What a text analyser is: the protocol plugins implement (hook ``cx_rules_text_analysers``)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["TextAnalyser"]


@runtime_checkable
class TextAnalyser(Protocol):
    """What an analyser for one language answers about a message text.

    Two optional members make an analyser better company (the built-ins have both):

    - ``explain(question, text) -> tuple[bool, str]``: the answer to ``"thanks"``,
      ``"feedback"`` or ``"template"`` and why, by category and never quoting the text
      ("names an area (technical skills) and a way to improve (a recommendation)").
      Without it, a finding gives a generic reason.
    - ``markers``: a collection of the language's frequent words, in lower case.  With them,
      messages without a ``language`` attribute can be detected as written in it; without
      them, the analyser reads only messages whose ``language`` names it.
    """

    # A read-only property, so that frozen classes (and plain class attributes) qualify.
    @property
    def language(self) -> str:
        """The language it reads, as an ISO 639-1 code (``en``, ``da``, ``nb``)."""
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
