"""The second pass: every Harvest record translated into events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from ...events import Activity as A
from ...events import Channel, Event
from ...io.records import InputError
from ...io.stream import Skip
from .._common import (
    STAGE_CHANGED,
    At,
    Key,
    Source,
    hire,
    key_of,
    obj,
    one,
    opt_list,
    opt_time,
    sized_what,
    sub,
    what,
)
from ..base import ImportItem, ImportProblem, Partial
from ..values import identifier, vendor_time
from ._feed import feed, rejection
from ._index import Index
from ._shapes import (
    HELD,
    INTERVIEW_STATUSES,
    OFFER_STATUSES,
    kind_of,
    parse_app,
    parse_history,
    user_id,
)


def translate_all(sources: Iterable[Source | InputError], index: Index) -> Iterator[ImportItem]:
    """The second pass: every record of ``sources`` translated, each placed."""
    for source in sources:
        if isinstance(source, InputError):
            yield source
            continue
        kind = source.kind or kind_of(source.value)
        at = At(source.path, source.place)
        if kind == "candidate":
            yield from _candidate(source, index)
        elif kind == "application":
            yield from one(
                _application, source.value, at, index, None, key_of(source, source.place)
            )
        elif kind == "feed":
            yield from feed(source, index)
        elif kind is None and _bare_feed(source.value):
            yield from at.invalid(
                "an activity feed without its candidate: save it as {candidate_id, "
                "activity_feed} (see the Greenhouse importer's guide)"
            )
        elif kind is None:
            yield from at.invalid(
                "not a Greenhouse record: expected an application (applied_at, candidate_id), "
                "a candidate, an activity feed ({candidate_id, activity_feed}), a scheduled "
                f"interview, a scorecard or an offer; got {what(source.value)}"
            )
        elif kind == "history":
            yield from one(_history, source.value, at, index, key_of(source, source.place))
        else:
            yield from one(_RECORDS[kind], source.value, at, index)


def _bare_feed(value: Any) -> bool:
    return isinstance(value, dict) and {"notes", "emails", "activities"} <= set(value)


def _candidate(source: Source, index: Index) -> Iterator[ImportItem]:
    at = At(source.path, source.place)
    try:
        value = obj(source.value, "candidate")
        candidate = identifier(value.get("id"), "id")
        apps = opt_list(value.get("applications"), "applications")
    except ImportProblem as exc:
        yield from at.invalid(str(exc))
        return
    if not apps:
        yield from at.skipped("a candidate without applications")
    for n, app in enumerate(apps):
        here = At(source.path, sub(source.place, f".applications[{n}]"))
        yield from one(_application, app, here, index, candidate, key_of(source, here.place))


def _application(value: Any, at: At, index: Index, candidate: str | None, key: Key) -> list[Any]:
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
    elif not app.staged:
        # Every application has a stage in Greenhouse: none means its stage data was removed.
        out.append(Partial(case, "the application has no stage data (anonymised?)"))
    attributes = {"job_id": app.job_id} if app.job_id else {}
    if app.owner is not None:
        attributes["owner"] = app.owner
    out.append(
        Event(
            case,
            A.APPLICATION_RECEIVED,
            app.applied_at,
            event_id=f"gh-application-{case}-received",
            actor=app.actor,
            attributes=attributes,
        )
    )
    if app.status == "rejected":
        if app.rejected_at is None:
            out.extend(
                at.lacking(
                    case,
                    f"case {case!r} is rejected but has no rejected_at: the rejection is "
                    "not imported",
                    "the rejection's time is not in the export",
                )
            )
        elif case not in index.rejected_by_email:
            out.append(rejection(app, app.rejected_at, f"gh-application-{case}-rejected"))
    elif app.status == "hired" and case not in index.accepted and case not in index.history_hired:
        out.extend(
            at.lacking(
                case,
                f"case {case!r} is hired, but neither an accepted offer nor an "
                "application_history row is in the input: the hire is not imported",
                "the hire's time is not in the export",
            )
        )
    return out


def _application_of(value: dict[str, Any], index: Index, what: str) -> str:
    case_id = identifier(value.get("application_id"), "application_id")
    if not index.knows(case_id):
        raise ImportProblem(f"{what}: its application, case {case_id!r}, is not in the input")
    return case_id


def _interview(value: Any, at: At, index: Index) -> list[Any]:
    value = obj(value, "scheduled interview")
    interview = identifier(value.get("id"), "id")
    case_id = _application_of(value, index, f"scheduled interview {interview}")
    status = value.get("status")
    if status not in INTERVIEW_STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(INTERVIEW_STATUSES)}, got {sized_what(status)}"
        )
    start = obj(value.get("start"), "start")
    starts = opt_time(start.get("date_time"), "start.date_time")
    if starts is None and not isinstance(start.get("date"), str):
        raise ImportProblem("start: expected a date_time or (all day) a date")
    created = opt_time(value.get("created_at"), "created_at")
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
    organiser = user_id(value.get("organizer"), "organizer")
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
    if status in HELD:
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


def _scorecard(value: Any, at: At, index: Index) -> list[Any]:
    value = obj(value, "scorecard")
    scorecard = identifier(value.get("id"), "id")
    case_id = _application_of(value, index, f"scorecard {scorecard}")
    if scorecard in index.scorecards:
        return [Skip("a scorecard of an imported scheduled interview")]
    held = vendor_time(value.get("interviewed_at"), "interviewed_at")
    opt_time(value.get("submitted_at"), "submitted_at")
    attributes: dict[str, Any] = {"interview_id": f"scorecard-{scorecard}"}
    step = value.get("interview_step")
    if isinstance(step, dict) and isinstance(step.get("name"), str):
        attributes["interview"] = step["name"]
    actor = user_id(value.get("interviewer"), "interviewer")
    # The export holds the interview only through its scorecard: that it was scheduled is
    # certain, when is not, so the scheduling is put at the interview, marked inferred.
    return [
        Event(
            case_id,
            A.INTERVIEW_SCHEDULED,
            held,
            event_id=f"gh-scorecard-{scorecard}-scheduled",
            attributes={**attributes, "inferred": "a scorecard without its scheduled interview"},
        ),
        Event(
            case_id,
            A.INTERVIEW_HELD,
            held,
            event_id=f"gh-scorecard-{scorecard}",
            actor=actor,
            attributes=attributes,
        ),
    ]


def _offer(value: Any, at: At, index: Index) -> list[Any]:
    value = obj(value, "offer")
    offer = identifier(value.get("id"), "id")
    case_id = _application_of(value, index, f"offer {offer}")
    status = value.get("status")
    if status not in OFFER_STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(OFFER_STATUSES)}, got {sized_what(status)}"
        )
    version = value.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportProblem(f"version: expected a whole number, got {what(version)}")
    if status == "deprecated":
        return [Skip("a superseded offer version")]
    made = vendor_time(value.get("created_at"), "created_at")
    resolved = opt_time(value.get("resolved_at"), "resolved_at")
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


def _history(row: Any, at: At, index: Index, key: Key) -> list[Any]:
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
        *hire(case_id, when, event_id),
    ]


_RECORDS: Final = {
    "interview": _interview,
    "scorecard": _scorecard,
    "offer": _offer,
}
