"""The Merge records, one function each: the index of the first pass and the translation
of the second (see :mod:`cx_rules.importers.merge`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final, NamedTuple

import attrs

from ..events import Activity as A
from ..events import Channel, Event
from ..io.records import InputError
from ..io.stream import Skip
from ._common import (
    CALL,
    At,
    Key,
    Source,
    decision,
    key_of,
    latest_before,
    location_channel,
    obj,
    one,
    opt_text,
    opt_time,
    rejection_emails,
    sized_what,
    what,
)
from .base import ImportItem, ImportProblem, Partial
from .values import identifier, message_text, vendor_time

__all__ = ["Index", "kind_of", "translate_all"]

_INTERVIEW_STATUSES: Final = ("SCHEDULED", "AWAITING_FEEDBACK", "COMPLETE")
_HELD: Final = frozenset({"AWAITING_FEEDBACK", "COMPLETE"})
_ACTIVITY_TYPES: Final = ("EMAIL", "NOTE", "OTHER")
_OFFER_STATUSES: Final = (
    "DRAFT",
    "APPROVAL-SENT",
    "APPROVED",
    "SENT",
    "SENT-MANUALLY",
    "OPENED",
    "DENIED",
    "SIGNED",
    "DEPRECATED",
)
_UNSENT: Final = frozenset({"DRAFT", "APPROVAL-SENT", "APPROVED", "DEPRECATED"})


class _App(NamedTuple):
    case_id: str
    candidate: str | None
    applied_at: datetime | None
    rejected_at: datetime | None
    reason: str | None  # a reject reason's id, or its name when expanded
    reason_name: str | None
    job: str | None
    remote_id: str | None
    deleted: bool


@attrs.define
class Index:
    apps: dict[str, _App] = attrs.Factory(dict)
    candidates: dict[str, list[tuple[datetime | None, str]]] = attrs.Factory(dict)
    reasons: dict[str, str | None] = attrs.Factory(dict)
    interviews: set[str] = attrs.Factory(set)
    scored: set[str] = attrs.Factory(set)
    emails: list[tuple[str, datetime, Key]] = attrs.Factory(list)
    rejection_email: dict[Key, str] = attrs.Factory(dict)
    #: The applications whose rejection is an e-mail.
    rejected_by_email: set[str] = attrs.Factory(set)
    #: Where each application was first read.
    app_keys: dict[str, Key] = attrs.Factory(dict)

    def learn(self, source: Source) -> None:
        value = source.value
        kind = kind_of(value)
        try:
            if kind == "application":
                app = _parse_app(value)
                if app.case_id in self.apps:
                    return
                self.apps[app.case_id] = app
                self.app_keys[app.case_id] = key_of(source)
                if app.candidate is not None:
                    self.candidates.setdefault(app.candidate, []).append(
                        (app.applied_at, app.case_id)
                    )
            elif kind == "reject_reason":
                self.reasons[identifier(value.get("id"), "id")] = opt_text(
                    value.get("name"), "name"
                )
            elif kind == "interview":
                self.interviews.add(identifier(value.get("id"), "id"))
            elif kind == "scorecard":
                if value.get("interview") is not None and value.get("submitted_at") is not None:
                    self.scored.add(_ref(value["interview"], "interview"))
            elif (
                kind == "activity"
                and value.get("activity_type") == "EMAIL"
                and value.get("user") is not None
                and value.get("candidate") is not None
                and value.get("remote_was_deleted") is not True
            ):
                at = vendor_time(value.get("remote_created_at"), "remote_created_at")
                self.emails.append((_ref(value["candidate"], "candidate"), at, key_of(source)))
        except ImportProblem:
            return  # the second pass reports it

    def settle(self) -> None:
        """After the first pass: find each rejected application's rejection e-mail."""
        first = rejection_emails(
            (
                (latest_before(self.candidates.get(candidate, ()), at), at, key)
                for candidate, at, key in self.emails
            ),
            lambda case_id: self.apps[case_id].rejected_at if case_id in self.apps else None,
        )
        self.rejection_email = {key: case_id for case_id, key in first.items()}
        self.rejected_by_email = set(first)
        self.emails = []


