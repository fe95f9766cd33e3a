"""The Greenhouse records, one function each: the index of the first pass and the
translation of the second (see :mod:`cx_rules.importers.greenhouse`)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

import attrs

from ..events import Activity as A
from ..events import Channel, Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from .base import ImportItem, ImportProblem, InputWarning, Partial
from .values import identifier, message_text, vendor_time

__all__ = ["HISTORY_COLUMNS", "Index", "Source", "translate_all"]

#: The columns of ``application_history`` the importer reads (others, such as
#: ``_fivetran_synced``, are ignored).
HISTORY_COLUMNS: Final = ("application_id", "new_stage_id", "new_status", "updated_at")

STAGE_CHANGED: Final = "stage_changed"
_STATUSES: Final = ("active", "rejected", "hired")
_INTERVIEW_STATUSES: Final = ("scheduled", "awaiting_feedback", "complete")
_HELD: Final = frozenset({"awaiting_feedback", "complete"})
_OFFER_STATUSES: Final = ("unresolved", "accepted", "rejected", "deprecated")
_WITHDRAWAL: Final = "They rejected us"
#: A rejection e-mail is the first e-mail to the candidate from this long before the
#: rejection was recorded (sent with it) to this long after (scheduled for later).
_EMAIL_BEFORE: Final = timedelta(minutes=5)
_EMAIL_AFTER: Final = timedelta(days=7)
# An application counts for a feed item at most this long before it was applied to.
_SLACK: Final = timedelta(minutes=1)
_MOVED: Final = re.compile(
    r"^.+? was moved into (?P<stage>.+?) for (?P<job>.+?) on \d{1,2}/\d{1,2}/\d{4}"
    r"(?: by .+)?$",
    re.DOTALL,
)
_REASON: Final = re.compile(r"^\s*Reason:\s*(?P<reason>[^\n]+)")
_CALL: Final = re.compile(r"^\s*(?:logged\s+)?(?:phone\s+call|call(?:ed)?)\b", re.IGNORECASE)
_ANONYMISED: Final = "Anonymized"
_STAGE_CHANGE: Final = "Candidate Stage Change"


class Source(NamedTuple):
    """One top-level record of an export file: which file, where in it, and its value
    (``kind`` is ``"history"`` for a row of the CSV table, else ``None``: told by shape)."""

    file_index: int
    path: str
    place: Place
    kind: str | None
    value: Any


_Key = tuple[int, int | None, str | None]


@attrs.define
class App:
    """What the index keeps of an application."""

    case_id: str
    candidate: str | None
    applied_at: datetime | None
    status: str
    rejected_at: datetime | None
    reason: str | None
    reason_type: str | None
    details: dict[str, Any] | None
    job_id: str | None
    job_name: str | None
    prospect: bool


@attrs.define
class Index:
    """What the first pass learns: applications, anonymised candidates, the scorecards of
    scheduled interviews, accepted offers, the history's first rows, rejection e-mails."""

    apps: dict[str, App] = attrs.Factory(dict)
    candidates: dict[str, list[str]] = attrs.Factory(dict)
    anonymised: set[str] = attrs.Factory(set)
    scorecards: set[str] = attrs.Factory(set)
    accepted: set[str] = attrs.Factory(set)
    history_first: dict[str, tuple[datetime, _Key]] = attrs.Factory(dict)
    #: Each application's history rows (time, place, status), until settled.
    history_rows: dict[str, list[tuple[datetime, _Key, str]]] = attrs.Factory(dict)
    #: The feed's stage changes (candidate, time, place, job), until settled.
    moves: list[tuple[str, datetime, _Key, str]] = attrs.Factory(list)
    #: Where each application's first move out of its first stage is: screening started.
    screening: set[_Key] = attrs.Factory(set)
    history_hired: set[str] = attrs.Factory(set)
    emails: list[tuple[str, datetime, _Key]] = attrs.Factory(list)
    #: Where each application was first read (a candidate embeds its applications too).
    app_keys: dict[str, _Key] = attrs.Factory(dict)
    rejection_email: dict[_Key, str] = attrs.Factory(dict)

    def learn(self, source: Source) -> None:
        """Note what ``source`` tells about the export; a malformed record teaches nothing
        (the second pass reports it)."""
        with contextlib.suppress(ImportProblem, KeyError, TypeError, AttributeError):
            self._learn(source)

    def _learn(self, source: Source) -> None:
        value, place = source.value, source.place
        kind = source.kind or kind_of(value)
        if kind == "application":
            self._app(parse_app(value, "application", None), _key(source, place))
        elif kind == "candidate":
            candidate = identifier(value.get("id"), "id")
            if value.get("first_name") == _ANONYMISED:
                self.anonymised.add(candidate)
            for n, app in enumerate(_list(value.get("applications"), "applications")):
                key = _key(source, _sub(place, f".applications[{n}]"))
                self._app(parse_app(app, "application", candidate), key)
        elif kind == "feed":
            candidate = identifier(value.get("candidate_id"), "candidate_id")
            feed = _obj(value.get("activity_feed"), "activity_feed")
            for n, email in enumerate(_list(feed.get("emails"), "emails")):
                if isinstance(email, dict) and isinstance(email.get("user"), dict):
                    at = vendor_time(email.get("created_at"), "created_at")
                    key = _key(source, _sub(place, f".activity_feed.emails[{n}]"))
                    self.emails.append((candidate, at, key))
            for n, item in enumerate(_list(feed.get("activities"), "activities")):
                if isinstance(item, dict) and item.get("subject") == _STAGE_CHANGE:
                    moved = _MOVED.match(message_text(item.get("body"), "body") or "")
                    if moved:
                        at = vendor_time(item.get("created_at"), "created_at")
                        key = _key(source, _sub(place, f".activity_feed.activities[{n}]"))
                        self.moves.append((candidate, at, key, moved["job"]))
        elif kind == "interview":
            for person in _list(value.get("interviewers"), "interviewers"):
                if isinstance(person, dict) and person.get("scorecard_id") is not None:
                    self.scorecards.add(identifier(person["scorecard_id"], "scorecard_id"))
        elif kind == "offer":
            if value.get("status") == "accepted":
                self.accepted.add(identifier(value.get("application_id"), "application_id"))
        elif kind == "history":
            case_id, at, status, _ = parse_history(value)
            first = self.history_first.get(case_id)
            key = _key(source, place)
            if first is None or (at, key) < first:
                self.history_first[case_id] = (at, key)
            self.history_rows.setdefault(case_id, []).append((at, key, status))
            if status == "hired":
                self.history_hired.add(case_id)

    def _app(self, app: App, key: _Key) -> None:
        self.apps.setdefault(app.case_id, app)
        self.app_keys.setdefault(app.case_id, key)
        if app.candidate is not None:
            cases = self.candidates.setdefault(app.candidate, [])
            if app.case_id not in cases:
                cases.append(app.case_id)

    def settle(self) -> None:
        """After the first pass: order each candidate's applications, find rejection
        e-mails."""
        for cases in self.candidates.values():
            cases.sort(key=lambda c: (self.apps[c].applied_at is None, self.apps[c].applied_at))
        first: dict[str, tuple[datetime, _Key]] = {}
        for candidate, at, key in sorted(self.emails, key=lambda e: (e[1], e[2])):
            case_id = self.assign(candidate, at)
            app = self.apps.get(case_id) if case_id is not None else None
            if app is None or app.status != "rejected" or app.rejected_at is None:
                continue
            if app.case_id in first:
                continue
            if app.rejected_at - _EMAIL_BEFORE <= at <= app.rejected_at + _EMAIL_AFTER:
                first[app.case_id] = (at, key)
        self.rejection_email = {key: case_id for case_id, (_, key) in first.items()}
        self.emails = []
        # The first row after the first is the first move out of the first stage.
        for rows in self.history_rows.values():
            rows.sort()
            active = [key for _, key, status in rows[1:] if status == "active"]
            if active and rows[0][2] == "active":
                self.screening.add(active[0])
        self.history_rows = {}
        moved: dict[str, _Key] = {}
        for candidate, at, key, job in sorted(self.moves, key=lambda m: (m[1], m[2])):
            case_id = by_job(self, candidate, job) or self.assign(candidate, at)
            if case_id is not None and case_id not in self.history_first:
                moved.setdefault(case_id, key)
        self.screening.update(moved.values())
        self.moves = []

    @property
    def rejected_by_email(self) -> frozenset[str]:
        """The applications whose rejection is imported from its e-mail."""
        return frozenset(self.rejection_email.values())

    def assign(self, candidate: str, at: datetime) -> str | None:
        """The application of ``candidate`` a feed item at ``at`` belongs to: the one
        applied to most recently before it (``None`` when there is none)."""
        found = None
        for case_id in self.candidates.get(candidate, ()):
            applied = self.apps[case_id].applied_at
            if applied is None or applied <= at + _SLACK:
                found = case_id
        return found

    def knows(self, case_id: str) -> bool:
        """Whether application ``case_id`` is in the export (a record or history rows)."""
        return case_id in self.apps or case_id in self.history_first


