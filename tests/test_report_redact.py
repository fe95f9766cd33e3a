"""Redaction: stable salted pseudonyms for case ids, actors and event ids."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path

import pytest

from cx_rules import Engine
from cx_rules.auditing import audit
from cx_rules.report import pseudonym, redact, render, to_json
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"


def test_a_pseudonym_is_a_keyed_hash_of_kind_and_value() -> None:
    digest = hmac.new(b"pepper", b"case:A-001", hashlib.sha256).hexdigest()

    assert f"case-{digest[:16]}" == pseudonym("case", "A-001", "pepper")
    assert pseudonym("case", "A-001", "pepper") != pseudonym("case", "A-001", "salt")
    assert pseudonym("case", "ann", "pepper") != pseudonym("actor", "ann", "pepper")


def test_the_same_salt_gives_the_same_report() -> None:
    report = audit(SAMPLE, group_by="actor")

    assert to_json(redact(report, "pepper")) == to_json(redact(report, "pepper"))
    assert to_json(redact(report, "pepper")) != to_json(redact(report, "salt"))


@pytest.mark.parametrize("format", ["json", "text", "csv", "html"])
def test_no_case_id_actor_or_event_id_survives(format: str) -> None:
    raw = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    report = redact(audit(SAMPLE, group_by="actor"), "pepper")

    out = render(report, format)

    def present(value: str) -> bool:
        # A whole token: "e063" may well occur inside a hex digest by chance.
        return re.search(rf"(?<![\w.-]){re.escape(value)}(?![\w.-])", out) is not None

    for record in raw:
        assert not present(record["case_id"])
        assert not present(record["event_id"])
        if "actor" in record:
            assert not present(record["actor"])
    assert pseudonym("case", "A-006", "pepper") in out
    assert report.redacted


def test_redacted_findings_and_cases_are_sorted_by_pseudonym() -> None:
    report = redact(audit(SAMPLE), "pepper")

    assert sorted(c.case_id for c in report.cases) == [c.case_id for c in report.cases]
    assert sorted(f.case_id for f in report.findings) == [f.case_id for f in report.findings]


def test_case_ids_named_in_input_errors_are_redacted(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"case_id": "c1", "activity": "application_received", '
        '"timestamp": "2026-03-02T09:00:00+01:00", "event_id": "e1"}\n'
        '{"case_id": "c1", "activity": "rejected", '
        '"timestamp": "2026-03-03T09:00:00+01:00", "event_id": "e1"}\n',
        encoding="utf-8",
    )
    report = audit(
        path, engine=Engine(rules=[RuleError, IllegalTransition, AcknowledgeApplication])
    )

    redacted = redact(report, "pepper")

    assert report.errors[0].message.startswith("case 'c1': rejected at ")
    assert redacted.errors[0].message.startswith(f"case '{pseudonym('case', 'c1', 'pepper')}': ")


def test_an_empty_salt_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty salt"):
        redact(audit(SAMPLE), "")
