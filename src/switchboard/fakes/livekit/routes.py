"""Which RPCs exist (from livekit-protocol's service descriptors) and which the fake implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from livekit.protocol.agent_dispatch import DESCRIPTOR as DISPATCH_PROTO
from livekit.protocol.room import DESCRIPTOR as ROOM_PROTO
from livekit.protocol.sip import DESCRIPTOR as SIP_PROTO

from switchboard.fakes.livekit import (
    dispatch,
    participants,
    rooms,
    sip_calls,
    sip_rules,
    sip_transfer,
    sip_trunks,
    sip_updates,
)
from switchboard.fakes.livekit.auth import Caller
from switchboard.fakes.livekit.errors import TwirpError
from switchboard.fakes.livekit.state import FakeState

Handler = Callable[[FakeState, Caller, Any], Awaitable[Message]]

HANDLERS: dict[str, dict[str, Handler]] = {
    "livekit.SIP": {
        "CreateSIPInboundTrunk": sip_trunks.create_inbound,
        "CreateSIPOutboundTrunk": sip_trunks.create_outbound,
        "UpdateSIPInboundTrunk": sip_updates.update_inbound,
        "UpdateSIPOutboundTrunk": sip_updates.update_outbound,
        "ListSIPInboundTrunk": sip_trunks.list_inbound,
        "ListSIPOutboundTrunk": sip_trunks.list_outbound,
        "DeleteSIPTrunk": sip_trunks.delete_trunk,
        "CreateSIPDispatchRule": sip_rules.create_rule,
        "UpdateSIPDispatchRule": sip_rules.update_rule,
        "ListSIPDispatchRule": sip_rules.list_rules,
        "DeleteSIPDispatchRule": sip_rules.delete_rule,
        "CreateSIPParticipant": sip_calls.create_participant,
        "TransferSIPParticipant": sip_transfer.transfer_participant,
    },
    "livekit.RoomService": {
        "CreateRoom": rooms.create_room,
        "ListRooms": rooms.list_rooms,
        "DeleteRoom": rooms.delete_room,
        "ListParticipants": participants.list_participants,
        "GetParticipant": participants.get_participant,
        "RemoveParticipant": participants.remove_participant,
        "UpdateParticipant": participants.update_participant,
        "MoveParticipant": participants.move_participant,
        "UpdateRoomMetadata": rooms.update_room_metadata,
    },
    "livekit.AgentDispatchService": {
        "CreateDispatch": dispatch.create_dispatch,
        "ListDispatch": dispatch.list_dispatch,
        "DeleteDispatch": dispatch.delete_dispatch,
    },
}

_SERVICES = {
    svc.full_name: svc
    for proto_file in (SIP_PROTO, ROOM_PROTO, DISPATCH_PROTO)
    for svc in proto_file.services_by_name.values()
}


def request_class(service: str, method: str) -> type[Message]:
    """The request message class for an RPC livekit-protocol defines, else `bad_route`."""
    svc = _SERVICES.get(service)
    rpc = svc.methods_by_name.get(method) if svc else None
    if rpc is None:
        raise TwirpError("bad_route", f"no handler for path /twirp/{service}/{method}")
    return GetMessageClass(rpc.input_type)
