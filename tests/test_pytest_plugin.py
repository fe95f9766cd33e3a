"""The pytest plugin, run in a real pytest session through pytester."""


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
