"""The debug commands of docs/troubleshooting.md as services: webhook test, SIP events, both trunks side by side.

Both trunks side by side are in diagnostics_trunks.py, the Twilio-joined call listing in
diagnostics_calls.py.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from livekit.protocol.models import ParticipantInfo
from livekit.protocol.room import ListParticipantsRequest, ListRoomsRequest
from twilio.request_validator import RequestValidator

from switchboard.domain.errors import InvalidValue
from switchboard.services.doctor_context import DoctorContext
from switchboard.services.doctor_livekit import livekit_api
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


@dataclass(frozen=True, slots=True)
class SipEvent:
    """A SIP participant in a LiveKit room, with its `sip.*` attributes."""

    room: str
    identity: str
    status: str
    attributes: Mapping[str, str]


async def sip_events(ctx: DoctorContext, limit: int = 50) -> list[SipEvent]:
    """The SIP participants of the active rooms (LiveKit keeps no history of finished calls)."""
    lk = livekit_api(ctx)
    out: list[SipEvent] = []
    try:
        rooms = await lk.room.list_rooms(ListRoomsRequest())
        for room in sorted(rooms.rooms, key=lambda r: r.creation_time, reverse=True):
            found = await lk.room.list_participants(ListParticipantsRequest(room=room.name))
            for p in found.participants:
                sip = {k: v for k, v in p.attributes.items() if k.startswith("sip.")}
                if p.kind == ParticipantInfo.Kind.SIP or sip:
                    out.append(SipEvent(room.name, p.identity, sip.get("sip.callStatus", ""), sip))
            if len(out) >= limit:
                break
    finally:
        await lk.aclose()
    return out[:limit]
