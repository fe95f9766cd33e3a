"""The compiled table against the reference path: the same findings, obligations and cases.

The reference is the engine with compilation off (``Engine(..., _compiled=False)``): every
rule subscribed to an activity is called, through a ``Step``, on every event of it, as the
rules' own ``on_event`` has it.  The compiled engine calls a rule only on the moves where its
``reacts`` declaration says it can react.  Drawn process models, policies, shape rules and
logs must give equal results on both.
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cx_rules import (
    Engine,
    Event,
    Option,
    Outcome,
    PluginError,
    Policy,
    Rule,
    Severity,
    Step,
    default_model,
)
from cx_rules.model import ProcessModel
from cx_rules.plugins import collect_rules, plugin_manager
from cx_rules.rule import NEVER, OWN_OBLIGATIONS, Reaction
from cx_rules.shapes import DeadlineRule, Prohibition, StateRule, Timer, run_timer
from cx_rules.testing.strategies import (
    START,
    event_sequences,
    logs,
    process_models,
    unruly_sequences,
)

BUILT_IN = [info.rule for info in collect_rules(plugin_manager(autoload=False)).values()]


def pair(policy: Policy, model: ProcessModel | None = None, rules: Any = None) -> list[Engine]:
    """The compiled engine and the reference engine, alike in everything else."""
    chosen = BUILT_IN if rules is None else rules
    return [
        Engine(policy, model=model, rules=chosen, _compiled=compiled) for compiled in (True, False)
    ]


def by_case(events: list[Event]) -> dict[str, list[Event]]:
    cases: dict[str, list[Event]] = {}
    for e in events:
        cases.setdefault(e.case_id, []).append(e)
    return cases


def outcome_of(engine: Engine, events: list[Event]) -> list[Any]:
    """Everything an engine gives for a log: replay, finish and the audit's own walk."""
    got: list[Any] = []
    for case_id, found in sorted(by_case(events).items()):
        replayed = engine.replay(found)
        cut = found[-1].timestamp + timedelta(days=30)
        finished = engine.finish(replayed.case, cut)
        case, findings, tallied = engine._audit_case(engine.model.in_order(found), cut)
        got.append(
            (
                case_id,
                replayed,
                replayed.case.obligations,
                finished,
                case,
                case.obligations,
                findings,
                sorted(tallied),
            )
        )
    return got


def assert_alike(engines: list[Engine], events: list[Event]) -> None:
    compiled, reference = (outcome_of(engine, events) for engine in engines)
    assert reference == compiled


@st.composite
def policies(draw: st.DrawFn, model: ProcessModel) -> Policy:
    """Policies that move the rules' declarations: closed states, counted activities."""
    states = sorted(model.states)
    activities = sorted(model.activities)
    subset = st.lists(st.sampled_from(states), min_size=1, max_size=4, unique=True)
    acts = st.lists(st.sampled_from(activities), min_size=1, max_size=4, unique=True)
    rules: dict[str, dict[str, Any]] = {}
    if draw(st.booleans()):
        rules["CX104"] = {"closed_states": draw(subset), "contacts": draw(acts)}
    if draw(st.booleans()):
        rules["CX503"] = {"closed_states": draw(subset)}
    if draw(st.booleans()):
        rules["CX401"] = {"acknowledged_by": draw(acts)}
    if draw(st.booleans()):
        rules["CX405"] = {"decided_by": draw(acts)}
    if draw(st.booleans()):
        rules["CX404"] = {"next_steps": draw(acts)}
    return Policy(
        timezone=draw(st.sampled_from(["UTC", "Europe/Copenhagen"])),
        missing_evidence=draw(st.sampled_from(["unknown", "violation"])),
        rules=rules,
    )


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_compiled_table_equals_reference_on_drawn_models_policies_and_logs(data):
    model = data.draw(process_models())
    policy = data.draw(policies(model))
    events = data.draw(logs(model, max_cases=4))
    assert_alike(pair(policy, model), events)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_compiled_table_equals_reference_on_valid_walks(data):
    # Walks that follow the model reach the closing and deleting moves more often.
    model = data.draw(process_models())
    policy = data.draw(policies(model))
    events = data.draw(event_sequences(model, valid=True, max_size=20))
    assert_alike(pair(policy, model), events)


