from datetime import date
from pathlib import Path

import pytest

from cx_rules import Engine, Policy, PolicyError, Severity
from cx_rules.rules.experience import AcknowledgeApplication
from cx_rules.rules.process import IllegalTransition, RuleError


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_a_full_policy(tmp_path):
    path = write(
        tmp_path,
        """
select = ["CX"]
ignore = ["CX5"]
timezone = "Europe/Copenhagen"
workdays = ["mon", "tue", "wed", "thu"]
holidays = [2026-12-24, "2026-12-31"]
missing_evidence = "violation"

[rules.CX401]
severity = "error"
business_days = 3
""",
    )
    policy = Policy.load(path)
    assert policy.select == ("CX",)
    assert policy.ignore == ("CX5",)
    assert policy.holidays == (date(2026, 12, 24), date(2026, 12, 31))
    assert policy.severity_for("CX401", Severity.WARNING) is Severity.ERROR
    assert policy.options_for("CX401") == {"business_days": 3}
    assert policy.calendar().workdays == {0, 1, 2, 3}
    assert policy.source == str(path)


def test_pyproject_table(tmp_path):
    path = write(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.cx-rules]\ntimezone = "Europe/Copenhagen"\n',
        "pyproject.toml",
    )
    assert Policy.load(path).timezone == "Europe/Copenhagen"
    empty = write(tmp_path / "", '[project]\nname = "x"\n', "pyproject.toml")
    assert Policy.load(empty) == Policy()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'red'", "unknown key 'colour' (expected one of"),
        ("timezone = 'Mars/Olympus'", "timezone: 'Mars/Olympus' is not a known IANA time zone"),
        ("timezone = 3", "timezone: expected a string, got 3"),
        ("workdays = ['mon', 'someday']", "workdays: 'someday' is not a day"),
        ("holidays = ['24/12/2026']", "holidays: '24/12/2026' is not a date (expected YYYY-MM-DD)"),
        ("missing_evidence = 'maybe'", "missing_evidence: expected 'unknown' or 'violation'"),
        ("select = [1]", "select: expected a list of strings, got [1]"),
        ("rules = 3", "rules: expected a table per rule code"),
        (
            "[rules.CX401]\nseverity = 'fatal'",
            "rules.CX401.severity: expected error, warning or info",
        ),
        ("not toml at all = = =", "not valid TOML"),
    ],
)
def test_bad_policies_name_the_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read the policy"):
        Policy.load(tmp_path / "nope.toml")


RULES = [RuleError, IllegalTransition, AcknowledgeApplication]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"business_days": "two"}, "rules.CX401.business_days: expected an integer, got 'two'"),
        (
            {"business_days": -1},
            "rules.CX401.business_days: expected an integer from 0 to 260, got -1",
        ),
        ({"business_days": True}, "rules.CX401.business_days: expected an integer, got True"),
        ({"colour": 1}, "rules.CX401: unknown option 'colour' (options of CX401"),
        ({"acknowledged_by": "email"}, "rules.CX401.acknowledged_by: expected a list of strings"),
    ],
)
def test_bad_rule_options_name_rule_key_and_plugin(table, message):
    policy = Policy.from_mapping({"rules": {"CX401": table}}, source="p.toml")
    with pytest.raises(PolicyError) as info:
        Engine(policy, rules=RULES)
    assert message in str(info.value)
    assert str(info.value).startswith("p.toml: ")
    assert str(info.value).endswith("(plugin '<given>')")


def test_options_for_a_rule_that_does_not_exist():
    policy = Policy.from_mapping({"rules": {"ACME101": {"days": 3}}}, source="p.toml")
    with pytest.raises(PolicyError) as info:
        Engine(policy, rules=RULES)
    assert str(info.value) == (
        "p.toml: rules.ACME101: no rule has this code (is the plugin that provides it installed?)"
    )


@pytest.mark.parametrize(
    ("select", "ignore", "code", "expected"),
    [
        (("ALL",), (), "CX401", True),
        (("CX4",), (), "CX401", True),
        (("CX4",), (), "CX101", False),
        (("CX",), ("CX4",), "CX401", False),
        (("CX",), ("CX4",), "CX402", False),
        (("CX401",), ("CX4",), "CX401", True),
        (("CX4",), ("CX4",), "CX401", False),
        ((), (), "CX401", False),
    ],
)
def test_selection_longest_prefix_wins_ignore_wins_ties(select, ignore, code, expected):
    assert Policy(select=select, ignore=ignore).selects(code) is expected


def test_options_reach_the_rule():
    policy = Policy(rules={"CX401": {"business_days": 5, "acknowledged_by": ["rejected"]}})
    rule = Engine(policy, rules=RULES).rules["CX401"]
    assert rule.option_values == {"business_days": 5, "acknowledged_by": ("rejected",)}


def test_holiday_country_needs_a_known_country():
    pytest.importorskip("holidays")
    with pytest.raises(PolicyError, match="'XX' is not a country"):
        Policy(holiday_country="XX").calendar()


def test_python_built_policies_are_checked_like_toml():
    assert Policy(select="CX102").select == ("CX102",)
    assert Policy(enforce="CX102").enforce == ("CX102",)
    assert Policy(workdays="mon").workdays == ("mon",)
    assert Policy(holidays=("2026-03-30",)).holidays == (date(2026, 3, 30),)
    with pytest.raises(PolicyError, match=r"holidays: 5 is not a date \(expected YYYY-MM-DD\)"):
        Policy(holidays=(5,))
    with pytest.raises(PolicyError, match="select: expected a list of strings"):
        Policy(select=(1,))
