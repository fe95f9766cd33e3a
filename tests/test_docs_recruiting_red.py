"""The audit guide's report of pm4py's recruiting log is generated, never pasted by hand.

The log lives outside the repository (``<repo root>/../shared/data``); the tests that read
it are skipped where it is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS))

from _examplereports import recruiting_red_markdown, shared_log  # noqa: E402

LOG = shared_log()


def test_without_the_log_the_page_says_it_is_missing() -> None:
    page = recruiting_red_markdown(None)
    assert "was not found when these pages were built" in page
    assert "```text" not in page


@pytest.mark.skipif(LOG is None, reason="../shared/data/recruiting-red.jsonocel is not available")
def test_the_page_shows_the_coverage_table_of_todays_audit() -> None:
    page = recruiting_red_markdown(LOG)

    assert "Data coverage (916 cases)" in page
    assert "  application_acknowledged         0      916  cases" in page
    assert (
        "CX401: not recorded in this log: no application_acknowledged or status_update_sent "
        "or process_info_sent in 916 cases"
    ) in page
    assert "Fix first" in page
    assert "Worst cases" not in page
    assert str(LOG) not in page
