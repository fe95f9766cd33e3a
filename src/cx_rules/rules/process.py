"""Rules about the process itself; the engine applies these directly."""

from __future__ import annotations

from ..findings import Severity
from ..rule import Rule

__all__ = ["RULES", "IllegalTransition", "RuleError", "UnknownActivity", "UnusedWaiver"]


class RuleError(Rule):
    code = "CX000"
    name = "rule-error"
    practice = "process"
    severity = Severity.ERROR
    summary = (
        "A rule raised an exception while judging an event. The rule's other checks on that "
        "event are dropped, every other rule still runs, and the finding names the rule, its "
        "plugin and the exception."
    )
    why = (
        "A broken rule must neither crash an audit nor pass silently: a report that hides a "
        "failed check would be trusted for something it never checked."
    )


class IllegalTransition(Rule):
    code = "CX001"
    name = "illegal-transition"
    practice = "process"
    severity = Severity.ERROR
    summary = (
        "Every event must be allowed in the state the case is in: no offer after a rejection, "
        "no interview after the candidate withdrew. An event that is not allowed leaves the "
        "case unchanged; in strict mode it raises TransitionNotAllowed instead."
    )
    why = (
        "Applicant tracking systems have sent job offers to candidates they had already "
        "rejected (Frappe HRMS issues #680 and #3389): a closed case needs a guard, and an "
        "audit needs to see where the process broke."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-04T10:00:00+01:00", '
        '"reason": "other candidates matched better", "channel": "email"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-04T10:00:00+01:00", '
        '"reason": "other candidates matched better", "channel": "email"}',
        '{"case_id": "c1", "activity": "offer_made", "timestamp": "2026-03-09T10:00:00+01:00"}',
    )


class UnusedWaiver(Rule):
    code = "CX002"
    name = "unused-waiver"
    practice = "process"
    severity = Severity.WARNING
    summary = (
        "Every waiver in the policy covers at least one finding in an audit and has not "
        "expired by the audit's cut-off. The finding names the waiver, its rule, its cases and "
        "its expiry date; it belongs to the policy, not to a case."
    )
    why = (
        "An exception without an end outlives its reason: like ruff's unused-noqa check, "
        "reporting waivers that no longer match anything keeps a policy's exceptions few, "
        "current and justified."
    )


class UnknownActivity(Rule):
    code = "CX003"
    name = "unknown-activity"
    practice = "process"
    severity = Severity.ERROR
    summary = (
        "Every event's activity must be one the process model knows. An unknown activity (a "
        "misspelling such as aplication_acknowledged, or a stage a plugin's model was meant "
        "to add) is not recorded: the case stays as it was, and the finding names the "
        "activity and the closest known ones. It always runs, like CX000; in strict mode it "
        "raises UnknownActivity instead. An audit counts such events as unmapped, per "
        "activity, before they reach the engine."
    )
    why = (
        "An event nobody understands must not vanish: dropped silently, the acknowledgement "
        "a recruiter sent under a misspelt name would make CX401 report a violation that "
        "never happened, and nothing would say why."
    )


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (RuleError, IllegalTransition, UnusedWaiver, UnknownActivity)
