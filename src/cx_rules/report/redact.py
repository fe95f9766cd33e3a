"""Redaction: case ids, actor names and event ids replaced by stable salted hashes.

A pseudonym is ``case-``, ``actor-`` or ``event-`` and the first 16 hex digits of
HMAC-SHA256(salt, kind + ":" + value).  The same salt always gives the same pseudonyms, so
two redacted reports can be compared, and whoever holds the salt can recompute the pseudonym
of a known id; without the salt the ids cannot be guessed by hashing likely values.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

import attrs

from ..io.records import InputError
from .collect import finding_sort_key
from .model import Evidence, Report, ReportFinding

__all__ = ["SALT_ENV", "pseudonym", "redact"]

#: The environment variable ``--redact`` reads the salt from when ``--salt`` is not given.
SALT_ENV: Final = "CX_RULES_SALT"

# How error messages name a case (``case 'c-17'``), as the engine and the audit write it.
_CASE_IN_MESSAGE: Final = re.compile(r"case '([^'\\]*)'")


def pseudonym(kind: str, value: str, salt: str) -> str:
    """The stable pseudonym of ``value`` (a ``case``, ``actor`` or ``event`` id)."""
    digest = hmac.new(salt.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:16]}"


def redact(report: Report, salt: str) -> Report:
    """``report`` with every case id, actor and event id replaced by its pseudonym.

    Case ids are also replaced where an input error's message names one (``case '...'``).

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

    def error(e: InputError) -> InputError:
        message = _CASE_IN_MESSAGE.sub(lambda m: f"case {case(m.group(1))!r}", e.message)
        return attrs.evolve(e, message=message)

    def evidence(e: Evidence) -> Evidence:
        return attrs.evolve(e, actor=actor(e.actor), event_id=event(e.event_id))

    def finding(f: ReportFinding) -> ReportFinding:
        return attrs.evolve(
            f,
            case_id=case(f.case_id),
            actor=actor(f.actor),
            evidence=tuple(evidence(e) for e in f.evidence),
        )

    groups = report.groups
    if report.group_by == "actor":
        groups = tuple(
            sorted(
                (attrs.evolve(g, key=actor(g.key)) for g in groups),
                key=lambda g: (g.key is None, g.key or ""),
            )
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
        errors=tuple(error(e) for e in report.errors),
        redacted=True,
    )
