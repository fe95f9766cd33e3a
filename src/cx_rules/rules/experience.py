"""Rules about the candidate's experience of the process: pace and clarity."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from ..case import Case
from ..events import Activity as A
from ..events import Event, parse_timestamp
from ..exceptions import InvalidEvent
from ..findings import Severity
from ..rule import ALWAYS, OWN_OBLIGATIONS, Option, Reaction, Rule
from ..shapes import DeadlineRule
from ..step import Step, format_delta

__all__ = [
    "RULES",
    "AcknowledgeApplication",
    "DecisionTimeliness",
    "InterviewPunctuality",
    "ProcessTransparency",
    "RescheduleCourtesy",
    "TimeToDisposition",
]

_SCHEDULING = frozenset({A.INTERVIEW_SCHEDULED, A.INTERVIEW_RESCHEDULED})
# Any one of these is a message to the candidate a source must be able to record.
_MESSAGES: Final = "application_acknowledged|status_update_sent|process_info_sent"
# The candidate left: nothing is owed to them any more.
_GONE = frozenset({A.WITHDRAWN, A.DATA_DELETED})


class AcknowledgeApplication(DeadlineRule):
    code = "CX401"
    name = "acknowledge-application"
    practice = "experience"
    severity = Severity.WARNING
    # A source that records no message to the candidate cannot show an acknowledgement.
    evidence = frozenset({"application_received", _MESSAGES})
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

    # A deadline shape (cx_rules.shapes): its options keep the names they had before it was one.
    after = A.APPLICATION_RECEIVED.value
    then = (A.APPLICATION_ACKNOWLEDGED.value,)
    key = "ack"
    action = "acknowledge the application"

    business_days = Option(  # type: ignore[assignment]
        2, "business days allowed between application and acknowledgement", maximum=260
    )
    acknowledged_by: Option[tuple[str, ...]] = Option(
        (
            A.APPLICATION_ACKNOWLEDGED.value,
            A.PROCESS_INFO_SENT.value,
            A.INTERVIEW_SCHEDULED.value,
            A.STATUS_UPDATE_SENT.value,
            A.REJECTED.value,
        ),
        "activities that count as an acknowledgement",
        of="activities",
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._owed = f"application acknowledged within {self.business_days} business days"

    def days_allowed(self) -> int:
        return int(self.business_days)

    def counts_business_days(self) -> bool:
        return True

    def discharged_by(self) -> tuple[str, ...]:
        return self.acknowledged_by

    def owed(self) -> str:
        return self._owed


def _interview_key(event: Event) -> str | None:
    # Ids may come as numbers from JSON and as text from CSV: compare them as text.  Events
    # without an id share the key None, so a log with one unnamed interview still matches.
    value = event.get("interview_id")
    return None if value is None else str(value)


def _latest_schedule(case: Case, key: str | None) -> Event | None:
    """The latest ``interview_scheduled``/``interview_rescheduled`` of interview ``key``."""
    for e in reversed(case.events):
        if e.activity in _SCHEDULING and _interview_key(e) == key:
            return e
    return None


def _moment(event: Event, name: str) -> datetime | None:
    """Attribute ``name`` as an aware datetime, or ``None`` when absent or unreadable."""
    value = event.get(name)
    if value is None:
        return None
    try:
        return parse_timestamp(value, where=name)
    except InvalidEvent:
        return None


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:g} minutes"


def _delay(delta: timedelta) -> str:
    if delta < timedelta(0):
        return f"{_minutes(-delta)} early"
    return f"{_minutes(delta)} late"


class ProcessTransparency(Rule):
    code = "CX402"
    name = "process-transparency"
    practice = "experience"
    severity = Severity.WARNING
    evidence = frozenset({"process_info_sent", "interview_scheduled"})
    summary = (
        "Before (or together with) the first interview invitation, the candidate is told how "
        "the process works: its steps, who they will meet and when to expect an answer. The "
        "rule judges the first invitation of each case: it passes when process information "
        "was recorded earlier in the case, or at the same moment (an audit replays events of "
        "one moment in process order, the information before the invitation), and is "
        "violated otherwise. Later invitations are not judged."
    )
    why = (
        "Clear instructions about the process are one of the practices of the whole candidate "
        "experience. In Talent Board's 2021 CandE research, 32% of candidates got no "
        "preparation at all before their interview."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "process_info_sent", "timestamp": "2026-03-04T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:05:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:05:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
    )

    informed_by: Option[tuple[str, ...]] = Option(
        (A.PROCESS_INFO_SENT.value,),
        "activities that give the candidate process information",
        of="activities",
    )
    invitations: Option[tuple[str, ...]] = Option(
        (A.INTERVIEW_SCHEDULED.value,),
        "activities that invite to an interview; the first one in a case is judged",
        of="activities",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset(self.invitations)

    def on_event(self, step: Step) -> None:
        history = step.case.events
        if any(e.activity in self.invitations for e in history):
            return  # only the first invitation is judged
        invitation = step.event
        info = next((e for e in history if e.activity in self.informed_by), None)
        if info is None:
            step.violated(
                f"the first interview invitation ({invitation.describe()}) was sent before "
                "any information about the process",
                evidence=(invitation,),
            )
        else:
            step.passed(
                f"process information ({info.describe()}) came before the first interview "
                f"invitation ({invitation.describe()})",
                evidence=(info, invitation),
            )


class InterviewPunctuality(Rule):
    code = "CX403"
    name = "interview-punctuality"
    practice = "experience"
    severity = Severity.WARNING
    evidence = frozenset({"interview_held.started_at|interview_held.delay_minutes"})
    summary = (
        "Every interview starts no more than a few minutes (10 by default) after the time it "
        "was scheduled for. The delay is the held interview's delay_minutes when recorded; "
        "otherwise its started_at minus its scheduled_for, where scheduled_for comes from the "
        "held event or else from the latest interview_scheduled or interview_rescheduled "
        "with the same interview_id. When neither the delay nor both times are recorded, the "
        "outcome is unknown and names the missing attribute."
    )
    why = (
        "Being on time for interviews is part of a professional process in the practices this "
        "catalogue follows; a candidate left waiting concludes how the employer values their "
        "time. Talent Board's CandE research counts 15% of candidates (2025) as resentful: "
        "they will never engage with the employer again."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-03-10T11:00:00+01:00", "interview_id": "i1", "started_at": "2026-03-10T10:05:00+01:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-03-10T11:00:00+01:00", "interview_id": "i1", "started_at": "2026-03-10T10:25:00+01:00"}',
    )
    activities = frozenset({A.INTERVIEW_HELD})

    minutes = Option(10, "minutes an interview may start after its scheduled time", maximum=1440)

    def on_event(self, step: Step) -> None:
        held = step.event
        allowed = timedelta(minutes=self.minutes)
        evidence: tuple[Event, ...] = (held,)
        due: datetime | None = None
        recorded = held.get("delay_minutes")
        if recorded is not None:
            if not isinstance(recorded, int | float) or isinstance(recorded, bool):
                step.unknown(
                    f"punctuality of the interview ({held.describe()}) cannot be judged: "
                    "delay_minutes is not a number",
                    missing="delay_minutes",
                )
                return
            delay = timedelta(minutes=recorded)
        else:
            started = _moment(held, "started_at")
            if started is None:
                step.unknown(
                    f"punctuality of the interview ({held.describe()}) cannot be judged: "
                    "neither delay_minutes nor a started_at with a time zone is recorded",
                    missing="started_at",
                )
                return
            scheduled = _moment(held, "scheduled_for")
            if scheduled is None:
                schedule = _latest_schedule(step.case, _interview_key(held))
                scheduled = None if schedule is None else _moment(schedule, "scheduled_for")
                if schedule is not None:
                    evidence = (schedule, held)
            if scheduled is None:
                step.unknown(
                    f"punctuality of the interview ({held.describe()}) cannot be judged: no "
                    "scheduled_for with a time zone is recorded for it",
                    missing="scheduled_for",
                    evidence=evidence,
                )
                return
            delay = started - scheduled
            due = scheduled + allowed
        if delay <= allowed:
            step.passed(
                f"the interview ({held.describe()}) started within {self.minutes} minutes of "
                f"its scheduled time ({_delay(delay)})",
                evidence=evidence,
            )
        else:
            step.violated(
                f"the interview ({held.describe()}) started {_minutes(delay)} after its "
                f"scheduled time; at most {self.minutes} minutes are allowed",
                evidence=evidence,
                due=due,
                late=delay - allowed,
            )


class DecisionTimeliness(Rule):
    code = "CX404"
    name = "decision-timeliness"
    practice = "experience"
    severity = Severity.ERROR
    evidence = frozenset({"interview_held"})
    summary = (
        "After an interview is held, the candidate hears the next step (another interview "
        "invitation, an offer or a rejection) within a number of business days (10 by "
        "default). Each held interview starts the clock again; an interview that is already "
        "scheduled with another interview_id and still to come counts as the next step, so "
        "no clock starts. A withdrawal or deletion of the candidate's data ends the clock."
    )
    why = (
        "Waiting after an interview is where silence hurts most: in Talent Board's CandE "
        "research (2019), candidates' interview NPS rose from 45 to 83 when they were told "
        "their status the same day. Gem's SLA on Greenhouse warns after 24 hours without a "
        "decision and counts it missed after 36."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-03-10T11:00:00+01:00", "interview_id": "i1"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-17T14:00:00+01:00", "channel": "phone"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-03-10T11:00:00+01:00", "interview_id": "i1"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-30T14:00:00+02:00", "channel": "phone"}',
    )

    business_days = Option(
        10, "business days allowed between an interview and the next step", maximum=260
    )
    next_steps: Option[tuple[str, ...]] = Option(
        (A.INTERVIEW_SCHEDULED.value, A.OFFER_MADE.value, A.REJECTED.value),
        "activities that tell the candidate the next step",
        of="activities",
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._next_steps = frozenset(self.next_steps)
        self._owed = f"next step after the interview within {self.business_days} business days"

    def subscriptions(self) -> frozenset[str]:
        return frozenset((A.INTERVIEW_HELD, *_GONE, *self.next_steps))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only a held interview opens; every other activity discharges its own obligation.
        return ALWAYS if activity == A.INTERVIEW_HELD else OWN_OBLIGATIONS

    def on_event(self, step: Step) -> None:
        activity = step.event.activity
        if activity == A.INTERVIEW_HELD:
            if _interview_to_come(step.case, step.event):
                return
            step.open(
                "decision",
                step.business_days(self.business_days),
                self._owed,
                "tell the candidate the next step after their interview",
            )
        elif activity in self._next_steps:
            step.fulfil("decision")
        else:
            step.cancel("decision")


def _interview_to_come(case: Case, held: Event) -> bool:
    """Whether another named interview is scheduled and not yet held at ``held``'s time."""
    this = _interview_key(held)
    done = {_interview_key(e) for e in case.events if e.activity == A.INTERVIEW_HELD}
    for key in {_interview_key(e) for e in case.events if e.activity in _SCHEDULING}:
        if key is None or key == this or key in done:
            continue
        schedule = _latest_schedule(case, key)
        when = None if schedule is None else _moment(schedule, "scheduled_for")
        # Without a time we cannot tell a stale schedule from a future one: trust it.
        if when is None or when > held.timestamp:
            return True
    return False


