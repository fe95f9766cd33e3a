"""Prototype (c): the same deadline shapes evaluated over a whole sorted log at once (polars).

The log is one frame, sorted by case and then in each case's replay order (the order the
engine replays it in, ``ProcessModel.in_order``), with a global row number ``row``.  For
each shape ``(after, then, cancel_on, days)`` and each ``after`` event (the open):

- the due time comes from the policy's calendar, once per open (one call per case here, not
  per event: the calendar stays the only definition of a business day);
- the *terminator* is the first later event of the case among ``then``, ``cancel_on`` and
  ``after`` (a new open replaces the old one): an as-of join forward on the row number;
- the outcome follows from three timestamps: passed when a ``then`` terminator comes at or
  before the due time; violated when the terminator (or, without one, the cut-off) is after
  it; pending otherwise.  A late ``then`` is reported at its own time unless an earlier
  event of the case had already passed the due time (then the obligation had expired and
  is reported at the due time), which is the previous row's timestamp.

What it cannot do on its own: walk the state machine.  The rules run only on events the
model allows, so a log with illegal transitions needs a sequential pass first; the driver
checks that the generated log has none (CX001 finds nothing) and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = ["evaluate"]

Found = tuple[str, str, str, datetime, datetime | None]


def evaluate(
    frame: Any,
    shapes: Sequence[Any],
    due_of: Callable[[datetime, int, bool], datetime],
    cut: datetime,
) -> tuple[list[Found], dict[str, int], dict[str, int]]:
    """Findings (violations), passed and pending counts per code of ``shapes`` over ``frame``.

    ``frame`` has columns ``case`` (str), ``activity`` (str), ``ts`` (aware datetime, UTC),
    ``row`` (the row number in replay order), and is sorted by ``row``.
    """
    import polars as pl

    frame = frame.with_columns(prev_ts=pl.col("ts").shift(1).over("case"))
    findings: list[Found] = []
    passed: dict[str, int] = {}
    pending: dict[str, int] = {}
    cut_utc = cut.astimezone(UTC)
    for shape in shapes:
        ends = (*shape.then, *shape.cancel_on, shape.after)
        opens = frame.filter(pl.col("activity") == shape.after).select("case", "row", "ts")
        # The calendar, once per distinct open moment.
        moments = opens.get_column("ts").unique().to_list()
        dues = {m: due_of(m, shape.days, shape.business).astimezone(UTC) for m in moments}
        opens = opens.with_columns(
            due=pl.col("ts").replace_strict(dues, return_dtype=pl.Datetime("us", "UTC"))
        )
        terminators = frame.filter(pl.col("activity").is_in(ends)).select(
            "case",
            pl.col("row").alias("end_row"),
            pl.col("activity").alias("end_activity"),
            pl.col("ts").alias("end_ts"),
            pl.col("prev_ts").alias("end_prev_ts"),
        )
        joined = opens.join_asof(
            terminators,
            left_on="row",
            right_on="end_row",
            by="case",
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,  # sorted by row, which is sorted within every case
        )
        fulfilled = pl.col("end_activity").is_in(shape.then)
        on_time = pl.col("end_ts") <= pl.col("due")
        late_reported_at_own_time = fulfilled & ~on_time & (pl.col("end_prev_ts") <= pl.col("due"))
        judged = joined.with_columns(
            outcome=pl.when(pl.col("end_row").is_null())
            .then(
                pl.when(pl.col("due") < cut_utc)
                .then(pl.lit("violated"))
                .otherwise(pl.lit("pending"))
            )
            .when(on_time)
            .then(pl.when(fulfilled).then(pl.lit("passed")).otherwise(pl.lit(None)))
            .otherwise(pl.lit("violated")),
            at=pl.when(late_reported_at_own_time).then(pl.col("end_ts")).otherwise(pl.col("due")),
        )
        counts = dict(judged.group_by("outcome").len().iter_rows())
        passed[shape.code] = int(counts.get("passed", 0))
        pending[shape.code] = int(counts.get("pending", 0))
        violated = judged.filter(pl.col("outcome") == "violated")
        code = shape.code
        findings.extend(
            (case, code, "violated", at, due)
            for case, at, due in violated.select("case", "at", "due").iter_rows()
        )
    return findings, passed, pending


def frame_of(cases: Sequence[tuple[str, Sequence[Any]]]) -> Any:
    """The frame :func:`evaluate` reads, from each case's events in replay order.

    (In a columnar design the reader builds these columns directly; here they are taken from
    the events the per-event paths read, so every design sees the same log.)"""
    import polars as pl

    case_col: list[str] = []
    activity: list[str] = []
    ts: list[datetime] = []
    for case_id, events in cases:
        seen: set[str] = set()
        for e in events:
            if e.event_id is not None:
                if e.event_id in seen:
                    continue
                seen.add(e.event_id)
            case_col.append(case_id)
            activity.append(e.activity)
            ts.append(e.timestamp.astimezone(UTC))
    return pl.DataFrame(
        {"case": case_col, "activity": activity, "ts": ts},
        schema={"case": pl.String, "activity": pl.String, "ts": pl.Datetime("us", "UTC")},
    ).with_row_index("row")
