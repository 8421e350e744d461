"""CreateSIPParticipant: dialling a number into a room, with a scripted outcome.

A dial first joins a SIP participant to the room (after `FakeState.join_seconds`; `sip.callStatus`
dialing → ringing → active), then plays the number's `DialOutcome`: the ringing timer starts only
once the participant has joined. With `wait_until_answered` the request returns only when the
callee answers, or fails with the SIP status in `meta` (livekit-api raises `SipCallError`); a call
nobody answers before the ringing timeout fails with 408 `canceled` "sip request timed out" and no
SIP status. Without `wait_until_answered` the request returns at once and the call plays out in
the background: a failed call simply leaves the room. If the participant leaves while ringing
(hang-up, RemoveParticipant, DeleteRoom), the dial ends with 487 Request Terminated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine
from typing import Any

from livekit.protocol.models import ParticipantInfo
from livekit.protocol.sip import CreateSIPParticipantRequest, SIPParticipantInfo

from switchboard.fakes.livekit.afterwards import spawn
from switchboard.fakes.livekit.auth import Caller, require_sip_call
from switchboard.fakes.livekit.errors import TwirpError, invalid, not_found, sip_error
from switchboard.fakes.livekit.outcomes import DialOutcome
from switchboard.fakes.livekit.records import CallRecord
from switchboard.fakes.livekit.ringing import final_status, ring, ringing_timeout
from switchboard.fakes.livekit.sip_trunks import TRUNK_NOT_FOUND, validate_outbound_address
from switchboard.fakes.livekit.state import FakeState, new_id


def _set_status(state: FakeState, room: str, identity: str, status: str) -> None:
    with state.lock:
        info = state.participant(room, identity)
        if info is not None:
            info.attributes["sip.callStatus"] = status
            if status == "active":
                info.state = ParticipantInfo.ACTIVE


# The ringing timer expired: livekit-sip CANCELs the INVITE and answers a psrpc Canceled error
# that carries no SIPStatus, so no `sip_status_code` meta reaches the client.
# upstream: livekit/sip@v1.11.0:pkg/sip/outbound.go:545-549 (ErrSIPRequestTimeout: protocol.go:141)
# upstream: livekit/sip@v1.11.0:pkg/sip/errors.go:270-273 (classified as no-answer, error kept)
# upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:781-788 (passed through unchanged)
RING_OUT = ("canceled", "sip request timed out")


async def _play(
    state: FakeState, record: CallRecord, outcome: DialOutcome, ring_limit: float
) -> None:
    room, identity = record.room, record.identity
    _set_status(state, room, identity, "ringing")
    ended = await ring(state, record, outcome, ring_limit)
    if ended is None:
        record.result, record.sip_status = "canceled", 487
        raise sip_error(487)
    record.sip_status = final_status(ended, ring_limit)
    if record.sip_status == 200:
        record.result = "answered"
        _set_status(state, room, identity, "active")
        return
    record.result = "failed"
    state.remove_participant(room, identity)
    if record.sip_status is None:
        raise TwirpError(*RING_OUT)
    raise sip_error(record.sip_status, ended.reason, prefix="INVITE failed: ")


async def _join(state: FakeState, record: CallRecord, info: ParticipantInfo) -> None:
    # The bridge joins the room (dialing) before it answers a non-waiting request, sends the
    # INVITE or starts the ringing timer.
    # upstream: livekit/sip@v1.11.0:pkg/sip/client.go:463-485 (newCall, then DialAsync or Dial)
    # upstream: livekit/sip@v1.11.0:pkg/sip/outbound.go:155,460 then :658-665
    if state.join_seconds > 0:
        await asyncio.sleep(state.seconds(state.join_seconds))
    state.add_participant(record.room, info)


async def _in_background(coro: Coroutine[Any, Any, None]) -> None:
    # Without wait_until_answered the caller learns of failures from the room only.
    with contextlib.suppress(TwirpError):
        await coro


def _validate_dial(state: FakeState, req: CreateSIPParticipantRequest) -> str:
    if not req.sip_trunk_id and not req.HasField("trunk"):
        raise invalid("missing sip trunk id")
    if req.HasField("trunk"):
        validate_outbound_address(req.trunk.hostname, "hostname")
    if not req.sip_call_to:
        raise invalid("missing sip callee number")
    if "@" in req.sip_call_to:
        raise invalid("SipCallTo should be a phone number or SIP user, not a full SIP URI")
    if not req.room_name:
        raise invalid("missing room name")
    if not req.sip_trunk_id:
        return req.sip_number
    trunk = state.outbound_trunks.get(req.sip_trunk_id)
    if trunk is None:
        raise not_found(f"{TRUNK_NOT_FOUND} (outbound trunk {req.sip_trunk_id!r})")
    return req.sip_number or (trunk.numbers[0] if trunk.numbers else "")


async def create_participant(
    state: FakeState, caller: Caller, req: CreateSIPParticipantRequest
) -> SIPParticipantInfo:
    """CreateSIPParticipant: join a SIP participant to the room and ring the number."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:641-642 (sip.call grant, 401)
    require_sip_call(caller)
    from_number = _validate_dial(state, req)
    room, identity = req.room_name, req.participant_identity or f"sip_{req.sip_call_to}"
    attributes = dict(req.participant_attributes)
    call_id = new_id("SCL_")
    attributes.update({"sip.callID": call_id, "sip.callStatus": "dialing"})
    attributes["sip.trunkID"] = req.sip_trunk_id
    if not req.hide_phone_number:
        attributes.update({"sip.phoneNumber": req.sip_call_to, "sip.trunkPhoneNumber": from_number})
    info = ParticipantInfo(
        sid=new_id("PA_"),
        identity=identity,
        name=req.participant_name or f"Phone {req.sip_call_to}",
        metadata=req.participant_metadata,
        kind=ParticipantInfo.SIP,
        state=ParticipantInfo.JOINING,
        joined_at=int(time.time()),
        attributes=attributes,
    )
    record = CallRecord("dial", req.sip_call_to, room, identity, call_id, req.sip_trunk_id)
    if state.participant(room, identity) is not None:
        raise TwirpError("already_exists", f"participant {identity!r} is already in room {room!r}")
    with state.lock:
        state.calls.append(record)
    await _join(state, record, info)
    play = _play(state, record, state.outcome_for(record.number), ringing_timeout(req))
    if req.wait_until_answered:
        await play
    else:
        spawn(_in_background(play))
    return SIPParticipantInfo(
        participant_id=info.sid, participant_identity=identity, room_name=room, sip_call_id=call_id
    )
