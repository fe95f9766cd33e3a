"""The engine: applies events to cases and runs the rules on them."""

from __future__ import annotations

import contextlib
import difflib
import threading
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Final, cast

import attrs
import pluggy

from ..calendar import BusinessCalendar
from ..case import Case, History
from ..events import Channel, Event
from ..exceptions import (
    CaseMismatch,
    EventOutOfOrder,
    InvalidEvent,
    PluginError,
    PolicyError,
    PolicyViolation,
    TransitionNotAllowed,
    UnknownActivity,
)
from ..findings import Finding, Outcome, Severity
from ..model import ProcessModel, default_model
from ..obligations import Due, Obligation
from ..plugins import (
    RuleInfo,
    collect_analysers,
    collect_rules,
    plugin_manager,
    resolve_calendar,
    resolve_model,
)
from ..policy import Policy
from ..rule import EVERY_ACTIVITY, Rule
from ..step import Step
from ..text import TextReader
from ..waivers import Waivers
from .checks import _a, _check_types, _merged, _older, _require_aware, _seen
from .compiled import Move, _Entry, compile_table
from .recorded import Recorded, _plain
from .timers import due_of as _due_of
from .timers import run as _run_timer

__all__ = ["Engine", "Recorded"]

_RULE_ERROR: Final = "CX000"
_ILLEGAL: Final = "CX001"
_UNKNOWN: Final = "CX003"
#: Rules that always run, whatever the policy selects: a failed rule and an event nobody
#: understands must never pass unseen.
_ALWAYS: Final = frozenset({_RULE_ERROR, _UNKNOWN})
#: The findings of events the engine refuses (they are not kept on the case).
_REFUSALS: Final = frozenset({_ILLEGAL, _UNKNOWN})
#: The longest activity name the engine looks for close matches of.
_SUGGEST_UP_TO: Final = 200
_CHANNELS: Final = frozenset(Channel)
_VIOLATED: Final = Outcome.VIOLATED
_PASSED: Final = Outcome.PASSED
_PENDING: Final = Outcome.PENDING
_NONE: Final[frozenset[str]] = frozenset()


#: The order of a case's obligations: soonest first, then by rule and key.
_by_due: Final = attrgetter("due", "code", "key")


def _finding_due(f: Finding) -> tuple[datetime, str]:
    return (f.at, f.code)


def _timestamp(e: Event) -> datetime:
    return e.timestamp


