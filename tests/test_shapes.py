from cx_rules import Engine, Option, Outcome, Policy, Severity, Step
from cx_rules.shapes import DeadlineRule, Prohibition, StateRule
from cx_rules.testing import event, findings_of, outcomes, run


class ManagerCallsFinalRound(StateRule):
    code = "ACME101"
    name = "manager-calls-final-round"
    practice = "communication"
    severity = Severity.WARNING
    summary = "Candidates rejected after interviews are called by a hiring manager."
    when = "rejected"
    in_states = ("interviewing",)
    message = "the rejection was not given by a hiring manager"

    def require(self, step: Step) -> bool | None:
        role = step.attr("actor_role")
        return None if role is None else role == "hiring_manager"


class NoFridayAfternoonRejections(Prohibition):
    code = "ACME102"
    name = "no-friday-afternoon-rejections"
    practice = "communication"
    severity = Severity.INFO
    summary = "No rejections on Friday after 15:00."
    activity = "rejected"
    message = "rejected on a Friday afternoon"

    def forbidden(self, step: Step) -> bool:
        local = step.event.timestamp.astimezone(step.calendar.timezone)
        return local.weekday() == 4 and local.hour >= 15


class MeetingWithinThreeDays(DeadlineRule):
    code = "ACME103"
    name = "internal-meeting"
    practice = "experience"
    severity = Severity.WARNING
    summary = "Internal candidates get a meeting within 3 business days."
    after = "application_received"
    then = ("interview_scheduled",)
    within = Option(3, "business days to invite an internal candidate")
    action = "invite the internal candidate to a meeting"

    def applies(self, step: Step) -> bool:
        return step.attr("internal") is True


ENGINE = Engine(
    Policy(timezone="Europe/Copenhagen"),
    rules=[ManagerCallsFinalRound, NoFridayAfternoonRejections, MeetingWithinThreeDays],
)


def interviewed(case_id: str, **rejection: object):
    return [
        event(case_id, "application_received", "2026-03-02T09:00+01:00"),
        event(case_id, "interview_scheduled", "2026-03-03T09:00+01:00"),
        event(case_id, "interview_held", "2026-03-05T09:00+01:00"),
        event(case_id, "rejected", "2026-03-06T16:00+01:00", **rejection),
    ]


def test_state_rule_passes_violates_and_does_not_apply():
    assert outcomes(run(ENGINE, interviewed("a", actor_role="hiring_manager")), "ACME101") == [
        "passed"
    ]
    (finding,) = findings_of(run(ENGINE, interviewed("b", actor_role="recruiter")), "ACME101")
    assert finding.outcome is Outcome.VIOLATED
    assert finding.message == (
        "the rejection was not given by a hiring manager (rejected at "
        "2026-03-06T16:00:00+01:00 in state 'interviewing')"
    )
    assert outcomes(run(ENGINE, interviewed("c")), "ACME101") == []
    early = [
        event("d", "application_received", "2026-03-02T09:00+01:00"),
        event("d", "rejected", "2026-03-03T09:00+01:00", actor_role="recruiter"),
    ]
    assert outcomes(run(ENGINE, early), "ACME101") == []


def test_prohibition():
    assert outcomes(run(ENGINE, interviewed("a")), "ACME102") == ["violated"]
    morning = [*interviewed("b")[:-1], event("b", "rejected", "2026-03-06T14:59+01:00")]
    assert outcomes(run(ENGINE, morning), "ACME102") == ["passed"]


def test_deadline_rule_opens_only_when_it_applies_and_reads_its_option():
    internal = [
        event("a", "application_received", "2026-03-06T10:00+01:00", internal=True),
        event("a", "interview_scheduled", "2026-03-11T10:00+01:00"),
    ]
    assert outcomes(run(ENGINE, internal), "ACME103") == ["passed"]
    late = [internal[0], event("a", "interview_scheduled", "2026-03-11T10:01+01:00")]
    assert outcomes(run(ENGINE, late), "ACME103") == ["violated"]
    external = [event("b", "application_received", "2026-03-06T10:00+01:00")]
    assert outcomes(run(ENGINE, external, as_of="2026-04-01T00:00+01:00"), "ACME103") == []
    lenient = Engine(
        Policy(timezone="Europe/Copenhagen", rules={"ACME103": {"within": 4}}),
        rules=[MeetingWithinThreeDays],
    )
    assert outcomes(run(lenient, late), "ACME103") == ["passed"]
    (due,) = ENGINE.due(ENGINE.replay(internal[:1]).case, internal[0].timestamp)
    assert due.action == "invite the internal candidate to a meeting"


def test_deadline_is_cancelled_by_withdrawal():
    stream = [
        event("a", "application_received", "2026-03-06T10:00+01:00", internal=True),
        event("a", "withdrawn", "2026-03-07T10:00+01:00"),
    ]
    assert outcomes(run(ENGINE, stream, as_of="2026-05-01T00:00+01:00"), "ACME103") == []
