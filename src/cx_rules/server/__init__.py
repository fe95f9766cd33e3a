"""``cx-rules serve``: the engine as an HTTP service and webhook receiver.

Install with ``pip install 'cx-rules[server]'`` (Starlette and uvicorn).  :func:`create_app`
builds the ASGI application from a :class:`ServerConfig`; :func:`serve` runs it with uvicorn.
See ``docs/guide/service.md``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .config import ServerConfig

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["ServerConfig", "create_app", "serve"]


def _require() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise ImportError(
            "cx-rules serve needs the server extra: pip install 'cx-rules[server]'"
        ) from None


def create_app(config: ServerConfig | None = None) -> Starlette:
    """The ASGI application (see :mod:`cx_rules.server.app`)."""
    _require()
    from .app import create_app as build

    return build(config)


def serve(config: ServerConfig, *, host: str = "127.0.0.1", port: int = 8080, **extra: Any) -> None:
    """Run the service with uvicorn until interrupted."""
    _require()
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(config)
    # uvicorn's access log prints each path, and paths hold case ids: the service logs its
    # own lines (route, status, token name, milliseconds) instead.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", **extra)
