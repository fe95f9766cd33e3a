"""Odoo's values and the index of the first pass (see :mod:`cx_rules.importers.odoo`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

import attrs

from ._common import (
    CALL,
    Key,
    Source,
    first_moves,
    key_of,
    rejection_emails,
    sized_what,
    what,
)
from .base import ImportProblem
from .values import identifier

__all__ = [
    "APPLICANT",
    "Applicant",
    "Index",
    "Message",
    "calls",
    "is_sent",
    "kind_of",
    "many2one",
    "odoo_time",
    "opt_time",
    "record_id",
    "text_of",
    "tracked_field",
]

#: Odoo's datetime format (fractions of a second accepted).
NAIVE_ODOO: Final = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$")

APPLICANT: Final = "hr.applicant"
#: The fields whose tracked changes the importer reads, by technical name and by label
#: (the display name of ``field_id``, with or without the model).
_FIELDS: Final = {
    "stage_id": "stage_id",
    "stage": "stage_id",
    "refuse_reason_id": "refuse_reason_id",
    "refuse reason": "refuse_reason_id",
    "refuse_reason": "refuse_reason_id",
}
_MODEL_SUFFIX: Final = re.compile(r"\s*\(hr\.applicant\)$", re.IGNORECASE)
#: Message subtypes that reach the candidate (a message sent to the record's followers).
SENT_SUBTYPES: Final = frozenset({"discussions", "mail.mt_comment"})


def odoo_time(value: Any, where: str) -> datetime:
    """An Odoo datetime: ``YYYY-MM-DD HH:MM:SS`` without a zone, in UTC by Odoo's
    convention (the server stores and its API returns every datetime in UTC); also a
    spreadsheet's date cell (a naive datetime, exported in UTC)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    elif not isinstance(value, str) or not NAIVE_ODOO.match(value.strip()):
        raise ImportProblem(
            f"{where}: expected an Odoo datetime (YYYY-MM-DD HH:MM:SS, UTC), got "
            f"{sized_what(value)}"
        )
    else:
        try:
            moment = datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
        except ValueError:  # month 13, hour 24, a leap second: not a time of the calendar
            raise ImportProblem(
                f"{where}: {sized_what(value)} is not a time of the calendar (expected an "
                "Odoo datetime, YYYY-MM-DD HH:MM:SS, UTC, with a month from 01 to 12, an hour "
                "from 00 to 23, a second from 00 to 59)"
            ) from None
    if not 1970 <= moment.year < 9999:
        raise ImportProblem(f"{where}: a time outside 1970 to 9998 (expected a time in that range)")
    return moment


def opt_time(value: Any, where: str) -> datetime | None:
    """An Odoo datetime, with ``false`` (and null, and a blank cell) as ``None``."""
    return None if value is False or value is None else odoo_time(value, where)


def many2one(value: Any, where: str) -> tuple[str | None, str | None]:
    """A many2one value: ``[id, "name"]`` from the API, a name from a spreadsheet (or
    ``[id, name]`` when its ``/.id`` column was exported too), ``false`` for none."""
    if value is False or value is None:
        return None, None
    if isinstance(value, list) and len(value) == 2:
        name = value[1] if isinstance(value[1], str) and value[1].strip() else None
        return identifier(value[0], f"{where}[0]"), name.strip() if name else None
    if isinstance(value, str) and value.strip():
        return None, value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None
    raise ImportProblem(f"{where}: expected [id, name] or false, got {what(value)}")


def record_id(value: Any, where: str = "id") -> str:
    """A record's database id (a whole number; a spreadsheet's ``12`` or ``12.0``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().removesuffix(".0").isdigit():
        value = int(value.strip().removesuffix(".0"))
    if not isinstance(value, int) or isinstance(value, bool):
        raise ImportProblem(
            f"{where}: expected the record's database id (a whole number), got {what(value)}"
        )
    return str(value)


def text_of(value: Any, where: str) -> str | None:
    """A char field: ``false`` and blank as ``None``."""
    if value is False or value is None:
        return None
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: expected text or false, got {what(value)}")
    return value.strip() or None


def tracked_field(value: dict[str, Any]) -> str | None:
    """Which applicant field a ``mail.tracking.value`` changed: ``stage_id``,
    ``refuse_reason_id``, another (its name), or ``None`` when it names none.  Reads the
    old ``field`` (a technical name, or ``[id, label]`` from Odoo 13 to 16) and the newer
    ``field_id`` (``[id, label]``, Odoo 17 and later)."""
    raw = value.get("field_id", value.get("field"))
    if raw is False or raw is None:
        return None
    if isinstance(raw, list) and len(raw) == 2:
        raw = raw[1]
    if not isinstance(raw, str):
        raise ImportProblem(f"field_id: expected [id, name] or a field name, got {what(raw)}")
    name = _MODEL_SUFFIX.sub("", raw.strip())
    return _FIELDS.get(name.lower(), name)


def kind_of(value: Any) -> str | None:
    """Which Odoo model a record is of, by its fields."""
    if not isinstance(value, dict):
        return None
    if "mail_message_id" in value and ("field" in value or "field_id" in value):
        return "tracking"
    if "res_id" in value and ("message_type" in value or "model" in value):
        return "message"
    if "start" in value and ("stop" in value or "allday" in value or "applicant_id" in value):
        return "meeting"
    if "hired_stage" in value:
        return "stage"
    if any(
        k in value for k in ("stage_id", "refuse_reason_id", "partner_name", "application_status")
    ):
        return "applicant"
    return None


class Message(NamedTuple):
    """What the index keeps of an applicant's message."""

    case_id: str
    date: datetime
    author: str | None  # the author's id
    sent: bool  # reaches the candidate


