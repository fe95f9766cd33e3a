"""XLSX rows, read with openpyxl in read-only mode, and Excel's serial dates."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from .._files import MAX_LINE
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

__all__ = ["MAX_WORKBOOK_PART", "excel_moment"]

#: The largest part of a workbook read whole (its shared strings, styles), in bytes (256 Mi).
MAX_WORKBOOK_PART: Final = 256 * 2**20

# An XLSX file whose parts are read whole.
_WHOLE_PARTS: Final = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")

# -- XLSX ------------------------------------------------------------------------------------


def rows(
    path: Path, name: str, sheet: str | None, check: HeaderCheck | None, stack: ExitStack
) -> Iterator[Any]:
    try:
        import openpyxl
        from openpyxl.xml import DEFUSEDXML
    except ImportError:
        raise _needs("openpyxl", "xlsx", name) from None
    if not DEFUSEDXML:
        # openpyxl parses the workbook's XML with the standard library unless defusedxml is
        # there: entity bombs would reach it.
        raise _needs("defusedxml", "xlsx", name)
    local = _seekable(path, name, stack)
    _check_parts(local, name)
    try:
        book = openpyxl.load_workbook(local, read_only=True, data_only=True)
        stack.callback(book.close)
        names = list(book.sheetnames)
        if sheet is None and names:
            sheet = names[0]
        if sheet not in names:
            raise LogError(
                f"{name}: no sheet {sheet!r} (the workbook has {', '.join(map(repr, names))})"
            )
        worksheet = book[sheet]
        if not hasattr(worksheet, "iter_rows"):
            raise LogError(f"{name}: sheet {sheet!r} is a chart, not a table")
        worksheet.reset_dimensions()  # the saved dimensions may be wrong: read what is there
        epoch: datetime = book.epoch
    except LogError:
        raise
    except _BROKEN as exc:
        raise LogError(
            f"{name}: not an XLSX workbook ({_short(exc)}); expected an .xlsx file"
        ) from None
    rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
    formulas = _Formulas(openpyxl, local, sheet, stack)
    header: list[str] | None = None
    try:
        for number, values in rows:
            size = sum(len(v) for v in values if isinstance(v, str))
            if size > MAX_LINE:
                raise LogError(
                    f"{name} (sheet {sheet!r}, row {number}): a row of more than "
                    f"{MAX_LINE // 2**20} Mi characters; expected rows of short cells"
                )
            if header is None:
                if all(_blank(v) for v in values):
                    continue
                header = [_text(v) for v in values]
                while header and not header[-1]:
                    header.pop()
                named = [h for h in header if h]
                where = f"{name} (sheet {sheet!r}, row {number})"
                problem = _accept(named, check)
                if problem is not None:
                    raise LogError(f"{where}: no header row naming {problem}")
                _named(named, where, ": ")
                yield _Header(tuple(named), epoch)
                continue
            place = RowPlace(name, number, sheet)
            if all(_blank(v) for v in values):
                if formulas.in_row(number):
                    yield place.error(
                        "formulas without a saved value (the workbook was written by a "
                        "program that does not compute them); expected values: open and "
                        "save it in a spreadsheet program, or export CSV"
                    )
                continue
            cells: dict[str, object] = {}
            stray = None
            for index, value in enumerate(values):
                column = header[index] if index < len(header) else ""
                value = None if _blank(value) else value
                if column:
                    cells[column] = value
                elif value is not None and stray is None:
                    stray = index
            if stray is not None:
                yield place.error(
                    f"a value in column {_letters(stray)}, which has no name in the header row"
                )
                continue
            for column in header:
                if column:
                    cells.setdefault(column, None)
            yield Row(place, cells)
    except LogError:
        raise
    except _BROKEN as exc:
        raise LogError(f"{name} (sheet {sheet!r}): cannot read the sheet ({_short(exc)})") from None
    if header is None:
        yield _Header((), epoch)


def _check_parts(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename in _WHOLE_PARTS and info.file_size > MAX_WORKBOOK_PART:
                    raise LogError(
                        f"{name}: {info.filename} is larger than "
                        f"{MAX_WORKBOOK_PART // 2**20} MiB; expected a workbook whose shared "
                        "parts fit in memory (export CSV instead)"
                    )
    except LogError:
        raise
    except zipfile.BadZipFile:
        raise LogError(
            f"{name}: not an XLSX workbook (not a zip file); expected an .xlsx file"
        ) from None
    except OSError as exc:
        raise LogError(f"{name}: cannot read the table: {exc.strerror or exc}") from None
    except _BROKEN as exc:
        raise LogError(
            f"{name}: not an XLSX workbook ({_short(exc)}); expected an .xlsx file"
        ) from None


class _Formulas:
    """Whether a row that reads as blank holds formulas: a row whose only values are
    formulas no spreadsheet program computed (a workbook written by a library) has no saved
    values, and must be an error, not a row silently left out.  The sheet is read a second
    time, with its formulas, only from the first blank row on, and only forward."""

    def __init__(self, openpyxl: Any, path: Path, sheet: str | None, stack: ExitStack) -> None:
        self._args = (openpyxl, path, sheet, stack)
        self._rows: Iterator[tuple[int, tuple[object, ...]]] | None = None
        self._at: tuple[int, tuple[object, ...]] = (0, ())

    def in_row(self, number: int) -> bool:
        if self._rows is None:
            self._rows = _formula_rows(*self._args)
        while self._at[0] < number:
            found = next(self._rows, None)
            if found is None:
                return False
            self._at = found
        row, values = self._at
        return row == number and any(isinstance(v, str) and v.startswith("=") for v in values)


def _formula_rows(
    openpyxl: Any, path: Path, sheet: str | None, stack: ExitStack
) -> Iterator[tuple[int, tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    stack.callback(book.close)
    worksheet = book[sheet]
    worksheet.reset_dimensions()
    return enumerate(worksheet.iter_rows(values_only=True), start=1)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _letters(index: int) -> str:
    # Excel's column name for a 0-based column index: 0 is A, 26 is AA.
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_moment(value: float | int, epoch: datetime) -> datetime:
    """The naive datetime of an Excel serial date number ``value`` (days since ``epoch``,
    the fraction the time of day), rounded to the millisecond as Excel keeps times.

    In the 1900 date system (epoch 1899-12-30) serial numbers below 60 are a day later, as
    Excel counts a 29 February 1900 that did not exist (60 itself is that day, read as 28
    February).  Raises :class:`ValueError` for a number that is no date: below 1 (a time of
    day alone), or past the year 9999.
    """
    if isinstance(value, bool) or not 1 <= value < 2_958_466:
        raise ValueError("not an Excel date serial number (1 to 2958465)")
    day, fraction = divmod(value, 1)
    try:
        moment = epoch + timedelta(days=int(day), milliseconds=round(fraction * 86_400_000))
    except OverflowError:
        raise ValueError("not an Excel date serial number (1 to 2958465)") from None
    if epoch.year == 1899 and value < 60:
        moment += timedelta(days=1)
    return moment
