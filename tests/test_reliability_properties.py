"""Properties that make the findings trustworthy, over generated logs and process models.

- any events on any valid process model raise nothing but the documented errors;
- an audit finds exactly what recording the same events one by one finds;
- the order in which cases appear in a file changes no finding;
- auditing a log in parts and merging the reports equals auditing it whole;
- storing a case and restoring it between two events changes nothing.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules import (
    Engine,
    Event,
    EventConflict,
    EventOutOfOrder,
    Finding,
    InvalidEvent,
    Outcome,
    Policy,
    TransitionNotAllowed,
)
from cx_rules.auditing import audit
from cx_rules.io import write_jsonl
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.report import Report, ReportFinding, RuleScore, Tally, report_dict, score
from cx_rules.report.collect import finding_sort_key
from cx_rules.serialize import case_from_json, case_to_json
from cx_rules.testing.strategies import (
    attributes,
    event_sequences,
    logs,
    process_models,
    timed_attributes,
    unruly_sequences,
)

ALL_RULES = [info.rule for info in collect_rules(plugin_manager(autoload=False)).values()]
# The engine's properties, not the data coverage: a rule whose evidence a generated log never
# holds is still judged (what "not recorded in this log" changes is tested in
# test_report_content.py).
POLICY = Policy(
    timezone="Europe/Copenhagen",
    rules={rule.code: {"absence_is_violation": True} for rule in ALL_RULES},
)
ENGINE = Engine(POLICY, rules=ALL_RULES, guard=False)


# -- documented errors only ------------------------------------------------------------------


@given(
    process_models(),
    st.sampled_from(["refuse", "insert"]),
    st.booleans(),
    st.sampled_from(["UTC", "Europe/Copenhagen", "America/New_York"]),
    st.data(),
)
def test_any_events_on_any_model_raise_only_documented_errors(
    model: Any, order: str, strict: bool, zone: str, data: st.DataObject
) -> None:
    engine = Engine(
        Policy(out_of_order=order, timezone=zone), model=model, rules=ALL_RULES, strict=strict
    )
    # Refusals the engine documents: an older event (unless inserted), an id reused for
    # another event, and, in strict mode, an illegal step or an unknown channel.
    refused: tuple[type[Exception], ...] = (EventOutOfOrder, EventConflict)
    if strict:
        refused += (TransitionNotAllowed, InvalidEvent)
    events = data.draw(unruly_sequences(model))
    case = engine.start("c1")
    for event in events:
        try:
            previewed = engine.preview(case, event)
        except refused:
            continue
        result = engine.record(case, event)
        assert previewed == result
        case = result.case
        assert case.state in model.states
        for finding in result.findings:
            assert (finding.case_id, finding.code in engine.rules) == ("c1", True)
            assert isinstance(finding.message, str)
    if case.clock is not None:
        finished = engine.finish(case, case.clock)
        assert all(f.outcome in Outcome for f in finished.findings)


# -- the audit and the live API agree ----------------------------------------------------------


def _live(events: Sequence[Event], cut: datetime) -> list[Finding]:
    """Every finding of recording ``events`` one by one, each case finished at ``cut``.

    Each case's events are recorded in the order an audit replays them (events at one moment
    in the model's order, ``ProcessModel.in_order``).
    """
    cases: dict[str, Any] = {}
    found: list[Finding] = []
    by_case: dict[str, list[Event]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    for event in (e for same in by_case.values() for e in ENGINE.model.in_order(same)):
        case = cases.get(event.case_id) or ENGINE.start(event.case_id)
        case, step = ENGINE.record(case, event)
        cases[event.case_id] = case
        found.extend(step)
    for case in cases.values():
        found.extend(ENGINE.finish(case, cut).findings)
    return found


def _listed(findings: Iterable[Finding]) -> list[tuple[Any, ...]]:
    listed = [f for f in findings if f.outcome in (Outcome.VIOLATED, Outcome.UNKNOWN)]
    return sorted((f.case_id, f.at, f.code, f.outcome.value, f.message, f.due) for f in listed)


def _reported(findings: Iterable[ReportFinding]) -> list[tuple[Any, ...]]:
    return sorted((f.case_id, f.at, f.code, f.outcome.value, f.message, f.due) for f in findings)


@given(logs())
def test_an_audit_finds_what_recording_the_events_one_by_one_finds(events: list[Event]) -> None:
    cut = max(e.timestamp for e in events) if events else None

    report = audit(events, engine=ENGINE)
    live = _live(events, cut) if cut is not None else []

    assert _reported(report.findings) == _listed(live)
    by_rule = Counter((f.code, f.outcome) for f in live)
    assert {r.code: r.tally for r in report.rules if r.tally != Tally()} == {
        code: Tally.of({o: n for (c, o), n in by_rule.items() if c == code})
        for code in {c for c, _ in by_rule}
    }


# -- order, parts and storage change nothing -----------------------------------------------


def _by_case(events: Sequence[Event]) -> dict[str, list[Event]]:
    cases: dict[str, list[Event]] = {}
    for event in events:
        cases.setdefault(event.case_id, []).append(event)
    return cases


def _without_places(report: Report) -> dict[str, Any]:
    # The files differ, and so do the lines their errors are on; nothing else may.
    data = report_dict(report)
    data["input"]["files"] = []
    data["errors"] = sorted(e["message"] for e in data["errors"])
    return data


@given(logs(), st.randoms(use_true_random=False))
def test_the_order_of_cases_in_a_file_changes_no_finding(events: list[Event], rng: Any) -> None:
    cases = _by_case(events)
    order = list(cases)
    rng.shuffle(order)
    blocks = [event for case_id in order for event in cases[case_id]]
    with tempfile.TemporaryDirectory() as folder:
        interleaved, grouped = Path(folder, "time.jsonl"), Path(folder, "cases.jsonl")
        write_jsonl(events, interleaved)
        write_jsonl(blocks, grouped)

        first = audit(interleaved, policy=POLICY)
        second = audit(grouped, policy=POLICY)

    assert _without_places(first) == _without_places(second)


def _merge(parts: Sequence[Report]) -> dict[str, Any]:
    """What an audit of the whole log must report, from audits of its parts (split by case)."""
    rules: dict[str, RuleScore] = {}
    for part in parts:
        for rule in part.rules:
            known = rules.get(rule.code)
            rules[rule.code] = (
                rule
                if known is None
                # Parts are split by case: the candidates with a violation add up too.
                else attrs.evolve(
                    known,
                    tally=known.tally + rule.tally,
                    candidates=known.candidates + rule.candidates,
                )
            )
    merged = tuple(rules[code] for code in sorted(rules))
    return {
        "tally": sum((p.tally for p in parts), Tally()),
        "rules": merged,
        "score": score((r.severity, r.tally) for r in merged),
        "findings": tuple(sorted((f for p in parts for f in p.findings), key=finding_sort_key)),
        "cases": tuple(sorted((c for p in parts for c in p.cases), key=lambda c: c.case_id)),
        "events": sum(p.input.events for p in parts),
    }


def _whole(report: Report) -> dict[str, Any]:
    return {
        "tally": report.tally,
        "rules": report.rules,
        "score": report.score,
        "findings": report.findings,
        "cases": report.cases,
        "events": report.input.events,
    }


@given(logs(), st.data())
def test_auditing_a_log_in_parts_and_merging_equals_auditing_it_whole(
    events: list[Event], data: st.DataObject
) -> None:
    if not events:
        return
    cut = max(e.timestamp for e in events)
    part_of = {case_id: data.draw(st.integers(0, 2)) for case_id in _by_case(events)}
    parts = [[e for e in events if part_of[e.case_id] == n] for n in range(3)]

    whole = audit(events, engine=ENGINE, as_of=cut)
    merged = _merge([audit(part, engine=ENGINE, as_of=cut) for part in parts if part])

    assert _whole(whole) == merged


@given(
    event_sequences(with_attributes=st.one_of(attributes, timed_attributes)),
    st.data(),
)
def test_storing_and_restoring_a_case_between_two_events_changes_nothing(
    events: list[Event], data: st.DataObject
) -> None:
    pause = data.draw(st.integers(0, len(events)))
    straight = ENGINE.start("c1")
    found: list[Finding] = []
    for event in events:
        straight, step = ENGINE.record(straight, event)
        found.extend(step)

    resumed = ENGINE.start("c1")
    again: list[Finding] = []
    for index, event in enumerate(events):
        if index == pause:
            resumed = case_from_json(case_to_json(resumed))
        resumed, step = ENGINE.record(resumed, event)
        again.extend(step)

    assert (again, resumed) == (found, straight)
    assert case_to_json(resumed) == case_to_json(straight)
    if straight.clock is not None:
        assert ENGINE.finish(resumed, straight.clock) == ENGINE.finish(straight, straight.clock)


# -- events cannot be changed, and identity is exact -----------------------------------------


def _mutations(value: Any) -> list[Any]:
    # Every list and dict inside ``value``, at any depth.
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list | dict):
            found.append(item)
            stack.extend(item.values() if isinstance(item, dict) else item)
    return found


@given(attributes, timed_attributes)
def test_no_part_of_an_event_s_attributes_can_be_changed(plain: Any, timed: Any) -> None:
    given_attributes = {**plain, **timed, "nested": {"items": [dict(plain)]}}
    event = Event(
        "c1", "application_received", "2026-03-02T09:00:00+01:00", attributes=given_attributes
    )
    before = case_to_json(ENGINE.replay([event]).case)

    with pytest.raises(TypeError):
        event.attributes["x"] = 1  # type: ignore[index]
    for container in [c for value in event.attributes.values() for c in _mutations(value)]:
        change = container.__setitem__ if isinstance(container, dict) else container.insert
        with pytest.raises(TypeError):
            change(0, 1)

    assert (event.attributes, case_to_json(ENGINE.replay([event]).case)) == (
        given_attributes,
        before,
    )


@given(attributes)
def test_an_event_is_the_same_event_as_its_stored_copy_and_its_retry(plain: Any) -> None:
    event = Event(
        "c1", "application_received", "2026-03-02T09:00:00+01:00", event_id="e1", attributes=plain
    )
    stored = case_from_json(case_to_json(ENGINE.replay([event]).case)).events[0]
    retry = Event(
        "c1",
        "application_received",
        "2026-03-02T09:00:00+01:00",
        event_id="e1",
        attributes=dict(reversed(list(plain.items()))),
    )

    assert (stored, retry) == (event, event)
    assert ENGINE.record(ENGINE.replay([event]).case, retry).duplicate
