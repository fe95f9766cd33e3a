"""The built-in analysers' machinery: a lexicon of cues per language, and how it is read.

Every pattern is matched on folded text (:func:`~.fold.fold`): lower case, ``æ`` as ``ae``,
so one pattern reads "desværre" and "desvaerre".  Each cue has a *category*, which is what a
finding says ("names an area (technical skills)"); the message itself is never quoted.

**Thanks.** Phrases that use a thanks-word without thanking (``not_thanks``: a refusal such as
Danish *takke nej*, a cause such as *thanks to*, a request such as *would appreciate it if*, a
negation) are cut out first; the text thanks when a ``thanks`` cue is left.

**Specific feedback.** The text is cut into clauses (sentences, bullet points, lines).  A clause
with advice that is not about the candidate's skills (``not_advice``: apply again, follow our
careers page, fill in our survey) is dropped.  The feedback is specific when what is left
names an area (``areas``, or a weakness named by ``critiques``: "struggled with", "manglede")
and a way to improve (``improvements``: a recommendation, something to practise or learn, a
change for next time, or a clause that starts with an instruction, ``imperatives``:
"practise ...", "øv dig ...").  Some advice names its area itself (``targeted``: "brush up
on ...", "genopfrisk ...", "a course in ..."): it is specific on its own.

**Templates.** :class:`~.placeholders.Placeholders`, with the language's own field words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

import attrs

from .fold import fold, fold_pattern
from .placeholders import Placeholders

__all__ = ["Cues", "LexiconAnalyser"]

_CLAUSES: Final = re.compile(r"(?:[.!?;]+(?:\s+|$)|\n+|\s[\u2022\u2013\u2014-]\s|[:(])")
_LEADING: Final = re.compile(r"^[\s\u2022*\u2013\u2014\-\d.)(]+")


class Cues:
    """Categorised patterns compiled into one regular expression; a match tells its category."""

    __slots__ = ("_categories", "pattern")

    def __init__(self, cues: Sequence[tuple[str, str]]) -> None:
        self._categories = tuple(category for category, _ in cues)
        source = "|".join(f"(?P<c{i}>{fold_pattern(p)})" for i, (_, p) in enumerate(cues))
        self.pattern = re.compile(source or r"(?!x)x")

    def first(self, folded: str) -> str | None:
        """The category of the first cue found in ``folded``, or ``None``."""
        found = self.pattern.search(folded)
        if found is None or found.lastgroup is None:
            return None
        return self._categories[int(found.lastgroup[1:])]

    def cut(self, folded: str) -> tuple[str, str | None]:
        """``folded`` with every cue replaced by a space, and the first cue's category."""
        found = self.pattern.search(folded)
        if found is None or found.lastgroup is None:
            return folded, None
        return self.pattern.sub(" ", folded), self._categories[int(found.lastgroup[1:])]


@attrs.frozen(eq=False)
class LexiconAnalyser:
    """A :class:`~cx_rules.text.TextAnalyser` for one language, made of categorised cues.

    ``markers`` are the language's frequent words, for detection; ``field_words`` add to the
    mail-merge field names that make brackets a placeholder.  See the module's description for
    how the cues are read.
    """

    language: str
    markers: frozenset[str]
    thanks_cues: Cues
    not_thanks: Cues
    areas: Cues
    improvements: Cues
    not_advice: Cues
    targeted: Cues
    critiques: Cues
    imperatives: frozenset[str]
    placeholders: Placeholders

    @classmethod
    def build(
        cls,
        language: str,
        *,
        markers: Iterable[str] = (),
        thanks: Sequence[tuple[str, str]],
        not_thanks: Sequence[tuple[str, str]] = (),
        areas: Sequence[tuple[str, str]],
        improvements: Sequence[tuple[str, str]],
        not_advice: Sequence[tuple[str, str]] = (),
        targeted: Sequence[tuple[str, str]] = (),
        critiques: Sequence[tuple[str, str]] = (),
        imperatives: Iterable[str] = (),
        field_words: Iterable[str] = (),
    ) -> LexiconAnalyser:
        """An analyser from lists of ``(category, pattern)`` cues (patterns as written)."""
        return cls(
            language=language,
            markers=frozenset(markers),
            thanks_cues=Cues(thanks),
            not_thanks=Cues(not_thanks),
            areas=Cues(areas),
            improvements=Cues(improvements),
            not_advice=Cues(not_advice),
            targeted=Cues(targeted),
            critiques=Cues(critiques),
            imperatives=frozenset(fold(word) for word in imperatives),
            placeholders=Placeholders(field_words),
        )

    # -- the protocol ------------------------------------------------------------------------

    def thanks(self, text: str) -> bool:
        """Whether the text thanks the reader."""
        return self.explain("thanks", text)[0]

    def is_template(self, text: str) -> bool:
        """Whether the text still has an unfilled placeholder."""
        return self.explain("template", text)[0]

    def is_specific_feedback(self, text: str) -> bool:
        """Whether the text names a concrete area and a concrete way to improve."""
        return self.explain("feedback", text)[0]

    def explain(self, question: str, text: str) -> tuple[bool, str]:
        """The answer to ``question`` (``thanks``, ``feedback``, ``template``) and why, by category."""
        if question == "thanks":
            return self._thanks(text)
        if question == "feedback":
            return self._feedback(text)
        if question == "template":
            kind = self.placeholders.find(text)
            if kind is None:
                return False, "has no unfilled template placeholders"
            return True, f"still has unfilled template placeholders ({kind})"
        raise ValueError(f"unknown question {question!r}; expected thanks, feedback or template")

    # -- the questions -----------------------------------------------------------------------

    def _thanks(self, text: str) -> tuple[bool, str]:
        folded = fold(text)
        left, blocked = self.not_thanks.cut(folded)
        found = self.thanks_cues.first(left)
        if found is not None:
            return True, f"thanks the candidate ({found})"
        if blocked is not None:
            return False, f"reads as {blocked}, not as thanks"
        return False, "has no words of thanks"

    def _feedback(self, text: str) -> tuple[bool, str]:
        area: str | None = None
        improvement: str | None = None
        for clause in _CLAUSES.split(fold(text)):
            clause = _LEADING.sub("", clause)
            if not clause or self.not_advice.pattern.search(clause):
                continue
            targeted = self.targeted.first(clause)
            if targeted is not None:
                return True, f"names an area (a skill to work on) and a way to improve ({targeted})"
            if area is None:
                area = self.areas.first(clause) or self.critiques.first(clause)
            if improvement is None:
                improvement = self.improvements.first(clause)
                if improvement is None and self._instructs(clause):
                    improvement = "an instruction to follow"
            if area is not None and improvement is not None:
                return True, f"names an area ({area}) and a way to improve ({improvement})"
        if area is not None:
            return False, f"names an area ({area}) but no concrete way to improve"
        if improvement is not None:
            return False, f"suggests something ({improvement}) but names no area to improve"
        return False, "names no area and no way to improve"

    def _instructs(self, clause: str) -> bool:
        """Whether the clause, or a part of it after a comma, starts with an instruction."""
        for part in clause.split(","):
            first = part.split(None, 1)
            if first and first[0].strip("'\"") in self.imperatives:
                return True
        return False
