"""Writes the audit guide's example report of pm4py's recruiting log, on every docs build.

The log (``recruiting-red.jsonocel``) is not part of the repository: it is looked for in
``<repository>/../shared/data`` (or the directory ``CX_RULES_SHARED_DATA`` names).  Where it
is found, the page holds the head of the report the audit gives today (never pasted by hand);
where it is not, the page says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from cx_rules import audit
from cx_rules.io import LogMapping
from cx_rules.report import render

ROOT = Path(__file__).resolve().parent.parent
LOG_NAME = "recruiting-red.jsonocel"
MAPPING = ROOT / "examples" / "mappings" / "recruiting-red.toml"
#: Where the shown report stops: the worst cases and the findings are the log's own detail.
STOP = "\nWorst cases\n"


def shared_log() -> Path | None:
    """The recruiting log, if it is where the docs look for it."""
    folder = os.environ.get("CX_RULES_SHARED_DATA")
    here = Path(folder) if folder else ROOT.parent / "shared" / "data"
    path = here / LOG_NAME
    return path if path.is_file() else None


def recruiting_red_markdown(log: Path | None) -> str:
    """The page: the command, then the report's head (or why there is none)."""
    command = (
        "```sh\ncx-rules audit recruiting-red.jsonocel "
        "--map examples/mappings/recruiting-red.toml\n```\n"
    )
    if log is None:
        return (
            command + f"\n(The log `{LOG_NAME}` was not found when these pages were built, so its "
            "report is not shown here: build the documentation in a checkout that has it in "
            "`../shared/data`, or set `CX_RULES_SHARED_DATA`.)\n"
        )
    text = render(audit(log, mapping=LogMapping.load(MAPPING)), "text")
    head = text.split(STOP, 1)[0]
    # The file's path is the builder's: show the name a reader would type.
    head = head.replace(str(log), LOG_NAME)
    return command + "\n```text\n" + head.rstrip("\n") + "\n```\n"


def write_recruiting_red(target: Path) -> None:
    """Write ``recruiting-red.md`` into ``target`` (only when its text changed)."""
    target.mkdir(parents=True, exist_ok=True)
    path = target / "recruiting-red.md"
    text = recruiting_red_markdown(shared_log())
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
