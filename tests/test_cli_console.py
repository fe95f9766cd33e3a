"""Every console and platform: a cp1252 console writes the report, an unexpected error in
any command is one line with its own status, ``rules --format json`` lists every rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cx_rules.cli import EXIT_INTERNAL
from cx_rules.plugins import collect_rules, plugin_manager

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.jsonl"


def _run(
    code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, *(("-c", code) if code else ("-m", "cx_rules")), *args],
        capture_output=True,
        env=environ,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _unicode_log(tmp_path: Path) -> Path:
    log = tmp_path / "log.jsonl"
    lines = [
        {
            "case_id": "c\u2192\u4e00",
            "activity": "application_received",
            "timestamp": "2026-03-02T10:00:00+01:00",
            "job_id": "J\u2603",
            "event_id": "e1",
        },
        {
            "case_id": "c\u2192\u4e00",
            "activity": "rejected",
            "actor": "\u00e5se \u0142",
            "timestamp": "2026-03-20T10:00:00+01:00",
            "channel": "email",
            "event_id": "e2",
        },
    ]
    log.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return log


@pytest.mark.parametrize("format", ["text", "json", "csv", "junit", "sarif", "html"])
def test_a_cp1252_console_gets_the_report_with_escapes(tmp_path: Path, format: str) -> None:
    log = _unicode_log(tmp_path)

    result = _run(
        "",
        "audit",
        str(log),
        "--format",
        format,
        env={"PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"},
    )

    assert (result.returncode, result.stderr) == (0, b"")
    text = result.stdout.decode("cp1252")
    assert "\\u2192" in text or "\\\\u2192" in text  # escaped, never a crash
    if format in ("json", "sarif"):
        # The escapes are JSON's own: the ids read back as they are.
        data = json.loads(text)
        assert "c\u2192\u4e00" in json.dumps(data, ensure_ascii=False)


def test_a_pipe_without_a_chosen_encoding_gets_utf8(tmp_path: Path) -> None:
    log = _unicode_log(tmp_path)

    result = _run("", "audit", str(log), "--format", "csv", env={"PYTHONUTF8": "0", "LC_ALL": "C"})

    assert result.returncode == 0, result.stderr
    assert "c\u2192\u4e00" in result.stdout.decode("utf-8")


# Each command, with the function it calls made to fail as a bug would.
_BROKEN = {
    "rules": ("cx_rules.engine", "Engine", ("rules",)),
    "rule": ("cx_rules.explain", "rule_markdown", ("rule", "CX401")),
    "audit": ("cx_rules.auditing", "audit", ("audit", str(SAMPLE))),
    "import": ("cx_rules.importers", "get_importer", ("import", "lever", "x.json", "-o", "y")),
    "diff": ("cx_rules.report.baseline", "load_listed", ("diff", "a.json", "b.json")),
    "serve": ("cx_rules.server.command", "run", ("serve",)),
}


@pytest.mark.parametrize("command", sorted(_BROKEN))
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_in_any_command_is_one_line(command: str, debug: bool) -> None:
    module, name, args = _BROKEN[command]
    code = (
        f"import importlib, sys\n"
        f"m = importlib.import_module({module!r})\n"
        f"def boom(*a, **k):\n    raise ZeroDivisionError('secret text from the log')\n"
        f"setattr(m, {name!r}, boom)\n"
        f"from cx_rules.cli import main\n"
        f"sys.exit(main(sys.argv[1:]))\n"
    )

    result = _run(code, *(("--debug",) if debug else ()), *args)

    stderr = result.stderr.decode("utf-8")
    assert result.returncode == EXIT_INTERNAL, stderr
    last = stderr.splitlines()[-1]
    assert last.startswith("cx-rules: internal error: ZeroDivisionError in ")
    assert "--debug shows the traceback" in last
    if debug:
        assert "Traceback (most recent call last)" in stderr
        assert "secret text from the log" in stderr
    else:
        assert len(stderr.splitlines()) == 1
        assert "secret" not in stderr


def test_rules_json_lists_every_rule_with_its_metadata() -> None:
    result = _run("", "rules", "--format", "json", "--no-config")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    infos = collect_rules(plugin_manager())
    assert [r["code"] for r in data["rules"]] == sorted(infos) == list(infos)
    for row in data["rules"]:
        rule = infos[row["code"]].rule
        assert (row["name"], row["practice"], row["default_severity"]) == (
            rule.name,
            rule.practice,
            rule.severity.value,
        )
        assert row["summary"] == rule.summary
        assert row["evidence"] == sorted(rule.evidence)
        assert [o["name"] for o in row["options"]] == list(rule.option_specs())
        assert row["url"].endswith(f"/rules/generated/{row['code']}.html")
    cx401 = next(r for r in data["rules"] if r["code"] == "CX401")
    days = next(o for o in cx401["options"] if o["name"] == "business_days")
    assert days["default"] == days["value"]
    assert days["type"] == "an integer"
    assert result.stdout == _run("", "rules", "--format", "json", "--no-config").stdout


def test_named_zones_work_without_a_system_zone_database(tmp_path: Path) -> None:
    # No system database on the zone path: zoneinfo falls back to the tzdata package.
    (tmp_path / "cx-rules.toml").write_text('timezone = "Europe/Copenhagen"\n', "utf-8")
    empty = tmp_path / "no-zones"
    empty.mkdir()

    result = _run(
        "", "audit", str(SAMPLE), "--format", "json", env={"PYTHONTZPATH": str(empty)}, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["calendar"]["timezone"] == "Europe/Copenhagen"


def test_a_warning_of_cx_rules_during_the_audit_is_one_line_on_stderr() -> None:
    # As the audit warns when --jobs falls back to one process (a RuntimeWarning of its own).
    code = (
        "import sys, warnings\n"
        "import cx_rules.auditing as auditing\n"
        "class OneProcess(RuntimeWarning):\n    pass\n"
        "OneProcess.__module__ = 'cx_rules.auditing'\n"
        "real = auditing.audit\n"
        "def audit(*a, **k):\n"
        "    warnings.warn('audited in one process: \\x1b[2J the platform cannot fork', OneProcess)\n"
        "    warnings.warn('not ours', DeprecationWarning)\n"
        "    return real(*a, **k)\n"
        "auditing.audit = audit\n"
        "from cx_rules.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )

    result = _run(code, "audit", str(SAMPLE), "--jobs", "2", "--format", "csv")

    assert result.returncode == 0
    lines = result.stderr.decode("utf-8").splitlines()
    assert "cx-rules: warning: audited in one process: \\x1b[2J the platform cannot fork" in lines
    assert any("DeprecationWarning: not ours" in line for line in lines)
