"""Reading free message text: does it thank the candidate, is it specific feedback, is it a
raw template.

Analysers are plugins (hook ``cx_rules_text_analysers``); the built-ins read English, Danish,
Swedish, Norwegian bokmål and German (:mod:`cx_rules.analysers`).  Rules never see an analyser
directly: they ask :class:`TextReader`, which reads each message in one language (the event's
``language`` attribute, else the detected one) and answers with a :class:`Verdict` that says
why.  Explicit flags on an event (``thanked``, ``template``, ``personal``, ``items``) always
win over what the text suggests.
"""

from __future__ import annotations

from .detect import PROFILES, LanguageDetector
from .fold import fold
from .placeholders import FIELD_WORDS, Placeholders
from .protocol import TextAnalyser
from .reader import QUESTIONS, Question, TextReader, Verdict, normalise_language

__all__ = [
    "FIELD_WORDS",
    "PROFILES",
    "QUESTIONS",
    "LanguageDetector",
    "Placeholders",
    "Question",
    "TextAnalyser",
    "TextReader",
    "Verdict",
    "fold",
    "normalise_language",
]
