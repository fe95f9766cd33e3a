"""Rules of the talent network: keeping in touch with candidates worth meeting again."""

from __future__ import annotations

from ..events import Activity as A
from ..findings import Severity
from ..rule import ALWAYS, OWN_OBLIGATIONS, Option, Reaction, Rule
from ..step import Step

__all__ = ["RULES", "TalentPoolOffer"]


class TalentPoolOffer(Rule):
    code = "CX501"
    name = "talent-pool-offer"
    practice = "talent network"
    severity = Severity.INFO
    evidence = frozenset({"rejected", "talent_pool_offered"})
    summary = (
        "A rejected candidate who reached the interviews (an interview_scheduled or "
        "interview_held in the case) is offered a place in the talent network within a "
        "number of business days (5 by default): talent_pool_offered, or talent_pool_joined "
        "when they joined straight away. An offer made before the rejection counts. "
        "Deleting the candidate's data ends the clock: there is nothing left to offer."
    )
    why = (
        "A candidate who came as far as an interview is a known, vetted match for later "
        "roles; offering to keep in touch turns a rejection into a relationship. Talent "
        "Board's CandE research counts 15% of candidates (2025) who will never engage with "
        "the employer again, and 54% of those given feedback felt encouraged to apply again."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-03-10T11:00:00+01:00", "interview_id": "i1"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-12T10:00:00+01:00", "channel": "phone"}',
        '{"case_id": "c1", "activity": "talent_pool_offered", "timestamp": "2026-03-12T10:30:00+01:00", "channel": "email"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-03-04T10:00:00+01:00", "interview_id": "i1", "scheduled_for": "2026-03-10T10:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-03-10T11:00:00+01:00", "interview_id": "i1"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-12T10:00:00+01:00", "channel": "phone"}',
        '{"case_id": "c1", "activity": "talent_pool_offered", "timestamp": "2026-03-24T10:00:00+01:00", "channel": "email"}',
    )

    business_days = Option(
        5, "business days allowed between the rejection and the offer", maximum=260
    )
    reached_by: Option[tuple[str, ...]] = Option(
        (A.INTERVIEW_SCHEDULED.value, A.INTERVIEW_HELD.value),
        "activities that show the candidate reached the interviews (the scope of the rule)",
        of="activities",
    )
    offered_by: Option[tuple[str, ...]] = Option(
        (A.TALENT_POOL_OFFERED.value, A.TALENT_POOL_JOINED.value),
        "activities that count as offering the talent network",
        of="activities",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset((A.REJECTED, A.DATA_DELETED, *self.offered_by))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only the rejection opens; every other activity discharges its own obligation.
        return ALWAYS if activity == A.REJECTED else OWN_OBLIGATIONS

    def on_event(self, step: Step) -> None:
        event = step.event
        if event.activity == A.REJECTED:
            history = step.case.events
            if not any(e.activity in self.reached_by for e in history):
                return  # rejected before the interviews: out of scope
            offer = next((e for e in history if e.activity in self.offered_by), None)
            if offer is not None:
                step.passed(
                    f"the talent network was offered ({offer.describe()}) before the "
                    f"rejection ({event.describe()})",
                    evidence=(offer, event),
                )
                return
            days = self.business_days
            step.open(
                "offer",
                step.business_days(days),
                f"talent network offered within {days} business days of the rejection",
                "offer the candidate a place in the talent network",
            )
        elif event.activity in self.offered_by:
            step.fulfil("offer")
        else:
            step.cancel("offer")


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (TalentPoolOffer,)