def kind_of(value: Any) -> str | None:
    """Which Harvest record ``value`` is, by its documented fields, or ``None``."""
    if not isinstance(value, dict):
        return None
    if "activity_feed" in value:
        return "feed"
    if "application_ids" in value or ("applications" in value and "first_name" in value):
        return "candidate"
    if "application_id" in value and "interviewed_at" in value:
        return "scorecard"
    if "application_id" in value and "start" in value:
        return "interview"
    if "application_id" in value and "version" in value:
        return "offer"
    if "applied_at" in value and "candidate_id" in value:
        return "application"
    return None


# -- values ----------------------------------------------------------------------------------


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportProblem(f"{where}: expected an object, got {_what(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem(f"{where}: expected a list, got {_what(value)}")
    return value


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: expected a string or null, got {_what(value)}")
    return value.strip() or None


def _what(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _time(value: Any, where: str) -> datetime | None:
    return None if value is None else vendor_time(value, where)


def _user(value: Any, where: str) -> str | None:
    """A Greenhouse user (``{"id": ..., "name": ...}``) as the actor: its id, never its name."""
    if value is None:
        return None
    return identifier(_obj(value, where).get("id"), f"{where}.id")


def _sub(place: Place, suffix: str) -> Place:
    return Place(place.line, place.element + suffix if place.element else suffix.lstrip("."))


def _key(source: Source, place: Place) -> _Key:
    return (source.file_index, place.line, place.element)


def parse_app(value: Any, where: str, candidate: str | None) -> App:
    """An application record's fields, checked; raises :class:`ImportProblem`."""
    value = _obj(value, where)
    case_id = identifier(value.get("id"), "id")
    if value.get("candidate_id") is not None:
        candidate = identifier(value.get("candidate_id"), "candidate_id")
    status = value.get("status")
    if status not in _STATUSES:
        raise ImportProblem(f"status: expected one of {', '.join(_STATUSES)}, got {status!r}")
    prospect = value.get("prospect", False)
    if not isinstance(prospect, bool):
        raise ImportProblem(f"prospect: expected true or false, got {_what(prospect)}")
    reason = reason_type = None
    if value.get("rejection_reason") is not None:
        rejection = _obj(value["rejection_reason"], "rejection_reason")
        reason = _text(rejection.get("name"), "rejection_reason.name")
        if rejection.get("type") is not None:
            kind = _obj(rejection["type"], "rejection_reason.type")
            reason_type = _text(kind.get("name"), "rejection_reason.type.name")
    details = None
    if value.get("rejection_details") is not None:
        raw = _obj(value["rejection_details"], "rejection_details")
        fields = _obj(raw.get("custom_fields") or {}, "rejection_details.custom_fields")
        details = {str(k): v for k, v in fields.items() if v is not None} or None
    job_id = job_name = None
    jobs = _list(value.get("jobs"), "jobs")
    if jobs:
        job = _obj(jobs[0], "jobs[0]")
        job_id = identifier(job.get("id"), "jobs[0].id")
        job_name = _text(job.get("name"), "jobs[0].name")
    return App(
        case_id,
        candidate,
        _time(value.get("applied_at"), "applied_at"),
        status,
        _time(value.get("rejected_at"), "rejected_at"),
        reason,
        reason_type,
        details,
        job_id,
        job_name,
        prospect,
    )


def parse_history(row: dict[str, str]) -> tuple[str, datetime, str, str | None]:
    """An ``application_history`` row: application id, time, status and stage id."""
    raw = (row.get("application_id") or "").strip()
    case_id = raw[:-2] if raw.endswith(".0") and raw[:-2].isdigit() else raw
    if not case_id:
        raise ImportProblem("application_id: expected an application id, got an empty cell")
    at = vendor_time(row.get("updated_at") or "", "updated_at")
    status = (row.get("new_status") or "").strip().lower()
    if status not in _STATUSES:
        raise ImportProblem(
            f"new_status: expected one of {', '.join(_STATUSES)}, got {row.get('new_status')!r}"
        )
    stage = (row.get("new_stage_id") or "").strip()
    if stage.endswith(".0") and stage[:-2].isdigit():
        stage = stage[:-2]
    return case_id, at, status, stage or None


# -- the second pass -------------------------------------------------------------------------


@attrs.frozen
class _At:
    """Where a record is, to place its warnings."""

    path: str
    place: Place

    def warning(self, message: str) -> InputWarning:
        return InputWarning(self.path, self.place.line, message, self.place.element)

    def error(self, message: str) -> InputError:
        return InputError(self.path, self.place.line, message, self.place.element)


def translate_all(sources: Iterable[Source | InputError], index: Index) -> Iterator[ImportItem]:
    """The second pass: every record of ``sources`` translated, each placed."""
    for source in sources:
        if isinstance(source, InputError):
            yield source
            continue
        kind = source.kind or kind_of(source.value)
        at = _At(source.path, source.place)
        if kind == "candidate":
            yield from _candidate(source, index)
        elif kind == "application":
            yield from _one(_application, source.value, at, index, None, _key(source, source.place))
        elif kind == "feed":
            yield from _feed(source, index)
        elif kind is None:
            yield source.place
            yield at.error(
                "not a Greenhouse record: expected an application (applied_at, candidate_id), "
                "a candidate, an activity feed ({candidate_id, activity_feed}), a scheduled "
                f"interview, a scorecard or an offer; got {_what(source.value)}"
            )
        elif kind == "history":
            yield from _one(_history, source.value, at, index, _key(source, source.place))
        else:
            yield from _one(_RECORDS[kind], source.value, at, index)


def _one(translate: Any, value: Any, at: _At, index: Index, *extra: Any) -> Iterator[ImportItem]:
    """One source record: its place, then its items, or one input error; a record that
    gives neither an event nor an error gives a skip, so the counts add up."""
    yield at.place
    try:
        items: list[ImportItem] = translate(value, at, index, *extra)
    except ImportProblem as exc:
        yield at.error(str(exc))
        return
    if not any(isinstance(i, Event | InputError | Skip) for i in items):
        items.append(Skip("a record with nothing to import"))
    yield from items


def _candidate(source: Source, index: Index) -> Iterator[ImportItem]:
    at = _At(source.path, source.place)
    try:
        value = _obj(source.value, "candidate")
        candidate = identifier(value.get("id"), "id")
        apps = _list(value.get("applications"), "applications")
    except ImportProblem as exc:
        yield source.place
        yield at.error(str(exc))
        return
    if not apps:
        yield source.place
        yield Skip("a candidate without applications")
    for n, app in enumerate(apps):
        here = _At(source.path, _sub(source.place, f".applications[{n}]"))
        yield from _one(_application, app, here, index, candidate, _key(source, here.place))


def _application(value: Any, at: _At, index: Index, candidate: str | None, key: _Key) -> list[Any]:
    app = parse_app(value, "application", candidate)
    if index.app_keys.get(app.case_id, key) != key:
        return [Skip("an application already read from another record")]
    if app.prospect:
        return [Skip("a prospect (no application to a job)")]
    if app.applied_at is None:
        raise ImportProblem("applied_at: expected the time of the application, got null")
    case = app.case_id
    out: list[ImportItem] = []
    if app.candidate in index.anonymised:
        out.append(
            Partial(case, "the candidate was anonymised: stage data and e-mails may be gone")
        )
    attributes = {"job_id": app.job_id} if app.job_id else {}
    out.append(
        Event(
            case,
            A.APPLICATION_RECEIVED,
            app.applied_at,
            event_id=f"gh-application-{case}-received",
            attributes=attributes,
        )
    )
    if app.status == "rejected":
        if app.rejected_at is None:
            out.append(
                at.warning(
                    f"case {case!r} is rejected but has no rejected_at: the rejection is "
                    "not imported"
                )
            )
            out.append(Partial(case, "the rejection's time is not in the export"))
        elif case not in index.rejected_by_email:
            out.append(_rejection(app, app.rejected_at, f"gh-application-{case}-rejected"))
    elif app.status == "hired" and case not in index.accepted and case not in index.history_hired:
        out.append(
            at.warning(
                f"case {case!r} is hired, but neither an accepted offer nor an "
                "application_history row is in the input: the hire is not imported"
            )
        )
        out.append(Partial(case, "the hire's time is not in the export"))
    return out


def _rejection(
    app: App,
    at: datetime,
    event_id: str,
    *,
    actor: str | None = None,
    message: dict[str, Any] | None = None,
) -> Event:
    withdrawn = app.reason_type == _WITHDRAWAL
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


def _feed(source: Source, index: Index) -> Iterator[ImportItem]:
    at = _At(source.path, source.place)
    try:
        value = _obj(source.value, "activity feed")
        candidate = identifier(value.get("candidate_id"), "candidate_id")
        feed = _obj(value.get("activity_feed"), "activity_feed")
        parts = [(name, _list(feed.get(name), name)) for name in ("emails", "notes", "activities")]
    except ImportProblem as exc:
        yield source.place
        yield at.error(str(exc))
        return
    if not any(items for _, items in parts):
        yield source.place
        yield Skip("an empty activity feed")
    for name, items in parts:
        for n, item in enumerate(items):
            here = _At(source.path, _sub(source.place, f".activity_feed.{name}[{n}]"))
            key = _key(source, here.place)
            yield from _one(_FEED[name], item, here, index, candidate, key)


def _feed_case(index: Index, candidate: str, at: datetime, what: str) -> str:
    case_id = index.assign(candidate, at)
    if case_id is None:
        if candidate in index.candidates:
            raise ImportProblem(
                f"{what}: candidate {candidate} has no application in the input applied to "
                f"before {at.isoformat()}"
            )
        raise ImportProblem(f"{what}: candidate {candidate} has no application in the input")
    return case_id


def _email(item: Any, at: _At, index: Index, candidate: str, key: _Key) -> list[Any]:
    item = _obj(item, "email")
    email = identifier(item.get("id"), "id")
    sent = vendor_time(item.get("created_at"), "created_at")
    if item.get("user") is None:
        return [Skip("an e-mail from the candidate")]
    actor = _user(item.get("user"), "user")
    message = {
        k: v
        for k, v in (
            ("text", message_text(item.get("body"), "body")),
            ("subject", _text(item.get("subject"), "subject")),
        )
        if v is not None
    }
    rejected = index.rejection_email.get(key)
    if rejected is not None:
        app = index.apps[rejected]
        return [_rejection(app, sent, f"gh-email-{email}", actor=actor, message=message)]
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


def _note(item: Any, at: _At, index: Index, candidate: str, key: _Key) -> list[Any]:
    item = _obj(item, "note")
    note = identifier(item.get("id"), "id")
    written = vendor_time(item.get("created_at"), "created_at")
    body = message_text(item.get("body"), "body")
    if body is None or not _CALL.match(body):
        return [Skip("an internal note")]
    case_id = _feed_case(index, candidate, written, f"note {note}")
    return [
        Event(
            case_id,
            A.STATUS_UPDATE_SENT,
            written,
            event_id=f"gh-note-{note}",
            actor=_user(item.get("user"), "user"),
            channel=Channel.PHONE.value,
            attributes={"text": body},
        )
    ]


def _activity(item: Any, at: _At, index: Index, candidate: str, key: _Key) -> list[Any]:
    item = _obj(item, "activity")
    activity = identifier(item.get("id"), "id")
    when = vendor_time(item.get("created_at"), "created_at")
    subject = _text(item.get("subject"), "subject") or ""
    body = message_text(item.get("body"), "body") or ""
    actor = _user(item.get("user"), "user")
    event_id = f"gh-activity-{activity}"
    if subject == _STAGE_CHANGE and (moved := _MOVED.match(body)):
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
        found = _REASON.match(body)
        reason = {"reason": found["reason"].strip()} if found else {}
        return [Event(case_id, A.REJECTED, when, event_id=event_id, actor=actor, attributes=reason)]
    shown = subject if len(subject) <= 40 else subject[:37] + "..."
    return [
        at.warning(
            f"activity {activity}: the subject {shown!r} is not one the importer recognises "
            "(Candidate Stage Change, Candidate Rejected); skipped"
        ),
        Skip("an activity the importer does not recognise"),
    ]


def by_job(index: Index, candidate: str, job: str) -> str | None:
    matching = [
        c for c in index.candidates.get(candidate, ()) if index.apps[c].job_name == job.strip()
    ]
    return matching[-1] if len(matching) == 1 else None


def _application_of(value: dict[str, Any], index: Index, what: str) -> str:
    case_id = identifier(value.get("application_id"), "application_id")
    if not index.knows(case_id):
        raise ImportProblem(f"{what}: its application, case {case_id!r}, is not in the input")
    return case_id


def _interview(value: Any, at: _At, index: Index) -> list[Any]:
    value = _obj(value, "scheduled interview")
    interview = identifier(value.get("id"), "id")
    case_id = _application_of(value, index, f"scheduled interview {interview}")
    status = value.get("status")
    if status not in _INTERVIEW_STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(_INTERVIEW_STATUSES)}, got {status!r}"
        )
    start = _obj(value.get("start"), "start")
    starts = _time(start.get("date_time"), "start.date_time")
    if starts is None and not isinstance(start.get("date"), str):
        raise ImportProblem("start: expected a date_time or (all day) a date")
    created = _time(value.get("created_at"), "created_at")
    channel = (
        Channel.VIDEO.value
        if value.get("video_conferencing_url")
        else Channel.MEETING.value
        if value.get("location")
        else None
    )
    attributes: dict[str, Any] = {"interview_id": interview}
    if starts is not None:
        attributes["scheduled_for"] = starts.isoformat()
    organiser = _user(value.get("organizer"), "organizer")
    out: list[ImportItem] = []
    if created is not None:
        out.append(
            Event(
                case_id,
                A.INTERVIEW_SCHEDULED,
                created,
                event_id=f"gh-interview-{interview}-scheduled",
                actor=organiser,
                channel=channel,
                attributes=attributes,
            )
        )
    else:
        out.append(
            at.warning(
                f"scheduled interview {interview} has no created_at: when it was scheduled is "
                "not known"
            )
        )
    if status in _HELD:
        if starts is None:
            out.append(
                at.warning(
                    f"scheduled interview {interview} is an all-day event: without a time "
                    "(and a zone) it is not imported as held"
                )
            )
        else:
            out.append(
                Event(
                    case_id,
                    A.INTERVIEW_HELD,
                    starts,
                    event_id=f"gh-interview-{interview}-held",
                    channel=channel,
                    attributes=attributes,
                )
            )
    return out


