"""The fast paths give what the general paths give.

Each speed-up of the audit has a short way and the long way it replaces; these tests hold the
two side by side on drawn input: the calendar's memos and shortcut against the plain
day-by-day count, the readers' event building against the checked constructor, orjson
against the standard JSON parser, and the audit's counting of passes against the findings
the public replay returns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import (
    Engine,
    Event,
    EventConflict,
    InvalidEvent,
    NaiveTimestamp,
    Outcome,
    Policy,
    Severity,
    audit,
)
from cx_rules.calendar import BusinessCalendar
from cx_rules.events import _event
from cx_rules.findings import Finding
from cx_rules.io._build import LIFECYCLE, build_event, build_plain
from cx_rules.io.jsonl import _parser
from cx_rules.io.kinds import coerce, parse_moment
from cx_rules.io.mapping import LogMapping
from cx_rules.io.native import FIELDS, event_from_dict
from cx_rules.io.stream import Outline, Skip
from cx_rules.plugins import plugin_manager
from cx_rules.report import Collector, score
from cx_rules.report.collect import _in_order, _tallies, finding_sort_key
from cx_rules.report.model import ReportFinding
from cx_rules.rule import Rule
from cx_rules.rules.builtin import cx_rules_rules
from cx_rules.step import Step
from cx_rules.testing.strategies import moments, native_records, unruly_sequences


class _Shifty(tzinfo):
    """A zone cx-rules knows nothing about: +01:00 in winter, +02:00 from April to October,
    switching at 02:00 local time, with no notion of ``fold``."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        assert dt is not None
        summer = 4 <= dt.month <= 9 or (dt.month == 10 and dt.day < 25)
        return timedelta(hours=2 if summer else 1)

    def dst(self, dt: datetime | None) -> timedelta:
        return self.utcoffset(dt) - timedelta(hours=1)

    def tzname(self, dt: datetime | None) -> str:
        return "shifty"


ZONES: tuple[tzinfo, ...] = (
    ZoneInfo("UTC"),
    ZoneInfo("Europe/Copenhagen"),
    ZoneInfo("America/Santiago"),
    ZoneInfo("Australia/Lord_Howe"),
    timezone(timedelta(hours=5, minutes=30)),
    _Shifty(),
)


# -- the calendar ------------------------------------------------------------------------
# The reference is the calendar as it was before its memos and shortcut: every day asked,
# every deadline converted to UTC and back.


def _ref_business(cal: BusinessCalendar, day: date) -> bool:
    if day.weekday() not in cal.workdays or day in cal.holidays:
        return False
    return cal.extra_holidays is None or day not in cal.extra_holidays


def _ref_next(cal: BusinessCalendar, day: date) -> date:
    for offset in range(1, 367):
        candidate = day + timedelta(days=offset)
        if _ref_business(cal, candidate):
            return candidate
    raise ValueError("no business day")


def _ref_at(cal: BusinessCalendar, day: date, clock: time) -> datetime:
    zone = cal.timezone
    moment = datetime.combine(day, clock, tzinfo=zone)
    instant = moment.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == moment.replace(tzinfo=None):
        return instant.astimezone(zone)
    return moment.replace(fold=0).astimezone(UTC).astimezone(zone)


def _ref_add_days(cal: BusinessCalendar, start: datetime, days: int) -> datetime:
    local = start.astimezone(cal.timezone)
    return _ref_at(cal, local.date() + timedelta(days=days), local.time())


def _ref_add_business_days(cal: BusinessCalendar, start: datetime, days: int) -> datetime:
    local = start.astimezone(cal.timezone)
    day, clock = local.date(), local.time()
    if not _ref_business(cal, day):
        day, clock = _ref_next(cal, day), time(0)
    for _ in range(days):
        day = _ref_next(cal, day)
    return _ref_at(cal, day, clock)


def _exactly(moment: datetime) -> tuple[object, ...]:
    # Equal datetimes may still differ in what a report shows: compare every part.
    return (moment.isoformat(), moment.fold, moment.tzinfo, moment.astimezone(UTC))


CALENDARS = [
    BusinessCalendar(timezone=zone, holidays=[date(2026, 4, 3), date(2026, 12, 25)])
    for zone in ZONES
]


