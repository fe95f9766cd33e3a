import pytest

from cx_rules import ProcessModel, ProcessModelError, default_model


def test_default_model_shape():
    model = default_model()
    assert model.initial == "new"
    assert model.terminal == {"hired", "rejected", "withdrawn", "declined"}
    assert model.states == {
        "new",
        "applied",
        "screening",
        "interviewing",
        "offer",
        "hired",
        "rejected",
        "withdrawn",
        "declined",
    }
    assert model.next_state("new", "application_received") == "applied"
    assert model.next_state("applied", "screening_started") == "screening"
    assert model.next_state("screening", "interview_scheduled") == "interviewing"
    assert model.next_state("interviewing", "interview_held") == "interviewing"
    assert model.next_state("interviewing", "offer_made") == "offer"
    assert model.next_state("offer", "offer_accepted") == "hired"
    assert model.next_state("offer", "offer_declined") == "declined"
    assert model.next_state("rejected", "offer_made") is None
    assert model.next_state("withdrawn", "interview_scheduled") is None
    assert model.next_state("rejected", "feedback_given") == "rejected"
    assert model.next_state("rejected", "data_deleted") == "rejected"


@pytest.mark.parametrize("state", ["applied", "screening", "interviewing", "offer"])
def test_every_open_state_can_reject_or_withdraw(state):
    model = default_model()
    assert model.next_state(state, "rejected") == "rejected"
    assert model.next_state(state, "withdrawn") == "withdrawn"
    assert not model.is_terminal(state)


def test_terminal_state_with_a_way_out_is_refused():
    with pytest.raises(ProcessModelError) as info:
        ProcessModel(
            initial="a", terminal={"b"}, transitions={"a": {"go": "b"}, "b": {"back": "a"}}
        )
    assert str(info.value) == "terminal state 'b' has a way out: 'back' -> 'a'"


def test_unreachable_state_is_refused():
    with pytest.raises(ProcessModelError) as info:
        ProcessModel(
            initial="a",
            terminal={"b", "z"},
            transitions={"a": {"go": "b"}, "y": {"go": "z"}},
        )
    assert str(info.value) == "states not reachable from 'a': y, z"


def test_unknown_initial_and_terminal_states():
    with pytest.raises(ProcessModelError) as info:
        ProcessModel(initial="x", terminal={"b"}, transitions={"a": {"go": "b"}})
    assert str(info.value) == "initial state 'x' has no transitions entry"
    with pytest.raises(ProcessModelError) as info:
        ProcessModel(initial="a", terminal={"b", "nowhere"}, transitions={"a": {"go": "b"}})
    assert str(info.value) == "states not reachable from 'a': nowhere"


def test_open_dead_end_is_refused():
    with pytest.raises(ProcessModelError) as info:
        ProcessModel(initial="a", terminal={"c"}, transitions={"a": {"go": "b", "end": "c"}})
    assert str(info.value) == "states that are not terminal but have no way out: b"


def test_extend_adds_a_stage():
    model = default_model().extend(
        {
            "screening": {"assessment_started": "assessment"},
            "assessment": {
                "interview_scheduled": "interviewing",
                "rejected": "rejected",
                "withdrawn": "withdrawn",
            },
        },
        name="with-assessment",
    )
    assert model.name == "with-assessment"
    assert model.next_state("screening", "assessment_started") == "assessment"
    assert "assessment_started" in model.activities
    assert default_model().next_state("screening", "assessment_started") is None


def test_allowed_is_sorted():
    assert default_model().allowed("new") == ("application_received",)
    assert list(default_model().allowed("offer")) == sorted(default_model().allowed("offer"))


def _at(minute: int = 0):
    from datetime import UTC, datetime

    return datetime(2026, 3, 9, 15, minute, tzinfo=UTC)


def test_every_canonical_activity_has_a_place_among_events_at_one_moment():
    from cx_rules import ACTIVITIES
    from cx_rules.model import _TIE_RANK

    assert set(_TIE_RANK) == set(ACTIVITIES)


def test_events_at_one_moment_come_in_process_order_the_decision_before_its_answers():
    from cx_rules import Event

    model = default_model()
    earlier = [
        Event("c1", "application_received", _at(0).replace(day=2)),
        Event("c1", "interview_scheduled", _at(0).replace(day=3)),
    ]
    tied = [
        Event("c1", "thank_you_sent", _at()),
        Event("c1", "feedback_given", _at()),
        Event("c1", "rejected", _at()),
        Event("c1", "interview_held", _at()),
    ]
    assert [e.activity for e in model.in_order([*tied, *earlier])] == [
        "application_received",
        "interview_scheduled",
        "interview_held",
        "rejected",
        "feedback_given",
        "thank_you_sent",
    ]
    # For a batch added to a case, the walk starts from the case's state.
    batch = [Event("c1", "offer_made", _at()), Event("c1", "interview_held", _at())]
    assert [e.activity for e in model.in_order(batch, state="interviewing")] == [
        "interview_held",
        "offer_made",
    ]


def test_many_events_at_one_moment_are_ordered_by_activity_not_pair_by_pair():
    from cx_rules import Event

    # 20,000 events at one moment: ordering them compares activities, so this is quick
    # (comparing every pending event at each pick took minutes).
    many = [Event("c1", "status_update_sent", _at(), event_id=str(i)) for i in range(20_000)]
    ordered = default_model().in_order([Event("c1", "application_received", _at()), *many])
    assert ordered[0].activity == "application_received"
    assert [e.event_id for e in ordered[1:]] == [str(i) for i in range(20_000)]


def test_bridge_finds_the_shortest_run_through_the_steps_allowed() -> None:
    model = default_model()
    # A hire from 'applied' through steps a table never records: an interview scheduled.
    assert model.bridge("applied", "offer_made", {"interview_scheduled", "interview_held"}) == (
        "interview_scheduled",
    )
    assert model.bridge("screening", "offer_made", {"interview_scheduled"}) == ()
    assert model.bridge("applied", "offer_accepted", {"interview_scheduled", "offer_made"}) == (
        "interview_scheduled",
        "offer_made",
    )
    # Only through the steps given: none leads there, or the case is closed.
    assert model.bridge("applied", "offer_made", set()) is None
    assert model.bridge("rejected", "offer_made", model.activities) is None
