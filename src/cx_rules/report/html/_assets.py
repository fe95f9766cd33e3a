"""The page's style sheet and script (package data) and the Content-Security-Policy that
pins them by their hashes."""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files
from typing import Final

__all__ = ["CSP", "CSS", "JS"]

CSS: Final = files(__package__).joinpath("style.css").read_text(encoding="utf-8")
JS: Final = files(__package__).joinpath("script.js").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Only the inline style and script above may run; no request may leave the page.
CSP: Final = (
    f"default-src 'none'; style-src {_sha256(CSS)}; script-src {_sha256(JS)}; img-src data:"
)
