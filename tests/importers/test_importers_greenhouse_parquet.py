"""Greenhouse's ``application_history`` as a Parquet file, as a warehouse sync writes it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cx_rules.importers import ImportResult
from cx_rules.importers.greenhouse import Greenhouse
from cx_rules.io.native import event_to_dict

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

DUMP = Path(__file__).parent / "data" / "greenhouse"
GREENHOUSE = Greenhouse()


def _write(path: Path, rows: list[dict[str, object]], zone: str | None = "UTC") -> None:
    table = pa.table(
        {
            "_fivetran_synced": pa.array([r["synced"] for r in rows], pa.timestamp("ms", zone)),
            "application_id": pa.array([r["app"] for r in rows], pa.int64()),
            "new_stage_id": pa.array([r["stage"] for r in rows], pa.int64()),
            "new_status": pa.array([r["status"] for r in rows], pa.string()),
            "updated_at": pa.array([r["at"] for r in rows], pa.timestamp("ms", zone)),
        }
    )
    pq.write_table(table, path)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SYNCED = _at("2026-04-03T01:00:00")
ROWS = [
    {
        "synced": SYNCED,
        "app": 71001,
        "stage": 62826,
        "status": "active",
        "at": _at("2026-03-02T08:14:05"),
    },
    {
        "synced": SYNCED,
        "app": 71001,
        "stage": 62828,
        "status": "active",
        "at": _at("2026-03-09T11:00:00"),
    },
    {
        "synced": SYNCED,
        "app": 71001,
        "stage": None,
        "status": "rejected",
        "at": _at("2026-03-19T13:02:44.517"),
    },
    {
        "synced": SYNCED,
        "app": 71007,
        "stage": 62826,
        "status": "active",
        "at": _at("2026-03-07T10:00:00"),
    },
    {
        "synced": SYNCED,
        "app": 71007,
        "stage": 62827,
        "status": "active",
        "at": _at("2026-03-09T10:00:00"),
    },
    {
        "synced": SYNCED,
        "app": 71007,
        "stage": None,
        "status": "hired",
        "at": _at("2026-03-30T10:00:00"),
    },
    {
        "synced": SYNCED,
        "app": 71008,
        "stage": 62826,
        "status": "promoted",
        "at": _at("2026-03-08T10:00:00"),
    },
]


def _json_files() -> list[str]:
    return sorted(str(p) for p in DUMP.iterdir() if p.suffix in (".json", ".jsonl"))


def _without_ids(result: ImportResult) -> list[dict[str, object]]:
    return [{k: v for k, v in event_to_dict(e).items() if k != "event_id"} for e in result.events]


def test_the_history_as_parquet_imports_as_the_csv_does(tmp_path: Path) -> None:
    table = tmp_path / "application_history.parquet"
    _write(table, ROWS)
    parquet = ImportResult.of(GREENHOUSE.read([*_json_files(), str(table)]))
    csv = ImportResult.of(GREENHOUSE.read([*_json_files(), str(DUMP / "application_history.csv")]))

    assert _without_ids(parquet) == _without_ids(csv)
    assert [e.event_id for e in parquet.events if "history" in (e.event_id or "")] == [
        "gh-history-71001-row2",
        "gh-history-71007-row4",
        "gh-history-71007-row5",
        "gh-history-71007-row6-offer",
        "gh-history-71007-row6",
    ]
    history_errors = [str(e).replace(str(tmp_path) + "/", "") for e in parquet.errors]
    assert (
        "application_history.parquet (row 7): new_status: expected one of active, "
        "rejected, hired, got an 8-character string" in history_errors
    )


def test_naive_parquet_timestamps_are_input_errors_never_guessed(tmp_path: Path) -> None:
    table = tmp_path / "history.parquet"
    naive = [
        dict(r, synced=r["synced"].replace(tzinfo=None), at=r["at"].replace(tzinfo=None))
        for r in ROWS[:1]
    ]  # type: ignore[attr-defined]
    _write(table, naive, zone=None)
    result = ImportResult.of(GREENHOUSE.read([str(table)]))
    assert result.events == ()
    assert [str(e).replace(str(tmp_path) + "/", "") for e in result.errors] == [
        "history.parquet (row 1): updated_at: a 19-character string is not an ISO 8601 "
        "timestamp with a zone (expected e.g. 2026-03-02T09:30:00.000Z)"
    ]


def test_a_parquet_file_without_the_history_columns_is_refused(tmp_path: Path) -> None:
    from cx_rules.io.records import LogError

    table = tmp_path / "other.parquet"
    pq.write_table(pa.table({"application_id": [1], "status": ["active"]}), table)
    with pytest.raises(LogError, match="new_stage_id, new_status, updated_at"):
        ImportResult.of(GREENHOUSE.read([str(table)]))
