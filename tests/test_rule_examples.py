"""Every rule's documented examples do what its page says: they run, pass and violate."""

from __future__ import annotations

import pytest

from cx_rules import Engine, Outcome, Policy
from cx_rules.explain import rule_markdown
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.testing import events, findings_of, run

INFOS = collect_rules(plugin_manager(autoload=False))
ENGINE = Engine(Policy(timezone="Europe/Copenhagen"), rules=[i.rule for i in INFOS.values()])


def finish_at_last(lines):
    stream = events(*lines)
    return run(ENGINE, stream, as_of=max(e.timestamp for e in stream))


@pytest.mark.parametrize("code", [c for c, i in INFOS.items() if i.rule.passing])
def test_passing_example_passes(code):
    found = findings_of(finish_at_last(INFOS[code].rule.passing), code)
    assert [f for f in found if f.outcome in (Outcome.VIOLATED, Outcome.UNKNOWN)] == []
    assert any(f.outcome is Outcome.PASSED for f in found)


@pytest.mark.parametrize("code", [c for c, i in INFOS.items() if i.rule.violating])
def test_violating_example_violates(code):
    found = findings_of(finish_at_last(INFOS[code].rule.violating), code)
    assert any(f.outcome is Outcome.VIOLATED for f in found)


# CX000, CX002 and CX003 judge the engine, the policy and the log's vocabulary, not the
# process: they have no event examples (test_engine.py covers CX003).
@pytest.mark.parametrize("code", [c for c in INFOS if c not in ("CX000", "CX002", "CX003")])
def test_every_rule_has_documentation(code):
    rule = INFOS[code].rule
    assert rule.summary
    assert rule.why
    assert rule.passing
    assert rule.violating


def test_rule_page_sections():
    page = rule_markdown(INFOS["CX401"])
    assert page.startswith("# CX401 acknowledge-application\n")
    for section in ("## What it checks", "## Why it matters", "## Example", "## Options"):
        assert section in page
    assert "| `business_days` | an integer, 0 to 260 | `2` |" in page
