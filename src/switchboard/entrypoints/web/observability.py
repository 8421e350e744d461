"""Request metrics and JSON access logs, as one pure ASGI middleware (no BaseHTTPMiddleware: it
buffers and costs a task per request).

Metrics live in a per-app `CollectorRegistry` (tests build many apps). Access lines go to the
`switchboard.access` logger, one per request, through the structlog set-up in `switchboard.logs`,
which masks phone numbers in every field.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from switchboard.adapters.sqlalchemy.message_stats import OutboxStats

access_log = logging.getLogger("switchboard.access")

StatsFn = Callable[[datetime], Awaitable[OutboxStats]]
# Twilio retries after 15 s; the buckets resolve what matters below that.
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})  # logged at DEBUG when they succeed
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0)


class WebMetrics:
    def __init__(self, stats: StatsFn | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._stats = stats
        self.latency = Histogram(
            "switchboard_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and status code.",
            ("method", "route", "status"),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.notifications = Gauge(
            "switchboard_notifications",
            "Notifications in the database by channel and delivery status.",
            ("channel", "status"),
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "switchboard_outbox_depth",
            "Notifications queued or being sent that are due now.",
            registry=self.registry,
        )
        self.scrape_errors = Counter(
            "switchboard_metrics_database_errors",
            "Scrapes whose database counts could not be read.",
            registry=self.registry,
        )

    async def render(self) -> bytes:
        """The exposition text; database counts are refreshed first (kept stale on error)."""
        if self._stats is not None:
            try:
                stats = await self._stats(datetime.now(UTC))
            except Exception:
                self.scrape_errors.inc()
                access_log.warning("metrics: could not read outbox counts", exc_info=True)
            else:
                self.notifications.clear()
                for (channel, status), count in stats.by_channel_status.items():
                    self.notifications.labels(channel, status).set(count)
                self.outbox_depth.set(stats.due)
        return generate_latest(self.registry)


def _client(scope: Scope, trust_forwarded: bool) -> str:
    if trust_forwarded:
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for":
                return str(value.decode("latin-1")).split(",")[-1].strip()
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class ObservedApp:
    """Times every HTTP request, counts it by route template (never the raw path: no unbounded
    label values) and writes one access line."""

    def __init__(self, app: ASGIApp, metrics: WebMetrics, *, trust_forwarded: bool) -> None:
        self.app, self.metrics, self.trust_forwarded = app, metrics, trust_forwarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app dies before answering, that is what the client gets

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.latency.labels(method, route, str(status)).observe(elapsed)
            quiet = route in _PROBES and status < 400
            access_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "path": scope.get("path", ""),
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client": _client(scope, self.trust_forwarded),
                },
            )
