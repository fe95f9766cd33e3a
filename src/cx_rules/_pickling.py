"""Engines and policies as picklable values, so that one engine can be sent to every worker.

Imported by :mod:`cx_rules.partials` (and so by ``import cx_rules``): from then on
``pickle.dumps(engine)`` works.  A read-only mapping (:class:`types.MappingProxyType`, which
a policy's tables are) pickles as a read-only view of a copy of what it shows, and an engine
as its state without the lock that guards its overrun counts: the copy gets a lock of its
own.  Rules hold no locks or clients, which is what lets this work.
"""

from __future__ import annotations

import copyreg
import threading
import types
from typing import Any

from .engine import Engine

__all__: list[str] = []


def _proxy(values: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(values)


def _reduce_proxy(proxy: types.MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _proxy, (dict(proxy),)


def _engine_again(state: dict[str, Any]) -> Engine:
    engine = Engine.__new__(Engine)
    engine.__dict__.update(state)
    engine._overruns_lock = threading.Lock()
    return engine


def _reduce_engine(engine: Engine) -> tuple[Any, ...]:
    state = dict(engine.__dict__)
    del state["_overruns_lock"]  # a lock does not travel: the copy gets its own
    return _engine_again, (state,)


copyreg.pickle(types.MappingProxyType, _reduce_proxy)
copyreg.pickle(Engine, _reduce_engine)
