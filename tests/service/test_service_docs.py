"""The service's published documents stay what it serves, and the guide's curl walk-through
runs against a fresh service."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import TOKEN, Server
from cx_rules.jsonforms import SCHEMAS
from cx_rules.server.openapi import openapi_document

DOCS = Path(__file__).resolve().parents[2] / "docs"
SH = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_the_published_openapi_document_is_the_served_one(server: Server) -> None:
    published = json.loads((DOCS / "reference" / "openapi.json").read_text("utf-8"))
    assert published == openapi_document(), (
        "regenerate: python -m cx_rules.server.openapi > docs/reference/openapi.json"
    )
    with server.client() as http:
        assert http.get("/v1/openapi.json").json() == published


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_published_schemas_are_the_library_s(name: str) -> None:
    path = DOCS / "reference" / "schemas" / f"{name}.schema.json"
    assert json.loads(path.read_text("utf-8")) == SCHEMAS[name]


def test_the_curl_walk_through_runs(server: Server) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    page = (DOCS / "guide" / "service.md").read_text("utf-8")
    blocks = [b for b in SH.findall(page) if "$CX" in b]
    assert len(blocks) >= 5
    env = {**os.environ, "CX": server.url, "TOKEN": TOKEN}
    for block in blocks:
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 0, (block, run.stdout, run.stderr)
