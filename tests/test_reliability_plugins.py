"""Plugins that misbehave are isolated and reported as ``CX000``; every other finding of the
audit stays exactly as it is without them.

``test_engine.py`` shows one raising rule on one event; here real plugins (registered through
pluggy's hooks, as an installed one is) take part in a whole audit.
"""

from __future__ import annotations

import functools
import json
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cx_rules import (
    ACTIVITIES,
    Engine,
    PluginError,
    Policy,
    Rule,
    Severity,
    Step,
    hookimpl,
)
from cx_rules.auditing import audit
from cx_rules.plugins import plugin_manager
from cx_rules.report import FORMATS, Report, render

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.jsonl"
EVERY = frozenset(ACTIVITIES)


def _engine(*rules: type[Rule], **options: Any) -> Engine:
    """An engine with the built-in rules and ``rules`` from a plugin named ``misbehaving``."""

    class Plugin:
        @hookimpl
        def cx_rules_rules(self) -> Sequence[type[Rule]]:
            return rules

    pm = plugin_manager(autoload=False)
    pm.register(Plugin(), name="misbehaving")
    return Engine(Policy(), plugins=pm, guard=False, **options)


@functools.cache
def _baseline() -> Report:
    """The sample audited with the built-in rules alone."""
    return audit(SAMPLE, engine=Engine(Policy(), plugins=plugin_manager(autoload=False)))


def _calls() -> int:
    """How many events the rules see in the sample: those the model does not refuse."""
    baseline = _baseline()
    illegal = sum(r.tally.violated for r in baseline.rules if r.code == "CX001")
    return baseline.input.events - illegal


def _others(report: Report, *codes: str) -> tuple[Any, ...]:
    """Everything the report says about rules other than ``codes`` and ``CX000``."""
    hidden = {"CX000", *codes}
    return (
        [f for f in report.findings if f.code not in hidden],
        [r for r in report.rules if r.code not in hidden],
        report.input,
        report.errors,
    )


def _rule_errors(report: Report) -> list[str]:
    return [f.message for f in report.findings if f.code == "CX000"]


class Raises(Rule):
    code = "BAD100"
    name = "raises"
    practice = "experience"
    severity = Severity.ERROR
    activities = EVERY

    def on_event(self, step: Step) -> None:
        step.violated("half done")
        step.open("k", step.event.timestamp, "never", "nothing")
        raise RuntimeError("a message that quotes the candidate: Kære Ingeborg")


def test_a_raising_plugin_is_reported_once_per_event_and_nothing_else_changes() -> None:
    report = audit(SAMPLE, engine=_engine(Raises))

    assert _others(report, "BAD100") == _others(_baseline())
    errors = _rule_errors(report)
    assert len(errors) == _calls()
    assert all(
        m.startswith("rule BAD100 raises (plugin 'misbehaving') raised RuntimeError on ")
        for m in errors
    )
    # What the rule half did is dropped; its exception's text never reaches a report.
    assert [r.tally.judged for r in report.rules if r.code == "BAD100"] == [0]
    assert all("Ingeborg" not in render(report, f) for f in FORMATS)


class Analyser:
    """A text analyser from a plugin that fails on every question."""

    # Danish, so that it is asked about the sample's Danish messages (each message is read
    # only by the analysers of its language).
    language = "da"

    def thanks(self, text: str) -> bool:
        raise ValueError("cannot read")

    def is_template(self, text: str) -> bool:
        raise ValueError("cannot read")

    def is_specific_feedback(self, text: str) -> bool:
        raise ValueError("cannot read")


def test_a_failing_text_analyser_fails_only_the_rules_that_read_text() -> None:
    class Plugin:
        @hookimpl
        def cx_rules_text_analysers(self) -> Sequence[Analyser]:
            return [Analyser()]

    pm = plugin_manager(autoload=False)
    pm.register(Plugin(), name="analyser")

    report = audit(SAMPLE, engine=Engine(Policy(), plugins=pm, guard=False))

    failed = {m.split()[1] for m in _rule_errors(report)}
    assert failed <= {"CX102", "CX201", "CX202", "CX301"}
    assert failed != set()
    assert _others(report, *failed) == _others(_baseline(), *failed)


class ReturnsGarbage(Rule):
    code = "BAD200"
    name = "returns-garbage"
    practice = "experience"
    severity = Severity.ERROR
    activities = EVERY

    def on_event(self, step: Step) -> Any:
        step.passed("looked")
        return "a finding, the author thought"


def test_a_rule_that_returns_a_value_is_reported() -> None:
    report = audit(SAMPLE, engine=_engine(ReturnsGarbage))

    errors = _rule_errors(report)
    assert len(errors) == _calls()
    assert errors[0].startswith(
        "rule BAD200 returns-garbage (plugin 'misbehaving') returned a str on "
    )
    assert _others(report, "BAD200") == _others(_baseline())


class ReportsGarbage(Rule):
    code = "BAD300"
    name = "reports-garbage"
    practice = "experience"
    severity = Severity.ERROR
    activities = frozenset({"rejected"})

    def on_event(self, step: Step) -> None:
        step.violated(404)  # type: ignore[arg-type]


