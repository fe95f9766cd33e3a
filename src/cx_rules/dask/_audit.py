"""The Dask path: the rows and the cut-off in one pass over the partitions, a shuffle on the
case, each partition sorted by case and place and checked into a partial by
``map_partitions``, the partials merged on the client.

This package is ``cx_rules.dask``: the library is imported absolutely (``import dask``),
which Python 3 always does, never this package.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from .._engines import EngineRecipe, canonical_names, partitions_for, require
from .._tasks import ORDER, SPAN, Check, Places, Survey, canonical_batch
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
FRAME: Final = "<Dask DataFrame>"


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
    """Audit the events of the Dask DataFrame ``df``, one per row, as
    :func:`cx_rules.spark.audit` audits a Spark DataFrame (the same columns, ``mapping``,
    arguments and report), on the current Dask scheduler: a ``distributed.Client``'s
    cluster when one is active.  The rows are shuffled on ``case_id`` into one partition
    per ``events_per_partition`` rows or so, and each partition's cases are checked by one
    task, which holds that partition in memory (a case of a million events is a large
    partition, not a failed task)."""
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
    policy: Policy | None = None,
    engine: Engine | None = None,
    as_of: datetime | str | None = None,
    mapping: Mapping[str, str] | LogMapping | None = None,
    group_by: str | Sequence[str] | None = None,
    events_per_partition: int | None = None,
    coverage: Coverage | None = None,
) -> Report:
    """Audit the Parquet event logs ``paths`` (read in order, as one log) with Dask: the
    report :func:`cx_rules.audit` gives for the same files, byte for byte, input errors
    placed by file and row.  The other arguments are those of :func:`audit`."""
    names = (paths,) if isinstance(paths, str) else tuple(paths)
    if not names:
        raise ValueError("audit_parquet: expected at least one path")
    engine = engine_of(engine, policy, "audit_parquet")
    frame, files = _read_parquet(names)
    found = _partial(
        frame,
        engine,
        as_of,
        mapping,
        group_by,
        events_per_partition,
        coverage,
        Places(names),
        files,
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
    finished into a report."""
    require("dask.dataframe", "dask")
    return _partial(
        df,
        engine,
        as_of,
        mapping,
        group_by,
        events_per_partition,
        coverage,
        Places((FRAME,), files=False),
        (0,) * df.npartitions,
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
    sources: Sequence[int],
) -> partials.Partial:
    """``sources[i]``: the source (file) of the frame's partition ``i``."""
    import attrs
    import pandas as pd

    from ..batch import audit_batches
    from ..partials import Partial

    frame = _canonical(frame, canonical_names(mapping, engine.policy))
    recipe = EngineRecipe(engine)
    cut = parse_timestamp(as_of, where="as_of") if as_of is not None else None
    survey = Survey(recipe, cut)
    rows_and_latest = frame.map_partitions(
        _survey_part,
        survey,
        meta=pd.DataFrame({"rows": pd.Series(dtype="int64"), "latest": pd.Series(dtype=object)}),
    ).compute()
    counts = [int(n) for n in rows_and_latest["rows"]]
    latest: datetime | None = None
    for text in rows_and_latest["latest"]:
        if isinstance(text, str):
            moment = datetime.fromisoformat(text)
            if latest is None or moment > latest:
                latest = moment
    if cut is None:
        cut = latest
    # Each partition's first place: its source's index, then the rows of that source's
    # partitions before it.
    starts: list[int] = []
    within: dict[int, int] = {}
    for source, count in zip(sources, counts, strict=True):
        starts.append(source * SPAN + within.get(source, 0))
        within[source] = within.get(source, 0) + count
    placed = frame.map_partitions(_place, starts, meta=_place(frame._meta, [0]))
    parts = partitions_for(sum(counts), _parallelism(), events_per_partition)
    shuffled = placed.shuffle("case_id", npartitions=parts)
    check = Check(recipe, cut, group_by, places, None, coverage)
    found = shuffled.map_partitions(_check_part, check, meta=pd.Series(dtype=object)).compute()
    parts_found = [Partial.from_bytes(data) for data in found if data is not None]
    if not parts_found:
        files = places.names if places.files else ()
        empty = audit_batches(
            (), engine=engine, as_of=_EPOCH, group_by=group_by, files=files, coverage=coverage
        )
        return attrs.evolve(empty, as_of=cut)
    return Partial.merge_all(parts_found)


