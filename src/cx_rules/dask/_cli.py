"""``cx-rules audit --engine dask``: a client of the scheduler (or of a local cluster) for
the command, the audit, the client closed."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._engines import refuse_unsupported, require
from ..exceptions import CxRulesError

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["auditor"]


def auditor(address: str | None, settings: Mapping[str, str]) -> Callable[..., Report]:
    """The audit function of the command line, on the scheduler at ``address`` (default: a
    local cluster of one worker process per core), with the Dask configuration
    ``settings``."""
    require("dask.dataframe", "dask")
    require("distributed", "dask")

    def run(paths: Sequence[str], **options: Any) -> Report:
        import dask

        from ._audit import audit_parquet

        refuse_unsupported("dask", options)
        with dask.config.set(dict(settings)), _client(address):
            return audit_parquet(
                paths,
                engine=options["engine"],
                as_of=options["as_of"],
                mapping=options["mapping"],
                group_by=options["group_by"],
                coverage=options["coverage"],
            )

    return run


@contextlib.contextmanager
def _client(address: str | None) -> Iterator[None]:
    from distributed import Client, LocalCluster

    # The shuffle's progress notes are not the user's business.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    try:
        if address is None:
            cluster = LocalCluster(
                n_workers=os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        where = address or "a local cluster"
        raise CxRulesError(f"--engine dask: cannot connect to {where} ({exc})") from None
    try:
        yield
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
