"""Activity feeds: e-mails, notes and activities, each matched to an application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

from ...events import Activity as A
from ...events import Channel, Event
from ...io.stream import Skip
from .._common import (
    CALL,
    STAGE_CHANGED,
    At,
    Key,
    Source,
    key_of,
    obj,
    one,
    opt_list,
    opt_text,
    sized_what,
    sub,
)
from ..base import ImportItem, ImportProblem
from ..values import identifier, message_text, vendor_time
from ._index import Index, by_job
from ._shapes import MOVED, REASON, STAGE_CHANGE, WITHDRAWAL, App, user_id


def rejection(
    app: App,
    at: datetime,
    event_id: str,
    *,
    actor: str | None = None,
    message: dict[str, Any] | None = None,
) -> Event:
    withdrawn = app.reason_type == WITHDRAWAL
    attributes: dict[str, Any] = {}
    if app.reason is not None:
        attributes["reason"] = app.reason
    if app.reason_type is not None and not withdrawn:
        attributes["reason_type"] = app.reason_type
    if app.details:
        attributes["details"] = app.details
    channel = None
    if message is not None:
        attributes.update(message)
        channel = Channel.EMAIL.value
        if app.rejected_at is not None and app.rejected_at != at:
            attributes["decided_at"] = app.rejected_at.isoformat()
    return Event(
        app.case_id,
        A.WITHDRAWN if withdrawn else A.REJECTED,
        at,
        event_id=event_id,
        actor=actor,
        channel=None if withdrawn else channel,
        attributes=attributes,
    )


def feed(source: Source, index: Index) -> Iterator[ImportItem]:
    at = At(source.path, source.place)
    try:
        value = obj(source.value, "activity feed")
        candidate = identifier(value.get("candidate_id"), "candidate_id")
        feed = obj(value.get("activity_feed"), "activity_feed")
        parts = [
            (name, opt_list(feed.get(name), name)) for name in ("emails", "notes", "activities")
        ]
    except ImportProblem as exc:
        yield from at.invalid(str(exc))
        return
    if not any(items for _, items in parts):
        yield from at.skipped("an empty activity feed")
    for name, items in parts:
        for n, item in enumerate(items):
            here = At(source.path, sub(source.place, f".activity_feed.{name}[{n}]"))
            key = key_of(source, here.place)
            yield from one(FEED[name], item, here, index, candidate, key)


def _feed_case(index: Index, candidate: str, at: datetime, what: str) -> str:
    case_id = index.assign(candidate, at)
    if case_id is None:
        if candidate in index.candidates:
            raise ImportProblem(
                f"{what}: candidate {candidate!r} has no application in the input applied to "
                f"before {at.isoformat()}"
            )
        raise ImportProblem(f"{what}: candidate {candidate!r} has no application in the input")
    return case_id


def _email(item: Any, at: At, index: Index, candidate: str, key: Key) -> list[Any]:
    item = obj(item, "email")
    email = identifier(item.get("id"), "id")
    sent = vendor_time(item.get("created_at"), "created_at")
    if item.get("user") is None:
        return [Skip("an e-mail from the candidate")]
    actor = user_id(item.get("user"), "user")
    message = {
        k: v
        for k, v in (
            ("text", message_text(item.get("body"), "body")),
            ("subject", opt_text(item.get("subject"), "subject")),
        )
        if v is not None
    }
    rejected = index.rejection_email.get(key)
    if rejected is not None:
        app = index.apps[rejected]
        return [rejection(app, sent, f"gh-email-{email}", actor=actor, message=message)]
    case_id = _feed_case(index, candidate, sent, f"e-mail {email}")
    return [
        Event(
            case_id,
            A.STATUS_UPDATE_SENT,
            sent,
            event_id=f"gh-email-{email}",
            actor=actor,
            channel=Channel.EMAIL.value,
            attributes=message,
        )
    ]


def _note(item: Any, at: At, index: Index, candidate: str, key: Key) -> list[Any]:
    item = obj(item, "note")
    note = identifier(item.get("id"), "id")
    written = vendor_time(item.get("created_at"), "created_at")
    body = message_text(item.get("body"), "body")
    if body is None or not CALL.match(body):
        return [Skip("an internal note")]
    case_id = _feed_case(index, candidate, written, f"note {note}")
    return [
        Event(
            case_id,
            A.STATUS_UPDATE_SENT,
            written,
            event_id=f"gh-note-{note}",
            actor=user_id(item.get("user"), "user"),
            channel=Channel.PHONE.value,
            attributes={"text": body},
        )
    ]


def _activity(item: Any, at: At, index: Index, candidate: str, key: Key) -> list[Any]:
    item = obj(item, "activity")
    activity = identifier(item.get("id"), "id")
    when = vendor_time(item.get("created_at"), "created_at")
    subject = opt_text(item.get("subject"), "subject") or ""
    body = message_text(item.get("body"), "body") or ""
    actor = user_id(item.get("user"), "user")
    event_id = f"gh-activity-{activity}"
    if subject == STAGE_CHANGE and (moved := MOVED.match(body)):
        case_id = by_job(index, candidate, moved["job"]) or _feed_case(
            index, candidate, when, f"activity {activity}"
        )
        if case_id in index.history_first:
            return [Skip("a stage change also in application_history")]
        stage = {"stage": moved["stage"].strip()}
        kind = A.SCREENING_STARTED if key in index.screening else STAGE_CHANGED
        return [Event(case_id, kind, when, event_id=event_id, actor=actor, attributes=stage)]
    if subject == "Candidate Rejected":
        case_id = _feed_case(index, candidate, when, f"activity {activity}")
        app = index.apps.get(case_id)
        if app is not None and app.status == "rejected" and app.rejected_at is not None:
            return [Skip("a rejection also in its application")]
        found = REASON.match(body)
        reason = {"reason": found["reason"].strip()} if found else {}
        return [Event(case_id, A.REJECTED, when, event_id=event_id, actor=actor, attributes=reason)]
    return [
        at.warning(
            f"activity {activity}: the subject ({sized_what(subject)}) is not one the importer "
            "recognises "
            "(Candidate Stage Change, Candidate Rejected); skipped"
        ),
        Skip("an activity the importer does not recognise"),
    ]


FEED: Final = {"emails": _email, "notes": _note, "activities": _activity}
