"""SmartRecruiters (Customer API): the status history of each application, as cx-rules
events.

An application is one candidate on one job; its case id is ``CANDIDATE:JOB``.  Two shapes
are read: the response of ``GET /candidates/{id}/jobs/{jobId}/status/history``
(``{"totalFound": n, "content": [{"changedOn", "status", "subStatus"}, ...]}``) saved with
the ``candidateId`` and ``jobId`` it was asked for, and the ``candidate_status_history``
table of a warehouse sync (``candidate_id``, ``job_id``, ``changed_on``, ``status``,
``sub_status``) as CSV, TSV, XLSX or Parquet.  The files are read twice: first to order
each application's history (pages may come in any order, and overlap), then to translate
every entry.  See ``docs/guide/importers/smartrecruiters.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final, NamedTuple

import attrs

from ..coverage import Coverage
from ..events import Activity as A
from ..events import Event
from ..io.records import InputError
from ..io.stream import Place, Skip
from ._common import (
    INTERVIEW_KEYS,
    MESSAGE_KEYS,
    STAGE_CHANGED,
    At,
    Key,
    Source,
    key_of,
    learned,
    obj,
    one,
    opt_list,
    opt_text,
    sized_what,
    sources,
    translate_sources,
    what,
)
from .base import Importer, ImportItem, ImportProblem, ImportResult, Partial
from .values import identifier, vendor_time

__all__ = ["COVERAGE", "HISTORY_COLUMNS", "SmartRecruiters"]

#: The columns of ``candidate_status_history`` the importer needs (``sub_status`` is read
#: when present; others, such as ``_fivetran_synced``, are ignored).
HISTORY_COLUMNS: Final = ("candidate_id", "job_id", "changed_on", "status")
#: The Customer API's statuses of a candidate on a job, and ``ARCHIVED`` as the Candidate
#: Status API writes a closed application (with one of ``ARCHIVED_SUB_STATUSES``).
STATUSES: Final = (
    "LEAD",
    "NEW",
    "IN_REVIEW",
    "INTERVIEW",
    "OFFERED",
    "HIRED",
    "REJECTED",
    "WITHDRAWN",
    "TRANSFERRED",
    "ARCHIVED",
)
ARCHIVED_SUB_STATUSES: Final = (
    "REJECTED",
    "WITHDRAWN_BY_APPLICANT",
    "TRANSFERRED",
    "DELETED_BY_COMPANY",
)
_ARCHIVED_AS: Final = {
    "REJECTED": "REJECTED",
    "WITHDRAWN_BY_APPLICANT": "WITHDRAWN",
    "TRANSFERRED": "TRANSFERRED",
    "DELETED_BY_COMPANY": "DELETED",
}
_MOVES: Final = frozenset({"IN_REVIEW", "INTERVIEW"})

_NO_MESSAGES: Final = "the status history records no message to or from the candidate"
_NO_INTERVIEWS: Final = (
    "the INTERVIEW status says a candidate is in the interview step; the status history "
    "holds no interview, its time or its moves"
)

#: What the SmartRecruiters importer can produce, and what a status history never records.
COVERAGE: Final = Coverage(
    "smartrecruiters",
    produces={
        "application_received",
        "screening_started",
        "screening_started.status",
        "stage_changed",
        "stage_changed.stage",
        "stage_changed.sub_status",
        "offer_made",
        "offer_accepted",
        "rejected",
        "rejected.sub_status",
        "withdrawn",
    },
    never={
        "rejected.reason": "the status history does not return the rejection reason",
        **dict.fromkeys(MESSAGE_KEYS, _NO_MESSAGES),
        **dict.fromkeys(INTERVIEW_KEYS, _NO_INTERVIEWS),
        "interview_held.started_at": "no ATS records when an interview really started",
        "talent_pool_offered": "the status history holds no talent-pool offer",
        "talent_pool_joined": "the status history holds no talent-pool consent",
        "talent_pool_joined.consent": "the status history holds no talent-pool consent",
        "data_deleted": "a deleted candidate's history is gone from the export",
    },
)


class _Entry(NamedTuple):
    """One status change, checked: ``status`` is ``ARCHIVED`` resolved by its sub-status
    (``REJECTED``, ``WITHDRAWN``, ``TRANSFERRED``, ``DELETED``)."""

    case_id: str
    at: datetime
    status: str
    sub_status: str | None


@attrs.define
class _Index:
    """The first pass: each application's status changes in order, what they mean."""

    rows: dict[str, list[tuple[datetime, Key, _Entry]]] = attrs.Factory(dict)
    announced: dict[str, int] = attrs.Factory(dict)
    received: set[Key] = attrs.Factory(set)
    screening: set[Key] = attrs.Factory(set)
    repeated: set[Key] = attrs.Factory(set)
    starts: dict[str, tuple[Key, str]] = attrs.Factory(dict)
    offered: set[str] = attrs.Factory(set)
    found: dict[str, int] = attrs.Factory(dict)

    def learn(self, source: Source) -> None:
        bad = 0
        for _, key, entry in _entries(source):
            if isinstance(entry, _Entry):
                self.rows.setdefault(entry.case_id, []).append((entry.at, key, entry))
            else:
                bad += 1
        if source.kind is None and isinstance(source.value, dict):
            try:
                case_id = _case_of(source.value)
            except ImportProblem:
                return
            # An entry that is an input error is in the input, not on a missing page.
            self.found[case_id] = self.found.get(case_id, 0) + bad
            total = source.value.get("totalFound")
            if isinstance(total, int) and not isinstance(total, bool):
                self.announced[case_id] = max(total, self.announced.get(case_id, 0))

    def settle(self) -> None:
        for case_id, rows in self.rows.items():
            rows.sort(key=lambda r: (r[0], r[1][0], r[1][1] or 0, r[1][2] or ""))
            seen: set[tuple[datetime, str, str | None]] = set()
            kept: list[tuple[datetime, Key, _Entry]] = []
            for at, key, entry in rows:
                if (at, entry.status, entry.sub_status) in seen:
                    self.repeated.add(key)
                else:
                    seen.add((at, entry.status, entry.sub_status))
                    kept.append((at, key, entry))
            self.found[case_id] = self.found.get(case_id, 0) + len(kept)
            applied = [r for r in kept if r[2].status != "LEAD"]
            if not applied:
                continue
            if applied[0][2].status == "NEW":
                self.received.add(applied[0][1])
                later = [r for r in applied[1:] if r[2].status != "NEW"]
                if later and later[0][2].status in _MOVES:
                    self.screening.add(later[0][1])
            else:
                self.starts[case_id] = (applied[0][1], applied[0][2].status)
            statuses = [r[2].status for r in applied]
            if "HIRED" in statuses and "OFFERED" in statuses[: statuses.index("HIRED")]:
                self.offered.add(case_id)
        self.rows = {}


