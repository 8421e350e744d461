"""The TwiML documents the webhooks answer with (built with twilio's own TwiML classes)."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import Response
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

APOLOGY = (
    "Sorry, our receptionist cannot take your call right now. "
    "Please leave your name, number and a short message after the tone."
)
THANKS = "Thank you. Your message has been recorded. Goodbye."
# Twilio runs the verbs after <Record> only when the recording is empty ("Any TwiML verbs
# occurring after a <Record> are unreachable... exception: if Twilio receives an empty
# recording, it will not make a request to the action URL... and continue with the next verb":
# https://www.twilio.com/docs/voice/twiml/record), so this is what that caller hears.
NOTHING_RECORDED = "We did not hear a message. Please call again if you need us. Goodbye."
MAX_VOICEMAIL_SECONDS = 180
# <Dial> outcomes that mean nobody took the call (https://www.twilio.com/docs/voice/twiml/dial,
# "DialCallStatus": completed | answered | busy | no-answer | failed | canceled).
DIAL_NOT_CONNECTED = frozenset({"busy", "no-answer", "failed"})


def xml(document: VoiceResponse | MessagingResponse) -> Response:
    """A TwiML HTTP response (Twilio wants text/xml)."""
    return Response(content=document.to_xml(), media_type="text/xml")


def livekit_sip_target(sip_uri: str, dialled: str, caller: str) -> str:
    """`sip:<dialled>@<livekit host>;params` plus the caller's number as an X- header.

    Header values in the URI are escaped (`+` → `%2B`): "ensure any non-alphanumeric characters
    in the header values are escaped" (https://www.twilio.com/docs/api/errors/32110). The INVITE
    carries the unescaped value (RFC 3261 §19.1.1).
    """
    match = re.fullmatch(r"(sips?):([^;?]+)(;[^?]*)?", sip_uri)
    if match is None:
        raise ValueError(f"not a SIP URI: {sip_uri!r}")
    scheme, host, params = match.group(1), match.group(2).split("@")[-1], match.group(3) or ""
    user = quote(dialled, safe="+") if dialled else "switchboard"
    header = f"?X-Switchboard-Caller={quote(caller, safe='')}" if caller else ""
    return f"{scheme}:{user}@{host}{params}{header}"


def dial_livekit(sip_uri: str, dialled: str, caller: str, action: str) -> VoiceResponse:
    """Bridge the call into LiveKit SIP; the caller keeps ringing until the agent answers.

    When the <Dial> ends Twilio requests `action` with DialCallStatus: the failure path
    (voicemail when LiveKit did not take the call). There is no `referUrl`, so a SIP REFER from
    LiveKit is not honoured in this mode: TRANSFER_MERGE_STRATEGY=refer needs trunk mode.
    """
    response = VoiceResponse()
    dial = response.dial(answer_on_bridge=True, action=action, method="POST")
    dial.sip(livekit_sip_target(sip_uri, dialled, caller))
    return response


def record_voicemail(recording_callback: str, done_url: str) -> VoiceResponse:
    """Apologise and record a voicemail (reported to `recording_callback`); after a recording
    Twilio requests `done_url`. The words after <Record> are heard only when nothing was recorded.
    """
    response = VoiceResponse()
    response.say(APOLOGY)
    response.record(
        max_length=MAX_VOICEMAIL_SECONDS,
        play_beep=True,
        action=done_url,
        recording_status_callback=recording_callback,
        recording_status_callback_event="completed",
    )
    response.say(NOTHING_RECORDED)
    response.hangup()
    return response


def hang_up() -> VoiceResponse:
    """End the call (after a <Dial> that connected and finished)."""
    response = VoiceResponse()
    response.hangup()
    return response


def goodbye() -> VoiceResponse:
    """What the caller hears after recording (the <Record> action)."""
    response = VoiceResponse()
    response.say(THANKS)
    response.hangup()
    return response


def sms_reply(text: str | None) -> MessagingResponse:
    """A reply SMS, or an empty response (no reply) when `text` is None."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return response
