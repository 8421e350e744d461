"""livekit.AgentDispatchService: explicit dispatch of named agents into rooms.

The fake records dispatches only; no worker is started. A dispatch into a missing room creates it.
"""

from __future__ import annotations

import time

from livekit.protocol.agent_dispatch import (
    AgentDispatch,
    AgentDispatchState,
    CreateAgentDispatchRequest,
    DeleteAgentDispatchRequest,
    ListAgentDispatchRequest,
    ListAgentDispatchResponse,
)

from switchboard.fakes.livekit.auth import Caller, require_room_admin
from switchboard.fakes.livekit.errors import invalid, not_found
from switchboard.fakes.livekit.state import FakeState, new_id


def add_dispatch(state: FakeState, room: str, agent_name: str, metadata: str = "") -> AgentDispatch:
    """Record a dispatch of `agent_name` into `room` (also used by CreateRoom and inbound calls)."""
    dispatch = AgentDispatch(
        id=new_id("AD_"),
        agent_name=agent_name,
        room=room,
        metadata=metadata,
        state=AgentDispatchState(created_at=time.time_ns()),
    )
    with state.lock:
        state.ensure_room(room)
        state.dispatches[dispatch.id] = dispatch
    return dispatch


async def create_dispatch(
    state: FakeState, caller: Caller, req: CreateAgentDispatchRequest
) -> AgentDispatch:
    """CreateDispatch."""
    # upstream: livekit/livekit@v1.13.5:pkg/service/agent_dispatch_service.go:56-96
    require_room_admin(caller, req.room)
    if not req.room:
        raise invalid("room is required")
    dispatch = add_dispatch(state, req.room, req.agent_name, req.metadata)
    dispatch.attributes.update(req.attributes)
    dispatch.deployment = req.deployment
    return dispatch


async def list_dispatch(
    state: FakeState, caller: Caller, req: ListAgentDispatchRequest
) -> ListAgentDispatchResponse:
    """ListDispatch: the room's dispatches, or the one with `dispatch_id`."""
    require_room_admin(caller, req.room)
    found = [
        d
        for d in list(state.dispatches.values())
        if d.room == req.room and (not req.dispatch_id or d.id == req.dispatch_id)
    ]
    return ListAgentDispatchResponse(agent_dispatches=found)


async def delete_dispatch(
    state: FakeState, caller: Caller, req: DeleteAgentDispatchRequest
) -> AgentDispatch:
    """DeleteDispatch: answers the deleted dispatch with `state.deleted_at` set."""
    require_room_admin(caller, req.room)
    with state.lock:
        dispatch = state.dispatches.get(req.dispatch_id)
        if dispatch is None or dispatch.room != req.room:
            raise not_found(f"dispatch {req.dispatch_id!r} not found in room {req.room!r}")
        del state.dispatches[req.dispatch_id]
    dispatch.state.deleted_at = time.time_ns()
    return dispatch