def _scorecard(value: Any, at: _At, index: Index) -> list[Any]:
    value = _obj(value, "scorecard")
    scorecard = identifier(value.get("id"), "id")
    case_id = _application_of(value, index, f"scorecard {scorecard}")
    if scorecard in index.scorecards:
        return [Skip("a scorecard of an imported scheduled interview")]
    held = vendor_time(value.get("interviewed_at"), "interviewed_at")
    _time(value.get("submitted_at"), "submitted_at")
    attributes: dict[str, Any] = {"interview_id": f"scorecard-{scorecard}"}
    step = value.get("interview_step")
    if isinstance(step, dict) and isinstance(step.get("name"), str):
        attributes["interview"] = step["name"]
    return [
        Event(
            case_id,
            A.INTERVIEW_HELD,
            held,
            event_id=f"gh-scorecard-{scorecard}",
            actor=_user(value.get("interviewer"), "interviewer"),
            attributes=attributes,
        )
    ]


def _offer(value: Any, at: _At, index: Index) -> list[Any]:
    value = _obj(value, "offer")
    offer = identifier(value.get("id"), "id")
    case_id = _application_of(value, index, f"offer {offer}")
    status = value.get("status")
    if status not in _OFFER_STATUSES:
        raise ImportProblem(f"status: expected one of {', '.join(_OFFER_STATUSES)}, got {status!r}")
    version = value.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportProblem(f"version: expected a whole number, got {_what(version)}")
    if status == "deprecated":
        return [Skip("a superseded offer version")]
    made = vendor_time(value.get("created_at"), "created_at")
    resolved = _time(value.get("resolved_at"), "resolved_at")
    attributes: dict[str, Any] = {"offer_id": offer, "version": version}
    sent = value.get("sent_at")
    if isinstance(sent, str):
        attributes["sent_on"] = sent
    out: list[ImportItem] = [
        Event(
            case_id,
            A.OFFER_MADE,
            made,
            event_id=f"gh-offer-{offer}-v{version}",
            attributes=attributes,
        )
    ]
    if status in ("accepted", "rejected"):
        if resolved is None:
            out.append(at.warning(f"offer {offer} is {status} but has no resolved_at"))
        else:
            activity = A.OFFER_ACCEPTED if status == "accepted" else A.OFFER_DECLINED
            out.append(
                Event(
                    case_id,
                    activity,
                    resolved,
                    event_id=f"gh-offer-{offer}-v{version}-{status}",
                    attributes={"offer_id": offer},
                )
            )
    return out


