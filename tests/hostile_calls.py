"""The corpus's ``[[call]]`` entries: hostile use of the Python API, each a function here.

Each function does what a hostile (or careless) caller would and returns what came of it as
text: the exception's type and message, or the outcome.  ``manifest.toml`` states that text
exactly; ``test_hostile_corpus.py`` compares.  ``tmp`` is a fresh directory.
"""

from __future__ import annotations

import math
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cx_rules import EVERY_ACTIVITY, Engine, Event, Policy, Rule, Severity, Step, hookimpl
from cx_rules.exceptions import CaseFormatError, CxRulesError
from cx_rules.plugins import plugin_manager
from cx_rules.store import SQLiteCaseStore, record_in

CALLS: dict[str, Callable[[Path], str]] = {}
AT = "2026-03-02T09:00:00+01:00"


def call(function: Callable[[Path], str]) -> Callable[[Path], str]:
    CALLS[function.__name__] = function
    return function


def _error(run: Callable[[], object]) -> str:
    try:
        run()
    except (Exception, SystemExit) as exc:
        return f"{type(exc).__name__}: {exc}"
    return "no error"


def _engine(*rules: type[Rule], policy: Policy | None = None) -> Engine:
    class Plugin:
        @hookimpl
        def cx_rules_rules(self) -> Sequence[type[Rule]]:
            return rules

    pm = plugin_manager(autoload=False)
    pm.register(Plugin(), name="hostile")
    return Engine(policy or Policy(), plugins=pm, guard=False)


# -- the ends of the calendar ----------------------------------------------------------------


@call
def event_at_the_start_of_the_calendar(tmp: Path) -> str:
    return _error(lambda: Event("c1", "application_received", "0001-01-01T00:00:00+01:00"))


@call
def event_at_the_end_of_the_calendar(tmp: Path) -> str:
    return _error(lambda: Event("c1", "application_received", "9999-12-31T23:00:00-01:00"))


@call
def record_the_last_day_in_a_zone_ahead_of_utc(tmp: Path) -> str:
    # The last instant every zone can show, recorded under a policy 14 hours ahead of UTC:
    # the deadline rules cannot place their due dates, and say so (CX000), nothing raises.
    engine = Engine(Policy(timezone="Pacific/Kiritimati", select=["CX0", "CX401"]))
    event = Event("c1", "application_received", "9999-12-30T23:59:59+00:00")
    recorded = engine.record(engine.start("c1"), event)
    return ", ".join(f"{f.code} {f.outcome.value}" for f in recorded.findings)


# -- values given to Event -------------------------------------------------------------------


@call
def event_validator_given_a_whole_record(tmp: Path) -> str:
    # A careless caller passes the message text where the case id goes.
    message = {"text": "Kære Birgitte, tak for din ansøgning. Venlig hilsen"}
    return _error(lambda: Event(message, "rejected", AT))  # type: ignore[arg-type]


@call
def event_validator_given_text_for_the_actor(tmp: Path) -> str:
    return _error(lambda: Event("c1", "rejected", AT, actor=b"Birgitte Hansen"))  # type: ignore[arg-type]


# -- event identity --------------------------------------------------------------------------


def _retry(first: object, second: object) -> str:
    engine = Engine(Policy(select=["CX0"]))
    one = Event("c1", "application_received", AT, event_id="e1", attributes={"score": first})
    two = Event("c1", "application_received", AT, event_id="e1", attributes={"score": second})
    case = engine.record(engine.start("c1"), one).case
    try:
        recorded = engine.record(case, two)
    except CxRulesError as exc:
        return f"{type(exc).__name__}: {exc}"
    return f"duplicate={recorded.duplicate}, events={len(recorded.case.events)}"


@call
def retry_with_nan(tmp: Path) -> str:
    return _retry(math.nan, float("nan"))


@call
def retry_with_true_then_1(tmp: Path) -> str:
    return _retry(True, 1)


@call
def retry_with_keys_in_another_order(tmp: Path) -> str:
    return _retry({"a": 1, "b": [2.5]}, {"b": [2.5], "a": 1})


# -- rules that misbehave --------------------------------------------------------------------


class Writes(Rule):
    code = "BAD901"
    name = "writes-attributes"
    practice = "process"
    severity = Severity.WARNING
    activities = frozenset({EVERY_ACTIVITY})
    summary = "Writes to the event it is shown."

    def on_event(self, step: Step) -> None:
        step.event.attributes["reason"] = "overwritten"  # type: ignore[index]


class WritesNested(Writes):
    code = "BAD902"
    name = "writes-nested-attributes"

    def on_event(self, step: Step) -> None:
        step.event.attributes["items"].append({"area": "x"})


