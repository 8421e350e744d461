"""LiveKit's RoomService as the telephony adapter uses it, with errors already translated.

Gone is not an error here: removing someone who left, or deleting a room that is gone, succeeds,
because every caller of these wants the end state ("nobody there"), not the history.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

from livekit import api

from switchboard.adapters.livekit import errors
from switchboard.ports.telephony import ParticipantGone, TelephonyError

T = TypeVar("T")
_RINGING = frozenset({"dialing", "ringing"})  # sip.callStatus of a leg nobody has answered
Legs = tuple[tuple[str, str], ...]
_STOP_RINGING_TRIES, _STOP_RINGING_GAP = 3, 0.05
_WATCH_FAILURES = 5  # consecutive failed polls before a watch reports the failure


async def call(action: str, request: Awaitable[T]) -> T:
    """Await a livekit-api request, turning its failures into TelephonyError for `action`."""
    try:
        return await request
    except api.ServerError as exc:
        raise errors.from_api(exc, action) from None
    except errors.TRANSPORT as exc:
        raise errors.from_transport(exc, action) from exc


class RoomApi:
    """Rooms and participants on one LiveKit server."""

    def __init__(self, lk: api.LiveKitAPI) -> None:
        self.lk = lk

    async def create(self, name: str, *, empty_timeout: int) -> None:
        """Create `name` (idempotent on LiveKit) with no agents dispatched into it."""
        create = api.CreateRoomRequest(name=name, empty_timeout=empty_timeout)
        await call("create_room", self.lk.room.create_room(create))

    async def present(self, room: str, identity: str) -> bool:
        """True while `identity` is in `room` (ringing legs included)."""
        who = api.RoomParticipantIdentity(room=room, identity=identity)
        try:
            await call("next_reply", self.lk.room.get_participant(who))
        except ParticipantGone:
            return False
        return True

    async def remove(self, room: str, identity: str) -> None:
        """Remove `identity`, ending its phone leg; succeeds when already gone."""
        gone = api.RoomParticipantIdentity(room=room, identity=identity)
        with contextlib.suppress(ParticipantGone):
            await call("hang_up", self.lk.room.remove_participant(gone))

    async def wait_gone(self, room: str, identity: str, *, poll_seconds: float) -> None:
        """Poll until `identity` is not in `room`; raise only after repeated failures."""
        # Polling is deliberate: the HTTP API has no events, and it needs no room connection.
        failures = 0
        while True:
            try:
                if not await self.present(room, identity):
                    return
                failures = 0
            except TelephonyError:
                # A watcher that gives up on one blip would miss the hang-up that follows it.
                failures += 1
                if failures >= _WATCH_FAILURES:
                    raise
            await asyncio.sleep(poll_seconds)

    async def stop_ringing(self, room: str, identity: str) -> None:
        """Remove a leg whose dial was abandoned, even one whose request is still in flight."""
        # The in-flight request may add the leg just after our first removal: repeat.
        for attempt in range(_STOP_RINGING_TRIES):
            if attempt:
                await asyncio.sleep(_STOP_RINGING_GAP)
            with contextlib.suppress(TelephonyError):
                await self.remove(room, identity)

    async def delete(self, room: str) -> None:
        """Delete `room` with every leg in it; succeeds when already gone."""
        try:
            await self.lk.room.delete_room(api.DeleteRoomRequest(room=room))
        except api.ServerError as exc:
            if exc.code != "not_found":
                raise errors.from_api(exc, "delete_room") from None
        except errors.TRANSPORT as exc:
            raise errors.from_transport(exc, "delete_room") from exc

    async def snapshot(self) -> tuple[tuple[str, ...], Legs, Legs]:
        """Room names, answered legs and ringing legs, as LiveKit reports them now."""
        listed = await call("list_rooms", self.lk.room.list_rooms(api.ListRoomsRequest()))
        rooms = tuple(sorted(r.name for r in listed.rooms))
        live: list[tuple[str, str]] = []
        ringing: list[tuple[str, str]] = []
        for name in rooms:
            people = api.ListParticipantsRequest(room=name)
            answer = await call("list_participants", self.lk.room.list_participants(people))
            for p in answer.participants:
                bucket = ringing if p.attributes.get("sip.callStatus") in _RINGING else live
                bucket.append((name, p.identity))
        return rooms, tuple(live), tuple(ringing)
