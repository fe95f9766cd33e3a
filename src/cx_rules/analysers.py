"""The built-in text analysers: English and Danish, by regular expressions.

Each analyser answers the three questions of :class:`~cx_rules.text.TextAnalyser` with a few
precompiled, case-insensitive patterns.  They are deliberately simple: they look for the
phrases recruiters use, not for meaning, so a rule always lets an explicit flag on the event
(``thanked``, ``template``, ``personal``, ``items``) win over what they find.

A plugin can read another language by building its own :class:`PatternAnalyser`.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from .text import TextAnalyser

__all__ = ["ANALYSERS", "DANISH", "ENGLISH", "PLACEHOLDER", "PatternAnalyser"]

_I: Final = re.IGNORECASE

#: Unfilled mail-merge placeholders, whatever the language: ``{first_name}``, ``{{ name }}``,
#: ``[NAME]``, ``[Candidate Name]``, ``<<name>>``, ``%s``, ``%(name)s``, ``$FIRST_NAME``,
#: ``${name}``.
PLACEHOLDER: Final = re.compile(
    "|".join(
        (
            r"\{\{?\s*[^\W\d]\w*(?:\.\w+)*\s*\}\}?",  # {first_name}, {{ name }}, {{ job.title }}
            r"<<\s*[^\W\d][\w .]*>>",  # <<name>>
            r"%\(\w+\)[sd]|%[sd](?!\w)",  # %(name)s, %s
            r"\$\{\w+\}",  # ${name}
            # [NAME], [FIRST NAME] and $FIRST_NAME: capitals only, so "$100" and "[see below]"
            # are left alone.
            r"(?-i:\[[A-ZÆØÅ][A-ZÆØÅ0-9_ ]*\])",
            r"(?-i:\$[A-Z][A-Z0-9_]+)\b",
            # [Candidate Name], [Stillingens titel]: a bracket naming a mail-merge field.
            r"\[[^\]\n]{0,30}\b(?:name|navn|fornavn|efternavn|position|stilling\w*|"
            r"title|titel|company|firma|virksomhed\w*|date|dato)\b[^\]\n]{0,30}\]",
        )
    ),
    _I,
)


@attrs.frozen
class PatternAnalyser:
    """A :class:`~cx_rules.text.TextAnalyser` made of regular expressions.

    ``thanks_pattern`` finds thanks; feedback is specific when ``area_pattern`` finds a concrete
    area (technical skills, communication) *and* ``improvement_pattern`` a concrete way to
    improve ("could improve", "we recommend").  ``placeholder_pattern`` finds unfilled
    placeholders (:data:`PLACEHOLDER` unless given).  Every answer is ``False`` for blank text.
    """

    language: str
    thanks_pattern: re.Pattern[str]
    area_pattern: re.Pattern[str]
    improvement_pattern: re.Pattern[str]
    placeholder_pattern: re.Pattern[str] = PLACEHOLDER

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


#: Reads English: "thank you", "thanks for", "grateful", "appreciate"; areas such as technical
#: skills, experience, communication, interview technique; improvements such as "could
#: improve", "we recommend", "work on".
ENGLISH: Final = PatternAnalyser(
    language="en",
    thanks_pattern=re.compile(
        r"\b(?:thank\s+you|thanks|thank\s+(?:u|ya)|grateful|gratitude|"
        r"appreciat(?:e|ed|es|ing|ion))\b",
        _I,
    ),
    area_pattern=re.compile(
        r"\b(?:technical|skills?|experience|communicat\w*|"
        r"interview(?:ing)?\s+(?:technique|skills?)|presentation|leadership|teamwork|"
        r"collaboration|problem[- ]solving|coding|programming|"
        r"system\s+design|architecture|testing|domain\s+knowledge|knowledge\s+of|portfolio|"
        r"case\s+(?:study|exercise)|stakeholder\s+management)\b",
        _I,
    ),
    improvement_pattern=re.compile(
        r"\b(?:could|can|should|might|may\s+want\s+to|need\s+to|try\s+to)\s+(?:\w+\s+){0,2}?"
        r"(?:improve|strengthen|develop|deepen|work\s+on|focus\s+on|practi[cs]e|prepare|"
        r"benefit\s+from)\b"
        r"|\bwe\s+(?:would\s+)?(?:recommend|suggest|encourage|advise)\b"
        r"|\b(?:room|areas?)\s+for\s+(?:improvement|development|growth)\b"
        r"|\bareas?\s+to\s+(?:improve|develop|work\s+on)\b",
        _I,
    ),
)

#: Reads Danish: "tak for", "tak fordi", "takker", "mange tak", "taknemmelig"; areas such as
#: "tekniske færdigheder", "erfaring", "kommunikation", "interviewteknik"; improvements such
#: as "kunne forbedre", "vi anbefaler", "arbejde med" after a modal verb.  The usual rejection
#: phrase "vi har valgt ..." names no improvement, so it is not feedback.
DANISH: Final = PatternAnalyser(
    language="da",
    # "tak" on its own, but not "takket være" (owing to).
    thanks_pattern=re.compile(
        r"\b(?:tak|takker|takke|taknemmelig\w*|værdsætter|påskønner)\b",
        _I,
    ),
    area_pattern=re.compile(
        # Substrings, because Danish compounds them: "programmeringsfærdigheder".
        r"teknisk|teknik|færdighed|erfaring|kommunikation|præsentation|ledelse|samarbejd|"
        r"problemløsning|programmering|kompetence|faglig|\bviden\s+om\b",
        _I,
    ),
    improvement_pattern=re.compile(
        r"\b(?:kan|kunne|bør|burde|skal|med\s+fordel)\s+(?:\w+\s+){0,2}?"
        r"(?:forbedre|styrke|udvikle|uddybe|arbejde\s+(?:videre\s+)?med|fokusere\s+på|øve)\b"
        r"|\bvi\s+(?:vil\s+)?(?:anbefaler|anbefale|foreslår|foreslå|opfordrer|råder)\b"
        r"|\bforbedringspotentiale\b|\bplads\s+til\s+forbedring\b"
        r"|\barbejde\s+videre\s+med\b",
        _I,
    ),
)

#: The analysers registered by :mod:`cx_rules.rules.builtin`.
ANALYSERS: tuple[TextAnalyser, ...] = (ENGLISH, DANISH)
