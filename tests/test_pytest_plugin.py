"""The pytest plugin, run in a real pytest session through pytester."""

import subprocess
import sys


def test_cx_engine_fixture_loads_only_the_named_plugins(pytester):
    pytester.makeini("[pytest]\ncx_rules_plugins =\n    cx_rules.builtin\n")
    pytester.makepyfile(
        """
        from cx_rules.testing import event, outcomes, run

        def test_engine(cx_engine):
            assert "CX401" in cx_engine.rules
            found = run(cx_engine, [event("c1", "application_received", "2026-03-02T09:00+00:00")],
                        as_of="2026-03-10T00:00+00:00")
            assert outcomes(found, "CX401") == ["violated"]

        def test_factory(cx_engine_factory):
            from cx_rules import Policy
            engine = cx_engine_factory(policy=Policy(ignore=["CX4"]))
            assert "CX401" not in engine.rules
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_unknown_plugin_name_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\ncx_rules_plugins =\n    nobody_cx\n")
    pytester.makepyfile("def test_engine(cx_engine):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*cx_rules_plugins names nobody_cx*"])
    assert result.ret != 0


# An installed plugin, as pip would leave it: a module and a dist-info with its entry point.
_PLUGIN = """
from cx_rules import Rule, Severity, hookimpl


class AssessmentDone(Rule):
    code = "ASMT101"
    name = "assessment-done"
    practice = "experience"
    severity = Severity.WARNING
    activities = frozenset({"assessment_started"})

    def on_event(self, step):
        step.passed()


@hookimpl
def cx_rules_process_model(model):
    return model.extend(
        {
            "screening": {"assessment_started": "assessment"},
            "assessment": {
                "interview_scheduled": "interviewing",
                "rejected": "rejected",
                "withdrawn": "withdrawn",
                "data_deleted": "withdrawn",
            },
        }
    )


@hookimpl
def cx_rules_rules():
    return [AssessmentDone]
"""


def _install_plugin(pytester, monkeypatch):
    pytester.makepyfile(asmt_cx=_PLUGIN)
    info = pytester.mkdir("asmt_cx-0.1.dist-info")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: asmt-cx\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[cx_rules]\nasmt_cx = asmt_cx\n")
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    monkeypatch.delenv("CX_RULES_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    pytester.makeini("[pytest]\ncx_rules_plugins =\n    asmt_cx\n")


def _warm_hypothesis(pytester, monkeypatch):
    # Hypothesis builds its table of Unicode characters on first use in a new directory (a
    # second or so, which its too_slow health check counts against the first examples).
    # That is Hypothesis' cold start, not what this test is about: warm it once.
    storage = pytester.path / ".hypothesis"
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(storage))
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from hypothesis import find, strategies as st\n"
            "find(st.text(max_size=1), lambda s: True)",
        ],
        check=True,
        cwd=pytester.path,
    )


def test_fixtures_work_under_given_and_strategies_know_the_plugin_model(pytester, monkeypatch):
    # What a plugin author writes first: the fixture and the strategy, nothing passed.
    _install_plugin(pytester, monkeypatch)
    _warm_hypothesis(pytester, monkeypatch)
    pytester.makepyfile(
        """
        from hypothesis import find, given, settings
        from cx_rules.testing import outcomes, run
        from cx_rules.testing.strategies import event_sequences


        @settings(max_examples=30)
        @given(events=event_sequences(valid=True))
        def test_never_crashes(cx_engine, events):
            found = run(cx_engine, events)
            assert "CX000" not in {f.code for f in found}


        @given(events=event_sequences(valid=True))
        def test_factory_too(cx_engine_factory, events):
            assert cx_engine_factory().model.next_state("screening", "assessment_started")


        def test_the_plugin_activity_is_generated(cx_engine):
            events = find(
                event_sequences(valid=True),
                lambda es: any(e.activity == "assessment_started" for e in es),
            )
            assert outcomes(run(cx_engine, events), "ASMT101") == ["passed"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
