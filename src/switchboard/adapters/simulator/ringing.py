"""Dialling and merging on the simulated network: ringing, answer, busy, voicemail, REFER, move."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable

from switchboard.adapters.simulator.clock import SimulatedClock
from switchboard.adapters.simulator.people import Connection, Participant
from switchboard.adapters.simulator.scripts import AnswerMode, EmployeeScript, HangupPoint
from switchboard.ports.telephony import DialError, DialStatus, ParticipantGone, TelephonyError

_NOBODY = EmployeeScript()  # a number nobody scripted rings out, like an unattended phone
_FAST_FAILURE = 0.5  # seconds before a failing trunk answers with its SIP error
_SIP = {DialStatus.BUSY: 486, DialStatus.NO_ANSWER: 480, DialStatus.VOICEMAIL: None}


class RingingMixin(ABC):
    """Needs the SimulatedNetwork's state; kept apart so each file stays about one thing. The
    abstract methods below are what it uses of the network, which implements them."""

    clock: SimulatedClock
    employees: dict[str, EmployeeScript]
    rooms: dict[str, dict[str, Participant]]
    links: dict[str, str]
    connections: list[Connection]
    dialed: list[str]
    merge_seconds: float

    @abstractmethod
    def leave(self, room: str, identity: str, why: str = "hung_up") -> None: ...

    @abstractmethod
    def note(self, room: str, kind: str, identity: str = "", detail: str = "") -> None: ...

    @abstractmethod
    def phase(self, room: str, point: HangupPoint) -> None: ...

    async def dial(
        self,
        room: str,
        target: str,
        *,
        identity: str,
        ringing_timeout: float,
        caller_id: str | None = None,
        dtmf: str = "",
    ) -> None:
        """Ring `target` into `room` and return when a person answers (see Telephony.dial)."""
        if room not in self.rooms:
            raise TelephonyError(f"room {room} does not exist", sip_status=404)
        if ringing_timeout <= 0:
            raise TelephonyError("ringing_timeout must be positive", sip_status=400)
        self.dialed.append(target)
        script = self.employees.get(target, _NOBODY)
        answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        leg = Participant(identity, room, "employee", ringing=True, target=target, employee=script)
        leg.answered = answered
        self.rooms[room][identity] = leg
        self.note(room, "ringing", identity, "with dtmf" if dtmf else "")
        self.phase(room, HangupPoint.RINGING)
        timer = self.clock.call_later(*self._plan(script, ringing_timeout, answered))
        try:
            await answered
        except BaseException:
            timer.cancel()
            # A cancelled or failed dial never leaves the phone ringing.
            self.leave(room, identity, why="stopped_ringing")
            raise
        leg.ringing = False
        leg.to_say.extend(script.replies())
        self.note(room, "answered", identity)
        self.phase(room, HangupPoint.CONSULTATION)
        if script.decision == "hangup":
            self.clock.call_later(
                script.decide_after + 0.5, lambda: self.leave(room, identity, why="hung_up")
            )

    def _plan(
        self, script: EmployeeScript, timeout: float, answered: asyncio.Future[None]
    ) -> tuple[float, Callable[[], None]]:
        def settle(status: DialStatus | None, sip: int | None = None) -> None:
            if answered.done():
                return
            if status is None:
                answered.set_result(None)
            else:
                answered.set_exception(DialError(status, sip))

        ring_out = (timeout, lambda: settle(DialStatus.NO_ANSWER, 480))
        mode = script.answer
        if mode is AnswerMode.FAILED:
            return _FAST_FAILURE, lambda: settle(DialStatus.FAILED, script.sip_status)
        if mode is AnswerMode.NO_ANSWER or script.answer_after >= timeout:
            return ring_out
        if mode is AnswerMode.ANSWER:
            return script.answer_after, lambda: settle(None)
        status = DialStatus.BUSY if mode is AnswerMode.BUSY else DialStatus.VOICEMAIL
        return script.answer_after, lambda: settle(status, _SIP[status])

    async def move_participant(self, identity: str, from_room: str, to_room: str) -> None:
        """Move a live participant (takes `merge_seconds`, as a real move takes a moment)."""
        self.phase(to_room, HangupPoint.MERGING)
        await self.clock.sleep(self.merge_seconds)
        person = self.rooms.get(from_room, {}).get(identity)
        if person is None or person.ringing:
            raise ParticipantGone(f"{identity} is not in {from_room}", sip_status=404)
        if to_room not in self.rooms:
            raise TelephonyError(f"room {to_room} does not exist", sip_status=404)
        del self.rooms[from_room][identity]
        person.room = to_room
        self.rooms[to_room][identity] = person
        self.note(to_room, "moved_in", identity)
        for other in self.rooms[to_room].values():
            if other.role == "caller" and person.target is not None:
                self.connections.append(Connection(to_room, other.identity, person.target, "move"))

    async def refer(self, room: str, identity: str, transfer_to: str) -> None:
        """SIP REFER the caller to `transfer_to`; the caller leaves the room once transferred."""
        if not transfer_to.startswith(("sip:", "sips:", "tel:")):
            raise TelephonyError("transfer_to must be a sip:, sips: or tel: URI", sip_status=400)
        self.phase(room, HangupPoint.MERGING)
        await self.clock.sleep(self.merge_seconds)
        person = self.rooms.get(room, {}).get(identity)
        if person is None:
            raise ParticipantGone(f"{identity} is not in {room}", sip_status=481)
        target = transfer_to.removeprefix("tel:")
        script = self.employees.get(target, _NOBODY)
        if script.answer is not AnswerMode.ANSWER:
            raise TelephonyError("transfer target did not answer", sip_status=480)
        self.connections.append(Connection(room, identity, target, "refer"))
        self.leave(room, identity, why="referred")
