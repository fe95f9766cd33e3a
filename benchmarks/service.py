"""The service under load and faults, with a real HTTP client against 127.0.0.1.

Three measurements, each against ``cx-rules serve`` started as a subprocess:

- **load**: 16 concurrent clients (one asyncio task each, one keep-alive connection each)
  record events on their own cases, each case a realistic sequence; records/s over the run
  and the p50/p99 latency of one record, per store;
- **one case, 8 writers**: 8 clients record distinct events on the same case at once; then
  every event must be on the case;
- **kill -9**: a write load, the server killed with SIGKILL in the middle, restarted on the
  same store; every event whose record was answered 200 must be there, and the store's
  consistency check must find nothing.

The load client (aiohttp, one keep-alive connection per client) runs on the same 2 cores as the server: records/s are the pair's.  Give
``--postgres DSN`` (for instance from ``.ci/postgres start DIR``) to measure PostgreSQL too.
Needs the test extra (aiohttp, httpx, starlette, uvicorn, psycopg).

Run: ``python benchmarks/service.py [--records 20000] [--postgres DSN]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from _common import machine

from cx_rules.server.security import hash_token
from cx_rules.stores import open_store

TOKEN = "benchmark-token-0123456789abcdef"
STEPS = (
    ("application_received", "portal"),
    ("application_acknowledged", "email"),
    ("screening_started", None),
    ("interview_scheduled", "email"),
    ("interview_held", "video"),
    ("status_update_sent", "email"),
    ("rejected", "phone"),
    ("thank_you_sent", "email"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, folder: Path, store: str) -> None:
        self.folder, self.store, self.port = folder, store, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tokens = folder / "tokens.toml"
        self.tokens.write_text(
            f'[[token]]\nname = "bench"\nsha256 = "{hash_token(TOKEN)}"\n'
            'scopes = ["read", "record"]\n'
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        args = [sys.executable, "-m", "cx_rules", "serve", "--port", str(self.port)]
        args += ["--store", self.store, "--tokens", str(self.tokens), "--rate", "0"]
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=log)
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server did not get ready; see {self.folder / 'server.log'}")

    def cpu_seconds(self) -> float:
        """User and system CPU time the server process has used so far."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def body(step: int, case: str, n: int) -> dict[str, Any]:
    activity, channel = STEPS[step % len(STEPS)]
    minutes = n * 5
    at = f"2026-03-{2 + minutes // 1440:02d}T{(minutes // 60) % 24:02d}:{minutes % 60:02d}:00Z"
    data: dict[str, Any] = {"activity": activity, "timestamp": at, "event_id": f"{case}-{n}"}
    if channel:
        data["channel"] = channel
    if activity == "rejected":
        data["attributes"] = {"reason": "another candidate's experience fitted better"}
    return data


async def load(url: str, records: int, clients: int, prefix: str) -> dict[str, float]:
    latencies: list[float] = []
    per_client = records // clients
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def client(k: int) -> None:
        connector = aiohttp.TCPConnector(limit=1)  # one keep-alive connection per client
        async with aiohttp.ClientSession(url, headers=headers, connector=connector) as http:
            for i in range(per_client):
                case = f"{prefix}-{k}-{i // len(STEPS)}"
                started = time.perf_counter()
                async with http.post(
                    f"/v1/cases/{case}/events", json=body(i, case, i % len(STEPS))
                ) as answer:
                    await answer.read()
                    latencies.append(time.perf_counter() - started)
                    if answer.status != 200:
                        raise RuntimeError(f"{answer.status}: {(await answer.text())[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "records": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


async def one_case(url: str, writers: int, each: int) -> tuple[int, int]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    case = f"shared-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
        first = body(0, case, 0)
        assert (await http.post(f"/v1/cases/{case}/events", json=first)).status_code == 200

        async def writer(w: int) -> int:
            ok = 0
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as mine:
                for i in range(each):
                    minute = 1 + w * each + i
                    data = {
                        "activity": "question_received",
                        "timestamp": f"2026-03-02T{9 + minute // 60:02d}:{minute % 60:02d}:00Z",
                        "event_id": f"w{w}-{i}",
                    }
                    answer = await mine.post(f"/v1/cases/{case}/events", json=data)
                    ok += answer.status_code == 200
            return ok

        acknowledged = sum(await asyncio.gather(*(writer(w) for w in range(writers))))
        stored = (await http.get(f"/v1/cases/{case}?findings=false")).json()["events"]
    return acknowledged, stored - 1


async def write_until_killed(url: str, acked: list[tuple[str, str]], stop: asyncio.Event) -> None:
    run = uuid.uuid4().hex[:6]
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def client(k: int) -> None:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=5) as http:
            i = 0
            while not stop.is_set():
                case = f"crash-{run}-{k}-{i // len(STEPS)}"
                data = body(i, case, i % len(STEPS))
                try:
                    answer = await http.post(f"/v1/cases/{case}/events", json=data)
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    acked.append((case, data["event_id"]))
                i += 1

    await asyncio.gather(*(client(k) for k in range(16)))


def crash(folder: Path, store: str) -> tuple[int, int, list[str]]:
    server = Server(folder, store).start()
    acked: list[tuple[str, str]] = []

    async def run() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(write_until_killed(server.url, acked, stop))
        await asyncio.sleep(3)
        server.kill()  # SIGKILL while records are in flight
        stop.set()
        await task

    asyncio.run(run())
    server = Server(folder, store).start()  # the same store, after the crash
    missing = 0
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        by_case: dict[str, set[str]] = {}
        for case, eid in acked:
            by_case.setdefault(case, set()).add(eid)
        for case, ids in by_case.items():
            answer = http.get(f"/v1/cases/{case}?findings=false")
            count = answer.json()["events"] if answer.status_code == 200 else 0
            missing += max(0, len(ids) - count)
    server.stop()
    opened = open_store(store)
    problems = opened.check()
    opened.close()
    return len(acked), missing, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--postgres", metavar="DSN", help="measure PostgreSQL too")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stores = [("SQLite", f"sqlite:///{folder / 'bench.db'}")]
        if args.postgres:
            stores.append(("PostgreSQL", args.postgres))
        for name, store in stores:
            server = Server(folder, store).start()
            try:
                asyncio.run(load(server.url, 800, args.clients, f"warm-{uuid.uuid4().hex[:6]}"))
                cpu = server.cpu_seconds()
                figures = asyncio.run(
                    load(server.url, args.records, args.clients, f"run-{uuid.uuid4().hex[:6]}")
                )
                cpu = server.cpu_seconds() - cpu
                acknowledged, stored = asyncio.run(one_case(server.url, 8, 25))
            finally:
                server.stop()
            print(
                f"{name}: {figures['records']:.0f} records by {args.clients} clients: "
                f"{figures['per_second']:,.0f} records/s, p50 {figures['p50_ms']:.1f} ms, "
                f"p99 {figures['p99_ms']:.1f} ms"
            )
            print(
                f"{name}: the server used {cpu:.1f} CPU-seconds, {cpu / figures['records'] * 1000:.2f} "
                f"ms per record: {figures['records'] / cpu:,.0f} records/s per core it has to itself"
            )
            print(f"{name}: 8 writers on one case: {acknowledged} acknowledged, {stored} stored")
            acked, missing, problems = crash(folder, store)
            print(
                f"{name}: kill -9 under load: {acked} acknowledged before the kill, "
                f"{missing} missing after the restart, consistency check: "
                f"{'; '.join(problems) or 'nothing found'}"
            )
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
