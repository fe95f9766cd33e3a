"""A sentinel value in every field of every input: what ``test_hostile_corpus.py`` feeds to
each reader, each importer and the service, to show that no output quotes it.

``SENTINEL`` stands for whatever personal data a misaligned export puts in a field: a name,
an e-mail address, a stage called "Call with Anna".  Each builder here writes inputs that
carry it (alone, or around a valid timestamp) in one field at a time; the tests read them and
look for it in every error, warning, skip reason, partial reason, report format and reply.
Ids (case, event, actor) are shown by design, so they are checked through ``redact``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

SENTINEL = "SECRET-7f3a"
#: The forms the sentinel takes in a field: alone, and glued to a valid timestamp (so that a
#: message quoting "the bad part" of a time would still show it).
FORMS = (SENTINEL, f"2026-03-09T09:00:00+01:00 {SENTINEL}")
#: Times outside the calendar, in every form a timestamp field may take.
OFF_CALENDAR = (
    "0000-01-01T00:00:00Z",
    "2026-13-01T09:00:00Z",
    "2026-03-02T24:00:00Z",
    "2026-03-02T23:59:60Z",
    "2026-02-30T09:00:00Z",
)

AT = "2026-03-02T09:00:00+01:00"
LATER = "2026-03-09T09:00:00+01:00"
#: The fields of a canonical event and the attributes cx-rules knows (every kind), plus
#: message text and a company's own attribute.
FIELDS = (
    "case_id",
    "activity",
    "timestamp",
    "event_id",
    "actor",
    "channel",
    "text",
    "reason",
    "thanked",
    "delay_minutes",
    "scheduled_for",
    "started_at",
    "items",
    "stage",
)
#: The fields that are ids: shown by default, replaced by pseudonyms under ``--redact``.
IDS = frozenset({"case_id", "event_id", "actor"})


def events_with(field: str, value: str) -> list[dict[str, str]]:
    """Two events of case ``c1``: a good one, and a rejection with ``field`` set to
    ``value``."""
    hostile = {"case_id": "c1", "activity": "rejected", "timestamp": LATER, field: value}
    return [{"case_id": "c1", "activity": "application_received", "timestamp": AT}, hostile]


def jsonl(events: list[dict[str, str]]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)


def csv_text(events: list[dict[str, str]]) -> str:
    columns = list(dict.fromkeys(k for e in events for k in e))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(events)
    return out.getvalue()


# How XES names the canonical fields (the rest are string attributes of the event).
_XES_KEYS = {
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "actor": "org:resource",
    "event_id": "identity:id",
}


def xes(events: list[dict[str, str]]) -> str:
    traces: dict[str, list[str]] = {}
    for event in events:
        parts = []
        for key, value in event.items():
            if key == "case_id":
                continue
            tag = "date" if key == "timestamp" else "string"
            parts.append(
                f"<{tag} key={quoteattr(_XES_KEYS.get(key, key))} value={quoteattr(value)}/>"
            )
        traces.setdefault(event["case_id"], []).append("<event>" + "".join(parts) + "</event>")
    body = "".join(
        f'<trace><string key="concept:name" value={quoteattr(case)}/>{"".join(items)}</trace>\n'
        for case, items in traces.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n{body}</log>\n'


def ocel(events: list[dict[str, str]]) -> str:
    objects = sorted({e["case_id"] for e in events})
    shown = []
    for n, event in enumerate(events, 1):
        extra = {"case_id", "activity", "timestamp", "event_id"}
        shown.append(
            {
                "id": event.get("event_id", f"e{n}"),
                "type": event["activity"],
                "time": event["timestamp"],
                "attributes": [{"name": k, "value": v} for k, v in event.items() if k not in extra],
                "relationships": [{"objectId": event["case_id"], "qualifier": "applicant"}],
            }
        )
    document = {
        "objectTypes": [{"name": "application", "attributes": []}],
        "eventTypes": [],
        "objects": [{"id": o, "type": "application"} for o in objects],
        "events": shown,
    }
    return json.dumps(document, ensure_ascii=False)


#: Each reader: the file name it reads and how a log of events is written for it.
READERS: dict[str, tuple[str, Callable[[list[dict[str, str]]], str]]] = {
    "jsonl": ("log.jsonl", jsonl),
    "csv": ("log.csv", csv_text),
    "xes": ("log.xes", xes),
    "ocel": ("log.json", ocel),
}


# -- the importers' fixture exports, a field at a time ------------------------------------------

IMPORTERS = Path(__file__).resolve().parent / "importers" / "data"
#: Each fixture export of a built-in importer: the importer, and the export's folder.
EXPORTS = {
    "greenhouse": ("greenhouse", "greenhouse"),
    "lever": ("lever", "lever"),
    "merge": ("merge", "merge"),
    "odoo-api": ("odoo", "odoo/api"),
    "odoo-export": ("odoo", "odoo/export"),
    "smartrecruiters": ("smartrecruiters", "smartrecruiters"),
    "teamtailor": ("teamtailor", "teamtailor"),
    "workable": ("workable", "workable"),
}
# A field that holds an id: shown by design (the case ids an importer builds come from them).
_ID_KEY = re.compile(r"(^|_)ids?$|[a-z]Ids?$|^(type|ocel:.*)$")
# Odoo's export writes a related record's display name under its field (stage_id is "First
# Interview", partner_id the candidate's name) and the ids under ".id": only those are ids.
_ID_KEYS = {"odoo-export": re.compile(r"(^|/)\.id$|^res_id$")}


#: Fields that refer to another record by its id under the record's name (Merge's
#: ``application``, ``candidate``, ``interview``, ``reject_reason``; Lever's feedback's
#: ``interview`` and archive's ``reason``): ids, shown by design.
_REFERENCES = frozenset({"application", "candidate", "interview", "reject_reason"})
_ID_PATHS = frozenset({("data", "*", "archived", "reason")})


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    # The paths of the string leaves of a JSON value, list indices written as "*".
    if isinstance(value, _Broken):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, (*path, "*"))
    elif isinstance(value, str):
        yield path


def _replace(value: Any, path: tuple[str, ...], by: str | Callable[[str], str]) -> Any:
    if not path:
        if not isinstance(value, str):
            return value
        return by if isinstance(by, str) else by(value)
    head, rest = path[0], path[1:]
    if isinstance(value, _Broken):
        return value
    if head == "*" and isinstance(value, list):
        return [_replace(item, rest, by) for item in value]
    if isinstance(value, dict) and head in value:
        return {**value, head: _replace(value[head], rest, by)}
    return value


class _Broken(str):
    """A line of a fixture that is not JSON on purpose: written back as it was."""


def _json_values(text: str, lines: bool) -> list[Any]:
    if not lines:
        return [json.loads(text)]
    values: list[Any] = []
    for line in text.splitlines():
        try:
            values.append(json.loads(line))
        except ValueError:
            values.append(_Broken(line))
    return values


def _written(values: list[Any], lines: bool) -> str:
    if lines:
        return "".join(
            (v if isinstance(v, _Broken) else json.dumps(v, ensure_ascii=False)) + "\n"
            for v in values
        )
    return json.dumps(values[0], ensure_ascii=False)


_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)([T ])(\d\d):(\d\d):(\d\d)")
#: How a vendor's time is put outside the calendar, keeping the rest of its form: the year 0,
#: month 13, hour 24, a leap second, 30 February.
OFF_CALENDAR_EDITS: tuple[Callable[[str], str], ...] = (
    lambda t: _TIME.sub(r"0000-\2-\3\4\5:\6:\7", t),
    lambda t: _TIME.sub(r"\1-13-\3\4\5:\6:\7", t),
    lambda t: _TIME.sub(r"\1-\2-\3\g<4>24:00:00", t),
    lambda t: _TIME.sub(r"\1-\2-\3\g<4>23:59:60", t),
    lambda t: _TIME.sub(r"\1-02-30\4\5:\6:\7", t),
)


def _is_time(value: Any) -> bool:
    return isinstance(value, str) and _TIME.match(value) is not None


def _at(value: Any, path: tuple[str, ...]) -> Iterator[Any]:
    # The values at ``path`` ("*" for every item of a list).
    if not path:
        yield value
    elif path[0] == "*" and isinstance(value, list):
        for item in value:
            yield from _at(item, path[1:])
    elif isinstance(value, dict) and path[0] in value:
        yield from _at(value[path[0]], path[1:])


def time_variants(
    system: str, folder: Path, edit: Callable[[str], str]
) -> Iterator[tuple[str, list[str]]]:
    """Copies of ``system``'s fixture export, each with every time of one field (one that
    holds ``YYYY-MM-DD HH:MM:SS`` text) changed by ``edit``."""
    yield from export_variants(system, folder, edit, _is_time)


def export_variants(
    system: str,
    folder: Path,
    by: str | Callable[[str], str] = SENTINEL,
    only: Callable[[Any], bool] = lambda value: True,
) -> Iterator[tuple[str, list[str]]]:
    """Copies of ``system``'s fixture export in ``folder``, each with the sentinel (or what
    ``by`` makes of the value) in every occurrence of one field that is not an id (a JSON
    path, or a CSV column) and whose first value passes ``only``; yields the field's name
    and the copy's files."""
    source = IMPORTERS / EXPORTS[system][1]
    ids = _ID_KEYS.get(system, _ID_KEY)
    names = sorted(p.name for p in source.iterdir())
    for name in names:
        text = (
            (source / name).read_text("utf-8")
            if name.endswith((".json", ".jsonl", ".csv"))
            else None
        )
        if text is None:
            continue
        if name.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(text)))
            fields = [
                (c,)
                for c in (rows[0] if rows else {})
                if not ids.search(c) and any(only(r[c]) for r in rows)
            ]
        else:
            lines = name.endswith(".jsonl")
            values = _json_values(text, lines)
            fields = sorted({p for v in values for p in _leaves(v)})
            fields = [
                p
                for p in fields
                if p
                and not ids.search(p[-1])
                and p not in _ID_PATHS
                and p[-1] not in _REFERENCES
                and any(only(x) for v in values for x in _at(v, p))
            ]
        for field in fields:
            copy = folder / f"{system}-{len(list(folder.iterdir()))}"
            shutil.copytree(source, copy)
            if name.endswith(".csv"):
                changed = [
                    {**r, field[0]: by if isinstance(by, str) else by(r[field[0]])} for r in rows
                ]
                out = io.StringIO()
                writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(changed)
                (copy / name).write_text(out.getvalue(), "utf-8")
            else:
                changed_values = [_replace(v, field, by) for v in values]
                (copy / name).write_text(_written(changed_values, lines), "utf-8")
            yield f"{name}:{'.'.join(field)}", sorted(str(p) for p in copy.iterdir())
