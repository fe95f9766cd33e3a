"""Redaction: case ids, actor names and event ids replaced by stable salted hashes.

A pseudonym is ``case-``, ``actor-``, ``event-``, ``object-`` or ``candidate-`` and the first
16 hex digits of HMAC-SHA256(salt, kind + ":" + value).  The same salt always gives the same
pseudonyms, so two redacted reports can be compared, and whoever holds the salt can recompute
the pseudonym of a known id; without the salt the ids cannot be guessed by hashing likely
values.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from typing import Final

import attrs

from ..io.records import InputError
from ..waivers import UNUSED_WAIVER
from .collect import finding_sort_key
from .model import Evidence, Report, ReportFinding, SourceSummary, group_order, in_order

__all__ = ["SALT_ENV", "pseudonym", "redact", "redact_text"]

#: The environment variable ``--redact`` reads the salt from when ``--salt`` is not given.
SALT_ENV: Final = "CX_RULES_SALT"

# How error messages quote an id: a Python string literal (``case 'c-17'``, or
# ``case "O'Brien"`` when the id holds a quote), as the readers, engine and audit write it.
_LITERAL: Final = r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_IN_MESSAGE: Final = re.compile(rf"\b(case|object|candidate) {_LITERAL}")
# How an input error's element names a case (XES) or an event (OCEL).
_XES_CASE: Final = re.compile(r"^(trace \d+) \(case (.*)\)(, event \d+.*)$", re.DOTALL)
# How a DataFrame error's element names a row by its index label.
_ROW: Final = re.compile(r"^(row \d+) \(index (.*)\)$", re.DOTALL)
# How a waiver describes itself (Waiver.describe), then its justification or what befell it.
_WAIVER: Final = re.compile(
    r"^(waiver \d+) \((\S+) for (.*?), until (\d{4}-\d{2}-\d{2})\)(.*)$", re.DOTALL
)
_OCEL_EVENT: Final = re.compile(r'^((?:ocel:)?events)\[(".*")\]$')


def pseudonym(kind: str, value: str, salt: str) -> str:
    """The stable pseudonym of ``value`` (a ``case``, ``actor``, ``event`` or ``object`` id)."""
    # surrogatepass: an id read from a JSON escape may hold a lone surrogate.
    data = f"{kind}:{value}".encode("utf-8", "surrogatepass")
    digest = hmac.new(salt.encode("utf-8", "surrogatepass"), data, hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:16]}"


# How an error's text names an XES case or an OCEL event in its place: ``(trace 3 (case
# c17), event 7)`` (a case id may hold a newline) and ``(events["e12"])``.
_XES_IN_TEXT: Final = re.compile(r"\((trace \d+) \(case (.*?)\)(, event \d+)", re.DOTALL)
_OCEL_IN_TEXT: Final = re.compile(r'\(((?:ocel:)?events)\[("(?:[^"\\]|\\.)*")\]\)')


def redact_text(text: str, salt: str) -> str:
    """An error message (such as ``--strict`` raises) with the ids it names replaced by
    their pseudonyms, as :func:`redact` rewrites a report's input errors."""
    if not salt:
        raise ValueError("redaction needs a non-empty salt (--salt or CX_RULES_SALT)")

    def quoted(match: re.Match[str]) -> str:
        kind, literal = match.group(1), match.group(2)
        try:
            value = ast.literal_eval(literal)
        except (ValueError, SyntaxError):
            value = literal
        return f"{kind} {pseudonym(kind, str(value), salt)!r}"

    def xes(match: re.Match[str]) -> str:
        hidden = pseudonym("case", match.group(2), salt)
        return f"({match.group(1)} (case {hidden}){match.group(3)}"

    def ocel(match: re.Match[str]) -> str:
        try:
            value = json.loads(match.group(2))
        except ValueError:
            value = match.group(2)
        return f"({match.group(1)}[{json.dumps(pseudonym('event', str(value), salt))}])"

    text = _XES_IN_TEXT.sub(xes, text)
    text = _OCEL_IN_TEXT.sub(ocel, text)
    return _IN_MESSAGE.sub(quoted, text)