def test_a_rule_that_reports_a_message_that_is_not_text_is_reported() -> None:
    report = audit(SAMPLE, engine=_engine(ReportsGarbage))

    outputs = [render(report, f) for f in FORMATS]
    assert [f.code for f in report.findings if f.code == "BAD300"] == []
    assert len(_rule_errors(report)) > 0
    assert len(outputs) == len(FORMATS)


class OpensNaively(Rule):
    code = "BAD400"
    name = "opens-naively"
    practice = "experience"
    severity = Severity.ERROR
    activities = frozenset({"application_received"})

    def on_event(self, step: Step) -> None:
        step.open("k", datetime(2026, 3, 9, 9, 0), "owed", "act")


def test_a_rule_that_opens_an_obligation_without_a_zone_is_reported() -> None:
    report = audit(SAMPLE, engine=_engine(OpensNaively))

    assert len(_rule_errors(report)) == _baseline().input.cases
    assert _others(report, "BAD400") == _others(_baseline())


class FailsToStart(Rule):
    code = "BAD500"
    name = "fails-to-start"
    practice = "experience"
    severity = Severity.ERROR

    def __init__(self, **options: Any) -> None:
        raise ValueError("cannot reach the licence server")


def test_a_rule_that_cannot_be_built_is_a_plugin_error_naming_it() -> None:
    with pytest.raises(PluginError) as info:
        _engine(FailsToStart)

    assert str(info.value) == (
        "rule BAD500 fails-to-start of plugin 'misbehaving' could not be built: ValueError"
    )


class _Clock:
    """A clock the test moves: a slow rule is slow because it says so, not because it waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


CLOCK = _Clock()


class Slow(Rule):
    code = "SLOW100"
    name = "slow"
    practice = "experience"
    severity = Severity.INFO
    activities = frozenset({"rejected"})

    def on_event(self, step: Step) -> None:
        CLOCK.now += 5.0  # seconds "spent" on this event
        step.passed("took its time")


def test_a_slow_rule_is_reported_outside_the_findings_which_stay_the_same() -> None:
    engine = _engine(Slow, clock=CLOCK, rule_budget=1.0)

    report = audit(SAMPLE, engine=engine)

    calls = [r.tally.passed for r in report.rules if r.code == "SLOW100"]
    assert [dict(engine.overruns)] == [{"SLOW100": n} for n in calls]
    assert _others(report, "SLOW100") == _others(_baseline())
    assert _rule_errors(report) == []


def test_a_plugin_that_lists_something_other_than_rules_is_refused() -> None:
    # Returning garbage from the hook itself is refused when the engine is built (see also
    # test_plugins.py::test_bad_metadata_is_a_plugin_error).
    class NotARule:
        code = "BAD600"

    with pytest.raises(PluginError) as info:
        _engine(NotARule)  # type: ignore[arg-type]

    assert str(info.value).startswith("plugin 'misbehaving' returned <class ")
    assert str(info.value).endswith("NotARule'>, which is not a Rule subclass")


SLOW_PLUGIN = """
    import time
    from cx_rules import Rule, Severity, hookimpl

    class Slow(Rule):
        code = "SLOW200"
        name = "slow"
        practice = "experience"
        severity = Severity.INFO
        activities = frozenset({"rejected"})

        def on_event(self, step):
            time.sleep(0.03)
            step.passed()

    @hookimpl
    def cx_rules_rules():
        return [Slow]
"""


def test_the_cli_warns_about_a_slow_rule_on_stderr_and_reports_as_without_the_check(
    tmp_path: Path,
) -> None:
    from test_plugins import install, run_python

    install(tmp_path, "slowplug", "slowplug", SLOW_PLUGIN)

    def cli(*options: str) -> subprocess.CompletedProcess[str]:
        argv = ["audit", str(SAMPLE), "--format", "json", *options]
        return run_python(
            tmp_path, f"import sys; from cx_rules.cli import main; sys.exit(main({argv!r}))"
        )

    timed, untimed = cli("--rule-budget", "0.01"), cli("--rule-budget", "0")
    assert (timed.returncode, untimed.returncode, untimed.stderr) == (0, 0, "")
    assert timed.stdout == untimed.stdout
    (calls,) = [r["passed"] for r in json.loads(timed.stdout)["rules"] if r["code"] == "SLOW200"]
    assert calls > 1
    assert timed.stderr == (
        f"cx-rules: warning: rule SLOW200 (slowplug) took longer than 0.01 s on {calls} "
        "events; the report is complete, but the rule may need a look\n"
    )


def test_overruns_in_every_process_of_an_audit_are_counted() -> None:
    alone, shared = (_engine(Slow, clock=CLOCK, rule_budget=1.0) for _ in range(2))
    one = audit(SAMPLE, engine=alone)
    two = audit(SAMPLE, engine=shared, jobs=2)
    assert one == two
    assert alone.overruns == shared.overruns
    assert sum(shared.overruns.values()) > 1
