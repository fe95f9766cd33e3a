from datetime import UTC, datetime

import pytest

from cx_rules import Event
from cx_rules.io import InputError, LogError, LogMapping, read_dataframe

pd = pytest.importorskip("pandas")


def test_a_pm4py_frame_reads_row_by_row():
    df = pd.DataFrame(
        {
            "case:concept:name": ["c1", "c1", "c2", "c2"],
            "concept:name": ["send rejection", "interview_held", "rejected", "rejected"],
            "time:timestamp": pd.to_datetime(
                [
                    "2026-03-02T09:30:00Z",
                    "2026-03-02T10:00:00Z",
                    "2026-03-03T10:00:00Z",
                    "2026-03-04T10:00:00Z",
                ]
            ),
            "org:resource": ["ann", None, "bo", "bo"],
            "lifecycle:transition": ["complete", "start", "complete", "complete"],
            "delay_minutes": [5, 6, 7, 8],
            "thanked": [True, False, None, "maybe"],
            "score": [1.5, float("nan"), 2.0, 3.0],
        },
        index=["r1", "r2", "r3", "r4"],
    )
    stream = read_dataframe(df, mapping=LogMapping(activities={"send rejection": "rejected"}))
    records = list(stream)
    expected = [
        Event(
            "c1",
            "rejected",
            datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            actor="ann",
            attributes={"delay_minutes": 5, "thanked": True, "score": 1.5},
        ),
        Event(
            "c2",
            "rejected",
            datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
            actor="bo",
            attributes={"delay_minutes": 7, "score": 2.0},
        ),
        InputError(
            "<DataFrame>",
            None,
            "attribute 'thanked': expected true or false, got a 5-character text",
            "row 4 (index 'r4')",
        ),
    ]
    assert expected == records
    assert [int, bool, float] == [type(v) for v in records[0].attributes.values()]
    assert dict(stream.skipped) == {"lifecycle:transition 'start'": 1}


def test_naive_timestamps_need_default_tz():
    df = pd.DataFrame(
        {
            "case_id": ["c1"],
            "activity": ["rejected"],
            "timestamp": pd.to_datetime(["2026-03-02T09:30:00"]),
        }
    )
    (error,) = read_dataframe(df)
    assert (
        InputError(
            "<DataFrame>",
            None,
            "timestamp: the time has no time zone; give an offset "
            "(2026-03-02T09:30:00+01:00) or give read_dataframe a default_tz (a zone name "
            "such as 'Europe/Copenhagen') or the policy (policy=...) whose assume_timezone "
            "applies",
            "row 1 (index 0)",
        )
        == error
    )
    (event,) = read_dataframe(df, default_tz=UTC)
    assert Event("c1", "rejected", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) == event


def test_not_a_frame_raises():
    with pytest.raises(LogError) as info:
        read_dataframe([{"case_id": "c1"}])
    assert str(info.value) == "<DataFrame>: expected a pandas DataFrame, got list"


def test_duplicate_columns_raise_at_once():
    df = pd.DataFrame([["c1", "c2"]], columns=["case_id", "case_id"])
    with pytest.raises(LogError) as info:
        read_dataframe(df)
    assert str(info.value) == "<DataFrame>: column 'case_id' appears twice in the DataFrame"
