"""The HTML report: see :mod:`cx_rules.report.html` (the page is a small package of its own,
with its style sheet and script as package data)."""

from __future__ import annotations

from .html import FINDINGS_SHOWN, csv_beside, to_html, write_html

__all__ = ["FINDINGS_SHOWN", "csv_beside", "to_html", "write_html"]
