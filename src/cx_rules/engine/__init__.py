"""The engine: applies events to cases and runs the rules on them.

A package of small modules: :mod:`.core` holds the public :class:`Engine` and its step,
:mod:`.compiled` the table the engine compiles from the process model and the rules,
:mod:`.recorded` the value a call returns and :mod:`.checks` the checks of an event before
it is recorded.
"""

from __future__ import annotations

from .core import Engine
from .recorded import Recorded

__all__ = ["Engine", "Recorded"]