def kind_of(value: Any) -> str | None:
    """What a Merge record is, by its fields."""
    if not isinstance(value, dict):
        return None
    if "activity_type" in value:
        return "activity"
    if any(k in value for k in ("applied_at", "reject_reason", "current_stage")):
        return "application"
    if any(k in value for k in ("start_at", "interviewers", "organizer")):
        return "interview"
    if "overall_recommendation" in value or ("interviewer" in value and "application" in value):
        return "scorecard"
    if any(k in value for k in ("sent_at", "closed_at", "start_date")):
        return "offer"
    if "first_name" in value or "applications" in value:
        return "candidate"
    if "name" in value and "id" in value:
        return "reject_reason"
    return None


def _ref(value: Any, where: str) -> str:
    """A related object's id: Merge gives the id, or the object when expanded."""
    if isinstance(value, dict):
        return identifier(value.get("id"), f"{where}.id")
    return identifier(value, where)


def _opt_ref(value: Any, where: str) -> str | None:
    return None if value is None else _ref(value, where)


def _parse_app(value: Any) -> _App:
    value = obj(value, "application")
    reason = value.get("reject_reason")
    name = opt_text(reason.get("name"), "reject_reason.name") if isinstance(reason, dict) else None
    return _App(
        identifier(value.get("id"), "id"),
        _opt_ref(value.get("candidate"), "candidate"),
        opt_time(value.get("applied_at"), "applied_at"),
        opt_time(value.get("rejected_at"), "rejected_at"),
        _opt_ref(reason, "reject_reason"),
        name,
        _opt_ref(value.get("job"), "job"),
        opt_text(value.get("remote_id"), "remote_id") if value.get("remote_id") else None,
        value.get("remote_was_deleted") is True,
    )


def _application(value: Any, at: At, index: Index, key: Key) -> list[ImportItem]:
    app = _parse_app(value)
    if index.app_keys.get(app.case_id, key) != key:
        return [Skip("an application already read from another record")]
    if app.applied_at is None:
        raise ImportProblem("applied_at: expected the time of the application, got null")
    case = app.case_id
    out: list[ImportItem] = []
    if app.deleted:
        out.append(Partial(case, "deleted in the source system: its other records may be gone"))
    attributes = {k: v for k, v in (("job_id", app.job), ("remote_id", app.remote_id)) if v}
    out.append(
        Event(
            case,
            A.APPLICATION_RECEIVED,
            app.applied_at,
            event_id=f"merge-application-{case}-received",
            attributes=attributes,
        )
    )
    if app.rejected_at is None:
        if app.reason is not None:
            out.extend(
                at.lacking(
                    case,
                    f"case {case!r} has a reject_reason but no rejected_at: the rejection is not imported",
                    "the rejection's time is not in the export",
                )
            )
        return out
    if case in index.rejected_by_email:
        return out  # the rejection is its e-mail
    out.extend(_rejection(app, at, index, app.rejected_at, f"merge-application-{case}-rejected"))
    return out


def _rejection(
    app: _App,
    at: At,
    index: Index,
    when: datetime,
    event_id: str,
    *,
    actor: str | None = None,
    message: dict[str, Any] | None = None,
) -> list[ImportItem]:
    out: list[ImportItem] = []
    attributes: dict[str, Any] = {}
    name = app.reason_name or index.reasons.get(app.reason or "")
    if app.reason is not None:
        attributes["reason_id"] = app.reason
        if name is None:
            out.extend(
                at.lacking(
                    app.case_id,
                    f"case {app.case_id!r}: its reject reason {app.reason} is not in the input",
                    "its reject reason is not in the export",
                )
            )
    if name is not None:
        attributes["reason"] = name
    withdrew = name is not None and "withdr" in name.lower()
    if withdrew:
        attributes = {"reason": name}
    out.append(
        decision(
            app.case_id,
            when,
            event_id,
            withdrew=withdrew,
            attributes=attributes,
            actor=actor,
            message=message,
            decided=app.rejected_at,
        )
    )
    return out


