"""The Lever records, one function each: the index of the first pass and the translation
of the second (see :mod:`cx_rules.importers.lever`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

import attrs

from ..events import Activity as A
from ..events import Event
from ..io.records import InputError
from ..io.stream import Skip
from ._common import (
    STAGE_CHANGED,
    At,
    Source,
    hire,
    location_channel,
    obj,
    one,
    opt_list,
    opt_text,
    what,
)
from .base import ImportItem, ImportProblem, Partial
from .values import epoch_ms, identifier

__all__ = ["PARTS", "Index", "kind_of", "translate_all"]

#: The lists of an opportunity, saved under its id.
PARTS: Final = ("interviews", "feedback", "notes")
# Archive reasons whose text says the candidate withdrew (Lever's default is "Withdrew").
_WITHDREW: Final = ("withdr",)


@attrs.define
class Index:
    """What the first pass learns: archive reasons (text, type), opportunities, and the
    interviews with feedback."""

    reasons: dict[str, tuple[str | None, str | None]] = attrs.Factory(dict)
    opportunities: set[str] = attrs.Factory(set)
    with_feedback: set[str] = attrs.Factory(set)
    interviews: set[str] = attrs.Factory(set)

    def learn(self, source: Source) -> None:
        value = source.value
        if not isinstance(value, dict):
            return
        kind = kind_of(value)
        try:
            if kind == "archive_reason":
                self.reasons[identifier(value.get("id"), "id")] = (
                    opt_text(value.get("text"), "text"),
                    opt_text(value.get("type"), "type"),
                )
            elif kind == "opportunity":
                self.opportunities.add(identifier(value.get("id"), "id"))
            elif kind == "part":
                for name, item in _items(value):
                    if not isinstance(item, dict) or item.get("id") is None:
                        continue
                    if name == "interviews":
                        interview = identifier(item["id"], "id")
                        self.interviews.add(interview)
                        if opt_list(item.get("feedbackForms"), "feedbackForms"):
                            self.with_feedback.add(interview)
                    elif (
                        name == "feedback"
                        and item.get("completedAt") is not None
                        and item.get("deletedAt") is None
                        and item.get("interview") is not None
                    ):
                        self.with_feedback.add(identifier(item["interview"], "interview"))
        except ImportProblem:
            return  # the second pass reports it

    def settle(self) -> None:
        """Nothing to settle: the second pass reads what the first learned as it is."""


def kind_of(value: Any) -> str | None:
    """What a top-level Lever record is, by its fields."""
    if not isinstance(value, dict):
        return None
    if "opportunityId" in value and any(name in value for name in PARTS):
        return "part"
    if any(k in value for k in ("stageChanges", "archived", "dataProtection")) or (
        "createdAt" in value and "stage" in value
    ):
        return "opportunity"
    if "text" in value and "type" in value and "createdAt" not in value:
        return "archive_reason"
    return None


def _items(value: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name in PARTS:
        items = value.get(name)
        if isinstance(items, dict) and isinstance(items.get("data"), list):
            items = items["data"]
        if isinstance(items, list):
            for item in items:
                yield name, item


def _time(value: Any, where: str) -> datetime | None:
    return None if value is None else epoch_ms(value, where)


def _user(value: Any, where: str) -> str | None:
    """A Lever user as the actor: its id (a string, or an expanded user's ``id``)."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("id")
    return identifier(value, where)


def _opportunity(value: Any, at: At, index: Index) -> list[ImportItem]:
    value = obj(value, "opportunity")
    case = identifier(value.get("id"), "id")
    created = epoch_ms(value.get("createdAt"), "createdAt")
    out: list[ImportItem] = []
    if value.get("isAnonymized") is True:
        out.append(Partial(case, "the opportunity was anonymised: its history may be gone"))
    attributes: dict[str, Any] = {}
    applications = opt_list(value.get("applications"), "applications")
    if applications and isinstance(applications[0], dict) and applications[0].get("posting"):
        attributes["job_id"] = identifier(applications[0]["posting"], "applications[0].posting")
    # The opportunity's owner is its recruiter of record (a user id, or an expanded user).
    owner = _user(value.get("owner"), "owner")
    if owner is not None:
        attributes["owner"] = owner
    out.append(
        Event(
            case,
            A.APPLICATION_RECEIVED,
            created,
            event_id=f"lever-{case}-received",
            attributes=attributes,
        )
    )
    archived = value.get("archived")
    if archived is not None:
        out.extend(_archived(obj(archived, "archived"), case, at, index))
    protection = value.get("dataProtection")
    if protection is not None:
        out.extend(_consent(obj(protection, "dataProtection"), value, case, at))
    return out


def _archived(archived: dict[str, Any], case: str, at: At, index: Index) -> list[ImportItem]:
    when = _time(archived.get("archivedAt"), "archived.archivedAt")
    if when is None:
        return []
    reason_id = identifier(archived.get("reason"), "archived.reason")
    if reason_id not in index.reasons:
        return at.lacking(
            case,
            f"case {case!r} was archived for reason {reason_id}, which is not among the "
            "archive reasons in the input: whether it was a hire is not known, and the "
            "archive is not imported",
            "its archive reason is not in the export",
        )
    text, kind = index.reasons[reason_id]
    event_id = f"lever-{case}-archived"
    if kind == "hired":
        return [*hire(case, when, event_id)]
    reason = {"reason": text} if text else {}
    if text and text.lower().startswith(_WITHDREW):
        return [Event(case, A.WITHDRAWN, when, event_id=event_id, attributes=reason)]
    return [
        Event(
            case,
            A.REJECTED,
            when,
            event_id=event_id,
            attributes={**reason, "reason_id": reason_id},
        )
    ]


def _consent(
    protection: dict[str, Any], value: dict[str, Any], case: str, at: At
) -> list[ImportItem]:
    """``dataProtection.store`` allowed: the candidate's data may be kept for later jobs,
    which is the talent pool with consent.  Lever records whether, not when: the event is at
    the opportunity's last update, when the consent was on record."""
    store = protection.get("store")
    if store is None:
        return []
    store = obj(store, "dataProtection.store")
    allowed = store.get("allowed")
    if allowed is not True:
        if allowed not in (False, None):
            return [
                at.warning(
                    f"case {case!r}: dataProtection.store.allowed is {what(allowed)}, not true "
                    "or false; the consent is not imported"
                )
            ]
        return []
    attributes: dict[str, Any] = {"consent": True}
    expires = _time(store.get("expiresAt"), "dataProtection.store.expiresAt")
    if expires is not None:
        attributes["expires_at"] = expires.isoformat()
    contact = protection.get("contact")
    if isinstance(contact, dict) and isinstance(contact.get("allowed"), bool):
        attributes["contact_allowed"] = contact["allowed"]
    when = _time(value.get("updatedAt"), "updatedAt") or epoch_ms(
        value.get("createdAt"), "createdAt"
    )
    return [
        Event(
            case,
            A.TALENT_POOL_JOINED,
            when,
            event_id=f"lever-{case}-consent",
            attributes=attributes,
        )
    ]


def _stage_changes(source: Source, at: At, read: bool) -> Iterator[ImportItem]:
    """Each stage change of an opportunity as its own record: the first (the stage it was
    created in) skipped, the next ``screening_started``, later ones ``stage_changed``; all
    skipped when the opportunity itself could not be ``read``."""
    value = source.value
    try:
        case = identifier(value.get("id"), "id")
        changes = opt_list(value.get("stageChanges"), "stageChanges")
    except ImportProblem:
        return  # the opportunity's own error says it
    if not read:
        for n in range(len(changes)):
            here = at.within(f".stageChanges[{n}]")
            yield from here.skipped("a stage change of an opportunity that could not be read")
        return
    parsed: list[tuple[datetime, int, At, dict[str, Any]]] = []
    for n, change in enumerate(changes):
        here = at.within(f".stageChanges[{n}]")
        try:
            change = obj(change, "stage change")
            when = epoch_ms(change.get("updatedAt"), "updatedAt")
            stage = identifier(change.get("toStageId"), "toStageId")
            attributes: dict[str, Any] = {"stage_id": stage}
            if isinstance(change.get("toStageIndex"), int):
                attributes["stage_index"] = change["toStageIndex"]
            actor = _user(change.get("userId"), "userId")
        except ImportProblem as exc:
            yield from here.invalid(str(exc))
            continue
        parsed.append((when, n, here, {"attributes": attributes, "actor": actor}))
    parsed.sort(key=lambda p: (p[0], p[1]))
    for rank, (when, n, here, fields) in enumerate(parsed):
        yield here.place
        if rank == 0:
            yield Skip("the stage an opportunity was created in")
            continue
        kind = A.SCREENING_STARTED if rank == 1 else STAGE_CHANGED
        yield Event(case, kind, when, event_id=f"lever-{case}-stage-{n}", **fields)


def _interview(item: Any, at: At, index: Index, case: str) -> list[ImportItem]:
    item = obj(item, "interview")
    interview = identifier(item.get("id"), "id")
    starts = epoch_ms(item.get("date"), "date")
    created = _time(item.get("createdAt"), "createdAt")
    canceled = _time(item.get("canceledAt"), "canceledAt")
    location = opt_text(item.get("location"), "location")
    channel = location_channel(location)
    attributes: dict[str, Any] = {"interview_id": interview, "scheduled_for": starts.isoformat()}
    if isinstance(item.get("duration"), int) and not isinstance(item["duration"], bool):
        attributes["duration_minutes"] = item["duration"]
    out: list[ImportItem] = []
    if created is None:
        out.append(
            at.warning(
                f"interview {interview} has no createdAt: when it was scheduled is not known"
            )
        )
    else:
        scheduled = dict(attributes)
        if canceled is not None:
            scheduled["canceled_at"] = canceled.isoformat()
        out.append(
            Event(
                case,
                A.INTERVIEW_SCHEDULED,
                created,
                event_id=f"lever-interview-{interview}-scheduled",
                actor=_user(item.get("user"), "user"),
                channel=channel,
                attributes=scheduled,
            )
        )
    if canceled is None and interview in index.with_feedback:
        out.append(
            Event(
                case,
                A.INTERVIEW_HELD,
                starts,
                event_id=f"lever-interview-{interview}-held",
                channel=channel,
                attributes=attributes,
            )
        )
    return out


def _feedback(item: Any, at: At, index: Index, case: str) -> list[ImportItem]:
    item = obj(item, "feedback")
    feedback = identifier(item.get("id"), "id")
    _time(item.get("completedAt"), "completedAt")
    if _time(item.get("deletedAt"), "deletedAt") is not None:
        return [Skip("a deleted feedback form")]
    interview = item.get("interview")
    if interview is None:
        return [Skip("interview feedback without its interview")]
    interview = identifier(interview, "interview")
    if interview in index.interviews:
        return [Skip("feedback on an imported interview")]
    return [
        at.warning(
            f"feedback {feedback} is on interview {interview}, which is not in the input: the "
            "interview is not imported"
        ),
        Skip("feedback on an interview not in the input"),
    ]


def _note(item: Any, at: At, index: Index, case: str) -> list[ImportItem]:
    item = obj(item, "note")
    identifier(item.get("id"), "id")
    _time(item.get("createdAt"), "createdAt")
    if item.get("deletedAt") is not None:
        return [Skip("a deleted note")]
    return [Skip("an internal note")]


_PART: Final = {"interviews": _interview, "feedback": _feedback, "notes": _note}


def _part(source: Source, at: At, index: Index) -> Iterator[ImportItem]:
    value = source.value
    try:
        case = identifier(value.get("opportunityId"), "opportunityId")
        if case not in index.opportunities:
            raise ImportProblem(f"its opportunity, case {case!r}, is not in the input")
        lists = []
        for name in PARTS:
            items = value.get(name)
            if isinstance(items, dict) and "data" in items:
                items = items["data"]
            lists.append((name, opt_list(items, name)))
    except ImportProblem as exc:
        yield from at.invalid(str(exc))
        return
    if not any(items for _, items in lists):
        yield from at.skipped("an empty list of an opportunity")
    for name, items in lists:
        for n, item in enumerate(items):
            yield from one(_PART[name], item, at.within(f".{name}[{n}]"), index, case)


def translate_all(sources: Iterator[Source | InputError], index: Index) -> Iterator[ImportItem]:
    """The second pass: every record of ``sources`` translated, each placed."""
    for source in sources:
        if isinstance(source, InputError):
            yield source
            continue
        at = At(source.path, source.place)
        kind = kind_of(source.value)
        if kind == "opportunity":
            items = list(one(_opportunity, source.value, at, index))
            yield from items
            read = not any(isinstance(i, InputError) for i in items)
            yield from _stage_changes(source, at, read)
        elif kind == "part":
            yield from _part(source, at, index)
        elif kind == "archive_reason":
            yield from at.skipped("an archive reason")
        else:
            yield from at.invalid(
                "not a Lever record: expected an opportunity (createdAt, stageChanges, "
                "archived), an archive reason (text, type) or an opportunity's list "
                f"({{opportunityId, interviews|feedback|notes}}); got {what(source.value)}"
            )
