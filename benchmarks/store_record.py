"""Record events of the one-case log through ``record_in`` on a fresh store: the child that
the store row of ``table.py`` counts instructions of (``--store-valgrind``).

    python benchmarks/store_record.py KIND SIZE N    # the first N events of the SIZE-event log

KIND is ``case``, ``case-wal``, ``events`` or ``postgres`` (at ``$CX_RULES_TEST_POSTGRES``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import log

from cx_rules import Engine, Event, Policy
from cx_rules.io import read_path
from cx_rules.store import SQLiteCaseStore, record_in
from cx_rules.stores import SQLiteEventStore


def main(kind: str, size: int, count: int) -> None:
    stream = read_path(log(size, "jsonl", shape="one-case"))
    events = [r for r in stream if isinstance(r, Event)][:count]
    stream.close()
    engine = Engine(Policy(timezone="Europe/Copenhagen"))
    with tempfile.TemporaryDirectory() as where:
        if kind == "postgres":
            import os

            from cx_rules.stores.postgres import PostgresEventStore

            dsn = os.environ["CX_RULES_TEST_POSTGRES"]
            store: object = PostgresEventStore(dsn, prefix=f"child{os.getpid()}", pool=1)
        elif kind == "events":
            store = SQLiteEventStore(Path(where) / "events.db")
        else:
            store = SQLiteCaseStore(Path(where) / "cases.db", durable=kind == "case")
        for event in events:
            record_in(store, engine, event)  # type: ignore[arg-type]
        if kind == "postgres":
            store.drop()  # type: ignore[attr-defined]
        store.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
