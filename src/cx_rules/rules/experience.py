"""Rules about the candidate's experience of the process: pace and clarity."""

from __future__ import annotations

from ..events import Activity as A
from ..findings import Severity
from ..rule import Option, Rule
from ..step import Step

__all__ = ["RULES", "AcknowledgeApplication"]


class AcknowledgeApplication(Rule):
    code = "CX401"
    name = "acknowledge-application"
    practice = "experience"
    severity = Severity.WARNING
    summary = (
        "Every application is acknowledged to the candidate within a number of business days "
        "(2 by default). A message that tells the candidate more (process information, an "
        "interview invitation, a status update or the decision itself) also counts."
    )
    why = (
        "Award-winning employers in Talent Board's candidate-experience research decide within "
        "3-5 days of an application; in 2022, 34% of North American candidates had heard "
        "nothing after one to two months. Assemble's stage SLA gives an application 2 days "
        "(ideal) to 4 (maximum)."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-06T16:00:00+01:00"}',
        '{"case_id": "c1", "activity": "application_acknowledged", "timestamp": "2026-03-10T16:00:00+01:00", "channel": "email"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-06T16:00:00+01:00"}',
        '{"case_id": "c1", "activity": "application_acknowledged", "timestamp": "2026-03-11T09:00:00+01:00", "channel": "email"}',
    )

    business_days = Option(2, "business days allowed between application and acknowledgement")
    acknowledged_by: Option[tuple[str, ...]] = Option(
        (
            A.APPLICATION_ACKNOWLEDGED.value,
            A.PROCESS_INFO_SENT.value,
            A.INTERVIEW_SCHEDULED.value,
            A.STATUS_UPDATE_SENT.value,
            A.REJECTED.value,
        ),
        "activities that count as an acknowledgement",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset(
            (A.APPLICATION_RECEIVED, A.WITHDRAWN, A.DATA_DELETED, *self.acknowledged_by)
        )

    def on_event(self, step: Step) -> None:
        activity = step.event.activity
        if activity == A.APPLICATION_RECEIVED:
            days = self.business_days
            step.open(
                "ack",
                step.business_days(days),
                f"application acknowledged within {days} business days",
                "acknowledge the application",
            )
        elif activity in self.acknowledged_by:
            step.fulfil("ack")
        else:  # the candidate left before an acknowledgement was due
            step.cancel("ack")


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (AcknowledgeApplication,)
