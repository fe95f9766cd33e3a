"""The pandas reader: a DataFrame in pm4py's flat format, one event per row.

pandas is optional: it is imported when :func:`read_dataframe` is called, never at import.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import Any

from ..exceptions import InvalidEvent
from ._build import build_event
from .kinds import describe
from .mapping import LogMapping
from .records import InputError, LogError, Record
from .stream import LogStream, Skip

__all__ = ["read_dataframe"]


def read_dataframe(
    df: Any,
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str = "<DataFrame>",
) -> LogStream:
    """Stream the events of a pandas DataFrame, one record per row, in row order.

    Columns are named as pm4py names them (``case:concept:name``, ``concept:name``,
    ``time:timestamp``, ``org:resource``, ``lifecycle:transition``), natively (``case_id``,
    ``activity``, ``timestamp``, ...) or as ``mapping`` renames them.  Missing cells (``None``,
    ``NaN``, ``NaT``, blank strings) are left out; NumPy scalars become Python values and
    pandas timestamps become datetimes (naive ones get ``default_tz`` or are input errors).
    Values are then typed by :data:`~cx_rules.io.kinds.KINDS`.  A bad row is an
    :class:`~cx_rules.io.records.InputError` whose ``element`` reads ``row 3 (index 'a7')``
    (1-based position).  Rows whose ``lifecycle:transition`` is not ``complete`` are skipped
    and counted.  Raises :class:`~cx_rules.io.records.LogError` when pandas is not installed
    or ``df`` is not a DataFrame.  Rows are converted one at a time.
    """
    try:
        import pandas as pd
    except ImportError:
        raise LogError(f"{name}: reading a DataFrame needs pandas (pip install pandas)") from None
    if not isinstance(df, pd.DataFrame):
        raise LogError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    names = [str(c) for c in df.columns]
    twice = sorted({c for c in names if names.count(c) > 1})
    if twice:
        raise LogError(f"{name}: column {twice[0]!r} appears twice in the DataFrame")
    return LogStream(_rows(df, pd, name, mapping, default_tz), name)


def _rows(
    df: Any, pd: Any, name: str, mapping: LogMapping | None, default_tz: tzinfo | None
) -> Iterator[Record | Skip]:
    columns = [str(c) for c in df.columns]
    rows = df.itertuples(index=True, name=None)
    for number, (index, *values) in enumerate(rows, start=1):
        record = {}
        for column, value in zip(columns, values, strict=True):
            plain = _plain(value, pd)
            if plain is not None and not (isinstance(plain, str) and not plain.strip()):
                record[column] = plain
        try:
            yield build_event(record, mapping, default_tz)
        except InvalidEvent as exc:
            yield InputError(name, None, str(exc), f"row {number} (index {_label(index)})")


def _plain(value: Any, pd: Any) -> Any:
    """A Python value for a pandas or NumPy cell; ``None`` for a missing one."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def _label(index: object) -> str:
    # An index label may be a name or a whole text: quoted only when short (describe).
    return describe(index)
