"""``cx-rules import`` and ``cx-rules audit --from`` for Lever, Merge and Odoo, run as a user
runs them."""

from __future__ import annotations

import json
from pathlib import Path

import kit
import pytest

DATA = Path(__file__).parent / "data"
SYSTEMS = {
    "lever": (sorted((DATA / "lever").iterdir()), "lever.golden.jsonl"),
    "merge": (sorted((DATA / "merge").iterdir()), "merge.golden.jsonl"),
    "odoo": (sorted((DATA / "odoo" / "api").iterdir()), "odoo-api.golden.jsonl"),
}
COUNTS = {
    "lever": "imported 21 events from 4 files of lever to {out}; 5 input errors, 3 warnings, "
    "15 records skipped, 2 partial cases",
    "merge": "imported 18 events from 7 files of merge to {out}; 5 input errors, 3 warnings, "
    "13 records skipped, 2 partial cases",
    "odoo": "imported 17 events from 4 files of odoo to {out}; 4 input errors, 1 warnings, "
    "12 records skipped, 1 partial cases",
}
SECRETS = ("Dear candidate", "Dear Freja", "Kubernetes", "parking", "PostgreSQL", "Shane")


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_import_writes_the_golden_log(system: str, tmp_path: Path) -> None:
    files, golden = SYSTEMS[system]
    out = tmp_path / "log.jsonl"
    result = kit.cli("import", system, *map(str, files), "-o", str(out))

    assert (result.returncode, result.stdout) == (0, "")
    assert out.read_text("utf-8") == (DATA / golden).read_text("utf-8")
    assert result.stderr.splitlines()[-1] == "cx-rules: " + COUNTS[system].format(out=out)
    for secret in SECRETS:
        assert secret not in result.stderr


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_audit_from_the_system_reports_what_it_cannot_say(system: str) -> None:
    files, _ = SYSTEMS[system]
    result = kit.cli("audit", "--from", system, "--format", "json", *map(str, files))

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"]["system"] == system
    assert data["source"]["not_recorded"]
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    text = kit.cli("audit", "--from", system, *map(str, files))
    assert f"\nSource: {system} export\n" in text.stdout


def test_the_odoo_spreadsheet_export_audits_from_the_command_line() -> None:
    pytest.importorskip("openpyxl")
    files = sorted(str(p) for p in (DATA / "odoo" / "export").iterdir())
    result = kit.cli("audit", "--from", "odoo", "--format", "json", *files)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["input"]["events"] == 8
    violated = {(f["case_id"], f["code"]) for f in data["findings"] if f["outcome"] == "violated"}
    assert violated == {("53", "CX401")}


def test_import_list_names_the_new_systems() -> None:
    result = kit.cli("import", "--list")

    assert result.returncode == 0
    for line in ("lever: Lever\n", "merge: Merge (unified ATS API)\n", "odoo: Odoo Recruitment\n"):
        assert line in result.stdout
    assert "    interview_held: Odoo's calendar holds meetings as planned" in result.stdout
