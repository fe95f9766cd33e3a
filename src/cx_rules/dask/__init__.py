"""Audits of Dask DataFrames and of Parquet logs with Dask: the same report as
:func:`cx_rules.audit`, computed on the current Dask scheduler (a distributed cluster when a
``distributed.Client`` is active).

dask is optional (``pip install 'cx-rules[dask]'``): it is imported when an audit runs,
never when this package is.  See the "Large audits" guide.
"""

from __future__ import annotations

from ._audit import audit, audit_parquet, audit_partial

__all__ = ["audit", "audit_parquet", "audit_partial"]
