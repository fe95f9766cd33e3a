"""``audit --jobs N`` on Parquet logs: the log read once with pyarrow, sorted by case, cut
into N contiguous ranges of whole cases, each range checked by the batch function in a
process of its own, the partials merged and the report rendered once.

The JSONL and CSV readers build only their own share's records, so there each process reads
the file and keeps the cases whose id hashes to it (:func:`cx_rules.auditing._in_processes`).
A Parquet file is read faster as columns than row by row: this process reads every file
into one Arrow table (the canonical columns after the mapping's renames, the others kept to
be packed as ``attributes``, as the Spark and Dask paths do), numbers each row by its place
in the input (:data:`~cx_rules._tasks.ORDER`), and sorts the row numbers by case and place
(a stable sort: a case's rows stay in input order, so ties in time are broken as one process
breaks them).  The sorted rows are cut into ranges of about equal rows at case boundaries
(:func:`ranges`), and the processes are forked: each finds the latest event of a slice of
the input in input order (this process takes the first latest of all as the cut-off, as one
process would), then takes its range's rows and checks them, a record batch at a time, with
:class:`~cx_rules._tasks.Check` into a :class:`~cx_rules.partials.Partial`.

Memory: this process holds the Arrow table of the log and one 8-byte row number per row;
each process also holds its range's rows, taken from the table (a share of it, in Arrow).

Anything the batch function does not read as the row reader does (a mapping beyond column
renames, a wide table, an importer, ``strict``, a column of dates or times other than the
timestamp, files of different columns) is left to the hash split: :func:`plan` says
``None``, and the audit is shared out as for any other log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from ._engines import canonical_names
from ._forks import Children, Outcome, attempt, raise_first, serve
from ._tasks import ORDER, SPAN, Check, Places, latest_of
from .exceptions import CxRulesError
from .io import format_for
from .io.records import LogError
from .partials import Partial

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .auditing import Progress, _Log
    from .coverage import Coverage
    from .engine import Engine
    from .policy import Policy

__all__ = ["Plan", "audit_ranges", "plan", "ranges"]

#: The rows of one record batch a range is checked in: a case may run on into the next.
BATCH_ROWS: Final = 65_536
_REQUIRED: Final = ("case_id", "activity", "timestamp")


class Plan:
    """A log read as one Arrow table, its rows' order by case, and the ranges of that order
    each process checks."""

    def __init__(self, table: Any, order: Any, cuts: list[int], files: Sequence[str]) -> None:
        self.table = table
        self.order = order
        #: Range ``i`` is ``order[cuts[i]:cuts[i + 1]]``.
        self.cuts = cuts
        self.files = tuple(files)

    def survey_slice(self, index: int) -> Any:
        """Share ``index`` of the rows in input order, for the cut-off."""
        count = len(self.cuts) - 1
        rows = self.table.num_rows
        start, end = rows * index // count, rows * (index + 1) // count
        return self.table.slice(start, end - start)

    def range(self, index: int) -> Any:
        """The rows of range ``index``, sorted by case and place."""
        start, end = self.cuts[index], self.cuts[index + 1]
        return self.table.take(self.order.slice(start, end - start))


def plan(log: _Log, policy: Policy, jobs: int, strict: bool) -> Plan | None:
    """The ranges of ``log`` for ``jobs`` processes, or ``None`` when the log is not Parquet
    files the batch function reads as the row reader does."""
    if strict or log.importer is not None or log.wide is not None or not log.files:
        return None
    try:
        if any(_format(log, name) != "parquet" for name in log.files):
            return None
        import pyarrow  # noqa: F401
    except (ImportError, LogError):
        return None
    try:
        names = canonical_names(log._mapping, policy)
    except (CxRulesError, ValueError):
        return None
    tables = []
    for index, name in enumerate(log.files):
        table = _read(log._paths.get(name, name), names)
        if table is None:
            return None
        tables.append(_placed(table, index))
    if len({t.schema for t in tables}) > 1:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    order = pc.sort_indices(
        table.select(["case_id", ORDER]),
        sort_keys=[("case_id", "ascending"), (ORDER, "ascending")],
    )
    cases = table.column("case_id").take(order)
    return Plan(table, order, ranges(_starts(cases), table.num_rows, jobs), log.files)


def ranges(starts: Sequence[int], rows: int, count: int) -> list[int]:
    """Where ``count`` ranges of ``rows`` sorted rows begin and end (``count + 1`` cuts
    from ``0`` to ``rows``), each cut at a case's first row (``starts``, increasing, from
    ``0``) nearest to an equal share of the rows; a range may be empty (one long case)."""
    import bisect

    cuts = [0]
    for index in range(1, count):
        target = rows * index // count
        at = bisect.bisect_left(starts, target)
        near = [s for s in starts[max(at - 1, 0) : at + 1] if s >= cuts[-1]]
        cut = min(near, key=lambda s: (abs(s - target), s)) if near else cuts[-1]
        cuts.append(cut)
    cuts.append(rows)
    return cuts


def audit_ranges(
    found: Plan,
    engine: Engine,
    as_of: datetime | None,
    group_by: str | Sequence[str] | None,
    coverage: Coverage | None,
    progress: Progress | None = None,
) -> tuple[datetime | None, list[Partial]]:
    """The audit of every range of ``found``: this process checks the first, forked
    children the others.  Returns the cut-off and every range's partial, first range
    first (empty ranges give none)."""
    count = len(found.cuts) - 1
    if progress is not None:
        progress("reading", found.table.num_rows, 0)
    with Children() as children:
        for index in range(1, count):
            children.start(
                _child,
                (found, index, engine, as_of, group_by, coverage),
                f"cx-rules audit range {index + 1} of {count}",
            )
        latests = [attempt(lambda: _latest(found, 0, engine, as_of), _first)]
        latests += children.receive()
        raise_first(latests)
        cut = as_of
        if cut is None:
            for _, moment in latests:
                if moment is not None and (cut is None or moment > cut):
                    cut = moment  # the first latest in input order, as one process keeps
        children.send(cut)
        mine_checked = attempt(
            lambda: _check(found, 0, engine, as_of, cut, group_by, coverage), _first
        )
        checked = [mine_checked, *children.receive()]
        raise_first(checked)
        # This process's partial first, even of no rows: its engine counted its overruns.
        first = mine_checked[1]
        if first is None:
            first = _empty(found, engine, cut, group_by, coverage)
        partials = [first]
        partials.extend(Partial.from_bytes(data) for _, data in checked[1:] if data is not None)
        if progress is not None:
            progress("checking", found.table.num_rows, sum(p.cases for p in partials))
        return cut, partials


def _first() -> int:
    return 0


# -- inside ----------------------------------------------------------------------------------


def _format(log: _Log, name: str) -> str:
    given = log._format
    return given if given is not None else format_for(name)


def _read(path: str, names: dict[str, str]) -> Any:
    """The Parquet file at ``path`` as an Arrow table, its columns renamed to the canonical
    ones; ``None`` when the row reader would read it otherwise (or refuse it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .io.tables._parquet import MAX_ROW_GROUP

    try:
        with pq.ParquetFile(path) as reader:
            metadata = reader.metadata
            if any(
                metadata.row_group(i).total_byte_size > MAX_ROW_GROUP
                for i in range(metadata.num_row_groups)
            ):
                return None
            table = reader.read(use_threads=False)
    except (OSError, pa.ArrowException, ValueError):
        return None  # the row reader says what is wrong with it
    columns = [str(c) for c in table.schema.names]
    if len(set(columns)) < len(columns) or ORDER in columns or "attributes" in columns:
        return None  # an attributes column is the row reader's attribute, not JSON to unpack
    renamed = [names.get(c, c) for c in columns]
    if len(set(renamed)) < len(renamed) or any(c not in renamed for c in _REQUIRED):
        return None
    table = table.rename_columns(renamed)
    for field in table.schema:
        if field.name == "case_id":
            kind = field.type
            if not (
                pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_null(kind)
            ):
                return None  # a whole number is cast to its text below
        elif field.name == "timestamp" and not _plain(field.type):
            if not pa.types.is_timestamp(field.type) or not _known_zone(field.type):
                return None
        elif not _plain(field.type):
            return None
    index = table.schema.get_field_index("case_id")
    if pa.types.is_integer(table.schema.field(index).type):
        table = table.set_column(index, "case_id", table.column(index).cast(pa.string()))
    return table


def _plain(kind: Any) -> bool:
    """Whether values of the Arrow type ``kind`` are the same after a trip through JSON."""
    import pyarrow as pa

    types = pa.types
    if types.is_list(kind) or types.is_large_list(kind):
        return _plain(kind.value_type)
    if types.is_struct(kind):
        return all(_plain(kind.field(i).type) for i in range(kind.num_fields))
    return bool(
        types.is_string(kind)
        or types.is_large_string(kind)
        or types.is_integer(kind)
        or types.is_floating(kind)
        or types.is_boolean(kind)
        or types.is_null(kind)
    )


def _known_zone(kind: Any) -> bool:
    """Whether the zone of the timestamp type ``kind`` is one the row reader knows."""
    from .io.tables._parquet import _zone

    return _zone(kind) is not False


def _placed(table: Any, source: int) -> Any:
    import pyarrow as pa

    start = source * SPAN
    return table.append_column(
        ORDER, pa.array(range(start, start + table.num_rows), type=pa.int64())
    )


def _starts(cases: Any) -> list[int]:
    """The first row of each case of ``cases`` (sorted), and of each row without one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = len(cases)
    if rows < 2:
        return [0]
    if pa.types.is_null(cases.type):
        return list(range(rows))  # input errors, each a record of its own
    changed = pc.fill_null(pc.not_equal(cases.slice(1), cases.slice(0, rows - 1)), True)
    return [0, *(i + 1 for i in pc.indices_nonzero(changed).to_pylist())]


def _empty(
    found: Plan,
    engine: Engine,
    cut: datetime | None,
    group_by: str | Sequence[str] | None,
    coverage: Coverage | None,
) -> Partial:
    """The partial of no rows, to the cut-off ``cut``."""
    import attrs

    from .batch import audit_batches

    empty = audit_batches(
        (), engine=engine, as_of=_EPOCH, group_by=group_by, files=found.files, coverage=coverage
    )
    return attrs.evolve(empty, as_of=cut)


def _latest(found: Plan, index: int, engine: Engine, as_of: datetime | None) -> datetime | None:
    if as_of is not None:
        return None
    part = found.survey_slice(index).drop_columns([ORDER])
    return latest_of(part, engine, None)


def _check(
    found: Plan,
    index: int,
    engine: Engine,
    as_of: datetime | None,
    cut: datetime | None,
    group_by: str | Sequence[str] | None,
    coverage: Coverage | None,
) -> Partial | None:
    rows = found.range(index)
    if rows.num_rows == 0:
        return None
    # The types were checked (_read): the columns are read as attributes, not packed as JSON.
    check = Check(engine, cut, group_by, Places(found.files), None, coverage, packed=False)
    partial: Partial | None = check.partial(rows.to_batches(max_chunksize=BATCH_ROWS))
    return partial


def _child(
    link: Connection,
    found: Plan,
    index: int,
    engine: Engine,
    as_of: datetime | None,
    group_by: str | Sequence[str] | None,
    coverage: Coverage | None,
) -> None:
    """A forked child: range ``index``'s share of the cut-off, then its partial as bytes.
    Its failures are placed by the range's index: the first range's first."""

    def check(cut: datetime | None) -> Outcome:
        def run() -> bytes | None:
            partial = _check(found, index, engine, as_of, cut, group_by, coverage)
            return None if partial is None else partial.to_bytes()

        return attempt(run, lambda: index)

    serve(link, lambda: attempt(lambda: _latest(found, index, engine, as_of), lambda: index), check)


_EPOCH: Final = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
