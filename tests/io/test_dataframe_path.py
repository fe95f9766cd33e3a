"""The DataFrame path as a pandas or pm4py user first tries it (issue #18)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import Event, Policy, audit
from cx_rules.io import InputError, LogError, LogMapping, read_dataframe

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

CPH = ZoneInfo("Europe/Copenhagen")


def _pm4py_frame():
    # pm4py's flat format: its own column names, naive timestamps as pandas parses them.
    return pd.DataFrame(
        {
            "case:concept:name": ["c1", "c1"],
            "concept:name": ["apply", "rejected"],
            "time:timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-03 10:00"]),
            "reason": [None, "other candidates matched better"],
        }
    )


def test_default_tz_may_be_a_zone_name():
    (first, _) = read_dataframe(_pm4py_frame(), default_tz="Europe/Copenhagen")
    assert datetime(2026, 3, 2, 9, tzinfo=CPH) == first.timestamp


def test_a_bad_zone_name_is_an_error_naming_it():
    with pytest.raises(LogError) as info:
        read_dataframe(_pm4py_frame(), default_tz="Europe/Kobenhavn")
    assert str(info.value) == (
        "<DataFrame>: default_tz: 'Europe/Kobenhavn' is not a known IANA time zone "
        "(expected e.g. Europe/Copenhagen)"
    )


def test_the_policy_gives_its_zone_and_its_mapping():
    policy = Policy(
        assume_timezone="Europe/Copenhagen",
        mapping={"activities": {"apply": "application_received"}},
    )
    first, second = read_dataframe(_pm4py_frame(), policy=policy)
    assert Event("c1", "application_received", datetime(2026, 3, 2, 9, tzinfo=CPH)) == first
    assert second.activity == "rejected"


def test_an_array_in_a_cell_is_a_list():
    # What a Parquet list column gives: a NumPy array per cell.
    df = pd.DataFrame(
        {
            "case_id": ["c1", "c1"],
            "activity": ["application_received", "rejected"],
            "timestamp": ["2026-03-02T09:00:00+01:00", "2026-03-03T09:00:00+01:00"],
            "items": [np.array(["cv", "letter"]), np.array([], dtype=object)],
            "tags": [np.array([1, 2]), np.array([[1, 2], [3, 4]])],
        }
    )
    first, second = read_dataframe(df)
    assert dict(first.attributes) == {"items": ["cv", "letter"], "tags": [1, 2]}
    assert dict(second.attributes) == {"items": [], "tags": [[1, 2], [3, 4]]}


def test_a_bad_array_is_an_input_error_with_its_row():
    df = pd.DataFrame(
        {
            "case_id": ["c1"],
            "activity": ["rejected"],
            "timestamp": ["2026-03-02T09:00:00+01:00"],
            # A list where one moment is expected.
            "scheduled_for": [np.array(["2026-03-05T10:00:00+01:00"])],
        }
    )
    (error,) = read_dataframe(df)
    assert isinstance(error, InputError)
    assert error.element == "row 1 (index 0)"
    assert error.message == "attribute 'scheduled_for': expected an ISO 8601 timestamp, got a list"


@given(st.lists(st.lists(st.text(max_size=5), max_size=3), min_size=1, max_size=5))
def test_arrays_of_strings_read_as_the_lists_they_hold(cells):
    df = pd.DataFrame(
        {
            "case_id": ["c1"] * len(cells),
            "activity": ["question_received"] * len(cells),
            "timestamp": ["2026-03-02T09:00:00+01:00"] * len(cells),
            "items": [np.array(cell, dtype=object) for cell in cells],
        }
    )
    read = [e.attributes.get("items") for e in read_dataframe(df)]
    assert cells == read


def test_audit_takes_a_raw_dataframe_with_the_policy_zone_and_mapping():
    policy = Policy(
        assume_timezone="Europe/Copenhagen",
        mapping={"activities": {"apply": "application_received"}},
    )
    report = audit(_pm4py_frame(), policy=policy)
    assert (
        report.input.lines,
        report.input.events,
        report.input.rejected,
        report.input.unmapped,
    ) == (2, 2, 0, 0)
    assert datetime(2026, 3, 3, 10, tzinfo=CPH) == report.as_of


def test_audit_applies_a_mapping_given_with_a_raw_dataframe():
    m = LogMapping(activities={"apply": "application_received"})
    report = audit(_pm4py_frame(), mapping=m, policy=Policy(assume_timezone="UTC"))
    assert report.input.unmapped == 0
    assert report.input.events == 2


def test_audit_of_a_raw_dataframe_without_a_zone_points_to_the_policy():
    report = audit(_pm4py_frame(), mapping=LogMapping(activities={"apply": "application_received"}))
    assert report.input.rejected == 2
    assert report.errors[0].message.endswith("or set assume_timezone in the policy")


def test_a_mapping_for_events_already_read_is_an_error_saying_where_to_give_it():
    m = LogMapping(activities={"apply": "application_received"})
    stream = read_dataframe(_pm4py_frame(), default_tz="UTC")
    with pytest.raises(ValueError, match=r"give the mapping to the reader") as info:
        audit(stream, mapping=m)
    assert "read_dataframe(df, mapping=m)" in str(info.value)


def test_a_mapping_is_applied_to_native_dicts():
    m = LogMapping(activities={"apply": "application_received"})
    rows = [
        {"case_id": "c1", "activity": "apply", "timestamp": "2026-03-02T09:00:00+01:00"},
        {"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-03T09:00:00+01:00"},
    ]
    report = audit(rows, mapping=m)
    assert (report.input.events, report.input.unmapped) == (2, 0)
