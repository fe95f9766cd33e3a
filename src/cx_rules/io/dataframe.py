"""The pandas reader: a DataFrame in pm4py's flat format, one event per row.

pandas is optional: it is imported when :func:`read_dataframe` is called, never at import.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..exceptions import InvalidEvent, NaiveTimestamp
from ._build import build_event
from .kinds import describe
from .mapping import LogMapping
from .records import InputError, LogError, Record
from .stream import LogStream, Skip

if TYPE_CHECKING:
    from ..policy import Policy

__all__ = ["is_dataframe", "read_dataframe"]

# How a naive timestamp's error ends when the zone could come from a policy, and what to say
# instead when read_dataframe was called on its own.
_POLICY_HINT: Final = "or set assume_timezone in the policy"
_CALL_HINT: Final = (
    "or give read_dataframe a default_tz (a zone name such as 'Europe/Copenhagen') or the "
    "policy (policy=...) whose assume_timezone applies"
)


def is_dataframe(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame (or a subclass), told without importing
    pandas."""
    return any(
        k.__name__ == "DataFrame" and k.__module__.split(".")[0] == "pandas"
        for k in type(value).__mro__
    )


def read_dataframe(
    df: Any,
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | str | None = None,
    name: str = "<DataFrame>",
    policy: Policy | None = None,
) -> LogStream:
    """Stream the events of a pandas DataFrame, one record per row, in row order.

    Columns are named as pm4py names them (``case:concept:name``, ``concept:name``,
    ``time:timestamp``, ``org:resource``, ``lifecycle:transition``), natively (``case_id``,
    ``activity``, ``timestamp``, ...) or as ``mapping`` renames them.  Missing cells (``None``,
    ``NaN``, ``NaT``, blank strings) are left out; NumPy scalars become Python values, NumPy
    arrays in a cell (what a Parquet list column gives) become lists of them, and pandas
    timestamps become datetimes (naive ones get ``default_tz``, a ``tzinfo`` or an IANA zone
    name, or are input errors).  ``policy`` supplies what is not given: its ``[mapping]``
    table and its ``assume_timezone`` (as :func:`cx_rules.audit` applies them to a DataFrame
    passed to it directly).
    Values are then typed by :data:`~cx_rules.io.kinds.KINDS`.  A bad row is an
    :class:`~cx_rules.io.records.InputError` whose ``element`` reads ``row 3 (index 'a7')``
    (1-based position).  Rows whose ``lifecycle:transition`` is not ``complete`` are skipped
    and counted.  Raises :class:`~cx_rules.io.records.LogError` when pandas is not installed
    or ``df`` is not a DataFrame, or ``default_tz`` names no time zone.  Rows are converted
    one at a time.
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
    if isinstance(default_tz, str):
        try:
            default_tz = ZoneInfo(default_tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise LogError(
                f"{name}: default_tz: {default_tz!r} is not a known IANA time zone "
                "(expected e.g. Europe/Copenhagen)"
            ) from None
    elif default_tz is not None and not isinstance(default_tz, tzinfo):
        raise LogError(
            f"{name}: default_tz: expected a tzinfo or a zone name, got {type(default_tz).__name__}"
        )
    hint = _POLICY_HINT
    if policy is not None:
        if mapping is None and policy.mapping:
            mapping = LogMapping.from_policy(policy)
        if default_tz is None:
            default_tz = policy.default_zone()
    elif default_tz is None:
        hint = _CALL_HINT
    return LogStream(_rows(df, pd, name, mapping, default_tz, hint), name)


def _rows(
    df: Any,
    pd: Any,
    name: str,
    mapping: LogMapping | None,
    default_tz: tzinfo | None,
    hint: str,
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
            message = str(exc)
            if isinstance(exc, NaiveTimestamp):
                message = message.replace(_POLICY_HINT, hint)
            yield InputError(name, None, message, f"row {number} (index {_label(index)})")


def _plain(value: Any, pd: Any) -> Any:
    """A Python value for a pandas or NumPy cell; ``None`` for a missing one."""
    if value is None:
        return None
    if type(value).__module__ == "numpy" and getattr(value, "ndim", 0) > 0:
        # An array in one cell (a Parquet list column): a list, its items made plain in
        # turn; a missing item stays None in its place.
        return [_plain(item, pd) for item in value]
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if type(value).__name__ == "datetime64":
        return pd.Timestamp(value).to_pydatetime()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(item, pd) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item, pd) for key, item in value.items()}
    return value


def _label(index: object) -> str:
    # An index label may be a name or a whole text: quoted only when short (describe).
    return describe(index)
