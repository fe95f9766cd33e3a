"""What the Spark and Dask workers run on Arrow data: a survey of a part of the log (its rows
and its latest event, for the cut-off) and the check of a part's whole cases into a
serialised :class:`~cx_rules.partials.Partial`.

They import only cx-rules and pyarrow, hold no state of the driver's process (the engine
comes pickled in a :class:`~cx_rules._engines.EngineRecipe`, unpickled once per worker
process) and pickle by reference, so they run the same on a local session and on a cluster.

Each row carries its place in the input in the column :data:`ORDER`: the index of its source
(a file of the log, or ``0`` for a frame) times :data:`SPAN`, plus its row in that source
(from 0).  The places order a case's rows as the input has them, and put each input error
where :func:`cx_rules.audit` puts it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._engines import EngineRecipe
from .batch import CANONICAL_COLUMNS
from .io.records import InputError

if TYPE_CHECKING:
    from .coverage import Coverage
    from .engine import Engine

__all__ = ["ORDER", "SPAN", "Check", "Places", "Survey", "canonical_batch", "latest_of"]

#: The column of each row's place in the input.
ORDER: Final = "_cx_order"
#: The places of one source: a source holds fewer rows than this.
SPAN: Final = 2**40

_PLAIN: Final = frozenset(CANONICAL_COLUMNS) - {"attributes"}


@attrs.frozen
class Places:
    """How the places of :data:`ORDER` are named: ``names[i]`` is the name of source ``i``
    (the path as given, or what a frame is called); a place is ``row N`` of its source, as
    the Parquet reader and the batch function name a row."""

    names: tuple[str, ...]
    #: Whether the sources are files the report lists as read (a frame is not).
    files: bool = True

    def error(self, error: InputError, place: int) -> InputError:
        """``error`` of the batch function, placed at ``place`` in the input."""
        source, row = divmod(place, SPAN)
        name = self.names[source] if source < len(self.names) else error.file
        return attrs.evolve(error, file=name, line=None, element=f"row {row + 1}")


def latest_of(
    batch: Any, engine: Engine, as_of: datetime | None, zones: dict[str, str] | None = None
) -> datetime | None:
    """The cut-off :func:`cx_rules.audit` takes for the rows of ``batch`` (a frame's rows,
    before :func:`canonical_batch`) when none is given: what
    :func:`cx_rules.batch.latest_event` gives for them, found without reading every row as
    an event.  The timestamps of the rows of known activities are parsed, and the rows are
    read in full (by ``latest_event``) from the latest down, until one is an event.
    ``None`` when ``as_of`` is given, which is then the cut-off."""
    from .batch import _latest_among, _ReadInFull, latest_event

    names = batch.schema.names
    if as_of is not None or batch.num_rows == 0:
        return None
    if "activity" not in names or "timestamp" not in names:
        return latest_event(canonical_batch(batch, zones), engine=engine)  # says what lacks
    activities = batch.column(names.index("activity")).to_pylist()
    stamps = _python(batch.column(names.index("timestamp")))

    def event_at(index: int) -> datetime | None:
        return latest_event(canonical_batch(batch.slice(index, 1), zones), engine=engine)

    try:
        return _latest_among(activities, stamps, engine, event_at)
    except _ReadInFull:
        return latest_event(canonical_batch(batch, zones), engine=engine)


def canonical_batch(batch: Any, zones: dict[str, str] | None = None) -> Any:
    """``batch`` (an Arrow record batch or table) in the batch function's columns: the canonical columns as they are (a
    timestamp column back in its file's zone, from ``zones``), every other column but
    :data:`ORDER` packed into ``attributes`` as a JSON object of its non-null values."""
    import pyarrow as pa

    names = batch.schema.names
    extra = [n for n in names if n not in _PLAIN and n != ORDER]
    arrays: dict[str, Any] = {}
    for name in names:
        if name in _PLAIN:
            column = batch.column(names.index(name))
            zone = (zones or {}).get(name)
            if zone is not None and pa.types.is_timestamp(column.type):
                column = column.cast(pa.timestamp(column.type.unit, tz=zone))
            arrays[name] = column
    if extra:
        values = {n: _python(batch.column(names.index(n))) for n in extra}
        packed: list[str | None] = []
        for row in range(batch.num_rows):
            found = {n: values[n][row] for n in extra if values[n][row] is not None}
            if "attributes" in found and isinstance(found["attributes"], str):
                # The frame holds the attributes as JSON text already.
                text = found.pop("attributes")
                found = {**_object(text), **found}
            packed.append(json.dumps(found, default=_json) if found else None)
        arrays["attributes"] = pa.array(packed, pa.string())
    if isinstance(batch, pa.Table):
        return pa.Table.from_pydict(arrays)
    return pa.RecordBatch.from_pydict(arrays)


def _object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {"attributes": text}  # the batch function reports it
    return value if isinstance(value, dict) else {"attributes": text}


def _json(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _python(array: Any) -> list[Any]:
    import pyarrow as pa

    kind = array.type
    if pa.types.is_timestamp(kind) and kind.unit == "ns":
        array = array.cast(pa.timestamp("us", kind.tz), safe=False)
    return array.to_pylist()  # type: ignore[no-any-return]


class Survey:
    """Maps Arrow batches to one row each: how many rows, and the latest event
    (:func:`latest_of`) as ISO 8601 text, ``None`` when there is none."""

    def __init__(
        self, recipe: EngineRecipe, as_of: datetime | None, zones: dict[str, str] | None = None
    ) -> None:
        self.recipe = recipe
        self.as_of = as_of
        self.zones = zones

    def __call__(self, batches: Iterable[Any]) -> Iterator[Any]:
        import pyarrow as pa

        engine = self.recipe.build()
        schema = pa.schema([("rows", pa.int64()), ("latest", pa.string())])
        for batch in batches:
            latest = latest_of(batch, engine, self.as_of, self.zones)
            yield pa.RecordBatch.from_pydict(
                {
                    "rows": [batch.num_rows],
                    "latest": [None if latest is None else latest.isoformat()],
                },
                schema=schema,
            )


class Check:
    """Maps the Arrow batches of one partition, sorted by case and then by place (each
    case's rows contiguous, in input order), to one row holding the partition's partial as
    bytes (:meth:`~cx_rules.partials.Partial.to_bytes`); an empty partition gives none.
    ``recipe`` is the engine shipped to a worker, or the engine itself in a process forked
    from the one that built it (``audit --jobs``)."""

    def __init__(
        self,
        recipe: EngineRecipe | Engine,
        as_of: datetime | None,
        group_by: str | Sequence[str] | None,
        places: Places,
        zones: dict[str, str] | None = None,
        coverage: Coverage | None = None,
        packed: bool = True,
    ) -> None:
        #: Whether the columns beyond the canonical ones are packed into ``attributes`` as
        #: JSON; else each is read as an attribute, for columns of values JSON keeps as they
        #: are and no ``attributes`` column (``audit --jobs``, which checks the types).
        self.packed = packed
        self.coverage = coverage
        self.recipe = recipe
        self.as_of = as_of
        self.group_by = group_by
        self.places = places
        self.zones = zones

    def __call__(self, batches: Iterable[Any]) -> Iterator[Any]:
        import pyarrow as pa

        partial = self.partial(batches)
        if partial is not None:
            yield pa.RecordBatch.from_pydict(
                {"partial": pa.array([partial.to_bytes()], pa.binary())}
            )

    def partial(self, batches: Iterable[Any]) -> Any:
        """The partition's partial (``None`` when it has no rows), its errors placed."""
        from .batch import _batches_partial, _engine

        places: list[Any] = []
        packed = self.packed

        def canonical() -> Iterator[Any]:
            for batch in batches:
                if batch.num_rows:
                    names = batch.schema.names
                    if ORDER in names:
                        places.append(batch.column(names.index(ORDER)))
                    if packed:
                        yield canonical_batch(batch, self.zones)
                    else:
                        yield batch.select([n for n in names if n != ORDER])

        recipe = self.recipe
        engine = recipe.build() if isinstance(recipe, EngineRecipe) else recipe
        _engine(engine, None, self.group_by, "audit_batches")
        stream = canonical()
        first = next(stream, None)
        if first is None:
            return None
        partial = _batches_partial(
            _chain(first, stream),
            engine,
            self.as_of if self.as_of is not None else _NO_CUT,
            self.group_by,
            "<batch>",
            0,
            self.coverage,
            self.places.names if self.places.files else (),
            rows=True,
            loose=not packed,
        )
        if self.as_of is None:
            partial = attrs.evolve(partial, as_of=None)
        return self._placed(partial, places)

    def _placed(self, partial: Any, places: Sequence[Any]) -> Any:
        if not partial.errors or not places:
            return partial
        import pyarrow as pa

        from .batch import _row_of

        where = pa.chunked_array(places).to_pylist()
        errors = []
        for (_, index, order), error in partial.errors:
            # An event left out (its event id taken) is placed where it stands; the error
            # is listed where the audit met it, as cx_rules.audit lists it.
            row = _row_of(error) if order else None
            placed = self.places.error(error, where[(row if row is not None else index + 1) - 1])
            errors.append((("", where[index], order), placed))
        return attrs.evolve(partial, errors=tuple(errors))


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


# A log without a single event has no cut-off: its checks are read to any one (there are none).
_NO_CUT: Final = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