class Applicant(NamedTuple):
    case_id: str
    created: datetime | None
    partner: tuple[str | None, str | None]
    reason: str | None
    refused_at: datetime | None


@attrs.define
class Index:
    """What the first pass learns: applicants, messages (by id), the time of each
    applicant's tracked refusal, each applicant's first stage move, hired stages, and the
    messages that are refusal e-mails."""

    applicants: dict[str, Applicant] = attrs.Factory(dict)
    messages: dict[str, Message] = attrs.Factory(dict)
    refusals: dict[str, datetime] = attrs.Factory(dict)
    moves: list[tuple[str, datetime, Key]] = attrs.Factory(list)
    #: Where each applicant's first stage move is: its screening started.
    screening: set[Key] = attrs.Factory(set)
    rejection_email: dict[str, str] = attrs.Factory(dict)  # message id -> case id
    #: The applicants whose refusal is an e-mail.
    rejected_by_email: set[str] = attrs.Factory(set)
    app_keys: dict[str, Key] = attrs.Factory(dict)
    #: Messages sent to the candidate (case, date, message id), until settled.
    sent: list[tuple[str, datetime, str]] = attrs.Factory(list)
    #: Tracked changes (message id, field, whether a value was set, place), until settled.
    tracked: list[tuple[str, str | None, bool, Key]] = attrs.Factory(list)

    def learn(self, source: Source) -> None:
        value = source.value
        kind = kind_of(value)
        try:
            if kind == "applicant":
                case_id = record_id(value.get("id"))
                if case_id in self.applicants:
                    return
                self.app_keys[case_id] = key_of(source)
                self.applicants[case_id] = Applicant(
                    case_id,
                    opt_time(value.get("create_date"), "create_date"),
                    many2one(value.get("partner_id"), "partner_id"),
                    many2one(value.get("refuse_reason_id"), "refuse_reason_id")[1],
                    opt_time(value.get("refuse_date"), "refuse_date"),
                )
            elif kind == "message" and value.get("model") in (APPLICANT, None, False):
                message = record_id(value.get("id"))
                author = many2one(value.get("author_id"), "author_id")
                sent = is_sent(value)
                at = odoo_time(value.get("date"), "date")
                case_id = record_id(value.get("res_id"), "res_id")
                self.messages[message] = Message(case_id, at, author[0], sent)
                if sent:
                    self.sent.append((case_id, at, message))
            elif kind == "tracking":
                self.tracked.append(
                    (_message_id(value), tracked_field(value), _new_value(value), key_of(source))
                )
        except ImportProblem:
            return

    def settle(self) -> None:
        """After the first pass: the tracked changes on their messages, each applicant's
        first stage move, refusal e-mails."""
        for message_id, field, set_to, key in self.tracked:
            message = self.messages.get(message_id)
            if message is None:
                continue
            if field == "stage_id":
                self.moves.append((message.case_id, message.date, key))
            elif field == "refuse_reason_id" and set_to:
                self.refusals[message.case_id] = max(
                    message.date, self.refusals.get(message.case_id, message.date)
                )
        self.tracked = []
        self.screening = first_moves(self.moves)
        self.moves = []
        found = rejection_emails(self.sent, self.refused_at)
        self.rejection_email = {m: case_id for case_id, m in found.items()}
        self.rejected_by_email = set(found)
        self.sent = []

    def refused_at(self, case_id: str) -> datetime | None:
        app = self.applicants.get(case_id)
        if app is None or app.reason is None:
            return None
        return app.refused_at or self.refusals.get(case_id)


def is_sent(value: dict[str, Any]) -> bool:
    """Whether a message reached the candidate: an outgoing e-mail, or a message posted to
    the record's followers (subtype Discussions); a note, a notification and an incoming
    e-mail do not."""
    kind = value.get("message_type")
    if kind == "email_outgoing":
        return True
    if kind != "comment":
        return False
    subtype = value.get("subtype_id")
    name = subtype[1] if isinstance(subtype, list) and len(subtype) == 2 else subtype
    return isinstance(name, str) and name.strip().lower() in SENT_SUBTYPES


def _message_id(value: dict[str, Any]) -> str:
    found, _ = many2one(value.get("mail_message_id"), "mail_message_id")
    if found is None:
        raise ImportProblem("mail_message_id: expected [id, name] with the message's id")
    return found


def _new_value(value: dict[str, Any]) -> bool:
    return bool(value.get("new_value_integer")) or bool(
        text_of(value.get("new_value_char"), "new_value_char")
    )


def calls(text: str | None) -> bool:
    return text is not None and CALL.match(text) is not None
