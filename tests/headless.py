"""A headless Chromium driven over the DevTools protocol, for the HTML report's tests.

The browser is Debian's ``chromium`` (or Chrome), started with ``--remote-debugging-pipe``:
the protocol's JSON messages, each ended by a NUL byte, go over two pipes (the browser reads
file descriptor 3 and writes 4), so no port is opened and no package is needed.  A
:class:`Page` loads a file, and says what the console, the script errors and the
Content-Security-Policy reported, what an expression evaluates to, and gives a screenshot
or a PDF.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

__all__ = ["Page", "chromium", "open_page"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    """The browser's executable, or ``None`` when there is none on ``PATH``."""
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class ProtocolError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class _Pipe:
    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._out = to_browser
        self._in = from_browser
        self._buffer = b""
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline, method)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60.0) -> dict[str, Any]:
        """The first event ``method`` (already received, or the next to come)."""
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next(deadline, method)
            if "method" in reply:
                self.events.append(reply)
                if reply["method"] == method:
                    return reply

    def _next(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"{waiting_for}: no answer from the browser in time")
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise ProtocolError(f"{waiting_for}: the browser closed the pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed


class Page:
    """A tab of the browser with one page loaded."""

    def __init__(self, pipe: _Pipe, session: str, load_seconds: float) -> None:
        self._pipe = pipe
        self._session = session
        #: Seconds from the navigation to the ``load`` event, as the test measured it.
        self.load_seconds = load_seconds

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (not subject to its CSP)."""
        result = self._pipe.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self._session,
        )
        if "exceptionDetails" in result:
            raise ProtocolError(f"evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """What the page reported: console messages, uncaught exceptions, log entries (a
        Content-Security-Policy refusal, a failed load) of level warning or error."""
        self.evaluate("0")  # let pending events arrive
        found = []
        for event in self._pipe.events:
            if event.get("sessionId") != self._session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Runtime.consoleAPICalled":
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("warning", "error"):
                entry = params["entry"]
                found.append(f"{entry['source']} {entry['level']}: {entry['text']}")
        return found

    def emulate_print(self) -> None:
        """Lay the page out as it is printed (the ``print`` media type)."""
        self._pipe.call("Emulation.setEmulatedMedia", {"media": "print"}, session=self._session)

    def screenshot(self, path: Path, *, full: bool = False) -> None:
        """A PNG of the first screen (or, with ``full``, of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        shot = self._pipe.call("Page.captureScreenshot", params, session=self._session)
        path.write_bytes(base64.b64decode(shot["data"]))

    def pdf(self, path: Path) -> None:
        """The page printed to PDF as the print dialog would, on A4, with its print style."""
        printed = self._pipe.call(
            "Page.printToPDF",
            {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True},
            session=self._session,
            timeout=120.0,
        )
        path.write_bytes(base64.b64decode(printed["data"]))


@contextmanager
def open_page(
    browser: str, profile: Path, url: str, *, width: int = 1280, height: int = 900
) -> Iterator[Page]:
    """Start ``browser`` headless with its profile in ``profile``, load ``url`` in a window
    of ``width`` x ``height`` and give the page; the browser is closed afterwards."""
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()

    def _fds() -> None:  # in the child: the browser reads fd 3 and writes fd 4
        # Copied first, so that neither lands on itself (dup2 onto the same number would
        # keep its close-on-exec flag) nor on the other before it is copied.
        read, write = os.dup(to_browser_r), os.dup(from_browser_w)
        os.dup2(read, 3)
        os.dup2(write, 4)

    process = subprocess.Popen(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("CX_RULES_BROWSER_LOG") else subprocess.DEVNULL,
        preexec_fn=_fds,
        close_fds=False,
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = _Pipe(to_browser_w, from_browser_r)
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        started = time.monotonic()
        pipe.call("Page.navigate", {"url": url}, session=session)
        pipe.wait_for("Page.loadEventFired", timeout=120.0)
        yield Page(pipe, session, time.monotonic() - started)
    finally:
        with suppress(ProtocolError, OSError):
            pipe.call("Browser.close", timeout=10.0)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(to_browser_w)
        os.close(from_browser_r)
