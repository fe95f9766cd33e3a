"""``cx-rules audit --engine spark|dask`` as a user runs it: the same report and exit status
as the ordinary audit, and clear errors (never a traceback) for what it cannot do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cx_rules", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=600,
        check=False,
    )


def test_dask_engine_writes_the_same_report_and_exit_status(logs, tmp_path):
    pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    log = str(logs["mixed"])
    plain = _cli("audit", log, "--format", "json", "--fail-on", "warning")
    assert plain.returncode == 1, plain.stderr
    out = tmp_path / "report.csv"
    dask = _cli(
        "audit",
        "--engine",
        "dask",
        log,
        "--format",
        "json",
        "--fail-on",
        "warning",
        "--engine-option",
        "distributed.comm.timeouts.connect=60s",
    )
    assert (dask.returncode, dask.stdout) == (plain.returncode, plain.stdout), dask.stderr
    assert "Traceback" not in dask.stderr
    to_file = _cli("audit", "--engine", "dask", log, "--format", "csv", "-o", str(out))
    assert to_file.returncode == 0, to_file.stderr
    assert out.read_text("utf-8") == _cli("audit", log, "--format", "csv").stdout


def test_spark_engine_writes_the_same_report_and_exit_status(logs):
    pytest.importorskip("pyspark", reason="the [spark] extra is not installed")
    log = str(logs["skewed"])
    plain = _cli("audit", log, "--fail-on", "error")
    spark = _cli(
        "audit",
        log,
        "--fail-on",
        "error",
        "--engine",
        "spark",
        "--spark-master",
        "local[2]",
        "--engine-option",
        "spark.sql.shuffle.partitions=4",
    )
    assert (spark.returncode, spark.stdout) == (plain.returncode, plain.stdout), spark.stderr
    assert plain.stdout.startswith("cx-rules audit as of ")
    assert "Traceback" not in spark.stderr


@pytest.mark.parametrize(
    ("engine", "extra", "package"), [("spark", "spark", "pyspark"), ("dask", "dask", "dask")]
)
def test_a_missing_extra_is_a_clear_error(logs, tmp_path, engine, extra, package):
    # The package shadowed by one that cannot be imported, as when it is not installed.
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text(
        f'raise ModuleNotFoundError("No module named {package!r}", name={package!r})\n'
    )
    result = _cli(
        "audit", "--engine", engine, str(logs["sample"]), env={"PYTHONPATH": str(tmp_path)}
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"cx-rules: error: the {engine} engine needs the optional {package!r} package "
        f"(pip install 'cx-rules[{extra}]')\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask", "--spark-master", "local[2]"], "--spark-master needs --engine spark"),
        (
            ["--engine", "spark", "--dask-scheduler", "tcp://x:8786"],
            "--dask-scheduler needs --engine dask",
        ),
        (
            ["--engine", "dask", "--engine-option", "novalue"],
            "--engine-option: expected KEY=VALUE, got 'novalue'",
        ),
        (
            ["--engine", "dask", "--strict"],
            "--engine dask reads Parquet event logs in its own workers: --strict does not apply",
        ),
        (
            ["--engine", "spark", "--jobs", "2"],
            "--engine spark reads Parquet event logs in its own workers: --jobs does not apply",
        ),
        (
            ["--engine", "dask", "--format-in", "csv"],
            "--engine dask reads Parquet event logs, not csv",
        ),
    ],
)
def test_what_an_engine_cannot_do_is_refused(logs, args, message):
    pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    pytest.importorskip("pyspark", reason="the [spark] extra is not installed")
    result = _cli("audit", str(logs["sample"]), *args)
    assert (result.returncode, result.stderr) == (2, f"cx-rules: error: {message}\n")


def test_the_engine_options_are_in_the_help():
    result = _cli("audit", "--help")
    assert result.returncode == 0
    for flag in (
        "--engine {spark,dask}",
        "--spark-master URL",
        "--dask-scheduler ADDRESS",
        "--engine-option KEY=VALUE",
    ):
        assert flag in result.stdout
