"""JSON forms of events, findings and due items, their schemas, and the vocabulary aliases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import (
    Engine,
    Event,
    InvalidEvent,
    NaiveTimestamp,
    Policy,
    PolicyError,
    TransitionNotAllowed,
    UnknownActivity,
)
from cx_rules.aliases import Vocabulary, normal_name
from cx_rules.jsonforms import (
    SCHEMAS,
    due_to_dict,
    event_from_dict,
    event_to_dict,
    finding_from_dict,
    finding_to_dict,
)

ENGINE = Engine()


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMAS[name])


def test_an_event_round_trips_and_matches_its_schema() -> None:
    event = Event(
        "c1",
        "interview_scheduled",
        "2026-03-02T09:00:00+01:00",
        event_id="e1",
        actor="recruiter-3",
        channel="email",
        attributes={"scheduled_for": datetime(2026, 3, 5, 10, tzinfo=UTC), "room": "4B"},
    )
    data = event_to_dict(event)
    jsonschema.validate(data, SCHEMAS["event"])
    assert data["times"] == ["scheduled_for"]
    assert event_from_dict(data) == event


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"activity": "rejected", "timestamp": "2026-03-02T09:00:00"}, "timestamp", NaiveTimestamp),
        ({"activity": "rejected", "timestamp": 1772442000}, "timestamp", InvalidEvent),
        ({"activity": "", "timestamp": "2026-03-02T09:00:00Z"}, "activity", InvalidEvent),
        ({"timestamp": "2026-03-02T09:00:00Z"}, "activity", InvalidEvent),
        (
            {"activity": "rejected", "timestamp": "2026-03-02T09:00:00Z", "attributes": []},
            "attributes",
            InvalidEvent,
        ),
        (
            {
                "activity": "rejected",
                "timestamp": "2026-03-02T09:00:00Z",
                "attributes": {"at": 3},
                "times": ["at"],
            },
            "attributes.at",
            InvalidEvent,
        ),
        (
            {"activity": "rejected", "timestamp": "2026-03-02T09:00:00Z", "who": 1},
            "who",
            InvalidEvent,
        ),
    ],
)
def test_a_bad_event_names_its_field(data: dict[str, Any], field: str, error: type) -> None:
    with pytest.raises(error) as info:
        event_from_dict(data, case_id="c1")
    assert str(info.value).startswith(f"{field}:")


def test_findings_and_due_items_match_their_schemas_and_keep_the_key() -> None:
    case, findings = ENGINE.replay(
        [Event("c1", "application_received", "2026-03-02T09:00:00+01:00", event_id="a")]
    )
    for finding in findings:
        data = finding_to_dict(finding)
        jsonschema.validate(data, SCHEMAS["finding"])
        back = finding_from_dict(data)
        assert (back.code, back.outcome, back.at, back.message) == (
            finding.code,
            finding.outcome,
            finding.at,
            finding.message,
        )
    dues = ENGINE.due(case, datetime(2026, 3, 20, tzinfo=UTC))
    rows = [due_to_dict(d, responsible="recruiter-3") for d in dues]
    for row in rows:
        jsonschema.validate(row, SCHEMAS["due"])
    assert {r["key"] for r in rows} == {d.obligation.key for d in dues}


def test_a_case_dict_matches_the_case_schema() -> None:
    from cx_rules.jsonforms import case_to_dict

    case = ENGINE.replay(
        [Event("c1", "application_received", "2026-03-02T09:00:00+01:00", channel="portal")]
    ).case
    jsonschema.validate(case_to_dict(case), SCHEMAS["case"])


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)


@given(
    activity=_text.filter(str.strip),
    minutes=st.integers(0, 10**6),
    offset=st.integers(-14 * 60, 14 * 60),
    channel=st.none() | _text.filter(str.strip),
    attributes=st.dictionaries(
        _text,
        st.none() | st.booleans() | st.integers(-(10**9), 10**9) | _text,
        max_size=4,
    ),
)
def test_every_event_round_trips_through_its_json_form(
    activity: str, minutes: int, offset: int, channel: str | None, attributes: dict[str, Any]
) -> None:
    from datetime import timezone

    zone = timezone(timedelta(minutes=offset))
    at = datetime(2026, 1, 1, tzinfo=zone) + timedelta(minutes=minutes)
    event = Event("c1", activity, at, channel=channel, attributes=attributes)
    data = event_to_dict(event)
    jsonschema.validate(data, SCHEMAS["event"])
    assert event_from_dict(data) == event


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Phone", "phone"),
        ("PHONE", "phone"),
        (" phone", "phone"),
        ("telephone", "phone"),
        ("teams", "video"),
        ("Microsoft Teams", "video"),
        ("zoom", "video"),
        ("E-Mail", "email"),
        ("in person", "meeting"),
        ("carrier pigeon", "carrier_pigeon"),
    ],
)
def test_channels_are_normalised_through_the_alias_table(given_name: str, expected: str) -> None:
    assert Vocabulary.of(ENGINE.model.activities).channel(given_name) == expected


def test_the_policy_extends_the_alias_table_and_is_checked() -> None:
    policy = Policy.from_mapping(
        {"aliases": {"channels": {"Google Meet": "video"}, "activities": {"Declined": "rejected"}}}
    )
    vocabulary = Vocabulary.of(ENGINE.model.activities, policy.aliases)
    assert vocabulary.channel("google-meet") == "video"
    assert vocabulary.activity("declined") == "rejected"
    with pytest.raises(PolicyError, match=r"aliases\.channels\.x"):
        Policy.from_mapping({"aliases": {"channels": {"x": 3}}})
    with pytest.raises(PolicyError, match=r"aliases\.colours"):
        Policy.from_mapping({"aliases": {"colours": {}}})


def test_an_unknown_activity_names_close_matches_and_is_a_transition_error() -> None:
    vocabulary = Vocabulary.of(ENGINE.model.activities)
    assert vocabulary.activity("Application Received") == "application_received"
    assert vocabulary.activity("hired") == "offer_accepted"
    with pytest.raises(UnknownActivity) as info:
        vocabulary.activity("interveiw_held")
    assert info.value.suggestions[0] == "interview_held"
    assert isinstance(info.value, TransitionNotAllowed)
    assert "did you mean 'interview_held'" in str(info.value)
    with pytest.raises(UnknownActivity) as nothing:
        vocabulary.activity("xyzzy")
    assert nothing.value.suggestions == ()


def test_normal_names() -> None:
    assert normal_name("  Video -  Call ") == "video_call"
