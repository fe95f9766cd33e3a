"""Odoo Recruitment: ``hr.applicant`` records with their ``mail.message`` and
``mail.tracking.value`` records and their meetings (``calendar.event``), as cx-rules events.

One case per applicant (its database ``id``).  The records come as JSON from the external
API (``search_read`` over JSON-RPC or XML-RPC: many2one fields as ``[id, "name"]``,
``false`` for empty) or as spreadsheet exports (CSV, TSV, XLSX, Parquet, read with
:mod:`cx_rules.io.tables`) with the fields' technical names as columns.  Odoo writes its
datetimes as ``YYYY-MM-DD HH:MM:SS`` without a zone: they are UTC by Odoo's convention.  The
import reads the files twice: first to learn the applicants, the messages and their tracked
changes, then to translate every record.  See ``docs/guide/importers/odoo.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final

from ..coverage import Coverage
from ..events import Activity as A
from ..events import Channel, Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from ._common import (
    STAGE_CHANGED,
    At,
    Source,
    decision,
    hire,
    key_of,
    learned,
    obj,
    one,
    sized_what,
    sources,
    translate_sources,
    what,
)
from ._odoo import (
    APPLICANT,
    Index,
    calls,
    is_sent,
    kind_of,
    many2one,
    odoo_time,
    opt_time,
    record_id,
    text_of,
    tracked_field,
)
from .base import Importer, ImportItem, ImportProblem, ImportResult
from .values import message_text

__all__ = ["COVERAGE", "Odoo"]

_NOTIFICATIONS: Final = frozenset({"notification", "auto_comment", "user_notification"})
_BOOLEANS: Final = frozenset({"active", "allday", "hired_stage"})
# Odoo's default refuse reasons for a candidate who withdrew begin so.
_WITHDREW: Final = "refused by applicant"
_MESSAGES: Final = "Odoo's messages do not tell {what} from any other message to the candidate"

#: What the Odoo importer can produce, and what Odoo Recruitment never records.
COVERAGE: Final = Coverage(
    "odoo",
    produces={
        "application_received",
        "application_received.job_id",
        "application_received.job",
        "screening_started",
        "screening_started.stage",
        "screening_started.stage_id",
        "stage_changed",
        "stage_changed.stage",
        "stage_changed.stage_id",
        "rejected",
        "rejected.reason",
        "rejected.decided_at",
        "rejected.channel",
        "rejected.text",
        "rejected.subject",
        "withdrawn",
        "withdrawn.reason",
        "offer_made",
        "offer_made.inferred",
        "offer_accepted",
        "offer_accepted.inferred",
        "status_update_sent",
        "status_update_sent.channel",
        "status_update_sent.text",
        "status_update_sent.subject",
        "interview_scheduled",
        "interview_scheduled.interview_id",
        "interview_scheduled.scheduled_for",
        "interview_scheduled.channel",
    },
    never={
        "interview_held": (
            "Odoo's calendar holds meetings as planned; nothing records that one took place"
        ),
        "interview_held.started_at": "no ATS records when an interview really started",
        "interview_held.delay_minutes": "Odoo records no interview delays",
        "interview_rescheduled": "a meeting holds only its current time, not earlier ones",
        "interview_rescheduled.by": "Odoo does not record who moved a meeting",
        "application_acknowledged": _MESSAGES.format(what="an acknowledgement"),
        "process_info_sent": _MESSAGES.format(what="process information"),
        "question_received": _MESSAGES.format(what="a candidate's question"),
        "question_answered": _MESSAGES.format(what="an answer"),
        "thank_you_sent": _MESSAGES.format(what="a thank-you"),
        "feedback_requested": "Odoo does not record a candidate's request for feedback",
        "feedback_given": _MESSAGES.format(what="feedback"),
        "talent_pool_offered": "the applicant records hold no offer of a talent pool",
        "talent_pool_joined": "the applicant records hold no talent-pool consent",
        "talent_pool_joined.consent": "the applicant records hold no consent",
        "data_deleted": "a deleted applicant is gone from the export; its deletion cannot be seen",
    },
)


def _applicant(value: Any, at: At, index: Index, key: Any) -> list[ImportItem]:
    value = obj(value, "applicant")
    case = record_id(value.get("id"))
    if index.app_keys.get(case, key) != key:
        return [Skip("an applicant already read from another record")]
    created = odoo_time(value.get("create_date"), "create_date")
    job_id, job = many2one(value.get("job_id"), "job_id")
    _, reason = many2one(value.get("refuse_reason_id"), "refuse_reason_id")
    status = text_of(value.get("application_status"), "application_status")
    hired = opt_time(value.get("date_closed"), "date_closed")
    out: list[ImportItem] = [
        Event(
            case,
            A.APPLICATION_RECEIVED,
            created,
            event_id=f"odoo-applicant-{case}-received",
            attributes={"job_id": job_id} if job_id else {"job": job} if job else {},
        )
    ]
    if reason is not None or status == "refused":
        when = index.refused_at(case) or opt_time(value.get("refuse_date"), "refuse_date")
        if when is None:
            out.extend(
                at.lacking(
                    case,
                    f"case {case!r} is refused, but neither refuse_date nor a tracked "
                    "refuse_reason_id is in the input: the refusal is not imported",
                    "the refusal's time is not in the export",
                )
            )
        elif case not in index.rejected_by_email:
            out.append(_refusal(case, reason, when, f"odoo-applicant-{case}-refused"))
    elif hired is not None:
        out.extend(hire(case, hired, f"odoo-applicant-{case}-hired"))
    elif status == "hired":
        out.extend(
            at.lacking(
                case,
                f"case {case!r} is hired but has no date_closed: the hire is not imported",
                "the hire's time is not in the export",
            )
        )
    return out


def _refusal(
    case: str,
    reason: str | None,
    when: datetime,
    event_id: str,
    *,
    actor: str | None = None,
    message: dict[str, Any] | None = None,
    decided: datetime | None = None,
) -> Event:
    return decision(
        case,
        when,
        event_id,
        withdrew=reason is not None and reason.lower().startswith(_WITHDREW),
        attributes={"reason": reason} if reason else {},
        actor=actor,
        message=message,
        decided=decided,
    )


def _case_of(case: str, index: Index, what_: str) -> str:
    if case not in index.applicants:
        raise ImportProblem(f"{what_}: its applicant, case {case!r}, is not in the input")
    return case


def _message(value: Any, at: At, index: Index) -> list[ImportItem]:
    value = obj(value, "message")
    message = record_id(value.get("id"))
    if value.get("model") not in (APPLICANT, None, False):
        return [Skip("a message of another model")]
    case = _case_of(record_id(value.get("res_id"), "res_id"), index, f"message {message}")
    when = odoo_time(value.get("date"), "date")
    kind = value.get("message_type")
    if kind in _NOTIFICATIONS:
        return [Skip("a notification (its tracked changes are their own records)")]
    if kind == "email":
        return [Skip("an e-mail received")]
    if kind not in ("comment", "email_outgoing"):
        return [
            at.warning(
                f"message {message}: message_type ({sized_what(kind)}) is not one Odoo documents; "
                "skipped"
            ),
            Skip("a message of no known type"),
        ]
    author_id, author = many2one(value.get("author_id"), "author_id")
    applicant = index.applicants[case]
    if (author_id or author) is not None and (author_id, author) in (
        applicant.partner,
        (None, applicant.partner[1]),
    ):
        return [Skip("a message from the candidate")]
    body = message_text(value.get("body") or None, "body")
    event_id = f"odoo-message-{message}"
    if not is_sent(value):
        if not calls(body):
            return [Skip("an internal note")]
        return [
            Event(
                case,
                A.STATUS_UPDATE_SENT,
                when,
                event_id=event_id,
                actor=author_id,
                channel=Channel.PHONE.value,
                attributes={"text": body},
            )
        ]
    text = {
        k: v
        for k, v in (("text", body), ("subject", text_of(value.get("subject"), "subject")))
        if v
    }
    if index.rejection_email.get(message) == case:
        decided = index.refused_at(case)
        return [
            _refusal(
                case,
                applicant.reason,
                when,
                event_id,
                actor=author_id,
                message=text,
                decided=decided,
            )
        ]
    return [
        Event(
            case,
            A.STATUS_UPDATE_SENT,
            when,
            event_id=event_id,
            actor=author_id,
            channel=Channel.EMAIL.value,
            attributes=text,
        )
    ]


def _tracking(value: Any, at: At, index: Index, key: Any) -> list[ImportItem]:
    value = obj(value, "tracking value")
    tracking = record_id(value.get("id"))
    message_id, _ = many2one(value.get("mail_message_id"), "mail_message_id")
    field = tracked_field(value)
    if field is None:
        raise ImportProblem("field_id: expected the tracked field, got false")
    message = index.messages.get(message_id or "")
    if message is None:
        raise ImportProblem(
            f"tracking value {tracking}: its message {message_id} is not in the input"
        )
    case = _case_of(message.case_id, index, f"tracking value {tracking}")
    if field == "stage_id":
        stage = text_of(value.get("new_value_char"), "new_value_char")
        attributes: dict[str, Any] = {"stage": stage} if stage else {}
        if value.get("new_value_integer"):
            attributes["stage_id"] = record_id(value["new_value_integer"], "new_value_integer")
        kind = A.SCREENING_STARTED if key in index.screening else STAGE_CHANGED
        return [
            Event(
                case,
                kind,
                message.date,
                event_id=f"odoo-tracking-{tracking}",
                actor=message.author,
                attributes=attributes,
            )
        ]
    if field == "refuse_reason_id":
        if not (
            value.get("new_value_integer") or text_of(value.get("new_value_char"), "new_value_char")
        ):
            return [Skip("a refusal undone (its reason cleared)")]
        if index.applicants[case].reason is not None:
            return [Skip("a refusal also in its applicant")]
        return [
            at.warning(
                f"case {case!r} was refused on {message.date.isoformat()} and later restored: the refusal is not imported"
            ),
            Skip("a refusal of an applicant restored since"),
        ]
    return [Skip("a tracked change of another field")]


def _meeting(value: Any, at: At, index: Index) -> list[ImportItem]:
    value = obj(value, "meeting")
    meeting = record_id(value.get("id"))
    if value.get("active") is False:
        return [Skip("an archived meeting")]
    applicant, _ = many2one(value.get("applicant_id"), "applicant_id")
    if applicant is None:
        if value.get("res_model") != APPLICANT or not value.get("res_id"):
            return [Skip("a meeting of no applicant")]
        applicant = record_id(value.get("res_id"), "res_id")
    case = _case_of(applicant, index, f"meeting {meeting}")
    created = odoo_time(value.get("create_date"), "create_date")
    starts = odoo_time(value.get("start"), "start")
    attributes: dict[str, Any] = {"interview_id": f"calendar-{meeting}"}
    if value.get("allday") is not True:
        attributes["scheduled_for"] = starts.isoformat()
    channel = None
    if text_of(value.get("videocall_location"), "videocall_location"):
        channel = Channel.VIDEO.value
    elif text_of(value.get("location"), "location"):
        channel = Channel.MEETING.value
    organiser, _ = many2one(value.get("user_id"), "user_id")
    return [
        Event(
            case,
            A.INTERVIEW_SCHEDULED,
            created,
            event_id=f"odoo-meeting-{meeting}",
            actor=organiser,
            channel=channel,
            attributes=attributes,
        )
    ]


def translate_all(sources: Iterator[Source | InputError], index: Index) -> Iterator[ImportItem]:
    """The second pass: every record of ``sources`` translated, each placed."""
    for source in sources:
        if isinstance(source, InputError):
            yield source
            continue
        at = At(source.path, source.place)
        kind = kind_of(source.value)
        if kind == "applicant":
            yield from one(_applicant, source.value, at, index, key_of(source))
        elif kind == "message":
            yield from one(_message, source.value, at, index)
        elif kind == "tracking":
            yield from one(_tracking, source.value, at, index, key_of(source))
        elif kind == "meeting":
            yield from one(_meeting, source.value, at, index)
        elif kind == "stage":
            yield from at.skipped("a recruitment stage")
        else:
            yield from at.invalid(
                "not an Odoo record: expected an hr.applicant (stage_id, refuse_reason_id), a "
                "mail.message (res_id, message_type), a mail.tracking.value "
                f"(mail_message_id, field_id) or a calendar.event (start); got {what(source.value)}"
            )


def _cells(cells: Mapping[str, object]) -> dict[str, Any]:
    """A spreadsheet row as the API gives the record: a blank cell ``false``, the
    database id of ``.id`` as ``id``, a many2one's ``x/.id`` and ``x`` as ``[id, name]``,
    ``True``/``False`` in boolean columns as booleans."""
    row: dict[str, Any] = {}
    for column, cell in cells.items():
        value: Any = False if cell is None else cell
        if column in _BOOLEANS and isinstance(value, str):
            value = {"true": True, "false": False}.get(value.strip().lower(), value)
        if column == ".id":
            row["id"] = value
        elif column.endswith("/.id"):
            field = column[: -len("/.id")]
            name = cells.get(field)
            row[field] = False if value is False else [value, name if name is not None else ""]
        elif column.endswith("/id"):
            continue  # an external id
        elif not (isinstance(row.get(column), list) and column + "/.id" in cells):
            row[column] = value
    return row


def _sources(paths: Sequence[str]) -> Iterator[Source | InputError]:
    for source in sources(paths, envelope="result", tables=True):
        if isinstance(source, Source) and source.kind is not None:
            yield source._replace(value=_cells(source.value))
        else:
            yield source


class Odoo(Importer):
    """The Odoo importer (external API JSON, or spreadsheet exports with technical names)."""

    name: ClassVar[str] = "odoo"
    title: ClassVar[str] = "Odoo Recruitment"
    summary: ClassVar[str] = (
        "hr.applicant, mail.message, mail.tracking.value and calendar.event records, as "
        "search_read JSON or as CSV, TSV, XLSX or Parquet exports"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        yield from translate_all(_sources(paths), learned(Index(), _sources(paths)))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one applicant record on its own (its refusal needs ``refuse_date``);
        a message, tracking value or meeting needs its applicant, else it is an input
        error."""
        source = Source(0, name, Place(None, None), record)
        return translate_sources(translate_all, Index(), [source], name)
