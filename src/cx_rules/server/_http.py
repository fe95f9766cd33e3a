"""What the request handlers share: error answers, bounded bodies, parameters, case views."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..case import Case
from ..engine import Engine, Recorded
from ..events import parse_timestamp
from ..exceptions import InvalidEvent
from ..jsonforms import due_to_dict, finding_to_dict, responsible_for
from ..obligations import Due
from ..serialize import _time_text

__all__ = ["Problem", "case_view"]


class Problem(Exception):
    """An answer other than success: its status, a short code and a message."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.extra = status, error, message, extra

    def response(self) -> JSONResponse:
        body = {"error": self.error, "message": self.message, **self.extra}
        headers = {"Retry-After": "1"} if self.status in (409, 429) else None
        return JSONResponse(body, status_code=self.status, headers=headers)


def _case_id(request: Request) -> str:
    case_id: str = request.path_params["case_id"]
    if len(case_id) > 200 or any(ord(c) < 32 for c in case_id) or not case_id.strip():
        raise Problem(
            400,
            "invalid",
            "case_id: expected at most 200 characters, none a control character",
            field="case_id",
        )
    return case_id


def _field(message: str) -> str:
    head = message.split(":", 1)[0]
    return head if head and " " not in head else "event"


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(413, "too_large", f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, "too_large", f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Problem(
            400, "invalid", f"body: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Problem(400, "invalid", "body: not JSON text in UTF-8") from None


def _cursor(text: str) -> list[Any]:
    try:
        mark = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
        if isinstance(mark, list) and len(mark) == 4:
            return [float(mark[0]), str(mark[1]), str(mark[2]), str(mark[3])]
    except (ValueError, TypeError, UnicodeError):
        pass
    raise Problem(400, "invalid", "cursor: not a cursor this service gave", field="cursor")


def _time_param(request: Request, name: str, *, required: bool) -> datetime | None:
    text = request.query_params.get(name)
    if text is None:
        if required:
            raise Problem(400, "invalid", f"{name}: required (an ISO 8601 time with a zone)")
        return None
    try:
        return parse_timestamp(text, where=name)
    except InvalidEvent as exc:
        raise Problem(400, "invalid", str(exc), field=name) from None


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    # isdigit() alone admits "²" and numbers too long for int(): ASCII digits, few of them.
    if not (text.isascii() and text.isdigit() and len(text) <= 12) or not low <= int(text) <= high:
        raise Problem(
            400, "invalid", f"{name}: expected a whole number from {low} to {high}", field=name
        )
    return int(text)


def case_view(engine: Engine, case: Case, version: int | None, *, findings: bool) -> dict[str, Any]:
    """A case as the API shows it: state, open obligations, and (optionally) its findings."""
    where = f"case {case.case_id!r}"
    view: dict[str, Any] = {
        "case_id": case.case_id,
        "state": case.state,
        "events": len(case.events),
        "clock": None if case.clock is None else _time_text(case.clock, where),
        "obligations": [
            due_to_dict(
                Due(case.case_id, o, o.expired), responsible=responsible_for(o, case.events)
            )
            for o in case.obligations
        ],
    }
    if version is not None:
        view["version"] = version
    if findings:
        replayed = engine.replay(case.events, None) if case.events else Recorded(case, ())
        view["findings"] = [finding_to_dict(f) for f in replayed.findings]
    return view
