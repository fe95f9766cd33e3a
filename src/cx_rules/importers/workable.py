"""Workable (API v3): candidates and their activity streams, as cx-rules events.

In Workable a candidate belongs to one job, so one case per candidate (its ``id``).  The
export is the pages of ``GET /spi/v3/candidates`` (``{"candidates": [...], "paging":
{"next": ...}}``) or single candidates (``{"candidate": {...}}``), and each candidate's
``GET /spi/v3/candidates/{id}/activities`` response saved with the ``candidate_id`` it was
asked for.  The files are read twice: first to index the candidates and order their moves,
then to translate every record.  See ``docs/guide/importers/workable.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final

import attrs

from ..coverage import Coverage
from ..events import Activity as A
from ..events import Channel, Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from ._common import (
    INTERVIEW_KEYS,
    STAGE_CHANGED,
    At,
    Key,
    Source,
    first_moves,
    hire,
    key_of,
    learned,
    obj,
    one,
    opt_text,
    opt_time,
    sized_what,
    sources,
    translate_sources,
)
from ._common import what as _what
from .base import Importer, ImportItem, ImportProblem, ImportResult
from .values import identifier, message_text, vendor_time

__all__ = ["COVERAGE", "Workable"]

#: The documented actions whose body is the disqualification (both spellings are read).
DISQUALIFICATIONS: Final = frozenset({"disqualified", "disqualification"})
_INTERNAL: Final = frozenset({"comment", "rating"})
_MESSAGE: Final = "message"
_NO_INTERVIEWS: Final = "the candidates and their activities hold no interviews"
_SAME: Final = "the activities do not tell {what} from any other message to the candidate"

#: What the Workable importer can produce, and what its records never hold.
COVERAGE: Final = Coverage(
    "workable",
    produces={
        "application_received",
        "application_received.job_id",
        "screening_started",
        "screening_started.stage",
        "stage_changed",
        "stage_changed.stage",
        "status_update_sent",
        "status_update_sent.channel",
        "status_update_sent.text",
        "rejected",
        "rejected.reason",
        "withdrawn",
        "withdrawn.reason",
        "offer_made",
        "offer_accepted",
    },
    never={
        "rejected.channel": (
            "a disqualification is a status, not a message: which message (if any) told the "
            "candidate is not recorded"
        ),
        "rejected.text": "a disqualification carries no message to the candidate",
        "application_acknowledged": _SAME.format(what="an acknowledgement"),
        "process_info_sent": _SAME.format(what="process information"),
        "thank_you_sent": _SAME.format(what="a thank-you"),
        "thank_you_sent.channel": _SAME.format(what="a thank-you"),
        "question_received": "a candidate's messages are not told apart from questions",
        "question_answered": _SAME.format(what="an answer"),
        "feedback_requested": "Workable does not record a candidate's request for feedback",
        "feedback_given": (
            "comments and ratings are the team's own; " + _SAME.format(what="feedback")
        ),
        **dict.fromkeys(INTERVIEW_KEYS, _NO_INTERVIEWS),
        "interview_held.started_at": "no ATS records when an interview really started",
        "talent_pool_offered": "the candidate records hold no talent-pool offer",
        "talent_pool_joined": "the candidate records hold no talent-pool consent",
        "talent_pool_joined.consent": "the candidate records hold no talent-pool consent",
        "data_deleted": "a deleted candidate is gone from the export",
    },
)


@attrs.frozen
class _Candidate:
    case_id: str
    created: datetime
    job: str | None
    sourced: bool
    disqualified: bool
    withdrew: bool
    reason: str | None
    disqualified_at: datetime | None
    hired_at: Any


@attrs.define
class _Index:
    """The first pass: the candidates (where each was first read), each one's moves in
    time order, and its last disqualification activity."""

    candidates: dict[str, _Candidate] = attrs.Factory(dict)
    first: dict[str, Key] = attrs.Factory(dict)
    moves: list[tuple[str, datetime, Key]] = attrs.Factory(list)
    disqualifications: dict[str, list[tuple[datetime, Key]]] = attrs.Factory(dict)
    screening: set[Key] = attrs.Factory(set)
    rejection: dict[str, Key] = attrs.Factory(dict)

    def learn(self, source: Source) -> None:
        for _, key, value, kind, candidate in _records(source):
            try:
                if kind == "candidate":
                    found = _candidate(value)
                    self.candidates.setdefault(found.case_id, found)
                    self.first.setdefault(found.case_id, key)
                elif candidate is not None:
                    item = obj(value, "activity")
                    at = vendor_time(item.get("created_at"), "created_at")
                    if _is_move(item):
                        self.moves.append((candidate, at, key))
                    elif item.get("action") in DISQUALIFICATIONS:
                        self.disqualifications.setdefault(candidate, []).append((at, key))
            except ImportProblem:
                continue

    def settle(self) -> None:
        self.screening = first_moves(self.moves)
        for case_id, found in self.disqualifications.items():
            self.rejection[case_id] = max(found, key=_order)[1]
        self.moves = []
        self.disqualifications = {}


def _order(item: tuple[datetime, Key]) -> tuple[datetime, int, int, str]:
    at, (file_index, line, element) = item
    return at, file_index, line or 0, element or ""


def _is_move(item: dict[str, Any]) -> bool:
    return item.get("action") == "moved" or isinstance(item.get("target_stage"), dict)


def _records(source: Source) -> Iterator[tuple[At, Key, Any, str, str | None]]:
    """The records of a top-level value: candidates of a page (or one ``candidate``), or the
    activities of one candidate's stream; anything else gives nothing."""
    value = source.value
    at = At(source.path, source.place)
    if not isinstance(value, dict):
        return
    if isinstance(value.get("candidates"), list):
        for n, item in enumerate(value["candidates"]):
            here = at.within(f".candidates[{n}]")
            yield here, key_of(source, here.place), item, "candidate", None
    elif isinstance(value.get("candidate"), dict):
        here = at.within(".candidate")
        yield here, key_of(source, here.place), value["candidate"], "candidate", None
    elif "activities" in value:
        try:
            candidate = identifier(value.get("candidate_id"), "candidate_id")
        except ImportProblem:
            return
        for n, item in enumerate(
            value["activities"] if isinstance(value["activities"], list) else ()
        ):
            here = at.within(f".activities[{n}]")
            yield here, key_of(source, here.place), item, "activity", candidate