@given(
    st.sampled_from(CALENDARS),
    moments(),
    st.integers(min_value=0, max_value=40),
)
def test_deadlines_are_those_of_the_day_by_day_count(
    cal: BusinessCalendar, start: datetime, days: int
) -> None:
    try:
        expected = [
            _exactly(_ref_add_days(cal, start, days)),
            _exactly(_ref_add_business_days(cal, start, days)),
        ]
    except (OverflowError, ValueError):
        return  # beyond what datetime holds: not what this test is about
    # Twice: the second answer comes from the memo.
    for _ in range(2):
        assert expected == [
            _exactly(cal.add_days(start, days)),
            _exactly(cal.add_business_days(start, days)),
        ]


@pytest.mark.parametrize("cal", CALENDARS, ids=lambda c: str(c.timezone))
def test_deadlines_around_the_clock_changes_of_2026_match_the_day_by_day_count(
    cal: BusinessCalendar,
) -> None:
    # Every quarter of an hour of the days around the changes of 2026 in these zones (Europe
    # in March and October, Chile in April and September, Lord Howe in April and October).
    expected, actual = [], []
    windows = [(date(2026, 3, 26), 13), (date(2026, 9, 3), 6), (date(2026, 10, 1), 6)]
    windows.append((date(2026, 10, 22), 6))
    for first, length in windows:
        for step in range(length * 24 * 4):
            moment = datetime.combine(first, time(0), tzinfo=UTC) + timedelta(minutes=15 * step)
            start = moment.astimezone(cal.timezone)
            for days in (0, 1):
                expected.append(_exactly(_ref_add_days(cal, start, days)))
                expected.append(_exactly(_ref_add_business_days(cal, start, days)))
                actual.append(_exactly(cal.add_days(start, days)))
                actual.append(_exactly(cal.add_business_days(start, days)))
    assert expected == actual


def test_the_memos_are_not_part_of_a_calendars_value() -> None:
    used = BusinessCalendar(timezone=ZoneInfo("Europe/Copenhagen"))
    used.add_business_days(datetime(2026, 3, 6, 16, tzinfo=UTC), 5)
    fresh = BusinessCalendar(timezone=ZoneInfo("Europe/Copenhagen"))
    assert (fresh, hash(fresh), repr(fresh)) == (used, hash(used), repr(used))


# -- building events ---------------------------------------------------------------------
# The reference is event_from_dict as it was: every field through the checked constructor.


def _ref_event_from_dict(data: dict[str, Any], default_tz: tzinfo | None) -> Event:
    for key in ("case_id", "activity", "timestamp"):
        value = data.get(key)
        if value is None or value == "":
            raise InvalidEvent(f"missing required field {key!r}")
    timestamp = parse_moment(data["timestamp"], "timestamp", default_tz)
    attributes = {k: v for k, v in data.items() if k not in FIELDS}
    attributes = {k: coerce(k, v, default_tz) for k, v in attributes.items()}

    def text(value: object, key: str) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise InvalidEvent(f"field {key!r}: expected a string, got {type(value).__name__}")

    def optional(value: object, key: str) -> str | None:
        return None if value is None or value == "" else text(value, key)

    return Event(
        text(data["case_id"], "case_id"),
        text(data["activity"], "activity"),
        timestamp,
        event_id=optional(data.get("event_id"), "event_id"),
        actor=optional(data.get("actor"), "actor"),
        channel=optional(data.get("channel"), "channel"),
        attributes=attributes,
    )


def _outcome(build: Callable[[], object]) -> object:
    try:
        built = build()
    except InvalidEvent as exc:
        return (type(exc), str(exc))
    if isinstance(built, Event):
        # Equal events, and equal in every way a report or a rule can see.
        return (built, repr(built), hash(built), type(built.attributes), built.timestamp.tzinfo)
    return built


@given(native_records(), st.sampled_from([None, ZoneInfo("Europe/Copenhagen")]))
def test_the_readers_build_the_event_the_checked_constructor_builds(
    record: dict[str, Any], zone: tzinfo | None
) -> None:
    expected = _outcome(lambda: _ref_event_from_dict(record, zone))
    assert expected == _outcome(lambda: event_from_dict(record, default_tz=zone, typed=True))


@given(
    native_records(),
    st.sampled_from([None, "", "complete", "COMPLETE", "start", " Start ", 3]),
    st.sampled_from([None, 10, 150]),
)
def test_building_without_a_mapping_is_building_with_the_identity_mapping(
    record: dict[str, Any], lifecycle: object, depth: int | None
) -> None:
    if lifecycle is not None:
        record[LIFECYCLE] = lifecycle
    if depth is not None:
        nested: Any = []
        for _ in range(depth):
            nested = [nested]
        record["items"] = nested
    # A mapping that is not None takes the general path: LogMapping.apply, then the fields.
    expected = _outcome(lambda: build_event(dict(record), LogMapping(), None))
    assert expected == _outcome(lambda: build_event(dict(record), None, None))
    assert expected == _outcome(lambda: build_plain(dict(record), None, parsed=True))


