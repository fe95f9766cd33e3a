"""Built-in rules of the gratitude practice: thanking the candidate, personally."""

from __future__ import annotations

from typing import Final

from ..events import Activity as A
from ..findings import Severity
from ..rule import ALWAYS, OWN_OBLIGATIONS, Option, Reaction, Rule
from ..step import Step, format_delta
from ._common import PERSONAL as _PERSONAL
from ._common import day as _day
from ._common import plural as _plural

__all__ = ["RULES", "PersonalThanks", "ThanksOnRejection"]

_YES: Final = frozenset({"true", "yes", "y", "1"})
_NO: Final = frozenset({"false", "no", "n", "0"})


def _flag(step: Step, name: str) -> bool | None:
    """The event's boolean attribute ``name``; ``None`` when absent or not a yes/no value.

    Logs exported as CSV carry booleans as text, so ``"true"`` and ``"no"`` count too.
    """
    value = step.attr(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    return None


def _text(step: Step) -> str | None:
    value = step.attr("text")
    return value if isinstance(value, str) else None


def _thanks(step: Step) -> tuple[bool | None, str]:
    """Whether the event thanks the candidate: the ``thanked`` flag, else its text; and why.

    The answer is ``None`` when there is neither, or the text is in a language no analyser
    reads, so nobody can tell.  The reason is empty when the flag decides; otherwise it is the
    text analysers' reason ("reads as a refusal, not as thanks"), which never quotes the text.
    """
    flag = _flag(step, "thanked")
    if flag is not None:
        return flag, ""
    text = _text(step)
    if text is None:
        return None, ""
    verdict = step.text.thanks(text, step.attr("language"))
    return verdict.answer, verdict.reason


class ThanksOnRejection(Rule):
    code = "CX201"
    name = "thanks-on-rejection"
    practice = "gratitude"
    severity = Severity.WARNING
    evidence = frozenset({"rejected", "thank_you_sent|rejected.text|rejected.thanked"})
    summary = (
        "Every rejection thanks the candidate for their time and interest: the rejection "
        "itself (its thanked flag, or thanks the text analysers find in its text; the flag "
        "wins), or a thank_you_sent within a number of business days (2 by default). When "
        "the rejection has neither flag nor text and no thank-you follows in time, the "
        "outcome is unknown, because the rejection may have thanked the candidate. The text "
        "is read in its own language (its language attribute, else the detected one), and "
        "so is unknown in a language no analyser reads; a refusal phrased with a thanks-word "
        "(takke nej, no thanks) or a request (we would appreciate it if) is not thanks."
    )
    why = (
        "Candidates invest time and effort in an application; the Danish guide asks "
        "employers to thank them even when they are not chosen. Talent Board's CandE "
        "research found that in 2022 only 58% of candidates received even an automated "
        "thank-you."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-05T10:00:00+01:00", "channel": "email", "reason": "position filled", "text": "Tak for din ansøgning og for den tid, du har brugt. Vi har desværre valgt en anden kandidat."}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-05T10:00:00+01:00", "channel": "email", "reason": "position filled", "text": "Vi må desværre takke nej til din ansøgning."}',
        '{"case_id": "c1", "activity": "thank_you_sent", "timestamp": "2026-03-11T10:00:00+01:00", "channel": "email"}',
    )

    business_days = Option(
        2, "business days after the rejection allowed for a thank-you", maximum=260
    )
    cancelled_by: Option[tuple[str, ...]] = Option(
        (A.DATA_DELETED.value,),
        "activities after which a thank-you is no longer owed",
        of="activities",
    )

    def subscriptions(self) -> frozenset[str]:
        return frozenset((A.REJECTED, A.THANK_YOU_SENT, *self.cancelled_by))

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        # Only the rejection opens; every other activity discharges its own obligation.
        return ALWAYS if activity == A.REJECTED else OWN_OBLIGATIONS

    def on_event(self, step: Step) -> None:
        activity = step.event.activity
        if activity == A.REJECTED:
            thanked, reason = _thanks(step)
            day = _day(step, step.event)
            if thanked:
                step.passed(f"rejection on {day} {reason or 'thanks the candidate'}")
                return
            days = self.business_days
            why = f" (the text of the rejection {reason})" if reason else ""
            if thanked is None and reason:  # a language no analyser reads
                why = f" (the text of the rejection is {reason})"
            step.open(
                "thanks",
                step.business_days(days),
                f"candidate thanked within {_plural(days, 'business day')} of the rejection{why}",
                "thank the candidate for their time",
                missing="thanked" if thanked is None else None,
            )
        elif activity == A.THANK_YOU_SENT:
            self._thank(step)
        else:
            step.cancel("thanks")

    def _thank(self, step: Step) -> None:
        obligation = step.obligation("thanks")
        event = step.event
        if (
            obligation is not None
            and obligation.missing is not None
            and not obligation.expired
            and event.timestamp > obligation.due
        ):
            # The rejection may have thanked already; a late thank-you proves nothing.
            step.discharge("thanks")
            late = event.timestamp - obligation.due
            step.unknown(
                f"{obligation.message}: the thank-you came {format_delta(late)} late (due "
                f"{obligation.due.isoformat()}) and whether the rejection thanked is not "
                "recorded",
                missing=obligation.missing,
                evidence=(obligation.opened_by, event),
            )
            return
        step.fulfil("thanks")


