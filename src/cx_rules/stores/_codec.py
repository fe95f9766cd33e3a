"""How the event stores split a case: a head row (state, clock, obligations, due items) and
one row per event, so that a save appends the new events instead of rewriting the case."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from ..case import Case, History
from ..events import Event
from ..exceptions import CaseFormatError, ConcurrentUpdate
from ..jsonforms import responsible_for
from ..serialize import FORMAT, FORMAT_VERSION, _event_dict, _obligation_dict, _time_text
from ..serialize import case_from_dict as _case_from_dict

__all__ = [
    "DueRow",
    "Head",
    "assemble",
    "due_key",
    "encode_events",
    "encode_head",
    "event_dicts",
    "has_token",
    "new_token",
    "obligation_dicts",
]

_FAR: Final = float("inf")


@attrs.frozen
class Head:
    """What a head row holds, encoded."""

    state: str
    next_due: float | None  # the earliest obligation's due time, as POSIX seconds
    data: str  # {"token", "clock", "obligations", "due": [...], "responsible"} as JSON


@attrs.frozen
class DueRow:
    """One due item read from a head row, without decoding the case's events."""

    case_id: str
    code: str
    key: str
    due: str
    due_at: float
    action: str
    expired: bool
    responsible: str | None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def encode_events(case: Case, start: int) -> list[str]:
    """The case's events from index ``start`` on, one JSON text each."""
    return [_dumps(e) for e in event_dicts(case, start)]


def event_dicts(case: Case, start: int) -> list[dict[str, Any]]:
    """The stored form of the case's events from index ``start`` on (read by index: slicing
    a long history would copy it)."""
    where = f"case {case.case_id!r}"
    events = case.events
    return [
        _event_dict(events[i], case.case_id, f"{where}: events[{i}]")
        for i in range(start, len(events))
    ]


def obligation_dicts(case: Case) -> list[dict[str, Any]]:
    """The stored form of the case's obligations, as :func:`cx_rules.serialize.case_to_dict`
    writes them, but finding each one's opening event without a scan of a long case: by its
    id, else from both ends of the case at once (recent events open most obligations)."""
    where = f"case {case.case_id!r}"
    found = []
    for i, o in enumerate(case.obligations):
        at = _opened_at(case.events, o.opened_by)
        if at is None:  # not one of the case's events, or only an equal one: serialize's rules
            found.append(_obligation_dict(o, case, f"{where}: obligations[{i}]"))
            continue
        alone = Case(case.case_id, case.state, (o.opened_by,))
        stored = _obligation_dict(o, alone, f"{where}: obligations[{i}]")
        stored["opened_by"] = at
        found.append(stored)
    return found


def _opened_at(events: Sequence[Event], event: Event) -> int | None:
    if isinstance(events, History) and event.event_id is not None:
        at = events.position(event.event_id)
        if at is not None and events[at] is event:
            return at
    n = len(events)
    for k in range((n + 1) // 2):
        if events[k] is event:
            return k
        if events[n - 1 - k] is event:
            return n - 1 - k
    return None


def encode_head(case: Case) -> Head:
    """The head row of ``case``."""
    where = f"case {case.case_id!r}"
    obligations = obligation_dicts(case)
    responsible = responsible_for(case.obligations[0], case.events) if case.obligations else None
    due = [
        [o.code, o.key, o.due.isoformat(), o.due.timestamp(), o.action, o.expired]
        for o in case.obligations
    ]
    next_due = min((o.due.timestamp() for o in case.obligations), default=None)
    data = {
        "token": new_token(),  # new at every save: what a store's cache of cases checks
        "clock": None if case.clock is None else _time_text(case.clock, f"{where}: clock"),
        "obligations": obligations,
        "due": due,
        "responsible": responsible,
    }
    return Head(case.state, next_due, _dumps(data))


def new_token() -> str:
    """A random token, written into a head row at every save."""
    return os.urandom(8).hex()


def has_token(head: str) -> bool:
    """Whether a head row holds a token (those written before tokens existed do not)."""
    return head.startswith('{"token":"')


def assemble(case_id: str, state: str, head: str, events: Iterable[str], where: str) -> Case:
    """The case from its head row and its event rows (in order)."""
    try:
        data = json.loads(head)
        parsed = [json.loads(e) for e in events]
    except ValueError as exc:
        raise CaseFormatError(f"{where}: case {case_id!r}: a row is not JSON ({exc})") from None
    stored = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "case_id": case_id,
        "state": state,
        "clock": data.get("clock"),
        "events": parsed,
        "obligations": data.get("obligations", []),
    }
    try:
        return _case_from_dict(stored)
    except CaseFormatError as exc:
        raise CaseFormatError(f"{where}: {exc}") from None


def due_rows(case_id: str, head: str) -> list[DueRow]:
    """The due items of one head row."""
    data = json.loads(head)
    responsible = data.get("responsible")
    return [
        DueRow(case_id, code, key, due, at, action, expired, responsible)
        for code, key, due, at, action, expired in data.get("due", [])
    ]


def due_key(row: DueRow) -> tuple[float, str, str, str]:
    """The order of a due list: soonest first, then case id, rule code and key."""
    return (row.due_at, row.case_id, row.code, row.key)


def select_due(
    rows: Iterable[DueRow], now: datetime, horizon: datetime, after: Sequence[Any] | None
) -> list[tuple[DueRow, bool]]:
    """The rows due by ``horizon`` (or overdue at ``now``), sorted, after the cursor ``after``."""
    now_s, horizon_s = now.timestamp(), horizon.timestamp()
    chosen = [
        (r, r.expired or r.due_at < now_s)
        for r in rows
        if r.expired or r.due_at < now_s or r.due_at <= horizon_s
    ]
    chosen.sort(key=lambda pair: due_key(pair[0]))
    if after is not None:
        mark = (float(after[0]), str(after[1]), str(after[2]), str(after[3]))
        chosen = [pair for pair in chosen if due_key(pair[0]) > mark]
    return chosen


def check_version(version: int) -> None:
    """``version`` is 0 (a new case) or a version a load returned."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValueError(
            f"expected_version: expected 0 (a new case) or the version load returned, "
            f"got {version!r}"
        )


def check_unchanged(case: Case, unchanged: int | None) -> int:
    """How many leading events a save may keep: ``unchanged`` checked, 0 when ``None``."""
    if unchanged is None:
        return 0
    if isinstance(unchanged, bool) or not isinstance(unchanged, int) or unchanged < 0:
        raise ValueError(f"unchanged: expected a count of events >= 0, got {unchanged!r}")
    return min(unchanged, len(case.events))


def conflict(case_id: str, expected: int, actual: int) -> ConcurrentUpdate:
    """The error of a lost race."""
    return ConcurrentUpdate(case_id, expected, actual)


FAR = _FAR
