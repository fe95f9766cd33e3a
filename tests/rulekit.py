"""Helpers shared by the rule tests: an engine with only the rules under test, one case."""

from __future__ import annotations

from datetime import date
from typing import Any

from cx_rules import Engine, Policy, ProcessModel
from cx_rules.events import Event
from cx_rules.findings import Finding
from cx_rules.rule import Rule
from cx_rules.testing import event, findings_of

CPH = "Europe/Copenhagen"


def engine(
    *rules: type[Rule],
    holidays: tuple[date, ...] = (),
    model: ProcessModel | None = None,
    missing_evidence: str = "unknown",
    **options: Any,
) -> Engine:
    """An engine in Copenhagen time with only ``rules``; ``options`` go to the first one."""
    policy = Policy(
        timezone=CPH,
        holidays=holidays,
        missing_evidence=missing_evidence,
        rules={rules[0].code: options} if options else {},
    )
    return Engine(policy, rules=rules, model=model)


def ev(activity: str, timestamp: str, **attributes: object) -> Event:
    """An event of case ``c1``."""
    return event("c1", activity, timestamp, **attributes)


def only(found: list[Finding], code: str) -> Finding:
    """The one finding of rule ``code``; fails when there is none or more than one."""
    [finding] = findings_of(found, code)
    return finding
