"""Everything the fake server knows, in memory, open for tests to read and script.

The server mutates this from its own thread while a test reads it from another, so writers hold
`lock`; reading a dict or list snapshot is safe enough for assertions.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from livekit.protocol.agent_dispatch import AgentDispatch
from livekit.protocol.models import ParticipantInfo, Room
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from switchboard.fakes.livekit.errors import TwirpError
from switchboard.fakes.livekit.outcomes import DialOutcome
from switchboard.fakes.livekit.records import CallRecord, RecordedRequest

Mode = Literal["cloud", "oss"]
# "released": livekit-server v1.13.5 + livekit-sip v1.11.0. "head": livekit-server HEAD (788d4c35),
# whose TransferSIPParticipant answers protocol 17c16cf4's TransferSIPParticipantResponse.
ServerVersion = Literal["released", "head"]
SERVER_VERSIONS: tuple[ServerVersion, ...] = ("released", "head")
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """A LiveKit-style id: `RM_`, `PA_`, `ST_`, `SDR_`, `AD_`, `SCL_` plus 12 random characters."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(12))


@dataclass
class FakeState:
    """Rooms, participants, SIP objects, dispatches, and the log of requests and calls."""

    mode: Mode = "cloud"
    server_version: ServerVersion = "released"
    time_scale: float = 1.0
    # Seconds (times `time_scale`) the SIP bridge takes to join the room before it sends the
    # INVITE; the ringing timer starts only after that.
    # upstream: livekit/sip@v1.11.0:pkg/sip/outbound.go:155 (connectToRoom, in newCall)
    # upstream: livekit/sip@v1.11.0:pkg/sip/outbound.go:658-665 (sipSignal starts the timer)
    join_seconds: float = 0.0
    # After a REFER resolves, the bridge hangs up the referred leg if the far end has not.
    # upstream: livekit/sip@v1.11.0:pkg/sip/inbound.go:1683 + pkg/sip/protocol.go:38 (1 s)
    refer_bye_seconds: float = 1.0
    # Open-source MoveParticipant of someone not connected: psrpc finds no handler within its
    # claim timeout and retries; the answer is 503 after about 3 s.
    # upstream: livekit/psrpc@v0.7.2:pkg/client/rpc.go:201, pkg/middleware/retry.go:57-63
    move_unclaimed_seconds: float = 3.0
    default_outcome: DialOutcome = field(default_factory=DialOutcome.answered)
    outcomes: dict[str, DialOutcome] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    participants: dict[str, dict[str, ParticipantInfo]] = field(default_factory=dict)
    inbound_trunks: dict[str, SIPInboundTrunkInfo] = field(default_factory=dict)
    outbound_trunks: dict[str, SIPOutboundTrunkInfo] = field(default_factory=dict)
    dispatch_rules: dict[str, SIPDispatchRuleInfo] = field(default_factory=dict)
    dispatches: dict[str, AgentDispatch] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    injected: dict[str, list[TwirpError]] = field(default_factory=dict)
    # Agent workers that registered on /agent (`agent_ws.RegisteredWorker`), oldest first.
    agent_workers: list[Any] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def reset(self) -> None:
        """Forget everything (objects, scripts, logs, timings) but keep `mode`, `server_version`
        and `time_scale`."""
        with self.lock:
            self.join_seconds, self.refer_bye_seconds, self.move_unclaimed_seconds = 0.0, 1.0, 3.0
            self.default_outcome = DialOutcome.answered()
            for store in (self.outcomes, self.rooms, self.participants, self.inbound_trunks):
                store.clear()
            for other in (self.outbound_trunks, self.dispatch_rules, self.dispatches):
                other.clear()
            self.requests.clear()
            self.calls.clear()
            self.injected.clear()

    def fail_next(
        self, method: str, code: str, msg: str = "injected failure", *, times: int = 1, **meta: str
    ) -> None:
        """Make the next `times` calls of RPC `method` (e.g. "ListSIPInboundTrunk") fail.

        The error is answered after authentication, instead of running the RPC: a way to test how
        callers handle `unavailable`, `internal` or any other code LiveKit may send.
        """
        with self.lock:
            self.injected.setdefault(method, []).extend(
                TwirpError(code, msg, meta) for _ in range(times)
            )

    def take_injected(self, method: str) -> TwirpError | None:
        """The next injected failure for `method`, if any (used by the server)."""
        with self.lock:
            queue = self.injected.get(method)
            return queue.pop(0) if queue else None

    def script(self, number: str, outcome: DialOutcome) -> None:
        """Make every later dial of (or transfer to) `number` end as `outcome`."""
        with self.lock:
            self.outcomes[number] = outcome

    def outcome_for(self, number: str) -> DialOutcome:
        """The scripted outcome for `number` (with or without a leading +), else the default."""
        bare = number.lstrip("+")
        for key in (number, bare, "+" + bare):
            if key in self.outcomes:
                return self.outcomes[key]
        return self.default_outcome

    def requests_for(self, method: str) -> list[RecordedRequest]:
        """Recorded requests for one RPC name, e.g. "CreateSIPParticipant"."""
        return [r for r in list(self.requests) if r.method == method]

    def ensure_room(self, name: str, *, metadata: str = "", empty_timeout: int = 0) -> Room:
        """The room called `name`, created if missing (an existing room is returned unchanged)."""
        with self.lock:
            room = self.rooms.get(name)
            if room is None:
                now = time.time()
                room = Room(
                    sid=new_id("RM_"),
                    name=name,
                    creation_time=int(now),
                    creation_time_ms=int(now * 1000),
                    metadata=metadata,
                    empty_timeout=empty_timeout,
                )
                self.rooms[name] = room
                self.participants[name] = {}
            return room

    def delete_room(self, name: str) -> None:
        """Drop a room with its participants and agent dispatches."""
        with self.lock:
            self.rooms.pop(name, None)
            self.participants.pop(name, None)
            for dispatch_id in [d.id for d in self.dispatches.values() if d.room == name]:
                del self.dispatches[dispatch_id]

    def participant(self, room: str, identity: str) -> ParticipantInfo | None:
        """A participant by room and identity, or None."""
        return self.participants.get(room, {}).get(identity)

    def add_participant(self, room: str, info: ParticipantInfo) -> None:
        """Put `info` into `room` (creating the room) and keep `num_participants` right."""
        with self.lock:
            self.ensure_room(room)
            self.participants[room][info.identity] = info
            self.rooms[room].num_participants = len(self.participants[room])

    def remove_participant(self, room: str, identity: str) -> ParticipantInfo | None:
        """Take a participant out of its room, as when they hang up; returns it if it was there."""
        with self.lock:
            info = self.participants.get(room, {}).pop(identity, None)
            if room in self.rooms:
                self.rooms[room].num_participants = len(self.participants.get(room, {}))
            return info

    def seconds(self, scripted: float) -> float:
        """Real seconds for `scripted` seconds of fake time."""
        return scripted * self.time_scale

    def hang_up(self, room: str, identity: str) -> bool:
        """Simulate a remote hang-up (a caller or employee leaving); True if they were there."""
        return self.remove_participant(room, identity) is not None
