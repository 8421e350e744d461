"""The simulator's record of who is where: participants, what each leg heard and said."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from switchboard.adapters.simulator.scripts import CallerScript, EmployeeScript
from switchboard.ports.telephony import Reply

Role = Literal["agent", "caller", "employee"]


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One thing said on the network. `heard_by` is the only identity that heard an agent line."""

    at: float  # virtual seconds on the network's clock
    room: str
    role: Role
    text: str
    heard_by: str | None = None


@dataclass(frozen=True, slots=True)
class NetworkEvent:
    """Something that happened on the line (ringing, answered, hold on/off, left, moved, ...)."""

    at: float
    room: str
    kind: str
    identity: str = ""
    detail: str = ""  # never a phone number: targets are logged by the dial list only


@dataclass(frozen=True, slots=True)
class Connection:
    """A caller ended up talking to an employee."""

    caller_room: str
    caller_identity: str
    employee_target: str
    strategy: Literal["move", "refer"]


@dataclass(eq=False)
class Participant:
    identity: str
    room: str
    role: Literal["caller", "employee"]
    ringing: bool = False
    target: str | None = None
    caller: CallerScript = field(default_factory=CallerScript)
    employee: EmployeeScript | None = None
    replies: deque[Reply] = field(default_factory=deque)
    to_say: deque[Reply] = field(default_factory=deque)  # scripted replies not yet given
    waiters: list[asyncio.Future[Reply | None]] = field(default_factory=list)
    answered: asyncio.Future[None] | None = None  # resolved when a ringing leg is picked up
    left: asyncio.Future[None] | None = None

    def gone(self) -> asyncio.Future[None]:
        if self.left is None:
            self.left = asyncio.get_running_loop().create_future()
        return self.left

    def deliver(self, reply: Reply) -> None:
        """Hand `reply` to the first waiting listener, or keep it for the next one."""
        while self.waiters:
            waiter = self.waiters.pop(0)
            if not waiter.done():
                waiter.set_result(reply)
                return
        self.replies.append(reply)
