"""Built-in rules of the feedback practice: specific feedback, and feedback when asked."""

from __future__ import annotations

from collections.abc import Mapping

from ..events import Activity as A
from ..events import is_missing
from ..findings import Severity
from ..rule import ALWAYS, OWN_OBLIGATIONS, Option, Reaction, Rule
from ..step import Step, format_delta
from ._common import day as _day
from ._common import plural as _plural

__all__ = ["RULES", "FeedbackOnRequest", "SpecificFeedback"]


_NOT_SPECIFIC = "names no area with a concrete point to improve"


def _specific(step: Step) -> tuple[bool | None, str]:
    """Whether the event carries specific feedback, and why; ``None`` when nothing says.

    Structured ``items`` win over the text: feedback is specific when one item names both
    an ``area`` and a ``detail``.  Without items, the text analysers judge the ``text``, and
    the reason is theirs ("names an area (experience) but no concrete way to improve"); a
    text in a language no analyser reads is ``None``.  The reason never quotes the text.
    """
    items = step.attr("items")
    if isinstance(items, list | tuple) and items:
        specific = any(
            isinstance(item, Mapping)
            and not is_missing(item.get("area"))
            and not is_missing(item.get("detail"))
            for item in items
        )
        return specific, "" if specific else _NOT_SPECIFIC
    text = step.attr("text")
    if isinstance(text, str):
        verdict = step.text.feedback(text, step.attr("language"))
        return verdict.answer, verdict.reason
    return None, ""


