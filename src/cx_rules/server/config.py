"""The settings of a service, from ``cx-rules serve`` options or environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

__all__ = ["ServerConfig"]


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    text = env.get(key)
    if text is None or not text.strip():
        return default
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{key}: expected a number, got {text!r}") from None


@attrs.frozen
class ServerConfig:
    """What a service needs: where cases are stored, the policy, who may call it and limits.

    Secrets (the webhook keys) come from the environment, never from a command line that
    ``ps`` shows: ``CX_RULES_GREENHOUSE_SECRET`` and ``CX_RULES_LEVER_SIGNATURE_TOKEN``.
    """

    store: str = "cx-rules.db"
    policy: str | None = None
    tokens: str | None = None
    greenhouse_secret: str | None = attrs.field(default=None, repr=False)
    lever_signature_token: str | None = attrs.field(default=None, repr=False)
    #: The largest request body (bytes) the API reads; an audit upload has its own bound.
    max_body: int = 1_048_576
    max_upload: int = 32 * 1_048_576
    #: Requests per second per caller (token, or address for webhooks); 0 turns it off.
    rate: float = 200.0
    burst: float = 400.0
    #: Origins allowed to call from a browser; empty: CORS off.
    cors_origins: tuple[str, ...] = ()
    #: How many times a record is tried again when another writer saved the case first.
    attempts: int = 50

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **given: object) -> ServerConfig:
        """Settings from ``CX_RULES_*`` variables, overridden by ``given`` (when not None)."""
        e = os.environ if env is None else env
        values: dict[str, object] = {
            "store": e.get("CX_RULES_STORE", "cx-rules.db"),
            "policy": e.get("CX_RULES_POLICY") or None,
            "tokens": e.get("CX_RULES_TOKENS") or None,
            "greenhouse_secret": e.get("CX_RULES_GREENHOUSE_SECRET") or None,
            "lever_signature_token": e.get("CX_RULES_LEVER_SIGNATURE_TOKEN") or None,
            "rate": _float(e, "CX_RULES_RATE", 200.0),
            "burst": _float(e, "CX_RULES_BURST", 400.0),
            "max_body": int(_float(e, "CX_RULES_MAX_BODY", 1_048_576)),
            "max_upload": int(_float(e, "CX_RULES_MAX_UPLOAD", 32 * 1_048_576)),
            "cors_origins": tuple(
                o.strip() for o in e.get("CX_RULES_CORS_ORIGINS", "").split(",") if o.strip()
            ),
        }
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
