"""The labelled corpus format, and measuring a :class:`~.reader.TextReader` on it.

A corpus is JSON Lines, UTF-8, one message per line::

    {"id": "en-thanks-0001", "language": "en", "question": "thanks", "label": true,
     "text": "Thank you for applying ...", "note": "optional: why it is hard"}

``question`` is ``thanks`` (the message thanks the candidate), ``feedback`` (it gives specific
feedback: an area and a concrete way to improve) or ``template`` (it has an unfilled mail-merge
placeholder).  Built-in splits live in ``tests/data/text/<split>/<language>.jsonl``; a plugin
author writes the same format for their language and measures it with
``benchmarks/text_accuracy.py --data DIR`` or :func:`evaluate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final

import attrs

from .reader import QUESTIONS, Question, TextReader

__all__ = ["CorpusError", "Item", "Score", "detection_accuracy", "evaluate", "read_corpus"]

#: Messages of at least this many words are used to measure language detection.
DETECTION_MIN_WORDS: Final = 8


class CorpusError(ValueError):
    """A corpus line that does not follow the format; the message names the file and line."""


@attrs.frozen
class Item:
    """One labelled message."""

    id: str
    language: str
    question: Question
    label: bool
    text: str
    note: str = ""


@attrs.frozen
class Score:
    """Counts for one language and question: true and false positives, false negatives,
    true negatives, and how many answers were unknown (counted as "no")."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    unknown: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was called positive."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when there were no positives."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def items(self) -> int:
        """How many items were scored."""
        return self.tp + self.fp + self.fn + self.tn


def read_corpus(paths: Iterable[Path]) -> list[Item]:
    """Every item of the JSON Lines files ``paths``; a bad line raises :class:`CorpusError`."""
    items: list[Item] = []
    seen: dict[str, str] = {}
    for path in paths:
        for number, line in _lines(path):
            where = f"{path}:{number}"
            item = _item(line, where)
            if item.id in seen:
                raise CorpusError(f"{where}: id {item.id!r} is used already at {seen[item.id]}")
            seen[item.id] = where
            items.append(item)
    return items


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason})") from None
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, line


def _item(line: str, where: str) -> Item:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise CorpusError(f"{where}: not JSON ({exc})") from None
    if not isinstance(data, Mapping):
        raise CorpusError(f"{where}: expected a JSON object")
    for key, kind in (("id", str), ("language", str), ("question", str), ("text", str)):
        if not isinstance(data.get(key), kind):
            raise CorpusError(f"{where}: {key!r} must be a string")
    if not isinstance(data.get("label"), bool):
        raise CorpusError(f"{where}: 'label' must be true or false")
    question = data["question"]
    if question not in QUESTIONS:
        raise CorpusError(f"{where}: 'question' must be one of {', '.join(QUESTIONS)}")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise CorpusError(f"{where}: 'note' must be a string")
    return Item(data["id"], data["language"], question, data["label"], data["text"], note)


def evaluate(
    reader: TextReader, items: Iterable[Item], *, declared: bool = False
) -> dict[tuple[str, Question], Score]:
    """Scores per ``(language, question)``.

    Each text is read as a message without a ``language`` attribute (so the language is
    detected), or with the item's language when ``declared``.  An unknown answer counts as
    "no": a missed positive, and no harm on a negative.
    """
    counts: dict[tuple[str, Question], list[int]] = {}
    for item in items:
        verdict = reader.judge(item.question, item.text, item.language if declared else None)
        row = counts.setdefault((item.language, item.question), [0, 0, 0, 0, 0])
        said = verdict.answer is True
        row[4] += verdict.answer is None
        if said and item.label:
            row[0] += 1
        elif said:
            row[1] += 1
        elif item.label:
            row[2] += 1
        else:
            row[3] += 1
    return {key: Score(*row) for key, row in counts.items()}


def detection_accuracy(
    reader: TextReader, items: Iterable[Item], *, min_words: int = DETECTION_MIN_WORDS
) -> tuple[int, int]:
    """How many items of at least ``min_words`` words are detected as their language, of how many."""
    right = total = 0
    for item in items:
        if len(item.text.split()) >= min_words:
            total += 1
            right += reader.detect(item.text) == item.language
    return right, total
