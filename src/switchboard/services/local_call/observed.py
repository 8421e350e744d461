"""The simulated phone network, narrated: every ring, hold, hang-up and consultation line becomes a
`CallLine` the moment it happens, so the screen and the scenario transcript keep the real order."""

from __future__ import annotations

from collections.abc import Mapping

from switchboard.adapters.simulator import EmployeeScript, SimulatedClock, SimulatedNetwork
from switchboard.ports.telephony import DialError, DialStatus, Reply
from switchboard.services.local_call.lines import CallLine, CallLines, Leg

_DIAL_ENDED = {
    DialStatus.BUSY: "{name}'s line is busy",
    DialStatus.NO_ANSWER: "{name} did not answer",
    DialStatus.VOICEMAIL: "{name}'s voicemail picked up (the caller is not connected to it)",
    DialStatus.FAILED: "the call to {name} failed",
}


class ObservedNetwork(SimulatedNetwork):
    """A `SimulatedNetwork` that reports to `lines`. `names` maps dial targets to employee names;
    numbers are never put in a line."""

    def __init__(
        self,
        clock: SimulatedClock,
        employees: Mapping[str, EmployeeScript],
        *,
        names: Mapping[str, str],
        lines: CallLines,
    ) -> None:
        super().__init__(clock, employees)
        self._names = dict(names)
        self._lines = lines
        self._who: dict[str, str] = {}  # leg identity -> employee name

    def _event(self, kind: str, text: str, leg: Leg = "caller") -> None:
        self._lines.add(CallLine("event", text, leg, kind))

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
        name = self._who[identity] = self._names.get(target, "the employee")
        self._event("ringing", f"Ringing {name}…", "employee")
        try:
            await super().dial(
                room, target, identity=identity, ringing_timeout=ringing_timeout,
                caller_id=caller_id, dtmf=dtmf,
            )  # fmt: skip
        except DialError as exc:
            status = f" (SIP {exc.sip_status})" if exc.outcome is DialStatus.FAILED else ""
            self._event(exc.outcome.value, _DIAL_ENDED[exc.outcome].format(name=name) + status,
                        "employee")  # fmt: skip
            raise
        self._event("answered", f"{name} picked up — consultation (the caller can't hear this)",
                    "employee")  # fmt: skip

    async def start_hold(self, room: str, identity: str) -> None:
        fresh = (room, identity) not in self.holds
        await super().start_hold(room, identity)
        if fresh:
            self._event("hold", "Caller on hold ♪ (hold music)")

    async def stop_hold(self, room: str, identity: str) -> None:
        if (room, identity) in self.holds:
            self._event("unhold", "Caller off hold")
        await super().stop_hold(room, identity)

    async def say(self, room: str, identity: str, text: str) -> None:
        if identity in self.rooms.get(room, {}):
            leg: Leg = "employee" if room in self.links else "caller"
            self._lines.add(CallLine("agent", text, leg, who=self._who.get(identity, "")))
        await super().say(room, identity, text)

    def speak(self, room: str, identity: str, reply: Reply) -> None:
        super().speak(room, identity, reply)
        text = reply.text or f"[presses {reply.digits} on the keypad]"
        if identity in self._who:
            self._lines.add(CallLine("employee", text, "employee", who=self._who[identity]))
        else:
            self._lines.add(CallLine("caller", text))

    def leave(self, room: str, identity: str, why: str = "hung_up") -> None:
        present = identity in self.rooms.get(room, {})
        super().leave(room, identity, why)
        if not present or why != "hung_up":
            return
        if identity in self._who:
            self._event("hung_up", f"{self._who[identity]} hung up", "employee")
        else:
            self._event("hung_up", "The caller hung up")

    async def move_participant(self, identity: str, from_room: str, to_room: str) -> None:
        await super().move_participant(identity, from_room, to_room)
        self._event("connected", f"Connected: the caller is now talking to {self._who[identity]}")

    async def refer(self, room: str, identity: str, transfer_to: str) -> None:
        await super().refer(room, identity, transfer_to)
        name = self._names.get(transfer_to.removeprefix("tel:"), "the employee")
        self._event("connected", f"Connected: the caller is now talking to {name}")
