"""Event logs in tables: XLSX workbooks, Parquet files, and wide tables of any format.

The rows come from :mod:`cx_rules.io.tables`; this module turns each into events, through
the mapping, with the place of its row.  A long table has one event per row (columns named
as in the CSV reader); a wide one (the mapping's ``[wide]`` table) has one row per
application and gives an event per date column with a value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

from ..events import is_missing
from ..exceptions import InvalidEvent
from ._build import build_event
from .kinds import KINDS, Kind, shape
from .mapping import LogMapping
from .records import InputError, Record
from .stream import PLACES, LogStream, PartialCase, Place, Skip
from .tables import HeaderCheck, Row, RowPlace, Table, excel_moment, read_table

__all__ = ["CELL_REFUSED", "DATE_REFUSED", "NO_DATE", "read_parquet", "read_table_log", "read_xlsx"]

#: Why a row of a wide table with no date in any of its date columns is skipped.
NO_DATE: Final = "a wide row without a date"
#: Why the trace of a wide row's case is partial when one of its date cells was refused (an
#: input error): the step the cell records is missing, so what depends on it is not judged
#: violated.
DATE_REFUSED: Final = "a date cell could not be read"
#: The same for an event of a wide row refused for another of its cells (an attribute).
CELL_REFUSED: Final = "a cell of a wide row could not be read"
# How the input error of a refused date cell begins (the field, as every reader names it).
_DATE_ERROR: Final = "timestamp:"

_REQUIRED: Final = ("case_id", "activity", "timestamp")
_IDENTITY: Final = LogMapping()
_MOMENT_NAMES: Final = frozenset(
    ("timestamp", *(k for k, v in KINDS.items() if v is Kind.TIMESTAMP))
)


def read_xlsx(
    source: str | Path,
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
    sheet: str | None = None,
) -> LogStream:
    """Stream the events of a worksheet of an XLSX workbook, one record per non-empty row
    (or, with a ``[wide]`` mapping, per date cell).

    The first non-empty row is the header, named as for :func:`~cx_rules.io.read_csv`.  The
    sheet is ``sheet``, else the mapping's ``sheet``, else the first.  Cells formatted as
    dates are naive datetimes: they take the mapping's ``assume_timezone``, else
    ``default_tz``, else they are input errors saying how to set one.  A number in a
    timestamp column is an Excel serial date (days since the workbook's epoch, rounded to
    the millisecond).  Needs ``pip install 'cx-rules[xlsx]'``.
    """
    return read_table_log(
        source, mapping=mapping, default_tz=default_tz, name=name, format="xlsx", sheet=sheet
    )


def read_parquet(
    source: str | Path,
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
) -> LogStream:
    """Stream the events of a Parquet file, one record per row (or per date cell of a wide
    table), read a batch at a time.

    Columns are named as for :func:`~cx_rules.io.read_csv`.  A timestamp column with a
    time zone keeps the instant in that zone; one without (naive) takes the mapping's
    ``assume_timezone``, else ``default_tz``, else each value is an input error saying how to
    set one.  Nanoseconds are cut to microseconds.  A date column is midnight, naive.
    Needs ``pip install 'cx-rules[parquet]'``.
    """
    return read_table_log(
        source, mapping=mapping, default_tz=default_tz, name=name, format="parquet"
    )


def read_table_log(
    source: str | Path | IO[str],
    *,
    mapping: LogMapping | None = None,
    default_tz: tzinfo | None = None,
    name: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> LogStream:
    """Stream the events of any table :func:`~cx_rules.io.tables.read_table` reads (CSV,
    TSV, XLSX, Parquet), long or wide (see the module's notes); the readers of each format
    call it.  Raises :class:`~cx_rules.io.records.LogError` for a table that cannot be read
    or whose header lacks a required column."""
    mapping = mapping or _IDENTITY
    places = PLACES.get()
    wide = mapping.wide
    check = wide.missing if wide is not None else _long_header(mapping)
    table = read_table(
        source,
        format=format,
        encoding=encoding,
        sheet=sheet if sheet is not None else mapping.sheet,
        name=name,
        check_header=check,
    )
    return LogStream(_records(table, mapping, default_tz, places), table.file)


def _long_header(mapping: LogMapping) -> HeaderCheck:
    def check(header: Sequence[str]) -> str | None:
        canonical = {mapping.column(cell) for cell in header}
        if all(field in canonical for field in _REQUIRED):
            return None
        return (
            "the case, activity and timestamp columns (expected case_id, activity, timestamp "
            "or case:concept:name, concept:name, time:timestamp, or names given in "
            "[mapping.columns])"
        )

    return check


def _records(
    table: Table, mapping: LogMapping, default_tz: tzinfo | None, places: bool
) -> Iterator[Record | Skip | Place | PartialCase]:
    with table:
        zone = mapping.zone or default_tz
        epoch = table.epoch
        wide = mapping.wide
        # The keys whose values are moments: a long row's source columns that map to one;
        # a wide row's records are keyed by canonical names already.
        if wide is None:
            moments = frozenset(c for c in table.columns if mapping.column(c) in _MOMENT_NAMES)
        else:
            moments = _MOMENT_NAMES
        for row in table:
            if not isinstance(row, Row):
                if places:
                    yield Place(row.line, row.element)
                yield row
                continue
            cells = row.cells
            if wide is None:
                if places:
                    yield row.place.where()
                yield _event(row.place, None, _present(cells), moments, epoch, zone, mapping)
                continue
            found = False
            for column, record in wide.records(cells):
                found = True
                if places:
                    yield row.place.where(column)
                built = _event(row.place, column, record, moments, epoch, zone, mapping)
                if isinstance(built, InputError):
                    marked = _refused(built, record, mapping)
                    if marked is not None:
                        yield marked
                yield built
            if not found:
                yield Skip(NO_DATE)


def _refused(
    error: InputError, record: Mapping[str, Any], mapping: LogMapping
) -> PartialCase | None:
    """The partial mark of the case of a wide row's event that was refused (``error``): the
    step its date cell records is missing, so the case is judged as partial, not complete.
    ``None`` when the row's case id cannot be read (no case to mark)."""
    case_id = mapping.value("case_id", record.get("case_id"))
    if isinstance(case_id, int) and not isinstance(case_id, bool):
        case_id = str(case_id)
    if not isinstance(case_id, str) or not case_id:
        return None
    date = error.message.startswith(_DATE_ERROR)
    return PartialCase(case_id, DATE_REFUSED if date else CELL_REFUSED)


def _present(cells: dict[str, object]) -> dict[str, object]:
    # A blank string (Parquet keeps them) is missing, as a blank CSV cell is.
    return {k: v for k, v in cells.items() if not is_missing(v)}


# The types of the values a record may hold as they are; a table's others are converted.
_PLAIN: Final = frozenset((str, int, float, bool, datetime, date, time, list, dict, type(None)))


def _convert(place: RowPlace, column: str | None, record: dict[str, Any]) -> InputError | None:
    """Turn a Parquet column's other values into what a record holds: a decimal into its
    exact text, a tuple into a list; the input error of a value that has no such form
    (bytes, a duration), naming its column."""
    for key, value in record.items():
        kind = type(value)
        if kind in _PLAIN:
            continue
        if isinstance(value, Decimal):
            record[key] = str(value)
        elif isinstance(value, tuple):
            record[key] = list(value)
        elif not isinstance(value, str | int | float | datetime | date | time | list | dict):
            return place.error(
                f"{key}: a {kind.__name__} value is not read (expected text, a number, a "
                "boolean, a date or a timestamp)",
                column,
            )
    return None


def _event(
    place: RowPlace,
    column: str | None,
    record: dict[str, Any],
    moments: frozenset[str],
    epoch: datetime | None,
    zone: tzinfo | None,
    mapping: LogMapping,
) -> Record | Skip:
    problem = _convert(place, column, record)
    if problem is not None:
        return problem
    for key in moments.intersection(record):
        value = record[key]
        if isinstance(value, str) or (isinstance(value, datetime) and value.tzinfo is not None):
            continue
        try:
            record[key] = _moment(value, epoch, zone)
        except InvalidEvent as exc:
            return place.error(f"{key}: {exc}", column)
    try:
        return build_event(record, None if mapping == _IDENTITY else mapping, zone)
    except InvalidEvent as exc:
        return place.error(str(exc), column)


def _moment(value: object, epoch: datetime | None, zone: tzinfo | None) -> datetime:
    """A spreadsheet's or Parquet's moment value as an aware datetime (see the readers)."""
    if isinstance(value, datetime):
        naive = value
    elif isinstance(value, date):
        naive = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool) and epoch is not None:
        try:
            naive = excel_moment(value, epoch)
        except (ValueError, OverflowError):
            raise InvalidEvent(
                f"{shape(value)} outside Excel's date serial numbers (1 to 2958465)"
            ) from None
    elif isinstance(value, time):
        raise InvalidEvent("a time of day without a date")
    else:
        raise InvalidEvent(f"expected a date and time, got {shape(value)}")
    if zone is None:
        raise InvalidEvent(
            "the date and time has no time zone; set assume_timezone in the mapping or the "
            'policy (assume_timezone = "Europe/Copenhagen")'
        )
    return naive.replace(tzinfo=zone)
