"""What a reader yields: events and the records it could not turn into events."""

from __future__ import annotations

import attrs

from ..events import Event
from ..exceptions import CxRulesError

__all__ = ["InputError", "LogError", "Record"]


class LogError(CxRulesError, ValueError):
    """A whole file cannot be read as the log it claims to be.

    Raised, not yielded: the file is missing, is not XML or JSON, has no header, declares a
    DOCTYPE, or has an unknown extension.  The message names the file and what was expected.
    A single bad record is an :class:`InputError` instead, and the stream goes on.
    """


@attrs.frozen
class InputError:
    """A record a reader skipped, with where it was and what was expected.

    ``line`` is 1-based for line-oriented files (JSONL, CSV); ``element`` names the XML or
    JSON element for XES and OCEL (``trace 3, event 7``; ``ocel:events["e12"]``).
    ``message`` never quotes message text from the log, only field names and short values.
    """

    file: str
    line: int | None
    message: str
    element: str | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
        if self.element is not None:
            place += f" ({self.element})"
        return f"{place}: {self.message}"


#: One item of a reader's stream: an event, or a record that was skipped.
Record = Event | InputError
