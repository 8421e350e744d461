"""livekit.RoomService, participants: List, Get, Remove, Update and Move.

MoveParticipant works in "cloud" mode and answers `unimplemented` in "oss" mode, like open-source
livekit-server; in cloud mode the destination room must already exist.
"""

from __future__ import annotations

from livekit.protocol.models import ParticipantInfo
from livekit.protocol.room import (
    ListParticipantsRequest,
    ListParticipantsResponse,
    MoveParticipantRequest,
    MoveParticipantResponse,
    RemoveParticipantResponse,
    RoomParticipantIdentity,
    UpdateParticipantRequest,
)

from switchboard.fakes.livekit import auth
from switchboard.fakes.livekit.errors import TwirpError, invalid, not_found
from switchboard.fakes.livekit.rooms import ROOM_NOT_FOUND
from switchboard.fakes.livekit.state import FakeState

PARTICIPANT_NOT_FOUND = "participant not found"


def _existing(state: FakeState, room: str, identity: str) -> ParticipantInfo:
    info = state.participant(room, identity)
    if info is None:
        raise not_found(PARTICIPANT_NOT_FOUND)
    return info


async def list_participants(
    state: FakeState, caller: auth.Caller, req: ListParticipantsRequest
) -> ListParticipantsResponse:
    """ListParticipants: empty for a room that does not exist, as livekit-server answers."""
    auth.require_room_admin(caller, req.room)
    return ListParticipantsResponse(
        participants=list(state.participants.get(req.room, {}).values())
    )


async def get_participant(
    state: FakeState, caller: auth.Caller, req: RoomParticipantIdentity
) -> ParticipantInfo:
    """GetParticipant."""
    auth.require_room_admin(caller, req.room)
    return _existing(state, req.room, req.identity)


async def remove_participant(
    state: FakeState, caller: auth.Caller, req: RoomParticipantIdentity
) -> RemoveParticipantResponse:
    """RemoveParticipant: for a SIP participant this hangs up their call."""
    auth.require_room_admin(caller, req.room)
    _existing(state, req.room, req.identity)
    state.remove_participant(req.room, req.identity)
    return RemoveParticipantResponse()


async def update_participant(
    state: FakeState, caller: auth.Caller, req: UpdateParticipantRequest
) -> ParticipantInfo:
    """UpdateParticipant: non-empty metadata/name replace; attributes merge, "" deletes a key."""
    auth.require_room_admin(caller, req.room)
    with state.lock:
        info = _existing(state, req.room, req.identity)
        if req.metadata:
            info.metadata = req.metadata
        if req.name:
            info.name = req.name
        if req.HasField("permission"):
            info.permission.CopyFrom(req.permission)
        for key, value in req.attributes.items():
            if value:
                info.attributes[key] = value
            else:
                info.attributes.pop(key, None)
        info.version += 1
        return info


async def move_participant(
    state: FakeState, caller: auth.Caller, req: MoveParticipantRequest
) -> MoveParticipantResponse:
    """MoveParticipant (LiveKit Cloud only): the participant, attributes and all, changes room."""
    auth.require_destination_room(caller, req.room, req.destination_room)
    if req.room == req.destination_room:
        raise invalid("destination room cannot be the same as source room")
    if state.mode == "oss":
        raise TwirpError(
            "unimplemented", "MoveParticipant is not supported by open-source livekit-server"
        )
    with state.lock:
        info = _existing(state, req.room, req.identity)
        if req.destination_room not in state.rooms:
            raise not_found(f"{ROOM_NOT_FOUND}: {req.destination_room!r}")
        if state.participant(req.destination_room, req.identity) is not None:
            raise TwirpError(
                "already_exists", f"{req.identity!r} is already in {req.destination_room!r}"
            )
        state.remove_participant(req.room, req.identity)
        state.add_participant(req.destination_room, info)
    return MoveParticipantResponse()
