"""Sessions for the Spark and Dask tests: one local Spark session and one local Dask
cluster of two worker processes per module, and the logs they audit."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine_logs import ROOT, generate, mixed_rows, sample_rows, skewed_rows, write_parquet


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("engine-logs")
    return {
        "mixed": write_parquet(mixed_rows(), where / "mixed.parquet"),
        "skewed": write_parquet(skewed_rows(), where / "skewed.parquet"),
        "sample": write_parquet(sample_rows(), where / "sample.parquet"),
        "second": write_parquet(list(generate.events(300, seed=99)), where / "second.parquet"),
    }


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session (two cores; small Arrow batches, so that a case's rows span
    several batches of a task), stopped after the module."""
    pytest.importorskip("pyspark", reason="the [spark] extra is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Spark needs Java 17 or later: none found (java -version)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    log4j = ROOT / "src" / "cx_rules" / "spark" / "log4j2.properties"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("cx-rules tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile={log4j.as_uri()}")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """A client of a local distributed cluster of two worker processes, closed after the
    module."""
    pytest.importorskip("dask.dataframe", reason="the [dask] extra is not installed")
    distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
