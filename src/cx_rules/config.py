"""Finding the policy a command runs with, as ruff finds its configuration.

From the working directory upwards, the first directory that holds one of
:data:`CONFIG_FILES` decides: ``.cx-rules.toml``, then ``cx-rules.toml``, then a
``pyproject.toml`` *with* a ``[tool.cx-rules]`` table (one without it is passed over, and
the search goes on upwards).  ``--policy FILE`` names the file instead; ``--no-config``
runs the built-in defaults whatever is found.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import attrs

from ._toml import load_toml
from .policy import Policy

__all__ = ["CONFIG_FILES", "PolicyChoice", "choose_policy", "find_config"]

#: The names looked for in each directory, in this order.
CONFIG_FILES: Final = (".cx-rules.toml", "cx-rules.toml", "pyproject.toml")


@attrs.frozen
class PolicyChoice:
    """The policy a command runs with and where it came from: ``path`` is the file as the
    report names it (relative to the working directory when it lies below it), ``None`` for
    the built-in defaults."""

    policy: Policy | None
    path: str | None


def find_config(start: str | Path | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the working directory),
    searched upwards; ``None`` when there is none.

    Raises :class:`~cx_rules.PolicyError` naming the file for a ``pyproject.toml`` that is
    not TOML: whether it configures cx-rules cannot be told.
    """
    directory = Path(start if start is not None else Path.cwd()).absolute()
    for place in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = place / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml":
                tool = load_toml(candidate, "pyproject.toml").get("tool", {})
                if not isinstance(tool, dict) or "cx-rules" not in tool:
                    continue
            return candidate
    return None


def choose_policy(
    explicit: str | None, *, no_config: bool = False, start: str | Path | None = None
) -> PolicyChoice:
    """The policy of a command: ``explicit`` (``--policy FILE``) when given, else none with
    ``no_config``, else the file :func:`find_config` finds, else none (the defaults)."""
    if explicit is not None:
        return PolicyChoice(Policy.load(explicit), explicit)
    if no_config:
        return PolicyChoice(None, None)
    found = find_config(start)
    if found is None:
        return PolicyChoice(None, None)
    shown = _shown(found, Path(start) if start is not None else Path.cwd())
    policy = Policy.load(found)
    return PolicyChoice(attrs.evolve(policy, source=shown), shown)


def _shown(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd.absolute())
    except ValueError:  # another drive on Windows
        return str(path)
