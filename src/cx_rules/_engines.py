"""What the Spark and Dask paths share: the missing-extra error, the engine shipped to the
workers, the partition count, a mapping's column names, and ``cx-rules audit --engine``.

Nothing here imports pyspark or dask: each engine's package imports its library lazily,
and this module is what the command line reaches without either installed.
"""

from __future__ import annotations

import argparse
import math
import pickle
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from .exceptions import CxRulesError, PolicyError

if TYPE_CHECKING:
    from .engine import Engine
    from .io.mapping import LogMapping
    from .policy import Policy
    from .report import Report

__all__ = [
    "ENGINES",
    "EVENTS_PER_PARTITION",
    "EngineMissing",
    "EngineRecipe",
    "add_arguments",
    "canonical_names",
    "partitions_for",
    "require",
]

#: The engines ``cx-rules audit --engine`` knows, and the optional extra each needs.
ENGINES: Final = {"spark": "spark", "dask": "dask"}

#: The events one partition is given, about: small enough that a task's partial and its
#: memory stay small, large enough that a task's start-up is a small part of its time.
EVENTS_PER_PARTITION: Final = 250_000


class EngineMissing(CxRulesError, ImportError):
    """An engine's library (pyspark, dask) is not installed: its message says which extra
    to install."""


def require(module: str, extra: str) -> Any:
    """Import ``module`` (``pyspark.sql``, ``dask.dataframe``), or raise
    :class:`EngineMissing` naming the extra that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or module.split(".")[0]
        raise EngineMissing(
            f"the {extra} engine needs the optional {missing.split('.')[0]!r} package "
            f"(pip install 'cx-rules[{extra}]')"
        ) from None


def partitions_for(events: int, parallelism: int, per_partition: int | None = None) -> int:
    """How many partitions ``events`` events are shared out among: about one per
    ``per_partition`` events (:data:`EVENTS_PER_PARTITION`), and at least one per core of
    the cluster (``parallelism``), but never more than there are events."""
    size = EVENTS_PER_PARTITION if per_partition is None else per_partition
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"events_per_partition: expected a whole number >= 1, got {size!r}")
    wanted = max(math.ceil(events / size), max(parallelism, 1))
    return max(1, min(wanted, events))


def canonical_names(
    mapping: Mapping[str, str] | LogMapping | None, policy: Policy
) -> dict[str, str]:
    """The column renames of ``mapping`` (a plain ``{source: canonical}`` dict or a
    :class:`~cx_rules.io.LogMapping`; default: the policy's ``[mapping]`` table), then the
    process-mining names every reader understands.  A :class:`~cx_rules.io.LogMapping`
    that does more than rename columns is refused: on Spark and Dask the frame's columns
    are renamed, its values are read as they are."""
    from .io.mapping import STANDARD_COLUMNS, LogMapping

    if mapping is None and policy.mapping:
        mapping = LogMapping.from_dict(policy.mapping, source="the policy's [mapping]")
    if isinstance(mapping, LogMapping):
        beyond = [
            key
            for key, value in (
                ("activities", mapping.activities),
                ("values", mapping.values),
                ("attributes", mapping.attributes),
                ("timestamp_format", mapping.timestamp_format),
                ("assume_timezone", mapping.assume_timezone),
                ("wide", mapping.wide),
            )
            if value
        ]
        if beyond:
            raise PolicyError(
                f"{mapping.source}: mapping.{beyond[0]}: on Spark and Dask a mapping renames "
                "columns only (mapping.columns); give the frame canonical values, or audit "
                "with cx_rules.audit"
            )
        mapping = mapping.columns
    names = dict(mapping or {})
    for source, target in names.items():
        if not isinstance(source, str) or not isinstance(target, str):
            raise ValueError(
                f"mapping: expected column names as text, got {source!r} -> {target!r}"
            )
    for source, target in STANDARD_COLUMNS.items():
        if target not in names.values():
            names.setdefault(source, target)
    return names


# -- the engine on the workers ---------------------------------------------------------------


class EngineRecipe:
    """The driver's engine, pickled once (rules, policy, process model and plugins travel
    with it: an engine pickles), unpickled once per worker process.  Install
    cx-rules and the same plugins on every worker."""

    def __init__(self, engine: Engine) -> None:
        if engine.strict:
            raise ValueError("an audit needs an engine built with strict=False (it reports CX001)")
        self.data = pickle.dumps(engine, protocol=5)

    def __reduce__(self) -> tuple[Callable[[bytes], EngineRecipe], tuple[bytes]]:
        return _recipe, (self.data,)

    def build(self) -> Engine:
        """The engine (cached: one per worker process and recipe)."""
        return _built(self.data)


def _recipe(data: bytes) -> EngineRecipe:
    recipe = EngineRecipe.__new__(EngineRecipe)
    recipe.data = data
    return recipe


@lru_cache(maxsize=4)
def _built(data: bytes) -> Engine:

    engine: Engine = pickle.loads(data)
    return engine


# -- the command line ------------------------------------------------------------------------


def add_arguments(audit: argparse.ArgumentParser) -> None:
    """``--engine`` and its connection options, on ``cx-rules audit``."""
    group = audit.add_argument_group("engines (Parquet logs on a cluster)")
    group.add_argument(
        "--engine",
        choices=tuple(ENGINES),
        help="audit the Parquet logs with Spark or Dask (the report is the same)",
    )
    group.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine spark: the master, e.g. spark://host:7077 (default: local[*])",
    )
    group.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help=(
            "with --engine dask: the scheduler, e.g. tcp://host:8786 (default: a local "
            "cluster of one worker process per core)"
        ),
    )
    group.add_argument(
        "--engine-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=(
            "a Spark configuration (spark.executor.memory=4g) or Dask configuration "
            "(distributed.comm.timeouts.connect=30s) value; repeatable"
        ),
    )


def options(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` texts as a dict; :class:`CxRulesError` for one without ``=``."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CxRulesError(f"--engine-option: expected KEY=VALUE, got {pair!r}")
        found[key.strip()] = value
    return found


def refuse_unsupported(name: str, options: Mapping[str, Any]) -> None:
    """Refuse what :func:`cx_rules.audit` takes but an engine's audit does not: it reads
    Parquet event logs, checked in its own processes, leniently."""
    given = [
        flag
        for flag, key, default in (
            ("--from", "importer", None),
            ("--jobs", "jobs", 1),
            ("--encoding", "encoding", None),
            ("--strict", "strict", False),
        )
        if options.get(key, default) != default
    ]
    if given:
        raise CxRulesError(
            f"--engine {name} reads Parquet event logs in its own workers: "
            f"{', '.join(given)} does not apply"
        )
    form = options.get("format")
    if form is not None and form != "parquet":
        raise CxRulesError(f"--engine {name} reads Parquet event logs, not {form}")


def cli_audit(args: argparse.Namespace) -> Callable[..., Report]:
    """The audit function of ``cx-rules audit --engine``: it takes the arguments
    :func:`cx_rules.audit` takes from the command line and gives the same report.  Raises
    :class:`CxRulesError` for options the engine cannot honour, and :class:`EngineMissing`
    when its library is not installed."""
    name: str = args.engine
    if args.spark_master is not None and name != "spark":
        raise CxRulesError("--spark-master needs --engine spark")
    if args.dask_scheduler is not None and name != "dask":
        raise CxRulesError("--dask-scheduler needs --engine dask")
    if "-" in args.paths:
        raise CxRulesError(f"--engine {name} reads Parquet files, not standard input")
    settings = options(args.engine_option)
    if name == "spark":
        from .spark import _cli as spark_cli

        return spark_cli.auditor(args.spark_master, settings)
    from .dask import _cli as dask_cli

    return dask_cli.auditor(args.dask_scheduler, settings)
