"""An in-process phone network implementing `Telephony`, on a `SimulatedClock`.

Rooms hold participants; callers arrive with `place_call`; employees are reached by dialling their
phone number or SIP URI and behave as their `EmployeeScript` says. Hold audio, ringing legs and rooms
stay live until someone ends them, exactly like the real thing, so `live_resources()` shows orphans.
Scripted behaviour runs on clock callbacks, never on background tasks.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import Mapping

from switchboard.adapters.simulator.clock import SimulatedClock
from switchboard.adapters.simulator.people import (
    Connection,
    NetworkEvent,
    Participant,
    TranscriptLine,
)
from switchboard.adapters.simulator.ringing import RingingMixin
from switchboard.adapters.simulator.scripts import CallerScript, EmployeeScript, HangupPoint
from switchboard.domain.calls import CallContext
from switchboard.ports.telephony import (
    DialError,
    DialStatus,
    LiveResources,
    ParticipantGone,
    Reply,
    TelephonyError,
)


class SimulatedNetwork(RingingMixin):
    """Rooms, participants, hold audio and a transcript; dialling and merges come from RingingMixin."""

    def __init__(
        self,
        clock: SimulatedClock,
        employees: Mapping[str, EmployeeScript] | None = None,
        *,
        merge_seconds: float = 2.0,
    ) -> None:
        self.clock = clock
        self.employees = dict(employees or {})  # by dial target (E.164 or SIP URI)
        self.merge_seconds = merge_seconds
        self.rooms: dict[str, dict[str, Participant]] = {}
        self.holds: set[tuple[str, str]] = set()
        self.links: dict[str, str] = {}  # consultation room -> caller room
        self.transcript: list[TranscriptLine] = []
        self.events: list[NetworkEvent] = []
        self.connections: list[Connection] = []
        self.dialed: list[str] = []
        self._ids = itertools.count(1)

    # --- test and scenario controls ---------------------------------------------------------

    def place_call(
        self,
        number: str | None = "+16125550177",
        script: CallerScript | None = None,
        *,
        company_number: str | None = None,
    ) -> CallContext:
        """A caller rings in (from `number`, to `company_number`): a new room with them in it."""
        n = next(self._ids)
        room, identity = f"call-{n}", f"caller-{n}"
        self.rooms[room] = {
            identity: Participant(identity, room, "caller", caller=script or CallerScript())
        }
        self.note(room, "caller_joined", identity)
        return CallContext(
            f"sim-{n}", room, identity, caller_number=number, dialed_number=company_number
        )

    def leave(self, room: str, identity: str, why: str = "hung_up") -> None:
        """`identity` leaves `room` (hangs up); a ringing leg stops ringing."""
        person = self.rooms.get(room, {}).pop(identity, None)
        if person is None:
            return
        self.note(room, why, identity)
        if person.answered is not None and not person.answered.done():
            person.answered.set_exception(_terminated())
        for waiter in person.waiters:
            if not waiter.done():
                waiter.set_exception(ParticipantGone(f"{identity} left"))
        if person.left is not None and not person.left.done():
            person.left.set_result(None)

    def speak(self, room: str, identity: str, reply: Reply) -> None:
        """`identity` says something or presses keys (DTMF)."""
        person = self._find(room, identity)
        text = reply.text or f"[keypad {reply.digits}]"
        self.transcript.append(TranscriptLine(self.clock.elapsed(), room, person.role, text))
        person.deliver(reply)

    def note(self, room: str, kind: str, identity: str = "", detail: str = "") -> None:
        self.events.append(NetworkEvent(self.clock.elapsed(), room, kind, identity, detail))

    def transcript_of(self, caller_room: str) -> list[TranscriptLine]:
        """Everything said in a call's room and its consultation rooms, in order."""
        rooms = {caller_room, *(c for c, owner in self.links.items() if owner == caller_room)}
        return [line for line in self.transcript if line.room in rooms]

    def phase(self, room: str, point: HangupPoint) -> None:
        """A call reached `point`: a caller scripted to hang up there does so a moment later."""
        caller_room = self.links.get(room, room)
        for person in list(self.rooms.get(caller_room, {}).values()):
            if person.role == "caller" and person.caller.hangup_during is point:
                hang_up = functools.partial(self.leave, caller_room, person.identity)
                self.clock.call_later(person.caller.hangup_after, hang_up)

    # --- Telephony ----------------------------------------------------------------------------

    async def create_consultation_room(self, caller_room: str) -> str:
        await self.clock.sleep(0)
        room = f"{caller_room}-consult-{next(self._ids)}"
        self.rooms[room] = {}
        self.links[room] = caller_room
        self.note(room, "room_created")
        return room

    async def start_hold(self, room: str, identity: str) -> None:
        self._find(room, identity)
        if (room, identity) not in self.holds:
            self.holds.add((room, identity))
            self.note(room, "hold_started", identity)
            self.phase(room, HangupPoint.HOLD)

    async def stop_hold(self, room: str, identity: str) -> None:
        if (room, identity) in self.holds:
            self.holds.discard((room, identity))
            self.note(room, "hold_stopped", identity)

    async def say(self, room: str, identity: str, text: str) -> None:
        person = self._find(room, identity)
        self.transcript.append(TranscriptLine(self.clock.elapsed(), room, "agent", text, identity))
        self.note(room, "agent_said", identity)
        await self.clock.sleep(0)
        if person.to_say and person.employee is not None:
            reply = person.to_say.popleft()
            delay = person.employee.decide_after
            self.clock.call_later(delay, lambda: self._speak_if_present(room, identity, reply))

    async def next_reply(self, room: str, identity: str, *, wait_seconds: float) -> Reply | None:
        person = self._find(room, identity)
        if person.replies:
            return person.replies.popleft()
        waiter: asyncio.Future[Reply | None] = asyncio.get_running_loop().create_future()
        person.waiters.append(waiter)
        timer = self.clock.call_later(wait_seconds, lambda: _resolve(waiter, None))
        try:
            return await waiter
        finally:
            timer.cancel()
            if waiter in person.waiters:
                person.waiters.remove(waiter)

    async def wait_until_left(self, room: str, identity: str) -> None:
        person = self.rooms.get(room, {}).get(identity)
        if person is not None:
            await asyncio.shield(person.gone())

    async def hang_up(self, room: str, identity: str) -> None:
        await self.clock.sleep(0)
        self.leave(room, identity, why="removed")

    async def delete_room(self, room: str) -> None:
        await self.clock.sleep(0)
        for identity in list(self.rooms.get(room, {})):
            self.leave(room, identity, why="removed")
        if self.rooms.pop(room, None) is not None:
            self.note(room, "room_deleted")
        self.holds = {hold for hold in self.holds if hold[0] != room}

    async def live_resources(self) -> LiveResources:
        people = [p for room in self.rooms.values() for p in room.values()]
        return LiveResources(
            rooms=tuple(sorted(self.rooms)),
            participants=tuple((p.room, p.identity) for p in people if not p.ringing),
            ringing=tuple((p.room, p.identity) for p in people if p.ringing),
            holds=tuple(sorted(self.holds)),
        )

    def _speak_if_present(self, room: str, identity: str, reply: Reply) -> None:
        if identity in self.rooms.get(room, {}):
            self.speak(room, identity, reply)

    def _find(self, room: str, identity: str) -> Participant:
        person = self.rooms.get(room, {}).get(identity)
        if person is None:
            raise ParticipantGone(f"{identity} is not in {room}", sip_status=404)
        return person


def _terminated() -> TelephonyError:
    return DialError(DialStatus.FAILED, 487, "request terminated")


def _resolve(waiter: asyncio.Future[Reply | None], value: Reply | None) -> None:
    if not waiter.done():
        waiter.set_result(value)
