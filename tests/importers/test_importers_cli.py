"""``cx-rules import`` and ``cx-rules audit --from``, run as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import kit

from cx_rules.report import json_schema

DATA = Path(__file__).parent / "data"
DUMP = DATA / "greenhouse"
FILES = [str(p) for p in sorted(DUMP.iterdir()) if p.suffix in (".json", ".jsonl")] + [
    str(DUMP / "application_history.csv")
]


def test_import_writes_the_canonical_log_and_reports_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "log.jsonl"
    result = kit.cli("import", "greenhouse", *FILES, "-o", str(out))

    assert (result.returncode, result.stdout) == (0, "")
    assert out.read_text("utf-8") == (DATA / "greenhouse.golden.jsonl").read_text("utf-8")
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        f"cx-rules: imported 23 events from 8 files of greenhouse to {out}; 5 input errors, "
        "4 warnings, 13 records skipped, 1 partial cases"
    )
    assert sum(line.startswith("cx-rules: input error: ") for line in lines) == 5
    assert sum(line.startswith("cx-rules: warning: ") for line in lines) == 4
    # Message bodies are in the log for the analysers, never on the terminal.
    assert "Dear candidate" in out.read_text("utf-8")
    assert "Dear candidate" not in result.stderr


def test_import_list_names_the_systems_and_their_coverage() -> None:
    result = kit.cli("import", "--list")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("greenhouse: Greenhouse (Harvest API)\n")
    assert "  activities: application_received, interview_held, " in result.stdout
    assert (
        "    interview_held.started_at: no ATS records when an interview really started"
        in result.stdout
    )


def test_audit_from_a_system_reports_what_it_cannot_say() -> None:
    result = kit.cli("audit", "--from", "greenhouse", *FILES)

    assert result.returncode == 0, result.stderr
    assert "\nSource: greenhouse export\n" in result.stdout
    assert "  Not recorded by this source (9 rules, every check unknown):\n" in result.stdout
    assert "  Partial traces: 1 case\n" in result.stdout
    assert "Dear candidate" not in result.stdout + result.stderr


def test_audit_from_a_system_as_json_validates(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = kit.cli("audit", "--from", "greenhouse", "--format", "json", "-o", str(out), *FILES)

    assert (result.returncode, result.stderr) == (0, "")
    data = json.loads(out.read_text("utf-8"))
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    assert data["source"]["system"] == "greenhouse"
    assert data["input"]["rejected"] == 5


def test_the_same_export_gives_the_same_report_byte_for_byte() -> None:
    first = kit.cli("audit", "--from", "greenhouse", "--format", "json", *FILES)
    second = kit.cli("audit", "--from", "greenhouse", "--format", "json", *reversed(FILES))
    assert first.returncode == 0
    # The files' order changes the input list, not the findings.
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["findings"] == two["findings"]
    assert one["rules"] == two["rules"]


def test_an_unknown_system_exits_2_naming_the_known_ones() -> None:
    result = kit.cli("import", "nosuch", *FILES, "-o", "x.jsonl")
    assert result.returncode == 2
    assert re.match(
        r"cx-rules: error: no importer for 'nosuch' \(known systems: ([a-z-]+, )*greenhouse[,;]",
        result.stderr,
    )
    audit = kit.cli("audit", "--from", "nosuch", *FILES)
    assert audit.returncode == 2
    assert "no importer for 'nosuch'" in audit.stderr


def test_import_needs_an_output_file_and_inputs(tmp_path: Path) -> None:
    result = kit.cli("import", "greenhouse", *FILES)
    assert (result.returncode, result.stderr) == (
        2,
        "cx-rules: error: import needs --output FILE: the log keeps message texts\n",
    )
    bare = kit.cli("import", "greenhouse")
    assert bare.returncode == 2
    assert "import needs a SYSTEM and its INPUT files (or --list)" in bare.stderr


def test_a_file_that_cannot_be_read_exits_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("[{", encoding="utf-8")
    out = tmp_path / "log.jsonl"
    result = kit.cli("import", "greenhouse", str(bad), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith(f"cx-rules: error: {bad}:1: not JSON")
    assert "Traceback" not in result.stderr
    assert not out.exists()
    missing = kit.cli("audit", "--from", "greenhouse", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_import_refuses_an_output_that_is_one_of_its_inputs(tmp_path: Path) -> None:
    copies = []
    for path in FILES:
        copy = tmp_path / Path(path).name
        copy.write_bytes(Path(path).read_bytes())
        copies.append(str(copy))
    before = Path(copies[0]).read_bytes()

    result = kit.cli("import", "greenhouse", *copies, "-o", copies[0])

    assert result.returncode == 2
    assert (
        result.stderr
        == f"cx-rules: error: {copies[0]}: is one of the inputs; name another --output FILE\n"
    )
    assert Path(copies[0]).read_bytes() == before


def test_an_imported_log_audited_with_its_source_is_judged_as_the_export_is(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.jsonl"
    assert kit.cli("import", "greenhouse", *FILES, "-o", str(log)).returncode == 0

    kept = json.loads(
        kit.cli("audit", "--source", "greenhouse", "--format", "json", str(log)).stdout
    )
    direct = json.loads(kit.cli("audit", "--from", "greenhouse", "--format", "json", *FILES).stdout)
    plain = json.loads(kit.cli("audit", "--format", "json", str(log)).stdout)

    assert kept["source"]["system"] == "greenhouse"
    assert kept["source"]["not_recorded"] == direct["source"]["not_recorded"]
    unfed = set(kept["source"]["not_recorded"])
    judged = {f["code"] for f in kept["findings"] if f["outcome"] in ("violated", "passed")}
    assert not judged & unfed
    # Without --source, what the log itself never holds is "not recorded in this log": no
    # rule is violated for it either.
    assert set(plain["not_recorded"]) & unfed
    violated = {f["code"] for f in plain["findings"] if f["outcome"] == "violated"}
    assert not violated & set(plain["not_recorded"])
    both = kit.cli("audit", "--source", "greenhouse", "--from", "greenhouse", *FILES)
    assert both.returncode == 2
    assert "--source names where a log came from" in both.stderr