class SmartRecruiters(Importer):
    """The SmartRecruiters importer (status histories as API JSON or a warehouse table)."""

    name: ClassVar[str] = "smartrecruiters"
    title: ClassVar[str] = "SmartRecruiters (Customer API)"
    summary: ClassVar[str] = (
        "each application's status history: the API's status/history responses saved with "
        "candidateId and jobId, or the candidate_status_history table (CSV, TSV, XLSX, "
        "Parquet)"
    )
    coverage: ClassVar[Coverage] = COVERAGE

    def items(self, paths: Sequence[str]) -> Iterator[ImportItem]:
        def read() -> Iterator[Source | InputError]:
            return sources(paths, tables=True, columns=HISTORY_COLUMNS)

        yield from _translate_all(read(), learned(_Index(), read()))

    def translate(self, record: Mapping[str, Any], *, name: str = "<record>") -> ImportResult:
        """Translate one saved status history (``candidateId``, ``jobId``, ``content``)."""
        source = Source(0, name, Place(None, None), record)
        return translate_sources(_translate_all, _Index(), [source], name)


def _case_of(value: dict[str, Any]) -> str:
    candidate = identifier(value.get("candidateId"), "candidateId")
    job = identifier(value.get("jobId"), "jobId")
    return f"{candidate}:{job}"


def _cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ImportProblem(f"{column}: expected an id, got an empty cell")
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number
        value = int(value)
    return identifier(value, column)


