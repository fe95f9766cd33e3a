"""A report format that raises, quoting the candidate in its message."""

from cx_rules import hookimpl


def _render(report):
    raise ValueError("cannot render the case of Birgitte Hansen, 010190-1234")


@hookimpl
def cx_rules_report_formats():
    return {"boom": _render}
