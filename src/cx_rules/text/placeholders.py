"""Unfilled mail-merge placeholders, whatever the language.

A placeholder is markup around a field name: ``{first_name}``, ``{{ name | title }}``,
``«FirstName»``, ``*|FNAME|*``, ``%FIRSTNAME%``, ``#FirstName#``, ``[Candidate Name]``,
``<<name>>``, ``$FIRST_NAME``, ``{0}``, ``%s``; or a filler (``XXXX``, ``Dear ____,``).
Brackets, percentages and hash signs are common in real messages too ("[see attached]",
"100 %", "C#", "<<< Please reply above this line >>>"), so most kinds count only when what is
inside looks like a field: a word such as *name*, *fornavn* or *Nachname*, a CamelCase or
snake_case identifier, or capitals naming a field (``FIRST NAME``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from .fold import fold

__all__ = ["FIELD_WORDS", "PLACEHOLDER", "Placeholders"]

_FIELDS: Final = """name names firstname first_name fname lname lastname surname fullname candidate
    applicant recipient salutation title jobtitle job position role vacancy company employer
    department date time location manager recruiter contact sender navn fornavn efternavn
    mellemnavn kandidat kandidatens ansøger ansøgers stilling stillingens
    stillingsbetegnelse titel firma virksomhed afdeling dato tidspunkt sted etternavn søker
    søkerens selskap namn förnamn efternamn sökande tjänst tjänsten befattning företag datum
    vorname nachname anrede bewerber bewerberin stelle stellenbezeichnung unternehmen
    abteilung datum uhrzeit titel first last email phone"""
#: Words that name a mail-merge field, in the five languages read and a few more (folded).
FIELD_WORDS: Final = frozenset(fold(word) for word in _FIELDS.split())

# Kinds of placeholder, and what must be inside: anything (None), any identifier (True),
# something that looks like a field (False), a field word ("word").
_KINDS: Final = (
    (
        "a template expression in double braces",
        r"\{\{[^{}\n]{1,80}\}\}|\{%[^{}\n]{1,80}%\}",
        None,
    ),
    ("a numbered placeholder", r"\{\d{1,2}\}", None),
    # One word in braces is a field when it looks like one: "{name}", "{job_title}", not the
    # "{creative}" of prose.
    ("a field in braces", r"\{\s*\$?([^\W\d][\w.]{0,40})\s*\}", False),
    ("a merge tag", r"\*\|[A-Za-z0-9_:]{1,40}\|\*", None),
    ("a field in guillemets", r"«\s*([^«»\n]{1,40}?)\s*»", False),
    ("a field in double angle brackets", r"<<\s*([^<>\n]{1,40}?)\s*>>", False),
    ("a field in angle brackets", r"<\s*([^<>\n/=\"']{1,40}?)\s*>", False),
    (
        "a field in double brackets",
        r"\[\[\s*([^\[\]\n]{1,40}?)\s*\]\]|\(\(\s*([^()\n]{1,40}?)\s*\)\)",
        False,
    ),
    ("a field in square brackets", r"\[\s*([^\[\]\n]{1,40}?)\s*\]", False),
    ("a field between percent signs", r"%%?([A-Za-zÆØÅæøåÄÖÜäöüß_][\w.]{0,40})%%?", True),
    ("a field between percent signs", r"%([^\W\d]\w* [^\W\d]\w*)%", False),
    ("a field between hash signs", r"#([A-Za-zÆØÅæøåÄÖÜäöüß_][\w.]{0,40})#", True),
    ("a shell-style variable", r"\$\{\w{1,40}\}|\$([A-Za-z]\w*_\w+|[A-Z][A-Z0-9]{2,})\b", True),
    ("a shell-style variable", r"(?<![\w$])\$([^\W\d_]+)\b", "word"),
    ("a printf-style placeholder", r"%\(\w{1,40}\)[sd]|(?<![\w%])%[sd](?![\w%])", None),
    (
        "a field name in snake case",
        r"(?<![\w{\[<«#%$*|])([^\W\d_]{2,}(?:_[^\W\d_]{2,})+)(?![\w}\]>»#%|])",
        "word",
    ),
    ("a filler", r"\b(?:X{3,}|x{4,})\b|\bN\.\s?N\.", None),
    ("blanks to fill in", r"(?<=[^\W_])[ \t]+_{3,}|_{3,}(?=[ \t]*[,.;:])", None),
)

_SPLIT: Final = re.compile(r"[\s_.:|-]+")
_CAMEL: Final = re.compile(r"[a-zæøåäöü][A-ZÆØÅÄÖÜ]")
_SNAKE: Final = re.compile(r"[^\W_]_[^\W_]")


def _looks_like_a_field(inside: str, field_words: frozenset[str], *, shape: bool = True) -> bool:
    """Whether the text inside markup names a mail-merge field.

    With ``shape``, a CamelCase or snake_case identifier counts too.
    """
    inside = inside.strip()
    if not inside or len(inside.split()) > 4:
        return False
    if shape and (_CAMEL.search(inside) or _SNAKE.search(inside)):
        return True
    parts = [p for p in _SPLIT.split(fold(inside)) if p]
    return any(part in field_words or part.rstrip("s") in field_words for part in parts) or any(
        part.endswith(word) for part in parts for word in ("navn", "name", "namn")
    )


class Placeholders:
    """Finds unfilled placeholders; ``field_words`` extends :data:`FIELD_WORDS`."""

    __slots__ = ("_field_words", "_kinds", "_quick")

    def __init__(self, field_words: Iterable[str] = ()) -> None:
        self._field_words = FIELD_WORDS | frozenset(fold(w) for w in field_words)
        self._kinds = tuple((kind, re.compile(pattern), check) for kind, pattern, check in _KINDS)
        # Most messages have none of the markup: one search rules them out.
        self._quick = re.compile(r"[{}«<\[(%#$*_]|XXX|xxxx|N\.")

    def find(self, text: str) -> str | None:
        """The kind of the first unfilled placeholder in ``text`` (never its text), or ``None``."""
        if self._quick.search(text) is None:
            return None
        for kind, pattern, check in self._kinds:
            for found in pattern.finditer(text):
                if check is None:
                    return kind
                inside = next((g for g in found.groups() if g), "")
                if check is True and inside:
                    return kind
                if check is False and _looks_like_a_field(inside, self._field_words):
                    return kind
                if check == "word" and _looks_like_a_field(inside, self._field_words, shape=False):
                    return kind
        return None


#: One regular expression for the commonest placeholders, kept for plugins that build a
#: :class:`~cx_rules.analysers.PatternAnalyser` (it matches more than
#: :class:`Placeholders` accepts: it cannot look inside brackets).
PLACEHOLDER: Final = re.compile(
    r"\{\{[^{}\n]{1,80}\}\}|\{\d{1,2}\}|\{\s*\$?[^\W\d][\w.]*\s*\}|\*\|[A-Za-z0-9_:]+\|\*"
    r"|%%?[A-Za-z_]\w*%%?|#[A-Za-z_]\w*#|\$\{\w+\}|%\(\w+\)[sd]|(?-i:\bX{3,}\b)"
    r"|(?-i:\[[A-ZÆØÅ][A-ZÆØÅ0-9_ ]*\])|<<\s*[^\W\d][\w .]*>>"
)
