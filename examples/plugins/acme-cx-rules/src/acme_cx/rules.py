"""ACME's policies, each a cx-rules rule shape in a few lines."""

from __future__ import annotations

from cx_rules import Option, ProcessModel, Severity, Step
from cx_rules.shapes import DeadlineRule, Prohibition, StateRule

__all__ = [
    "AssessmentReviewed",
    "ManagerCallsFinalRound",
    "MobilityMeeting",
    "NoFridayAfternoonRejections",
    "with_assessment",
]


class ManagerCallsFinalRound(StateRule):
    code = "ACME101"
    name = "manager-calls-final-round"
    practice = "communication"
    severity = Severity.WARNING
    summary = (
        "A candidate rejected after a final-round interview is called by the hiring manager, "
        "not by a recruiter (the rejection's actor_role is hiring_manager)."
    )
    why = "Final-round candidates invested the most; ACME's hiring managers owe them the call."
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-03T09:00:00+01:00", "round": "final"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-09T11:00:00+01:00", "actor_role": "hiring_manager", "channel": "phone"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-03T09:00:00+01:00", "round": "final"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-09T11:00:00+01:00", "actor_role": "recruiter", "channel": "phone"}',
    )
    when = "rejected"
    in_states = ("interviewing",)
    message = "a final-round candidate was not rejected by the hiring manager"

    def require(self, step: Step) -> bool | None:
        final = any(e.get("round") == "final" for e in step.case.having("interview_scheduled"))
        if not final:
            return None
        role = step.attr("actor_role")
        return None if role is None else role == "hiring_manager"


class NoFridayAfternoonRejections(Prohibition):
    code = "ACME102"
    name = "no-friday-afternoon-rejections"
    practice = "communication"
    severity = Severity.INFO
    summary = (
        "No rejection is sent on a Friday after 15:00 (local time in the policy's time zone), "
        "so nobody spends the weekend with bad news and no one to ask."
    )
    why = "ACME's people team found weekend rejections drew the angriest reviews."
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-06T11:00:00+01:00", "reason": "experience", "channel": "email"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-06T16:30:00+01:00", "reason": "experience", "channel": "email"}',
    )
    activity = "rejected"
    message = "rejected on a Friday afternoon"

    after_hour = Option(
        15, "the hour on Fridays from which rejections wait until Monday", maximum=23
    )

    def forbidden(self, step: Step) -> bool:
        local = step.event.timestamp.astimezone(step.calendar.timezone)
        return local.weekday() == 4 and local.hour >= self.after_hour


class MobilityMeeting(DeadlineRule):
    code = "ACME103"
    name = "mobility-meeting"
    practice = "experience"
    severity = Severity.WARNING
    summary = (
        "A candidate from ACME's internal mobility programme (application attribute "
        "mobility = true) is invited to a meeting within 3 business days of applying."
    )
    why = "Internal candidates talk to each other: a slow answer costs trust across the company."
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-06T10:00:00+01:00", "mobility": true}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-10T10:00:00+01:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-06T10:00:00+01:00", "mobility": true}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-12T10:00:00+01:00"}',
    )
    after = "application_received"
    then = ("interview_scheduled",)
    within = Option(3, "business days to invite an internal candidate to a meeting", maximum=260)
    action = "invite the internal candidate to a meeting"

    def applies(self, step: Step) -> bool:
        return step.attr("mobility") is True


def with_assessment(model: ProcessModel) -> ProcessModel:
    """``model`` with ACME's work-sample stage: screening --assessment_sent--> assessment,
    where the candidate's ``assessment_submitted`` arrives, and from which the case goes on
    to interviews or closes as in screening."""
    staying = {
        a: "assessment" for a, to in model.transitions["screening"].items() if to == "screening"
    }
    return model.extend(
        {
            "screening": {"assessment_sent": "assessment"},
            "assessment": {
                **staying,
                "assessment_submitted": "assessment",
                "interview_scheduled": "interviewing",
                "rejected": "rejected",
                "withdrawn": "withdrawn",
                "data_deleted": "withdrawn",
            },
        }
    )


class AssessmentReviewed(DeadlineRule):
    code = "ACME104"
    name = "assessment-reviewed"
    practice = "experience"
    severity = Severity.WARNING
    summary = (
        "A submitted work sample is answered (an interview, or a rejection) within 5 business days."
    )
    why = "A candidate who spent an evening on a work sample deserves a quick verdict on it."
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "screening_started", "timestamp": "2026-03-03T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "assessment_sent", "timestamp": "2026-03-03T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "assessment_submitted", "timestamp": "2026-03-05T20:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-10T10:00:00+01:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "screening_started", "timestamp": "2026-03-03T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "assessment_sent", "timestamp": "2026-03-03T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "assessment_submitted", "timestamp": "2026-03-05T20:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-16T10:00:00+01:00", "reason": "other candidates"}',
    )
    after = "assessment_submitted"
    then = ("interview_scheduled", "rejected")
    within = Option(5, "business days to answer a submitted work sample", maximum=260)
    action = "review the work sample and tell the candidate"
