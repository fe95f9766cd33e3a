"""Audits of Spark DataFrames and of Parquet logs on Spark: the same report as
:func:`cx_rules.audit`, computed on a Spark session, local or a cluster.

pyspark is optional (``pip install 'cx-rules[spark]'``): it is imported when an audit runs,
never when this package is.  See the "Large audits" guide.
"""

from __future__ import annotations

from ._audit import audit, audit_parquet, audit_partial

__all__ = ["audit", "audit_parquet", "audit_partial"]
