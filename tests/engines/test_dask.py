"""The Dask path, on a local cluster of two worker processes, gives the report
cx_rules.audit gives, byte for byte in every format."""

from __future__ import annotations

import pytest

import cx_rules
from cx_rules import LogError, Policy
from engine_logs import ROOT, assert_same, sample_rows

pytest.importorskip("dask.dataframe", reason="the [dask] extra is not installed")

import cx_rules.dask


@pytest.mark.parametrize("log", ["mixed", "sample", "skewed"])
def test_parquet_log_gives_the_audit_report(dask_client, logs, log):
    expected = cx_rules.audit(str(logs[log]))
    actual = cx_rules.dask.audit_parquet(str(logs[log]), events_per_partition=300)
    assert_same(expected, actual)
    if log == "mixed":
        assert actual.input.rejected == 3
        assert [e.element for e in actual.errors][:3] == ["row 4", "row 5", "row 9"]


def test_several_files_a_policy_a_cut_off_and_groups(dask_client, logs):
    paths = [str(logs["second"]), str(logs["mixed"])]
    policy = Policy.load(ROOT / "examples" / "policy.toml")
    as_of = "2025-01-08T09:00:00+01:00"
    expected = cx_rules.audit(paths, policy=policy, as_of=as_of, group_by="job_id")
    actual = cx_rules.dask.audit_parquet(paths, policy=policy, as_of=as_of, group_by="job_id")
    assert_same(expected, actual)
    assert actual.input.files == tuple(paths)
    assert actual.input.after_as_of > 0


def test_a_frame_with_its_own_column_names_and_a_mapping(dask_client, logs):
    import dask.dataframe as dd

    expected = cx_rules.audit(sample_rows())
    # Arrow types, as Dask reads Parquet best (an object column would become text).
    frame = dd.read_parquet(str(logs["sample"]), dtype_backend="pyarrow")
    df = frame.rename(columns={"case_id": "application"}).repartition(npartitions=3)
    assert_same(expected, cx_rules.dask.audit(df, mapping={"application": "case_id"}))


def test_a_frame_without_the_canonical_columns_is_refused(dask_client):
    import dask.dataframe as dd
    import pandas as pd

    df = dd.from_pandas(pd.DataFrame({"application": ["a"], "activity": ["x"]}), npartitions=1)
    with pytest.raises(LogError, match="no columns naming case_id, timestamp"):
        cx_rules.dask.audit(df)


def test_a_missing_file_is_a_log_error(dask_client, tmp_path):
    with pytest.raises(LogError, match="cannot be read as Parquet"):
        cx_rules.dask.audit_parquet(str(tmp_path / "none.parquet"))


def test_a_frames_input_errors_are_placed_by_their_row(dask_client, logs):
    import dask.dataframe as dd

    expected = cx_rules.audit(str(logs["mixed"]))
    frame = dd.read_parquet(str(logs["mixed"]), dtype_backend="pyarrow").repartition(npartitions=4)
    actual = cx_rules.dask.audit(frame, events_per_partition=400)
    assert [(e.file, e.element, e.message) for e in actual.errors] == [
        ("<Dask DataFrame>", e.element, e.message) for e in expected.errors
    ]
    assert actual.input.files == ()