@given(
    native_records(),
    st.sampled_from([None, "complete", "start"]),
    st.sampled_from([None, ZoneInfo("Europe/Copenhagen")]),
)
def test_an_outline_is_the_event_checked_alike_and_not_built(
    record: dict[str, Any], lifecycle: str | None, zone: tzinfo | None
) -> None:
    if lifecycle is not None:
        record[LIFECYCLE] = lifecycle

    def outlined() -> object:
        found = build_plain(dict(record), zone, parsed=True, outline=True)
        if isinstance(found, Outline):
            return Event(found.case_id, found.activity, found.timestamp)
        return found

    def built() -> object:
        found = build_plain(dict(record), zone, parsed=True)
        if isinstance(found, Event):
            return Event(found.case_id, found.activity, found.timestamp)
        return found

    assert _outcome(built) == _outcome(outlined)


def test_the_fast_constructor_builds_the_checked_event() -> None:
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    checked = Event(
        "c1", "rejected", moment, event_id="e1", actor="ann", channel="phone", attributes={"a": 1}
    )
    fast = _event("c1", "rejected", moment, "e1", "ann", "phone", {"a": 1})
    assert (checked, repr(checked), hash(checked)) == (fast, repr(fast), hash(fast))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.activity = "hired"  # type: ignore[misc]


def test_a_default_zone_that_names_no_offset_still_makes_a_naive_timestamp() -> None:
    class Nowhere(tzinfo):
        def utcoffset(self, dt: datetime | None) -> None:
            return None

    with pytest.raises(NaiveTimestamp, match=r"^timestamp: the time has no time zone"):
        event_from_dict(
            {"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00"},
            default_tz=Nowhere(),
            typed=True,
        )


def test_a_lifecycle_other_than_complete_is_skipped_before_the_fields_are_read() -> None:
    record = {"case_id": 3.5, LIFECYCLE: "start"}
    assert Skip("lifecycle:transition 'start'") == build_plain(record, None, parsed=True)


# -- parsing JSON ------------------------------------------------------------------------

