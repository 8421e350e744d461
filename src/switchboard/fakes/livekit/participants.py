"""livekit.RoomService, participants: List, Get, Remove, Update and Move.

MoveParticipant works in "cloud" mode (LiveKit Cloud is closed source: that behaviour is not taken
from source; the destination room must already exist). In "oss" mode it fails as open-source
livekit-server fails: 500 `unknown` "not implemented" for a connected participant, and 503
`unavailable` "no response from servers" after psrpc's retries (`FakeState.move_unclaimed_seconds`)
for anyone else. Never 501.
"""

from __future__ import annotations

import asyncio

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

# upstream: livekit/livekit@v1.13.5:pkg/service/errors.go:37 (psrpc NotFound → Twirp not_found)
PARTICIPANT_NOT_FOUND = "participant does not exist"


def _existing(state: FakeState, room: str, identity: str) -> ParticipantInfo:
    info = state.participant(room, identity)
    if info is None:
        raise not_found(PARTICIPANT_NOT_FOUND)
    return info


async def list_participants(
    state: FakeState, caller: auth.Caller, req: ListParticipantsRequest
) -> ListParticipantsResponse:
    """ListParticipants: empty for a room that does not exist, as livekit-server answers."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:170-198 (the empty answer for a
    # missing room is from the review, not re-read in the store code)
    auth.require_room_admin(caller, req.room)
    return ListParticipantsResponse(
        participants=list(state.participants.get(req.room, {}).values())
    )


async def get_participant(
    state: FakeState, caller: auth.Caller, req: RoomParticipantIdentity
) -> ParticipantInfo:
    """GetParticipant."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:200-222
    auth.require_room_admin(caller, req.room)
    return _existing(state, req.room, req.identity)


async def remove_participant(
    state: FakeState, caller: auth.Caller, req: RoomParticipantIdentity
) -> RemoveParticipantResponse:
    """RemoveParticipant: for a SIP participant this hangs up their call."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:229-238 (401, then not_found)
    auth.require_room_admin(caller, req.room)
    _existing(state, req.room, req.identity)
    state.remove_participant(req.room, req.identity)
    return RemoveParticipantResponse()


async def update_participant(
    state: FakeState, caller: auth.Caller, req: UpdateParticipantRequest
) -> ParticipantInfo:
    """UpdateParticipant: non-empty metadata/name replace; attributes merge, "" deletes a key."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:260-300 (roomAdmin, not_found)
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


async def _open_source_move(state: FakeState, req: MoveParticipantRequest) -> None:
    """Open-source livekit-server forwards the move over psrpc; nobody can carry it out."""
    if state.participant(req.room, req.identity) is not None:
        # The participant's node answers a plain error, which psrpc and xtwirp make `unknown`.
        # upstream: livekit/livekit@v1.13.5:pkg/service/roommanager.go:904-906
        # upstream: livekit/psrpc@v0.7.2:pkg/server/rpc.go:273-274
        # upstream: livekit/protocol@28e604c:utils/xtwirp/errors.go:80-86
        raise TwirpError("unknown", "not implemented")
    # No node holds the participant's topic: no claim, ErrNoResponse, retried by psrpc.
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:391 (no existence check)
    # upstream: livekit/psrpc@v0.7.2:pkg/client/rpc.go:201, errors.go:34, middleware/retry.go:57-63
    await asyncio.sleep(state.seconds(state.move_unclaimed_seconds))
    raise TwirpError("unavailable", "no response from servers")


async def move_participant(
    state: FakeState, caller: auth.Caller, req: MoveParticipantRequest
) -> MoveParticipantResponse:
    """MoveParticipant (LiveKit Cloud only): the participant, attributes and all, changes room."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:383-389 (401, then 400)
    auth.require_destination_room(caller, req.room, req.destination_room)
    if req.room == req.destination_room:
        raise invalid("destination room cannot be the same as source room")
    if state.mode == "oss":
        await _open_source_move(state, req)
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
