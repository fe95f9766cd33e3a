"""Hypothesis properties of the webhook translations: any JSON a sender posts gives events,
a reason it was skipped, or errors that say what was wrong; never an exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cx_rules.server.webhooks import greenhouse_events, lever_events

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
LEVER_EVENTS = st.sampled_from(
    [
        "applicationCreated",
        "candidateStageChange",
        "candidateArchiveChange",
        "candidateHired",
        "candidateDeleted",
        "interviewCreated",
        "contactUpdated",
    ]
)


@given(
    event=LEVER_EVENTS | st.text(max_size=20),
    triggered=st.integers(0, 2**62) | json_values,
    data=st.fixed_dictionaries(
        {},
        optional={
            "opportunityId": st.text(max_size=40) | st.integers() | json_values,
            "toStageId": json_values,
            "toArchived": st.none()
            | st.fixed_dictionaries({"archivedAt": st.integers(0, 2**62) | json_values})
            | json_values,
        },
    )
    | json_values,
)
def test_any_lever_delivery_is_translated_or_explained(
    event: str, triggered: Any, data: Any
) -> None:
    delivery = lever_events(
        {"event": event, "triggeredAt": triggered, "data": data, "token": "t", "signature": "s"},
        lambda _: None,
    )
    assert bool(delivery.events) + bool(delivery.skipped) + bool(delivery.errors) == 1
    for e in delivery.events:
        assert e.timestamp.utcoffset() is not None
        assert e.event_id is not None
        assert e.event_id.startswith(f"lever-{event}-")


@given(
    action=st.sampled_from(["new_candidate_application", "reject_candidate", "ping", "other"]),
    application=st.fixed_dictionaries(
        {},
        optional={
            "id": st.integers(1, 10**9) | json_values,
            "applied_at": st.sampled_from(["2026-03-02T08:12:40Z", "2026-03-02", "yesterday"])
            | json_values,
            "rejected_at": st.none() | st.just("2026-03-09T14:05:12Z") | json_values,
            "candidate": st.fixed_dictionaries({"id": st.integers(1, 10**9)}) | json_values,
            "jobs": st.lists(st.fixed_dictionaries({"id": st.integers(1, 10**6)}), max_size=2),
        },
    ),
)
def test_any_greenhouse_delivery_is_translated_or_explained(
    action: str, application: dict[str, Any]
) -> None:
    delivery = greenhouse_events({"action": action, "payload": {"application": application}})
    assert delivery.events or delivery.skipped or delivery.errors
    for e in delivery.events:
        assert e.timestamp.utcoffset() is not None
        assert e.event_id is not None
        assert e.event_id.startswith("gh-")