def _read_parquet(paths: Sequence[str]) -> tuple[Any, tuple[int, ...]]:
    """The rows of the Parquet files (Arrow types kept), and the file of each partition."""
    dd = require("dask.dataframe", "dask")
    frames = []
    sources: list[int] = []
    for index, path in enumerate(paths):
        try:
            frame = dd.read_parquet(path, dtype_backend="pyarrow", index=False)
        except Exception as exc:  # a missing or unreadable file
            raise LogError(f"{path}: cannot be read as Parquet ({_first_line(exc)})") from None
        frames.append(frame)
        sources.extend([index] * frame.npartitions)
    joined = frames[0] if len(frames) == 1 else dd.concat(frames, interleave_partitions=False)
    return joined, tuple(sources)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def _canonical(frame: Any, names: Mapping[str, str]) -> Any:
    present = [str(c) for c in frame.columns]
    renames = {source: target for source, target in names.items() if source in present}
    if renames:
        frame = frame.rename(columns=renames)
    columns = [str(c) for c in frame.columns]
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise LogError(
            f"{FRAME}: no columns naming {', '.join(missing)} (columns: {', '.join(columns)}); "
            "give a mapping from the frame's names"
        )
    return frame


def _parallelism() -> int:
    """The worker threads of the active distributed client, else this machine's cores."""
    import os

    try:
        from distributed import get_client

        info = get_client().scheduler_info()
        threads = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        if threads:
            return threads
    except (ImportError, ValueError):
        pass
    return os.cpu_count() or 1


#: The rows of one record batch a task converts and checks at a time.
BATCH_ROWS: Final = 65_536


def _batches(part: Any, positions: Any = None) -> Iterator[Any]:
    """The rows of the pandas partition ``part`` as Arrow record batches, a batch at a time
    (in the order of ``positions``, when given), so that a task holds its partition and one
    batch, not a second copy of the partition in Arrow."""
    import pyarrow as pa

    rows = len(part)
    for start in range(0, rows, BATCH_ROWS):
        if positions is None:
            rows_of = part.iloc[start : start + BATCH_ROWS]
        else:
            rows_of = part.iloc[positions[start : start + BATCH_ROWS]]
        yield pa.RecordBatch.from_pandas(rows_of, preserve_index=False)


def _survey_part(part: Any, survey: Survey) -> Any:
    import pandas as pd

    rows = 0
    latest: tuple[datetime, str] | None = None
    for batch in survey(_batches(part)):
        rows += batch.column(0)[0].as_py()
        text = batch.column(1)[0].as_py()
        if text is not None:
            moment = datetime.fromisoformat(text)
            if latest is None or moment > latest[0]:
                latest = (moment, text)
    shown = None if latest is None else latest[1]
    return pd.DataFrame({"rows": [rows], "latest": pd.Series([shown], dtype=object)})


def _place(part: Any, starts: Sequence[int], partition_info: Any = None) -> Any:
    """The partition in the batch function's columns (the attributes packed as JSON text,
    so that the shuffle moves plain columns) with each row's place."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    number = partition_info["number"] if partition_info is not None else 0
    table = canonical_batch(pa.Table.from_pandas(part, preserve_index=False)).append_column(
        ORDER, pa.array(np.arange(len(part), dtype="int64") + starts[number])
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _check_part(part: Any, check: Check) -> Any:
    """The partition's partial: its rows sorted by case and place (only the two key columns
    are sorted; the rows are taken in that order a batch at a time), checked by
    :class:`~cx_rules._tasks.Check`, a case held open across batches."""
    import pandas as pd

    partial = None
    if len(part):
        keys = part[["case_id", ORDER]].reset_index(drop=True)
        ordered = keys.sort_values(["case_id", ORDER], kind="stable", na_position="first")
        partial = check.partial(_batches(part, ordered.index.to_numpy()))
    return pd.Series([None if partial is None else partial.to_bytes()], dtype=object)


_EPOCH: Final = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