class TimeToDisposition(DeadlineRule):
    code = "CX405"
    name = "time-to-disposition"
    practice = "experience"
    severity = Severity.WARNING
    evidence = frozenset({"application_received"})
    summary = (
        "The first decision on an application comes within a number of calendar days (14 by "
        "default). A decision is screening_started (the application was read and moves on), "
        "an interview invitation sent straight from the application (it moves the case on "
        "just as screening does), or a rejection. A withdrawal or deletion of the "
        "candidate's data ends the clock."
    )
    why = (
        "In Talent Board's CandE research, award-winning employers decide within 3-5 days of "
        "an application and never take more than 1-2 weeks, while 34% of North American "
        "candidates (2022) had heard nothing after one to two months. Assemble's stage SLA "
        "allows a selection 7 days (ideal) to 14 (maximum)."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "screening_started", "timestamp": "2026-03-05T13:00:00+01:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "screening_started", "timestamp": "2026-03-20T13:00:00+01:00"}',
    )

    # A deadline shape in calendar days; its options keep the names they had before.
    after = A.APPLICATION_RECEIVED.value
    then = (A.SCREENING_STARTED.value,)
    business_days = False
    key = "disposition"
    action = "decide on the application"

    days = Option(
        14,
        "calendar days allowed between the application and the first decision",
        maximum=366,
    )
    decided_by: Option[tuple[str, ...]] = Option(
        (A.SCREENING_STARTED.value, A.INTERVIEW_SCHEDULED.value, A.REJECTED.value),
        "activities that count as a decision on the application",
        of="activities",
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._owed = f"first decision on the application within {self.days} days"

    def days_allowed(self) -> int:
        return self.days

    def discharged_by(self) -> tuple[str, ...]:
        return self.decided_by

    def owed(self) -> str:
        return self._owed


class RescheduleCourtesy(Rule):
    code = "CX406"
    name = "reschedule-courtesy"
    practice = "experience"
    severity = Severity.WARNING
    evidence = frozenset({"interview_rescheduled", "interview_rescheduled.by"})
    summary = (
        "When the company moves an interview (interview_rescheduled with by set to company), "
        "it gives at least 24 hours' notice before the time it had set, and it moves the same "
        "interview at most once. The notice is the previous scheduled_for of that "
        "interview_id minus the time of the reschedule. A move by the candidate is not "
        "judged; without by the outcome is unknown."
    )
    why = (
        "A punctual, professional process is one of the practices this catalogue follows; a "
        "last-minute move wastes the candidate's preparation and often a day off work. "
        "Talent Board's CandE research (2021) found 32% of candidates got no preparation "
        "before their interview; a moved interview should not take away what they did."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_rescheduled", "timestamp": "2026-03-06T09:00:00+01:00", "interview_id": "i1", "by": "company", "scheduled_for": "2026-03-11T10:00:00+01:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_rescheduled", "timestamp": "2026-03-10T08:00:00+01:00", "interview_id": "i1", "by": "company", "scheduled_for": "2026-03-11T10:00:00+01:00"}',
    )
    activities = frozenset({A.INTERVIEW_RESCHEDULED})

    notice_hours = Option(
        24, "hours of notice the company gives when it moves an interview", maximum=720
    )
    max_moves = Option(1, "times the company may move one interview", maximum=100)
    company: Option[tuple[str, ...]] = Option(
        ("company",), "values of by that mean the company moved the interview"
    )
    candidate: Option[tuple[str, ...]] = Option(
        ("candidate",), "values of by that mean the candidate asked for the move (not judged)"
    )

    def on_event(self, step: Step) -> None:
        move = step.event
        by = move.get("by")
        if by is None or (by not in self.company and by not in self.candidate):
            known = ", ".join((*self.company, *self.candidate))
            step.unknown(
                f"the reschedule ({move.describe()}) cannot be judged: by does not record who "
                f"moved the interview (expected one of {known})",
                missing="by",
            )
            return
        if by in self.candidate:
            return
        key = _interview_key(move)
        previous = _latest_schedule(step.case, key)
        moves = [
            e
            for e in step.case.events
            if e.activity == A.INTERVIEW_RESCHEDULED
            and _interview_key(e) == key
            and e.get("by") in self.company
        ]
        moves.append(move)
        too_many = len(moves) > self.max_moves
        if too_many:
            step.violated(
                f"the company moved the same interview {len(moves)} times ({move.describe()}); "
                f"at most {self.max_moves} allowed",
                evidence=moves,
            )
        if previous is None or (was := _moment(previous, "scheduled_for")) is None:
            step.unknown(
                f"the notice of the reschedule ({move.describe()}) cannot be judged: the time "
                "it moved the interview from has no scheduled_for with a time zone",
                missing="scheduled_for",
                evidence=(move,) if previous is None else (previous, move),
            )
            return
        required = timedelta(hours=self.notice_hours)
        notice = was - move.timestamp
        evidence = (previous, move)
        if notice < required:
            given = (
                f"with {format_delta(notice)} notice"
                if notice > timedelta(0)
                else "only when that time had come"
            )
            due = was - required
            step.violated(
                f"the company moved the interview set for {was.isoformat()} {given} "
                f"({move.describe()}); at least {self.notice_hours} hours' notice is expected",
                evidence=evidence,
                # No ``late``: the move itself breaks the rule (unlike a late reply), so a
                # policy that enforces CX406 refuses it and the interview stays as set.
                due=due,
            )
        elif not too_many:
            step.passed(
                f"the company moved the interview set for {was.isoformat()} with "
                f"{format_delta(notice)} notice, move {len(moves)} of at most {self.max_moves}",
                evidence=evidence,
            )


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (
    AcknowledgeApplication,
    ProcessTransparency,
    InterviewPunctuality,
    DecisionTimeliness,
    TimeToDisposition,
    RescheduleCourtesy,
)
