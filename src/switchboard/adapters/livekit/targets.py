"""Dial and transfer requests, their targets checked first so a typo never reaches a phone network.

LiveKit's CreateSIPParticipant takes a number or SIP user (`sip_call_to`), never a full URI; a SIP
URI's host is dialled directly with an outbound config instead of through the Twilio trunk.
TransferSIPParticipant takes a `sip:`, `sips:` or `tel:` URI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from google.protobuf.duration_pb2 import Duration
from livekit import api

from switchboard.domain.phone import is_e164, mask_numbers_in
from switchboard.ports.telephony import TelephonyError

_SIP_USER = re.compile(r"^[A-Za-z0-9_.!~*'()&=+$,?/%-]+$")
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$")


@dataclass(frozen=True, slots=True)
class DialTarget:
    """What goes into CreateSIPParticipant: the user or number, and the host for SIP URIs."""

    call_to: str
    host: str | None = None  # None: dial through the configured outbound trunk


def parse_dial_target(target: str) -> DialTarget:
    """Parse an E.164 number, `tel:` URI or `sip:user@host` URI; TelephonyError(400) otherwise."""
    text = target.strip()
    if text.startswith("tel:"):
        number = text.removeprefix("tel:").split(";", 1)[0]
        if is_e164(number):
            return DialTarget(number)
    elif text.startswith(("sip:", "sips:")):
        user, host = _user_and_host(text)
        if user and host:
            return DialTarget(user, host)
    elif is_e164(text):
        return DialTarget(text)
    raise _bad(target, "dial", "an E.164 number (+15125550100), tel: or sip:user@host URI")


def refer_target(transfer_to: str) -> str:
    """The REFER target, checked: `tel:` + E.164 or `sip:`/`sips:` with a user and host."""
    text = transfer_to.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith("tel:") and is_e164(text.removeprefix("tel:").split(";", 1)[0]):
        return text
    if text.startswith(("sip:", "sips:")) and all(_user_and_host(text)):
        return text
    raise _bad(transfer_to, "transfer to", "tel:+15125550100 or sip:user@host")


def dial_request(
    room: str,
    target: str,
    *,
    identity: str,
    ringing_timeout: float,
    trunk_id: str,
    caller_id: str | None = None,
    dtmf: str = "",
    krisp: bool = True,
) -> api.CreateSIPParticipantRequest:
    """CreateSIPParticipant that returns only once a person (or machine) answers."""
    if ringing_timeout <= 0:
        raise TelephonyError("ringing_timeout must be positive", sip_status=400)
    to = parse_dial_target(target)
    ring = Duration()
    ring.FromNanoseconds(int(ringing_timeout * 1e9))
    return api.CreateSIPParticipantRequest(
        sip_trunk_id="" if to.host else trunk_id,
        trunk=api.SIPOutboundConfig(hostname=to.host) if to.host else None,
        sip_call_to=to.call_to,
        sip_number=caller_id or "",
        room_name=room,
        participant_identity=identity,
        wait_until_answered=True,
        ringing_timeout=ring,
        play_dialtone=False,  # the employee's phone rings; nobody in the room needs a tone
        krisp_enabled=krisp,
        dtmf=dtmf,
    )


def refer_request(room: str, identity: str, transfer_to: str) -> api.TransferSIPParticipantRequest:
    """TransferSIPParticipant (SIP REFER) of `identity`'s leg to a checked target."""
    return api.TransferSIPParticipantRequest(
        room_name=room,
        participant_identity=identity,
        transfer_to=refer_target(transfer_to),
        # The caller hears ringback while the employee's phone rings, never dead air
        # (livekit/sip v1.11.0 pkg/sip/inbound.go:1648-1672 plays it to the SIP leg).
        play_dialtone=True,
    )


def _user_and_host(uri: str) -> tuple[str, str]:
    rest = uri.split(":", 1)[1].split(";", 1)[0]
    user, at, host = rest.partition("@")
    if not at or not _SIP_USER.match(user) or not _HOST.match(host):
        return "", ""
    return user, host


def _bad(target: str, what: str, expected: str) -> TelephonyError:
    # The target may be a phone number: never put it in the message unmasked.
    shown = mask_numbers_in(repr(target[:60]))
    return TelephonyError(f"cannot {what} {shown}: expected {expected}", sip_status=400)
