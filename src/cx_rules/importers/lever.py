"""Lever (the Lever API): opportunities with their stage changes, archive state and data
protection consent, the archive reasons, and each opportunity's interviews, feedback and
notes, as cx-rules events.

One case per opportunity (its ``id``).  Lever writes times as epoch milliseconds (UTC).
An opportunity's interviews, feedback and notes do not name it, so each list is saved
wrapped with the opportunity it was asked for (``{"opportunityId": ..., "interviews":
[...]}``).  The import reads the files twice: first to learn the archive reasons, the
opportunities and which interviews have feedback, then to translate every record.  See
``docs/guide/importers/lever.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Final

from ..coverage import Coverage
from ..io.records import InputError
from ..io.stream import Place
from ._common import Source, learned, sources, translate_sources
from ._lever import Index, translate_all
from .base import Importer, ImportItem, ImportResult

__all__ = ["COVERAGE", "Lever"]

_NO_MESSAGES: Final = "Lever's API has no endpoint for the e-mails sent to a candidate"

#: What the Lever importer can produce, and what Lever's API never records.
COVERAGE: Final = Coverage(
    "lever",
    produces={
        "application_received",
        "application_received.job_id",
        "screening_started",
        "screening_started.stage_id",
        "stage_changed",
        "stage_changed.stage_id",
        "stage_changed.stage_index",
        "rejected",
        "rejected.reason",
        "rejected.reason_id",
        "withdrawn",
        "withdrawn.reason",
        "offer_made",
        "offer_accepted",
        "interview_scheduled",
        "interview_scheduled.interview_id",
        "interview_scheduled.scheduled_for",
        "interview_scheduled.channel",
        "interview_scheduled.duration_minutes",
        "interview_scheduled.canceled_at",
        "interview_held",
        "interview_held.interview_id",
        "interview_held.scheduled_for",
        "interview_held.channel",
        "interview_held.duration_minutes",
        "talent_pool_joined",
        "talent_pool_joined.consent",
        "talent_pool_joined.expires_at",
        "talent_pool_joined.contact_allowed",
        "offer_made.inferred",
        "offer_accepted.inferred",
    },
    never={
        "application_acknowledged": _NO_MESSAGES,
        "status_update_sent": _NO_MESSAGES,
        "process_info_sent": _NO_MESSAGES,
        "question_received": _NO_MESSAGES,
        "question_answered": _NO_MESSAGES,
        "thank_you_sent": _NO_MESSAGES,
        "feedback_given": _NO_MESSAGES + "; interview feedback is the interviewers' own",
        "feedback_requested": "Lever does not record a candidate's request for feedback",
        "rejected.channel": "an archived opportunity records no channel of the rejection",
        "rejected.text": _NO_MESSAGES,
        "interview_held.started_at": (
            "no ATS records when an interview really started; Lever keeps the time it was "
            "scheduled for"
        ),
        "interview_held.delay_minutes": "Lever records no interview delays",
        "interview_rescheduled": "an interview holds only its current time, not earlier ones",
        "interview_rescheduled.by": "Lever does not record who moved an interview",
        "talent_pool_offered": "Lever records a candidate's consent, not an offer to join a pool",
        "data_deleted": "a deleted opportunity is gone from the export; its deletion cannot be seen",
    },
)


class Lever(Importer):
    """The Lever importer (Lever API JSON, epoch-millisecond times)."""

    name: ClassVar[str] = "lever"
    title: ClassVar[str] = "Lever"
    summary: ClassVar[str] = (
        "Lever API JSON: opportunities (stage changes, archive, data protection), archive "
        "reasons, and each opportunity's interviews, feedback and notes"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        def read() -> Iterator[Source | InputError]:
            return sources(paths, envelope="data")

        yield from translate_all(read(), learned(Index(), read()))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one Lever record on its own: an opportunity gives its events (its
        archive only if the record holds ``archiveReasons``, a list of archive reasons);
        an opportunity's list needs the opportunity, else each item is an input error."""
        reasons = record.get("archiveReasons") if isinstance(record, Mapping) else None
        context = [
            Source(0, name, Place(None, f"archiveReasons[{n}]"), reason)
            for n, reason in enumerate(reasons if isinstance(reasons, list) else ())
        ]
        source = Source(0, name, Place(None, None), record)
        return translate_sources(translate_all, Index(), [source], name, context=context)