class Engine:
    """Records events on cases, checks every rule, and keeps the obligation clock.

    Built from a :class:`~cx_rules.Policy` (which rules, their options and severities, which
    rules are enforced, the calendar), a :class:`~cx_rules.ProcessModel` (the default
    recruitment model unless given) and a set of rules (by default the built-ins and every
    installed plugin; pass ``rules`` to choose the classes yourself).  The rules of each
    activity are compiled into a table once, here; recording an event never calls a plugin
    hook.

    ``strict=True`` raises :class:`~cx_rules.TransitionNotAllowed` for an event the state does
    not allow, :class:`~cx_rules.UnknownActivity` (a ``TransitionNotAllowed`` too) for an
    activity the model does not know and :class:`~cx_rules.InvalidEvent` for an unknown
    channel; otherwise (the audit mode) the first becomes a ``CX001`` finding, the second a
    ``CX003`` finding (``CX000`` and ``CX003`` always run, whatever the policy selects), and
    neither event is kept on the case; the third is kept as given.

    Every rule's subscriptions must be activities of the model: a rule for an activity the
    model does not know could never run, so building the engine raises
    :class:`~cx_rules.PluginError` naming the rule, the activity and the
    ``cx_rules_process_model`` hook that adds activities to the model.

    ``guard=False`` ignores the policy's ``enforce`` list: nothing is blocked.  An audit of
    past events, which judges rather than prevents, uses it to share the policy file of a live
    system.  Every entry of ``enforce`` must match an enabled rule, or a
    :class:`~cx_rules.PolicyError` names it.

    A rule that raises, or returns anything but ``None``, is isolated: what it did on that
    event is undone and a ``CX000`` finding names it, and every other rule still runs.

    ``rule_budget`` (seconds) times each step (the rules of one event) with ``clock``
    (default :func:`time.perf_counter`), two clock reads an event; a step that took longer
    is run again, rule by rule under the clock, on a scratch copy whose findings are dropped,
    and each rule that took longer on its own counts in :attr:`overruns`, by rule code.  So a
    pause that only happened to land in a step is not blamed on a rule, and a rule may be
    called twice on an event that overran (a rule that keeps state of its own sees both
    calls).  The count is a diagnostic kept outside the findings, which never depend on
    time, so a report stays the same from run to run; the call itself is not interrupted
    (Python cannot stop a function safely from outside).  Without a budget nothing is timed.

    An engine holds no per-case state and never reads the clock for its findings: one engine
    may serve many threads at once, provided its rules keep no state of their own between
    events (the built-ins keep none).
    """

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        model: ProcessModel | None = None,
        rules: Iterable[type[Rule]] | None = None,
        strict: bool = False,
        plugins: pluggy.PluginManager | None = None,
        guard: bool = True,
        rule_budget: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
        _compiled: bool = True,
    ) -> None:
        self.policy = policy if policy is not None else Policy()
        self.strict = strict
        if rule_budget is not None and (
            isinstance(rule_budget, bool)
            or not isinstance(rule_budget, int | float)
            or not rule_budget > 0
        ):
            raise ValueError(f"rule_budget: expected seconds > 0, got {rule_budget!r}")
        #: The seconds a rule may take on one event before the call counts in
        #: :attr:`overruns` (``None``: rules are not timed).
        self.rule_budget: float | None = rule_budget
        self._clock = clock
        #: How many calls of each rule (by code) took longer than :attr:`rule_budget`.
        self.overruns: Counter[str] = Counter()
        self._overruns_lock = threading.Lock()
        pm = plugins if plugins is not None else plugin_manager(allow=self.policy.plugins)
        # Plugins may extend the process model and supply the calendar; a model given here
        # is taken as it is.
        self.model = model if model is not None else resolve_model(pm, default_model())
        self.calendar: BusinessCalendar = resolve_calendar(pm, self.policy, self.policy.calendar())
        #: The policy's waivers, applied to every finding the engine returns.
        self.waivers = Waivers(self.policy.waivers, self.calendar.timezone)
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
            if not self.policy.selects(code) and code not in _ALWAYS:
                continue
            try:
                rule = info.rule(**self.policy.options_for(code))
            except PolicyError as exc:
                raise PolicyError(f"{self.policy.source}: {exc} (plugin {info.plugin!r})") from None
            except (Exception, SystemExit) as exc:
                # Only the exception's type: its text may quote anything the rule read.
                raise PluginError(
                    f"rule {code} {info.rule.name} of plugin {info.plugin!r} could not be "
                    f"built: {type(exc).__name__}"
                ) from exc
            self._check_names(rule, info)
            severity = self.policy.severity_for(code, info.rule.severity)
            entries[code] = _Entry(rule, code, severity, info.plugin)
        self._entries = entries
        self._severity = {code: e.severity for code, e in entries.items()}
        self._enforced: frozenset[str] = self._check_enforce(entries) if guard else frozenset()
        subscribers: dict[str, list[_Entry]] = {}
        known = self.model.activities
        for entry in entries.values():
            wanted = self._subscriptions(entry)
            if EVERY_ACTIVITY in wanted:
                wanted = (wanted - {EVERY_ACTIVITY}) | known
            self._check_subscriptions(entry, wanted, known, given_model=model is not None)
            for activity in sorted(wanted):
                subscribers.setdefault(activity, []).append(entry)
        # state -> activity -> (target, the rules that can react there): see compiled.py.
        self._table: dict[str, dict[str, Move]] = compile_table(
            self.model.transitions, subscribers, compiled=_compiled
        )
        # The zone an event's moment is converted to so that it compares fastest with the
        # calendar's deadlines (see BusinessCalendar._comparable), or None: as it is.
        # A calendar (a plugin's) that compares in a way of its own is asked each time.
        calendar = self.calendar
        own = type(calendar)._comparable is not BusinessCalendar._comparable
        self._local = calendar.timezone if calendar._zone_kind == 2 and not own else None
        self._compare: Callable[[datetime], datetime] | None = calendar._comparable if own else None
        self._moves: dict[str, dict[str, str]] = {
            state: dict(targets) for state, targets in self.model.transitions.items()
        }
        self._illegal = entries.get(_ILLEGAL)
        self._known = known
        self._missing_as_violation = self.policy.missing_evidence == "violation"
        self._insert = self.policy.out_of_order == "insert"

    def __getstate__(self) -> dict[str, object]:
        # An engine crosses to the workers of a cluster by pickle: all but its lock, which
        # each copy makes anew (its overruns are its own from then on).
        state = dict(vars(self))
        del state["_overruns_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._overruns_lock = threading.Lock()

    def _subscriptions(self, entry: _Entry) -> frozenset[str]:
        try:
            wanted = frozenset(entry.rule.subscriptions())
        except (Exception, SystemExit) as exc:
            raise PluginError(
                f"rule {entry.code} {entry.rule.name} of plugin {entry.plugin!r}: "
                f"subscriptions() failed: {type(exc).__name__}"
            ) from exc
        if not all(isinstance(a, str) for a in wanted):
            raise PluginError(
                f"rule {entry.code} {entry.rule.name} of plugin {entry.plugin!r}: "
                "subscriptions() must give activity names (strings)"
            )
        return wanted

    def _check_subscriptions(
        self, entry: _Entry, wanted: frozenset[str], known: frozenset[str], *, given_model: bool
    ) -> None:
        # A rule for an activity the model lacks would never run, and in an audit its events
        # would only be counted as unmapped: refuse to build instead.
        for activity in sorted(wanted - known):
            close = difflib.get_close_matches(activity, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            fix = (
                "add it to the model given to the engine (ProcessModel.extend)"
                if given_model
                else "a plugin adds it by implementing the cx_rules_process_model hook "
                "(see the plugin guide)"
            )
            raise PluginError(
                f"rule {entry.code} {entry.rule.name} of plugin {entry.plugin!r} subscribes "
                f"to {activity!r}, which the process model {self.model.name!r} does not "
                f"know{hint}: {fix}"
            )

    def _check_names(self, rule: Rule, info: RuleInfo) -> None:
        # Options the policy sets that name activities or states must name the model's own:
        # a misspelt activity would make the rule silently never apply.
        set_by_policy = self.policy.options_for(rule.code)
        for key, spec in rule.option_specs().items():
            if spec.of is None or key not in set_by_policy:
                continue
            known = self.model.activities if spec.of == "activities" else self.model.states
            for name in getattr(rule, key):
                if name not in known:
                    raise PolicyError(
                        f"{self.policy.source}: rules.{rule.code}.{key}: {name!r} is not one "
                        f"of the process model's {spec.of} (expected one of "
                        f"{', '.join(sorted(known))}) (plugin {info.plugin!r})"
                    )

    def _overran(self, counts: Mapping[str, int]) -> None:
        # Add to :attr:`overruns`; threads sharing the engine count under one lock.
        with self._overruns_lock:
            self.overruns.update(counts)

    def _overruns_now(self) -> Counter[str]:
        """A copy of :attr:`overruns`, taken under the lock its counting holds."""
        with self._overruns_lock:
            return Counter(self.overruns)

    def _check_enforce(self, entries: Mapping[str, _Entry]) -> frozenset[str]:
        policy = self.policy
        for prefix in policy.enforce:
            if prefix != "ALL" and not any(code.startswith(prefix) for code in entries):
                enabled = ", ".join(entries) or "none"
                raise PolicyError(
                    f"{policy.source}: enforce: {prefix!r} matches no enabled rule "
                    f"(enabled: {enabled})"
                )
        return frozenset(code for code in entries if policy.enforces(code))

    # -- introspection ----------------------------------------------------------------------

    @property
    def rules(self) -> Mapping[str, Rule]:
        """The enabled rules, by code, with the options the policy set."""
        return {code: e.rule for code, e in self._entries.items()}

    @property
    def enforced(self) -> frozenset[str]:
        """The codes of the enabled rules the guard enforces (empty with ``guard=False``)."""
        return self._enforced

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
        code order.  Every finding, of enforced rules or not, is returned: those that do not
        block are advice.

        The guard: when a rule the policy enforces reports a violation on this event, the
        event is refused with :class:`~cx_rules.PolicyViolation` and nothing is recorded.
        Expired obligations and violations that only say something was done late
        (``late`` is set) never block: the event is not what broke them, and refusing a late
        reply would keep the candidate waiting longer.  An ``unknown`` outcome does not block
        unless the policy counts missing evidence as a violation.

        Idempotency: an event whose ``event_id`` is already on the case, with equal content,
        is a no-op that returns the case unchanged with ``duplicate`` set; the same id on a
        different event raises :class:`~cx_rules.EventConflict`.  An event refused by the
        model in audit mode (a ``CX001`` violation, or ``CX003`` for an activity the model
        does not know) is not kept on the case, so it is judged again if it comes again.

        Order: an event older than the case's clock (its latest event, or the time
        :meth:`advance` moved it to) raises :class:`~cx_rules.EventOutOfOrder`, unless the
        policy says
        ``out_of_order = "insert"``: then the event is put in its place and the case is
        rebuilt from its first event (from the model's initial state) with ``replayed`` set,
        and the guard blocks only on violations the insertion adds.

        Also raises :class:`~cx_rules.CaseMismatch` for another case's event and, in strict
        mode, :class:`~cx_rules.TransitionNotAllowed` and :class:`~cx_rules.InvalidEvent`.
        """
        result = self._decide(case, event)
        if result.blocked:
            raise PolicyViolation(result.blocked, case, event)
        return result

    def preview(self, case: Case, event: Event) -> Recorded:
        """What :meth:`record` would return, without raising for enforced rules.

        For a user interface that warns before a recruiter acts: ``blocked`` holds the
        findings :meth:`record` would raise :class:`~cx_rules.PolicyViolation` for (empty when
        the event would be accepted); the other findings are advice.  Every other error is
        raised as :meth:`record` raises it.  Cases are immutable: neither call changes
        ``case``.
        """
        return self._decide(case, event)

    def replay(self, events: Iterable[Event], case: Case | None = None) -> Recorded:
        """Record ``events`` (all of one case) in order; every finding of every step.

        A replay judges, it does not block: enforced rules are reported like the others.
        Duplicates are skipped as :meth:`record` skips them; an event out of order follows the
        policy, and when it is inserted the findings are those of the rebuilt case, with the
        ``CX001`` violations of events the model refused earlier kept in their place.
        """
        findings: list[Finding] = []
        # CX001 violations of refused events: they are not on the case, so a rebuild of the
        # case (an inserted event) would not find them again.
        refused: list[Finding] = []
        for event in events:
            if case is None:
                case = self.start(event.case_id)
            result = self._decide(case, event)
            if result.replayed:
                findings = _merged(result.findings, refused)
                if event not in result.case.events:
                    # Inserted and refused: the next rebuild would not find its CX001 either.
                    refused += (
                        f for f in result.findings if f.code in _REFUSALS and f.evidence == (event,)
                    )
            else:
                findings.extend(result.findings)
                if result.case.events is case.events and not result.duplicate:
                    refused += (f for f in result.findings if f.code in _REFUSALS)
            case = result.case
        if case is None:
            raise ValueError("replay needs at least one event or a case")
        return Recorded(case, tuple(findings))

    def advance(self, case: Case, now: datetime) -> Recorded:
        """Move the case's clock to ``now``: obligations due before ``now`` become violations.

        An event recorded afterwards must not be older than ``now`` (see :meth:`record`).
        """
        _require_aware(now, "now")
        obligations, findings = self._expire(case.case_id, case.obligations, now)
        findings = self.waivers.apply(findings)
        clock = now if case.clock is None or now > case.clock else case.clock
        if obligations is case.obligations and clock is case.clock:
            return Recorded(case, ())
        return Recorded(attrs.evolve(case, obligations=obligations, clock=clock), findings)

    def finish(self, case: Case, as_of: datetime) -> Recorded:
        """Close an audit of ``case`` at ``as_of``.

        Obligations due before ``as_of`` become violations; those still open are reported as
        ``pending``.  Overdue obligations already reported are not reported again.
        """
        _require_aware(as_of, "as_of")
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

    def _audit_case(
        self, events: Sequence[Event], as_of: datetime
    ) -> tuple[Case, list[Finding], list[tuple[str, Outcome]]]:
        """:meth:`replay` then :meth:`finish` of one case's ``events`` (in time order), for an
        audit that only counts passed and pending checks.

        Returns the finished case, every other finding in the order replay and finish give
        them, and one ``(code, outcome)`` pair per passed or pending check.  Raises
        :class:`~cx_rules.EventConflict` as :meth:`replay` does.
        """
        passes: list[tuple[str, Outcome]] = []
        findings: list[Finding] = []
        case = self.start(events[0].case_id)
        waivers = self.waivers
        for event in events:
            event_id = event.event_id
            if event_id is not None:
                known = case.events
                # The engine's own history indexes its ids: most events are not on it yet.
                if (
                    known
                    and (known.__class__ is not History or known.position(event_id) is not None)
                    and _seen(case, event)
                ):
                    continue
            clock = case.clock
            if clock is not None and event.timestamp < clock:
                return self._audit_in_full(events, as_of)
            case, expired, found = self._apply(case, event, passes)
            if waivers:
                expired = waivers.apply(expired)
                found = list(waivers.apply(tuple(found)))
            findings += expired
            findings += found
        case, tail = self.advance(case, as_of)
        findings += tail
        passes.extend((o.code, _PENDING) for o in case.obligations if not o.expired)
        return case, findings, passes

    def _audit_in_full(
        self, events: Sequence[Event], as_of: datetime
    ) -> tuple[Case, list[Finding], list[tuple[str, Outcome]]]:
        # What _audit_case returns, by way of the public replay: for events out of time order.
        case, found = self.replay(events)
        case, tail = self.finish(case, as_of)
        findings: list[Finding] = []
        passes: list[tuple[str, Outcome]] = []
        for f in (*found, *tail):
            if f.outcome is _PASSED or f.outcome is _PENDING:
                passes.append((f.code, f.outcome))
            else:
                findings.append(f)
        return case, findings, passes

    def unused_waivers(self, waived_by: Iterable[str | None], as_of: datetime) -> list[Finding]:
        """``CX002`` findings for the policy's waivers that covered nothing or have expired.

        ``waived_by`` are the ``waived_by`` texts of an audit's findings; ``as_of`` its
        cut-off.  Empty when the policy has no waivers or does not select ``CX002``.
        """
        entry = self._entries.get("CX002")
        if entry is None or not self.waivers:
            return []
        return self.waivers.unused(waived_by, as_of, entry.severity)

    def due(self, case: Case, now: datetime) -> list[Due]:
        """What the case owes the candidate, soonest first; ``overdue`` marks what is late.

        ``now`` is only compared with due times: the case is not changed.  For many cases at
        once, see :func:`cx_rules.reminders.due_across`.
        """
        _require_aware(now, "now")
        return [Due(case.case_id, o, overdue=o.expired or o.due < now) for o in case.obligations]

    # -- deciding what recording means ---------------------------------------------------------

    def _decide(self, case: Case, event: Event) -> Recorded:
        if event.__class__ is not Event or case.__class__ is not Case:
            _check_types(case, event)
        if event.case_id != case.case_id:
            raise CaseMismatch(f"event of case {event.case_id!r} recorded on case {case.case_id!r}")
        events = case.events
        if event.event_id is not None and events and _seen(case, event):
            return Recorded(case, (), duplicate=True)
        clock = case.clock
        if events and (clock is None or events[-1].timestamp > clock):
            clock = events[-1].timestamp  # a case built by hand, or stored without a clock
        if clock is not None and event.timestamp < clock:
            if not self._insert:
                raise EventOutOfOrder(_older(case, event))
            return self._reinsert(case, event)
        new_case, expired, found = self._apply(case, event)
        if self.waivers:
            expired = self.waivers.apply(expired)
            found = list(self.waivers.apply(tuple(found)))
        findings = expired + tuple(found) if expired else tuple(found)
        if self._enforced:
            blocked = self._blocking(found)
            if blocked:
                return Recorded(new_case, findings, blocked=blocked)
        return _plain(new_case, findings)

    def _blocking(self, found: Iterable[Finding]) -> tuple[Finding, ...]:
        enforced = self._enforced
        return tuple(
            f for f in found if f.outcome is _VIOLATED and f.late is None and f.code in enforced
        )

    def _reinsert(self, case: Case, event: Event) -> Recorded:
        events = case.events
        at = bisect_right(events, event.timestamp, key=_timestamp)
        blocking_before = self._rebuild(case, events)[2] if self._enforced else []
        after, findings, blocking_after = self._rebuild(case, (*events[:at], event, *events[at:]))
        # Block only on what the insertion adds: violations the case already had were
        # accepted (or reported) when they were first recorded.
        already = Counter(blocking_before)
        added: list[Finding] = []
        for f in blocking_after:
            if already[f]:
                already[f] -= 1
            else:
                added.append(f)
        return Recorded(after, findings, replayed=True, blocked=tuple(added))

    def _rebuild(
        self, case: Case, events: Iterable[Event]
    ) -> tuple[Case, tuple[Finding, ...], list[Finding]]:
        rebuilt = self.start(case.case_id)
        findings: list[Finding] = []
        blocking: list[Finding] = []
        for event in events:
            rebuilt, expired, found = self._apply(rebuilt, event)
            if self.waivers:
                expired = self.waivers.apply(expired)
                found = list(self.waivers.apply(tuple(found)))
            findings += expired
            findings += found
            if self._enforced:
                blocking += self._blocking(found)
        clock = case.clock
        if clock is not None and (rebuilt.clock is None or clock > rebuilt.clock):
            obligations, expired = self._expire(case.case_id, rebuilt.obligations, clock)
            rebuilt = Case(case.case_id, rebuilt.state, rebuilt.events, obligations, clock)
            findings += expired
        return rebuilt, tuple(findings), blocking

    # -- the step ---------------------------------------------------------------------------

    def _apply(
        self, case: Case, event: Event, passes: list[tuple[str, Outcome]] | None = None
    ) -> tuple[Case, tuple[Finding, ...], list[Finding]]:
        """One step: the new case, the obligations that expired, the findings of the step.

        With ``passes`` (an audit that only counts passes), each passed check is noted there as
        ``(code, "passed")`` instead of being returned as a finding.
        """
        if self.strict and event.channel is not None and event.channel not in _CHANNELS:
            raise InvalidEvent(
                f"case {case.case_id!r}, {event.activity} at {event.timestamp.isoformat()}: "
                f"unknown channel {event.channel!r} (expected one of {', '.join(Channel)})"
            )
        state = case.state
        row = self._table.get(state)
        move = None if row is None else row.get(event.activity)
        findings: list[Finding] = []
        illegal = self._illegal
        events = case.events
        timestamp = event.timestamp
        # The event's moment as it compares fastest with the calendar's deadlines.
        local = self._local
        if local is not None:
            at = timestamp.astimezone(local)
        elif self._compare is not None:
            at = self._compare(timestamp)
        else:
            at = timestamp
        dropped: list[Obligation] | None = None
        if move is None:
            if event.activity not in self._known:
                # Not an illegal step but an event nobody understands: always reported, never
                # kept (the model cannot say where it leads).
                # Names of a reasonable length only: comparing costs their length.
                suggestions = (
                    tuple(difflib.get_close_matches(event.activity, sorted(self._known), n=3))
                    if len(event.activity) <= _SUGGEST_UP_TO
                    else ()
                )
                if self.strict:
                    raise UnknownActivity(
                        event, suggestions, state=state, allowed=self.model.allowed(state)
                    )
                findings.append(self._unknown_finding(case, event, suggestions))
            elif self.strict:
                raise TransitionNotAllowed(event, state, self.model.allowed(state))
            elif illegal is not None:
                findings.append(self._illegal_finding(case, event, illegal.severity))
            obligations = case.obligations
            new_state = state
        else:
            if illegal is not None:
                if passes is not None:
                    passes.append(illegal.passed)
                else:
                    findings.append(
                        Finding(
                            case.case_id,
                            _ILLEGAL,
                            _PASSED,
                            illegal.severity,
                            "",
                            event.timestamp,
                            (event,),
                        )
                    )
            target = move.target
            # Only the rules that can react on this move, and of those that only discharge
            # their own obligations, only the ones the case holds obligations of.
            entries = move.rules
            conditional = move.conditional
            if conditional and not case.obligations:
                entries = move.unconditional
                conditional = _NONE
            step: Step | None = None
            budget = self.rule_budget
            began = 0.0
            # The obligations as the rules so far left them (None: the case's, unchanged),
            # and the overdue ones they withdrew.
            work: list[Obligation] | None = None
            if entries:
                held: set[str] | None = None
                deadlines: dict[tuple[bool, int], datetime] = {}
                ran = False
                # The loop runs for every rule of every event: kept inline, with the rule's
                # bound method looked up once when the engine was built.
                for entry, on_event, code, severity, passed_key, timer in entries:
                    if code in conditional:
                        # It only discharges its own obligations here: called only when the
                        # case holds one (no other rule opens or takes them).
                        if held is None:
                            held = {o.code for o in case.obligations}
                        if code not in held:
                            continue
                    if not ran:
                        ran = True
                        # Timed per step, not per rule: two clock reads an event.
                        if budget is not None:
                            began = self._clock()
                    if timer is not None:
                        # A timer the engine runs itself, without a step (timers.py).
                        due = None
                        if event.activity in timer.open_on and target not in timer.cancel_in:
                            try:
                                due = _due_of(timer, event, self.calendar, deadlines)
                            except (Exception, SystemExit) as exc:
                                findings.append(
                                    self._failure(entry, event, f"raised {type(exc).__name__}")
                                )
                                continue
                        changed, withdrew = _run_timer(
                            timer,
                            code,
                            severity,
                            passed_key,
                            case.obligations if work is None else work,
                            event,
                            at,
                            target,
                            due,
                            findings,
                            passes,
                        )
                        if changed is not None:
                            work = changed
                        if withdrew is not None:
                            dropped = [*(dropped or ()), withdrew]
                        continue
                    if step is None:
                        # Built only when a rule that is not a timer runs.
                        step = Step(
                            case,
                            event,
                            target,
                            self.calendar,
                            self.text,
                            findings,
                            self._missing_as_violation,
                            passes,
                            at,
                        )
                        step._deadlines = deadlines
                    step._code = code
                    step._severity = severity
                    step._passed = passed_key
                    mark = len(findings)
                    passed = 0 if passes is None else len(passes)
                    # The step copies this list before the rule's first change, so the saved
                    # one stays as it is now and a failing rule can be undone.
                    saved = step._obligations = work
                    withdrawn = step._dropped = dropped
                    step._shared = True
                    try:
                        returned = on_event(step)
                    except (Exception, SystemExit) as exc:
                        failure = f"raised {type(exc).__name__}"
                    else:
                        if returned is None:
                            work = step._obligations
                            dropped = step._dropped
                            continue
                        failure = f"returned {_a(returned)}"
                    if passes is not None:
                        del passes[passed:]
                    self._failed(entry, step, findings, mark, saved, withdrawn, failure)
                    work = step._obligations
                    dropped = step._dropped
                if ran and budget is not None and self._clock() - began > budget:
                    self._find_slow(move, case, event, at, passes is not None)
            if work is None:
                obligations = case.obligations
            else:
                obligations = tuple(sorted(work, key=_by_due) if len(work) > 1 else work)
            # Appended to the history this case shares with its predecessors, not copied.
            events = (
                events.appended(event) if events.__class__ is History else History((*events, event))
            )
            new_state = target
        expired: tuple[Finding, ...] = ()
        for o in obligations:
            # Rarely true: checked inline so that the common step does not pay for a call.
            if not o.expired:
                if o.due < at:
                    obligations, expired = self._expire(case.case_id, obligations, timestamp)
                    break
                if passes is not None:
                    # An audit's cases come from this engine, their obligations soonest first:
                    # if the first open one is not due, none is.
                    break
        if dropped:
            # Overdue obligations a rule withdrew are reported as their expiry would have been.
            gone = tuple(sorted(dropped, key=_by_due))
            expired = tuple(
                sorted(
                    expired + self._expire(case.case_id, gone, timestamp)[1],
                    key=_finding_due,
                )
            )
        clock = case.clock
        if clock is None or timestamp > clock:
            clock = timestamp
        return Case(case.case_id, new_state, events, obligations, clock), expired, findings

    def _find_slow(self, move: Move, case: Case, event: Event, at: datetime, audit: bool) -> None:
        # Only for a step that took longer than the budget: its rules run again in the same
        # order, each under the clock, on a scratch step whose findings and obligations are
        # dropped, and each rule slow on its own counts in overruns.  A pause that landed in
        # the step (a garbage collection, the machine) does not come back, so it is not
        # blamed on a rule; a rule slow on every event is found every time.
        clock = self._clock
        budget = cast(float, self.rule_budget)
        held = {o.code for o in case.obligations}
        step = Step(
            case,
            event,
            move.target,
            self.calendar,
            self.text,
            [],
            self._missing_as_violation,
            [] if audit else None,
            at,
        )
        slow: Counter[str] = Counter()
        for _entry, on_event, code, severity, passed_key, _timer in move.rules:
            if code in move.conditional and code not in held:
                continue  # not called in the step either
            step._code = code
            step._severity = severity
            step._passed = passed_key
            step._shared = True
            began = clock()
            # A failure was reported by the step itself: here only the time counts.
            with contextlib.suppress(Exception, SystemExit):
                on_event(step)
            if clock() - began > budget:
                slow[code] += 1
        if slow:
            self._overran(slow)

    def _failed(
        self,
        entry: _Entry,
        step: Step,
        findings: list[Finding],
        mark: int,
        saved: list[Obligation] | None,
        withdrawn: list[Obligation] | None,
        failure: str,
    ) -> None:
        # Isolate the failure: drop what the rule half-did, report it, let others run.  The
        # message names the exception's type (or the returned value's), never its text,
        # which may quote the candidate's data.
        del findings[mark:]
        step._obligations = saved
        step._dropped = withdrawn
        findings.append(self._failure(entry, step.event, failure))

    def _failure(self, entry: _Entry, event: Event, failure: str) -> Finding:
        # The CX000 finding of a rule that failed on ``event``.
        return Finding(
            case_id=event.case_id,
            code=_RULE_ERROR,
            outcome=Outcome.VIOLATED,
            severity=self._severity.get(_RULE_ERROR, Severity.ERROR),
            message=(
                f"rule {entry.code} {entry.rule.name} (plugin {entry.plugin!r}) {failure} "
                f"on {event.activity} at {event.timestamp.isoformat()}"
            ),
            at=event.timestamp,
            evidence=(event,),
        )

    def _unknown_finding(self, case: Case, event: Event, suggestions: Sequence[str]) -> Finding:
        hint = f"did you mean {' or '.join(map(repr, suggestions))}? " if suggestions else ""
        return Finding(
            case_id=case.case_id,
            code=_UNKNOWN,
            outcome=Outcome.VIOLATED,
            severity=self._severity.get(_UNKNOWN, Severity.ERROR),
            message=(
                f"unknown activity {event.activity!r} at {event.timestamp.isoformat()}: the "
                f"process model {self.model.name!r} does not know it ({hint}a plugin adds "
                f"activities with the cx_rules_process_model hook); the event is not "
                f"recorded and the case stays {case.state!r}"
            ),
            at=event.timestamp,
            evidence=(event,),
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
                o = Obligation(
                    o.code, o.key, o.due, o.opened_by, o.message, o.action, True, o.missing
                )
            kept.append(o)
        return tuple(kept), tuple(findings)