@settings(max_examples=40, deadline=None)
@given(unruly_sequences(max_size=10))
def test_compiled_table_equals_reference_on_unruly_input_inserted(events):
    # Out of order, retried and conflicting events, inserted in their place: the rebuild
    # of a case runs the same table.
    engines = pair(Policy(out_of_order="insert"))
    results = []
    for engine in engines:
        case = engine.start("c1")
        steps: list[Any] = []
        for event in events:
            try:
                recorded = engine.record(case, event)
            except Exception as exc:  # the same documented error on both paths
                steps.append(type(exc).__name__)
                continue
            steps.append(recorded)
            case = recorded.case
        results.append((steps, case, case.obligations))
    assert results[1] == results[0]


# -- drawn shape rules ------------------------------------------------------------------------


def _require(self: StateRule, step: Step) -> bool | None:
    return (True, False, None)[len(step.case.events) % 3]


def _forbidden(self: Prohibition, step: Step) -> bool:
    return len(step.case.events) % 2 == 0


@st.composite
def shape_rules(draw: st.DrawFn, model: ProcessModel) -> list[type[Rule]]:
    """One to three rules of the three shapes, on the model's activities and states."""
    activities = st.sampled_from(sorted(model.activities))
    some = st.lists(activities, min_size=1, max_size=3, unique=True)
    states = st.lists(st.sampled_from(sorted(model.states)), max_size=3, unique=True)
    made: list[type[Rule]] = []
    for n in range(draw(st.integers(min_value=1, max_value=3))):
        common: dict[str, Any] = {
            "code": f"ZZ{100 + n}",
            "name": f"drawn-{n}",
            "practice": "experience",
            "severity": Severity.WARNING,
            "summary": "A drawn rule.",
        }
        kind = draw(st.sampled_from(["deadline", "state", "prohibition"]))
        if kind == "deadline":
            made.append(
                type(
                    f"Deadline{n}",
                    (DeadlineRule,),
                    {
                        **common,
                        "after": draw(activities),
                        "then": tuple(draw(some)),
                        "cancel_on": tuple(draw(st.lists(activities, max_size=2, unique=True))),
                        "business_days": draw(st.booleans()),
                        "within": Option(draw(st.integers(0, 12)), "days", maximum=30),
                    },
                )
            )
        elif kind == "state":
            made.append(
                type(
                    f"State{n}",
                    (StateRule,),
                    {
                        **common,
                        "when": draw(activities),
                        "in_states": tuple(draw(states)),
                        "require": _require,
                    },
                )
            )
        else:
            made.append(
                type(
                    f"Prohibition{n}",
                    (Prohibition,),
                    {**common, "activity": draw(activities), "forbidden": _forbidden},
                )
            )
    return made


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_compiled_shapes_equal_their_on_event(data):
    model = data.draw(process_models())
    rules = data.draw(shape_rules(model))
    events = data.draw(logs(model, max_cases=3))
    assert_alike(pair(Policy(), model, rules), events)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_compiled_shapes_with_the_built_ins(data):
    model = data.draw(process_models())
    rules = data.draw(shape_rules(model))
    events = data.draw(event_sequences(model, valid=True, max_size=16))
    assert_alike(pair(Policy(), model, [*BUILT_IN, *rules]), events)


# -- timers: run by the engine on the compiled path, through on_event on the reference ---------


class TimerRule(Rule):
    """A rule whose on_event is a timer, as the deadline shapes and CX104 are."""

    code = "ZZ300"
    name = "timer"
    practice = "experience"
    severity = Severity.WARNING
    summary = "A drawn timer."
    timer: ClassVar[Timer]

    def subscriptions(self) -> frozenset[str]:
        t = self.timer
        return t.fulfil_on | t.cancel_on | t.open_on | (frozenset({"*"}) if t.cancel_in else set())

    def _compiled_timer(self) -> Timer | None:
        return self.timer

    def on_event(self, step: Step) -> None:
        run_timer(self.timer, step)


@st.composite
def timer_rules(draw: st.DrawFn, model: ProcessModel) -> list[type[Rule]]:
    """One or two timers on the model's activities and states, their sets overlapping."""
    acts = st.frozensets(st.sampled_from(sorted(model.activities)), max_size=4)
    states = st.frozensets(st.sampled_from(sorted(model.states)), max_size=2)
    made: list[type[Rule]] = []
    for n in range(draw(st.integers(min_value=1, max_value=2))):
        timer = Timer(
            draw(st.sampled_from(["k", "deadline"])),
            draw(acts),
            draw(acts),
            draw(states),
            draw(acts.filter(bool)),
            draw(st.integers(0, 12)),
            draw(st.booleans()),
            f"owed {n}",
            f"act {n}",
        )
        made.append(type(f"Timer{n}", (TimerRule,), {"code": f"ZZ{300 + n}", "timer": timer}))
    return made


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_timers_run_by_the_engine_equal_their_on_event(data):
    model = data.draw(process_models())
    rules = data.draw(timer_rules(model))
    policy = Policy(
        timezone=data.draw(st.sampled_from(["UTC", "Europe/Copenhagen"])),
        missing_evidence=data.draw(st.sampled_from(["unknown", "violation"])),
    )
    events = data.draw(logs(model, max_cases=3))
    extra = data.draw(st.sampled_from([[], BUILT_IN]))
    assert_alike(pair(policy, model, [*extra, *rules]), events)


