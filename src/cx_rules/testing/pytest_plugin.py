"""The pytest plugin of cx-rules (entry point ``pytest11``): fixtures for rule tests.

Installed with cx-rules; pytest loads it by itself.  Tell it which plugins your tests are
about in the pytest configuration::

    [tool.pytest.ini_options]
    cx_rules_plugins = ["acme_cx"]

and use the fixtures:

- ``cx_engine``: an :class:`~cx_rules.Engine` with only the rules of those plugins (all rules
  when the option is empty), the default policy, in audit mode, and the process model every
  installed plugin's ``cx_rules_process_model`` hook makes (your plugin's activities
  included);
- ``cx_engine_factory``: builds such an engine with your own policy, model or strictness:
  ``cx_engine_factory(policy=Policy(timezone="Europe/Copenhagen"), strict=True)``.

The default policy counts deadlines in UTC, Monday to Friday, with no holidays: a rule about
the time of day or business days in your company's zone needs
``cx_engine_factory(policy=Policy(timezone=...))``.

Both fixtures are session-scoped, so they work under Hypothesis' ``@given`` (which refuses
function-scoped fixtures, since they would not be reset between examples).  Sharing them is
safe: an engine keeps no per-case state (cases are immutable values), and each call of the
factory builds a new engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ..engine import Engine
from ..model import ProcessModel
from ..plugins import collect_rules, plugin_manager
from ..policy import Policy

__all__ = ["cx_engine", "cx_engine_factory", "pytest_addoption"]

EngineFactory = Callable[..., Engine]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "cx_rules_plugins",
        type="linelist",
        help="cx-rules plugins (entry-point names) whose rules the cx_engine fixture loads",
        default=[],
    )


@pytest.fixture(scope="session")
def cx_engine_factory(request: pytest.FixtureRequest) -> EngineFactory:
    """A function that builds an engine with only the configured plugins' rules."""
    names = set(request.config.getini("cx_rules_plugins"))

    def build(
        *,
        policy: Policy | None = None,
        model: ProcessModel | None = None,
        strict: bool = False,
        **kwargs: Any,
    ) -> Engine:
        pm = plugin_manager()
        infos = collect_rules(pm)
        unknown = names - {info.plugin for info in infos.values()}
        if unknown:
            raise pytest.UsageError(
                f"cx_rules_plugins names {', '.join(sorted(unknown))}, but no installed "
                "cx_rules plugin has that name"
            )
        rules = [i.rule for i in infos.values() if not names or i.plugin in names]
        return Engine(policy, model=model, rules=rules, strict=strict, plugins=pm, **kwargs)

    return build


@pytest.fixture(scope="session")
def cx_engine(cx_engine_factory: EngineFactory) -> Engine:
    """An engine with only the configured plugins' rules and the default policy."""
    return cx_engine_factory()
