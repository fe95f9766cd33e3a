"""Plugin discovery through a real entry point of a real (tiny) installed distribution."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cx_rules import PluginError
from cx_rules.plugins import collect_rules, plugin_manager

PLUGIN = """
from cx_rules import Rule, Severity, hookimpl


class FridayRejection(Rule):
    code = "ACME101"
    name = "no-friday-rejections"
    practice = "communication"
    severity = Severity.INFO
    activities = frozenset({"rejected"})

    def on_event(self, step):
        if step.event.timestamp.weekday() == 4:
            step.violated("rejected on a Friday")
        else:
            step.passed()


@hookimpl
def cx_rules_rules():
    return [FridayRejection]
"""

CLASH = """
from cx_rules import Rule, Severity, hookimpl


class Clash(Rule):
    code = "CX401"
    name = "my-own-ack"
    practice = "experience"
    severity = Severity.INFO


@hookimpl
def cx_rules_rules():
    return [Clash]
"""


def install(site: Path, dist: str, module: str, source: str) -> None:
    """Lay out a distribution as pip would: the module and a .dist-info with entry points."""
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[cx_rules]\n{dist} = {module}\n")


def run_python(site: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "CX_RULES_DISABLE_PLUGIN_AUTOLOAD"}
    environment["PYTHONPATH"] = os.pathsep.join([str(site), *sys.path])
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False
    )


LIST = "from cx_rules.plugins import *; print(sorted((c, i.plugin) for c, i in collect_rules(plugin_manager()).items() if not c.startswith('CX')))"


def test_entry_point_plugin_is_discovered(tmp_path):
    install(tmp_path, "acme_cx", "acme_cx_rules", PLUGIN)
    result = run_python(tmp_path, LIST)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('ACME101', 'acme_cx')]"


def test_autoload_can_be_disabled(tmp_path):
    install(tmp_path, "acme_cx", "acme_cx_rules", PLUGIN)
    result = run_python(tmp_path, LIST, CX_RULES_DISABLE_PLUGIN_AUTOLOAD="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_plugin_rule_runs_in_the_engine(tmp_path):
    install(tmp_path, "acme_cx", "acme_cx_rules", PLUGIN)
    code = (
        "from cx_rules import Engine; from cx_rules.testing import event, outcomes, run\n"
        "e = Engine()\n"
        "f = run(e, [event('c1', 'application_received', '2026-03-02T09:00+00:00'),"
        " event('c1', 'rejected', '2026-03-06T09:00+00:00', channel='phone')])\n"
        "print(outcomes(f, 'ACME101'))"
    )
    result = run_python(tmp_path, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['violated']"


def test_duplicate_code_names_both_plugins(tmp_path):
    install(tmp_path, "clashing_cx", "clashing_cx_rules", CLASH)
    result = run_python(tmp_path, LIST)
    assert result.returncode == 1
    assert (
        "cx_rules.PluginError: rule code CX401 is claimed twice: by AcknowledgeApplication of "
        "plugin 'cx_rules.builtin' and by Clash of plugin 'clashing_cx'"
    ) in result.stderr.replace("cx_rules.exceptions.PluginError", "cx_rules.PluginError")


def test_builtins_without_autoload():
    rules = collect_rules(plugin_manager(autoload=False))
    assert {"CX000", "CX001", "CX401"} <= set(rules)
    assert {info.plugin for info in rules.values()} == {"cx_rules.builtin"}
    assert list(rules) == sorted(rules)


def test_bad_metadata_is_a_plugin_error():
    import pluggy

    from cx_rules import Rule, Severity, hookimpl, hookspecs

    class Nameless(Rule):
        code = "bad code"
        name = "x"
        practice = "p"
        severity = Severity.INFO

    class Plugin:
        @hookimpl
        def cx_rules_rules(self):
            return [Nameless]

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(Plugin(), name="bad")
    with pytest.raises(PluginError) as info:
        collect_rules(pm)
    assert "code 'bad code' is not capital letters then digits" in str(info.value)
