"""The engine: applies events to cases and runs the rules on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final, NamedTuple

import attrs
import pluggy

from .calendar import BusinessCalendar
from .case import Case
from .events import Channel, Event
from .exceptions import (
    CaseMismatch,
    EventOutOfOrder,
    InvalidEvent,
    PolicyError,
    TransitionNotAllowed,
)
from .findings import Finding, Outcome, Severity
from .model import ProcessModel, default_model
from .obligations import Due, Obligation
from .plugins import RuleInfo, collect_analysers, collect_rules, plugin_manager
from .policy import Policy
from .rule import Rule
from .step import Step
from .text import TextReader

__all__ = ["Engine", "Recorded"]

_RULE_ERROR: Final = "CX000"
_ILLEGAL: Final = "CX001"
_CHANNELS: Final = frozenset(Channel)


class Recorded(NamedTuple):
    """What one call of the engine returns: the new case and the findings of that step."""

    case: Case
    findings: tuple[Finding, ...]


@attrs.frozen
class _Entry:
    rule: Rule
    code: str
    severity: Severity
    plugin: str


def _by_due(o: Obligation) -> tuple[datetime, str, str]:
    return (o.due, o.code, o.key)


class Engine:
    """Records events on cases, checks every rule, and keeps the obligation clock.

    Built from a :class:`~cx_rules.Policy` (which rules, their options and severities, the
    calendar), a :class:`~cx_rules.ProcessModel` (the default recruitment model unless given)
    and a set of rules (by default the built-ins and every installed plugin; pass ``rules`` to
    choose the classes yourself).  The rules of each activity are compiled into a table once,
    here; recording an event never calls a plugin hook.

    ``strict=True`` raises :class:`~cx_rules.TransitionNotAllowed` for an event the state does
    not allow and :class:`~cx_rules.InvalidEvent` for an unknown channel; otherwise (the audit
    mode) the first becomes a ``CX001`` finding and the second is kept as given.

    An engine holds no per-case state: one engine may serve many threads.
    """

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        model: ProcessModel | None = None,
        rules: Iterable[type[Rule]] | None = None,
        strict: bool = False,
        plugins: pluggy.PluginManager | None = None,
    ) -> None:
        self.policy = policy if policy is not None else Policy()
        self.model = model if model is not None else default_model()
        self.strict = strict
        self.calendar: BusinessCalendar = self.policy.calendar()
        pm = plugins if plugins is not None else plugin_manager()
        #: What rules use to read free message text (see :mod:`cx_rules.text`).
        self.text = TextReader(collect_analysers(pm))
        if rules is None:
            infos = collect_rules(pm)
        else:
            infos = {r.code: RuleInfo(r, "<given>") for r in sorted(rules, key=lambda r: r.code)}
        self.available: Mapping[str, RuleInfo] = infos
        for code in self.policy.rules:
            if code not in infos:
                raise PolicyError(
                    f"{self.policy.source}: rules.{code}: no rule has this code "
                    "(is the plugin that provides it installed?)"
                )
        entries: dict[str, _Entry] = {}
        for code, info in infos.items():
            if not self.policy.selects(code) and code != _RULE_ERROR:
                continue
            try:
                rule = info.rule(**self.policy.options_for(code))
            except PolicyError as exc:
                raise PolicyError(f"{self.policy.source}: {exc} (plugin {info.plugin!r})") from None
            severity = self.policy.severity_for(code, info.rule.severity)
            entries[code] = _Entry(rule, code, severity, info.plugin)
        self._entries = entries
        self._severity = {code: e.severity for code, e in entries.items()}
        dispatch: dict[str, list[_Entry]] = {}
        for entry in entries.values():
            for activity in sorted(entry.rule.subscriptions()):
                dispatch.setdefault(activity, []).append(entry)
        self._dispatch: dict[str, tuple[_Entry, ...]] = {a: tuple(e) for a, e in dispatch.items()}
        self._moves: dict[tuple[str, str], str] = {
            (state, activity): target
            for state, targets in self.model.transitions.items()
            for activity, target in targets.items()
        }
        self._illegal = entries.get(_ILLEGAL)
        self._missing_as_violation = self.policy.missing_evidence == "violation"

    # -- introspection ----------------------------------------------------------------------

    @property
    def rules(self) -> Mapping[str, Rule]:
        """The enabled rules, by code, with the options the policy set."""
        return {code: e.rule for code, e in self._entries.items()}

    def severity(self, code: str) -> Severity:
        """The severity the policy gives rule ``code``."""
        return self._severity[code]

    def plugin_of(self, code: str) -> str:
        """The name of the plugin that provides rule ``code``."""
        return self.available[code].plugin

    # -- cases ------------------------------------------------------------------------------

    def start(self, case_id: str) -> Case:
        """A new case in the model's initial state."""
        return Case(case_id=case_id, state=self.model.initial)

    def record(self, case: Case, event: Event) -> Recorded:
        """Apply ``event`` to ``case``: the new case and the findings of this step.

        Obligations whose due time is before the event expire into violations first in the
        returned findings; then come ``CX001`` and the rules subscribed to the activity, in
        code order.  Raises :class:`~cx_rules.CaseMismatch` for another case's event,
        :class:`~cx_rules.EventOutOfOrder` for an event older than the case's last one, and in
        strict mode :class:`~cx_rules.TransitionNotAllowed`.
        """
        return self._apply(case, event)

    def preview(self, case: Case, event: Event) -> Recorded:
        """What :meth:`record` would return, for a user interface to warn before acting.

        Cases are immutable, so ``case`` is never changed by either call; ``preview`` exists so
        that code reads as what it means.
        """
        return self._apply(case, event)

    def replay(self, events: Iterable[Event], case: Case | None = None) -> Recorded:
        """Record ``events`` (all of one case) in order; every finding of every step."""
        findings: list[Finding] = []
        for event in events:
            if case is None:
                case = self.start(event.case_id)
            case, found = self._apply(case, event)
            findings.extend(found)
        if case is None:
            raise ValueError("replay needs at least one event or a case")
        return Recorded(case, tuple(findings))

    def advance(self, case: Case, now: datetime) -> Recorded:
        """Move the case's clock to ``now``: obligations due before ``now`` become violations."""
        _require_aware(now, "now")
        obligations, findings = self._expire(case.case_id, case.obligations, now)
        clock = now if case.clock is None or now > case.clock else case.clock
        if obligations is case.obligations and clock is case.clock:
            return Recorded(case, ())
        return Recorded(attrs.evolve(case, obligations=obligations, clock=clock), findings)

    def finish(self, case: Case, as_of: datetime) -> Recorded:
        """Close an audit of ``case`` at ``as_of``.

        Obligations due before ``as_of`` become violations; those still open are reported as
        ``pending``.  Overdue obligations already reported are not reported again.
        """
        case, findings = self.advance(case, as_of)
        pending = tuple(
            Finding(
                case_id=case.case_id,
                code=o.code,
                outcome=Outcome.PENDING,
                severity=self._severity.get(o.code, Severity.WARNING),
                message=f"{o.message}: not yet due (due {o.due.isoformat()})",
                at=as_of,
                evidence=(o.opened_by,),
                due=o.due,
            )
            for o in case.obligations
            if not o.expired
        )
        return Recorded(case, findings + pending)

    def due(self, case: Case, now: datetime) -> list[Due]:
        """What the case owes the candidate, soonest first; ``overdue`` marks what is late."""
        _require_aware(now, "now")
        return [Due(case.case_id, o, overdue=o.expired or o.due < now) for o in case.obligations]

    # -- the step ---------------------------------------------------------------------------

    def _apply(self, case: Case, event: Event) -> Recorded:
        if event.case_id != case.case_id:
            raise CaseMismatch(f"event of case {event.case_id!r} recorded on case {case.case_id!r}")
        events = case.events
        if events and event.timestamp < events[-1].timestamp:
            raise EventOutOfOrder(
                f"case {case.case_id!r}: {event.activity} at {event.timestamp.isoformat()} is "
                f"older than the last event ({events[-1].activity} at "
                f"{events[-1].timestamp.isoformat()})"
            )
        if self.strict and event.channel is not None and event.channel not in _CHANNELS:
            raise InvalidEvent(
                f"case {case.case_id!r}, {event.activity} at {event.timestamp.isoformat()}: "
                f"unknown channel {event.channel!r} (expected one of {', '.join(Channel)})"
            )
        state = case.state
        target = self._moves.get((state, event.activity))
        findings: list[Finding] = []
        illegal = self._illegal
        if target is None:
            if self.strict:
                raise TransitionNotAllowed(event, state, self.model.allowed(state))
            if illegal is not None:
                findings.append(self._illegal_finding(case, event, illegal.severity))
            obligations = case.obligations
            new_state = state
        else:
            if illegal is not None:
                findings.append(
                    Finding(
                        case.case_id,
                        _ILLEGAL,
                        Outcome.PASSED,
                        illegal.severity,
                        "",
                        event.timestamp,
                        (event,),
                    )
                )
            step = Step(
                case, event, target, self.calendar, self.text, findings, self._missing_as_violation
            )
            for entry in self._dispatch.get(event.activity, ()):
                self._run(entry, step, findings)
            changed = step._obligations
            obligations = (
                case.obligations if changed is None else tuple(sorted(changed, key=_by_due))
            )
            events = (*events, event)
            new_state = target
        obligations, expired = self._expire(case.case_id, obligations, event.timestamp)
        clock = case.clock
        if clock is None or event.timestamp > clock:
            clock = event.timestamp
        new_case = Case(case.case_id, new_state, events, obligations, clock)
        return Recorded(new_case, expired + tuple(findings) if expired else tuple(findings))

    def _run(self, entry: _Entry, step: Step, findings: list[Finding]) -> None:
        step._code = entry.code
        step._severity = entry.severity
        mark = len(findings)
        saved = None if step._obligations is None else list(step._obligations)
        try:
            entry.rule.on_event(step)
        except Exception as exc:
            # Isolate the failure: drop what the rule half-did, report it, let others run.
            del findings[mark:]
            step._obligations = saved
            event = step.event
            findings.append(
                Finding(
                    case_id=event.case_id,
                    code=_RULE_ERROR,
                    outcome=Outcome.VIOLATED,
                    severity=self._severity.get(_RULE_ERROR, Severity.ERROR),
                    message=(
                        f"rule {entry.code} {entry.rule.name} (plugin {entry.plugin!r}) raised "
                        f"{type(exc).__name__} on {event.activity} at "
                        f"{event.timestamp.isoformat()}"
                    ),
                    at=event.timestamp,
                    evidence=(event,),
                )
            )

    def _illegal_finding(self, case: Case, event: Event, severity: Severity) -> Finding:
        allowed = ", ".join(self.model.allowed(case.state)) or "none"
        return Finding(
            case_id=case.case_id,
            code=_ILLEGAL,
            outcome=Outcome.VIOLATED,
            severity=severity,
            message=(
                f"{event.activity} at {event.timestamp.isoformat()} is not allowed in state "
                f"{case.state!r}; the case stays {case.state!r} (allowed: {allowed})"
            ),
            at=event.timestamp,
            evidence=(event,),
        )

    def _expire(
        self, case_id: str, obligations: tuple[Obligation, ...], now: datetime
    ) -> tuple[tuple[Obligation, ...], tuple[Finding, ...]]:
        if not any(not o.expired and o.due < now for o in obligations):
            return obligations, ()
        kept: list[Obligation] = []
        findings: list[Finding] = []
        for o in obligations:
            if not o.expired and o.due < now:
                unknown = o.missing is not None and not self._missing_as_violation
                findings.append(
                    Finding(
                        case_id=case_id,
                        code=o.code,
                        outcome=Outcome.UNKNOWN if unknown else Outcome.VIOLATED,
                        severity=self._severity.get(o.code, Severity.WARNING),
                        message=f"{o.message}: not done by {o.due.isoformat()}"
                        + (f" ({o.missing} not recorded)" if o.missing else ""),
                        at=o.due,
                        evidence=(o.opened_by,),
                        due=o.due,
                        missing=o.missing,
                    )
                )
                o = attrs.evolve(o, expired=True)
            kept.append(o)
        return tuple(kept), tuple(findings)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        from .exceptions import NaiveTimestamp

        raise NaiveTimestamp(f"{name}: {moment.isoformat()} has no time zone")