def recorded_one_by_one(engines: list[Engine], events: list[Event]) -> list[Any]:
    results = []
    for engine in engines:
        case = engine.start("c1")
        steps: list[Any] = []
        for event in events:
            try:
                recorded = engine.record(case, event)
            except Exception as exc:  # the same documented error on both paths
                steps.append(type(exc).__name__)
                continue
            steps.append(recorded)
            case = recorded.case
        results.append((steps, case, case.obligations))
    return results


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_timers_equal_their_on_event_on_unruly_input(data):
    # Out of order, retried and conflicting events, inserted in their place.
    model = data.draw(process_models())
    rules = data.draw(timer_rules(model))
    events = data.draw(unruly_sequences(model, max_size=14))
    engines = pair(Policy(out_of_order="insert"), model, [*BUILT_IN, *rules])
    compiled, reference = recorded_one_by_one(engines, events)
    assert reference == compiled


def _timer_of(engine: Engine, code: str) -> list[Timer | None]:
    return [
        d[5]
        for row in engine._table.values()
        for m in row.values()
        for d in m.rules
        if d[2] == code
    ]


def test_the_deadline_shapes_and_cx104_are_timers_on_the_compiled_path_only():
    compiled, reference = pair(Policy())
    for code in ("CX104", "CX401", "CX405"):
        assert _timer_of(compiled, code)
        assert all(_timer_of(compiled, code))
        assert _timer_of(reference, code)
        assert not any(_timer_of(reference, code))


class Judging(DeadlineRule):
    code = "ZZ310"
    name = "judging"
    practice = "experience"
    severity = Severity.INFO
    after = "screening_started"
    then = ("interview_scheduled",)
    within = 2

    def applies(self, step: Step) -> bool:
        return step.attr("priority") == "high"


def test_a_shape_that_judges_in_code_of_its_own_is_called_through_on_event():
    engine = Engine(Policy(), rules=[Judging])
    assert Judging()._compiled_timer() is None
    assert not any(_timer_of(engine, "ZZ310"))
    events = [
        ev("application_received", 0, 0),
        Event(
            "c1", "screening_started", START + timedelta(minutes=1), attributes={"priority": "high"}
        ),
    ]
    case = engine.replay(events).case
    assert [(o.code, o.key) for o in case.obligations] == [("ZZ310", "deadline")]
    assert engine.replay([*events[:1], ev("screening_started", 1, 9)]).case.obligations == ()


def test_a_timer_whose_deadline_cannot_be_counted_fails_alone_on_both_paths():
    # 14 days after the last instant every zone can show: past datetime's range.
    late = Event("c1", "application_received", datetime(9999, 12, 30, 23, tzinfo=UTC))
    for engine in pair(Policy(rules={"CX401": {"business_days": 200}})):
        recorded = engine.record(engine.start("c1"), late)
        failed = sorted(f.code for f in recorded.findings if f.code == "CX000")
        assert failed, recorded.findings
        assert "CX104" in " ".join(f.message for f in recorded.findings if f.code == "CX000")
        assert all(o.code not in {"CX104", "CX401"} for o in recorded.case.obligations)


# -- what the table calls -----------------------------------------------------------------------


class Counting(Rule):
    """Counts its calls; reacts as told."""

    code = "ZZ900"
    name = "counting"
    practice = "experience"
    severity = Severity.INFO
    activities = frozenset({"screening_started", "withdrawn", "status_update_sent"})
    calls: ClassVar[list[str]] = []

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        if activity == "status_update_sent":
            return NEVER
        if activity == "withdrawn":
            return OWN_OBLIGATIONS
        return super().reacts(activity, previous, state)

    def on_event(self, step: Step) -> None:
        Counting.calls.append(step.event.activity)
        if step.event.activity == "screening_started":
            step.open("k", step.days(3), "owed", "do it")
        else:
            step.cancel("k")


def ev(activity: str, minutes: int, n: int) -> Event:
    return Event("c1", activity, START + timedelta(minutes=minutes), event_id=f"e{n}")


