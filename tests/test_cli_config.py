"""Configuration found like ruff finds it, run in temporary directories as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cx_rules.config import CONFIG_FILES, choose_policy, find_config

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


def _enabled(result: subprocess.CompletedProcess[str]) -> set[str]:
    assert result.returncode == 0, result.stderr
    return {r["code"] for r in json.loads(result.stdout)["rules"] if r["enabled"]}


def test_a_cx_rules_toml_in_a_parent_directory_is_found(tmp_path: Path) -> None:
    (tmp_path / "cx-rules.toml").write_text('select = ["CX4"]\n', encoding="utf-8")
    work = tmp_path / "audits" / "2026"
    work.mkdir(parents=True)

    result = _cli("rules", "--format", "json", cwd=work)

    assert _enabled(result) == {"CX000", "CX003", *_codes("CX4")}
    assert json.loads(result.stdout)["policy"] == os.path.join("..", "..", "cx-rules.toml")


def _codes(prefix: str) -> set[str]:
    from cx_rules.plugins import collect_rules, plugin_manager

    return {c for c in collect_rules(plugin_manager(autoload=False)) if c.startswith(prefix)}


def test_the_nearest_directory_wins_and_its_files_go_in_ruffs_order(tmp_path: Path) -> None:
    (tmp_path / "cx-rules.toml").write_text('select = ["CX1"]\n', encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.cx-rules]\nselect = ["CX2"]\n')
    (inner / "cx-rules.toml").write_text('select = ["CX3"]\n', encoding="utf-8")
    (inner / ".cx-rules.toml").write_text('select = ["CX5"]\n', encoding="utf-8")

    assert CONFIG_FILES == (".cx-rules.toml", "cx-rules.toml", "pyproject.toml")
    assert find_config(inner) == inner.absolute() / ".cx-rules.toml"
    (inner / ".cx-rules.toml").unlink()
    assert find_config(inner) == inner.absolute() / "cx-rules.toml"
    (inner / "cx-rules.toml").unlink()
    assert find_config(inner) == inner.absolute() / "pyproject.toml"
    assert _enabled(_cli("rules", "--format", "json", cwd=inner)) == {
        "CX000",
        "CX003",
        *_codes("CX2"),
    }


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "cx-rules.toml").write_text('ignore = ["CX5"]\n', encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")

    assert find_config(project) == tmp_path.absolute() / "cx-rules.toml"
    assert not _enabled(_cli("rules", "--format", "json", cwd=project)) & _codes("CX5")


def test_policy_and_no_config_override_what_is_found(tmp_path: Path) -> None:
    (tmp_path / "cx-rules.toml").write_text('select = ["CX4"]\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('select = ["CX1"]\n', encoding="utf-8")

    explicit = _cli("rules", "--format", "json", "--policy", str(other), cwd=tmp_path)
    defaults = _cli("rules", "--format", "json", "--no-config", cwd=tmp_path)

    assert _enabled(explicit) == {"CX000", "CX003", *_codes("CX1")}
    assert json.loads(explicit.stdout)["policy"] == str(other)
    assert _enabled(defaults) == _codes("CX")
    assert json.loads(defaults.stdout)["policy"] is None
    both = _cli("rules", "--policy", str(other), "--no-config", cwd=tmp_path)
    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr


def test_an_audit_runs_with_the_found_policy_and_its_report_says_which(tmp_path: Path) -> None:
    (tmp_path / ".cx-rules.toml").write_text('select = ["CX401"]\n', encoding="utf-8")

    found = _cli("audit", str(SAMPLE), "--format", "json", cwd=tmp_path)
    ignored = _cli("audit", str(SAMPLE), "--format", "json", "--no-config", cwd=tmp_path)

    assert found.returncode == ignored.returncode == 0
    codes = {f["code"] for f in json.loads(found.stdout)["findings"]}
    assert codes <= {"CX000", "CX001", "CX003", "CX401"}
    assert {f["code"] for f in json.loads(ignored.stdout)["findings"]} > codes
    chosen = choose_policy(None, start=tmp_path)
    assert chosen.path == ".cx-rules.toml"  # as the working directory tmp_path sees it
    assert chosen.policy is not None
    assert chosen.policy.select == ("CX401",)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("cx-rules.toml", 'select = ["CX4"]\nbogus = 1\n', "unknown key 'bogus'"),
        ("cx-rules.toml", "[rules.CX401]\nbusiness_days = -3\n", "rules.CX401.business_days"),
        ("pyproject.toml", "[tool.cx-rules\n", "not valid TOML"),
        ("pyproject.toml", '[tool.cx-rules]\ntimezone = "Mars/Base"\n', "timezone"),
    ],
)
def test_a_bad_configuration_exits_2_naming_the_file_and_key(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")

    for args in (("rules",), ("audit", str(SAMPLE))):
        result = _cli(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("cx-rules: error: ")
        assert name in line
        assert expected in line