class SpecificFeedback(Rule):
    code = "CX301"
    name = "specific-feedback"
    practice = "feedback"
    severity = Severity.WARNING
    evidence = frozenset({"rejected", "interview_held", "feedback_given"})
    summary = (
        "A candidate rejected after an interview (at least one by default) receives "
        "specific feedback within a number of business days of the rejection (5 by "
        "default): at least one item naming an area and a concrete detail (the items "
        "attribute), or text the analysers find specific. Feedback in the rejection itself "
        "counts. The first feedback_given after the rejection decides: feedback that is not "
        "specific is a violation that says so (a reason without a way to improve, advice "
        "without an area), and feedback with neither items nor text is unknown unless it is "
        "late anyway. The text is read in its own language (its language attribute, else the "
        "detected one); in a language no analyser reads, whether it is specific is unknown."
    )
    why = (
        "The Danish guide asks for constructive feedback with concrete areas to improve, "
        "such as technical skills or interview technique. In Talent Board's CandE research "
        "54% of candidates given feedback felt encouraged to apply again, and willingness "
        "to refer rose 24% when the feedback was specific; yet 60% of rejected candidates "
        "got none (2021)."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-02-16T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-02-18T11:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-02-26T13:00:00+01:00", "channel": "meeting"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T15:00:00+01:00", "channel": "phone", "reason": "less experience with Kubernetes"}',
        '{"case_id": "c1", "activity": "feedback_given", "timestamp": "2026-03-04T10:00:00+01:00", "channel": "email", "text": "Your Kubernetes basics were solid. I would recommend practising cluster networking and Helm charts before you apply for senior platform roles."}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-02-16T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-02-18T11:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-02-26T13:00:00+01:00", "channel": "meeting"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T15:00:00+01:00", "channel": "phone", "reason": "less experience with Kubernetes"}',
        '{"case_id": "c1", "activity": "feedback_given", "timestamp": "2026-03-04T10:00:00+01:00", "channel": "email", "text": "It was a close call. Best of luck in your search."}',
    )

    business_days = Option(
        5, "business days after the rejection allowed for the feedback", maximum=260
    )
    min_interviews = Option(
        1, "interviews held before a rejected candidate is owed feedback", minimum=1, maximum=50
    )
    cancelled_by: Option[tuple[str, ...]] = Option(
        (A.DATA_DELETED.value,),
        "activities after which feedback is no longer owed",
        of="activities",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset((A.REJECTED, A.FEEDBACK_GIVEN, *self.cancelled_by))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only the rejection opens; every other activity discharges its own obligation.
        return ALWAYS if activity == A.REJECTED else OWN_OBLIGATIONS

    def on_event(self, step: Step) -> None:
        activity = step.event.activity
        if activity == A.REJECTED:
            if step.case.count(A.INTERVIEW_HELD) < self.min_interviews:
                return
            specific, reason = _specific(step)
            if specific:
                why = f": its text {reason}" if reason else ""
                step.passed(
                    f"the rejection on {_day(step, step.event)} carries specific feedback{why}"
                )
                return
            days = self.business_days
            step.open(
                "feedback",
                step.business_days(days),
                f"specific feedback given within {_plural(days, 'business day')} of the rejection",
                "give the candidate specific feedback",
            )
        elif activity == A.FEEDBACK_GIVEN:
            self._judge(step)
        else:
            step.cancel("feedback")

    def _judge(self, step: Step) -> None:
        obligation = step.obligation("feedback")
        if obligation is None:
            return
        if obligation.expired:  # already reported when it expired
            step.cancel("feedback")
            return
        specific, reason = _specific(step)
        if specific:
            step.fulfil("feedback")
            return
        step.discharge("feedback")
        event = step.event
        evidence = (obligation.opened_by, event)
        late = event.timestamp - obligation.due if event.timestamp > obligation.due else None
        timing = (
            ""
            if late is None
            else f", and {format_delta(late)} late (due {obligation.due.isoformat()})"
        )
        day = _day(step, event)
        if specific is False:
            step.violated(
                f"feedback given on {day} is not specific: it {reason or _NOT_SPECIFIC}{timing}",
                evidence=evidence,
                due=obligation.due,
                late=late,
            )
        elif late is not None:
            step.violated(
                f"feedback given on {day} came {format_delta(late)} late (due "
                f"{obligation.due.isoformat()})",
                evidence=evidence,
                due=obligation.due,
                late=late,
            )
        elif reason:
            step.unknown(
                f"feedback given on {day} in time, but whether it is specific is unknown: "
                f"the text is {reason}"
                if reason.startswith("written")
                else f"feedback given on {day} in time, but whether it is specific is unknown: "
                f"{reason}",
                missing="items",
                evidence=evidence,
            )
        else:
            step.unknown(
                f"feedback given on {day} in time, but with neither items nor text recorded, "
                "so whether it is specific is unknown",
                missing="items",
                evidence=evidence,
            )


class FeedbackOnRequest(Rule):
    code = "CX302"
    name = "feedback-on-request"
    practice = "feedback"
    severity = Severity.WARNING
    evidence = frozenset({"feedback_requested", "feedback_given"})
    summary = (
        "A candidate who asks for feedback (feedback_requested) receives it (feedback_given) "
        "within a number of business days, 5 by default. Asking again while a request is "
        "unanswered keeps the first deadline. Deleting the candidate's data ends what is "
        "owed."
    )
    why = (
        "The Danish guide asks employers to let candidates ask for more feedback, and to "
        "give it. Talent Board's CandE research found that 60% of rejected candidates got "
        "no feedback (2021), while 54% of those given feedback felt encouraged to apply "
        "again."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-05T10:00:00+01:00", "channel": "email", "reason": "other candidates matched better"}',
        '{"case_id": "c1", "activity": "feedback_requested", "timestamp": "2026-03-06T08:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "feedback_given", "timestamp": "2026-03-12T14:00:00+01:00", "channel": "phone"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-05T10:00:00+01:00", "channel": "email", "reason": "other candidates matched better"}',
        '{"case_id": "c1", "activity": "feedback_requested", "timestamp": "2026-03-06T08:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "feedback_given", "timestamp": "2026-03-17T14:00:00+01:00", "channel": "phone"}',
    )

    business_days = Option(
        5, "business days allowed to give feedback once it is requested", maximum=260
    )
    cancelled_by: Option[tuple[str, ...]] = Option(
        (A.DATA_DELETED.value,),
        "activities after which requested feedback is no longer owed",
        of="activities",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset((A.FEEDBACK_REQUESTED, A.FEEDBACK_GIVEN, *self.cancelled_by))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only a request opens; every other activity discharges its own obligation.
        return ALWAYS if activity == A.FEEDBACK_REQUESTED else OWN_OBLIGATIONS

    def on_event(self, step: Step) -> None:
        activity = step.event.activity
        if activity == A.FEEDBACK_REQUESTED:
            if step.obligation("request") is not None:
                return
            days = self.business_days
            step.open(
                "request",
                step.business_days(days),
                f"requested feedback given within {_plural(days, 'business day')}",
                "give the candidate the feedback they asked for",
            )
        elif activity == A.FEEDBACK_GIVEN:
            step.fulfil("request")
        else:
            step.cancel("request")


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (SpecificFeedback, FeedbackOnRequest)
