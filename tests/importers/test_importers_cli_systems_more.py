"""``cx-rules import`` and ``cx-rules audit --from`` for SmartRecruiters, Teamtailor and
Workable, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import kit
import pytest

from cx_rules.report import json_schema

DATA = Path(__file__).parent / "data"

# system: (events, files, input errors, warnings, records skipped, partial cases, rules the
# source cannot feed, a message text or name that must never be printed)
EXPECTED = {
    "smartrecruiters": (25, 3, 5, 3, 4, 2, 16, "@"),
    "teamtailor": (11, 3, 2, 3, 10, 3, 14, "warehouse team"),
    "workable": (16, 3, 2, 3, 12, 2, 14, "Thanks for applying"),
}


def _files(system: str) -> list[str]:
    return sorted(str(p) for p in (DATA / system).iterdir())


@pytest.mark.parametrize("system", sorted(EXPECTED))
def test_import_writes_the_golden_log_and_counts_on_stderr(system: str, tmp_path: Path) -> None:
    events, files, errors, warnings, skipped, partial, _, _ = EXPECTED[system]
    out = tmp_path / "log.jsonl"
    result = kit.cli("import", system, *_files(system), "-o", str(out))

    assert (result.returncode, result.stdout) == (0, "")
    assert out.read_text("utf-8") == (DATA / f"{system}.golden.jsonl").read_text("utf-8")
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        f"cx-rules: imported {events} events from {files} files of {system} to {out}; "
        f"{errors} input errors, {warnings} warnings, {skipped} records skipped, "
        f"{partial} partial cases"
    )
    assert sum(line.startswith("cx-rules: input error: ") for line in lines) == errors
    assert sum(line.startswith("cx-rules: warning: ") for line in lines) == warnings


@pytest.mark.parametrize("system", sorted(EXPECTED))
def test_audit_from_the_system_says_what_it_cannot(system: str) -> None:
    *_, not_recorded, secret = EXPECTED[system]
    result = kit.cli("audit", "--from", system, *_files(system))

    assert result.returncode == 0, result.stderr
    assert f"\nSource: {system} export\n" in result.stdout
    assert (
        f"  Not recorded by this source ({not_recorded} rules, every check unknown):\n"
        in result.stdout
    )
    assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize("system", sorted(EXPECTED))
def test_the_json_report_validates_and_is_the_same_twice(system: str) -> None:
    first = kit.cli("audit", "--from", system, "--format", "json", *_files(system))
    second = kit.cli("audit", "--from", system, "--format", "json", *_files(system))
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    assert data["source"]["system"] == system
    assert first.stdout == second.stdout


def test_import_list_names_every_system_with_its_coverage() -> None:
    result = kit.cli("import", "--list")
    assert (result.returncode, result.stderr) == (0, "")
    for line in (
        "smartrecruiters: SmartRecruiters (Customer API)\n",
        "teamtailor: Teamtailor (JSON:API)\n",
        "workable: Workable (API v3)\n",
        "    screening_started: changed-stage-at is the time of the last stage change only",
        "    rejected.reason: the status history does not return the rejection reason\n",
    ):
        assert line in result.stdout
