"""Webhook deliveries of Greenhouse and Lever as cx-rules events.

Greenhouse sends ``{"action": ..., "payload": {"application": {...}}}``; the application
(with its ``candidate``) is translated by the Greenhouse importer's single-record
translation, so a webhook and an export give the same events with the same ids.  Lever's
deliveries (``applicationCreated``, ``candidateStageChange``, ``candidateArchiveChange``,
``candidateHired``, ``candidateDeleted``, ``interviewCreated``) carry ids and epoch
milliseconds, not the export's records: they are translated here, one event each, with an
event id made of the event, the opportunity and ``triggeredAt`` so a repeated delivery is
dropped as a repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..case import Case
from ..events import Event
from ..importers._common import sized_what
from ..importers.base import ImportProblem
from ..importers.values import epoch_ms, identifier

__all__ = ["Delivery", "greenhouse_events", "lever_events"]


@attrs.frozen
class Delivery:
    """What one delivery gives: its events, and why nothing was recorded when it is empty."""

    events: tuple[Event, ...] = ()
    skipped: str | None = None
    errors: tuple[str, ...] = ()


#: Greenhouse actions that carry an application; any other action is acknowledged, skipped.
GREENHOUSE_ACTIONS = frozenset(
    {
        "new_candidate_application",
        "candidate_stage_change",
        "reject_candidate",
        "unreject_candidate",
        "prospect_created",
        "candidate_has_changed",
        "offer_created",
        "hire_candidate",
    }
)


def greenhouse_events(body: Mapping[str, Any]) -> Delivery:
    """The events of one Greenhouse delivery."""
    from ..importers.greenhouse import Greenhouse

    action = body.get("action")
    if not isinstance(action, str):
        return Delivery(errors=("action: expected the delivery's action (a string)",))
    if action == "ping":
        return Delivery(skipped="ping")
    payload = body.get("payload")
    if not isinstance(payload, Mapping):
        return Delivery(errors=("payload: expected an object",))
    application = payload.get("application")
    if action not in GREENHOUSE_ACTIONS or not isinstance(application, Mapping):
        if action not in GREENHOUSE_ACTIONS:
            return Delivery(skipped=f"an action ({sized_what(action)}) that is not translated")
        return Delivery(skipped=f"action {action!r} carries no application")
    record = dict(application)
    candidate = record.get("candidate")
    if "candidate_id" not in record and isinstance(candidate, Mapping):
        # A delivery nests the candidate where the Harvest API gives its id.
        record["candidate_id"] = candidate.get("id")
    result = Greenhouse().translate(record, name=f"greenhouse webhook {action}")
    errors = tuple(str(e) for e in result.errors)
    return Delivery(tuple(result.events), None if result.events or errors else "no events", errors)


def _data(body: Mapping[str, Any]) -> Mapping[str, Any]:
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise ImportProblem("data: expected an object")
    return data


def lever_events(body: Mapping[str, Any], case_of: Callable[[str], Case | None]) -> Delivery:
    """The events of one Lever delivery; ``case_of`` gives the stored case of an opportunity
    (to tell the first stage change, which starts screening, from later ones)."""
    name = body.get("event")
    if not isinstance(name, str):
        return Delivery(errors=("event: expected the delivery's event name (a string)",))
    try:
        data = _data(body)
        triggered = epoch_ms(body.get("triggeredAt"), "triggeredAt")
        if name == "test" or ("opportunityId" not in data and name != "candidateDeleted"):
            return Delivery(skipped=f"event {_named(name)} names no opportunity")
        opportunity = identifier(data.get("opportunityId"), "data.opportunityId")
        event_id = f"lever-{name}-{opportunity}-{body.get('triggeredAt')}"

        def event(activity: str, at: Any = triggered, **attributes: Any) -> Delivery:
            kept = {k: v for k, v in attributes.items() if v is not None}
            return Delivery((Event(opportunity, activity, at, event_id=event_id, attributes=kept),))

        if name == "applicationCreated":
            return event("application_received", posting_id=data.get("postingId"))
        if name == "candidateStageChange":
            case = case_of(opportunity)
            if case is not None and case.count("screening_started"):
                return Delivery(skipped="a later stage change (the model has no stages)")
            return event("screening_started", stage_id=data.get("toStageId"))
        if name == "candidateArchiveChange":
            archived = data.get("toArchived")
            if not isinstance(archived, Mapping):
                return Delivery(skipped="unarchived")
            at = epoch_ms(archived.get("archivedAt"), "data.toArchived.archivedAt")
            return event("rejected", at, reason_id=archived.get("reason"))
        if name == "candidateHired":
            return event("offer_accepted")
        if name == "candidateDeleted":
            return event("data_deleted")
        if name == "interviewCreated":
            return event("interview_scheduled", interview_id=data.get("interviewId"))
    except ImportProblem as exc:
        return Delivery(errors=(str(exc),))
    return Delivery(skipped=f"event {_named(name)} is not translated")


#: The Lever events a delivery may name that the service knows (the translated ones, and the
#: ``test`` a new webhook sends): only these are quoted back in a reply.
LEVER_EVENTS = frozenset(
    {
        "applicationCreated",
        "candidateStageChange",
        "candidateArchiveChange",
        "candidateHired",
        "candidateDeleted",
        "interviewCreated",
        "test",
    }
)


def _named(name: str) -> str:
    # A name the service does not know is described, never echoed: it came in a request.
    return repr(name) if name in LEVER_EVENTS else f"({sized_what(name)})"
