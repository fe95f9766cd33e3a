"""Fixtures of the service tests: both event stores, and the service as a real subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cx_rules.server.security import hash_token
from cx_rules.stores import SQLiteEventStore

POSTGRES_ENV = "CX_RULES_TEST_POSTGRES"
TOKEN = "test-token-0123456789abcdef"  # scopes read, record, audit
READER = "reader-token-0123456789abcdef"  # scope read only
GREENHOUSE_SECRET = "greenhouse-secret-key"
LEVER_TOKEN = "lever-signature-token"


def postgres_dsn() -> str:
    """The test server's DSN; skips without one, but fails in CI, where .ci/run starts one."""
    dsn = os.environ.get(POSTGRES_ENV)
    if not dsn:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_ENV} is not set: .ci/run starts a PostgreSQL server for CI")
        pytest.skip(f"{POSTGRES_ENV} is not set (start one with .ci/postgres start DIR)")
    return dsn


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL of each kind: an SQLite file, or PostgreSQL tables of a fresh prefix."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}"
    return postgres_dsn()


@pytest.fixture
def store(request: pytest.FixtureRequest, store_url: str) -> Iterator[object]:
    """An empty event store of each kind."""
    if store_url.startswith("sqlite:///"):
        s: object = SQLiteEventStore(store_url.removeprefix("sqlite:///"))
        yield s
        s.close()  # type: ignore[attr-defined]
        return
    from cx_rules.stores.postgres import PostgresEventStore

    pg = PostgresEventStore(store_url, prefix=f"t{uuid.uuid4().hex[:12]}")
    yield pg
    pg.drop()
    pg.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``cx-rules serve`` in a subprocess, with a client for it."""

    def __init__(self, folder: Path, store: str, *, policy: str | None = None, **env: str) -> None:
        self.folder, self.store, self.policy, self.env = folder, store, policy, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        tokens = folder / "tokens.toml"
        tokens.write_text(
            "[[token]]\n"
            f'name = "ats"\nsha256 = "{hash_token(TOKEN)}"\nscopes = ["read", "record", "audit"]\n'
            "[[token]]\n"
            f'name = "dashboard"\nsha256 = "{hash_token(READER)}"\nscopes = ["read"]\n',
            encoding="utf-8",
        )
        self.tokens = tokens
        self.log = folder / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        args = [sys.executable, "-m", "cx_rules", "serve", "--port", str(self.port)]
        args += ["--store", self.store, "--tokens", str(self.tokens)]
        if self.policy:
            args += ["--policy", self.policy]
        env = {
            **os.environ,
            "CX_RULES_GREENHOUSE_SECRET": GREENHOUSE_SECRET,
            "CX_RULES_LEVER_SIGNATURE_TOKEN": LEVER_TOKEN,
            **self.env,
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=log, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the server did not get ready in 30 s")

    def client(self, token: str | None = TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The service on an SQLite store."""
    s = Server(tmp_path, f"sqlite:///{tmp_path / 'cases.db'}").start()
    yield s
    s.stop()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[type[Server]]:
    """Start servers with other settings; all are stopped at the end."""
    started: list[Server] = []

    class Made(Server):
        def start(self) -> Server:
            started.append(self)
            return super().start()

    yield Made
    for s in started:
        s.stop()
