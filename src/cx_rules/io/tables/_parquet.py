"""Parquet rows, read with pyarrow a batch at a time, timestamps in their columns' zones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from ..records import LogError
from ._rows import (
    _BROKEN,
    HeaderCheck,
    Row,
    RowPlace,
    _accept,
    _Header,
    _named,
    _needs,
    _seekable,
    _short,
)

__all__ = ["MAX_ROW_GROUP"]

#: The largest Parquet row group read, uncompressed, in bytes (1 Gi).
MAX_ROW_GROUP: Final = 2**30

# Rows a Parquet batch holds: small enough to keep memory flat, large enough to be fast.
_BATCH: Final = 4096

# -- Parquet ---------------------------------------------------------------------------------


def rows(path: Path, name: str, check: HeaderCheck | None, stack: ExitStack) -> Iterator[Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise _needs("pyarrow", "parquet", name) from None
    local = _seekable(path, name, stack)
    try:
        reader = pq.ParquetFile(stack.enter_context(local.open("rb")))
        schema = reader.schema_arrow
        columns = [str(c) for c in schema.names]
        problem = _accept(columns, check)
        if problem is not None:
            raise LogError(f"{name}: no columns naming {problem}")
        _named(columns, name, ": ")
        metadata = reader.metadata
        for index in range(metadata.num_row_groups):
            size = metadata.row_group(index).total_byte_size
            if size > MAX_ROW_GROUP:
                raise LogError(
                    f"{name}: row group {index} holds {size} bytes uncompressed; expected row "
                    f"groups of at most {MAX_ROW_GROUP // 2**30} GiB (write it with smaller ones)"
                )
        zones = {i: _zone(f.type) for i, f in enumerate(schema) if pa.types.is_timestamp(f.type)}
    except LogError:
        raise
    except _BROKEN as exc:
        raise LogError(
            f"{name}: not a Parquet file ({_short(exc)}); expected a .parquet file"
        ) from None
    yield _Header(tuple(columns), None)
    number = 0
    try:
        for batch in reader.iter_batches(batch_size=_BATCH, use_threads=False):
            arrays = [_python(batch.column(i), zones.get(i), pa) for i in range(len(columns))]
            for values in zip(*arrays, strict=True):
                number += 1
                yield Row(RowPlace(name, number), dict(zip(columns, values, strict=True)))
    except LogError:
        raise
    except _BROKEN as exc:
        raise LogError(f"{name} (row {number + 1}): cannot read the file ({_short(exc)})") from None


def _zone(kind: Any) -> tzinfo | bool | None:
    """The zone of a timestamp type: a tzinfo, ``None`` for naive values, or ``False`` when
    the type names a zone this machine does not know."""
    name = kind.tz
    if name is None:
        return None
    if name in ("UTC", "Z", "+00:00", "utc"):
        return UTC
    if name[:1] in "+-" and len(name) == 6 and name[3] == ":":
        sign = -1 if name[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6])))
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return False


def _python(array: Any, zone: tzinfo | bool | None, pa: Any) -> list[object]:
    """The Python values of an Arrow array; timestamps as datetimes in their column's zone."""
    if zone is None and not pa.types.is_timestamp(array.type):
        return array.to_pylist()  # type: ignore[no-any-return]
    kind = array.type
    if kind.unit == "ns":
        # Python's datetimes hold microseconds: the nanoseconds are cut, not rounded.
        array = array.cast(pa.timestamp("us", tz=kind.tz), safe=False)
    if zone is None:
        return array.to_pylist()  # type: ignore[no-any-return]
    if zone is False:
        raise ValueError(f"unknown time zone {kind.tz!r} in a timestamp column")
    # As UTC, then in the column's own zone: the instant is kept exactly.
    utc = array.cast(pa.timestamp("us", tz="UTC"))
    assert isinstance(zone, tzinfo)
    return [
        None if v is None else v.replace(tzinfo=UTC).astimezone(zone)
        for v in utc.cast(pa.timestamp("us")).to_pylist()
    ]
