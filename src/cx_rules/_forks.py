"""The forked processes of ``audit(jobs=N)``: started, spoken to, stopped.

Both ways of sharing an audit out (every share reading the log, :mod:`cx_rules.auditing`;
ranges of a columnar log read once, :mod:`cx_rules._columnar_jobs`) talk to their children
the same way: a child answers each pass with an *outcome*, ``("ok", result)`` or
``("failed", position, error)``, where ``position`` orders the failures as one process would
have met them; between passes the parent sends a value (the cut-off) or :data:`STOP`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final, TypeAlias

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["STOP", "Children", "Outcome", "attempt", "portable", "raise_first", "serve"]

Outcome: TypeAlias = tuple[Any, ...]
#: What the parent sends instead of the next pass's value when the audit stops early.
STOP: Final = "stop"


def portable(exc: Exception) -> Exception:
    """The error as it can cross to the parent: itself when it pickles, else a stand-in
    that keeps its type's name and message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def attempt(run: Callable[[], object], position: Callable[[], int]) -> Outcome:
    """``run()`` as an outcome; a failure carries ``position()``, asked after it failed."""
    try:
        return ("ok", run())
    except Exception as exc:
        return ("failed", position(), portable(exc))


def raise_first(outcomes: Sequence[Outcome]) -> None:
    """Raise the error of the failure with the lowest position, if any failed."""
    failed = [outcome for outcome in outcomes if outcome[0] == "failed"]
    if failed:
        _, _, error = min(failed, key=itemgetter(1))
        raise error


def serve(
    link: Connection,
    first: Callable[[], Outcome],
    then: Callable[[Any], Outcome],
) -> None:
    """A child's side: the first pass's outcome, then, given the parent's value, the
    second's (nothing more when the first failed or the parent says :data:`STOP`)."""
    outcome = first()
    link.send(outcome)
    if outcome[0] != "ok":
        return
    value = link.recv()
    if value == STOP:
        return
    link.send(then(value))


class Children:
    """Forked children, each with a pipe to this process; on leaving the ``with`` block
    every child is told to stop, and joined (terminated when it does not end)."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("fork")
        self._links: list[Connection] = []
        self._children: list[Any] = []  # the context's Process type, which typeshed does not name

    def start(self, target: Callable[..., None], args: tuple[Any, ...], name: str) -> None:
        """Fork a child running ``target(link, *args)``."""
        mine, theirs = self._context.Pipe()
        child = self._context.Process(target=target, args=(theirs, *args), name=name, daemon=True)
        child.start()
        theirs.close()
        self._links.append(mine)
        self._children.append(child)

    def receive(self) -> list[Outcome]:
        """Each child's next outcome, in the order they were started."""
        return [
            self._receive(link, child)
            for link, child in zip(self._links, self._children, strict=True)
        ]

    def send(self, value: object) -> None:
        """Send ``value`` to every child."""
        for link in self._links:
            link.send(value)

    @staticmethod
    def _receive(link: Connection, child: Any) -> Outcome:
        try:
            outcome: Outcome = link.recv()
        except EOFError:
            child.join(timeout=5)
            raise RuntimeError(
                f"{child.name} stopped without a result (exit code {child.exitcode})"
            ) from None
        return outcome

    def __enter__(self) -> Children:
        return self

    def __exit__(self, *exc: object) -> None:
        for link in self._links:
            with contextlib.suppress(OSError):  # a child that is done has closed its end
                link.send(STOP)
            link.close()
        for child in self._children:
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()
                child.join()
