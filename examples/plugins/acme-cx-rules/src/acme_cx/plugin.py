"""The entry point cx-rules loads: ACME's process model, its rules and its report format."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cx_rules import ProcessModel, Report, Rule, hookimpl

from .rules import (
    AssessmentReviewed,
    ManagerCallsFinalRound,
    MobilityMeeting,
    NoFridayAfternoonRejections,
    with_assessment,
)
from .summary import digest


@hookimpl
def cx_rules_process_model(model: ProcessModel) -> ProcessModel:
    # ACME104's activities exist only in ACME's process: without this hook, building an
    # engine with ACME104 fails, naming the rule, the activity and this hook.
    return with_assessment(model)


@hookimpl
def cx_rules_rules() -> Sequence[type[Rule]]:
    return [
        ManagerCallsFinalRound,
        NoFridayAfternoonRejections,
        MobilityMeeting,
        AssessmentReviewed,
    ]


@hookimpl
def cx_rules_report_formats() -> Mapping[str, Callable[[Report], str]]:
    return {"acme-digest": digest}