def test_a_rule_is_called_only_where_it_declares_it_can_react():
    engine = Engine(Policy(), rules=[Counting])
    Counting.calls.clear()
    engine.replay(
        [
            ev("application_received", 0, 0),
            ev("status_update_sent", 1, 1),  # NEVER: not called
            ev("withdrawn", 2, 2),  # own obligations, and it holds none: not called
        ]
    )
    assert Counting.calls == []
    Counting.calls.clear()
    case = engine.replay(
        [
            ev("application_received", 0, 0),
            ev("screening_started", 1, 1),
            ev("status_update_sent", 2, 2),
            ev("withdrawn", 3, 3),  # it holds its obligation: called, and cancels it
        ]
    ).case
    assert Counting.calls == ["screening_started", "withdrawn"]
    assert case.obligations == ()


def test_the_reference_path_calls_every_subscriber():
    engine = Engine(Policy(), rules=[Counting], _compiled=False)
    Counting.calls.clear()
    engine.replay(
        [ev("application_received", 0, 0), ev("status_update_sent", 1, 1), ev("withdrawn", 2, 2)]
    )
    assert Counting.calls == ["status_update_sent", "withdrawn"]


class Plain(Rule):
    """A plugin rule as plugins were written before ``reacts``: called on all it subscribes."""

    code = "ZZ901"
    name = "plain"
    practice = "experience"
    severity = Severity.INFO
    activities = frozenset({"status_update_sent"})

    def on_event(self, step: Step) -> None:
        step.passed("seen")


def test_a_rule_without_a_declaration_runs_on_every_event_it_subscribes_to():
    engine = Engine(Policy(), rules=[Plain])
    found = engine.replay(
        [ev("application_received", 0, 0), ev("status_update_sent", 1, 1)]
    ).findings
    assert [(f.code, f.outcome) for f in found if f.code == "ZZ901"] == [("ZZ901", Outcome.PASSED)]


@pytest.mark.parametrize("answer", ["sometimes", None, True])
def test_a_declaration_the_engine_cannot_read_is_a_plugin_error(answer):
    bad = type("Bad", (Plain,), {"code": "ZZ902", "reacts": lambda self, a, p, s: answer})
    with pytest.raises(PluginError, match=r"ZZ902 plain .*reacts\(\) must give one of"):
        Engine(Policy(), rules=[bad])


def test_a_declaration_that_raises_is_a_plugin_error():
    def boom(self: Rule, activity: str, previous: str, state: str) -> Reaction:
        raise RuntimeError("secret text")

    bad = type("Boom", (Plain,), {"code": "ZZ903", "reacts": boom})
    with pytest.raises(PluginError, match=r"reacts\(\) failed: RuntimeError$"):
        Engine(Policy(), rules=[bad])


def test_shapes_declare_where_they_react():
    model = default_model()

    class Deadline(DeadlineRule):
        code = "ZZ904"
        name = "deadline"
        practice = "experience"
        severity = Severity.INFO
        after = "screening_started"
        then = ("interview_scheduled",)
        within = 3

    class InState(StateRule):
        code = "ZZ905"
        name = "in-state"
        practice = "experience"
        severity = Severity.INFO
        when = "rejected"
        in_states = ("interviewing",)

    table = Engine(Policy(), model=model, rules=[Deadline, InState])._table
    assert table["screening"]["interview_scheduled"].conditional == {"ZZ904"}
    assert table["applied"]["screening_started"].conditional == frozenset()
    assert [d[2] for d in table["interviewing"]["rejected"].rules] == ["ZZ905"]
    assert [d[2] for d in table["screening"]["rejected"].rules] == []


# -- pickling, for the workers of Spark and Dask ---------------------------------------------------


def test_an_engine_pickles_and_gives_the_same_findings():
    engine = Engine(Policy(timezone="Europe/Copenhagen", rules={"CX401": {"business_days": 3}}))
    copy = pickle.loads(pickle.dumps(engine))
    events = [
        ev("application_received", 0, 0),
        ev("screening_started", 60 * 24 * 20, 1),
        ev("rejected", 60 * 24 * 21, 2),
    ]
    assert copy.replay(events) == engine.replay(events)
    assert copy.policy == engine.policy
    assert sorted(copy.rules) == sorted(engine.rules)
    assert copy.model.transitions == engine.model.transitions
    # The copy counts its overruns under a lock of its own.
    copy._overran({"CX401": 1})
    assert copy.overruns == {"CX401": 1}
    assert engine.overruns == {}
