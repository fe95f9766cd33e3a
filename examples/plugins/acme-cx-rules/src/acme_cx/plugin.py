"""The entry point cx-rules loads: it hands over ACME's rules and its report format."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cx_rules import Report, Rule, hookimpl

from .rules import ManagerCallsFinalRound, MobilityMeeting, NoFridayAfternoonRejections
from .summary import digest


@hookimpl
def cx_rules_rules() -> Sequence[type[Rule]]:
    return [ManagerCallsFinalRound, NoFridayAfternoonRejections, MobilityMeeting]


@hookimpl
def cx_rules_report_formats() -> Mapping[str, Callable[[Report], str]]:
    return {"acme-digest": digest}
