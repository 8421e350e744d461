"""TransferSIPParticipant: a SIP REFER of a caller to another number, with a scripted outcome.

`transfer_to` must be a `sip:`, `sips:` or `tel:` URI (optionally in angle brackets); the outcome is
the one scripted for its user part. As livekit-sip does, the request is answered only once the
transfer resolves: the far end's final NOTIFY (200, or a failure status), or the call ending after
the REFER was accepted (a success too). Then, after the answer has been sent, the bridge hangs up
the referred leg within `FakeState.refer_bye_seconds` (1 s upstream).

What a success looks like depends on `FakeState.server_version`:
- "released" (livekit v1.13.5 + sip v1.11.0): an empty body. livekit-api 1.2.2 parses it as a
  `TransferSIPParticipantResponse` with status STS_TRANSFER_ONGOING and transfer_id "".
- "head" (livekit 788d4c35 with protocol 17c16cf4): a filled-in response, status SUCCESSFUL.

A failure is a Twirp error in both: the SIP status in `meta` and the Twirp code from the SIP table;
no server sends `sip_transfer_reason`. A ringing timeout is 408 `deadline_exceeded`.
"""

from __future__ import annotations

import asyncio

from google.protobuf.empty_pb2 import Empty
from google.protobuf.message import Message
from livekit.protocol.sip import (
    SIPStatus,
    SIPTransferReason,
    SIPTransferStatus,
    TransferSIPParticipantRequest,
    TransferSIPParticipantResponse,
)

from switchboard.fakes.livekit.afterwards import after_response, spawn
from switchboard.fakes.livekit.auth import Caller, require_room_admin, require_sip_call
from switchboard.fakes.livekit.errors import TwirpError, invalid, not_found, sip_error
from switchboard.fakes.livekit.outcomes import number_in
from switchboard.fakes.livekit.participants import PARTICIPANT_NOT_FOUND
from switchboard.fakes.livekit.records import CallRecord
from switchboard.fakes.livekit.ringing import final_status, ring, ringing_timeout
from switchboard.fakes.livekit.state import FakeState, new_id

_SCHEMES = ("sip:", "sips:", "tel:")


def _validate(req: TransferSIPParticipantRequest) -> None:
    if not req.transfer_to:
        raise invalid("missing transfer to")
    uri = req.transfer_to.strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    if not uri.startswith(_SCHEMES) or not number_in(uri):
        raise invalid(
            f"transfer_to must be a valid SIP or TEL URI (sip:, sips: or tel:), got {req.transfer_to!r}"
        )


async def transfer_participant(
    state: FakeState, caller: Caller, req: TransferSIPParticipantRequest
) -> Message:
    """TransferSIPParticipant: refer the SIP participant's call to `transfer_to`."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:734-775 (checks, in this order)
    if not req.room_name:
        raise invalid("Missing room name")
    if not req.participant_identity:
        raise invalid("Missing participant identity")
    require_sip_call(caller)
    require_room_admin(caller, req.room_name)
    _validate(req)
    info = state.participant(req.room_name, req.participant_identity)
    if info is None:
        raise not_found(PARTICIPANT_NOT_FOUND)  # GetParticipant (sip.go:755-761)
    call_id = info.attributes.get("sip.callID")
    if not call_id:
        raise invalid("no SIP session associated with participant")
    number = number_in(req.transfer_to)
    record = CallRecord("transfer", number, req.room_name, req.participant_identity, call_id)
    with state.lock:
        state.calls.append(record)
    # livekit-server bounds the whole transfer by the ringing timeout (30 s when unset).
    # upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:705-725
    timeout = ringing_timeout(req)
    outcome = await ring(state, record, state.outcome_for(number), timeout)
    if outcome is None:
        # The call ended after the REFER was accepted: livekit-sip reports success.
        # upstream: livekit/sip@v1.11.0:pkg/sip/inbound.go:2237-2240
        record.result = "answered"
        return _success(state, SIPTransferReason.STR_CALL_ENDED, None)
    status = final_status(outcome, timeout)
    if status == 200:
        record.result, record.sip_status = "answered", 200
        _hang_up_referred_leg(state, record)
        return _success(state, SIPTransferReason.STR_COMPLETED, 200)
    record.result, record.sip_status = "failed", status
    if status is None:
        # livekit-server's psrpc deadline (the ringing timeout) ends the wait first.
        # upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:725-728, psrpc@v0.7.2:errors.go:33
        raise TwirpError("deadline_exceeded", "request timed out")
    # A failed final NOTIFY: "call transfer failed: <SIPStatus>", code by the SIP table.
    # upstream: livekit/sip@v1.11.0:pkg/sip/protocol.go:392-421, pkg/sip/service.go:338-340
    raise sip_error(status, outcome.reason, prefix="call transfer failed: ")


def _success(state: FakeState, reason: int, sip_code: int | None) -> Message:
    if state.server_version == "released":
        # upstream: livekit/livekit@v1.13.5:pkg/service/sip.go:731 (return &emptypb.Empty{})
        return Empty()
    # upstream: livekit/livekit@788d4c35:pkg/service/sip.go:730-735 copies the SIP node's reply.
    # livekit-sip HEAD (be5d3f5) still answers Empty, so those fields stay zero today: "head"
    # models a SIP node that fills them in, as protocol 17c16cf4 defines them.
    answer = TransferSIPParticipantResponse(
        transfer_id=new_id("STR_"),
        status=SIPTransferStatus.STS_TRANSFER_SUCCESSFUL,
        reason=reason,  # type: ignore[arg-type]
    )
    if sip_code is not None:
        answer.sip_status.CopyFrom(SIPStatus(code=sip_code, status="OK"))  # type: ignore[arg-type]
    return answer


def _hang_up_referred_leg(state: FakeState, record: CallRecord) -> None:
    """After the answer is sent, the bridge drops the referred leg (if the far end has not)."""

    leg = state.participant(record.room, record.identity)

    # upstream: livekit/sip@v1.11.0:pkg/sip/inbound.go:1682-1683 (time.AfterFunc(referByeTimeout))
    async def bye() -> None:
        await asyncio.sleep(state.seconds(state.refer_bye_seconds))
        with state.lock:
            if leg is not None and state.participant(record.room, record.identity) is leg:
                state.remove_participant(record.room, record.identity)  # not a newer namesake

    after_response(lambda: spawn(bye()))