def _flag(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ImportProblem(f"{where}: expected true or false, got {_what(value)}")
    return value


def _candidate(value: Any) -> _Candidate:
    value = obj(value, "candidate")
    job = value.get("job")
    shortcode = opt_text(obj(job, "job").get("shortcode"), "job.shortcode") if job else None
    return _Candidate(
        identifier(value.get("id"), "id"),
        vendor_time(value.get("created_at"), "created_at"),
        shortcode,
        _flag(value.get("sourced"), "sourced"),
        _flag(value.get("disqualified"), "disqualified"),
        _flag(value.get("withdrew"), "withdrew"),
        opt_text(value.get("disqualification_reason"), "disqualification_reason"),
        opt_time(value.get("disqualified_at"), "disqualified_at", blank=True),
        value.get("hired_at"),
    )


class Workable(Importer):
    """The Workable importer (API v3 candidates and their activities)."""

    name: ClassVar[str] = "workable"
    title: ClassVar[str] = "Workable (API v3)"
    summary: ClassVar[str] = (
        "the API's candidates pages and each candidate's activities, saved with its candidate_id"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        yield from _translate_all(sources(paths), learned(_Index(), sources(paths)))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one record on its own: a candidates page, ``{"candidate": ...}``, or
        activities with their ``candidate_id`` (whose candidate must be in the record)."""
        source = Source(0, name, Place(None, None), record)
        return translate_sources(_translate_all, _Index(), [source], name)


def _translate_all(items: Iterable[Source | InputError], index: _Index) -> Iterator[ImportItem]:
    for source in items:
        if isinstance(source, InputError):
            yield source
            continue
        at = At(source.path, source.place)
        value = source.value
        records = list(_records(source))
        if not records:
            if isinstance(value, dict) and (
                value.get("candidates") == [] or value.get("activities") == []
            ):
                yield from at.skipped("an empty page")
            else:
                yield from at.invalid(
                    "not a Workable record: expected a candidates page ({candidates: [...]}), "
                    "{candidate: {...}} or a candidate's activities ({candidate_id, "
                    f"activities: [...]}}); got {_what(value)}"
                )
            continue
        for here, key, item, kind, candidate in records:
            if kind == "candidate":
                yield from one(_candidate_events, item, here, key, index)
            else:
                assert candidate is not None
                yield from one(_activity, item, here, key, candidate, index)


def _candidate_events(value: Any, at: At, key: Key, index: _Index) -> list[ImportItem]:
    found = _candidate(value)
    case = found.case_id
    if index.first.get(case) != key:
        return [Skip("a candidate already read from another page")]
    if found.sourced:
        return [Skip("a sourced candidate (did not apply)")]
    out: list[ImportItem] = [
        Event(
            case,
            A.APPLICATION_RECEIVED,
            found.created,
            event_id=f"wk-candidate-{case}-received",
            attributes={"job_id": found.job} if found.job else {},
        )
    ]
    if found.disqualified:
        if found.disqualified_at is not None:
            out.append(
                _disqualification(found, found.disqualified_at, f"wk-candidate-{case}-disqualified")
            )
        elif case not in index.rejection:
            out.extend(
                at.lacking(
                    case,
                    f"case {case!r} is disqualified, but neither disqualified_at nor a "
                    "disqualification activity is in the input: the decision is not imported",
                    "the disqualification's time is not in the export",
                )
            )
    hired = found.hired_at
    if hired is not None:
        try:
            when = vendor_time(hired, "hired_at")
        except ImportProblem:
            out.extend(
                at.lacking(
                    case,
                    f"case {case!r}: hired_at ({sized_what(hired)}) is not a timestamp with a "
                    "zone: the hire is not imported",
                    "the hire's time is not in the export",
                )
            )
        else:
            out.extend(hire(case, when, f"wk-candidate-{case}-hired", f"wk-candidate-{case}-offer"))
    return out


def _disqualification(
    found: _Candidate, at: datetime, event_id: str, actor: str | None = None
) -> Event:
    return Event(
        found.case_id,
        A.WITHDRAWN if found.withdrew else A.REJECTED,
        at,
        event_id=event_id,
        actor=actor,
        attributes={"reason": found.reason} if found.reason else {},
    )


def _member(value: Any) -> str | None:
    """A Workable member (``{"id", "name"}``) as the actor: its id, never its name."""
    if value is None:
        return None
    return identifier(obj(value, "member").get("id"), "member.id")


def _stage_name(item: dict[str, Any]) -> str | None:
    target = item.get("target_stage")
    if isinstance(target, dict):
        name = opt_text(target.get("name"), "target_stage.name")
        if name:
            return name
    return opt_text(item.get("stage_name"), "stage_name")


def _activity(value: Any, at: At, key: Key, candidate: str, index: _Index) -> list[ImportItem]:
    item = obj(value, "activity")
    action = opt_text(item.get("action"), "action")
    when = vendor_time(item.get("created_at"), "created_at")
    found = index.candidates.get(candidate)
    if found is None:
        raise ImportProblem(f"activity: its candidate, case {candidate!r}, is not in the input")
    if found.sourced:
        return [Skip("an activity of a sourced candidate")]
    case = found.case_id
    actor = _member(item.get("member"))
    rid = item.get("id")
    event_id = (
        f"wk-activity-{rid}"
        if isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid).strip()
        else (f"wk-activity-{case}-{when.isoformat()}-{action}")
    )
    if action == "applied":
        return [Skip("the application, read from its candidate")]
    if _is_move(item):
        stage = _stage_name(item)
        kind = A.SCREENING_STARTED if key in index.screening else STAGE_CHANGED
        return [
            Event(
                case,
                kind,
                when,
                event_id=event_id,
                actor=actor,
                attributes={"stage": stage} if stage else {},
            )
        ]
    if action == _MESSAGE:
        if actor is None:
            return [Skip("a message from the candidate")]
        text = message_text(item.get("body"), "body")
        return [
            Event(
                case,
                A.STATUS_UPDATE_SENT,
                when,
                event_id=event_id,
                actor=actor,
                channel=Channel.EMAIL.value,
                attributes={"text": text} if text else {},
            )
        ]
    if action in _INTERNAL:
        return [Skip("an internal comment or rating")]
    if action in DISQUALIFICATIONS:
        if not found.disqualified:
            return [Skip("a disqualification since reverted")]
        if found.disqualified_at is not None or index.rejection.get(case) != key:
            return [Skip("a disqualification, imported from its candidate")]
        return [_disqualification(found, when, event_id, actor)]
    return [
        at.warning(
            f"activity of case {case!r}: the action ({sized_what(action)}) is not one the "
            "importer "
            "recognises (applied, moved, message, comment, rating, disqualified); skipped"
        ),
        Skip("an activity the importer does not recognise"),
    ]
