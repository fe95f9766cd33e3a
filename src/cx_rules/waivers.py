"""Waivers: a policy's documented exceptions to a rule for some cases, until a date.

A waiver never hides a finding: a finding it covers keeps its message and evidence, with the
outcome ``waived`` and the waiver's justification.  A waiver that covered nothing in an audit,
or whose expiry date has passed, is reported too (``CX002 unused-waiver``), so exceptions do
not outlive their reason.  In the policy::

    [[waivers]]
    rule = "CX104"                      # a code or a code prefix
    cases = ["c-17", "job-9/*"]         # case ids or shell-style patterns
    justification = "the candidate asked for no contact during parental leave"
    expires = 2026-06-30                # the last day the waiver covers
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Final

import attrs

from .exceptions import PolicyError
from .findings import Finding, Outcome, Severity

__all__ = ["UNUSED_WAIVER", "Waiver", "Waivers", "parse_waivers"]

#: The code of the findings that report unused and expired waivers.
UNUSED_WAIVER: Final = "CX002"
_KEYS: Final = ("rule", "cases", "justification", "expires")


@attrs.frozen
class Waiver:
    """One exception: rule ``rule`` (code or prefix) does not count for ``cases`` until
    ``expires`` (inclusive), because of ``justification``.  ``number`` is its 1-based place in
    the policy, for messages."""

    rule: str
    cases: tuple[str, ...]
    justification: str
    expires: date
    number: int

    def covers(self, code: str, case_id: str) -> bool:
        """Whether the waiver names this rule and this case (dates aside)."""
        return code.startswith(self.rule) and any(
            fnmatch.fnmatchcase(case_id, pattern) for pattern in self.cases
        )

    def describe(self) -> str:
        """``waiver 2 (CX104 for c-17, until 2026-06-30)``."""
        return (
            f"waiver {self.number} ({self.rule} for {', '.join(self.cases)}, "
            f"until {self.expires.isoformat()})"
        )


def parse_waivers(value: object, source: str) -> tuple[Waiver, ...]:
    """Read the policy's ``[[waivers]]`` array; every problem names the waiver and the key."""
    if not isinstance(value, list):
        raise PolicyError(f"{source}: waivers: expected an array of tables ([[waivers]])")
    found = []
    for number, table in enumerate(value, start=1):
        where = f"{source}: waivers[{number}]"
        if not isinstance(table, Mapping):
            raise PolicyError(f"{where}: expected a table, got {table!r}")
        for key in table:
            if key not in _KEYS:
                raise PolicyError(f"{where}: unknown key {key!r} (expected {', '.join(_KEYS)})")
        for key in _KEYS:
            if key not in table:
                raise PolicyError(f"{where}: {key} is required")
        rule, cases, why, expires = (table[k] for k in _KEYS)
        if not isinstance(rule, str) or not rule:
            raise PolicyError(f"{where}.rule: expected a rule code or prefix, got {rule!r}")
        if isinstance(cases, str):
            cases = [cases]
        if (
            not isinstance(cases, list)
            or not cases
            or not all(isinstance(c, str) and c for c in cases)
        ):
            raise PolicyError(
                f"{where}.cases: expected a list of case ids or patterns, got {cases!r}"
            )
        if not isinstance(why, str) or not why.strip():
            raise PolicyError(f"{where}.justification: expected a non-empty string")
        if isinstance(expires, str):
            try:
                expires = date.fromisoformat(expires)
            except ValueError:
                raise PolicyError(
                    f"{where}.expires: {expires!r} is not a date (expected YYYY-MM-DD)"
                ) from None
        if isinstance(expires, datetime) or not isinstance(expires, date):
            raise PolicyError(f"{where}.expires: expected a date (YYYY-MM-DD), got {expires!r}")
        found.append(Waiver(rule, tuple(cases), why.strip(), expires, number))
    return tuple(found)


class Waivers:
    """The waivers of a policy, applied to findings in the policy's time zone."""

    __slots__ = ("_zone", "waivers")

    def __init__(self, waivers: Sequence[Waiver], zone: tzinfo) -> None:
        self.waivers = tuple(waivers)
        self._zone = zone

    def __bool__(self) -> bool:
        return bool(self.waivers)

    def find(self, finding: Finding) -> Waiver | None:
        """The first waiver that covers ``finding`` on its date, or ``None``."""
        if finding.outcome not in (Outcome.VIOLATED, Outcome.UNKNOWN):
            return None
        day = finding.at.astimezone(self._zone).date()
        for waiver in self.waivers:
            if day <= waiver.expires and waiver.covers(finding.code, finding.case_id):
                return waiver
        return None

    def apply(self, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """``findings`` with every covered violation or unknown marked ``waived``."""
        if not self.waivers:
            return findings
        out = []
        for finding in findings:
            waiver = self.find(finding)
            if waiver is not None:
                finding = attrs.evolve(
                    finding,
                    outcome=Outcome.WAIVED,
                    waived_by=f"{waiver.describe()}: {waiver.justification}",
                )
            out.append(finding)
        return tuple(out)

    def unused(
        self,
        waived_by: Iterable[str | None],
        as_of: datetime,
        severity: Severity = Severity.WARNING,
    ) -> list[Finding]:
        """``CX002`` findings for waivers that covered nothing or have expired by ``as_of``.

        ``waived_by`` are the ``waived_by`` texts of the audit's findings (``None`` ignored).
        """
        texts = [text for text in waived_by if text]
        today = as_of.astimezone(self._zone).date()
        notes = []
        for waiver in self.waivers:
            reasons = []
            # ``waived_by`` starts with the waiver's whole description (patterns may hold
            # colons, so it is matched as a prefix, never split).
            mark = f"{waiver.describe()}: "
            if not any(text.startswith(mark) for text in texts):
                reasons.append("covered no finding")
            if waiver.expires < today:
                reasons.append(f"expired on {waiver.expires.isoformat()}")
            if reasons:
                notes.append(
                    Finding(
                        case_id="",
                        code=UNUSED_WAIVER,
                        outcome=Outcome.VIOLATED,
                        severity=severity,
                        message=f"{waiver.describe()} {' and '.join(reasons)}; remove or renew it",
                        at=as_of,
                    )
                )
        return notes