_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=-(2**62)),
    st.floats(allow_nan=True, allow_infinity=True),
)
_line_values = st.recursive(
    st.none() | st.booleans() | _numbers | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def _typed(value: Any) -> Any:
    # Equality that tells 1, 1.0 and True apart, and a NaN from nothing.
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


@given(st.dictionaries(st.text(max_size=6), _line_values, max_size=6))
def test_the_fast_parser_reads_every_line_as_json_loads_does(obj: dict[str, Any]) -> None:
    line = json.dumps(obj) + "\n"
    assert _typed(json.loads(line)) == _typed(_parser()(line))


@pytest.mark.parametrize(
    "line",
    [
        '{"case_id": 12345678901234567890123, "n": 1}',
        '{"a": -9223372036854775809}',
        '{"a": 18446744073709551616}',
        '{"a": NaN, "b": Infinity}',
        '{"a": 1e400}',
        '{"a": "\\ud800"}',
        '{"a": [1, {"b": 99999999999999999999999}]}',
        "[1, 2]",
        '"text"',
    ],
)
def test_the_fast_parser_gives_way_where_orjson_reads_otherwise(line: str) -> None:
    assert _typed(json.loads(line)) == _typed(_parser()(line))


def test_the_fast_parser_refuses_what_json_loads_refuses() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        _parser()('{"a": }')


# -- counting passes instead of building them ----------------------------------------------


class _PassesThenFails(Rule):
    """A rule that reports a pass and then raises: its pass must be undone (CX000)."""

    code = "TEST900"
    name = "passes-then-fails"
    practice = "test"
    severity = Severity.WARNING
    activities = frozenset({"rejected", "application_received"})

    def on_event(self, step: Step) -> None:
        step.passed("fine", evidence=(step.event,))
        if step.event.activity == "rejected":
            raise RuntimeError("boom")


def _engines() -> list[Engine]:
    plain = plugin_manager(autoload=False)
    builtins = list(cx_rules_rules())
    return [
        Engine(Policy(timezone="Europe/Copenhagen"), plugins=plain, guard=False),
        Engine(
            Policy.from_mapping(
                {
                    "missing_evidence": "violation",
                    "rules": {"CX104": {"days": 3}},
                    "waivers": [
                        {
                            "rule": "CX1",
                            "cases": ["c1"],
                            "justification": "a pilot",
                            "expires": date(2026, 12, 31),
                        }
                    ],
                }
            ),
            plugins=plain,
            guard=False,
        ),
        Engine(rules=[*builtins, _PassesThenFails], plugins=plain, guard=False),
    ]


ENGINES = _engines()
_COUNTED = (Outcome.PASSED, Outcome.PENDING)


def _split(findings: tuple[Finding, ...]) -> tuple[list[Finding], Counter[tuple[str, Outcome]]]:
    listed = [f for f in findings if f.outcome not in _COUNTED]
    counted = Counter((f.code, f.outcome) for f in findings if f.outcome in _COUNTED)
    return listed, counted


@given(unruly_sequences(max_size=14), st.sampled_from(ENGINES), st.booleans())
def test_an_audit_counts_the_passes_the_public_replay_returns(
    events: list[Event], engine: Engine, in_time_order: bool
) -> None:
    if not events:
        return
    if in_time_order:
        events = sorted(events, key=lambda e: e.timestamp)
    as_of = max(e.timestamp for e in events) + timedelta(days=3)
    try:
        case, found = engine.replay(events)
    except EventConflict:
        with pytest.raises(EventConflict):
            engine._audit_case(events, as_of)
        return
    except Exception as exc:  # the out-of-order refusal: the audit sorts, so it never sees it
        with pytest.raises(type(exc)):
            engine._audit_case(events, as_of)
        return
    case, tail = engine.finish(case, as_of)
    listed, counted = _split((*found, *tail))
    counted_case, counted_listed, tallied = engine._audit_case(events, as_of)
    assert (case, listed, counted) == (counted_case, counted_listed, Counter(tallied))


def test_a_rule_that_fails_after_a_pass_leaves_no_pass_counted() -> None:
    engine = ENGINES[2]
    events = [
        Event("c1", "application_received", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        Event("c1", "rejected", datetime(2026, 3, 3, 9, tzinfo=UTC), attributes={"reason": "x"}),
    ]
    _, findings, tallied = engine._audit_case(events, datetime(2026, 3, 4, tzinfo=UTC))
    assert Counter(tallied)["TEST900", Outcome.PASSED] == 1
    assert [f.message.split()[1] for f in findings if f.code == "CX000"] == ["TEST900"]


@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["CX101", "CX102", "CX401", "CX503", "CX001"]),
            st.sampled_from(list(Outcome)),
        ),
        st.integers(min_value=1, max_value=50),
    )
)
def test_a_cases_score_is_the_score_of_its_tallies(counts: dict[Any, int]) -> None:
    collector = Collector(ENGINES[0])
    tallies = _tallies(Counter(counts))
    expected = score((ENGINES[0].severity(code), t) for code, t in tallies.items())
    assert expected == collector._case_score(Counter(counts))


def test_listing_only_what_counts_leaves_every_value_but_the_groups_alike(tmp_path: Path) -> None:
    lines = []
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for n in range(40):
        case = f"c{n % 9}"
        activity = ["application_received", "application_acknowledged", "rejected"][n % 3]
        moment = (start + timedelta(hours=7 * n)).isoformat()
        lines.append(
            json.dumps(
                {"case_id": case, "activity": activity, "timestamp": moment, "actor": f"r{n % 4}"}
            )
        )
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain = audit(path)
    for group_by in ("month", "actor", "job_id"):
        grouped = audit(path, group_by=group_by)
        assert plain == attrs.evolve(grouped, group_by=None, group_keys=(), groups=())


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "c1", "c2", "c10"]),
            st.integers(min_value=0, max_value=3),
            st.sampled_from(["CX101", "CX401"]),
            st.sampled_from([Outcome.VIOLATED, Outcome.UNKNOWN]),
            st.sampled_from(["a", "b"]),
        ),
        max_size=30,
    )
)
def test_findings_are_ordered_as_one_sort_by_the_whole_key_would_order_them(
    drawn: list[tuple[str, int, str, Outcome, str]],
) -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    findings = [
        ReportFinding(
            case,
            code,
            "",
            "",
            Severity.WARNING,
            outcome,
            message,
            start + timedelta(hours=hour),
            None,
            None,
            (),
        )
        for case, hour, code, outcome, message in drawn
    ]
    expected = [id(f) for f in sorted(findings, key=finding_sort_key)]
    assert expected == [id(f) for f in _in_order(findings)]