class Exits(Rule):
    code = "BAD903"
    name = "exits"
    practice = "process"
    severity = Severity.WARNING
    activities = frozenset({EVERY_ACTIVITY})
    summary = "Calls sys.exit(0) on every event."

    def on_event(self, step: Step) -> None:
        sys.exit(0)


@call
def rules_that_write_to_the_event(tmp: Path) -> str:
    engine = _engine(Writes, WritesNested, policy=Policy(select=["CX0", "BAD"]))
    event = Event(
        "c1", "application_received", AT, attributes={"reason": "given", "items": [{"a": 1}]}
    )
    recorded = engine.record(engine.start("c1"), event)
    errors = sorted(f.message for f in recorded.findings if f.code == "CX000")
    return " | ".join([*errors, f"caller's attributes: {dict(event.attributes)}"])


@call
def rule_that_calls_sys_exit(tmp: Path) -> str:
    engine = _engine(Exits, policy=Policy(select=["CX0", "BAD"]))
    recorded = engine.record(engine.start("c1"), Event("c1", "application_received", AT))
    return " | ".join(f.message for f in recorded.findings if f.code == "CX000")


# -- the case store --------------------------------------------------------------------------


@call
def store_a_case_id_with_a_lone_surrogate(tmp: Path) -> str:
    engine = Engine(Policy(select=["CX0"]))
    with SQLiteCaseStore(tmp / "cases.db") as store:
        event = Event("c\ud800", "application_received", AT)
        return _error(lambda: record_in(store, engine, event)).replace(str(tmp), "{tmp}")


@call
def open_a_damaged_database(tmp: Path) -> str:
    path = tmp / "cases.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    return _error(lambda: SQLiteCaseStore(path)).replace(str(tmp), "{tmp}")


@call
def open_a_text_file_as_a_database(tmp: Path) -> str:
    path = tmp / "notes.txt"
    path.write_text("Venlig hilsen\n" * 200, encoding="utf-8")
    return _error(lambda: SQLiteCaseStore(path)).replace(str(tmp), "{tmp}")


@call
def open_another_programs_database(tmp: Path) -> str:
    path = tmp / "ats.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE cx_cases (id INTEGER PRIMARY KEY, candidate TEXT)")
    db.commit()
    db.close()
    return _error(lambda: SQLiteCaseStore(path)).replace(str(tmp), "{tmp}")


@call
def list_cases_past_bad_rows(tmp: Path) -> str:
    path = tmp / "cases.db"
    engine = Engine(Policy(select=["CX0"]))
    with SQLiteCaseStore(path) as store:
        for case_id in ("c1", "c2", "c3", "c4"):
            record_in(store, engine, Event(case_id, "application_received", AT))
    db = sqlite3.connect(path)
    db.execute("UPDATE cx_cases SET data = '{\"format\": 1, \"case_id\": ' WHERE case_id = 'c2'")
    db.execute("UPDATE cx_cases SET version = 'two' WHERE case_id = 'c3'")
    db.commit()
    db.close()
    with SQLiteCaseStore(path) as store:
        errors: list[CaseFormatError] = []
        read = [case.case_id for case in store.cases(errors=errors)]
        given: list[str] = []

        def without_a_list() -> None:
            given.extend(case.case_id for case in store.cases())

        raised = _error(without_a_list)
    lines = [f"read {read}", *(str(e) for e in errors), f"without a list: {given}; {raised}"]
    return " | ".join(lines).replace(str(tmp), "{tmp}")


# -- DataFrames ------------------------------------------------------------------------------


@call
def dataframe_error_names_its_index_label(tmp: Path) -> str:
    import pandas as pd

    from cx_rules.auditing import audit
    from cx_rules.io import read_dataframe
    from cx_rules.report import redact

    frame = pd.DataFrame(
        {"case_id": ["c1", "c2"], "activity": ["application_received", ""], "timestamp": [AT, AT]},
        index=["ok", "Birgitte Hansen, født 01.01.1990, cpr 010190-1234"],
    )
    report = audit(list(read_dataframe(frame)), policy=Policy(select=["CX0"]))
    hidden = redact(report, "salt")
    return " | ".join(str(e) for e in (*report.errors, *hidden.errors))


@call
def advance_and_audit_past_the_calendar(tmp: Path) -> str:
    from datetime import datetime, timedelta, timezone

    from cx_rules.auditing import audit

    engine = Engine(Policy(select=["CX0", "CX401"]))
    case = engine.record(engine.start("c1"), Event("c1", "application_received", AT)).case
    late = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-1)))
    return " | ".join(
        [
            _error(lambda: engine.advance(case, late)),
            _error(lambda: audit([Event("c1", "application_received", AT)], as_of=late)),
        ]
    )
