"""Faults: the server killed with SIGKILL under a write load loses nothing it acknowledged."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import httpx

from conftest import TOKEN, Server
from cx_rules.stores import open_store


def test_kill_9_under_load_then_restart_keeps_every_acknowledged_event(
    make_server: type[Server], tmp_path: Path, store_url: str
) -> None:
    run = uuid.uuid4().hex[:8]
    server = make_server(tmp_path, store_url, CX_RULES_RATE="0").start()
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(k: int) -> None:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        ) as http:
            i = 0
            while not stop.is_set():
                case = f"crash-{run}-{k}-{i // 20}"
                minute = i % 20
                body = {
                    "activity": "application_received" if minute == 0 else "question_received",
                    "timestamp": f"2026-03-02T09:{minute:02d}:00Z",
                    "event_id": f"{case}-{minute}",
                }
                try:
                    answer = http.post(f"/v1/cases/{case}/events", json=body)
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    with lock:
                        acknowledged.append((case, body["event_id"]))
                i += 1

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) > 20, "the load ran"

    restarted = make_server(tmp_path, store_url).start()
    expected: dict[str, set[str]] = {}
    for case, eid in acknowledged:
        expected.setdefault(case, set()).add(eid)
    store = open_store(store_url)
    try:
        for case, ids in expected.items():
            stored = {e.event_id for e in store.load(case)[0].events}
            assert ids <= stored, f"{case}: lost {sorted(ids - stored)}"
        assert store.check() == []
    finally:
        store.close()
    with restarted.client() as http:
        assert http.get("/readyz").status_code == 200
