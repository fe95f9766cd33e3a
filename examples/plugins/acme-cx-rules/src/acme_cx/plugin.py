"""The entry point cx-rules loads: it hands over ACME's rules."""

from __future__ import annotations

from collections.abc import Sequence

from cx_rules import Rule, hookimpl

from .rules import ManagerCallsFinalRound, MobilityMeeting, NoFridayAfternoonRejections


@hookimpl
def cx_rules_rules() -> Sequence[type[Rule]]:
    return [ManagerCallsFinalRound, NoFridayAfternoonRejections, MobilityMeeting]
