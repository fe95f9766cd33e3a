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
