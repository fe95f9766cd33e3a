"""The extension hooks besides rules: process model, calendar, allow-list of plugins."""

from datetime import date

import pluggy
import pytest

from cx_rules import BusinessCalendar, Engine, PluginError, Policy, default_model, hookimpl
from cx_rules.plugins import plugin_manager, resolve_calendar, resolve_model


class AssessmentStage:
    @hookimpl
    def cx_rules_process_model(self, model):
        return model.extend(
            {
                "screening": {"assessment_started": "assessment"},
                "assessment": {
                    "interview_scheduled": "interviewing",
                    "rejected": "rejected",
                    "withdrawn": "withdrawn",
                },
            },
            name="with-assessment",
        )


class ClosedBetweenYears:
    @hookimpl
    def cx_rules_calendar(self, policy, calendar):
        days = {date(2026, 12, d) for d in range(24, 32)}
        return BusinessCalendar(
            timezone=calendar.timezone,
            workdays=calendar.workdays,
            holidays=calendar.holidays | days,
        )


class Garbage:
    @hookimpl
    def cx_rules_process_model(self):
        return "not a model"


def manager(*plugins: object) -> pluggy.PluginManager:
    pm = plugin_manager(autoload=False)
    for n, plugin in enumerate(plugins):
        pm.register(plugin, name=f"test-plugin-{n}")
    return pm


def test_a_plugin_extends_the_process_model():
    model = resolve_model(manager(AssessmentStage()), default_model())
    assert model.name == "with-assessment"
    assert model.next_state("screening", "assessment_started") == "assessment"


def test_a_plugin_supplies_the_calendar():
    policy = Policy()
    calendar = resolve_calendar(manager(ClosedBetweenYears()), policy, policy.calendar())
    assert not calendar.is_business_day(date(2026, 12, 28))
    assert calendar.is_business_day(date(2027, 1, 4))


def test_no_plugin_keeps_what_there_is():
    policy = Policy()
    assert resolve_model(manager(), default_model()) is default_model()
    assert resolve_calendar(manager(), policy, policy.calendar()) == policy.calendar()


def test_garbage_from_a_plugin_is_a_clear_error():
    with pytest.raises(PluginError) as info:
        resolve_model(manager(Garbage()), default_model())
    assert str(info.value) == "plugin 'test-plugin-0' returned 'not a model' as the process model"


def test_an_allow_list_naming_a_missing_plugin_is_an_error():
    with pytest.raises(PluginError) as info:
        plugin_manager(autoload=True, allow=["no_such_plugin"])
    assert str(info.value).startswith(
        "the policy allows plugin(s) no_such_plugin, but no installed package provides a "
        "'cx_rules' entry point by that name"
    )


def test_engine_with_an_explicit_model_ignores_nothing_else():
    engine = Engine(Policy(), model=default_model(), plugins=manager(AssessmentStage()))
    assert engine.model is default_model()


def test_the_engine_uses_the_model_and_calendar_hooks():
    from cx_rules.testing import event, run

    engine = Engine(Policy(), plugins=manager(AssessmentStage(), ClosedBetweenYears()))
    assert engine.model.name == "with-assessment"
    assert not engine.calendar.is_business_day(date(2026, 12, 28))
    found = run(
        engine,
        [
            event("c1", "application_received", "2026-03-02T09:00+00:00"),
            event("c1", "screening_started", "2026-03-03T09:00+00:00"),
            event("c1", "assessment_started", "2026-03-04T09:00+00:00"),
        ],
    )
    assert [f.outcome.value for f in found if f.code == "CX001"] == ["passed"] * 3


def test_policy_plugins_key_is_the_allow_list():
    policy = Policy.from_mapping({"plugins": ["not_installed_cx"]}, source="p.toml")
    with pytest.raises(PluginError, match="the policy allows plugin\\(s\\) not_installed_cx"):
        Engine(policy)
