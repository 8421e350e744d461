"""The caller's SIP participant attributes (set by LiveKit SIP) turned into a `CallContext`.

LiveKit SIP sets `sip.phoneNumber` (the caller ID), `sip.trunkPhoneNumber` (the company number
that was dialled), `sip.callID` (LiveKit's SIP call id) and, for Twilio trunks,
`sip.twilio.callSid`. Caller ID is often withheld ("anonymous", "Restricted", empty) or not a
phone number at all; that is an ordinary call with an unknown caller, never an error.
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

_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.:-]")


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
    )
