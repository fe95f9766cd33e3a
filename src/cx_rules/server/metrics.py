"""Prometheus metrics of the service, in the text exposition format (no client library)."""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from typing import Final

__all__ = ["Metrics"]

_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Counts of requests, recorded events and refusals, and latency histograms per route.

    Labels are route templates, status codes, reasons and token names: never a case id.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, int]] = Counter()
        self.records: Counter[str] = Counter()
        self.refusals: Counter[str] = Counter()
        self._hist: dict[str, list[int]] = {}
        self._sum: dict[str, float] = {}

    def observe(self, route: str, status: int, seconds: float) -> None:
        """One request of ``route`` answered with ``status`` after ``seconds``."""
        with self._lock:
            self.requests[(route, status)] += 1
            counts = self._hist.setdefault(route, [0] * (len(_BUCKETS) + 1))
            counts[bisect.bisect_left(_BUCKETS, seconds)] += 1
            self._sum[route] = self._sum.get(route, 0.0) + seconds

    def recorded(self, outcome: str) -> None:
        """An event was recorded (``new``, ``duplicate`` or ``inserted``)."""
        with self._lock:
            self.records[outcome] += 1

    def refused(self, reason: str) -> None:
        """An event was refused (``policy``, ``conflict``, ``invalid``, ``unknown_activity``)."""
        with self._lock:
            self.refusals[reason] += 1

    def render(self) -> str:
        """The metrics as Prometheus text."""
        lines = [
            "# HELP cx_requests_total Requests answered, by route and status.",
            "# TYPE cx_requests_total counter",
        ]
        with self._lock:
            for (route, status), n in sorted(self.requests.items()):
                lines.append(f'cx_requests_total{{route="{route}",status="{status}"}} {n}')
            lines += [
                "# HELP cx_records_total Events recorded, by outcome.",
                "# TYPE cx_records_total counter",
            ]
            for outcome in ("new", "inserted", "duplicate"):
                lines.append(f'cx_records_total{{outcome="{outcome}"}} {self.records[outcome]}')
            lines += [
                "# HELP cx_refusals_total Events refused, by reason.",
                "# TYPE cx_refusals_total counter",
            ]
            for reason in ("policy", "conflict", "invalid", "unknown_activity"):
                lines.append(f'cx_refusals_total{{reason="{reason}"}} {self.refusals[reason]}')
            lines += [
                "# HELP cx_request_seconds Time to answer a request, by route.",
                "# TYPE cx_request_seconds histogram",
            ]
            for route, counts in sorted(self._hist.items()):
                running = 0
                for bound, n in zip((*_BUCKETS, float("inf")), counts, strict=True):
                    running += n
                    le = "+Inf" if bound == float("inf") else repr(bound)
                    lines.append(
                        f'cx_request_seconds_bucket{{route="{route}",le="{le}"}} {running}'
                    )
                lines.append(f'cx_request_seconds_sum{{route="{route}"}} {self._sum[route]:.6f}')
                lines.append(f'cx_request_seconds_count{{route="{route}"}} {running}')
        return "\n".join(lines) + "\n"
