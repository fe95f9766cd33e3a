"""The documentation build: what plugin authors need most is on the API page, and an import
autodoc cannot make fails the build (Sphinx alone would only warn and drop the object)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")


def _build(out: Path, *extra: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", *extra, str(ROOT / "docs"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_the_docs_extra_brings_what_autodoc_imports():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]
    names = {spec.split(">")[0].split("[")[0] for spec in extras["docs"]}
    # cx_rules.testing.strategies imports Hypothesis, the pytest plugin imports pytest.
    assert {"sphinx", "myst-parser", "hypothesis", "pytest"} <= names
    assert {"hypothesis", "pytest"} == {spec.split(">")[0] for spec in extras["testing"]}


def test_the_api_page_documents_the_plugin_kit(tmp_path):
    # The README's command, without -W: it must still document everything.
    result = _build(tmp_path / "html")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "html" / "reference" / "api.html").read_text("utf-8")
    for anchor in (
        "cx_rules.testing.strategies.event_sequences",
        "cx_rules.testing.pytest_plugin.cx_engine",
        "cx_rules.testing.pytest_plugin.cx_engine_factory",
        "cx_rules.UnknownActivity",
    ):
        assert f'id="{anchor}"' in page, anchor


def test_a_failed_autodoc_import_fails_the_build(tmp_path):
    # Hypothesis "missing": a package of that name that cannot be imported.
    fake = tmp_path / "site" / "hypothesis"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("no Hypothesis here")\n')
    env = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"}
    result = _build(tmp_path / "html", env=env)
    assert result.returncode != 0
    assert "autodoc could not import what the API reference documents" in result.stderr
    assert "cx_rules.testing" in result.stderr
