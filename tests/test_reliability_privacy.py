"""Privacy: a log full of distinctive personal data, in every input format, audited with every
rule; no report format, log record, exception message or command output shows any of its
message text, and with ``--redact`` none of its ids either.

``test_report_privacy.py`` checks the bundled sample; this goes further: every format in,
every format out, errors and exceptions included.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cx_rules import (
    CxRulesError,
    Engine,
    Event,
    Policy,
)
from cx_rules.auditing import audit
from cx_rules.io import write_csv, write_jsonl, write_ocel, write_xes
from cx_rules.report import FORMATS, redact, render

CET = timezone(timedelta(hours=1))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CET)

# What a recruiter wrote to or about a candidate: each piece is distinctive, so that finding
# it anywhere in an output is certain to be a leak, never a coincidence.
MESSAGES = {
    "text": "Kære Ingeborg Skovgaard-Petersen, tak for din ansøgning til stillingen.",
    "reason": "Ingeborgs referencer fra Vestas var utilstrækkelige (tlf. +45 61 72 83 94)",
    "feedback": "Feedback: du virkede usikker om løngrundlaget, CPR 240587-3918",
    "notes": "Intern note: kandidaten bor på Rosenvængets Allé 31, 2100 Kbh Ø",
    "email": "ingeborg.skovgaard@postkasse.example",
}
# Ids that are personal data too: shown by default, hidden by --redact.
CASE_IDS = ("ingeborg-skovgaard-1987", "mads.kjeldgaard.1991", "aisha-rahimi-2000")
ACTORS = ("lisbeth.oestergaard", "torben.vinther")
PIECES = [*MESSAGES.values(), "Skovgaard-Petersen", "240587-3918", "Rosenvængets", "61 72 83 94"]

STEPS = (
    ("application_received", {}),
    ("application_acknowledged", {"text": MESSAGES["text"]}),
    ("screening_started", {"notes": MESSAGES["notes"]}),
    ("interview_scheduled", {"interview_id": "i1", "text": MESSAGES["text"]}),
    ("interview_held", {"interview_id": "i1", "notes": MESSAGES["notes"]}),
    ("question_received", {"question_id": "q1", "text": MESSAGES["email"]}),
    (
        "rejected",
        {"reason": MESSAGES["reason"], "text": MESSAGES["text"], "thanked": False},
    ),
    ("feedback_requested", {"text": MESSAGES["feedback"]}),
    ("feedback_given", {"text": MESSAGES["feedback"], "items": [MESSAGES["reason"]]}),
)


def _events() -> list[Event]:
    events = []
    for n, case_id in enumerate(CASE_IDS):
        for step, (activity, attributes) in enumerate(STEPS[: 5 + 2 * n]):
            events.append(
                Event(
                    case_id,
                    activity,
                    START + timedelta(days=step * 3 + n, hours=step),
                    event_id=f"{case_id}-{step}",
                    actor=ACTORS[step % 2],
                    channel="email" if step % 3 else "phone",
                    attributes={"job_id": "J-7", **attributes},
                )
            )
    return events


def _broken_jsonl(path: Path) -> None:
    """Records that fail, each carrying personal data in the field that fails."""
    lines = [
        {"case_id": CASE_IDS[0], "activity": "rejected", "timestamp": MESSAGES["reason"]},
        {
            "case_id": CASE_IDS[0],
            "activity": "rejected",
            "timestamp": "2026-03-20T09:00:00+01:00",
            "thanked": MESSAGES["text"],
        },
        {
            "case_id": CASE_IDS[1],
            "activity": "rejected",
            "timestamp": "2026-03-20T09:00:00+01:00",
            "scheduled_for": MESSAGES["notes"],
        },
        {"case_id": CASE_IDS[1], "activity": "rejected", "timestamp": "2026-03-20T09:00:00"},
    ]
    with path.open("a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        handle.write('{"case_id": "' + MESSAGES["feedback"] + '", "activity": \n')


WRITERS = {
    "log.jsonl": write_jsonl,
    "log.csv": write_csv,
    "log.xes": write_xes,
    "log.json": write_ocel,
}


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("personal")
    paths = {}
    for name, write in WRITERS.items():
        path = folder / name
        write(_events(), path)
        paths[name] = path
    _broken_jsonl(paths["log.jsonl"])
    return paths


def _leaks(text: str, pieces: list[str]) -> list[str]:
    return [p for p in pieces if p in text]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_no_report_format_shows_message_text(
    name: str, logs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        report = audit(logs[name], group_by="actor")

    assert report.input.events == len(_events())
    outputs = {format: render(report, format) for format in FORMATS}
    assert {f: _leaks(out, PIECES) for f, out in outputs.items()} == {f: [] for f in FORMATS}
    assert _leaks(" ".join(r.getMessage() for r in caplog.records), PIECES) == []
    # The ids are there, so the scan would have found the messages had they been there.
    assert CASE_IDS[0] in outputs["json"]


def test_errors_about_personal_data_do_not_quote_it(logs: dict[str, Path]) -> None:
    report = audit(logs["log.jsonl"])

    assert report.input.rejected == 5
    messages = " ".join(str(e) for e in report.errors)
    assert _leaks(messages, PIECES) == []


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_redacted_reports_show_no_id_either(name: str, logs: dict[str, Path]) -> None:
    report = redact(audit(logs[name], group_by="actor"), "a salt of our own")

    outputs = {format: render(report, format) for format in FORMATS}

    ids = [*PIECES, *CASE_IDS, *ACTORS, f"{CASE_IDS[0]}-1"]
    assert {f: _leaks(out, ids) for f, out in outputs.items()} == {f: [] for f in FORMATS}


def _live_errors() -> Iterator[CxRulesError]:
    """Every error the live API raises while recording the log in ways it refuses."""
    enforcing = Engine(Policy(enforce=("ALL",)), guard=True)
    strict = Engine(Policy(), strict=True)
    for engine in (enforcing, strict):
        cases: dict[str, object] = {}
        for event in _events():
            case = cases.get(event.case_id) or engine.start(event.case_id)
            try:
                case = engine.record(case, event).case  # type: ignore[arg-type]
            except CxRulesError as exc:
                yield exc
            cases[event.case_id] = case
    received = Engine().start(CASE_IDS[0])
    first = Event(CASE_IDS[0], "application_received", START, event_id="e1")
    received = Engine().record(received, first).case
    clash = Event(CASE_IDS[0], "application_received", START, event_id="e1", attributes=MESSAGES)
    illegal = Event(CASE_IDS[2], "offer_accepted", START, attributes=MESSAGES)
    for attempt in (
        lambda: strict.record(strict.start(CASE_IDS[2]), illegal),
        lambda: Engine().record(received, clash),
        lambda: Engine().record(received, Event(CASE_IDS[1], "rejected", START)),
        lambda: Engine().record(received, Event(CASE_IDS[0], "rejected", START - timedelta(1))),
    ):
        try:
            attempt()
        except CxRulesError as exc:
            yield exc


def test_exceptions_of_the_live_api_do_not_quote_message_text() -> None:
    errors = list(_live_errors())

    kinds = {type(e).__name__ for e in errors}
    assert {"PolicyViolation", "TransitionNotAllowed", "EventConflict", "CaseMismatch"} <= kinds
    assert [
        (type(e).__name__, _leaks(str(e), PIECES)) for e in errors if _leaks(str(e), PIECES)
    ] == []


def test_the_command_line_prints_no_message_text(logs: dict[str, Path], tmp_path: Path) -> None:
    env = {**os.environ, "CX_RULES_DISABLE_PLUGIN_AUTOLOAD": "1", "CX_RULES_SALT": "pepper"}
    runs = [
        [str(logs["log.jsonl"]), "--format", "text"],
        [str(logs["log.xes"]), "--format", "csv", "--redact"],
        [str(logs["log.jsonl"]), "--strict"],
        [str(tmp_path / "missing.jsonl")],
    ]
    seen = []
    for args in runs:
        result = subprocess.run(
            [sys.executable, "-m", "cx_rules", "audit", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        seen.append((result.returncode, _leaks(result.stdout + result.stderr, PIECES)))

    assert seen == [(0, []), (0, []), (2, []), (2, [])]
