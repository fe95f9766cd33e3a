"""Merge's unified ATS model (the Merge ATS API): applications, activities, scheduled
interviews, scorecards, offers and reject reasons, as cx-rules events.

One adapter for every system Merge connects (Greenhouse, Lever, Workable, Ashby, Teamtailor,
SmartRecruiters, ...), through Merge's common model: one case per application (its Merge
``id``).  List pages are read as saved (``{"next": ..., "results": [...]}``), in any order.
The import reads the files twice: first to index the applications (an activity names a
candidate, not an application), the reject reasons, the scored interviews and the rejection
e-mails, then to translate every record.  See ``docs/guide/importers/merge.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Final

from ..coverage import Coverage
from ..io.records import InputError
from ..io.stream import Place
from ._common import Source, learned, sources, translate_sources
from ._merge import Index, translate_all
from .base import Importer, ImportItem, ImportResult

__all__ = ["COVERAGE", "Merge"]

_STAGE: Final = (
    "current_stage is the stage now, with no history: the order of stages cannot be given"
)
_FEED: Final = "Merge's activities do not tell {what} from any other e-mail to the candidate"

#: What the Merge importer can produce, and what Merge's common model never records.
COVERAGE: Final = Coverage(
    "merge",
    produces={
        "application_received",
        "application_received.job_id",
        "application_received.remote_id",
        "rejected",
        "rejected.reason",
        "rejected.reason_id",
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
        "offer_accepted.offer_id",
        "offer_declined",
        "offer_declined.offer_id",
    },
    never={
        "interview_held.started_at": (
            "no ATS records when an interview really started; Merge's start_at is the time "
            "it was set for"
        ),
        "interview_held.delay_minutes": "Merge's common model records no interview delays",
        "interview_rescheduled": "a scheduled interview holds only its current time",
        "interview_rescheduled.by": "Merge's common model does not record who moved an interview",
        "application_acknowledged": _FEED.format(what="an acknowledgement"),
        "process_info_sent": _FEED.format(what="process information"),
        "question_received": _FEED.format(what="a candidate's question"),
        "question_answered": _FEED.format(what="an answer"),
        "thank_you_sent": _FEED.format(what="a thank-you"),
        "feedback_requested": "the common model has no request for feedback",
        "feedback_given": "scorecards are the interviewers' own; " + _FEED.format(what="feedback"),
        "talent_pool_offered": "the common model has no talent pool",
        "talent_pool_joined": "the common model has no talent pool",
        "talent_pool_joined.consent": "the common model holds no consent",
        "data_deleted": "remote_was_deleted says a record is gone, not when it was deleted",
        "screening_started": _STAGE,
        "stage_changed": _STAGE,
    },
)


class Merge(Importer):
    """The Merge importer (Merge's unified ATS model, as its API returns it)."""

    name: ClassVar[str] = "merge"
    title: ClassVar[str] = "Merge (unified ATS API)"
    summary: ClassVar[str] = (
        "Merge ATS API JSON: applications, activities, scheduled interviews, scorecards, "
        "offers and reject reasons, for any system Merge connects"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        def read() -> Iterator[Source | InputError]:
            return sources(paths, envelope="results")

        yield from translate_all(read(), learned(Index(), read()))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one Merge record on its own: an application gives its events (its
        reject reason's name when expanded); an activity, interview, scorecard or offer
        needs its application, else it is an input error."""
        source = Source(0, name, Place(None, None), record)
        return translate_sources(translate_all, Index(), [source], name)
