"""Clients of the service in another language, and a property-based tester of its OpenAPI
document: the service as a Java or Node ATS would call it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TOKEN, Server

HERE = Path(__file__).parent


def test_a_node_client_with_fetch(server: Server) -> None:
    node = shutil.which("node")
    if node is None:  # .ci/run installs Node when missing
        pytest.skip("node is not installed")
    run = subprocess.run(
        [node, str(HERE / "client.mjs"), server.url, TOKEN],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["statuses"] == [200, 200, 200, 422]
    assert seen["duplicate"] is True
    assert seen["unknown"] == "unknown_activity"
    assert seen["suggestions"][0] == "application_received"
    assert seen["state"] == "applied"
    assert seen["events"] == 2
    assert sorted(seen["due"]) == ["CX104", "CX405"]  # the acknowledgement is done


def test_schemathesis_finds_nothing_against_the_openapi_document(
    make_server: type[Server], tmp_path: Path
) -> None:
    """Property-based requests generated from the served document: no server error, every
    answer in its documented status, type and schema, every invalid request refused.

    ``positive_data_acceptance`` is left out: an activity the model does not know, or a time
    without a zone, is valid JSON Schema and still refused (with 400 or 422), by design.
    """
    tester = Path(sys.executable).parent / "schemathesis"
    if not tester.exists():
        pytest.skip("schemathesis is not installed (it is in the test extra)")
    s = make_server(tmp_path, f"sqlite:///{tmp_path / 'st.db'}", CX_RULES_RATE="0").start()
    run = subprocess.run(
        [
            str(tester),
            "run",
            f"{s.url}/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {TOKEN}",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "25",
            "--seed",
            "16",
            "--phases",
            "examples,coverage,fuzzing,stateful",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-6000:]
    assert re.search(r"Tested: 12\b", run.stdout), run.stdout[-3000:]  # every operation ran
