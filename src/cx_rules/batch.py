"""The batch function: whole cases in columns in, a :class:`~cx_rules.partials.Partial` out.

Every parallel audit calls it: ``audit --jobs`` on one machine, and the Spark and Dask
adapters on a cluster (each task audits its batches, the driver merges the partials and
finishes the report).  The input is an Arrow record batch or table, or a pandas DataFrame, in
the :data:`CANONICAL_COLUMNS`:

========== ===================================================================================
column     what it holds
========== ===================================================================================
case_id    the case (text; a whole number is taken as its text); required
activity   the activity, in the process model's vocabulary; required
timestamp  a timestamp with a time zone (an Arrow ``timestamp`` with ``tz``, a tz-aware pandas
           column) or ISO 8601 text with an offset; required
event_id   text or null; optional
actor      text or null; optional
channel    text or null; optional
attributes the event's other attributes as the text of one JSON object, or null; optional
========== ===================================================================================

Any other column is refused (:class:`ValueError` naming it): put an event's other attributes
in ``attributes``, which keeps their JSON types and nesting exactly as a JSONL log would.  A
row is read as the JSONL reader reads a line with those keys, so a batch gives the partial of
the same events read from a file.

Rows need not be sorted: each case is replayed in time order.  Each case must be whole in the
batch (for :func:`audit_batches`, in consecutive batches).  A row that cannot be an event (a
naive timestamp, a missing case id, attributes that are not a JSON object) is an input error
placed by its row (the 1-based row number, counted from ``offset``): ``NAME:N``, as line
``N`` of a JSONL file of the rows, or with ``rows=True`` ``NAME (row N)``, as the Parquet
reader places a row (the Spark, Dask and ``--jobs`` paths place rows so); the other rows
are still audited.  A row whose activity the process model does not know is counted, by
activity, in the report's ``unmapped_activities``, as in every audit.

The engine holds no locks or clients that cannot be pickled (this module makes
:class:`~cx_rules.Engine` and :class:`~cx_rules.Policy` values picklable), so one engine can
be shipped to every worker; or give each worker the policy.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, Final

import attrs

from .auditing import _as_partial, _Log, _Share
from .coverage import Coverage, uncovered_rules
from .engine import Engine
from .events import parse_timestamp
from .exceptions import InvalidEvent, NaiveTimestamp
from .io._build import build_event, build_plain
from .io.dataframe import is_dataframe
from .io.mapping import STANDARD_COLUMNS
from .io.records import InputError, Record
from .io.stream import Skip
from .partials import Partial, engine_of
from .policy import Policy
from .report.collect import Collector

__all__ = [
    "CANONICAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "audit_batch",
    "audit_batches",
    "latest_event",
]

#: The columns a batch may have, in this order when a writer wants one.
CANONICAL_COLUMNS: Final = (
    "case_id",
    "activity",
    "timestamp",
    "event_id",
    "actor",
    "channel",
    "attributes",
)
#: The columns every batch must have.
REQUIRED_COLUMNS: Final = ("case_id", "activity", "timestamp")
_OPTIONAL: Final = ("event_id", "actor", "channel")
_BATCH: Final = "<batch>"
_STANDARD: Final = frozenset(STANDARD_COLUMNS)


def audit_batch(
    batch: Any,
    *,
    engine: Engine | None = None,
    policy: Policy | None = None,
    as_of: datetime | str | None,
    group_by: str | Sequence[str] | None = None,
    name: str | None = None,
    offset: int = 0,
    coverage: Coverage | None = None,
    files: Sequence[str] = (),
    rows: bool = False,
) -> Partial:
    """The partial report of the whole cases in ``batch``, read to the cut-off ``as_of``.

    ``batch`` is a ``pyarrow.RecordBatch`` or ``pyarrow.Table`` or a pandas DataFrame in
    the :data:`CANONICAL_COLUMNS`.  ``as_of`` must be given: every part of one audit must be
    read to the same cut-off for the partials to merge (the cut-off of a whole log is its
    latest event's timestamp, which a driver finds before it shares the work out).  ``None``
    takes the latest timestamp of the batch's events, as :func:`cx_rules.audit` does: only
    for a batch that is the whole log (or for a log without events).
    ``engine`` (built with ``guard=False``) or ``policy`` chooses the rules, as for
    :func:`cx_rules.audit`; ``group_by`` adds the score tables per group.  ``name`` and
    ``offset`` place the input errors (the rows numbered from ``offset + 1``): as the lines
    of a JSONL file of the rows, ``NAME:N``, or with ``rows`` as a table reader places a
    row, ``NAME (row N)``, as the Parquet reader does (the Spark, Dask and ``--jobs`` paths
    place rows so);
    ``files`` are the names the report lists as read.  ``coverage`` judges the events by
    what their source records, as ``audit(coverage=...)`` does.

    Merge the partials of every batch with :meth:`Partial.merge_all
    <cx_rules.partials.Partial.merge_all>` and :meth:`~cx_rules.partials.Partial.finish`
    them with the same engine or policy.
    """
    engine = _engine(engine, policy, group_by, "audit_batch")
    cut = None if as_of is None else parse_timestamp(as_of, where="as_of")
    label = name if name is not None else _BATCH
    read = _read(batch, label, engine.policy, offset, rows)
    return _audit(read, engine, cut, group_by, label, coverage, files, rows)


def audit_batches(
    batches: Iterable[Any],
    *,
    engine: Engine | None = None,
    policy: Policy | None = None,
    as_of: datetime | str | None,
    group_by: str | Sequence[str] | None = None,
    name: str | None = None,
    offset: int = 0,
    coverage: Coverage | None = None,
    files: Sequence[str] = (),
    rows: bool = False,
) -> Partial:
    """The partial report of every case in ``batches``, consecutive batches of one input
    sorted by case (a Spark partition sorted by case and time, say).

    A case may continue from one batch into the next: the rows of each batch's last case are
    held until a batch starts with another case or the batches end, so memory holds one
    batch and one open case.  The rows are numbered across the batches, from ``offset``.
    Every other argument is as for :func:`audit_batch`; the result is the partial
    :func:`audit_batch` gives for all the rows as one batch.
    """
    engine = _engine(engine, policy, group_by, "audit_batches")
    if as_of is None:
        raise ValueError(
            "audit_batches needs as_of: the cut-off of the whole input, the same for every "
            "part (the latest timestamp of its events, when no other is chosen)"
        )
    cut = parse_timestamp(as_of, where="as_of")
    label = name if name is not None else _BATCH
    return _batches_partial(batches, engine, cut, group_by, label, offset, coverage, files, rows)


def _batches_partial(
    batches: Iterable[Any],
    engine: Engine,
    cut: datetime,
    group_by: str | Sequence[str] | None,
    label: str,
    offset: int,
    coverage: Coverage | None,
    files: Sequence[str],
    rows: bool,
    loose: bool = False,
) -> Partial:
    """:func:`audit_batches` of a checked engine; ``loose`` reads each column that is not a
    canonical one as an attribute (its non-null values), as if packed into ``attributes``
    as JSON: for columns of values that are the same after a trip through JSON."""
    parts: list[Partial] = []
    held = _Read([], [], Counter())
    row = offset
    # Whether ``held`` holds only its open case's events (no input error of a batch without
    # events): then each batch is split alone, and a case continued over many batches costs
    # its rows once, not once a batch.
    only_events = True
    for batch in batches:
        read = _read(batch, label, engine.policy, row, rows, loose)
        row = read.end if read.end is not None else row
        open_case = _last_case(held.records)
        _refuse_reruns(read.records, open_case, label)
        last = _last_case(read.records)
        if last is None:  # no events: the open case goes on
            held.extend(read)
            only_events = only_events and not read.records
            continue
        if only_events:
            rest, mine = read.split(last)
            if last == open_case:
                held.extend(mine)
                whole = rest
            else:
                held.extend(rest)
                whole, held = held, mine
        else:
            held.extend(read)
            whole, held = held.split(last)
            only_events = True
        if whole.records or whole.skipped:
            parts.append(_audit(whole, engine, cut, group_by, label, coverage, files, rows))
    parts.append(_audit(held, engine, cut, group_by, label, coverage, files, rows))
    return Partial.merge_all(parts)


def latest_event(
    batch: Any, *, engine: Engine | None = None, policy: Policy | None = None
) -> datetime | None:
    """The cut-off :func:`cx_rules.audit` would take for ``batch`` alone: the latest
    timestamp of its rows that are events of an activity the process model knows (``None``
    when there are none).  The latest over every batch of an input is the cut-off of the
    whole input, the ``as_of`` to give every part when no other is chosen.

    Only the ``activity`` and ``timestamp`` columns are read for every row; a row is read
    in full (to tell whether it is an event) from the latest down, until one is."""
    engine = _engine(engine, policy, None, "latest_event")
    _check_columns(_names(batch, _BATCH), _BATCH)
    _, rows = _rows(batch, _BATCH, only=("activity", "timestamp"))
    activities = [row["activity"] for row in rows]
    stamps = [row["timestamp"] for row in rows]

    def event_at(index: int) -> datetime | None:
        return _latest_in_full(_one_row(batch, index), engine)

    try:
        return _latest_among(activities, stamps, engine, event_at)
    except _ReadInFull:
        return _latest_in_full(batch, engine)


class _ReadInFull(Exception):
    """Raised by :func:`_latest_among` when the rows must be read in full to tell."""


def _latest_among(
    activities: Sequence[Any],
    stamps: Sequence[Any],
    engine: Engine,
    event_at: Callable[[int], datetime | None],
) -> datetime | None:
    """The latest event of rows given by their activity and timestamp values, each row
    read in full (``event_at(index)``: its timestamp when it is an event of a known
    activity, else ``None``) from the latest down, until one is an event; at one instant,
    the first row (as ``max`` keeps it).  Raises :class:`_ReadInFull` for a naive timestamp
    that the policy's zone would make a candidate."""
    known = engine.model.activities
    found: list[tuple[datetime, int]] = []
    for index, (activity, value) in enumerate(zip(activities, stamps, strict=True)):
        if activity not in known or value is None:
            continue
        try:
            found.append((parse_timestamp(value), index))
        except NaiveTimestamp:
            if engine.policy.default_zone() is not None:  # the policy gives it a zone
                raise _ReadInFull from None
        except InvalidEvent:
            continue
    # The latest first; a stable sort keeps the rows of one instant in input order.
    found.sort(key=itemgetter(0), reverse=True)
    for _, index in found:
        moment = event_at(index)
        if moment is not None:
            return moment
    return None


def _latest_in_full(batch: Any, engine: Engine) -> datetime | None:
    known = engine.model.activities
    read = _read(batch, _BATCH, engine.policy, 0)
    moments = [
        r.timestamp for r in read.records if not isinstance(r, InputError) and r.activity in known
    ]
    return max(moments, default=None)


def _one_row(batch: Any, index: int) -> Any:
    if is_dataframe(batch):
        return batch.iloc[index : index + 1]
    return batch.slice(index, 1)


# -- inside ----------------------------------------------------------------------------------


class _Read:
    """Records read from batches, each with its row number (from 0) in the whole input."""

    def __init__(
        self,
        records: list[Record],
        positions: list[int],
        skipped: Counter[str],
        end: int | None = None,
    ) -> None:
        self.records = records
        self.positions = positions
        self.skipped = skipped
        #: The row number after the last row read (rows skipped included).
        self.end = end

    def extend(self, other: _Read) -> None:
        """Add ``other``'s records after these, in place."""
        self.records.extend(other.records)
        self.positions.extend(other.positions)
        self.skipped.update(other.skipped)

    def split(self, case_id: str) -> tuple[_Read, _Read]:
        """The records of every case but ``case_id`` (input errors too), and that case's."""
        rest: list[Record] = []
        rest_at: list[int] = []
        mine: list[Record] = []
        mine_at: list[int] = []
        for record, at in zip(self.records, self.positions, strict=True):
            if not isinstance(record, InputError) and record.case_id == case_id:
                mine.append(record)
                mine_at.append(at)
            else:
                rest.append(record)
                rest_at.append(at)
        return _Read(rest, rest_at, self.skipped), _Read(mine, mine_at, Counter())


def _engine(
    engine: Engine | None,
    policy: Policy | None,
    group_by: str | Sequence[str] | None,
    caller: str,
) -> Engine:
    engine = engine_of(engine, policy, caller)
    if engine.strict:
        raise ValueError("an audit needs an engine built with strict=False (it reports CX001)")
    Collector(engine, group_by=group_by)  # refuses a bad group_by
    return engine


def _last_case(records: Sequence[Record]) -> str | None:
    for record in reversed(records):
        if not isinstance(record, InputError):
            return record.case_id
    return None


def _audit(
    read: _Read,
    engine: Engine,
    cut: datetime | None,
    group_by: str | Sequence[str] | None,
    name: str,
    coverage: Coverage | None,
    files: Sequence[str],
    rows: bool,
) -> Partial:
    """The partial of the whole cases of ``read``."""
    records, positions = read.records, read.positions
    log = _Log((), records, None, engine.policy)
    log.name = name
    log.skipped = read.skipped
    if coverage is not None:
        log.uncovered = uncovered_rules(engine.rules.values(), coverage)
        log.source = coverage.system
        log.bridge_through(engine.model, coverage)
    share = _Share(log, engine, cut, False, group_by, None, None)
    latest = share.plan()
    if cut is None:
        cut = latest
    partial = _as_partial(log, share.check(cut), cut, group_by, first=True)
    errors = []
    for (_, index, order), error in partial.errors:
        if order and error.line is not None:
            # An event left out (its event id taken), placed by its item number in records.
            error = _placed(error, positions[error.line - 1] + 1, rows)
        errors.append(((name, positions[index], order), error))
    return attrs.evolve(
        partial,
        errors=tuple(errors),
        files=tuple(files),
        skipped=read.skipped,
    )


def _read(
    batch: Any, name: str, policy: Policy, offset: int, rows: bool = False, loose: bool = False
) -> _Read:
    """The rows of ``batch`` as records: events, or input errors placed by row (``loose``:
    see :func:`_batches_partial`)."""
    columns, values_of = _rows(batch, name)
    if loose:
        extra = [c for c in columns if c not in CANONICAL_COLUMNS]
        if "attributes" in columns and extra:
            raise ValueError(f"{name}: attributes as JSON text and as columns")
        _check_columns([c for c in columns if c not in extra], name)
    else:
        extra = []
        _check_columns(columns, name)
    zone = policy.default_zone()
    records: list[Record] = []
    positions: list[int] = []
    skipped: Counter[str] = Counter()
    for row, values in enumerate(values_of, start=offset):
        try:
            data = _native(values)
            for key in extra:
                value = values[key]
                if value is not None:
                    data[key] = value
            built = (
                build_plain(data, zone, parsed=True)
                if _STANDARD.isdisjoint(data)
                else build_event(data, None, zone)
            )
        except InvalidEvent as exc:
            records.append(_placed(InputError(name, None, str(exc)), row + 1, rows))
            positions.append(row)
            continue
        if isinstance(built, Skip):
            skipped[built.reason] += 1
            continue
        records.append(built)  # type: ignore[arg-type]
        positions.append(row)
    return _Read(records, positions, skipped, end=offset + len(values_of))


def _placed(error: InputError, number: int, rows: bool) -> InputError:
    """``error`` placed at the 1-based row ``number``: as a table reader names a row,
    ``row N`` (the Parquet reader's place), with ``rows``, else as line ``N`` of a JSONL
    file of the rows."""
    if rows:
        return attrs.evolve(error, line=None, element=f"row {number}")
    return attrs.evolve(error, line=number, element=None)


def _row_of(error: InputError) -> int | None:
    """The 1-based row or line an input error of the batch function names (``None``)."""
    if error.line is not None:
        return error.line
    element = error.element
    if element is None or not element.startswith("row "):
        return None
    return int(element[4:])


def _check_columns(columns: Sequence[str], name: str) -> None:
    """Refuse a batch of unknown columns, or without a required one."""
    unknown = [c for c in columns if c not in CANONICAL_COLUMNS]
    if unknown:
        raise ValueError(
            f"{name}: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: a "
            f"batch has the columns {', '.join(CANONICAL_COLUMNS)} (put other attributes in "
            "attributes, as the text of a JSON object)"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"{name}: a batch needs the column(s) {', '.join(missing)}")


def _names(batch: Any, name: str) -> list[str]:
    """The column names of ``batch``."""
    if is_dataframe(batch):
        return [str(c) for c in batch.columns]
    module = type(batch).__module__.split(".")[0]
    if module == "pyarrow" and hasattr(batch, "schema"):
        return [str(c) for c in batch.schema.names]
    return _rows(batch, name)[0]  # raises TypeError saying what it takes


def _native(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row as the native record a JSONL line with those keys would be."""
    data = {key: values.get(key) for key in REQUIRED_COLUMNS}
    for key in _OPTIONAL:
        value = values.get(key)
        if value is not None:
            data[key] = value
    text = values.get("attributes")
    if text is not None:
        if not isinstance(text, str):
            raise InvalidEvent(
                f"attributes: expected the text of a JSON object, got {type(text).__name__}"
            )
        try:
            extra = json.loads(text)
        except ValueError:
            raise InvalidEvent(
                "attributes: not JSON (expected the text of a JSON object)"
            ) from None
        if not isinstance(extra, dict):
            raise InvalidEvent(f"attributes: expected a JSON object, got {type(extra).__name__}")
        clash = sorted(set(extra) & set(CANONICAL_COLUMNS))
        if clash:
            raise InvalidEvent(
                f"attributes: {', '.join(clash)} is a column of its own, not an attribute"
            )
        data.update(extra)
    return data


def _rows(
    batch: Any, name: str, only: Sequence[str] | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The column names of ``batch`` and its rows as dicts of Python values (of the
    columns ``only``, when given: the names are still all of them)."""
    if is_dataframe(batch):
        return _frame_rows(batch, only)
    module = type(batch).__module__.split(".")[0]
    if module == "pyarrow" and hasattr(batch, "schema"):
        return _arrow_rows(batch, only)
    raise TypeError(
        f"{name}: expected a pyarrow RecordBatch or Table or a pandas DataFrame, got "
        f"{type(batch).__name__}"
    )


def _arrow_rows(
    batch: Any, only: Sequence[str] | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    import pyarrow as pa  # the caller has an Arrow value, so pyarrow is there

    names = list(batch.schema.names)
    columns: dict[str, list[Any]] = {}
    for index, column in enumerate(names):
        if only is not None and column not in only:
            continue
        values = batch.column(index)
        kind = values.type
        if pa.types.is_timestamp(kind) and kind.unit == "ns":
            # Python's datetimes hold microseconds; pyarrow would give pandas values.
            values = values.cast(pa.timestamp("us", kind.tz), safe=False)
        columns[column] = values.to_pylist()
    return names, _zip_rows(list(columns), columns, batch.num_rows)


def _frame_rows(
    frame: Any, only: Sequence[str] | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    import pandas as pd  # the caller has a DataFrame, so pandas is there

    names = [str(c) for c in frame.columns]
    columns: dict[str, list[Any]] = {}
    for column, name in zip(frame.columns, names, strict=True):
        if only is not None and name not in only:
            continue
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
            series.dtype
        ):
            columns[name] = [None if pd.isna(v) else v.to_pydatetime() for v in series]
        else:
            columns[name] = [None if _missing(v) else v for v in series.tolist()]
    return names, _zip_rows(list(columns), columns, len(frame))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _zip_rows(names: list[str], columns: dict[str, list[Any]], count: int) -> list[dict[str, Any]]:
    if not names:
        return [{} for _ in range(count)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _refuse_reruns(records: Sequence[Record], held: str | None, name: str) -> None:
    """Refuse a batch of :func:`audit_batches` in which a case comes back after another
    began (the input is not sorted by case): its cases would be audited in pieces."""
    seen: set[str] = set()
    previous = held
    for record in records:
        if isinstance(record, InputError):
            continue
        case_id = record.case_id
        if case_id != previous:
            if case_id in seen:
                raise ValueError(
                    f"{name}: case {case_id!r} comes back after another case began: "
                    "audit_batches needs its batches sorted by case, each case in one run of "
                    "rows (give an unsorted batch to audit_batch whole)"
                )
            seen.add(case_id)
            previous = case_id
