"""Sphinx configuration for the cx-rules documentation."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from _examplereports import write_recruiting_red  # noqa: E402
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
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "rules/generated/catalogue.md",
    "guide/generated",
]
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
# The audit guide shows the report of pm4py's recruiting log as the audit gives it today.
write_recruiting_red(HERE / "guide" / "generated")


class _ImportFailures(logging.Handler):
    """Notes every object autodoc could not import (Sphinx only warns, then leaves the object
    out of the page: a build without Hypothesis would drop cx_rules.testing.strategies)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failures: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "failed to import" in message:
            first = message.splitlines()[0].split("; the following exception")[0]
            if first not in self.failures:
                self.failures.append(first)


def _fail_on_import_failures(
    failures: _ImportFailures,
) -> Callable[[Sphinx, Exception | None], None]:
    def check(app: Sphinx, exception: Exception | None) -> None:
        if exception is None and failures.failures:
            raise ExtensionError(
                "autodoc could not import what the API reference documents (install the "
                "docs extra: pip install -e '.[docs]'): " + "; ".join(failures.failures)
            )

    return check


def setup(app: Sphinx) -> None:
    # An import autodoc cannot make fails the build, with -W or without.
    failures = _ImportFailures()
    logging.getLogger("sphinx").addHandler(failures)
    app.connect("build-finished", _fail_on_import_failures(failures))
