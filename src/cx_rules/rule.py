"""The rule API: metadata, typed options, and the step a rule reads and writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, Literal, TypeVar, overload

from .exceptions import PolicyError
from .findings import Severity

if TYPE_CHECKING:
    from .shapes import Timer
    from .step import Step

__all__ = ["ALWAYS", "EVERY_ACTIVITY", "NEVER", "OWN_OBLIGATIONS", "Option", "Reaction", "Rule"]

#: In a rule's :attr:`~Rule.activities` (or :meth:`~Rule.subscriptions`): every activity of
#: the engine's process model, including those a plugin's model adds.
EVERY_ACTIVITY: Final = "*"

#: What :meth:`Rule.reacts` answers for one move of the process model.
Reaction = Literal["always", "own obligations", "never"]
#: The rule is called on every event of the move (the default).
ALWAYS: Final = "always"
#: The rule is called only when the case holds an obligation of its own (open or overdue):
#: on this move it only fulfils, cancels or discharges its own obligations.
OWN_OBLIGATIONS: Final = "own obligations"
#: The rule does nothing on this move, and is not called.
NEVER: Final = "never"
#: Every answer :meth:`Rule.reacts` may give.
REACTIONS: Final = frozenset({ALWAYS, OWN_OBLIGATIONS, NEVER})

_NAMES: Final = ("activities", "states")

T = TypeVar("T")


class Option(Generic[T]):
    """A typed option of a rule, with its default and a sentence of documentation.

    Declare it as a class attribute; read it on the rule instance, where it has the value the
    policy set (or the default)::

        class Acknowledge(Rule):
            business_days = Option(2, "business days allowed for the acknowledgement")

            def on_event(self, step: Step) -> None:
                due = step.business_days(self.business_days)

    The type is the default's: ``bool``, ``int``, ``float``, ``str`` or a tuple of strings.
    Numbers are at least ``minimum`` (0 unless given) and at most ``maximum`` (no bound
    unless given: give one, since a deadline of a hundred million business days is a typo
    that would cost every event seconds): ``Option(9, "...", minimum=0, maximum=23)`` for an
    hour of the day.  A policy value out of range is a :class:`~cx_rules.PolicyError` naming
    the rule, the key and the range.  ``choices`` limits strings.  ``of``
    says that the strings name ``"activities"`` or ``"states"`` of the process model: the
    engine then refuses a policy value the model does not know (a typo would otherwise make
    the rule silently never apply).
    """

    def __init__(
        self,
        default: T,
        doc: str,
        *,
        minimum: float | None = 0,
        maximum: float | None = None,
        choices: Sequence[str] | None = None,
        of: str | None = None,
    ) -> None:
        if of is not None and of not in _NAMES:
            raise ValueError(f"Option of: expected one of {', '.join(_NAMES)}, got {of!r}")
        if of is not None and not isinstance(default, tuple):
            raise ValueError(f"Option of={of!r} needs a tuple of names as its default")
        self.default = default
        self.doc = doc
        if minimum is not None and maximum is not None and maximum < minimum:
            raise ValueError(f"Option maximum {maximum!r} is below its minimum {minimum!r}")
        self.minimum = minimum
        self.maximum = maximum
        self.choices = tuple(choices) if choices is not None else None
        self.of = of
        self.name = ""
        self.validate(default, "default")

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Option[T]: ...
    @overload
    def __get__(self, instance: Rule, owner: type) -> T: ...
    def __get__(self, instance: Rule | None, owner: type) -> Option[T] | T:
        if instance is None:
            return self
        value: T = instance._values[self.name]
        return value

    @property
    def kind(self) -> str:
        """The option's type as a policy author reads it (``integer``, ``list of strings``)."""
        return _kind_name(self.default)

    @property
    def range(self) -> str:
        """The numbers allowed, as a policy author reads them (``0 to 23``, ``at least 1``);
        empty for an option that is not a number or has no bound."""
        if isinstance(self.default, bool) or not isinstance(self.default, int | float):
            return ""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"{low:g} to {high:g}"
        if low is not None:
            return f"at least {low:g}"
        return "" if high is None else f"at most {high:g}"

    def validate(self, value: object, where: str) -> T:
        """Return ``value`` converted to the option's type, or raise :class:`PolicyError`."""
        default = self.default
        expected = self.kind
        result: object
        if isinstance(default, bool):
            ok = isinstance(value, bool)
            result = value
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
            result = value
        elif isinstance(default, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            result = float(value) if ok else value  # type: ignore[arg-type]
        elif isinstance(default, str):
            ok = isinstance(value, str)
            result = value
        elif isinstance(default, tuple):
            ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            result = tuple(value) if ok else value  # type: ignore[arg-type]
        else:  # pragma: no cover - guarded by the default's own validation
            raise TypeError(f"unsupported option type {type(default).__name__}")
        if not ok:
            raise PolicyError(f"{where}: expected {expected}, got {value!r}")
        if (
            isinstance(result, int | float)
            and not isinstance(result, bool)
            and (
                (self.minimum is not None and result < self.minimum)
                or (self.maximum is not None and result > self.maximum)
            )
        ):
            low, high = self.minimum, self.maximum
            bounds = (
                f"from {low:g} to {high:g}"
                if low is not None and high is not None
                else f"of at least {low:g}"
                if low is not None
                else f"of at most {high:g}"
            )
            raise PolicyError(f"{where}: expected {self.kind} {bounds}, got {value!r}")
        if self.choices is not None:
            items = result if isinstance(result, tuple) else (result,)
            for item in items:
                if item not in self.choices:
                    raise PolicyError(
                        f"{where}: expected one of {', '.join(self.choices)}, got {item!r}"
                    )
        return result  # type: ignore[return-value]


def _kind_name(default: object) -> str:
    if isinstance(default, bool):
        return "a boolean"
    if isinstance(default, int):
        return "an integer"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, str):
        return "a string"
    if isinstance(default, tuple):
        return "a list of strings"
    raise TypeError(
        f"an option default must be bool, int, float, str or a tuple of str, got {default!r}"
    )


