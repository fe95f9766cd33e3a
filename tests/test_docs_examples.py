"""Every ```python block in the documentation runs (blocks of one page share a namespace).

Blocks that are not meant to run use another language tag (``text``, ``toml``, ``sh``).
"""

from __future__ import annotations

import ast
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


EXAMPLES = [p for p in PAGES if BLOCK.search(p.read_text("utf-8"))]


def _run_page(page: Path) -> io.StringIO:
    """Run the page's blocks in order in one fresh namespace; what they printed."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    out = io.StringIO()
    for number, match in enumerate(BLOCK.finditer(page.read_text("utf-8")), start=1):
        code = compile(match.group(1), f"{page.name}[block {number}]", "exec")
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    return out


@pytest.mark.parametrize("page", EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = _run_page(page)
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


@pytest.mark.parametrize("page", EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run_twice(page, tmp_path, monkeypatch):
    # A reader runs an example again: whatever the first run left in the working directory
    # (a database, an exported file) must not make the second one fail or print otherwise.
    monkeypatch.chdir(tmp_path)
    first = _run_page(page).getvalue()
    second = _run_page(page).getvalue()
    assert first == second


def _bound_by_imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


@pytest.mark.parametrize("page", EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_each_block_imports_what_it_uses(page):
    # A block may go on with the values of the blocks before it (the page tells one story),
    # but a reader who copies one block must not miss an import made three blocks earlier.
    imported: set[str] = set()
    for number, match in enumerate(BLOCK.finditer(page.read_text("utf-8")), start=1):
        tree = ast.parse(match.group(1))
        own = _bound_by_imports(tree)
        used = {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        missing = sorted((used & imported) - own)
        assert not missing, f"{page.name} block {number} uses {missing} without importing them"
        imported |= own
