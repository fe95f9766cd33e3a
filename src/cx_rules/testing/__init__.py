"""Tools for testing rules, built-in or from a plugin: scenarios in a few lines.

Example::

    from cx_rules.testing import events, findings_of, run

    found = run(engine, events(
        '{"case_id": "c1", "activity": "application_received", "timestamp": "2026-03-02T09:00:00+01:00"}',
    ), as_of="2026-03-09T00:00:00+01:00")
    assert [f.outcome for f in findings_of(found, "CX401")] == ["violated"]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from ..case import Case
from ..engine import Engine
from ..events import Event, parse_timestamp
from ..findings import Finding, Outcome
from ..io.native import event_from_dict

__all__ = ["event", "events", "findings_of", "outcomes", "run"]


def event(case_id: str, activity: str, timestamp: str | datetime, **attributes: object) -> Event:
    """An event in one line; ``channel``, ``actor`` and ``event_id`` may be given as keywords."""
    data: dict[str, object] = {
        "case_id": case_id,
        "activity": activity,
        "timestamp": timestamp.isoformat() if isinstance(timestamp, datetime) else timestamp,
    }
    data.update(attributes)
    return event_from_dict(data)


def events(*lines: str) -> list[Event]:
    """Events from native JSON lines, as in the rule documentation's examples."""
    return [event_from_dict(json.loads(line)) for line in lines if line.strip()]


def run(
    engine: Engine, stream: Iterable[Event], *, as_of: str | datetime | None = None
) -> list[Finding]:
    """Record ``stream`` (any number of cases, in time order per case) and return every finding.

    With ``as_of``, each case is finished at that moment, so deadlines past it become
    violations and the rest pending.
    """
    cases: dict[str, Case] = {}
    found: list[Finding] = []
    for e in stream:
        case = cases.get(e.case_id) or engine.start(e.case_id)
        case, step = engine.record(case, e)
        cases[e.case_id] = case
        found.extend(step)
    if as_of is not None:
        cut = parse_timestamp(as_of, where="as_of")
        for case in cases.values():
            found.extend(engine.finish(case, cut).findings)
    return found


def findings_of(
    found: Iterable[Finding], code: str, *, outcome: Outcome | None = None
) -> list[Finding]:
    """The findings of rule ``code`` (optionally only those with ``outcome``)."""
    return [f for f in found if f.code == code and (outcome is None or f.outcome == outcome)]


def outcomes(found: Iterable[Finding], code: str) -> list[str]:
    """The outcomes of rule ``code``'s findings, in order, as strings: easy to assert."""
    return [f.outcome.value for f in found if f.code == code]
