"""A signed request to our own webhooks, made as Twilio makes them (`switchboard webhook test`,
doctor's `webhook` check): what a Twilio-side failure would look like, seen from outside."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from twilio.request_validator import RequestValidator

from switchboard.domain.errors import InvalidValue
from switchboard.settings import Settings

SIGNATURE_HEADER = "X-Twilio-Signature"
# A message status Twilio really sends and the status route deliberately ignores: no side effects.
SELF_TEST_PARAMS: Mapping[str, str] = {
    "MessageSid": "SM00000000000000000000000000000000",
    "MessageStatus": "receiving",
}


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """One webhook request: `status` None when no HTTP answer came back (see `error`)."""

    url: str
    signed: bool
    status: int | None
    latency_ms: float
    error: str = ""


async def send_webhook(
    settings: Settings,
    path: str,
    *,
    params: Mapping[str, str] = SELF_TEST_PARAMS,
    signed: bool = True,
    request_timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> WebhookResult:
    """POST form `params` to WEBHOOK_BASE_URL + `path`, signed with TWILIO_AUTH_TOKEN like Twilio.

    `transport` replaces the network (e.g. `httpx.ASGITransport(app)` to test an app in process).
    Raises ValueError when WEBHOOK_BASE_URL, or the token for a signed request, is not set.
    """
    if not settings.webhook_base_url:
        raise InvalidValue("WEBHOOK_BASE_URL is not set")
    url = settings.webhook_base_url.rstrip("/") + "/" + path.lstrip("/")
    headers = {"User-Agent": "switchboard-webhook-test"}
    if signed:
        if settings.twilio_auth_token is None:
            raise InvalidValue("TWILIO_AUTH_TOKEN is needed to sign the request")
        validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
        headers[SIGNATURE_HEADER] = validator.compute_signature(url, dict(params))
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=request_timeout, transport=transport) as http:
            response = await http.post(url, data=dict(params), headers=headers)
    except httpx.HTTPError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return WebhookResult(url, signed, None, elapsed, f"{type(exc).__name__}: {exc}")
    elapsed = (time.perf_counter() - started) * 1000
    return WebhookResult(url, signed, response.status_code, elapsed)
