"""The machine formats, validated against their published schemas (vendored in
``tests/data/schemas/``): SARIF 2.1.0 with jsonschema, JUnit XML with xmlschema."""

from __future__ import annotations

import io
import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
import xmlschema

from cx_rules import audit
from cx_rules.report import FORMATS, compare, fingerprint, render, write
from cx_rules.report.baseline import FINGERPRINT_KEY

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"
SCHEMAS = ROOT / "tests" / "data" / "schemas"
SARIF = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
JUNIT = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
REPORT = audit(SAMPLE)


def _hostile(tmp_path: Path) -> Path:
    # Ids with characters XML cannot hold, markup, quotes and a lone surrogate.
    lines = [
        {
            "case_id": "c<1>&\"'\x1b",
            "activity": "application_received",
            "timestamp": "2026-03-02T10:00:00+01:00",
            "job_id": "J\u2603",
        },
        {
            "case_id": "c<1>&\"'\x1b",
            "activity": "rejected",
            "event_id": "e\ud800",
            "timestamp": "2026-03-20T10:00:00+01:00",
            "channel": "email",
        },
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_formats_are_registered() -> None:
    assert {"junit", "sarif"} <= set(FORMATS)


@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_sarif_validates_against_the_oasis_schema(tmp_path: Path, name: str) -> None:
    report = REPORT if name == "sample" else audit(_hostile(tmp_path))

    data = json.loads(render(report, "sarif"))

    jsonschema.validate(data, SARIF)
    (run,) = data["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    assert rules[0]["helpUri"].endswith(f"rules/generated/{rules[0]['id']}.html")
    assert len(run["results"]) == len(report.findings)
    for result, finding in zip(run["results"], report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        assert result["partialFingerprints"] == {FINGERPRINT_KEY: fingerprint(finding)}
        expected = {"error": "error", "warning": "warning", "info": "note"}[finding.severity]
        if finding.outcome == "unknown":
            assert (result["kind"], result["level"]) == ("review", "none")
        else:
            assert (result["kind"], result["level"]) == ("fail", expected)


def test_sarif_with_a_baseline_validates_and_marks_states() -> None:
    half = REPORT.findings[: len(REPORT.findings) // 2]
    import attrs

    from cx_rules.report.baseline import Listed

    earlier = [Listed(fingerprint(f), f.case_id, f.code, f.severity, f.outcome) for f in half]
    gone = Listed("0" * 32, "Z-1", "CX401", REPORT.findings[0].severity, REPORT.findings[0].outcome)
    report = attrs.evolve(REPORT, baseline=compare(REPORT, [*earlier, gone], file="b.json"))

    data = json.loads(render(report, "sarif"))

    jsonschema.validate(data, SARIF)
    states = [r["baselineState"] for r in data["runs"][0]["results"]]
    assert states == ["unchanged"] * len(half) + ["new"] * (len(REPORT.findings) - len(half)) + [
        "absent"
    ]


@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_junit_validates_against_the_jenkins_schema(tmp_path: Path, name: str) -> None:
    report = REPORT if name == "sample" else audit(_hostile(tmp_path))

    text = render(report, "junit")

    JUNIT.validate(text)
    root = ElementTree.fromstring(text.encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(report.rules) == int(root.get("tests", "-1"))
    by_code = {c.get("name", "").split()[0]: c for c in cases}
    for rule in report.rules:
        case = by_code[rule.code]
        if rule.tally.violated:
            (failure,) = case.findall("failure")
            assert f"{rule.tally.violated} of {rule.tally.judged} checks violated" in (
                failure.get("message", "")
            )
        elif not rule.tally.passed:
            assert case.find("skipped") is not None
        else:
            assert case.find("failure") is None
            assert case.find("skipped") is None
    assert int(root.get("failures", "-1")) == sum(1 for r in report.rules if r.tally.violated)


def test_junit_skips_a_rule_that_judged_only_unknowns(tmp_path: Path) -> None:
    # A rejection after an interview without a channel: CX102 cannot tell the channel.
    log = tmp_path / "log.jsonl"
    lines = [
        ("application_received", "2026-03-02T10:00:00+01:00", {}),
        ("interview_scheduled", "2026-03-03T10:00:00+01:00", {"interview_id": "i1"}),
        ("interview_held", "2026-03-09T10:00:00+01:00", {"interview_id": "i1"}),
        ("rejected", "2026-03-10T10:00:00+01:00", {"reason": "skills"}),
    ]
    log.write_text(
        "".join(
            json.dumps({"case_id": "c1", "activity": a, "timestamp": t, **x}) + "\n"
            for a, t, x in lines
        ),
        encoding="utf-8",
    )
    report = audit(log)
    unknown_only = [r for r in report.rules if r.tally.unknown and not r.tally.judged]
    assert unknown_only  # the log is built to leave a rule unknown

    root = ElementTree.fromstring(render(report, "junit").encode("utf-8"))

    for rule in unknown_only:
        (case,) = [c for c in root.iter("testcase") if c.get("name", "").startswith(rule.code)]
        skipped = case.find("skipped")
        assert skipped is not None
        assert skipped.get("message", "").startswith(f"{rule.tally.unknown} checks unknown")


@pytest.mark.parametrize("format", ["junit", "sarif"])
def test_writers_write_what_render_returns(format: str) -> None:
    out = io.StringIO()
    write(REPORT, out, format)
    assert out.getvalue() == render(REPORT, format)
    assert render(audit(SAMPLE), format) == render(REPORT, format)  # deterministic


def test_json_with_a_baseline_streams_as_it_renders_and_validates() -> None:
    import attrs
    import jsonschema as js

    from cx_rules.report import json_schema, to_json
    from cx_rules.report.baseline import Listed

    first = REPORT.findings[0]
    earlier = [Listed(fingerprint(first), first.case_id, first.code, first.severity, first.outcome)]
    report = attrs.evolve(REPORT, baseline=compare(REPORT, earlier, file="b.json", score=50.0))
    out = io.StringIO()

    write(report, out, "json")

    assert out.getvalue() == to_json(report)
    data = json.loads(out.getvalue())
    js.validate(data, json_schema())
    assert [f["baseline"] for f in data["findings"]] == ["persisting"] + ["new"] * (
        len(REPORT.findings) - 1
    )
    assert data["baseline"]["score"] == 50.0
