"""Built-in rules of the communication practice: reasons, personal rejections, answers, contact."""

from __future__ import annotations

from typing import Any

from ..events import Activity as A
from ..events import Event
from ..findings import Severity
from ..obligations import Obligation
from ..rule import ALWAYS, EVERY_ACTIVITY, NEVER, OWN_OBLIGATIONS, Option, Reaction, Rule
from ..shapes import Timer, run_timer
from ..step import Step
from ._common import PERSONAL as _PERSONAL
from ._common import day as _day
from ._common import either as _either
from ._common import plural as _plural

__all__ = [
    "RULES",
    "NoGhosting",
    "PersonalRejection",
    "QuestionsAnswered",
    "RejectionReason",
    "SingleRejection",
]

_TERMINAL_STATES = ("hired", "rejected", "withdrawn", "declined")
#: Reasons that stand in for one: what a form leaves when the recruiter skipped the field.
_PLACEHOLDER_REASONS = frozenset({"-", "--", ".", "?", "n/a", "na", "none", "null", "tbd", "todo"})


class RejectionReason(Rule):
    code = "CX101"
    name = "rejection-reason"
    practice = "communication"
    severity = Severity.WARNING
    evidence = frozenset({"rejected", "rejected.reason"})
    summary = (
        "Every rejection records the reason the candidate was given (the attribute reason). "
        "A rejection without one, with a blank one or with a placeholder (n/a, -, tbd, none) "
        "is a violation rather than unknown: the missing reason is exactly what this rule "
        "looks for. The reason itself never appears in a report."
    )
    why = (
        "The Danish guide to rejected candidates puts an open, honest reason for the "
        "rejection first: it tells candidates why they were not chosen and what to work on. "
        "Talent Board's CandE research found that 60% of rejected candidates received no "
        "feedback at all (2021), and candidate resentment rose to 15% globally in 2025."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-05T10:00:00+01:00", "channel": "email", "reason": "other candidates had more experience with payroll systems"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-05T10:00:00+01:00", "channel": "email"}',
    )

    activities = frozenset({A.REJECTED.value})

    def on_event(self, step: Step) -> None:
        day = _day(step, step.event)
        reason = step.attr("reason")
        if reason is None:
            step.violated(f"rejected on {day} without a recorded reason")
        elif isinstance(reason, str) and reason.strip().casefold() in _PLACEHOLDER_REASONS:
            # What a form leaves when the field was skipped: no reason was given.
            step.violated(f"rejected on {day} with a placeholder for a reason")
        else:
            step.passed(f"rejection on {day} records a reason")


class PersonalRejection(Rule):
    code = "CX102"
    name = "personal-rejection"
    practice = "communication"
    severity = Severity.ERROR
    evidence = frozenset({"rejected.channel", "interview_held"})
    summary = (
        "A candidate who has been interviewed (at least once by default) is rejected in "
        "person: by phone, video or a meeting, not by email, letter, portal or text message. "
        "A rejection of an interviewed candidate with no channel recorded is unknown. "
        "Candidates who were never interviewed are not checked."
    )
    why = (
        "The Danish guide recommends rejecting personally, by phone or in a meeting, instead "
        "of with a standard e-mail: it shows respect and lets the candidate ask questions. "
        "Talent Board's CandE research found that in 2021 63% of rejected candidates heard "
        "from a do-not-reply address and only 6% got a phone call."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-02-16T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-02-18T11:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-02-26T13:00:00+01:00", "channel": "meeting"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T15:00:00+01:00", "channel": "phone", "reason": "another candidate had more team-lead experience"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-02-16T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-02-18T11:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-02-26T13:00:00+01:00", "channel": "meeting"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T15:00:00+01:00", "channel": "email", "reason": "another candidate had more team-lead experience"}',
    )

    min_interviews = Option(
        1, "interviews held before a rejection must be given in person", minimum=1, maximum=50
    )
    personal_channels: Option[tuple[str, ...]] = Option(
        _PERSONAL, "channels that count as a personal rejection"
    )

    activities = frozenset({A.REJECTED.value})

    def on_event(self, step: Step) -> None:
        interviews = list(step.case.having(A.INTERVIEW_HELD))
        if len(interviews) < self.min_interviews:
            return
        event = step.event
        day = _day(step, event)
        after = f"after {_plural(len(interviews), 'interview')} (last {_day(step, interviews[-1])})"
        evidence = (*interviews, event)
        channel = step.attr("channel")
        if channel is None:
            step.unknown(
                f"rejected on {day} {after}; the channel is not recorded",
                missing="channel",
                evidence=evidence,
            )
        elif channel in self.personal_channels:
            step.passed(f"rejected by {channel} on {day} {after}", evidence=evidence)
        else:
            step.violated(
                f"rejected by {channel} on {day} {after}; policy requires "
                f"{_either(self.personal_channels)}",
                evidence=evidence,
            )


