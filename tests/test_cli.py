"""The command line, run as a user runs it and in-process through ``main``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cx_rules import __version__
from cx_rules.cli import main
from cx_rules.report import FORMATS, SALT_ENV, pseudonym

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"
BROKEN = ROOT / "tests" / "data" / "audit" / "broken.jsonl"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in (SALT_ENV, "NO_COLOR")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def test_audit_of_the_sample_prints_a_report_and_exits_0() -> None:
    result = _cli("audit", str(SAMPLE))

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("cx-rules audit as of 2026-05-12T10:00:00+02:00\n")
    assert "\nScore: " in result.stdout
    assert "\033[" not in result.stdout  # not a terminal: no colour


def test_json_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"

    result = _cli("audit", str(SAMPLE), "--format", "json", "--output", str(out))

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["schema"], data["input"]["cases"]) == ("cx-rules.report/1", 16)


@pytest.mark.parametrize(
    ("fail_on", "status"),
    [("error", 1), ("warning", 1), ("info", 1)],
)
def test_fail_on_exits_1_when_a_violation_is_that_severe(fail_on: str, status: int) -> None:
    result = _cli("audit", str(SAMPLE), "--fail-on", fail_on, "--format", "csv")

    assert status == result.returncode
    assert result.stdout.startswith("section,case_id,job_id,actor,code,")


def test_fail_on_ignores_milder_violations(tmp_path: Path) -> None:
    # One late acknowledgement: a warning, so --fail-on error passes and warning fails.
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"case_id": "c1", "activity": "application_received", '
        '"timestamp": "2026-03-02T09:00:00+01:00"}\n'
        '{"case_id": "c1", "activity": "application_acknowledged", '
        '"timestamp": "2026-03-09T09:00:00+01:00"}\n',
        encoding="utf-8",
    )
    policy = tmp_path / "policy.toml"
    policy.write_text('select = ["CX401"]\n', encoding="utf-8")

    assert main(["audit", str(log), "--policy", str(policy), "--fail-on", "error"]) == 0
    assert main(["audit", str(log), "--policy", str(policy), "--fail-on", "warning"]) == 1


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = _cli("audit", str(tmp_path / "absent.jsonl"))

    assert result.returncode == 2
    assert result.stdout == ""
    assert [
        f"cx-rules: error: {tmp_path / 'absent.jsonl'}: no such file; expected an event log"
    ] == (result.stderr.splitlines())


def test_bad_policy_exits_2(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")

    result = _cli("audit", str(SAMPLE), "--policy", str(policy))

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"cx-rules: error: {policy}: timezone:")


def test_bad_mapping_exits_2(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("[nonsense]\n", encoding="utf-8")

    result = _cli("audit", str(SAMPLE), "--map", str(mapping))

    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert str(mapping) in result.stderr


def test_strict_exits_2_at_the_first_bad_record() -> None:
    result = _cli("audit", str(BROKEN), "--strict")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"cx-rules: error: {BROKEN}:3: not valid JSON")


def test_without_strict_bad_records_are_reported_not_fatal() -> None:
    result = _cli("audit", str(BROKEN), "--format", "json")

    assert result.returncode == 0
    assert json.loads(result.stdout)["input"]["rejected"] == 8


def test_as_of_needs_a_zone() -> None:
    result = _cli("audit", str(SAMPLE), "--as-of", "2026-06-01")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cx-rules: error: --as-of: '2026-06-01' has no time zone; give an offset, "
        "e.g. 2026-06-01T00:00:00+02:00"
    ]


def test_as_of_moves_the_cut_off() -> None:
    result = _cli("audit", str(SAMPLE), "--as-of", "2026-06-01T00:00:00+02:00", "--format", "json")

    assert result.returncode == 0
    assert json.loads(result.stdout)["as_of"] == "2026-06-01T00:00:00+02:00"


def test_redact_needs_a_salt_and_takes_it_from_the_environment() -> None:
    refused = _cli("audit", str(SAMPLE), "--redact")
    from_env = _cli("audit", str(SAMPLE), "--redact", "--format", "json", env={SALT_ENV: "pepper"})
    from_flag = _cli("audit", str(SAMPLE), "--redact", "--format", "json", "--salt", "pepper")

    assert refused.returncode == 2
    assert [
        f"cx-rules: error: --redact needs a salt: give --salt or set {SALT_ENV}"
    ] == refused.stderr.splitlines()
    assert (from_env.returncode, from_flag.returncode) == (0, 0)
    assert from_env.stdout == from_flag.stdout
    assert pseudonym("case", "A-001", "pepper") in from_env.stdout
    assert '"A-001"' not in from_env.stdout


def test_group_by_adds_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["audit", str(SAMPLE), "--group-by", "job_id"])

    out = capsys.readouterr().out
    assert status == 0
    assert "\nBy job_id\n  job_id  candidates  score" in out
    for job in ("J-101", "J-102", "J-103"):
        assert f"\n  {job} " in out


def test_output_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    result = _cli("audit", str(SAMPLE), "--output", str(tmp_path / "no" / "such" / "dir.txt"))

    assert result.returncode == 2
    assert result.stderr.startswith("cx-rules: error: ")
    assert "cannot write the report" in result.stderr


@pytest.mark.parametrize("format", ["text", "json", "csv", "html"])
def test_main_writes_every_format_to_the_given_stream(format: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with out.open("w", encoding="utf-8") as stream:
        status = main(["audit", str(SAMPLE), "--format", format], stdout=stream)

    assert status == 0
    assert out.stat().st_size > 1000


def test_the_cli_lists_what_the_report_package_knows() -> None:
    # The CLI keeps its own copies so that --help never imports the report package.
    from cx_rules import cli

    # --group-by takes any attribute: the CLI keeps no list of keys.
    assert (tuple(FORMATS), SALT_ENV) == (cli._FORMATS, cli._SALT_ENV)


def test_the_older_commands_still_work() -> None:
    version = _cli("--version")
    rules = _cli("rules")
    rule = _cli("rule", "CX401")
    missing = _cli("rule", "CX999")

    assert (0, f"cx-rules {__version__}\n") == (version.returncode, version.stdout)
    assert rules.returncode == 0
    assert "CX401  acknowledge-application" in rules.stdout
    assert (rule.returncode, rule.stdout.splitlines()[0]) == (0, "# CX401 acknowledge-application")
    assert (missing.returncode, missing.stdout) == (2, "")


def test_usage_errors_exit_2() -> None:
    result = _cli("audit", str(SAMPLE), "--format", "pdf")

    assert result.returncode == 2
    assert result.stderr.startswith(
        "cx-rules: error: --format: unknown format 'pdf' (expected one of text, json, csv, html"
    )


def test_help_does_not_import_the_report_machinery() -> None:
    code = (
        "import sys\n"
        "from cx_rules.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('cx_rules.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )

    loaded = result.stdout.splitlines()[-1]
    assert "cx_rules.report" not in loaded
    assert "cx_rules.auditing" not in loaded