def redact(report: Report, salt: str) -> Report:
    """``report`` with every case id, actor and event id replaced by its pseudonym.

    Input errors and import warnings are rewritten too: a case, object or candidate their
    message quotes (``case '...'``, ``object '...'``, ``candidate '...'``), the case an XES
    error's element names (``trace 3 (case c17), event 7``) and the event an OCEL error's
    element names (``events["e12"]``).

    Raises :class:`ValueError` for an empty salt: it would make the hashes guessable.
    """
    if not salt:
        raise ValueError("redaction needs a non-empty salt (--salt or CX_RULES_SALT)")

    def case(value: str) -> str:
        return pseudonym("case", value, salt)

    def actor(value: str | None) -> str | None:
        return None if value is None else pseudonym("actor", value, salt)

    def event(value: str | None) -> str | None:
        return None if value is None else pseudonym("event", value, salt)

    def quoted(match: re.Match[str]) -> str:
        kind, literal = match.group(1), match.group(2)
        try:
            value = ast.literal_eval(literal)
        except (ValueError, SyntaxError):  # not a literal after all: hide it whole
            value = literal
        return f"{kind} {pseudonym(kind, str(value), salt)!r}"

    def element(value: str | None) -> str | None:
        if value is None:
            return None
        xes = _XES_CASE.match(value)
        if xes is not None:
            return f"{xes.group(1)} (case {case(xes.group(2))}){xes.group(3)}"
        row = _ROW.match(value)
        if row is not None:
            return f"{row.group(1)} (index {pseudonym('index', row.group(2), salt)})"
        ocel = _OCEL_EVENT.match(value)
        if ocel is not None:
            hidden = pseudonym("event", json.loads(ocel.group(2)), salt)
            return f"{ocel.group(1)}[{json.dumps(hidden)}]"
        return value

    def waiver(text: str) -> str:
        # A waiver's case patterns are ids (or match them) and its justification is free
        # text: the patterns get pseudonyms, the justification is withheld.
        found = _WAIVER.match(text)
        if found is None:
            return text
        number, rule, patterns, until, rest = found.groups()
        hidden = ", ".join(case(p) for p in patterns.split(", "))
        if rest.startswith(": "):
            rest = ": justification withheld"
        return f"{number} ({rule} for {hidden}, until {until}){rest}"

    def error(e: InputError) -> InputError:
        return attrs.evolve(
            e, message=_IN_MESSAGE.sub(quoted, e.message), element=element(e.element)
        )

    def evidence(e: Evidence) -> Evidence:
        return attrs.evolve(e, actor=actor(e.actor), event_id=event(e.event_id))

    def finding(f: ReportFinding) -> ReportFinding:
        return attrs.evolve(
            f,
            case_id=case(f.case_id),
            actor=actor(f.actor),
            owner=actor(f.owner),
            evidence=tuple(evidence(e) for e in f.evidence),
            message=waiver(f.message) if f.code == UNUSED_WAIVER else f.message,
            waived_by=None if f.waived_by is None else waiver(f.waived_by),
        )

    # Recruiters are actors: a group of actors or owners is keyed by the hidden name, each
    # key's groups in the order of the hidden names.
    people = {"actor", "owner"}
    # Worst first, ties by the hidden name: never the order of the real names.
    groups = tuple(
        g
        for key, members in report.grouped().items()
        for g in in_order(
            attrs.evolve(m, key=actor(m.key)) if key in people else m for m in members
        )
    )
    owners = tuple(
        sorted((attrs.evolve(g, key=actor(g.key)) for g in report.owners), key=group_order)
    )
    fix_first = tuple(
        attrs.evolve(i, owners=tuple((actor(o), n) for o, n in i.owners)) for i in report.fix_first
    )
    return attrs.evolve(
        report,
        cases=tuple(
            sorted(
                (attrs.evolve(c, case_id=case(c.case_id)) for c in report.cases),
                key=lambda c: c.case_id,
            )
        ),
        findings=tuple(sorted((finding(f) for f in report.findings), key=finding_sort_key)),
        groups=groups,
        owners=owners,
        fix_first=fix_first,
        errors=tuple(error(e) for e in report.errors),
        redacted=True,
        source=None if report.source is None else _source(report.source, case, error),
    )


def _source(
    source: SourceSummary,
    case: Callable[[str], str],
    error: Callable[[InputError], InputError],
) -> SourceSummary:
    # A warning is placed and worded like an input error: rewritten the same way.
    return attrs.evolve(
        source,
        partial_cases={case(c): reason for c, reason in source.partial_cases.items()},
        warnings=tuple(
            attrs.evolve(w, message=error(InputError(w.file, w.line, w.message)).message)
            for w in source.warnings
        ),
    )
