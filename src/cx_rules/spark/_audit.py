"""The Spark path: the rows and the cut-off in one pass, the rows repartitioned by case and
sorted within each partition by case and place in the input, each partition checked into a
partial by ``mapInArrow``, the partials merged on the driver."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from .._engines import EngineRecipe, canonical_names, partitions_for, require
from .._tasks import ORDER, SPAN, Check, Places, Survey
from ..engine import Engine
from ..events import parse_timestamp
from ..io.records import LogError
from ..partials import engine_of

if TYPE_CHECKING:
    from .. import partials
    from ..coverage import Coverage
    from ..io.mapping import LogMapping
    from ..policy import Policy
    from ..report import Report

__all__ = ["audit", "audit_parquet", "audit_partial"]

_REQUIRED: Final = ("case_id", "activity", "timestamp")
#: What a frame's rows are called in input errors.
FRAME: Final = "<Spark DataFrame>"
# monotonically_increasing_id(): the partition in the upper bits, the row in the lower 33.
_LOW: Final = 33


def audit(
    df: Any,
    *,
    policy: Policy | None = None,
    engine: Engine | None = None,
    as_of: datetime | str | None = None,
    mapping: Mapping[str, str] | LogMapping | None = None,
    group_by: str | Sequence[str] | None = None,
    events_per_partition: int | None = None,
    coverage: Coverage | None = None,
) -> Report:
    """Audit the events of the Spark DataFrame ``df``, one per row, in the canonical columns
    (``case_id``, ``activity``, ``timestamp``, and optionally ``event_id``, ``actor``,
    ``channel``; every other column is an attribute).  ``mapping`` renames the frame's own
    columns: ``{"applicant": "case_id"}``, or a :class:`~cx_rules.io.LogMapping` that renames
    columns only (default: the policy's ``[mapping]`` table).

    The report is the one :func:`cx_rules.audit` gives for the same rows in the frame's
    order: ``policy`` or ``engine``, ``as_of`` (default: the latest event, found in the same
    pass that counts the rows) and ``group_by`` mean what they mean there; an input error
    names its row as ``<Spark DataFrame>`` and its 1-based position.  The rows are
    repartitioned by case into one partition per ``events_per_partition`` rows or so
    (default :data:`~cx_rules._engines.EVENTS_PER_PARTITION`, at least one per core), and
    each task streams its partition in Arrow batches holding one open case at a time, so
    a case of a million events costs its task that case, not the partition.  The workers
    need cx-rules and the same plugins installed: the engine travels pickled.
    """
    engine = engine_of(engine, policy, "audit")
    found = audit_partial(
        df,
        engine=engine,
        as_of=as_of,
        mapping=mapping,
        group_by=group_by,
        events_per_partition=events_per_partition,
        coverage=coverage,
    )
    return found.finish(engine)


def audit_parquet(
    paths: str | Sequence[str],
    *,
    session: Any = None,
    policy: Policy | None = None,
    engine: Engine | None = None,
    as_of: datetime | str | None = None,
    mapping: Mapping[str, str] | LogMapping | None = None,
    group_by: str | Sequence[str] | None = None,
    events_per_partition: int | None = None,
    coverage: Coverage | None = None,
) -> Report:
    """Audit the Parquet event logs ``paths`` (read in order, as one log) on Spark
    ``session`` (default: the active session, or a local one): the report
    :func:`cx_rules.audit` gives for the same files, byte for byte, input errors placed by
    file and row.  The other arguments are those of :func:`audit`."""
    require("pyspark.sql", "spark")
    from pyspark.sql import SparkSession

    names = (paths,) if isinstance(paths, str) else tuple(paths)
    if not names:
        raise ValueError("audit_parquet: expected at least one path")
    if session is None:
        session = SparkSession.builder.getOrCreate()
    engine = engine_of(engine, policy, "audit_parquet")
    frame = _read_parquet(session, names)
    found = _partial(
        frame,
        engine,
        as_of,
        mapping,
        group_by,
        events_per_partition,
        coverage,
        Places(names),
        _zones(names),
        prefix=False,
    )
    return found.finish(engine)


def audit_partial(
    df: Any,
    *,
    engine: Engine,
    as_of: datetime | str | None = None,
    mapping: Mapping[str, str] | LogMapping | None = None,
    group_by: str | Sequence[str] | None = None,
    events_per_partition: int | None = None,
    coverage: Coverage | None = None,
) -> partials.Partial:
    """The merged :class:`~cx_rules.partials.Partial` of :func:`audit`, before it is
    finished into a report (to merge with the partials of other frames, or to keep)."""
    functions = require("pyspark.sql.functions", "spark")
    frame = df.withColumn(ORDER, functions.monotonically_increasing_id())
    return _partial(
        frame,
        engine,
        as_of,
        mapping,
        group_by,
        events_per_partition,
        coverage,
        Places((FRAME,), files=False),
        None,
        prefix=True,
    )


def _partial(
    frame: Any,
    engine: Engine,
    as_of: datetime | str | None,
    mapping: Mapping[str, str] | LogMapping | None,
    group_by: str | Sequence[str] | None,
    events_per_partition: int | None,
    coverage: Coverage | None,
    places: Places,
    zones: dict[str, str] | None,
    *,
    prefix: bool,
) -> partials.Partial:
    from ..batch import audit_batches
    from ..partials import Partial

    frame = _canonical(frame, canonical_names(mapping, engine.policy))
    recipe = EngineRecipe(engine)
    cut = parse_timestamp(as_of, where="as_of") if as_of is not None else None
    counts, latest = _survey(frame, recipe, cut, zones)
    rows = sum(counts.values())
    if cut is None:
        cut = latest
    if prefix:
        # A frame's rows are placed by their position: the rows of the partitions before
        # theirs, then their place in their own.
        frame = _positions(frame, counts)
    parts = partitions_for(
        rows, frame.sparkSession.sparkContext.defaultParallelism, events_per_partition
    )
    ordered = frame.repartition(parts, "case_id").sortWithinPartitions("case_id", ORDER)
    checked = ordered.mapInArrow(
        Check(recipe, cut, group_by, places, zones, coverage), "partial binary"
    )
    # Collected in one job (toLocalIterator would run the partitions one after another): a
    # partial is a few bytes an event.
    parts_found = [Partial.from_bytes(bytes(row.partial)) for row in checked.collect()]
    if not parts_found:
        import attrs

        files = places.names if places.files else ()
        empty = audit_batches(
            (), engine=engine, as_of=_EPOCH, group_by=group_by, files=files, coverage=coverage
        )
        return attrs.evolve(empty, as_of=cut)
    return Partial.merge_all(parts_found)


def _read_parquet(session: Any, paths: Sequence[str]) -> Any:
    """The rows of the Parquet files, each placed by its file's index and its row there."""
    functions = require("pyspark.sql.functions", "spark")
    frames = []
    for index, path in enumerate(paths):
        try:
            frame = session.read.parquet(_located(path))
        except Exception as exc:  # Spark's AnalysisException: a missing or unreadable file
            raise LogError(f"{path}: cannot be read as Parquet ({_first_line(exc)})") from None
        place = functions.col("_metadata.row_index") + functions.lit(index * SPAN)
        frames.append(frame.withColumn(ORDER, place))
    first = frames[0]
    for other in frames[1:]:
        first = first.unionByName(other, allowMissingColumns=True)
    return first


def _located(path: str) -> str:
    """A local path as Spark must be given it: absolute (Spark resolves a relative path
    against the directory its JVM started in, not this process's current directory)."""
    if "://" in path or path.startswith(("file:", "hdfs:", "s3a:", "gs:", "abfs:")):
        return path
    return os.path.abspath(path)


def _zones(paths: Sequence[str]) -> dict[str, str] | None:
    """The zones of the files' timestamp columns, read from the first local file's schema:
    Spark gives every timestamp in its session's zone, and the report keeps the file's."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pq.read_schema(paths[0])
    except Exception:  # not local, or not readable here: the session's zone stays
        return None
    zones = {
        field.name: field.type.tz
        for field in schema
        if pa.types.is_timestamp(field.type) and field.type.tz is not None
    }
    return zones or None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def _canonical(frame: Any, names: Mapping[str, str]) -> Any:
    present = set(frame.columns)
    renames = {source: target for source, target in names.items() if source in present}
    if renames:
        frame = frame.withColumnsRenamed(renames)
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        shown = ", ".join(c for c in frame.columns if c != ORDER)
        raise LogError(
            f"{FRAME}: no columns naming {', '.join(missing)} (columns: {shown}); give a "
            "mapping from the frame's names"
        )
    return frame


def _survey(
    frame: Any, recipe: EngineRecipe, as_of: datetime | None, zones: dict[str, str] | None
) -> tuple[dict[int, int], datetime | None]:
    """The rows of each of the frame's partitions and its latest event, in one pass."""
    latest: datetime | None = None
    counts: dict[int, int] = {}
    surveyed = frame.mapInArrow(
        _SparkSurvey(recipe, as_of, zones), "part long, rows long, latest string"
    )
    for row in surveyed.collect():
        counts[row.part] = counts.get(row.part, 0) + row.rows
        if row.latest is not None:
            moment = datetime.fromisoformat(row.latest)
            if latest is None or moment > latest:
                latest = moment
    return counts, latest


def _positions(frame: Any, counts: Mapping[int, int]) -> Any:
    functions = require("pyspark.sql.functions", "spark")
    if not counts:
        return frame
    before = 0
    starts: dict[int, int] = {}
    for part in sorted(counts):
        starts[part] = before
        before += counts[part]
    part = functions.shiftrightunsigned(functions.col(ORDER), _LOW)
    # One array literal of every partition's first row, looked up by partition.
    table = functions.array(*[functions.lit(starts.get(n, 0)) for n in range(max(starts) + 1)])
    start = functions.element_at(table, (part + 1).cast("int"))
    low = functions.col(ORDER).bitwiseAND(functions.lit((1 << _LOW) - 1))
    return frame.withColumn(ORDER, start + low)


class _SparkSurvey(Survey):
    """The survey with the partition's number, for the frame's row positions."""

    def __call__(self, batches: Any) -> Any:
        import pyarrow as pa
        from pyspark import TaskContext

        context = TaskContext.get()
        part = context.partitionId() if context is not None else 0
        for batch in super().__call__(batches):
            yield pa.RecordBatch.from_pydict(
                {
                    "part": pa.array([part], pa.int64()),
                    "rows": batch.column(0),
                    "latest": batch.column(1),
                }
            )


_EPOCH: Final = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
