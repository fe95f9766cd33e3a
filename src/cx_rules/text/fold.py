"""Folding text for matching: lower case, Nordic and German letters spelled in ASCII.

Danish and Norwegian are often typed without æ, ø and å (``ae``, ``oe``, ``aa``), German without
ä, ö, ü and ß (``ae``, ``oe``, ``ue``, ``ss``).  Folding both the message and the lexicons to
the ASCII spelling makes one pattern match both ways of writing a word.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["fold", "fold_pattern", "words"]

_LETTERS: Final = {
    "æ": "ae",
    "ø": "oe",
    "å": "aa",
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "ß": "ss",
    "é": "e",
    "è": "e",
    "ê": "e",
    "á": "a",
    "à": "a",
    "ó": "o",
    "ò": "o",
    "ô": "o",
    "í": "i",
    "ú": "u",
    "ç": "c",
    "ñ": "n",
    # Typographic apostrophes and soft hyphens, so that "don\u2019t" is "don't".
    "\u2019": "'",
    "\u2018": "'",
    "\u00ad": "",
}
_TABLE: Final = str.maketrans(_LETTERS)
_WORD: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")


def fold(text: str) -> str:
    """``text`` in lower case with accented letters spelled in ASCII (``æ`` as ``ae``)."""
    return text.lower().translate(_TABLE)


def fold_pattern(pattern: str) -> str:
    """A lexicon pattern (lower case, letters with accents) spelled as :func:`fold` spells text.

    Only letters are replaced, so escapes such as ``\\W`` keep their meaning; patterns must
    not put accented letters inside a character class.
    """
    return pattern.translate(_TABLE)


def words(folded: str) -> list[str]:
    """The words of folded text, apostrophes kept inside a word (``don't``)."""
    return _WORD.findall(folded)
