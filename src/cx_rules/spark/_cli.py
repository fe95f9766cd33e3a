"""``cx-rules audit --engine spark``: a session for the command, the audit, the session
stopped."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._engines import refuse_unsupported, require
from ..exceptions import CxRulesError

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["auditor"]

_LOCAL = "local[*]"
_LOG4J = Path(__file__).with_name("log4j2.properties")


def auditor(master: str | None, settings: Mapping[str, str]) -> Callable[..., Report]:
    """The audit function of the command line, on a session of ``master`` (default: local,
    every core) configured with ``settings``."""
    require("pyspark.sql", "spark")

    def run(paths: Sequence[str], **options: Any) -> Report:
        from ._audit import audit_parquet

        refuse_unsupported("spark", options)
        session = _session(master or _LOCAL, settings)
        try:
            with warnings.catch_warnings():
                # pyspark warns about the pandas version; the audit uses Arrow only.
                warnings.simplefilter("ignore", FutureWarning)
                return audit_parquet(
                    paths,
                    session=session,
                    engine=options["engine"],
                    as_of=options["as_of"],
                    mapping=options["mapping"],
                    group_by=options["group_by"],
                    coverage=options["coverage"],
                )
        finally:
            session.stop()

    return run


def _session(master: str, settings: Mapping[str, str]) -> Any:
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        # Local workers run this interpreter, where cx-rules is installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("cx-rules audit")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile={_LOG4J.as_uri()}")
    )
    for key, value in settings.items():
        builder = builder.config(key, value)
    with warnings.catch_warnings():
        # pyspark warns about the pandas version; the audit uses Arrow only.
        warnings.simplefilter("ignore", FutureWarning)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # no Java, a bad master URL, a refused connection
            first = str(exc).strip().splitlines()
            raise CxRulesError(
                f"--engine spark: cannot start a Spark session on {master} "
                f"({first[0][:200] if first else type(exc).__name__}); Spark needs Java 17 "
                "or later (java -version)"
            ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session
