"""TransferSIPParticipant: a SIP REFER of a caller to another number, with a scripted outcome.

`transfer_to` must be a `sip:`, `sips:` or `tel:` URI (optionally in angle brackets); the outcome is
the one scripted for its user part. On success the SIP participant leaves the room (the call now
runs between the caller and the transfer target); on failure it stays and the error carries the
SIP status plus `sip_transfer_reason` and `sip_transfer_id` in `meta`.
"""

from __future__ import annotations

from livekit.protocol.sip import (
    SIPStatus,
    SIPTransferReason,
    SIPTransferStatus,
    TransferSIPParticipantRequest,
    TransferSIPParticipantResponse,
)

from switchboard.fakes.livekit.auth import Caller, require_room_admin, require_sip_call
from switchboard.fakes.livekit.errors import invalid, not_found, sip_error
from switchboard.fakes.livekit.outcomes import number_in
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
) -> TransferSIPParticipantResponse:
    """TransferSIPParticipant: refer the SIP participant's call to `transfer_to`."""
    if not req.room_name:
        raise invalid("Missing room name")
    if not req.participant_identity:
        raise invalid("Missing participant identity")
    require_sip_call(caller)
    require_room_admin(caller, req.room_name)
    _validate(req)
    info = state.participant(req.room_name, req.participant_identity)
    if info is None:
        raise not_found("participant not found")
    call_id = info.attributes.get("sip.callID")
    if not call_id:
        raise invalid("no SIP session associated with participant")
    number = number_in(req.transfer_to)
    record = CallRecord("transfer", number, req.room_name, req.participant_identity, call_id)
    transfer_id = new_id("STR_")
    with state.lock:
        state.calls.append(record)
    timeout = ringing_timeout(req)
    outcome = await ring(state, record, state.outcome_for(number), timeout)
    if outcome is None:
        record.result, record.sip_status = "canceled", 487
        raise sip_error(487, sip_transfer_reason="STR_CALL_ENDED", sip_transfer_id=transfer_id)
    record.sip_status = final_status(outcome, timeout)
    if record.sip_status == 200:
        record.result = "answered"
        state.remove_participant(record.room, record.identity)
        return TransferSIPParticipantResponse(
            transfer_id=transfer_id,
            status=SIPTransferStatus.STS_TRANSFER_SUCCESSFUL,
            reason=SIPTransferReason.STR_COMPLETED,
            sip_status=SIPStatus(code=200, status="OK"),  # type: ignore[arg-type]
        )
    record.result = "failed"
    reason = "STR_RINGING_TIMEOUT" if outcome.times_out(timeout) else "STR_REJECTED"
    raise sip_error(
        record.sip_status, outcome.reason, sip_transfer_reason=reason, sip_transfer_id=transfer_id
    )
