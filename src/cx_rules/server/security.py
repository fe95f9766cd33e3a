"""Who may call the service: bearer tokens stored hashed, with scopes; rate limits; the
webhook signatures of Greenhouse and Lever, checked as each vendor documents them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from ..exceptions import PolicyError

__all__ = [
    "SCOPES",
    "RateLimiter",
    "Token",
    "Tokens",
    "greenhouse_signature_ok",
    "hash_token",
    "lever_signature_ok",
]

#: What a token may do: read cases, due lists and rules; record events; audit uploaded logs.
SCOPES: Final = ("read", "record", "audit")


def hash_token(token: str) -> str:
    """The SHA-256 hex digest of ``token``, as a tokens file stores it.

    Tokens are long random strings (``python -c "import secrets; print(secrets.token_urlsafe(32))"``),
    so a plain SHA-256 is enough: there is no password to guess.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@attrs.frozen
class Token:
    """One caller: its name (in logs and metrics), the hash of its secret and its scopes."""

    name: str
    sha256: str
    scopes: frozenset[str]


@attrs.frozen
class Tokens:
    """The tokens the service accepts, by hash."""

    by_hash: Mapping[str, Token] = attrs.field(factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Tokens:
        """Read a tokens file (TOML, or JSON with the same shape)::

        [[token]]
        name = "ats"
        sha256 = "<hash_token(secret)>"
        scopes = ["read", "record"]
        """
        where = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise PolicyError(f"{where}: cannot read the tokens file ({exc.strerror})") from None
        try:
            data: Any = (
                json.loads(raw) if where.endswith(".json") else tomllib.loads(raw.decode("utf-8"))
            )
        except (ValueError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{where}: not a tokens file: {exc}") from None
        return cls.of(data, where)

    @classmethod
    def of(cls, data: Any, where: str = "<tokens>") -> Tokens:
        """Tokens from parsed data: ``{"token": [{"name", "sha256", "scopes"}, ...]}``."""
        if not isinstance(data, Mapping) or not isinstance(data.get("token"), list):
            raise PolicyError(f"{where}: expected a list of [[token]] tables")
        found: dict[str, Token] = {}
        for i, entry in enumerate(data["token"]):
            at = f"{where}: token[{i}]"
            if not isinstance(entry, Mapping):
                raise PolicyError(f"{at}: expected a table")
            name, digest, scopes = entry.get("name"), entry.get("sha256"), entry.get("scopes")
            if not isinstance(name, str) or not name.strip():
                raise PolicyError(f"{at}.name: expected a name")
            if not isinstance(digest, str) or len(digest) != 64:
                raise PolicyError(
                    f"{at}.sha256: expected 64 hex digits (cx-rules serve --hash-token)"
                )
            try:
                bytes.fromhex(digest)
            except ValueError:
                raise PolicyError(f"{at}.sha256: expected 64 hex digits") from None
            if not isinstance(scopes, list) or not scopes:
                raise PolicyError(f"{at}.scopes: expected a list of {', '.join(SCOPES)}")
            for scope in scopes:
                if scope not in SCOPES:
                    raise PolicyError(
                        f"{at}.scopes: {scope!r} is not a scope (expected {', '.join(SCOPES)})"
                    )
            found[digest.lower()] = Token(name, digest.lower(), frozenset(scopes))
        return cls(found)

    def check(self, header: str | None) -> Token | None:
        """The token an ``Authorization: Bearer ...`` header carries, or ``None``."""
        if not header or not header.startswith("Bearer "):
            return None
        digest = hash_token(header[7:].strip())
        for known, token in self.by_hash.items():
            if hmac.compare_digest(known, digest):
                return token
        return None


class RateLimiter:
    """A token bucket per caller: ``rate`` requests a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, who: str, now: float | None = None) -> bool:
        """Whether ``who`` may make one more request now."""
        if self.rate <= 0:
            return True
        moment = time.monotonic() if now is None else now
        with self._lock:
            level, last = self._buckets.get(who, (self.burst, moment))
            level = min(self.burst, level + (moment - last) * self.rate)
            if level < 1:
                self._buckets[who] = (level, moment)
                return False
            self._buckets[who] = (level - 1, moment)
            return True


def greenhouse_signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """Greenhouse's check: the ``Signature`` header is ``sha256 <hex>``, the HMAC-SHA256 of
    the raw request body with the webhook's secret key."""
    if not header:
        return False
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "sha256" or not given:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return _same_digest(expected, given)


def lever_signature_ok(signature_token: str, payload: Mapping[str, Any]) -> bool:
    """Lever's check: the body's ``signature`` is the HMAC-SHA256 (hex) of the body's
    ``token`` followed by its ``triggeredAt`` (as written), keyed with the webhook's
    signature token."""
    token, triggered, given = (
        payload.get("token"),
        payload.get("triggeredAt"),
        payload.get("signature"),
    )
    if not isinstance(token, str) or not isinstance(given, str):
        return False
    if isinstance(triggered, bool) or not isinstance(triggered, int | str):
        return False
    plain = f"{token}{triggered}".encode()
    expected = hmac.new(signature_token.encode("utf-8"), plain, hashlib.sha256).hexdigest()
    return _same_digest(expected, given)


def _same_digest(expected: str, given: str) -> bool:
    # As bytes: compare_digest refuses text that is not ASCII, and a forged signature may be.
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode("utf-8"))
