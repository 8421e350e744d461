"""livekit.SIP trunk RPCs, with livekit/protocol's validation rules and messages.

Inbound: one of numbers, allowed_addresses or auth must be set, and two trunks may not claim the
same number (unless `allowed_numbers` tells them apart). Outbound: `numbers` and a bare host
`address` (no `sip:`, no `;transport=`). Conflicts answer `invalid_argument`, as LiveKit does.
"""

from __future__ import annotations

from collections.abc import Iterable

from livekit.protocol.sip import (
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    DeleteSIPTrunkRequest,
    ListSIPInboundTrunkRequest,
    ListSIPInboundTrunkResponse,
    ListSIPOutboundTrunkRequest,
    ListSIPOutboundTrunkResponse,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
    SIPTrunkInfo,
)

from switchboard.fakes.livekit.auth import Caller, require_sip_admin
from switchboard.fakes.livekit.errors import invalid, not_found
from switchboard.fakes.livekit.state import FakeState, new_id

TRUNK_NOT_FOUND = "requested sip trunk does not exist"


def _norm(number: str) -> str:
    return number if not number or number.startswith("+") else "+" + number


def validate_inbound(trunk: SIPInboundTrunkInfo, state: FakeState) -> None:
    """The security rule, then no shared number with another trunk (unless allowed_numbers differ)."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:518-524 (security rule)
    # upstream: livekit/protocol@28e604c:sip/sip.go:300-340 (conflicts; the "and AllowedNumber"
    # variant of the message is not modelled)
    if not (trunk.auth_username or trunk.auth_password or trunk.allowed_addresses or trunk.numbers):
        raise invalid(
            "for security, one of the fields must be set: "
            "AuthUsername+AuthPassword, AllowedAddresses or Numbers"
        )
    mine = {
        (_norm(n), _norm(a)) for n in trunk.numbers or [""] for a in trunk.allowed_numbers or [""]
    }
    for other in state.inbound_trunks.values():
        if other.sip_trunk_id == trunk.sip_trunk_id:
            continue
        theirs = {
            (_norm(n), _norm(a))
            for n in other.numbers or [""]
            for a in other.allowed_numbers or [""]
        }
        if mine & theirs:
            numbers = f"{list(trunk.numbers)}".replace("'", '"') if trunk.numbers else "<any>"
            raise invalid(
                f'Conflicting inbound SIP Trunks: "{trunk.sip_trunk_id or "<new>"}" and '
                f'"{other.sip_trunk_id}", using the same number(s) {numbers} without AllowedNumbers set'
            )


def validate_outbound_address(address: str, what: str = "address") -> None:
    """The outbound host rule shared by trunks and per-call SIPOutboundConfig."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:405-414,643-647,671-675
    if not address:
        raise invalid(f"no outbound {what} specified")
    if "transport=" in address:
        raise invalid(f"trunk {what} should not contain transport parameter")
    if any(c in address for c in "@;") or address.startswith(("sip:", "sips:")):
        raise invalid(f"trunk {what} should be a hostname or IP, not SIP URI")


def validate_outbound(trunk: SIPOutboundTrunkInfo) -> None:
    """Numbers are required and the address is a bare host."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:639-650
    if not trunk.numbers:
        raise invalid("no trunk numbers specified")
    validate_outbound_address(trunk.address)


async def create_inbound(
    state: FakeState, caller: Caller, req: CreateSIPInboundTrunkRequest
) -> SIPInboundTrunkInfo:
    """CreateSIPInboundTrunk: validate, give it an `ST_` id, store it."""
    require_sip_admin(caller)
    if not req.HasField("trunk"):
        raise invalid("missing trunk")
    if req.trunk.sip_trunk_id:
        raise invalid("trunk id must not be set")
    with state.lock:
        validate_inbound(req.trunk, state)
        trunk = SIPInboundTrunkInfo()
        trunk.CopyFrom(req.trunk)
        trunk.sip_trunk_id = new_id("ST_")
        trunk.created_at.GetCurrentTime()
        state.inbound_trunks[trunk.sip_trunk_id] = trunk
        return trunk


async def create_outbound(
    state: FakeState, caller: Caller, req: CreateSIPOutboundTrunkRequest
) -> SIPOutboundTrunkInfo:
    """CreateSIPOutboundTrunk: validate, give it an `ST_` id, store it."""
    require_sip_admin(caller)
    if not req.HasField("trunk"):
        raise invalid("missing trunk")
    if req.trunk.sip_trunk_id:
        raise invalid("trunk id must not be set")
    validate_outbound(req.trunk)
    trunk = SIPOutboundTrunkInfo()
    trunk.CopyFrom(req.trunk)
    trunk.sip_trunk_id = new_id("ST_")
    trunk.created_at.GetCurrentTime()
    with state.lock:
        state.outbound_trunks[trunk.sip_trunk_id] = trunk
    return trunk


def _matches(
    trunk_id: str, numbers: Iterable[str], ids: Iterable[str], wanted: Iterable[str]
) -> bool:
    ids, wanted = list(ids), {_norm(n) for n in wanted}
    if ids and trunk_id not in ids:
        return False
    return not wanted or bool(wanted & {_norm(n) for n in numbers})


async def list_inbound(
    state: FakeState, caller: Caller, req: ListSIPInboundTrunkRequest
) -> ListSIPInboundTrunkResponse:
    """ListSIPInboundTrunk, filtered by trunk ids and numbers when given."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:1065-1102 (ListSIPInboundTrunkRequest.Filter)
    require_sip_admin(caller)
    items = [
        t
        for t in list(state.inbound_trunks.values())
        if _matches(t.sip_trunk_id, t.numbers, req.trunk_ids, req.numbers)
    ]
    return ListSIPInboundTrunkResponse(items=items)


async def list_outbound(
    state: FakeState, caller: Caller, req: ListSIPOutboundTrunkRequest
) -> ListSIPOutboundTrunkResponse:
    """ListSIPOutboundTrunk, filtered by trunk ids and numbers when given."""
    # upstream: livekit/protocol@28e604c:livekit/sip.go:1104-1131
    require_sip_admin(caller)
    items = [
        t
        for t in list(state.outbound_trunks.values())
        if _matches(t.sip_trunk_id, t.numbers, req.trunk_ids, req.numbers)
    ]
    return ListSIPOutboundTrunkResponse(items=items)


async def delete_trunk(
    state: FakeState, caller: Caller, req: DeleteSIPTrunkRequest
) -> SIPTrunkInfo:
    """DeleteSIPTrunk: inbound or outbound, by id."""
    require_sip_admin(caller)
    if not req.sip_trunk_id:
        raise invalid("trunk ID is required")
    with state.lock:
        inbound = state.inbound_trunks.pop(req.sip_trunk_id, None)
        outbound = state.outbound_trunks.pop(req.sip_trunk_id, None)
    if inbound is None and outbound is None:
        raise not_found(TRUNK_NOT_FOUND)
    return SIPTrunkInfo(sip_trunk_id=req.sip_trunk_id)