def _application_of(value: dict[str, Any], index: Index, what_: str) -> str:
    case_id = _ref(value.get("application"), "application")
    if case_id not in index.apps:
        raise ImportProblem(f"{what_}: its application, case {case_id!r}, is not in the input")
    return case_id


def _activity(value: Any, at: At, index: Index, key: Key) -> list[ImportItem]:
    value = obj(value, "activity")
    activity = identifier(value.get("id"), "id")
    if value.get("remote_was_deleted") is True:
        return [Skip("deleted in the source system")]
    kind = value.get("activity_type")
    if kind not in _ACTIVITY_TYPES:
        return [
            at.warning(
                f"activity {activity}: activity_type ({sized_what(kind)}) is not one of "
                f"{', '.join(_ACTIVITY_TYPES)}; skipped"
            ),
            Skip("an activity of no known type"),
        ]
    when = vendor_time(value.get("remote_created_at"), "remote_created_at")
    if kind == "OTHER":
        return [Skip("an activity of type OTHER")]
    body = message_text(value.get("body"), "body")
    actor = _opt_ref(value.get("user"), "user")
    if kind == "NOTE" and (body is None or not CALL.match(body)):
        return [Skip("an internal note")]
    if kind == "EMAIL" and actor is None:
        return [Skip("an e-mail with no user: its sender is not known")]
    candidate = _ref(value.get("candidate"), "candidate")
    case_id = latest_before(index.candidates.get(candidate, ()), when)
    if case_id is None:
        raise ImportProblem(
            f"activity {activity}: candidate {candidate} has no application in the input"
            + (f" applied to before {when.isoformat()}" if candidate in index.candidates else "")
        )
    message = {
        k: v
        for k, v in (("text", body), ("subject", opt_text(value.get("subject"), "subject")))
        if v
    }
    event_id = f"merge-activity-{activity}"
    if kind == "NOTE":
        text = {"text": body} if body else {}
        return [
            Event(
                case_id,
                A.STATUS_UPDATE_SENT,
                when,
                event_id=event_id,
                actor=actor,
                channel=Channel.PHONE.value,
                attributes=text,
            )
        ]
    rejected = index.rejection_email.get(key)
    if rejected is not None:
        return _rejection(
            index.apps[rejected], at, index, when, event_id, actor=actor, message=message
        )
    return [
        Event(
            case_id,
            A.STATUS_UPDATE_SENT,
            when,
            event_id=event_id,
            actor=actor,
            channel=Channel.EMAIL.value,
            attributes=message,
        )
    ]


def _interview(value: Any, at: At, index: Index) -> list[ImportItem]:
    value = obj(value, "scheduled interview")
    interview = identifier(value.get("id"), "id")
    if value.get("remote_was_deleted") is True:
        return [Skip("deleted in the source system")]
    case_id = _application_of(value, index, f"scheduled interview {interview}")
    status = value.get("status")
    if status is not None and status not in _INTERVIEW_STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(_INTERVIEW_STATUSES)} or null, got {sized_what(status)}"
        )
    starts = opt_time(value.get("start_at"), "start_at")
    created = opt_time(value.get("remote_created_at"), "remote_created_at")
    opt_time(value.get("end_at"), "end_at")
    location = opt_text(value.get("location"), "location")
    channel = location_channel(location)
    attributes: dict[str, Any] = {"interview_id": interview}
    if starts is not None:
        attributes["scheduled_for"] = starts.isoformat()
    out: list[ImportItem] = []
    if created is None:
        out.append(
            at.warning(
                f"scheduled interview {interview} has no remote_created_at: when it was scheduled is not known"
            )
        )
    else:
        out.append(
            Event(
                case_id,
                A.INTERVIEW_SCHEDULED,
                created,
                event_id=f"merge-interview-{interview}-scheduled",
                actor=_opt_ref(value.get("organizer"), "organizer"),
                channel=channel,
                attributes=attributes,
            )
        )
    if status in _HELD or interview in index.scored:
        if starts is None:
            out.append(
                at.warning(
                    f"scheduled interview {interview} has no start_at: it is not imported as held"
                )
            )
        else:
            out.append(
                Event(
                    case_id,
                    A.INTERVIEW_HELD,
                    starts,
                    event_id=f"merge-interview-{interview}-held",
                    channel=channel,
                    attributes=attributes,
                )
            )
    return out


