"""A report format of ACME's own: one line per rule for the weekly people-team digest."""

from __future__ import annotations

from cx_rules import Report

__all__ = ["digest"]


def digest(report: Report) -> str:
    """``ACME101 manager-calls-final-round: 1 violated of 1`` per rule with findings."""
    # A log with no events has no as-of date: the digest says so rather than fail.
    as_of = "no events" if report.as_of is None else f"as of {report.as_of:%Y-%m-%d}"
    lines = [f"ACME candidate-experience digest, {as_of}"]
    for rule in report.rules:
        judged = rule.tally.passed + rule.tally.violated
        if judged:
            lines.append(f"{rule.code} {rule.name}: {rule.tally.violated} violated of {judged}")
    return "\n".join(lines) + "\n"
