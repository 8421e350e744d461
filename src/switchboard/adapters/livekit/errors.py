"""livekit-api failures as the Telephony port's errors, with messages a person can act on.

A failed dial arrives as `SipCallError` carrying the callee's SIP status; everything else is a
Twirp `ServerError` (auth, validation, missing objects) or an aiohttp transport error.

SIP status → DialStatus:
    486 Busy Here, 600 Busy Everywhere          BUSY
    603 Decline                                 BUSY (sip_status 603 kept)
    408 Request Timeout, 480 Unavailable, 487   NO_ANSWER
    no status: LiveKit's ringing timer fired    NO_ANSWER (sip_status None)
    anything else (404, 484, 503, …)            FAILED with the status

When nobody answers before the ringing timeout, livekit-sip CANCELs the call itself and answers
408 `canceled` "sip request timed out" with no SIP status (livekit/sip v1.11.0
pkg/sip/outbound.go:545-549); that is a no-answer, not a fault.

603 is the callee pressing "decline" on a ringing phone: a person's choice, not a fault of the
network, and the caller hears the same thing as for busy ("they're on another call, want to leave
a message?"). Reporting it as FAILED would page operators for something nobody can fix. 487
reaches us only when someone other than this adapter ended the ringing (a cancelled dial removes
its own leg and never maps an error), so to the caller it is a call nobody picked up.
"""

from __future__ import annotations

import asyncio

import aiohttp
from livekit.api import ServerError, SipCallError

from switchboard.ports.telephony import DialError, DialStatus, ParticipantGone, TelephonyError

MOVE_NEEDS_CLOUD = (
    "merge strategy move needs LiveKit Cloud (open-source LiveKit has no MoveParticipant); "
    "use TRANSFER_MERGE_STRATEGY=refer"
)
BAD_CREDENTIALS = (
    "LiveKit rejected the API key or secret; check LIVEKIT_API_KEY and LIVEKIT_API_SECRET"
)
# livekit-server answers every missing grant with Twirp `unauthenticated` "permissions denied"
# (livekit/livekit v1.13.5 pkg/service/auth.go:45,258-260); a bad key or secret never gets that far:
# the auth middleware answers a plain-text 401 that livekit-api reads as code `unknown`.
_PERMISSIONS_DENIED = "permissions denied"
# A ring-out: livekit-sip's ErrSIPRequestTimeout (pkg/sip/protocol.go:141).
_RING_OUT = "sip request timed out"
_RING_OUT_CODES = frozenset({"canceled", "deadline_exceeded"})
REFER_DECLINED = (
    "the SIP trunk declined the transfer (603); on Twilio, set the trunk's transfer mode to "
    "enable-all and allow PSTN transfer"
)

_BUSY = frozenset({486, 600, 603})
_NO_ANSWER = frozenset({408, 480, 487})
_ABOUT_A_PARTICIPANT = frozenset({"move_participant", "refer", "next_reply", "hang_up"})
TRANSPORT = (  # what livekit-api lets through unwrapped
    aiohttp.ClientError,
    asyncio.TimeoutError,
)


def dial_status(sip_status: int | None) -> DialStatus:
    """How a dial that ended with `sip_status` is reported (see the table above)."""
    if sip_status in _BUSY:
        return DialStatus.BUSY
    if sip_status in _NO_ANSWER:
        return DialStatus.NO_ANSWER
    return DialStatus.FAILED


def sip_status_of(err: ServerError) -> int | None:
    """The callee's SIP status carried by a failed dial or transfer, if any."""
    return err.sip_status_code if isinstance(err, SipCallError) else None


def is_ring_out(err: ServerError) -> bool:
    """True for a dial LiveKit itself gave up on because nobody answered in time."""
    if sip_status_of(err) is not None:
        return False
    return _RING_OUT in err.message or (err.code in _RING_OUT_CODES and err.status == 408)


def from_dial(err: ServerError) -> TelephonyError:
    """A CreateSIPParticipant failure: DialError when the callee answered with a SIP status, or
    when nobody answered before the ringing timeout."""
    if is_ring_out(err):
        return DialError(DialStatus.NO_ANSWER, None, "dial ended: no answer (ringing timed out)")
    status = sip_status_of(err)
    if status is None:
        return from_api(err, "dial")
    outcome = dial_status(status)
    phrase = err.metadata.get("sip_status", "")
    return DialError(outcome, status, f"dial ended: {outcome} ({status} {phrase})".strip())


def from_api(err: ServerError, action: str) -> TelephonyError:
    """Any other livekit-api failure while doing `action` (e.g. "move_participant")."""
    status = sip_status_of(err)
    if _missing_grant(err):
        return TelephonyError(
            f"LiveKit refused {action}: this API key lacks the permission (grant) it needs"
        )
    if err.status == 401 or err.code == "unauthenticated":
        return TelephonyError(BAD_CREDENTIALS, sip_status=status)
    if action == "move_participant" and _no_move_here(err):
        return TelephonyError(MOVE_NEEDS_CLOUD)
    if status == 603 and action == "refer":
        return TelephonyError(REFER_DECLINED, sip_status=status)
    if err.code == "not_found" and status is None and action in _ABOUT_A_PARTICIPANT:
        return ParticipantGone(f"{action}: {err.message or 'not found'}", sip_status=404)
    if err.code == "unimplemented":
        return TelephonyError(f"this LiveKit server does not support {action}")
    detail = f" (SIP {status})" if status is not None else ""
    return TelephonyError(
        f"LiveKit {action} failed: {err.message or err.code}{detail}", sip_status=status
    )


def _missing_grant(err: ServerError) -> bool:
    if sip_status_of(err) is not None:
        return False  # e.g. 603 Decline arrives as permission_denied, with the SIP status
    if err.code == "permission_denied":
        return True
    return err.code == "unauthenticated" and _PERMISSIONS_DENIED in err.message


def _no_move_here(err: ServerError) -> bool:
    # Open-source livekit-server: RoomManager.MoveParticipant returns errors.New("not implemented"),
    # which psrpc makes `unknown` (HTTP 500) — never `unimplemented`.
    # (livekit/livekit v1.13.5 pkg/service/roommanager.go:904-906; psrpc v0.7.2 pkg/server/rpc.go:274)
    if err.code == "unimplemented":
        return True
    return err.code == "unknown" and "not implemented" in err.message


def from_transport(exc: BaseException, action: str) -> TelephonyError:
    """A request that never got an answer (connection refused, DNS, timeout)."""
    if isinstance(exc, asyncio.TimeoutError):
        return TelephonyError(f"LiveKit did not answer {action} in time")
    return TelephonyError(
        f"could not reach LiveKit for {action} ({type(exc).__name__}); check LIVEKIT_URL"
    )
