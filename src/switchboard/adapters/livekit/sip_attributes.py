"""The caller's SIP participant attributes (set by LiveKit SIP) turned into a `CallContext`.

LiveKit SIP sets `sip.phoneNumber` (the caller ID), `sip.trunkPhoneNumber` (the company number
that was dialled), `sip.callID` (LiveKit's SIP call id) and, for Twilio trunks,
`sip.twilio.callSid`. Caller ID is often withheld ("anonymous", "Restricted", empty) or not a
phone number at all; that is an ordinary call with an unknown caller, never an error.

Twilio's STIR/SHAKEN result arrives on the INVITE as the `X-Twilio-VerStat` header (Twilio's
documented header name; not verified here against a live trunk). LiveKit SIP copies a header
into an attribute only when the inbound trunk asks it to: `headers_to_attributes=
{"X-Twilio-VerStat": "sip.verstat"}` names it `sip.verstat`; `include_headers=SIP_X_HEADERS`
adds every X- header as `sip.h.` + the lower-cased name (livekit/sip, HeadersToAttrs; field names
in livekit-protocol 1.1.29 `SIPInboundTrunkInfo.headers_to_attributes` / `include_headers`).
Both are read; a missing or odd value is just "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from switchboard.domain.calls import CallContext
from switchboard.domain.phone import InvalidPhoneNumber, to_e164

PHONE_NUMBER = "sip.phoneNumber"
TRUNK_PHONE_NUMBER = "sip.trunkPhoneNumber"
CALL_ID = "sip.callID"
TWILIO_CALL_SID = "sip.twilio.callSid"
VERSTAT = "sip.verstat"  # headers_to_attributes={"X-Twilio-VerStat": "sip.verstat"}
VERSTAT_HEADER = "sip.h.x-twilio-verstat"  # include_headers=SIP_X_HEADERS

_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.:-]")
_VERSTAT = re.compile(r"[A-Za-z0-9-]{1,64}")


def number_or_none(value: str | None, region: str = "US") -> str | None:
    """An E.164 number from a SIP attribute, or None when withheld or not a phone number."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.lower().startswith(("sip:", "tel:")):
        text = text[4:].split("@", 1)[0].split(";", 1)[0]
    if not re.search(r"\d{3}", text):  # "anonymous", "Restricted", "unknown", ...
        return None
    try:
        return to_e164(text, region)
    except InvalidPhoneNumber:
        return None


def verstat_or_none(attributes: Mapping[str, str]) -> str | None:
    """Twilio's X-Twilio-VerStat value as the trunk passed it, or None when absent or not a
    plain token (it is stored on the call record, so nothing else gets through)."""
    for key in (VERSTAT, VERSTAT_HEADER):
        value = (attributes.get(key) or "").strip()
        if _VERSTAT.fullmatch(value):
            return value
    return None


def call_from_sip(
    room_name: str,
    identity: str,
    attributes: Mapping[str, str],
    *,
    fallback_id: str,
    region: str = "US",
) -> CallContext:
    """The call as Switchboard sees it. The call id is LiveKit's SIP call id when present (it
    joins our records to LiveKit's), else `fallback_id` (the worker job id)."""
    raw_id = (attributes.get(CALL_ID) or "").strip() or fallback_id
    call_id = _SAFE_ID.sub("_", raw_id)[:64] or fallback_id
    sid = (attributes.get(TWILIO_CALL_SID) or "").strip()
    return CallContext(
        call_id=call_id,
        room_name=room_name,
        caller_identity=identity,
        caller_number=number_or_none(attributes.get(PHONE_NUMBER), region),
        dialed_number=number_or_none(attributes.get(TRUNK_PHONE_NUMBER), region),
        twilio_call_sid=sid if _CALL_SID.fullmatch(sid) else None,
        verstat=verstat_or_none(attributes),
    )