def _history(row: Any, at: _At, index: Index, key: _Key) -> list[Any]:
    case_id, when, status, stage = parse_history(row)
    # A CSV row by its line; a Parquet row by its position ("row 7").
    row = at.place.line if at.place.line is not None else (at.place.element or "").replace(" ", "")
    event_id = f"gh-history-{case_id}-{row}"
    app = index.apps.get(case_id)
    stage_attr = {"stage_id": stage} if stage else {}
    if status == "active":
        first = index.history_first.get(case_id)
        if app is not None and first is not None and first[1] == key:
            return [Skip("the first stage of an application read from its record")]
        if app is None and first is not None and first[1] == key:
            return [
                Event(
                    case_id, A.APPLICATION_RECEIVED, when, event_id=event_id, attributes=stage_attr
                )
            ]
        if stage is None:
            return [Skip("a history row without a stage")]
        kind = A.SCREENING_STARTED if key in index.screening else STAGE_CHANGED
        return [Event(case_id, kind, when, event_id=event_id, attributes=stage_attr)]
    if status == "rejected":
        if app is not None:
            return [Skip("a rejection also in its application")]
        return [Event(case_id, A.REJECTED, when, event_id=event_id)]
    if case_id in index.accepted:
        return [Skip("a hire also in its accepted offer")]
    return [
        at.warning(
            f"case {case_id!r} was hired with no accepted offer in the input: the offer is "
            "inferred from the hire"
        ),
        Event(
            case_id,
            A.OFFER_MADE,
            when,
            event_id=f"{event_id}-offer",
            attributes={"inferred": "hired"},
        ),
        Event(case_id, A.OFFER_ACCEPTED, when, event_id=event_id, attributes={"inferred": "hired"}),
    ]


_RECORDS: Final = {
    "interview": _interview,
    "scorecard": _scorecard,
    "offer": _offer,
}
_FEED: Final = {"emails": _email, "notes": _note, "activities": _activity}
