"""Provider failures in plain words: what went wrong and what to do about it."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import httpx
from livekit.api.twirp_client import ServerError
from twilio.base.exceptions import TwilioException, TwilioRestException

from switchboard.adapters.twilio import classify_twilio_error
from switchboard.domain.errors import SwitchboardError

# Twilio REST error codes seen while provisioning (https://www.twilio.com/docs/api/errors).
_TWILIO_HINTS: dict[int, str] = {
    20003: "Twilio rejected the credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
    20404: "Twilio says the resource does not exist (deleted meanwhile?); run `setup plan` again",
    20429: "Twilio is rate-limiting requests: wait a minute and run apply again",
}
_LIVEKIT_HINTS: dict[str, str] = {
    "unauthenticated": "LiveKit rejected the API key: check LIVEKIT_API_KEY and LIVEKIT_API_SECRET",
    "permission_denied": "the LiveKit API key lacks SIP admin rights",
    "invalid_argument": "LiveKit refused the object as invalid or conflicting",
    "resource_exhausted": "LiveKit is rate-limiting requests: wait and run apply again",
    "unavailable": "LiveKit is unavailable right now: try again shortly",
}


class ProviderUnavailable(SwitchboardError):
    """Twilio or LiveKit failed or could not be reached; the message explains it."""


# What a provider call can fail with that is the provider's or the network's doing, not a bug of
# ours: explained in one line by `explain_provider_error`. Anything else is left to show its trace.
PROVIDER_FAILURES: tuple[type[BaseException], ...] = (
    TwilioException,
    ServerError,
    OSError,  # refused, unreachable, DNS
    aiohttp.ClientError,
    httpx.HTTPError,
    asyncio.TimeoutError,
)


def _as_rest_error(exc: TwilioException) -> TwilioRestException | None:
    """Listing pages raises a bare `TwilioException(message, response)`; recover the answer."""
    response = exc.args[1] if len(exc.args) > 1 else None
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None
    try:
        body = json.loads(getattr(response, "text", "") or "{}")
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    message = str(body.get("message") or exc.args[0])
    return TwilioRestException(status, "", message, body.get("code"))


def explain_provider_error(exc: BaseException) -> str:
    """One or two sentences naming the provider, its answer, and the likely fix."""
    if isinstance(exc, TwilioException) and not isinstance(exc, TwilioRestException):
        exc = _as_rest_error(exc) or exc
    if isinstance(exc, TwilioRestException):
        info = classify_twilio_error(exc)
        hint = _TWILIO_HINTS.get(info.code or 0)
        if hint is None and info.status == 401:
            hint = _TWILIO_HINTS[20003]
        if hint is None and "domain" in info.message.lower():
            hint = "choose another `domain_name` in switchboard.yaml (it must be unique on Twilio)"
        if hint is None and info.retryable:
            hint = "a temporary Twilio problem: run apply again (it resumes where it stopped)"
        code = f" (error {info.code})" if info.code else ""
        answer = f"Twilio answered HTTP {info.status}{code}: {info.message}"
        return f"{answer}. {hint}." if hint else f"{answer}."
    if isinstance(exc, ServerError):
        hint = _LIVEKIT_HINTS.get(exc.code)
        if exc.status == 401:
            # livekit-server answers a bad key or signature with a plain-text 401 (the SDK reads
            # the code as "unknown"), a missing grant with Twirp's "permissions denied"
            # (livekit/livekit@v1.13.5:pkg/service/auth.go:45,72-97,258-260).
            missing_grant = "permissions denied" in exc.message
            hint = _LIVEKIT_HINTS["permission_denied" if missing_grant else "unauthenticated"]
        if hint is None and exc.status >= 500:
            hint = "a temporary LiveKit problem: run apply again (it resumes where it stopped)"
        answer = f"LiveKit answered {exc.code} (HTTP {exc.status}): {exc.message}"
        return f"{answer}. {hint}." if hint else f"{answer}."
    info = classify_twilio_error(exc)
    if info.retryable or isinstance(exc, OSError):  # OSError: refused, unreachable, DNS
        return f"the provider could not be reached ({info.message}); check the network and retry."
    return f"unexpected failure: {type(exc).__name__}: {exc}"
