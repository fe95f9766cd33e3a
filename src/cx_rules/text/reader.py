"""Reading a message in its own language: :class:`TextReader` and its :class:`Verdict`.

Each message is read by the analysers of one language: the event's ``language`` attribute
when it names one (``en``, ``en-GB``, ``da_DK``, ``nob``), otherwise the language the detector
finds.  A message in a language no analyser reads, or whose language cannot be told, gets
the answer ``None`` (unknown), never a guess.  When the detector cannot choose between two
languages that are both read (a short Danish or Norwegian sentence), their analysers are
asked, and an answer they agree on is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final, Literal

import attrs

from .detect import PROFILES, LanguageDetector
from .protocol import TextAnalyser

__all__ = ["QUESTIONS", "Question", "TextReader", "Verdict", "normalise_language"]

Question = Literal["thanks", "feedback", "template"]
#: The questions an analyser answers.
QUESTIONS: Final[tuple[Question, ...]] = ("thanks", "feedback", "template")

_GENERIC: Final = {
    "thanks": ("thanks the candidate", "has no thanks"),
    "feedback": ("names an area and a way to improve", "names no area with a way to improve"),
    "template": (
        "still has unfilled template placeholders",
        "has no unfilled template placeholders",
    ),
}

# Three-letter and other names for the languages read, as logs write them.
_ALIASES: Final = {
    "eng": "en",
    "dan": "da",
    "swe": "sv",
    "nob": "nb",
    "no": "nb",
    "nor": "nb",
    "deu": "de",
    "ger": "de",
}


def normalise_language(value: object) -> str | None:
    """The ISO 639-1 code in a ``language`` attribute (``en-GB`` is ``en``, ``no`` is ``nb``).

    ``None`` for a value that is not a non-blank string.
    """
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if not primary:
        return None
    return _ALIASES.get(primary, primary)


@attrs.frozen
class Verdict:
    """An answer about one message: ``answer`` (``None`` when unknown), why, and its language.

    ``reason`` names categories only ("reads as a refusal, not as thanks"), never the text.
    ``language`` is the language the message was read as, ``None`` when it could not be told.
    A verdict is true in a boolean context only when the answer is yes, so code written for
    the yes/no answers of earlier versions keeps working.
    """

    answer: bool | None
    reason: str
    language: str | None

    def __bool__(self) -> bool:
        return self.answer is True


class TextReader:
    """Every analyser, each reading the messages of its own language."""

    __slots__ = ("_by_language", "_detector", "_last", "analysers")

    def __init__(self, analysers: Sequence[TextAnalyser]) -> None:
        self.analysers = tuple(analysers)
        by_language: dict[str, list[TextAnalyser]] = {}
        profiles: dict[str, Iterable[str]] = dict(PROFILES)
        for analyser in self.analysers:
            by_language.setdefault(analyser.language, []).append(analyser)
            markers = getattr(analyser, "markers", None)
            if markers:
                known = profiles.get(analyser.language, ())
                profiles[analyser.language] = frozenset(known) | {str(m).lower() for m in markers}
        self._by_language = {lang: tuple(found) for lang, found in by_language.items()}
        self._detector = LanguageDetector(profiles)
        # The rules of one event ask about the same text in turn: remember its language.
        self._last: tuple[str, tuple[str, ...]] = ("", ())

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the analysers read, in the order they were registered."""
        return tuple(self._by_language)

    def detect(self, text: str) -> str | None:
        """The language ``text`` is written in, as far as the detector can tell (or ``None``).

        It may be a language no analyser reads (``fr``): such text is then unknown.
        """
        return self._detector.detect(text)

    def thanks(self, text: str, language: object = None) -> Verdict:
        """Whether ``text`` thanks the candidate; ``language`` is the event's attribute."""
        return self.judge("thanks", text, language)

    def template(self, text: str, language: object = None) -> Verdict:
        """Whether ``text`` still has an unfilled mail-merge placeholder."""
        return self.judge("template", text, language)

    def feedback(self, text: str, language: object = None) -> Verdict:
        """Whether ``text`` gives specific feedback: an area and a concrete way to improve."""
        return self.judge("feedback", text, language)

    def is_template(self, text: str, language: object = None) -> bool:
        """:meth:`template` as a plain yes (``True``) or no-or-unknown (``False``)."""
        return self.judge("template", text, language).answer is True

    def is_specific_feedback(self, text: str, language: object = None) -> bool:
        """:meth:`feedback` as a plain yes (``True``) or no-or-unknown (``False``)."""
        return self.judge("feedback", text, language).answer is True

    def judge(self, question: Question, text: str, language: object = None) -> Verdict:
        """The answer to ``question`` about ``text``, read in its language (see the module)."""
        if not text.strip():
            return Verdict(False, "the text is empty", None)
        declared = normalise_language(language)
        if declared is not None:
            if declared not in self._by_language:
                return Verdict(
                    None, f"written in a language no analyser reads ({declared})", declared
                )
            candidates: tuple[str, ...] = (declared,)
        else:
            candidates = self._candidates(text)
            if not candidates:
                return Verdict(None, "the language of the text cannot be told", None)
            if candidates[0] not in self._by_language:
                lang = candidates[0]
                return Verdict(None, f"written in a language no analyser reads ({lang})", lang)
        verdicts = [self._ask(lang, question, text) for lang in candidates]
        first = verdicts[0]
        if len(verdicts) == 1 or all(v.answer == first.answer for v in verdicts[1:]):
            return first if len(verdicts) == 1 else attrs.evolve(first, language=None)
        return Verdict(None, "the language of the text cannot be told", None)

    def _candidates(self, text: str) -> tuple[str, ...]:
        last_text, last = self._last
        if text == last_text:
            return last
        found = self._detector.detect(text)
        if found is not None:
            candidates: tuple[str, ...] = (found,)
        else:
            # A tie: the read languages sharing the best score, if they all are read.
            scores = self._detector.scores(text)
            best = max(scores.values(), default=0.0)
            tied = tuple(sorted(lang for lang, score in scores.items() if score == best))
            read = best >= 1.0 and all(lang in self._by_language for lang in tied)
            candidates = tied if read else ()
        self._last = (text, candidates)
        return candidates

    def _ask(self, language: str, question: Question, text: str) -> Verdict:
        """One language's answer: yes when any of its analysers says yes."""
        reasons: list[str] = []
        for analyser in self._by_language[language]:
            explain: Callable[[str, str], tuple[bool, str]] | None = getattr(
                analyser, "explain", None
            )
            if explain is not None:
                answer, reason = explain(question, text)
            else:
                answer = bool(_plain(analyser, question)(text))
                reason = _GENERIC[question][0 if answer else 1]
            if answer:
                return Verdict(True, reason, language)
            reasons.append(reason)
        return Verdict(False, reasons[0], language)


def _plain(analyser: TextAnalyser, question: Question) -> Callable[[str], bool]:
    if question == "thanks":
        return analyser.thanks
    if question == "template":
        return analyser.is_template
    return analyser.is_specific_feedback
