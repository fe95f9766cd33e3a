"""A plugin rule that calls sys.exit(0) on every event."""

import sys

from cx_rules import EVERY_ACTIVITY, Rule, Severity, hookimpl


class Exits(Rule):
    code = "BAD903"
    name = "exits"
    practice = "process"
    severity = Severity.ERROR
    activities = frozenset({EVERY_ACTIVITY})
    summary = "Calls sys.exit(0) on every event."

    def on_event(self, step):
        sys.exit(0)


@hookimpl
def cx_rules_rules():
    return [Exits]
