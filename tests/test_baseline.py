"""Baselines and diffs: fingerprints that survive a re-export, --baseline, cx-rules diff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import Event, Policy, audit
from cx_rules.io import write_jsonl
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.report import Report, compare, fingerprint, json_schema, load_listed, to_json
from cx_rules.testing.strategies import logs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _records() -> list[dict[str, object]]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]


def _reexport(tmp_path: Path, *, ids: bool) -> Path:
    """The sample as another system would export it again: the records in reverse order,
    every time in UTC, and (``ids`` false) without event ids."""
    rows = []
    for record in reversed(_records()):
        moment = datetime.fromisoformat(str(record["timestamp"])).astimezone(UTC)
        record["timestamp"] = moment.isoformat().replace("+00:00", "Z")
        if not ids:
            record.pop("event_id", None)
        rows.append(json.dumps(record))
    path = tmp_path / f"reexport-{ids}.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("ids", [True, False])
def test_fingerprints_survive_a_reexport(tmp_path: Path, ids: bool) -> None:
    before = audit(SAMPLE if ids else _no_ids(tmp_path))
    after = audit(_reexport(tmp_path, ids=ids))

    assert before.findings  # the sample has findings to match
    assert sorted(map(fingerprint, before.findings)) == sorted(map(fingerprint, after.findings))


def _no_ids(tmp_path: Path) -> Path:
    rows = []
    for record in _records():
        record.pop("event_id", None)
        rows.append(json.dumps(record))
    path = tmp_path / "no-ids.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_fingerprints_tell_cases_rules_and_anchors_apart() -> None:
    report = audit(SAMPLE)
    prints = [fingerprint(f) for f in report.findings]

    keys = {(f.case_id, f.code, f.outcome, f.evidence[:1]) for f in report.findings}
    assert len(set(prints)) == len(keys)


def test_compare_marks_new_and_persisting_and_lists_the_fixed(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(to_json(audit(SAMPLE)), encoding="utf-8")
    # The later export: case A-004 is gone (its findings fixed), the rest unchanged.
    later = tmp_path / "later.jsonl"
    later.write_text(
        "".join(json.dumps(r) + "\n" for r in _records() if r["case_id"] != "A-004"),
        encoding="utf-8",
    )
    report = audit(later)
    baseline = load_listed(old)

    marked = compare(report, baseline.findings, file=str(old), score=baseline.score)

    assert set(marked.statuses) == {"persisting"}
    assert {f.case_id for f in marked.fixed} == {"A-004"}
    counts = marked.counts(report)
    assert counts["new"] == 0
    assert counts["fixed"] >= 1
    # And the other way round: A-004's findings are new against the later baseline.
    reverse_base = tmp_path / "later.json"
    reverse_base.write_text(to_json(report), encoding="utf-8")
    full = audit(SAMPLE)
    reverse = compare(full, load_listed(reverse_base).findings, file="later.json")
    new = {f.case_id for f, s in zip(full.findings, reverse.statuses, strict=True) if s == "new"}
    assert new == {"A-004"}
    assert reverse.fixed == ()


def test_the_cli_baseline_gates_on_new_violations_only(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    assert (
        _cli("audit", str(SAMPLE), "--format", "json", "-o", str(old), cwd=tmp_path).returncode == 0
    )

    same = _cli(
        "audit",
        str(SAMPLE),
        "--baseline",
        str(old),
        "--fail-on",
        "info",
        "--format",
        "json",
        cwd=tmp_path,
    )
    plain = _cli("audit", str(SAMPLE), "--fail-on", "info", "--format", "csv", cwd=tmp_path)

    assert plain.returncode == 1
    assert same.returncode == 0, same.stderr
    data = json.loads(same.stdout)
    jsonschema.validate(data, json_schema())
    assert {f["baseline"] for f in data["findings"]} == {"persisting"}
    assert data["baseline"]["new"] == 0
    assert data["baseline"]["fixed"] == 0
    assert data["baseline"]["file"] == str(old)
    assert "0 new" in same.stderr


def test_a_new_violation_fails_the_gate(tmp_path: Path) -> None:
    later = tmp_path / "later.jsonl"
    later.write_text(
        "".join(json.dumps(r) + "\n" for r in _records() if r["case_id"] != "A-004"),
        encoding="utf-8",
    )
    old = tmp_path / "old.json"
    _cli("audit", str(later), "--format", "json", "-o", str(old), cwd=tmp_path)

    result = _cli(
        "audit",
        str(SAMPLE),
        "--baseline",
        str(old),
        "--fail-on",
        "warning",
        "--format",
        "sarif",
        cwd=tmp_path,
    )

    assert result.returncode == 1
    states = {r.get("baselineState") for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert states == {"new", "unchanged"}
    assert "--fail-on warning:" in result.stderr
    assert "new violations" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "is not JSON"),
        ('{"schema": "cx-rules.report/0", "findings": []}', "schema 'cx-rules.report/0'"),
        ('{"rows": []}', "is not a cx-rules report (no 'schema' key)"),
        ('{"schema": "cx-rules.report/1", "findings": [{"code": 1}]}', "not a valid"),
        ("[1, 2]", "is not a cx-rules report"),
    ],
)
def test_a_bad_baseline_exits_2_with_one_line(tmp_path: Path, text: str, expected: str) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text(text, encoding="utf-8")

    for args in (("audit", str(SAMPLE), "--baseline", str(bad)), ("diff", str(bad), str(bad))):
        result = _cli(*args, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith(f"cx-rules: error: {bad}: ")
        assert expected in line


def test_diff_says_what_changed(tmp_path: Path) -> None:
    later = tmp_path / "later.jsonl"
    later.write_text(
        "".join(json.dumps(r) + "\n" for r in _records() if r["case_id"] != "A-004"),
        encoding="utf-8",
    )
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    _cli("audit", str(SAMPLE), "--format", "json", "-o", str(old), cwd=tmp_path)
    _cli("audit", str(later), "--format", "json", "-o", str(new), cwd=tmp_path)

    text = _cli("diff", "old.json", "new.json", cwd=tmp_path)
    data = json.loads(_cli("diff", "old.json", "new.json", "--format", "json", cwd=tmp_path).stdout)
    back = _cli("diff", "new.json", "old.json", "--fail-on", "warning", cwd=tmp_path)

    old_report = json.loads(old.read_text(encoding="utf-8"))
    fixed = sum(
        1 for f in old_report["findings"] if f["outcome"] == "violated" and f["case_id"] == "A-004"
    )
    assert text.returncode == 0
    assert data["violations"] == {
        "new": 0,
        "fixed": fixed,
        "persisting": sum(1 for f in old_report["findings"] if f["outcome"] == "violated") - fixed,
    }
    assert data["old"] == {"file": "old.json", "score": old_report["score"]}
    assert text.stdout.splitlines()[2] == (
        f"Violations: 0 new, {fixed} fixed, {data['violations']['persisting']} persisting"
    )
    assert back.returncode == 1  # A-004's violations are new the other way round
    assert sum(r["new"] for r in data["rules"]) == 0


def test_redacted_reports_compare_with_a_baseline_redacted_with_the_same_salt(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.json"
    salt = ("--redact", "--salt", "pepper")
    _cli("audit", str(SAMPLE), *salt, "--format", "json", "-o", str(old), cwd=tmp_path)

    same = _cli(
        "audit", str(SAMPLE), *salt, "--baseline", str(old), "--format", "json", cwd=tmp_path
    )
    other = _cli(
        "audit",
        str(SAMPLE),
        "--redact",
        "--salt",
        "salt",
        "--baseline",
        str(old),
        "--format",
        "json",
        cwd=tmp_path,
    )

    assert {f["baseline"] for f in json.loads(same.stdout)["findings"]} == {"persisting"}
    assert {f["baseline"] for f in json.loads(other.stdout)["findings"]} == {"new"}


def test_a_report_compared_with_a_baseline_is_not_redacted_after() -> None:
    from cx_rules.report import redact

    report = audit(SAMPLE)
    marked = attrs.evolve(report, baseline=compare(report, [], file="none.json"))

    with pytest.raises(ValueError, match="redact a report before comparing it"):
        redact(marked, "pepper")


# Absence judged as a violation: leaving a case out must not make a rule "not recorded in
# this log" (unknown) for the other cases, which would move their findings.
_JUDGED = Policy(
    rules={
        code: {"absence_is_violation": True}
        for code in collect_rules(plugin_manager(autoload=False))
    }
)


def _audited(events: list[Event], folder: str, name: str, as_of: datetime) -> tuple[Report, Path]:
    log = Path(folder, f"{name}.jsonl")
    write_jsonl(events, log)
    report = audit(log, as_of=as_of, policy=_JUDGED)
    saved = Path(folder, f"{name}.json")
    saved.write_text(to_json(report), encoding="utf-8")
    return report, saved


@settings(max_examples=15, deadline=None)
@given(logs().filter(bool), st.data())
def test_a_case_left_out_is_exactly_what_is_new_and_fixed(
    events: list[Event], data: st.DataObject
) -> None:
    left_out = data.draw(st.sampled_from(sorted({e.case_id for e in events})))
    # One cut-off for both: the other cases' deadlines must not move with the left-out one.
    as_of = max(e.timestamp for e in events)
    rest = [e for e in events if e.case_id != left_out]
    with tempfile.TemporaryDirectory() as folder:
        whole, whole_json = _audited(events, folder, "whole", as_of)
        part, part_json = _audited(rest, folder, "part", as_of)

        itself = compare(whole, load_listed(whole_json).findings, file="whole.json")
        grown = compare(whole, load_listed(part_json).findings, file="part.json")
        shrunk = compare(part, load_listed(whole_json).findings, file="whole.json")

    assert set(itself.statuses) <= {"persisting"}
    assert itself.fixed == ()
    new = [f for f, s in zip(whole.findings, grown.statuses, strict=True) if s == "new"]
    assert new == [f for f in whole.findings if f.case_id == left_out]
    assert grown.fixed == ()
    assert set(shrunk.statuses) <= {"persisting"}
    assert sorted(f.fingerprint for f in shrunk.fixed) == sorted(map(fingerprint, new))