class QuestionsAnswered(Rule):
    code = "CX103"
    name = "questions-answered"
    practice = "communication"
    severity = Severity.WARNING
    evidence = frozenset({"question_received", "question_answered"})
    summary = (
        "Every question from the candidate (question_received) is answered "
        "(question_answered) within a number of business days, 2 by default. Questions and "
        "answers are paired by question_id; asking an open question again keeps its first "
        "deadline. An answer without a question_id answers the oldest question still open; "
        "an answer whose question_id matches no open question answers the oldest open "
        "question that had no question_id. Deleting the candidate's data ends what is owed."
    )
    why = (
        "The Danish guide asks employers to be available to answer the candidate's questions "
        "throughout the process. In Talent Board's CandE research (2019), interview NPS rose "
        "from 45 to 83 when candidates heard where they stood the same day."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "question_received", "timestamp": "2026-03-06T16:00:00+01:00", "channel": "email", "question_id": "q1"}',
        '{"case_id": "c1", "activity": "question_answered", "timestamp": "2026-03-10T11:00:00+01:00", "channel": "email", "question_id": "q1"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "question_received", "timestamp": "2026-03-06T16:00:00+01:00", "channel": "email", "question_id": "q1"}',
        '{"case_id": "c1", "activity": "question_answered", "timestamp": "2026-03-12T11:00:00+01:00", "channel": "email", "question_id": "q1"}',
    )

    business_days = Option(2, "business days allowed to answer a question", maximum=260)
    cancelled_by: Option[tuple[str, ...]] = Option(
        (A.DATA_DELETED.value,),
        "activities after which open questions are no longer owed",
        of="activities",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset((A.QUESTION_RECEIVED, A.QUESTION_ANSWERED, *self.cancelled_by))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only a question opens; every other activity discharges its own obligation.
        return ALWAYS if activity == A.QUESTION_RECEIVED else OWN_OBLIGATIONS

    def on_event(self, step: Step) -> None:
        activity = step.event.activity
        question_id = step.attr("question_id")
        if activity == A.QUESTION_RECEIVED:
            if question_id is None:
                number = step.case.count(A.QUESTION_RECEIVED) + 1
                key, label = f"#{number}", f"question {number} (no question_id)"
            else:
                key, label = f"id:{question_id}", f"question {question_id}"
                if step.obligation(key) is not None:
                    return
            days = self.business_days
            step.open(
                key,
                step.business_days(days),
                f"{label} answered within {_plural(days, 'business day')}",
                "answer the candidate's question",
            )
        elif activity == A.QUESTION_ANSWERED:
            key = None
            if question_id is not None and step.obligation(f"id:{question_id}") is not None:
                key = f"id:{question_id}"
            else:
                key = self._oldest(step, anonymous_only=question_id is not None)
            if key is not None:
                step.fulfil(key)
        else:
            for obligation in self._open(step):
                step.cancel(obligation.key)

    def _open(self, step: Step) -> list[Obligation]:
        # Oldest question first; the list order breaks ties between questions of one moment.
        mine = [o for o in step.obligations if o.code == self.code]
        return sorted(mine, key=lambda o: o.opened_by.timestamp)

    def _oldest(self, step: Step, *, anonymous_only: bool) -> str | None:
        for obligation in self._open(step):
            if not anonymous_only or obligation.key.startswith("#"):
                return obligation.key
        return None


class NoGhosting(Rule):
    code = "CX104"
    name = "no-ghosting"
    practice = "communication"
    severity = Severity.ERROR
    # A source that records no message to the candidate cannot show that they heard
    # nothing, and one without interviews cannot show that no invitation filled a gap.
    evidence = frozenset(
        {
            "application_received",
            "application_acknowledged|status_update_sent|process_info_sent",
            "interview_scheduled",
        }
    )
    summary = (
        "While a case is open the candidate never goes more than a number of calendar days "
        "(14 by default) without hearing from the employer. The clock starts at the "
        "application and restarts at every candidate-facing activity (acknowledgement, "
        "process information, interviews, answers, status updates, feedback, offers, "
        "thanks); it stops when the case reaches a closed state (hired, rejected, withdrawn, "
        "declined). A gap that is already over when the case closes is still reported."
    )
    why = (
        "Talent Board's CandE research found that in 2022 34% of North American candidates "
        "had heard nothing one to two months after applying (36% in 2023, 70% in EMEA); "
        "Trustcruit reports that 23% of rejected candidates say they were never told. "
        "Award-winning employers never take more than one to two weeks."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "application_acknowledged", "timestamp": "2026-03-03T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "status_update_sent", "timestamp": "2026-03-16T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-27T14:00:00+01:00", "channel": "email", "reason": "the role was filled internally"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "application_acknowledged", "timestamp": "2026-03-03T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-27T14:00:00+01:00", "channel": "email", "reason": "the role was filled internally"}',
    )

    days = Option(14, "calendar days a candidate may go without contact", minimum=1, maximum=366)
    contacts: Option[tuple[str, ...]] = Option(
        (
            A.APPLICATION_ACKNOWLEDGED.value,
            A.PROCESS_INFO_SENT.value,
            A.INTERVIEW_SCHEDULED.value,
            A.INTERVIEW_RESCHEDULED.value,
            A.INTERVIEW_HELD.value,
            A.QUESTION_ANSWERED.value,
            A.STATUS_UPDATE_SENT.value,
            A.FEEDBACK_GIVEN.value,
            A.OFFER_MADE.value,
            A.REJECTED.value,
            A.THANK_YOU_SENT.value,
            A.TALENT_POOL_OFFERED.value,
        ),
        "candidate-facing activities that restart the clock",
        of="activities",
    )
    closed_states: Option[tuple[str, ...]] = Option(
        _TERMINAL_STATES,
        "states in which the case is closed and the clock stops",
        of="states",
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Read at every event of every case: as sets, and the whole deadline as one timer.
        self._contacts = frozenset(self.contacts)
        self._closed = frozenset(self.closed_states)
        # A contact fulfils; a move into a closed state cancels; a contact or the application
        # in an open state (re)opens.
        self._timer = Timer(
            "contact",
            self._contacts,
            frozenset(),
            self._closed,
            self._contacts | {A.APPLICATION_RECEIVED.value},
            self.days,
            False,
            f"candidate contacted within {_plural(self.days, 'day')} of the last contact",
            "send the candidate a status update",
        )

    def subscriptions(self) -> frozenset[str]:
        # Every activity: any of them may close the case, and closing is read from the state.
        return frozenset((EVERY_ACTIVITY, *self.contacts))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # As on_event: a contact fulfils; a closed state cancels, an open one (re)opens
        # after a contact or the application; any other activity in an open state is idle.
        if state in self._closed:
            return OWN_OBLIGATIONS
        if activity in self._timer.open_on:
            return ALWAYS
        return NEVER

    def _compiled_timer(self) -> Timer | None:
        return self._timer if type(self).on_event is NoGhosting.on_event else None

    def on_event(self, step: Step) -> None:
        run_timer(self._timer, step)


class SingleRejection(Rule):
    code = "CX105"
    name = "single-rejection"
    practice = "communication"
    severity = Severity.WARNING
    evidence = frozenset({"rejected"})
    summary = (
        "A case has at most one rejection (by default), and a candidate holding an "
        "outstanding offer is never rejected. In the default process model a second "
        "rejection is already an illegal transition (CX001), and rules never see illegal "
        "events, so there this rule checks only the offer; it checks the count for process "
        "models that let a closed case be rejected again."
    )
    why = (
        "Samfundet's recruitment system (issue #736) settled on exactly one rejection notice "
        "per applicant, never sent to someone holding an offer; Frappe HRMS (issues #680, "
        "#3389) shows how a closed case without a guard mixes offers and rejections."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-12T14:00:00+01:00", "channel": "phone", "reason": "another candidate was stronger in SQL"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "offer_made", "timestamp": "2026-03-12T14:00:00+01:00", "channel": "phone"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-16T09:00:00+01:00", "channel": "email", "reason": "budget withdrawn"}',
    )

    max_rejections = Option(1, "rejections allowed per case", minimum=1, maximum=100)
    offer_states: Option[tuple[str, ...]] = Option(
        ("offer",),
        "states in which the candidate holds an outstanding offer",
        of="states",
    )

    activities = frozenset({A.REJECTED.value})

    def on_event(self, step: Step) -> None:
        event = step.event
        earlier = list(step.case.having(A.REJECTED))
        problems: list[str] = []
        evidence: list[Event] = []
        if len(earlier) >= self.max_rejections:
            problems.append(
                f"it is rejection {len(earlier) + 1} of the case, at most "
                f"{self.max_rejections} allowed (first on {_day(step, earlier[0])})"
            )
            evidence.extend(earlier)
        if step.previous in self.offer_states:
            offer = step.case.last(A.OFFER_MADE)
            made = f" made on {_day(step, offer)}" if offer is not None else ""
            problems.append(f"the candidate held an outstanding offer{made}")
            if offer is not None:
                evidence.append(offer)
        day = _day(step, event)
        if problems:
            step.violated(
                f"rejected on {day} although {' and '.join(problems)}",
                evidence=(*sorted(evidence, key=lambda e: e.timestamp), event),
            )
        else:
            step.passed(f"rejection on {day} is the case's only one and no offer was open")


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (
    RejectionReason,
    PersonalRejection,
    QuestionsAnswered,
    NoGhosting,
    SingleRejection,
)
