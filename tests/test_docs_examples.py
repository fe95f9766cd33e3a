"""Every ```python block in the documentation runs (blocks of one page share a namespace).

Blocks that are not meant to run use another language tag (``text``, ``toml``, ``sh``).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
PAGES = sorted(
    p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "generated" not in p.parts
)


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if BLOCK.search(p.read_text("utf-8"))],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    out = io.StringIO()
    for number, match in enumerate(BLOCK.finditer(page.read_text("utf-8")), start=1):
        code = compile(match.group(1), f"{page.name}[block {number}]", "exec")
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    expected = [
        line.split("# ", 1)[1]
        for match in BLOCK.finditer(page.read_text("utf-8"))
        for line in match.group(1).splitlines()
        if line.startswith("# ") and not line.startswith("# ...")
    ]
    printed = out.getvalue().splitlines()
    # Comment lines show what the page's code prints, in order; "(...)" abbreviates a tail.
    matched = [
        line
        for line in printed
        if any(line.startswith(shown.split("(...)")[0].rstrip()) for shown in expected)
    ]
    assert len(matched) == len(expected), (expected, printed)
    for shown, line in zip(expected, matched, strict=True):
        head, abbreviated, _ = shown.partition("(...)")
        assert line.startswith(head.rstrip()) if abbreviated else line == shown, (shown, line)
    assert os.getcwd() == str(tmp_path)