class Rule:
    """Base class of every rule, built-in or from a plugin.

    A rule is a plain object: class attributes hold its metadata, :class:`Option` attributes
    its settings, and :meth:`on_event` its logic.  The engine calls :meth:`on_event` only for
    the activities listed in :attr:`activities`, after the case has moved to its new state.

    Metadata (all class attributes):

    - ``code``: a stable identifier, a prefix of capital letters and three or more digits
      (``CX102``; plugins use their own prefix, ``ACME101``);
    - ``name``: kebab-case (``personal-rejection``);
    - ``practice``: the practice it belongs to (``communication``, ``gratitude``, ...);
    - ``severity``: the default :class:`~cx_rules.Severity`;
    - ``summary``: one sentence, what it checks; ``why``: why it matters (with a figure and its
      source where there is one); ``passing`` and ``violating``: example events as JSON lines;
    - ``evidence``: the evidence keys its verdict rests on (see :mod:`cx_rules.coverage`:
      activities such as ``interview_held``, attributes such as ``rejected.reason``,
      alternatives joined by ``|``).  Auditing a source whose coverage cannot hold one of
      them (``cx-rules audit --from SYSTEM``), every check of the rule is unknown, "not
      recorded by this source".  Empty (the default): the rule judges whatever it is given.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    practice: ClassVar[str]
    severity: ClassVar[Severity]
    activities: ClassVar[frozenset[str]] = frozenset()
    summary: ClassVar[str] = ""
    why: ClassVar[str] = ""
    passing: ClassVar[tuple[str, ...]] = ()
    violating: ClassVar[tuple[str, ...]] = ()
    evidence: ClassVar[frozenset[str]] = frozenset()
    _option_specs: ClassVar[Mapping[str, Option[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs: dict[str, Option[Any]] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, Option):
                    specs[attr] = value
        cls._option_specs = specs

    def __init__(self, **options: Any) -> None:
        values = {name: spec.default for name, spec in self._option_specs.items()}
        for key, value in options.items():
            spec = self._option_specs.get(key)
            if spec is None:
                known = ", ".join(sorted(self._option_specs)) or "none"
                raise PolicyError(
                    f"rules.{self.code}: unknown option {key!r} (options of "
                    f"{self.code} {self.name}: {known})"
                )
            values[key] = spec.validate(value, f"rules.{self.code}.{key}")
        self._values: dict[str, Any] = values
        # An Option only defines __get__, so a value in the instance's own dict wins over it:
        # the rules read their options on every event, and this spares them a call each time.
        vars(self).update(values)

    @classmethod
    def option_specs(cls) -> Mapping[str, Option[Any]]:
        """The options this rule declares, by name."""
        return cls._option_specs

    @property
    def option_values(self) -> Mapping[str, Any]:
        """The options in force on this instance, by name."""
        return dict(self._values)

    def subscriptions(self) -> frozenset[str]:
        """The activities this instance wants to see; by default :attr:`activities`.

        Override when options decide the subscriptions (the engine asks once, when built).
        :data:`EVERY_ACTIVITY` among them stands for every activity of the engine's model.
        """
        return self.activities

    def reacts(self, activity: str, previous: str, state: str) -> Reaction:
        """Where :meth:`on_event` can change anything: the engine calls it only there.

        Asked once, when the engine is built, for each move of the process model on an
        activity the rule subscribes to: ``activity`` taking a case from state ``previous``
        to ``state``.  :data:`ALWAYS` (the default): the rule is called on every such event;
        :data:`OWN_OBLIGATIONS`: only when the case holds an obligation this rule opened
        (open or overdue), for a move on which the rule does nothing but fulfil, cancel or
        discharge its own obligations; :data:`NEVER`: the rule does nothing on this move.

        The answer must follow :meth:`on_event` exactly: a rule skipped where it would have
        reported changes the findings.  Override it only to spare the engine calls that
        change nothing; ``cx_rules.testing`` checks a declaration by running the rule
        everywhere and comparing.
        """
        return ALWAYS

    def on_event(self, step: Step) -> None:
        """Judge ``step.event``: report outcomes and open or discharge obligations.

        The default does nothing; a rule that subscribes to activities overrides it.
        """

    def _compiled_timer(self) -> Timer | None:
        # A rule whose on_event is exactly run_timer of a timer (cx_rules.shapes) gives it
        # here, and the engine's compiled table runs it without a step; None (the default):
        # the engine calls on_event.
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code} {self.name}>"
