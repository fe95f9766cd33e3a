"""Greenhouse (Harvest API): applications, activity feeds, interviews, scorecards, offers and
the ``application_history`` table of a warehouse sync (CSV or Parquet), as cx-rules events.

One case per application (its ``id``).  The files of one export are read as one: an export
split across pages and files, JSON arrays or JSON Lines, in any order.  The import reads
the files twice: first to index the applications (a feed names a candidate, not an
application; an interview names an application that must exist), then to translate every
record.  See ``docs/guide/importers/greenhouse.md`` for the records, the mapping and the
coverage table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final

from ...coverage import Coverage
from ...io.records import InputError
from ...io.stream import Place
from ...io.tables import Row, read_table
from .._common import Source, learned, translate_sources
from ..base import Importer, ImportItem, ImportResult
from ..sources import TABLE_SUFFIXES, csv_rows, json_records, suffix_of
from ._index import Index
from ._records import translate_all
from ._shapes import HISTORY_COLUMNS

__all__ = ["COVERAGE", "Greenhouse"]

_EMAIL: Final = "the activity feed does not tell {what} from any other e-mail to the candidate"

#: What the Greenhouse importer can produce, and what Greenhouse never records.
COVERAGE: Final = Coverage(
    "greenhouse",
    produces={
        "application_received",
        "application_received.job_id",
        "rejected",
        "rejected.reason",
        "rejected.reason_type",
        "rejected.details",
        "rejected.decided_at",
        "rejected.channel",
        "rejected.text",
        "rejected.subject",
        "withdrawn",
        "withdrawn.reason",
        "status_update_sent",
        "status_update_sent.channel",
        "status_update_sent.text",
        "status_update_sent.subject",
        "interview_scheduled",
        "interview_scheduled.interview_id",
        "interview_scheduled.scheduled_for",
        "interview_scheduled.channel",
        "interview_held",
        "interview_held.interview_id",
        "interview_held.scheduled_for",
        "interview_held.channel",
        "offer_made",
        "offer_made.offer_id",
        "offer_accepted",
        "offer_declined",
        "stage_changed",
        "stage_changed.stage",
        "stage_changed.stage_id",
    },
    never={
        "interview_held.started_at": (
            "no ATS records when an interview really started; Greenhouse keeps the time it "
            "was scheduled for"
        ),
        "interview_held.delay_minutes": "Greenhouse records no interview delays",
        "interview_rescheduled": (
            "a scheduled interview holds only its current time, not the times it was moved from"
        ),
        "interview_rescheduled.by": "Greenhouse does not record who moved an interview",
        "application_acknowledged": _EMAIL.format(what="an acknowledgement"),
        "process_info_sent": _EMAIL.format(what="process information"),
        "question_received": _EMAIL.format(what="a candidate's question"),
        "question_answered": _EMAIL.format(what="an answer"),
        "feedback_requested": "Greenhouse does not record a candidate's request for feedback",
        "feedback_given": (
            "scorecards are the interviewers' internal feedback; " + _EMAIL.format(what="feedback")
        ),
        "thank_you_sent": _EMAIL.format(what="a thank-you"),
        "talent_pool_offered": "Greenhouse records prospect pools, not an offer to join one",
        "talent_pool_joined": "the Harvest application data holds no talent-pool consent",
        "talent_pool_joined.consent": "the Harvest application data holds no consent",
        "data_deleted": "a deleted candidate is gone from the export; its deletion cannot be seen",
        "screening_started": (
            "stage names are each company's own; stage changes are imported as stage_changed"
        ),
    },
)


_PARQUET: Final = (".parquet", ".pq")


def _history(header: Sequence[str]) -> str | None:
    missing = [c for c in HISTORY_COLUMNS if c not in header]
    return f"the columns {', '.join(missing)}" if missing else None


def _text(row: Row) -> dict[str, str]:
    """A Parquet row's cells as the CSV table's text: a zoned timestamp in ISO 8601 (a
    naive one without its zone, which the history refuses), numbers as digits."""
    return {
        k: "" if v is None else v.isoformat() if isinstance(v, datetime) else str(v)
        for k, v in row.cells.items()
    }


class Greenhouse(Importer):
    """The Greenhouse importer (Harvest API v1/v2 JSON; ``application_history`` as CSV or
    Parquet)."""

    name: ClassVar[str] = "greenhouse"
    title: ClassVar[str] = "Greenhouse (Harvest API)"
    summary: ClassVar[str] = (
        "Harvest API JSON (applications, candidates, activity feeds, scheduled interviews, "
        "scorecards, offers) and the application_history table as CSV or Parquet"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        def sources() -> Iterator[Source | InputError]:
            for index, path in enumerate(paths):
                if suffix_of(path) in TABLE_SUFFIXES:
                    for row in csv_rows(path, HISTORY_COLUMNS):
                        if isinstance(row, InputError):
                            yield row
                        else:
                            yield Source(index, path, row[0], row[1], "history")
                elif suffix_of(path) in _PARQUET:
                    for cells in read_table(path, format="parquet", check_header=_history):
                        if isinstance(cells, InputError):
                            yield cells
                        else:
                            yield Source(index, path, cells.place.where(), _text(cells), "history")
                else:
                    for item in json_records(path):
                        if isinstance(item, InputError):
                            yield item
                        else:
                            yield Source(index, path, item[0], item[1])

        yield from translate_all(sources(), learned(Index(), sources()))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one Harvest record on its own: an application (or a candidate with its
        applications) gives its events; a feed, interview, scorecard or offer needs its
        application among the records (see :meth:`translate_records`), else each of its
        items is an input error."""
        return translate_sources(
            translate_all, Index(), [Source(0, name, Place(None, None), record)], name
        )

    def translate_records(
        self, records: Sequence[Mapping[str, Any]], *, name: str = "<records>"
    ) -> ImportResult:
        """Translate Harvest records together, as a small export: an application and its
        candidate's activity feed, say.  Each record's place is its index (``[i]``)."""
        sources = [Source(0, name, Place(None, f"[{i}]"), r) for i, r in enumerate(records)]
        return translate_sources(translate_all, Index(), sources, name)
