"""livekit.RoomService, room lifecycle: CreateRoom, ListRooms, DeleteRoom, UpdateRoomMetadata.

CreateRoom is idempotent (an existing room comes back unchanged) and dispatches the agents named in
`agents`; DeleteRoom drops the participants and dispatches with the room.
"""

from __future__ import annotations

from livekit.protocol.models import Room
from livekit.protocol.room import (
    CreateRoomRequest,
    DeleteRoomRequest,
    DeleteRoomResponse,
    ListRoomsRequest,
    ListRoomsResponse,
    UpdateRoomMetadataRequest,
)

from switchboard.fakes.livekit import auth
from switchboard.fakes.livekit.dispatch import add_dispatch
from switchboard.fakes.livekit.errors import invalid, not_found
from switchboard.fakes.livekit.state import FakeState

# upstream: livekit/livekit@v1.13.5:pkg/service/errors.go:38
ROOM_NOT_FOUND = "requested room does not exist"


async def create_room(state: FakeState, caller: auth.Caller, req: CreateRoomRequest) -> Room:
    """CreateRoom: answers the room, new or existing."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:73-108 (roomCreate grant)
    auth.require_room_create(caller)
    if not req.name:
        raise invalid("room name is required")
    with state.lock:
        is_new = req.name not in state.rooms
        room = state.ensure_room(req.name, metadata=req.metadata, empty_timeout=req.empty_timeout)
        if is_new:
            room.departure_timeout, room.max_participants = (
                req.departure_timeout,
                req.max_participants,
            )
            for agent in req.agents:
                add_dispatch(state, req.name, agent.agent_name, agent.metadata)
        return room


async def list_rooms(
    state: FakeState, caller: auth.Caller, req: ListRoomsRequest
) -> ListRoomsResponse:
    """ListRooms: every room, or those named in `names`."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:110-134 (roomList grant)
    auth.require_room_list(caller)
    rooms = [r for r in list(state.rooms.values()) if not req.names or r.name in req.names]
    return ListRoomsResponse(rooms=rooms)


async def delete_room(
    state: FakeState, caller: auth.Caller, req: DeleteRoomRequest
) -> DeleteRoomResponse:
    """DeleteRoom: everyone in it is disconnected, its dispatches go too."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/roomservice.go:136-148 (roomCreate; not_found)
    auth.require_room_create(caller)
    if req.room not in state.rooms:
        raise not_found(ROOM_NOT_FOUND)
    state.delete_room(req.room)
    return DeleteRoomResponse()


async def update_room_metadata(
    state: FakeState, caller: auth.Caller, req: UpdateRoomMetadataRequest
) -> Room:
    """UpdateRoomMetadata: answers the room with its new metadata."""
    auth.require_room_admin(caller, req.room)
    with state.lock:
        room = state.rooms.get(req.room)
        if room is None:
            raise not_found(ROOM_NOT_FOUND)
        room.metadata = req.metadata
        return room
