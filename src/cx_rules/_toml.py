"""Reading a TOML file (a policy, a mapping) with errors that name the place."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .exceptions import PolicyError

__all__ = ["load_toml"]


def load_toml(path: Path, what: str) -> dict[str, Any]:
    """The table of the TOML file at ``path`` (a ``what``: policy, mapping).

    Raises :class:`~cx_rules.PolicyError` naming the file when it cannot be read, when it is
    not TOML (or nested thousands deep), and when it is not UTF-8 (naming the line and byte
    of the first bad byte).
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        # tomllib recurses once per level of nested arrays and inline tables.
        raise PolicyError(
            f"{path}: TOML nested deeper than Python can read; expected a {what} a few levels deep"
        ) from None
    except UnicodeDecodeError as exc:
        # tomllib decodes the whole file at once: the error holds every byte of it.
        raw = bytes(exc.object)
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PolicyError(
            f"{path}:{line}: not UTF-8 text (byte {byte}: {exc.reason}); expected a "
            "UTF-8 encoded TOML file"
        ) from None
