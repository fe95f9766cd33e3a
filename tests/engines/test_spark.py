"""The Spark path gives the report cx_rules.audit gives, byte for byte in every format."""

from __future__ import annotations

import pytest

import cx_rules
from cx_rules import LogError, Policy
from cx_rules.io import LogMapping
from engine_logs import ROOT, assert_same, sample_rows

pytest.importorskip("pyspark", reason="the [spark] extra is not installed")

import cx_rules.spark


@pytest.mark.parametrize("log", ["mixed", "sample", "skewed"])
def test_parquet_log_gives_the_audit_report(spark, logs, log):
    expected = cx_rules.audit(str(logs[log]))
    # Small partitions: several per core, each with many cases.
    actual = cx_rules.spark.audit_parquet(str(logs[log]), session=spark, events_per_partition=300)
    assert_same(expected, actual)
    if log == "mixed":
        assert actual.input.rejected == 3
        assert actual.input.duplicates == 1
        assert dict(actual.input.unmapped_activities) == {"application_recieved": 1}
        assert [e.element for e in actual.errors][:3] == ["row 4", "row 5", "row 9"]


def test_several_files_a_policy_a_cut_off_and_groups(spark, logs):
    paths = [str(logs["second"]), str(logs["mixed"])]
    policy = Policy.load(ROOT / "examples" / "policy.toml")
    as_of = "2025-01-08T09:00:00+01:00"
    expected = cx_rules.audit(paths, policy=policy, as_of=as_of, group_by="job_id")
    actual = cx_rules.spark.audit_parquet(
        paths, session=spark, policy=policy, as_of=as_of, group_by="job_id"
    )
    assert_same(expected, actual)
    assert actual.input.files == tuple(paths)
    assert actual.input.after_as_of > 0


def test_a_frame_with_its_own_column_names_and_a_mapping(spark, logs):
    expected = cx_rules.audit(sample_rows())
    frame = spark.read.parquet(str(logs["sample"]))
    df = frame.withColumnsRenamed({"case_id": "application", "actor": "recruiter"})
    names = {"application": "case_id", "recruiter": "actor"}
    assert_same(expected, cx_rules.spark.audit(df, mapping=names))
    # A LogMapping's columns are applied the same way ...
    assert_same(expected, cx_rules.spark.audit(df, mapping=LogMapping(columns=names)))
    # ... and one that does more than rename columns is refused, saying why.
    with pytest.raises(cx_rules.PolicyError, match="renames columns only"):
        cx_rules.spark.audit(df, mapping=LogMapping(columns=names, activities={"x": "y"}))


def test_a_frame_without_the_canonical_columns_is_refused(spark):
    df = spark.createDataFrame([("a", "application_received")], ["application", "activity"])
    with pytest.raises(LogError, match="no columns naming case_id, timestamp"):
        cx_rules.spark.audit(df)


def test_a_missing_file_is_a_log_error(spark, tmp_path):
    with pytest.raises(LogError, match="cannot be read as Parquet"):
        cx_rules.spark.audit_parquet(str(tmp_path / "none.parquet"), session=spark)


def test_a_frames_input_errors_are_placed_by_their_row(spark, logs):
    expected = cx_rules.audit(str(logs["mixed"]))
    frame = spark.read.parquet(str(logs["mixed"])).repartition(3)  # rows in another order
    ordered = spark.read.parquet(str(logs["mixed"]))
    actual = cx_rules.spark.audit(ordered, events_per_partition=400)
    assert [(e.file, e.element, e.message) for e in actual.errors] == [
        ("<Spark DataFrame>", e.element, e.message) for e in expected.errors
    ]
    assert actual.input.files == ()
    assert cx_rules.spark.audit(frame).input == actual.input
