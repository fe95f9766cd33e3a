"""Privacy: no report format ever carries the free text of a message from the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cx_rules.auditing import audit
from cx_rules.report import render

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"
# Attributes that hold what a recruiter wrote to (or about) a candidate.
FREE_TEXT = ("text", "reason")


def _free_texts() -> list[str]:
    found = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        found.extend(record[key] for key in FREE_TEXT if key in record)
    return found


def test_the_sample_has_free_text_to_leak() -> None:
    assert len(_free_texts()) > 10


@pytest.mark.parametrize("format", ["json", "text", "csv", "html"])
@pytest.mark.parametrize("group_by", [None, "actor"])
def test_no_format_carries_message_text(format: str, group_by: str | None) -> None:
    out = render(audit(SAMPLE, group_by=group_by), format)

    leaked = [text for text in _free_texts() if text in out]

    assert leaked == []
