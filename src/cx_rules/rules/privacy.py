"""Rules of privacy: consent for the talent pool, and how long candidate data is kept."""

from __future__ import annotations

from typing import Any

from ..events import Activity as A
from ..events import Event
from ..findings import Severity
from ..rule import ALWAYS, EVERY_ACTIVITY, NEVER, OWN_OBLIGATIONS, Option, Reaction, Rule
from ..step import Step

__all__ = ["RULES", "RetentionLimit", "TalentPoolConsent"]


def _consented(event: Event) -> bool:
    # Only a recorded yes is consent: readers type the attribute as a boolean, and a
    # value that is anything else (absent, false, text) cannot prove it.
    return event.activity == A.TALENT_POOL_JOINED and event.get("consent") is True


class TalentPoolConsent(Rule):
    code = "CX502"
    name = "talent-pool-consent"
    practice = "privacy"
    severity = Severity.ERROR
    evidence = frozenset({"talent_pool_joined", "talent_pool_joined.consent"})
    summary = (
        "A candidate joins the talent pool (talent_pool_joined) only with recorded consent: "
        "the event carries consent set to true. What is checked is the record of consent, so "
        "a join without one is a violation, not an unknown; consent set to false (or to "
        "anything but true) is a violation too."
    )
    why = (
        "Keeping a rejected applicant's data for future jobs needs the applicant's consent: "
        "Datatilsynet, the Danish data protection authority, said so in its Carlsberg "
        "decision (2020), where talent-pool profiles were also deleted automatically after 6 "
        "months. Under the GDPR (Art. 7(1)) the employer must be able to show that consent "
        "was given."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-06T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "talent_pool_joined", "timestamp": "2026-03-09T12:00:00+01:00", "consent": true}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-06T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "talent_pool_joined", "timestamp": "2026-03-09T12:00:00+01:00"}',
    )
    activities = frozenset({A.TALENT_POOL_JOINED})

    def on_event(self, step: Step) -> None:
        joined = step.event
        consent = joined.get("consent")
        if _consented(joined):
            step.passed(f"the candidate joined the talent pool with consent ({joined.describe()})")
        elif consent is None:
            step.violated(
                f"the candidate joined the talent pool ({joined.describe()}) with no consent "
                "recorded"
            )
        else:
            step.violated(
                f"the candidate joined the talent pool ({joined.describe()}) without consent: "
                "consent is not recorded as true"
            )


class RetentionLimit(Rule):
    code = "CX503"
    name = "retention-limit"
    practice = "privacy"
    severity = Severity.ERROR
    evidence = frozenset({"data_deleted"})
    summary = (
        "When a case closes without the candidate being hired (by default in the states "
        "rejected, withdrawn and declined), the candidate's data is deleted (data_deleted) "
        "within a number of days (180 by default) of the closing event. Joining the talent "
        "pool with consent, before or after closing, ends the obligation: the data is then "
        "kept on that consent. Hired candidates are out of scope (their data becomes "
        "employee data). Datatilsynet accepts keeping applicant data for up to 3 years "
        "(days = 1095); longer needs documented special reasons."
    )
    why = (
        "Storage limitation is a GDPR principle (Art. 5(1)(e)): data is kept no longer than "
        "its purpose needs. Datatilsynet's Q&A (May 2021) sees no duty to keep data on "
        "applicants who were not hired and accepts up to 3 years after the process ends; in "
        "its Carlsberg decision (2020) even talent-pool profiles were deleted automatically "
        "after 6 months, the default here."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-06T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "data_deleted", "timestamp": "2026-08-31T10:00:00+02:00"}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-06T10:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "data_deleted", "timestamp": "2027-03-08T10:00:00+01:00"}',
    )
    # A case may close on any activity of the model; the state it moves to decides.
    activities = frozenset({EVERY_ACTIVITY})

    days = Option(
        180,
        "days the data of a closed case may be kept (Datatilsynet accepts up to 1095, 3 years; "
        "longer needs documented special reasons)",
        maximum=3660,
    )
    closed_states: Option[tuple[str, ...]] = Option(
        ("rejected", "withdrawn", "declined"),
        "states in which a case is closed without a hire (the scope of the rule)",
        of="states",
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Read at every event of every case: as a set, and the words of the obligation once.
        self._closed = frozenset(self.closed_states)
        self._owed = f"candidate data deleted within {self.days} days of the case closing"

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # As on_event: a move that closes the case may open (or pass); a deletion or a
        # consent elsewhere only discharges; any other move is idle.
        if previous not in self._closed and state in self._closed:
            return ALWAYS
        if activity in (A.DATA_DELETED, A.TALENT_POOL_JOINED):
            return OWN_OBLIGATIONS
        return NEVER

    def on_event(self, step: Step) -> None:
        event = step.event
        closed = self._closed
        closes = step.previous not in closed and step.state in closed
        if event.activity == A.DATA_DELETED:
            if step.fulfil("delete") is None and closes:
                step.passed(f"the data was deleted as the case closed ({event.describe()})")
        elif _consented(event):
            step.cancel("delete")
        elif closes:
            if any(_consented(e) for e in step.case.events):
                return  # kept on the candidate's consent to the talent pool
            step.open("delete", step.days(self.days), self._owed, "delete the candidate's data")


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (TalentPoolConsent, RetentionLimit)
