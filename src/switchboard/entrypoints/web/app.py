"""The web app factory: Twilio webhooks and health, wired from settings and a WebhookService."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from switchboard.entrypoints.web.console import ConsoleServices, mount_console
from switchboard.entrypoints.web.observability import ObservedApp, StatsFn, WebMetrics
from switchboard.entrypoints.web.rate_limit import DEFAULT_REJECT_RATE, RejectLimiter
from switchboard.entrypoints.web.security import MAX_BODY_BYTES, WebhookSecurity
from switchboard.entrypoints.web.twilio_routes import twilio_router
from switchboard.logs import get_logger
from switchboard.services.messages.webhooks import WebhookService
from switchboard.settings import Settings, SettingsError

log = get_logger(__name__)


def webhook_security(
    settings: Settings, *, max_body_bytes: int = MAX_BODY_BYTES
) -> WebhookSecurity:
    """Signature settings, refusing configurations that would accept forged webhooks."""
    if not settings.twilio_validate_signatures:
        if settings.is_production:
            raise SettingsError("TWILIO_VALIDATE_SIGNATURES: cannot be off in production")
        log.warning("Twilio signature validation is OFF (development only)")
        token = None
    elif settings.twilio_auth_token is None:
        raise SettingsError("TWILIO_AUTH_TOKEN: required to validate Twilio webhook signatures")
    else:
        token = settings.twilio_auth_token.get_secret_value()
    shared = settings.twilio_webhook_shared_key
    security = WebhookSecurity(
        auth_token=token,
        public_base_url=settings.webhook_base_url,
        trust_forwarded_headers=settings.trust_forwarded_headers,
        max_body_bytes=max_body_bytes,
        shared_key=shared.get_secret_value() if shared is not None else None,
    )
    if token is not None and not security.knows_public_url:
        log.warning(
            "the public URL Twilio calls cannot be known: signatures are checked against the URL "
            "as this server sees it, which fails behind a proxy or tunnel; set WEBHOOK_BASE_URL "
            "(or TRUST_FORWARDED_HEADERS=true behind a proxy that sends X-Forwarded-Proto/-Host)"
        )
    return security


def create_app(
    settings: Settings,
    service: WebhookService,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    reject_rate: str = DEFAULT_REJECT_RATE,
    ready: Callable[[], Awaitable[bool]] | None = None,
    stats: StatsFn | None = None,
    console: ConsoleServices | None = None,
) -> FastAPI:
    """The FastAPI app for `switchboard serve`. Raises SettingsError on unsafe configuration.

    `reject_rate` limits rejected webhook requests per IP (never valid signed ones); `ready` is
    the readiness probe behind /readyz (e.g. `Storage.is_ready`), always ready when None; `stats`
    gives /metrics the outbox counts (e.g. `SqlAlchemyMessageStats.outbox_stats`).
    Every request is timed into /metrics and written to the `switchboard.access` log.
    With `console`, the web console and /api/v1 are served too (docs/console.md).
    """
    security = webhook_security(settings, max_body_bytes=max_body_bytes)
    app = FastAPI(title="Switchboard", docs_url=None, redoc_url=None)
    app.state.webhook_security = security
    app.state.reject_limiter = RejectLimiter(reject_rate, redis_url=settings.redis_url)
    app.include_router(twilio_router(service, settings.livekit_sip_uri))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Readiness: the database answers and its migrations are current."""
        ok = True if ready is None else await ready()
        return JSONResponse(
            {"status": "ready" if ok else "not ready"}, status_code=200 if ok else 503
        )

    if console is not None:
        mount_console(app, settings, console)

    metrics = WebMetrics(stats)
    app.state.metrics = metrics
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None

    @app.get("/metrics")
    async def prometheus(request: Request) -> Response:
        """Prometheus metrics: request latency by route/status, notifications, outbox depth."""
        if token is not None:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), token.encode()):
                return Response("metrics need the bearer token", status_code=401)
        return Response(await metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(
        ObservedApp, metrics=metrics, trust_forwarded=settings.trust_forwarded_headers
    )
    return app
