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
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Final

import attrs

from .fold import fold, fold_pattern
from .placeholders import Placeholders

__all__ = ["Cues", "LexiconAnalyser"]

_CLAUSES: Final = re.compile(r"(?:[.!?;]+(?:\s+|$)|\n+|\s[\u2022\u2013\u2014-]\s|[:(])")
# Words that may come before an instruction: "so close with ...", "og tjek ...".
_CONJUNCTION_WORDS: Final = (
    "so and then but also just please simply instead så og men også bare venligst och "
    "också bara und aber dann bitte einfach"
)
_CONJUNCTIONS: Final = frozenset(fold(_CONJUNCTION_WORDS).split())
_LEADING: Final = re.compile(r"^[\s\u2022*\u2013\u2014\-\d.)(]+")


_LAST: list[tuple[str, str]] = [("", "")]


def _fold(text: str) -> str:
    """:func:`~.fold.fold`, remembering the last text: the questions about one message come
    one after the other."""
    last = _LAST[0]
    if last[0] is text or last[0] == text:
        return last[1]
    folded = fold(text)
    _LAST[0] = (text, folded)
    return folded


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts


class Cues:
    """Categorised patterns compiled into one regular expression; a match tells its category.

    Alternatives that start at a word boundary (``\\b``) are gathered behind one boundary and
    sorted by their first letter, so that the search tries them only where a word starts, and
    there only those that start with its letter: most cues start a word, and a message has
    far fewer word starts than characters.
    """

    __slots__ = ("_at", "_categories", "parts", "pattern")

    def __init__(self, cues: Sequence[tuple[str, str]]) -> None:
        self._categories = tuple(category for category, _ in cues)
        at_words, anywhere = [], []
        by_letter: dict[str, list[str]] = {}
        others: list[str] = []
        at: list[re.Pattern[str]] = []
        for i, (_, source) in enumerate(cues):
            alternatives = _alternatives(fold_pattern(source))
            words = [a[2:] for a in alternatives if a.startswith("\\b")]
            rest = [a for a in alternatives if not a.startswith("\\b")]
            at.append(re.compile(f"(?:{'|'.join(words)})" if words else r"(?!x)x"))
            if words:
                at_words.append(f"(?P<c{i}>{'|'.join(words)})")
            for word in words:
                if word[:1].isalpha() and word[1:2] not in ("?", "*", "+", "{"):
                    by_letter.setdefault(word[0], []).append(word[1:])
                else:
                    others.append(word)
            if rest:
                anywhere.append(f"(?P<d{i}>{'|'.join(rest)})")
        self._at = tuple(at)
        branches = []
        if at_words:
            branches.append(rf"\b(?:{'|'.join(at_words)})")
        if anywhere:
            branches.append("|".join(anywhere))
        self.pattern = re.compile("|".join(branches) or r"(?!x)x")
        dispatch = [f"{letter}(?:{'|'.join(tails)})" for letter, tails in sorted(by_letter.items())]
        fast = []
        if dispatch or others:
            fast.append(re.compile(rf"\b(?:{'|'.join(dispatch + others)})"))
        if anywhere:
            fast.append(re.compile("|".join(anywhere)))
        #: The same cues as two expressions, the ones at word starts first: searching them
        #: apart lets the second, slower one be skipped once the first has found a cue.
        self.parts = tuple(fast)

    def category(self, group: str) -> str:
        """The category of the cue a match's ``lastgroup`` names."""
        return self._categories[int(group[1:])]

    def category_at(self, found: re.Match[str]) -> str:
        """The category of a match of one of :attr:`parts`."""
        if found.lastgroup is not None:
            return self.category(found.lastgroup)
        text, start = found.string, found.start()
        for index, pattern in enumerate(self._at):
            if pattern.match(text, start):
                return self._categories[index]
        return self._categories[0]  # not reached: the match came from one of them

    def first(self, folded: str) -> str | None:
        """The category of the first cue found in ``folded``, or ``None``."""
        found = self.pattern.search(folded)
        if found is None or found.lastgroup is None:
            return None
        return self.category(found.lastgroup)

    def cut(self, folded: str) -> tuple[str, str | None]:
        """``folded`` with every cue replaced by a space, and the first cue's category."""
        found = self.pattern.search(folded)
        if found is None or found.lastgroup is None:
            return folded, None
        return self.pattern.sub(" ", folded), self.category(found.lastgroup)


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
        imperatives: str | Iterable[str] = (),
        field_words: Iterable[str] = (),
    ) -> LexiconAnalyser:
        """An analyser from lists of ``(category, pattern)`` cues (patterns as written).

        ``imperatives`` are the verbs that start an instruction, as a list or one string of
        words separated by spaces.
        """
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
            imperatives=frozenset(
                fold(word)
                for word in (imperatives.split() if isinstance(imperatives, str) else imperatives)
            ),
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
        folded = _fold(text)
        if self.thanks_cues.pattern.search(folded) is None:
            return False, "has no words of thanks"
        left, blocked = self.not_thanks.cut(folded)
        found = (
            self.thanks_cues.first(left) if blocked is not None else self.thanks_cues.first(folded)
        )
        if found is not None:
            return True, f"thanks the candidate ({found})"
        return False, f"reads as {blocked}, not as thanks"

    def _feedback(self, text: str) -> tuple[bool, str]:
        folded = _fold(text)
        # Clauses matter only where advice is not about skills: they are dropped.  A cue
        # belongs to the clause its match starts in.
        advice = [m.start() for m in self.not_advice.pattern.finditer(folded)]
        ends: list[int] = []
        dropped: set[int] = set()
        if advice:
            ends = [found.end() for found in _CLAUSES.finditer(folded)]
            ends.append(len(folded) + 1)
            dropped = {bisect_right(ends, at) for at in advice}

        def first(cues: Cues) -> str | None:
            for part in cues.parts:
                for found in part.finditer(folded):
                    if not dropped or bisect_right(ends, found.start()) not in dropped:
                        return cues.category_at(found)
            return None

        targeted = first(self.targeted)
        if targeted is not None:
            return True, f"names an area (a skill to work on) and a way to improve ({targeted})"
        area = first(self.areas) or first(self.critiques)
        improvement = first(self.improvements)
        if improvement is None and self.imperatives:
            if not ends:
                ends = [found.end() for found in _CLAUSES.finditer(folded)]
                ends.append(len(folded) + 1)
            start = 0
            for index, end in enumerate(ends):
                if index not in dropped and self._instructs(folded[start:end]):
                    improvement = "an instruction to follow"
                    break
                start = end
        if area is not None and improvement is not None:
            return True, f"names an area ({area}) and a way to improve ({improvement})"
        if area is not None:
            return False, f"names an area ({area}) but no concrete way to improve"
        if improvement is not None:
            return False, f"suggests something ({improvement}) but names no area to improve"
        return False, "names no area and no way to improve"

    def _instructs(self, clause: str) -> bool:
        """Whether the clause, or a part of it after a comma, starts with an instruction.

        Leading conjunctions ("so", "and then", "så") are skipped; a German verb followed by
        "Sie" ("Kürzen Sie ...") is an instruction too.
        """
        for part in _LEADING.sub("", clause).split(","):
            words = part.split(None, 3)
            while words and words[0] in _CONJUNCTIONS:
                words = words[1:]
            if not words:
                continue
            first = words[0].strip("'\"")
            if first in self.imperatives:
                return True
            formal = len(words) > 1 and words[1] == "sie" and first.endswith("en")
            if formal and self.language == "de":
                return True
        return False
