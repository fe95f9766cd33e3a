"""The engines' shared pieces, without a cluster: partition counts, options, mappings,
the engine shipped to workers, the columns a batch is given."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import Engine, Policy, PolicyError
from cx_rules._engines import EngineRecipe, canonical_names, options, partitions_for
from cx_rules._tasks import ORDER, SPAN, Places, canonical_batch, latest_of
from cx_rules.exceptions import CxRulesError
from cx_rules.io import LogMapping
from cx_rules.io.records import InputError

pa = pytest.importorskip("pyarrow")


@pytest.mark.parametrize(
    ("events", "parallelism", "per", "expected"),
    [(0, 4, 10, 1), (3, 8, 10, 3), (100, 2, 10, 10), (100, 16, 10, 16), (1_000_000, 2, None, 4)],
)
def test_partitions_follow_the_event_count(events, parallelism, per, expected):
    assert partitions_for(events, parallelism, per) == expected


def test_a_partition_size_must_be_a_whole_number():
    with pytest.raises(ValueError, match="events_per_partition"):
        partitions_for(10, 2, 0)


def test_options_are_key_value_pairs():
    assert options(["a=1", "b.c = x=y"]) == {"a": "1", "b.c": " x=y"}
    with pytest.raises(CxRulesError, match="expected KEY=VALUE"):
        options(["=1"])


def test_mappings_rename_columns_then_the_process_mining_names():
    names = canonical_names({"applicant": "case_id"}, Policy())
    assert names["applicant"] == "case_id"
    assert "case:concept:name" not in names  # case_id is taken by the mapping
    assert names["concept:name"] == "activity"
    policy = Policy.from_mapping({"mapping": {"columns": {"who": "actor"}}})
    assert canonical_names(None, policy)["who"] == "actor"
    with pytest.raises(PolicyError, match=r"mapping\.values: on Spark and Dask"):
        canonical_names(LogMapping(values={"channel": {"E-mail": "email"}}), Policy())


def test_the_engine_travels_pickled_and_is_built_once():
    engine = Engine(Policy.from_mapping({"select": ["CX1"]}), guard=False)
    recipe = pickle.loads(pickle.dumps(EngineRecipe(engine)))
    built = recipe.build()
    assert set(built.rules) == set(engine.rules)
    assert built is recipe.build()
    with pytest.raises(ValueError, match="strict=False"):
        EngineRecipe(Engine(strict=True))


def test_other_columns_become_the_attributes():
    batch = pa.RecordBatch.from_pydict(
        {
            "case_id": ["a", "b"],
            "activity": ["application_received"] * 2,
            "timestamp": ["2026-03-02T09:00:00+01:00"] * 2,
            "job_id": ["J-1", None],
            "items": [[{"area": "x"}], None],
            "due": [datetime.fromisoformat("2026-03-03T09:00:00+01:00"), None],
            ORDER: [0, 1],
        }
    )
    out = canonical_batch(batch)
    assert out.schema.names == ["case_id", "activity", "timestamp", "attributes"]
    first, second = out.column(3).to_pylist()
    assert json.loads(first) == {
        "job_id": "J-1",
        "items": [{"area": "x"}],
        "due": "2026-03-03T09:00:00+01:00",
    }
    assert second is None


def test_input_errors_are_placed_by_file_and_row():
    places = Places(("a.parquet", "b.parquet"))
    error = InputError("<batch>", None, "timestamp: bad", "row 3")
    assert places.error(error, SPAN + 6) == InputError("b.parquet", None, "timestamp: bad", "row 7")
    frame = Places(("<Dask DataFrame>",), files=False)
    assert frame.error(error, 4) == InputError("<Dask DataFrame>", None, "timestamp: bad", "row 5")


def _stamped(*rows):
    return canonical_batch(
        pa.Table.from_pylist(
            [{"case_id": c, "activity": a, "timestamp": t, "event_id": None} for c, a, t in rows]
        )
    )


@pytest.mark.parametrize(
    "rows",
    [
        # the latest row is no event (no case), nor one of a known activity
        [
            ("a", "application_received", "2026-03-02T09:00:00+01:00"),
            (None, "application_received", "2026-03-09T09:00:00+01:00"),
            ("b", "recruiter_note", "2026-03-10T09:00:00+01:00"),
        ],
        # two at one instant: the first is kept, with its offset
        [
            ("a", "application_received", "2026-03-02T09:00:00+01:00"),
            ("b", "application_received", "2026-03-02T08:00:00+00:00"),
        ],
        # nothing to take
        [("a", "recruiter_note", "2026-03-02T09:00:00+01:00"), ("b", "rejected", "not a time")],
    ],
)
def test_the_survey_takes_the_cut_off_the_batch_function_takes(rows):
    from cx_rules.batch import latest_event

    batch = _stamped(*rows)
    engine = Engine(guard=False)
    expected = latest_event(batch, engine=engine)
    assert latest_of(batch, engine, None) == expected
    assert str(latest_of(batch, engine, None)) == str(expected)


def test_the_survey_reads_naive_timestamps_in_the_policys_zone():
    from cx_rules.batch import latest_event

    batch = _stamped(
        ("a", "application_received", "2026-03-02T09:00:00"),
        ("b", "application_received", "2026-03-02T08:30:00+01:00"),
    )
    engine = Engine(Policy.from_mapping({"assume_timezone": "Europe/Copenhagen"}), guard=False)
    assert latest_of(batch, engine, None) == latest_event(batch, engine=engine)
    assert latest_of(batch, engine, None).hour == 9


_MOMENTS = st.builds(
    lambda seconds, micro, offset: (
        datetime(2026, 3, 2, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micro)
    ).astimezone(timezone(timedelta(hours=offset))),
    st.integers(0, 3),
    st.sampled_from([0, 1, 999_999]),
    st.sampled_from([0, 1, -5]),
)
_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", None]),
        st.sampled_from(["application_received", "rejected", "recruiter_note"]),
        st.one_of(_MOMENTS.map(datetime.isoformat), st.just("not a time")),
        st.sampled_from([None, '{"job_id": "j"}', "[1]", "not json"]),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(rows=_ROWS)
def test_the_latest_event_is_the_one_a_full_read_finds(rows):
    """latest_event reads the activity and timestamp of every row, and rows in full only
    from the latest down: the moment (and its offset) of reading every row in full."""
    from cx_rules.batch import _latest_in_full, latest_event

    batch = pa.Table.from_pylist(
        [{"case_id": c, "activity": a, "timestamp": t, "attributes": x} for c, a, t, x in rows],
        schema=pa.schema(
            [(n, pa.string()) for n in ("case_id", "activity", "timestamp", "attributes")]
        ),
    )
    engine = Engine(guard=False)
    expected = _latest_in_full(batch, engine)
    found = latest_event(batch, engine=engine)
    assert (found, str(found)) == (expected, str(expected))
    frame = batch.to_pandas()
    assert str(latest_event(frame, engine=engine)) == str(expected)


def test_the_batch_function_places_rows_as_the_parquet_reader(tmp_path):
    """With rows=True a batch's input errors are placed as the Parquet reader places them,
    so that a Parquet file's rows given to audit_batch report as cx_rules.audit reports the
    file."""
    import pyarrow.parquet as pq

    import cx_rules
    from cx_rules.batch import audit_batch
    from cx_rules.report import FORMATS, render

    table = pa.Table.from_pylist(
        [
            {
                "case_id": "a",
                "activity": "application_received",
                "timestamp": "2026-03-02T09:00:00+01:00",
            },
            {"case_id": None, "activity": "rejected", "timestamp": "2026-03-02T10:00:00+01:00"},
            {"case_id": "a", "activity": "rejected", "timestamp": "2026-03-02T10:00:00"},
            {"case_id": "b", "activity": "rejected", "timestamp": "not a time"},
        ]
    )
    path = tmp_path / "log.parquet"
    pq.write_table(table, path)
    expected = cx_rules.audit(str(path))
    engine = Engine(guard=False)
    part = audit_batch(
        table, engine=engine, as_of=expected.as_of, name=str(path), files=(str(path),), rows=True
    )
    actual = part.finish(engine)
    assert [e.element for e in actual.errors] == ["row 2", "row 3", "row 4"]
    for form in FORMATS:
        assert render(actual, form) == render(expected, form), form
    lines = audit_batch(table, engine=engine, as_of=expected.as_of, name="x.jsonl")
    assert next((e.line, e.element) for e in lines.finish(engine).errors) == (2, None)