class PersonalThanks(Rule):
    code = "CX202"
    name = "personal-thanks"
    practice = "gratitude"
    severity = Severity.INFO
    evidence = frozenset({"interview_held", "thank_you_sent.channel|rejected.channel"})
    summary = (
        "An interviewed candidate (at least one interview by default) is thanked personally, "
        "not with a template: every thank-you (thank_you_sent, or a rejection that thanks) "
        "is checked. The personal flag decides when given; otherwise a template flag or "
        "placeholders left in the text ({first_name}, «FirstName», *|FNAME|*, [kandidat]) are a "
        "violation, and thanks given by phone, video or in a meeting count as personal. "
        "Anything else is unknown, and so is a text in a language no analyser reads."
    )
    why = (
        "The Danish guide suggests a personal thank-you mail after the rejection: it shows "
        "care and keeps the relationship. Talent Board's CandE research found that in 2021 "
        "63% of rejected candidates heard from a do-not-reply address, the opposite of a "
        "personal word."
    )
    passing = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-02-16T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-02-18T11:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-02-26T13:00:00+01:00", "channel": "meeting"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T15:00:00+01:00", "channel": "phone", "reason": "less experience with Kubernetes", "text": "Thank you for the time you gave us over two interviews."}',
    )
    violating = (
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-02-16T09:00:00+01:00"}',
        '{"case_id": "c1", "activity": "interview_scheduled", "timestamp": "2026-02-18T11:00:00+01:00", "channel": "email"}',
        '{"case_id": "c1", "activity": "interview_held", "timestamp": "2026-02-26T13:00:00+01:00", "channel": "meeting"}',
        '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T15:00:00+01:00", "channel": "email", "reason": "less experience with Kubernetes", "text": "Dear {first_name}, thank you for interviewing with us. We have decided to move forward with other candidates."}',
    )

    min_interviews = Option(
        1, "interviews held before thanks must be personal", minimum=1, maximum=50
    )
    personal_channels: Option[tuple[str, ...]] = Option(
        _PERSONAL, "channels on which thanks count as personal"
    )

    activities = frozenset({A.REJECTED.value, A.THANK_YOU_SENT.value})

    def on_event(self, step: Step) -> None:
        if step.case.count(A.INTERVIEW_HELD) < self.min_interviews:
            return
        event = step.event
        day = _day(step, event)
        if event.activity == A.REJECTED:
            if not _thanks(step)[0]:
                return  # the thanks, if any, come in a thank_you_sent
            what = f"the thanks in the rejection on {day}"
        else:
            what = f"the thank-you on {day}"
        personal = _flag(step, "personal")
        template = _flag(step, "template")
        text = _text(step)
        channel = step.attr("channel")
        if personal is True:
            step.passed(f"{what} is marked personal")
        elif personal is False:
            step.violated(f"{what} is marked as not personal")
        elif template is True:
            step.violated(f"{what} is marked as a template")
        elif (
            template is None
            and text is not None
            and (found := step.text.template(text, step.attr("language")))
        ):
            step.violated(f"{what} {found.reason}")
        elif channel in self.personal_channels:
            step.passed(f"{what} was given by {channel}")
        else:
            step.unknown(f"{what}: whether it was personal is not recorded", missing="personal")


#: The rules this module contributes, registered by :mod:`cx_rules.rules.builtin`.
RULES: tuple[type[Rule], ...] = (ThanksOnRejection, PersonalThanks)
