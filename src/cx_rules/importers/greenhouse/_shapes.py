"""The shapes of Harvest records: what each kind is called and its fields read strictly
(with the checks of :mod:`cx_rules.importers._common`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

import attrs

from .._common import obj, opt_list, opt_text, opt_time, sized_what, what
from ..base import ImportProblem
from ..values import identifier, vendor_time

#: The columns of ``application_history`` the importer reads (others, such as
#: ``_fivetran_synced``, are ignored).
HISTORY_COLUMNS: Final = ("application_id", "new_stage_id", "new_status", "updated_at")

STATUSES: Final = ("active", "rejected", "hired")
INTERVIEW_STATUSES: Final = ("scheduled", "awaiting_feedback", "complete")
HELD: Final = frozenset({"awaiting_feedback", "complete"})
OFFER_STATUSES: Final = ("unresolved", "accepted", "rejected", "deprecated")
WITHDRAWAL: Final = "They rejected us"
MOVED: Final = re.compile(
    r"^.+? was moved into (?P<stage>.+?) for (?P<job>.+?) on \d{1,2}/\d{1,2}/\d{4}"
    r"(?: by .+)?$",
    re.DOTALL,
)
REASON: Final = re.compile(r"^\s*Reason:\s*(?P<reason>[^\n]+)")
ANONYMISED: Final = "Anonymized"
STAGE_CHANGE: Final = "Candidate Stage Change"


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
    #: The recruiter (or else the user credited with the application), by id.
    actor: str | None = None
    #: Whether the application has its stage data (``current_stage``).
    staged: bool = True
    #: The recruiter of record: the application's recruiter, else its coordinator, by id.
    owner: str | None = None


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


def user_id(value: Any, where: str) -> str | None:
    """A Greenhouse user (``{"id": ..., "name": ...}``) as the actor: its id, never its name."""
    if value is None:
        return None
    return identifier(obj(value, where).get("id"), f"{where}.id")


def parse_app(value: Any, where: str, candidate: str | None) -> App:
    """An application record's fields, checked; raises :class:`ImportProblem`."""
    value = obj(value, where)
    case_id = identifier(value.get("id"), "id")
    if value.get("candidate_id") is not None:
        candidate = identifier(value.get("candidate_id"), "candidate_id")
    status = value.get("status")
    if status not in STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(STATUSES)}, got {sized_what(status)}"
        )
    prospect = value.get("prospect", False)
    if not isinstance(prospect, bool):
        raise ImportProblem(f"prospect: expected true or false, got {what(prospect)}")
    reason = reason_type = None
    if value.get("rejection_reason") is not None:
        rejection = obj(value["rejection_reason"], "rejection_reason")
        reason = opt_text(rejection.get("name"), "rejection_reason.name")
        if rejection.get("type") is not None:
            kind = obj(rejection["type"], "rejection_reason.type")
            reason_type = opt_text(kind.get("name"), "rejection_reason.type.name")
    details = None
    if value.get("rejection_details") is not None:
        raw = obj(value["rejection_details"], "rejection_details")
        fields = obj(raw.get("custom_fields") or {}, "rejection_details.custom_fields")
        details = {str(k): v for k, v in fields.items() if v is not None} or None
    job_id = job_name = None
    jobs = opt_list(value.get("jobs"), "jobs")
    if jobs:
        job = obj(jobs[0], "jobs[0]")
        job_id = identifier(job.get("id"), "jobs[0].id")
        job_name = opt_text(job.get("name"), "jobs[0].name")
    actor = user_id(value.get("recruiter"), "recruiter") or user_id(
        value.get("credited_to"), "credited_to"
    )
    staged = value.get("current_stage") is not None
    if staged:
        obj(value["current_stage"], "current_stage")
    owner = user_id(value.get("recruiter"), "recruiter") or user_id(
        value.get("coordinator"), "coordinator"
    )
    return App(
        case_id,
        candidate,
        opt_time(value.get("applied_at"), "applied_at"),
        status,
        opt_time(value.get("rejected_at"), "rejected_at"),
        reason,
        reason_type,
        details,
        job_id,
        job_name,
        prospect,
        actor,
        staged,
        owner,
    )


def parse_history(row: dict[str, str]) -> tuple[str, datetime, str, str | None]:
    """An ``application_history`` row: application id, time, status and stage id."""
    raw = (row.get("application_id") or "").strip()
    case_id = raw[:-2] if raw.endswith(".0") and raw[:-2].isdigit() else raw
    if not case_id:
        raise ImportProblem("application_id: expected an application id, got an empty cell")
    at = vendor_time(row.get("updated_at") or "", "updated_at")
    status = (row.get("new_status") or "").strip().lower()
    if status not in STATUSES:
        raise ImportProblem(
            f"new_status: expected one of {', '.join(STATUSES)}, got {sized_what(row.get('new_status'))}"
        )
    stage = (row.get("new_stage_id") or "").strip()
    if stage.endswith(".0") and stage[:-2].isdigit():
        stage = stage[:-2]
    return case_id, at, status, stage or None
