"""The example plugin under examples/plugins/ installs, is discovered, and passes its tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "examples" / "plugins" / "acme-cx-rules"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Install the plugin with pip into a directory of its own: a real wheel, entry points."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(PLUGIN),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    env = {k: v for k, v in os.environ.items() if k != "CX_RULES_DISABLE_PLUGIN_AUTOLOAD"}
    env["PYTHONPATH"] = os.pathsep.join([str(target), *sys.path])
    return env


def test_cx_rules_lists_the_plugin_rules(installed):
    result = subprocess.run(
        [sys.executable, "-m", "cx_rules", "rules"],
        env=installed,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("ACME")]
    assert [(r[0], r[1], r[-2], r[-1]) for r in rows] == [
        ("ACME101", "manager-calls-final-round", "yes", "acme_cx"),
        ("ACME102", "no-friday-afternoon-rejections", "yes", "acme_cx"),
        ("ACME103", "mobility-meeting", "yes", "acme_cx"),
        ("ACME104", "assessment-reviewed", "yes", "acme_cx"),
    ]


def test_rule_page_of_a_plugin_rule(installed):
    result = subprocess.run(
        [sys.executable, "-m", "cx_rules", "rule", "acme103"],
        env=installed,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("# ACME103 mobility-meeting\n")
    assert "- **Provided by:** acme_cx" in result.stdout
    assert "| `within` | an integer, 0 to 260 | `3` |" in result.stdout


def test_the_plugin_own_tests_pass(installed):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PLUGIN / "tests")],
        env=installed,
        capture_output=True,
        text=True,
        cwd=PLUGIN,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout


def test_an_audit_applies_the_plugin_rules(installed, tmp_path):
    log = tmp_path / "acme.jsonl"
    log.write_text(
        "\n".join(
            [
                '{"case_id": "m1", "activity": "application_received", '
                '"timestamp": "2026-03-06T10:00:00+01:00", "mobility": true}',
                '{"case_id": "m1", "activity": "interview_scheduled", '
                '"timestamp": "2026-03-13T10:00:00+01:00", "round": "final"}',
                '{"case_id": "m1", "activity": "rejected", '
                '"timestamp": "2026-03-20T16:00:00+01:00", "actor_role": "recruiter", '
                '"channel": "phone", "reason": "experience"}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    policy = tmp_path / "policy.toml"
    policy.write_text('timezone = "Europe/Copenhagen"\n', encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cx_rules",
            "audit",
            str(log),
            "--policy",
            str(policy),
            "--format",
            "json",
        ],
        env=installed,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout)
    digest = subprocess.run(
        [
            sys.executable,
            "-m",
            "cx_rules",
            "audit",
            str(log),
            "--policy",
            str(policy),
            "--format",
            "acme-digest",
        ],
        env=installed,
        capture_output=True,
        text=True,
        check=True,
    )
    assert digest.stdout.splitlines()[0] == "ACME candidate-experience digest, as of 2026-03-20"
    assert "ACME103 mobility-meeting: 1 violated of 1" in digest.stdout.splitlines()
    acme = sorted(
        (f["code"], f["outcome"]) for f in report["findings"] if f["code"].startswith("ACME")
    )
    assert acme == [("ACME101", "violated"), ("ACME102", "violated"), ("ACME103", "violated")]
