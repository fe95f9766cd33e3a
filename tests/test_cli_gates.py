"""The command line's CI gates, run as a user runs them: the input gates (exit 4, 5, 6),
``--fail-under``, ``--fail-on`` with ``--baseline``, and the exit table of ``--help``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cx_rules.cli import (
    EXIT_EMPTY,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INPUT_ERRORS,
    EXIT_NOTHING_MAPPED,
    EXIT_OK,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"
BROKEN = ROOT / "tests" / "data" / "audit" / "broken.jsonl"


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", *args],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "NO_COLOR"},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _line(case: str, activity: str, at: str, **extra: str) -> str:
    return json.dumps({"case_id": case, "activity": activity, "timestamp": at, **extra}) + "\n"


def test_an_empty_log_exits_4_even_with_fail_on(tmp_path: Path) -> None:
    log = tmp_path / "empty.jsonl"
    log.write_text("\n\n", encoding="utf-8")

    result = _cli("audit", str(log), "--fail-on", "error", "--format", "json")

    assert result.returncode == EXIT_EMPTY == 4
    assert json.loads(result.stdout)["input"]["lines"] == 0  # the report is still written
    assert result.stderr == (
        "cx-rules: the input held no record: nothing was audited (exit status 4)\n"
    )


def test_a_log_whose_records_are_all_rejected_exits_5(tmp_path: Path) -> None:
    log = tmp_path / "rejected.jsonl"
    log.write_text('{"case": 1}\n' + _line("c1", "application_received", "2026-03-02"))

    result = _cli("audit", str(log), "--fail-on", "error", "--format", "csv")

    assert result.returncode == EXIT_NOTHING_MAPPED == 5
    assert "none of the 2 records read became an event (2 rejected, 0 with an activity" in (
        result.stderr
    )


def test_a_log_of_unmapped_activities_exits_5(tmp_path: Path) -> None:
    log = tmp_path / "unmapped.jsonl"
    log.write_text(_line("c1", "coffee_break", "2026-03-02T10:00:00+01:00"), encoding="utf-8")

    result = _cli("audit", str(log), "--format", "csv")

    assert result.returncode == EXIT_NOTHING_MAPPED
    assert "(0 rejected, 1 with an activity the process model does not know" in result.stderr


@pytest.mark.parametrize(
    ("limit", "status"),
    [("8", EXIT_OK), ("7", EXIT_INPUT_ERRORS), ("100%", EXIT_OK), ("5%", EXIT_INPUT_ERRORS)],
)
def test_max_input_errors_takes_a_count_or_a_share(limit: str, status: int) -> None:
    # broken.jsonl: 8 of its records are rejected, the rest are events.
    result = _cli("audit", str(BROKEN), "--max-input-errors", limit, "--format", "csv")

    assert result.returncode == status, result.stderr
    if status == EXIT_INPUT_ERRORS:
        assert "8 records were rejected, more than --max-input-errors allows" in result.stderr


@pytest.mark.parametrize("limit", ["-1", "ten", "101%", "nan%"])
def test_a_bad_max_input_errors_is_a_usage_error(limit: str) -> None:
    result = _cli("audit", str(SAMPLE), "--max-input-errors", limit)

    assert result.returncode == EXIT_ERROR
    assert "expected a count of records (50) or a share of those read (2%)" in result.stderr


def test_fail_under_compares_the_score() -> None:
    score = json.loads(_cli("audit", str(SAMPLE), "--format", "json").stdout)["score"]

    above = f"{score + 0.1:.1f}"
    passed = _cli("audit", str(SAMPLE), "--fail-under", f"{score}", "--format", "csv")
    failed = _cli("audit", str(SAMPLE), "--fail-under", above, "--format", "csv")

    assert (passed.returncode, passed.stderr) == (EXIT_OK, "")
    assert failed.returncode == EXIT_FINDINGS
    assert failed.stderr == f"cx-rules: --fail-under {float(above):g}: the score is {score}\n"


def test_fail_under_fails_when_nothing_was_judged(tmp_path: Path) -> None:
    # One application, its acknowledgement not due yet: every check is pending.
    log = tmp_path / "pending.jsonl"
    log.write_text(_line("c1", "application_received", "2026-03-02T10:00:00+01:00"))
    policy = tmp_path / "policy.toml"
    policy.write_text('select = ["CX401"]\n', encoding="utf-8")

    result = _cli(
        "audit", str(log), "--policy", str(policy), "--fail-under", "0", "--format", "csv"
    )

    assert result.returncode == EXIT_FINDINGS
    assert "no check was judged, so there is no score" in result.stderr


@pytest.mark.parametrize("score", ["101", "-0.5", "high"])
def test_a_bad_fail_under_is_a_usage_error(score: str) -> None:
    result = _cli("audit", str(SAMPLE), "--fail-under", score)

    assert result.returncode == EXIT_ERROR
    assert "expected a score from 0 to 100" in result.stderr


def test_help_lists_every_exit_status() -> None:
    for args in (("--help",), ("audit", "--help")):
        text = _cli(*args).stdout
        assert "exit status:" in text
        for status in ("0", "1", "2", "3", "4", "5", "6", "130"):
            assert f"\n  {status} " in text, (args, status)