def _moment(value: Any, where: str) -> datetime:
    """A table's time: text as :func:`vendor_time` reads it, or a datetime cell (Parquet,
    XLSX) that carries its zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ImportProblem(
                f"{where}: the time has no time zone (a Parquet timestamp without one, or a "
                "spreadsheet date); expected a time with its zone"
            )
        return value
    return vendor_time(value, where)


def _entry(value: Any, case_id: str | None, table: bool) -> _Entry:
    """One status change (an API ``content`` item of case ``case_id``, or a table row),
    checked."""
    table = table or case_id is None
    if table:
        row = obj(value, "row")
        case = f"{_cell(row, 'candidate_id')}:{_cell(row, 'job_id')}"
        at_name, sub_name = "changed_on", "sub_status"
    else:
        row = obj(value, "status change")
        case = str(case_id)
        at_name, sub_name = "changedOn", "subStatus"
    at = _moment(row.get(at_name), at_name) if table else vendor_time(row.get(at_name), at_name)
    status = row.get("status")
    if status not in STATUSES:
        raise ImportProblem(
            f"status: expected one of {', '.join(STATUSES)}, got {sized_what(status)}"
        )
    sub_status = opt_text(row.get(sub_name), sub_name)
    if status == "ARCHIVED":
        if sub_status not in _ARCHIVED_AS:
            raise ImportProblem(
                f"{sub_name}: an ARCHIVED status needs one of "
                f"{', '.join(ARCHIVED_SUB_STATUSES)}, got {sized_what(sub_status)}"
            )
        return _Entry(case, at, _ARCHIVED_AS[sub_status], sub_status)
    return _Entry(case, at, status, sub_status)


def _entries(source: Source) -> Iterator[tuple[At, Key, _Entry | ImportProblem]]:
    """Every status change of ``source``, placed; a wrapper that is not a history gives
    nothing (the second pass reports it)."""
    at = At(source.path, source.place)
    if source.kind is not None:
        yield at, key_of(source), _checked(source.value, None, True)
        return
    try:
        value = obj(source.value, "status history")
        case_id = _case_of(value)
        content = opt_list(value.get("content"), "content")
    except ImportProblem:
        return
    for n, item in enumerate(content):
        here = at.within(f".content[{n}]")
        yield here, key_of(source, here.place), _checked(item, case_id, False)


def _checked(value: Any, case_id: str | None, table: bool) -> _Entry | ImportProblem:
    try:
        return _entry(value, case_id, table)
    except ImportProblem as exc:
        return exc


def _translate_all(items: Iterable[Source | InputError], index: _Index) -> Iterator[ImportItem]:
    warned: set[str] = set()
    for source in items:
        if isinstance(source, InputError):
            yield source
            continue
        at = At(source.path, source.place)
        if source.kind is None:
            try:
                value = obj(source.value, "status history")
                case_id = _case_of(value)
                content = opt_list(value.get("content"), "content")
            except ImportProblem as exc:
                yield from at.invalid(
                    f"not a SmartRecruiters status history ({exc}): expected "
                    '{"candidateId", "jobId", "content": [...]}, got ' + what(source.value)
                )
                continue
            if not content:
                yield from at.skipped("an empty status history")
            announced = index.announced.get(case_id, 0)
            found = index.found.get(case_id, 0)
            if announced > found and case_id not in warned:
                warned.add(case_id)
                yield at.warning(
                    f"case {case_id!r}: the input holds {found} of the "
                    f"{announced} status changes totalFound announces: pages are missing"
                )
                yield Partial(case_id, "pages of the status history are not in the export")
        for here, key, entry in _entries(source):
            yield from one(_events, entry, here, key, index)


def _events(entry: _Entry | ImportProblem, at: At, key: Key, index: _Index) -> list[ImportItem]:
    if isinstance(entry, ImportProblem):
        raise entry
    if key in index.repeated:
        return [Skip("a status change already read (overlapping pages)")]
    case, status = entry.case_id, entry.status
    out: list[ImportItem] = []
    start = index.starts.get(case)
    if start is not None and start[0] == key:
        out.extend(
            at.lacking(
                case,
                f"case {case!r}: the status history starts at {start[1]}, not NEW: when the "
                "application came in is not in the export",
                f"the status history starts at {start[1]}",
            )
        )
    event_id = f"sr-{case}-{entry.at.isoformat()}-{status}"
    attributes = {"sub_status": entry.sub_status} if entry.sub_status else {}

    def event(activity: str, **extra: Any) -> Event:
        return Event(
            case, activity, entry.at, event_id=extra.pop("event_id", event_id), attributes=extra
        )

    if status == "LEAD":
        out.append(Skip("a lead (considered for the job, not an application)"))
    elif status == "NEW" and key in index.received:
        out.append(event(A.APPLICATION_RECEIVED))
    elif key in index.screening:
        out.append(event(A.SCREENING_STARTED, status=status, **attributes))
    elif status in ("NEW", "IN_REVIEW", "INTERVIEW"):
        out.append(event(STAGE_CHANGED, stage=status, **attributes))
    elif status == "OFFERED":
        out.append(event(A.OFFER_MADE, **attributes))
    elif status == "HIRED":
        if case not in index.offered:
            out.append(
                at.warning(
                    f"case {case!r} was hired with no OFFERED status before it: the offer is "
                    "inferred from the hire"
                )
            )
            out.append(event(A.OFFER_MADE, event_id=f"{event_id}-offer", inferred="hired"))
        out.append(event(A.OFFER_ACCEPTED, **attributes))
    elif status == "REJECTED":
        out.append(event(A.REJECTED, **attributes))
    elif status == "WITHDRAWN":
        out.append(event(A.WITHDRAWN, **attributes))
    else:
        what_ = (
            "transferred to another job" if status == "TRANSFERRED" else "deleted by the company"
        )
        out.append(Skip(f"an application {what_}"))
        out.append(Partial(case, f"the application was {what_}: its end is not a decision"))
    return out
