"""A report format that returns bytes instead of text."""

from cx_rules import hookimpl


@hookimpl
def cx_rules_report_formats():
    return {"bytes": lambda report: b"HEMMELIG"}
