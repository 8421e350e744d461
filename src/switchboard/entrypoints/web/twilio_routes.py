"""The six /twilio/* webhooks. Thin: authenticate, check the parameters, call the service, answer.

TwiML (`text/xml`) where Twilio expects instructions; 204 where it only wants acknowledgement.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from switchboard.domain.phone import mask
from switchboard.entrypoints.web import twiml
from switchboard.entrypoints.web.rate_limit import RejectLimiter, client_address
from switchboard.entrypoints.web.security import (
    TwilioRequest,
    WebhookSecurity,
    verified_twilio_request,
)
from switchboard.logs import get_logger
from switchboard.services.messages.webhooks import WebhookService

log = get_logger(__name__)
IDEMPOTENCY_HEADER = "i-twilio-idempotency-token"


def _require(params: dict[str, str], *names: str) -> None:
    missing = [name for name in names if not params.get(name)]
    if missing:
        raise HTTPException(400, f"missing parameter(s): {', '.join(missing)}")


def _key(request: Request, route: str, *parts: str) -> str:
    """Twilio's idempotency token when sent (same on retries), else route + SID + status."""
    token = request.headers.get(IDEMPOTENCY_HEADER)
    return f"{route}:{token}" if token else ":".join((route, *parts))


def _base(request: Request, tw: TwilioRequest) -> str:
    """The public base URL (scheme, host, any prefix) of this request, for callback URLs."""
    path_query = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return tw.public_url[: len(tw.public_url) - len(path_query)]


async def _verified(request: Request) -> TwilioRequest:
    # The app factory stores the security settings on app.state; see create_app.
    security: WebhookSecurity = request.app.state.webhook_security
    limiter: RejectLimiter | None = request.app.state.reject_limiter
    try:
        return await verified_twilio_request(request, security)
    except HTTPException:
        address = client_address(request, security.trust_forwarded_headers)
        if limiter is not None and not await limiter.allow(address):
            raise HTTPException(429, "too many rejected requests") from None
        raise


# Module level: FastAPI resolves string annotations against module globals.
Signed = Annotated[TwilioRequest, Depends(_verified)]


def twilio_router(service: WebhookService, livekit_sip_uri: str | None) -> APIRouter:
    """The router for /twilio/*; every request is authenticated with app.state.webhook_security."""
    router = APIRouter(prefix="/twilio", tags=["twilio"])

    def voicemail(request: Request, tw: TwilioRequest) -> Response:
        base = _base(request, tw)
        done = f"{base}/twilio/voice-fallback?done=1"
        return twiml.xml(twiml.record_voicemail(f"{base}/twilio/recording", done))

    @router.post("/voice")
    async def voice(request: Request, tw: Signed) -> Response:
        """Dial the LiveKit SIP URI with the caller's number; voicemail when LiveKit is not set up."""
        p = tw.first
        _require(p, "CallSid")
        if not livekit_sip_uri:
            log.warning("LIVEKIT_SIP_URI not set: sending the caller to voicemail")
            await service.voicemail_started(p)
            return voicemail(request, tw)
        action = f"{_base(request, tw)}/twilio/voice-fallback"
        dial = twiml.dial_livekit(livekit_sip_uri, p.get("To", ""), p.get("From", ""), action)
        return twiml.xml(dial)

    @router.post("/voice-fallback")
    async def voice_fallback(request: Request, tw: Signed) -> Response:
        """Voicemail for the front desk when the call could not reach the receptionist.

        Three callers: the number's voice fallback URL and the trunk's disaster-recovery URL
        (the webhook or the trunk failed), and the <Dial action> of /twilio/voice, which carries
        DialCallStatus: only busy / no-answer / failed mean LiveKit did not take the call; after
        a call that connected (completed) the caller is simply hung up on.
        """
        p = tw.first
        _require(p, "CallSid")
        if request.query_params.get("done"):
            return twiml.xml(twiml.goodbye())
        dial_status = p.get("DialCallStatus")
        if dial_status is not None and dial_status not in twiml.DIAL_NOT_CONNECTED:
            return twiml.xml(twiml.hang_up())
        log.warning(
            "voice fallback",
            error=p.get("ErrorCode"),
            dial_status=dial_status,
            sip_code=p.get("DialSipResponseCode"),
            **{"from": mask(p.get("From"))},
        )
        await service.voicemail_started(p)
        return voicemail(request, tw)

    @router.post("/status", status_code=204)
    async def status(request: Request, tw: Signed) -> Response:
        """Message and call status callbacks: move notifications and call records forward."""
        p = tw.first
        if p.get("MessageSid"):
            _require(p, "MessageStatus")
            key = _key(request, "status", p["MessageSid"], p["MessageStatus"])
        else:
            _require(p, "CallSid", "CallStatus")
            key = _key(request, "status", p["CallSid"], p["CallStatus"])
        await service.status_callback(p, key)
        return Response(status_code=204)

    @router.post("/sms")
    async def sms(request: Request, tw: Signed) -> Response:
        """Inbound SMS: employees' AWAY/BACK/DND, anything else from others becomes a message."""
        p = tw.first
        _require(p, "MessageSid", "From")
        reply = await service.inbound_sms(p, _key(request, "sms", p["MessageSid"]))
        return twiml.xml(twiml.sms_reply(reply))

    @router.post("/sms-fallback")
    async def sms_fallback(request: Request, tw: Signed) -> Response:
        """The SMS webhook failed: alert in the log and answer safely (no reply text)."""
        p = tw.first
        log.error(
            "sms webhook failed; Twilio used the fallback",
            sid=p.get("MessageSid"),
            error=p.get("ErrorCode"),
            **{"from": mask(p.get("From"))},
        )
        return twiml.xml(twiml.sms_reply(None))

    @router.post("/recording", status_code=204)
    async def recording(request: Request, tw: Signed) -> Response:
        """A voicemail recording is ready: it becomes a message for the front desk."""
        p = tw.first
        _require(p, "CallSid", "RecordingSid")
        key = _key(request, "recording", p["RecordingSid"], p.get("RecordingStatus", ""))
        await service.recording(p, key)
        return Response(status_code=204)

    return router