def _scorecard(value: Any, at: At, index: Index) -> list[ImportItem]:
    value = obj(value, "scorecard")
    scorecard = identifier(value.get("id"), "id")
    if value.get("remote_was_deleted") is True:
        return [Skip("deleted in the source system")]
    _application_of(value, index, f"scorecard {scorecard}")
    opt_time(value.get("submitted_at"), "submitted_at")
    interview = _opt_ref(value.get("interview"), "interview")
    if interview is None:
        return [Skip("a scorecard without its interview")]
    if interview in index.interviews:
        return [Skip("a scorecard of an imported interview")]
    return [
        at.warning(
            f"scorecard {scorecard} is of interview {interview}, which is not in the input: "
            "the interview is not imported"
        ),
        Skip("a scorecard of an interview not in the input"),
    ]


def _offer(value: Any, at: At, index: Index) -> list[ImportItem]:
    value = obj(value, "offer")
    offer = identifier(value.get("id"), "id")
    if value.get("remote_was_deleted") is True:
        return [Skip("deleted in the source system")]
    case_id = _application_of(value, index, f"offer {offer}")
    status = value.get("status")
    if status not in _OFFER_STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(_OFFER_STATUSES)}, got {sized_what(status)}"
        )
    sent = opt_time(value.get("sent_at"), "sent_at")
    closed = opt_time(value.get("closed_at"), "closed_at")
    if status in _UNSENT:
        return [Skip("an offer not sent to the candidate")]
    if sent is None:
        return [
            at.warning(f"offer {offer} is {status} but has no sent_at: it is not imported"),
            Skip("an offer without the time it was sent"),
        ]
    out: list[ImportItem] = [
        Event(
            case_id,
            A.OFFER_MADE,
            sent,
            event_id=f"merge-offer-{offer}",
            actor=_opt_ref(value.get("creator"), "creator"),
            attributes={"offer_id": offer},
        )
    ]
    if status in ("SIGNED", "DENIED"):
        if closed is None:
            out.append(at.warning(f"offer {offer} is {status} but has no closed_at"))
        else:
            activity = A.OFFER_ACCEPTED if status == "SIGNED" else A.OFFER_DECLINED
            out.append(
                Event(
                    case_id,
                    activity,
                    closed,
                    event_id=f"merge-offer-{offer}-{status.lower()}",
                    attributes={"offer_id": offer},
                )
            )
    return out


_RECORDS: Final = {"interview": _interview, "scorecard": _scorecard, "offer": _offer}


def translate_all(sources: Iterator[Source | InputError], index: Index) -> Iterator[ImportItem]:
    """The second pass: every record of ``sources`` translated, each placed."""
    for source in sources:
        if isinstance(source, InputError):
            yield source
            continue
        at = At(source.path, source.place)
        kind = kind_of(source.value)
        if kind == "application":
            yield from one(_application, source.value, at, index, key_of(source))
        elif kind == "activity":
            yield from one(_activity, source.value, at, index, key_of(source))
        elif kind == "reject_reason":
            yield from at.skipped("a reject reason")
        elif kind == "candidate":
            yield from at.skipped("a candidate (its applications are read from the applications)")
        elif kind is not None:
            yield from one(_RECORDS[kind], source.value, at, index)
        else:
            yield from at.invalid(
                "not a Merge ATS record: expected an Application (applied_at), an Activity "
                "(activity_type), a ScheduledInterview (start_at), a Scorecard, an Offer or a "
                f"RejectReason (name); got {what(source.value)}"
            )
