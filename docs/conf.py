"""Sphinx configuration for the cx-rules documentation."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from _rulepages import write_rule_pages  # noqa: E402

import cx_rules  # noqa: E402

project = "cx-rules"
author = "the cx-rules developers"
copyright = "2026, the cx-rules developers"
release = cx_rules.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# The catalogue is included into rules/index.md, not a page of its own.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "rules/generated/catalogue.md"]
templates_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True, "show-inheritance": False}
nitpicky = False

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "alabaster"
html_title = f"cx-rules {release}"
html_static_path: list[str] = []

# The rule pages are generated from the rules' own metadata on every build, so the
# documentation and `cx-rules rule CODE` never drift apart.
write_rule_pages(HERE / "rules" / "generated")
