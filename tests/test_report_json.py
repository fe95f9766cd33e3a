"""The JSON report: its schema, exact content and byte-for-byte determinism."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cx_rules import Engine, Outcome, Policy, Severity
from cx_rules.auditing import audit
from cx_rules.io.records import InputError
from cx_rules.report import (
    SCHEMA,
    Evidence,
    InputSummary,
    Report,
    ReportFinding,
    Tally,
    json_schema,
    redact,
    report_dict,
    to_json,
)
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"
VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def _valid(data: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_the_schema_is_shipped_in_the_package_and_is_itself_valid() -> None:
    text = resources.files("cx_rules.report").joinpath("report-1.schema.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == SCHEMA


@pytest.mark.parametrize("group_by", [None, "job_id", "actor", "month"])
def test_sample_reports_match_the_schema(group_by: str | None) -> None:
    report = audit(SAMPLE, group_by=group_by)

    _valid(json.loads(to_json(report)))
    _valid(json.loads(to_json(redact(report, "pepper"))))


def test_a_report_with_errors_matches_the_schema() -> None:
    report = audit(ROOT / "tests" / "data" / "audit" / "broken.jsonl")

    data = json.loads(to_json(report))

    _valid(data)
    assert {"file": report.errors[0].file, "line": 3, "element": None} == {
        k: data["errors"][0][k] for k in ("file", "line", "element")
    }


def test_a_waived_finding_and_an_xml_error_match_the_schema() -> None:
    at = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
    report = Report(
        as_of=at,
        input=InputSummary(files=("log.xes",), lines=2, events=1, cases=1, rejected=1),
        score=None,
        tally=Tally(waived=1),
        rules=(),
        practices=(),
        cases=(),
        findings=(
            ReportFinding(
                case_id="c1",
                code="CX104",
                name="no-ghosting",
                practice="communication",
                severity=Severity.ERROR,
                outcome=Outcome.WAIVED,
                message="m",
                at=at,
                due=at,
                missing=None,
                evidence=(Evidence("application_received", at),),
                waived_by="waiver 1 (CX104 for c1, until 2026-06-30): parental leave",
            ),
        ),
        errors=(InputError("log.xes", None, "no timestamp", element="trace 1, event 2"),),
    )

    data = report_dict(report)

    _valid(data)
    assert data["findings"][0]["outcome"] == "waived"
    assert {k: data["errors"][0][k] for k in ("file", "line", "element")} == {
        "file": "log.xes",
        "line": None,
        "element": "trace 1, event 2",
    }


def test_json_is_the_same_bytes_every_time_with_a_fixed_key_order() -> None:
    first = to_json(audit(SAMPLE))
    second = to_json(audit(SAMPLE))

    assert first == second
    assert first.endswith("}\n")
    assert list(json.loads(first)) == [
        "schema",
        "as_of",
        "redacted",
        "policy",
        "calendar",
        "input",
        "coverage",
        "not_recorded",
        "score",
        "passed",
        "violated",
        "unknown",
        "pending",
        "waived",
        "practices",
        "rules",
        "cases",
        "fix_first",
        "group_by",
        "group_keys",
        "groups",
        "min_group",
        "owners",
        "cohorts",
        "benchmarks",
        "findings",
        "errors",
    ]


def test_json_content_of_a_small_audit(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"case_id": "c1", "activity": "application_received", '
        '"timestamp": "2026-03-02T09:00:00+01:00", "job_id": "J1", "event_id": "e1"}\n'
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-09T09:00:00+01:00", '
        '"event_id": "e2", "actor": "ann", "channel": "email", "reason": "private"}\n',
        encoding="utf-8",
    )
    # No acknowledgement anywhere in the log: the policy counts that absence as violated.
    policy = Policy(rules={"CX401": {"absence_is_violation": True}})
    engine = Engine(policy, rules=[RuleError, IllegalTransition, AcknowledgeApplication])

    data = json.loads(to_json(audit(path, engine=engine)))

    assert {
        "files": [str(path)],
        "lines": 2,
        "events": 2,
        "duplicates": 0,
        "cases": 1,
        "rejected": 0,
        "unmapped": 0,
        "unmapped_activities": {},
        "after_as_of": 0,
        "skipped": {},
    } == data["input"]
    assert (data["as_of"], data["score"]) == ("2026-03-09T09:00:00+01:00", 60.0)
    assert data["rules"][2] == {
        "code": "CX401",
        "name": "acknowledge-application",
        "practice": "experience",
        "severity": "warning",
        "passed": 0,
        "violated": 1,
        "unknown": 0,
        "pending": 0,
        "waived": 0,
        "compliance": 0.0,
        "candidates": 1,
        "not_recorded": None,
    }
    assert data["findings"] == [
        {
            "case_id": "c1",
            "code": "CX401",
            "name": "acknowledge-application",
            "practice": "experience",
            "severity": "warning",
            "outcome": "violated",
            "message": "application acknowledged within 2 business days: done 5d late "
            "(due 2026-03-04T08:00:00+00:00, done 2026-03-09T09:00:00+01:00)",
            "at": "2026-03-09T09:00:00+01:00",
            "due": "2026-03-04T08:00:00+00:00",
            "missing": None,
            "job_id": "J1",
            "actor": "ann",
            "waived_by": None,
            "owner": None,
            "evidence": [
                {
                    "activity": "application_received",
                    "timestamp": "2026-03-02T09:00:00+01:00",
                    "event_id": "e1",
                    "actor": None,
                    "channel": None,
                },
                {
                    "activity": "rejected",
                    "timestamp": "2026-03-09T09:00:00+01:00",
                    "event_id": "e2",
                    "actor": "ann",
                    "channel": "email",
                },
            ],
        }
    ]
    assert data["cases"] == [
        {
            "case_id": "c1",
            "job_id": "J1",
            "state": "rejected",
            "passed": 2,
            "violated": 1,
            "unknown": 0,
            "pending": 0,
            "waived": 0,
            "score": 60.0,
        }
    ]
