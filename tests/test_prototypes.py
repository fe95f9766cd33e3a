"""The prototypes' own check, as a test: on the generated log, the deadline rules CX401 and
CX405 find the same violations, passes and pending checks in the engine and in the compiled
loop of ``benchmarks/prototypes/fastpath.py`` (and in the columnar prototype when polars is
installed).  ``benchmarks/prototypes/deadlines.py`` compares them and exits 1 on any
difference; here it runs on a small log written to a temporary folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def deadlines(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.syspath_prepend(str(BENCHMARKS / "prototypes"))
    for name in ("_common", "deadlines", "fastpath", "columnar", "spec"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    common = importlib.import_module("_common")
    monkeypatch.setattr(common, "DATA", tmp_path)  # the generated log goes here
    return importlib.import_module("deadlines")


def test_the_prototypes_find_what_the_engine_finds(deadlines, capsys):
    designs = ["engine", "compiled"]
    if importlib.util.find_spec("polars") is not None:
        designs.append("columnar")
    code = deadlines.main(["--events", "3000", "--designs", ",".join(designs), "--rounds", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "3,000 events" in out
